"""Sending over SMTP: once the server has accepted the message it counts as sent."""

from __future__ import annotations

import contextlib
import socket
import threading
from email.message import EmailMessage

import pytest

from korwatch.config.model import EmailConfig
from korwatch.errors import DeliveryError
from korwatch.notify.smtp import send_smtp


class _MuteAfterData:
    """A minimal SMTP server on 127.0.0.1 that accepts one message and then never answers:
    not QUIT, not anything else (or, with `refuse`, answers DATA with 451)."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.messages: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            connection, _ = self.listener.accept()
            with connection, connection.makefile("rb") as lines:
                connection.sendall(b"220 test\r\n")
                self._session(connection, lines)

    def _session(self, connection: socket.socket, lines: object) -> None:
        for line in iter(lines.readline, b""):  # type: ignore[attr-defined]
            if line[:4].upper() != b"DATA":
                if line[:4].upper() == b"QUIT":
                    continue  # accepted the message, then silence
                connection.sendall(b"250 ok\r\n")
                continue
            connection.sendall(b"354 go on\r\n")
            body = list(iter(lines.readline, b".\r\n"))  # type: ignore[attr-defined]
            self.messages.append(b"".join(body))
            connection.sendall(b"451 try later\r\n" if self.refuse else b"250 queued\r\n")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "k@example.nl", "s@example.nl", "KOR"
    message.set_content("body")
    return message


def test_a_message_the_server_accepted_is_done_without_waiting_for_quit() -> None:
    """Once the server accepted the message, waiting for QUIT's answer (up to the 60 s
    timeout) only kept the job busy: a daemon stopping meanwhile abandoned it with the event
    still pending, and the restart sent the message again."""
    server = _MuteAfterData()
    errors: list[BaseException] = []

    def send() -> None:
        try:
            send_smtp(_message(), EmailConfig(backend="smtp", port=server.port, timeout=60))
        except BaseException as error:
            errors.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(timeout=20)  # far below the 60 s a wait for QUIT's answer would take
    server.close()
    assert not sender.is_alive() and errors == []
    assert len(server.messages) == 1 and b"Subject: KOR" in server.messages[0]


def test_a_message_the_server_did_not_accept_is_not_sent() -> None:
    server = _MuteAfterData(refuse=True)
    try:
        with pytest.raises(DeliveryError, match="answered 451"):
            send_smtp(_message(), EmailConfig(backend="smtp", port=server.port, timeout=3))
    finally:
        server.close()
