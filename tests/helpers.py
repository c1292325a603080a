"""Builders and real servers for the end-to-end tests.

`SmtpServer` is a real aiosmtpd server on 127.0.0.1 that can be stopped and started again on the
same port; `ing_csv` writes an export in ING's current semicolon layout, the way the bank does.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ING_HEADER = (
    '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
    '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"'
)
OWN_IBAN = "NL20INGB0001234567"


@dataclass(frozen=True)
class Payment:
    day: date
    amount: Decimal  # positive: money in
    name: str = "Klant BV"
    iban: str = "NL91ABNA0417164300"
    description: str = ""


def ing_csv(payments: list[Payment], account: str = OWN_IBAN) -> str:
    """An ING CSV export (semicolon, 11 columns) holding these payments, newest first."""
    lines = [ING_HEADER]
    for payment in sorted(payments, key=lambda p: p.day, reverse=True):
        sign = "Bij" if payment.amount > 0 else "Af"
        amount = f"{abs(payment.amount):.2f}".replace(".", ",")
        notes = f"Naam: {payment.name} Omschrijving: {payment.description} IBAN: {payment.iban}"
        fields = [
            payment.day.strftime("%Y%m%d"),
            payment.name,
            account,
            payment.iban,
            "OV",
            sign,
            amount,
            "Overschrijving",
            notes,
            "0,00",
            "",
        ]
        lines.append(";".join('"' + field.replace('"', '""') + '"' for field in fields))
    return "\r\n".join(lines) + "\r\n"


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps its port across stop() and start()."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Collector()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def config_text(
    inbox: Path,
    *,
    smtp_port: int | None = None,
    mail_dir: Path | None = None,
    extra_business: str = "",
    extra_email: str = "",
) -> str:
    """A config for one business reading `inbox`, mailing over SMTP or into .eml files."""
    if smtp_port is not None:
        email_section = f'backend = "smtp"\nhost = "127.0.0.1"\nport = {smtp_port}\ntimeout = 5'
        email_section += f"\n{extra_email}"
    else:
        email_section = f'backend = "file"\ndir = "{mail_dir}"'
    return f"""
state_dir = "state"

[email]
{email_section}
sender = "korwatch@example.nl"

[[business]]
id = "studio"
name = "Fotostudio Wout"
recipients = ["selina@example.nl"]
own_ibans = ["{OWN_IBAN}"]
{extra_business}

  [[business.source]]
  type = "directory"
  path = "{inbox}"
  settle_seconds = 0
"""


def half_year(total: int) -> list[Payment]:
    """Ten equal credits from 10 January to 20 June 2026, adding up to `total` euro."""
    step = (date(2026, 6, 20) - date(2026, 1, 10)).days // 9
    return [
        Payment(date(2026, 1, 10) + timedelta(days=step * n), Decimal(total) / 10, "Klant")
        for n in range(10)
    ]


def clients_config(root: Path, clients: dict[str, int | None], email: str, extra: str = "") -> Path:
    """An office's config: one business per client, reading exports/<id> (through [defaults])
    where an export holds `half_year(total)`; None: a folder that does not exist, so that
    source fails. `email` is the [email] table's keys; `extra` goes before it."""
    parts = [
        f'state_dir = "state"\n{extra}\n[email]\n{email}\nsender = "korwatch@example.nl"\n'
        '[defaults]\nrecipients = ["{id}@klant.example.nl"]\nfailing_after = 1\n'
        '  [[defaults.source]]\n  type = "directory"\n  path = "exports/{id}"\n'
        "  settle_seconds = 0\n"
    ]
    for client, total in clients.items():
        parts.append(f'[[business]]\nid = "{client}"\nname = "Klant {client}"\n')
        if total is not None:
            (root / "exports" / client).mkdir(parents=True)
            export = ing_csv(half_year(total))
            (root / "exports" / client / "export.csv").write_text(export, encoding="utf-8")
    path = root / "korwatch.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


_TRICKLE_STARTS = {
    "headers": b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nX-Padding: ",
    "body": b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n",
    "smtp": b"220-",
}


class Trickler:
    """A server on 127.0.0.1 that never finishes its answer: after the request (or at once, for
    SMTP) it sends one byte every `every` seconds, forever, never tripping a per-read timeout.

    `part`: "headers" (an HTTP status line and headers that never end), "body" (complete HTTP
    headers, then a body that never ends) or "smtp" (an SMTP greeting that never ends)."""

    def __init__(self, part: str, every: float = 0.5) -> None:
        self.part, self.every = part, every
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.connections = 0
        self._closing = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/export.csv"

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            if self.part != "smtp":
                connection.recv(65536)  # the request (small: one read holds it)
            connection.sendall(_TRICKLE_STARTS[self.part])
            while not self._closing.wait(self.every):
                connection.sendall(b"x")

    def close(self) -> None:
        self._closing.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
