"""Enable Banking's request signature: a short-lived RS256 JWT signed with the application's
RSA private key, and reading that key from the config.

The claims and header follow the API reference's bearerAuth scheme (enablebanking.com/docs/api;
api-evangelist/enable-banking, openapi/_original/enable-banking-api-openapi.yml): header `typ`
"JWT", `alg` RS256, `kid` the application id; claims `iss` "enablebanking.com", `aud`
"api.enablebanking.com" (formerly api.tilisy.com, now deprecated), `iat`, `exp`; "tokens
created with longer TTL [than 86400 s] are not accepted".
"""

from __future__ import annotations

import time
from pathlib import Path

from korwatch.configtable import Secret, Table

AUDIENCE = "api.enablebanking.com"
TOKEN_SECONDS = 3600  # an hour, as Enable Banking's samples


def signed_token(application_id: str, private_key: Secret) -> str:
    """A fresh JWT for one request; its times are the API's clock, not KORWATCH_NOW."""
    import jwt  # noqa: PLC0415 - only bank feeds need it

    issued = int(time.time())
    return jwt.encode(
        {"iss": "enablebanking.com", "aud": AUDIENCE, "iat": issued,
         "exp": issued + TOKEN_SECONDS},
        private_key.reveal(),
        algorithm="RS256",
        headers={"kid": application_id},
    )  # fmt: skip


def load_private_key(table: Table, name: str) -> Secret | None:
    """The PEM private key: given inline (a ${VAR} or ${credential:NAME} holding the PEM) or
    as a path to the file. Checked to be an RSA private key; its content is never shown."""
    value = table.secret(name)
    if value is None:
        if not table.has(name):
            table.problem(name, 'is required: a path, "${VAR}" or "${credential:NAME}"')
        return None
    text = value.reveal()
    if "-----BEGIN" not in text:
        path = Path(text).expanduser()
        if not path.is_absolute() and table.base_dir is not None:
            path = table.base_dir / path
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or "not a text file"
            table.problem(name, f"cannot read the key file {path}: {reason}")
            return None
    problem = _key_problem(text)
    if problem is not None:
        table.problem(name, problem)
        return None
    return Secret(text)


def _key_problem(text: str) -> str | None:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey  # noqa: PLC0415
    from cryptography.hazmat.primitives.serialization import (  # noqa: PLC0415
        load_pem_private_key,
    )

    try:
        key = load_pem_private_key(text.encode("utf-8"), password=None)
    except Exception:  # malformed, encrypted, or an algorithm cryptography does not know
        return "is not a PEM private key without a passphrase"
    if not isinstance(key, RSAPrivateKey):
        return "is not an RSA key (Enable Banking signs with RS256)"
    return None
