"""Sending one email over SMTP (plain, STARTTLS or implicit TLS, optional login).

Failures become `DeliveryError`, marked permanent when a retry cannot help (a refused login,
sender or recipient) so the outbox and the user can tell a typo from a network fault.
"""

from __future__ import annotations

import base64
import contextlib
import smtplib
import ssl
from email.message import EmailMessage

from korwatch.config.model import EmailConfig
from korwatch.errors import DeliveryError


def send_smtp(message: EmailMessage, config: EmailConfig) -> None:
    where = f"{config.host}:{config.port}"
    try:
        client = _connect(config)
        try:
            if config.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.username and config.password is not None:
                _log_in(client, config.username, config.password.reveal(), where)
            refused = client.send_message(message)
        finally:
            _hang_up(client)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(
            f"the SMTP server {where} refused the login ({error.smtp_code})", permanent=True
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        addresses = ", ".join(sorted(error.recipients))
        raise DeliveryError(
            f"the SMTP server {where} refused the recipients {addresses}", permanent=True
        ) from error
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        raise DeliveryError(
            f"the SMTP server {where} answered {error.smtp_code} {_text(error.smtp_error)}",
            permanent=permanent,
        ) from error
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"cannot reach the SMTP server {where}: {error}") from error
    except UnicodeError:
        # Never the error's own text: it quotes the character and where it stands.
        raise DeliveryError(
            f"the email for the SMTP server {where} holds text that cannot be sent as it is "
            "(not ASCII where the server needs ASCII)",
            permanent=True,
        ) from None
    if refused:
        raise DeliveryError(
            f"the SMTP server {where} refused {', '.join(sorted(refused))}", permanent=True
        )


def _log_in(client: smtplib.SMTP, username: str, password: str, where: str) -> None:
    """Log in; a user name or password that is not ASCII goes as UTF-8 with AUTH PLAIN.

    smtplib encodes every login as ASCII (a UnicodeEncodeError naming a character of the
    password). SASL PLAIN is defined on UTF-8 (RFC 4616, section 2), so that is what such a
    login uses; a server that does not offer PLAIN gets a clear error showing nothing of it.
    """
    if username.isascii() and password.isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    offered = client.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        raise DeliveryError(
            f"the SMTP password or user name is not ASCII, and the SMTP server {where} offers "
            f"no login that takes UTF-8 (AUTH PLAIN); it offers: {' '.join(offered) or 'none'}",
            permanent=True,
        )
    response = b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8")
    code, answer = client.docmd("AUTH", "PLAIN " + base64.b64encode(response).decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, answer)


def _hang_up(client: smtplib.SMTP) -> None:
    """Say QUIT without waiting for the answer, and close. Once the server has accepted the
    message it is sent: a server that then hangs or fails must not make it count as unsent
    (the outbox would send it again)."""
    with contextlib.suppress(OSError, smtplib.SMTPException):
        client.putcmd("quit")
    client.close()


def _connect(config: EmailConfig) -> smtplib.SMTP:
    if config.security == "tls":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
        )
    return smtplib.SMTP(config.host, config.port, timeout=config.timeout)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
