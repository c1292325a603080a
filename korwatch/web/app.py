"""The Flask application: its settings, the guard every request passes (who is asking, the
CSRF token of a POST, the language) and the headers every answer carries.

`create_app(get_config)` takes a function giving the current config, so that inside
`korwatch run` a reloaded config (SIGHUP) takes effect at the next request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from flask import Flask, Response, g, request, session

from korwatch.config.model import LANGUAGES, Config
from korwatch.notify.render import environment
from korwatch.web import business, ledger_page, overview, review_page, signin
from korwatch.web.page import Site, current_config, error_page, to
from korwatch.web.security import CSRF_FIELD, HEADERS, csrf_ok, secret_key, viewer

OPEN_PATHS = ("/login", "/static/korwatch.css", "/favicon.ico")


def create_app(get_config: Callable[[], Config]) -> Flask:
    config = get_config()
    app = Flask("korwatch.web", static_folder=None)
    app.secret_key = secret_key(config)
    app.config.update(
        SESSION_COOKIE_NAME="korwatch_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.web.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=config.web.session_hours),
        MAX_CONTENT_LENGTH=64 * 1024,  # forms are small; nothing is uploaded
    )
    app.extensions["korwatch"] = Site(get_config, environment(config.templates_dir))
    app.before_request(_guard)
    app.after_request(_protect)
    app.teardown_request(_close)
    for module in (overview, business, ledger_page, review_page, signin):
        module.register(app)
    return app


def _close(error: BaseException | None) -> None:
    found = g.pop("connection", None)
    if found is not None:
        found.close()


def _guard() -> Response | None:
    """Every request: who is asking (else to the sign-in page), the language, the CSRF token."""
    config = current_config()
    if request.method == "POST" and not csrf_ok(session, request.form.get(CSRF_FIELD)):
        return error_page(400, "csrf_refused")
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        session["lang"] = wanted
    if request.path in OPEN_PATHS:
        return None
    who = viewer(config, request.remote_addr or "", request.headers.get, session)
    if who is None:
        if config.web.passwords:
            return to("/login?" + urlencode({"next": request.full_path.rstrip("?")}))
        return error_page(403, "not_allowed")
    g.viewer = who
    return None


def _protect(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "private, max-age=3600"
    else:
        # Turnover figures are private: not kept by the browser or anything in between.
        response.headers["Cache-Control"] = "no-store"
    return response
