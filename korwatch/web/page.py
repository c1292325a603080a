"""What every page needs: the site's state, the config, the ledger connection and the viewer
of the request, rendering a template with the words of the page's language, and messages.

Each request opens its own ledger connection (closed at its end, app.py). Pages are Jinja2
templates from templates/web/, rendered through the email environment (its money and date
filters, StrictUndefined, autoescape).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jinja2
from flask import Response, current_app, flash, g, get_flashed_messages, redirect, request, session

from korwatch import clock
from korwatch.clock import local_today
from korwatch.config.model import LANGUAGES, BusinessConfig, Config
from korwatch.scan import open_ledger
from korwatch.web import i18n
from korwatch.web.security import Throttle, Viewer, csrf_token, safe_next
from korwatch.web.summaries import Summaries


@dataclass
class Site:
    """What the application keeps between requests."""

    get_config: Callable[[], Config]
    templates: jinja2.Environment
    summaries: Summaries = field(default_factory=Summaries)
    throttle: Throttle = field(default_factory=Throttle)
    charts: dict[tuple[object, ...], bytes] = field(default_factory=dict)


def site() -> Site:
    found: Site = current_app.extensions["korwatch"]
    return found


def current_config() -> Config:
    if "config" not in g:
        g.config = site().get_config()
    found: Config = g.config
    return found


def connection() -> sqlite3.Connection:
    if "connection" not in g:
        g.connection = open_ledger(current_config())
    found: sqlite3.Connection = g.connection
    return found


def current_viewer() -> Viewer:
    found: Viewer = g.viewer
    return found


def language() -> str:
    found = session.get("lang")
    return found if found in LANGUAGES else current_config().web.language


def today() -> Any:
    return local_today(clock.now())


def visible(config: Config) -> list[BusinessConfig]:
    """The businesses the viewer may see, in config order."""
    who = current_viewer()
    return [business for business in config.businesses if who.may_see(business.id)]


def business_or_404(business_id: str) -> BusinessConfig | None:
    """The business, when it exists and the viewer may see it (else None: answer 404)."""
    if not current_viewer().may_see(business_id):
        return None
    return next((b for b in current_config().businesses if b.id == business_id), None)


def render(template: str, http_status: int = 200, **facts: Any) -> Response:
    """A page from templates/web/, with what every page shows: the language and its words,
    the viewer, the CSRF token, messages (flashed, and the problems of the query string)."""
    lang = language()
    messages = [(kind, i18n.say(text, lang)) for kind, text in _flashed()]
    messages += [("error", i18n.say(problem, lang)) for problem in facts.pop("problems", [])]
    context = {
        "lang": lang,
        "t": i18n.WORDS[lang],
        "viewer": g.get("viewer"),
        "csrf": csrf_token(session),
        "messages": messages,
        "here": request.full_path.rstrip("?"),
        "other_language": _language_link("en" if lang == "nl" else "nl"),
        **facts,
    }
    body = site().templates.get_template(f"web/{template}").render(context)
    return Response(body, status=http_status, mimetype="text/html")


def _flashed() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = get_flashed_messages(with_categories=True)  # type: ignore[assignment]
    return [(str(kind), str(text)) for kind, text in found]


def _language_link(lang: str) -> str:
    arguments = {k: v for k, v in request.args.items() if k != "lang"}
    arguments["lang"] = lang
    return request.path + "?" + urlencode(arguments)


def error_page(status: int, message: str) -> Response:
    return render("error.html", http_status=status, status_code=status, message=message)


def back(target: str | None, message: str, kind: str = "ok") -> Response:
    """To a page of this site (`target`, else the overview) with a message on it."""
    flash(message, kind)
    return to(safe_next(target))


def to(target: str) -> Response:
    """See `target` (a redirect after a form, 303: the browser then asks with GET)."""
    found: Response = redirect(target, code=303)  # type: ignore[assignment]
    return found
