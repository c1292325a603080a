"""Reading `[web]`: where the dashboard listens and who may use it.

Safe by default: it listens on 127.0.0.1. Listening anywhere else needs users with password
hashes (`[web.users.NAME]`, made by `korwatch web-user add NAME`) or a trusted reverse proxy
that names the signed-in user in a header; otherwise the config is refused.
"""

from __future__ import annotations

import ipaddress
import re

from korwatch.config.model import LANGUAGES, WebConfig, WebUser
from korwatch.configtable import Table

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_HEADER = re.compile(r"^[A-Za-z0-9-]{1,64}$")
HASH_PREFIXES = ("$argon2id$",)  # what `korwatch web-user add` writes (web/passwords.py)


def is_loopback(host: str) -> bool:
    """Whether `host` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_web(table: Table, business_ids: set[str]) -> WebConfig:
    default = WebConfig()
    users = _users(table.table("users"), business_ids)
    header = table.string("proxy_header", "") or ""
    if header and not _HEADER.match(header):
        table.problem("proxy_header", f'"{header}" is not an HTTP header name')
    web = WebConfig(
        enabled=table.boolean("enabled", False),
        host=table.string("host", default.host) or default.host,
        port=table.integer("port", default.port, 1, 65535),
        users=users,
        proxy_header=header,
        trusted_proxies=table.strings("trusted_proxies", default.trusted_proxies),
        https=table.boolean("https", False),
        secret_key=table.secret("secret_key"),
        language=table.string("language", "nl", choices=LANGUAGES) or "nl",
        session_hours=table.integer("session_hours", default.session_hours, 1, 24 * 30),
    )
    if not is_loopback(web.host) and not web.passwords and not header:
        table.problem(
            "host",
            f'"{web.host}" can be reached from other machines: add [web.users.NAME] (see '
            "`korwatch web-user add NAME`) or a trusted proxy_header, or keep 127.0.0.1",
        )
    secret = web.secret_key
    if secret is not None and len(secret.reveal()) < 32:
        table.problem("secret_key", "must be at least 32 characters (random)")
    for index, address in enumerate(web.trusted_proxies):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            table.problem(f"trusted_proxies[{index}]", f'"{address}" is not an IP address')
    table.finish()
    return web


def _users(table: Table, business_ids: set[str]) -> dict[str, WebUser]:
    users: dict[str, WebUser] = {}
    for name in list(table.data):
        if not _NAME.match(name):
            table.problem(name, "a user name is letters, digits and . _ @ - (at most 64)")
        user = table.table(name)
        password = user.secret("password")
        if password is not None and not password.reveal().startswith(HASH_PREFIXES):
            user.problem(
                "password",
                "is not a password hash; make one with `korwatch web-user add NAME` "
                "(a password is never written in the config itself)",
            )
            password = None
        allowed = user.strings("businesses") if user.has("businesses") else None
        for index, business in enumerate(allowed or ()):
            if business not in business_ids:
                user.problem(f"businesses[{index}]", f'no business with id "{business}"')
        user.finish()
        users[name] = WebUser(name, password, None if allowed is None else frozenset(allowed))
    return users
