"""A real HTTP server on 127.0.0.1 for a fake provider: a werkzeug WSGI app in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable

from werkzeug import Request, Response
from werkzeug.serving import make_server

Handler = Callable[[Request], Response]


class LocalServer:
    """Serves `handle` on 127.0.0.1 at a free port until stopped."""

    def __init__(self, handle: Handler) -> None:
        self._handle = handle

        @Request.application  # type: ignore[arg-type]
        def app(request: Request) -> Response:
            return self._handle(request)

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rsa_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair as PEM texts (private, public), made at test time."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public
