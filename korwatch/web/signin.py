"""Signing in and out (`/login`, `/logout`) with a `[web.users.NAME]` password, and the style
sheet (`/static/korwatch.css`: the report's, then the web pages' own)."""

from __future__ import annotations

import time
from importlib.resources import files

from flask import Flask, Response, request, session

from korwatch.web.forms import Reader
from korwatch.web.page import back, current_config, render, site, to
from korwatch.web.passwords import verify_password
from korwatch.web.security import csrf_token, safe_next

PASSWORD_LIMIT = 1024


def register(app: Flask) -> None:
    app.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    app.add_url_rule("/logout", "logout", logout, methods=["POST"])
    app.add_url_rule("/static/korwatch.css", "css", style)
    app.add_url_rule("/favicon.ico", "favicon", lambda: Response(status=204))


def login() -> Response:
    config = current_config()
    target = safe_next(request.values.get("next"))
    if not config.web.passwords:
        return back(target, "no_sign_in_needed")
    if request.method == "GET":
        return render("login.html", next=target, name="", problem="")
    reader = Reader(request.form)
    name = reader.text("name", 64)
    password = request.form.get("password", "")[:PASSWORD_LIMIT]
    address = request.remote_addr or ""
    throttle = site().throttle
    if throttle.blocked(name, address):
        return render("login.html", http_status=429, next=target, name=name, problem="too_many")
    user = config.web.users.get(name)
    stored = user.password_hash.reveal() if user and user.password_hash else None
    if not name or not password or not verify_password(stored, password):
        throttle.failed(name, address)
        return render("login.html", http_status=401, next=target, name=name, problem="wrong_login")
    throttle.forget(name, address)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session.permanent = True
    session.update(user=name, issued=time.time())
    csrf_token(session)
    return to(target)


def logout() -> Response:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return to("/login")


def style() -> Response:
    templates = files("korwatch.templates")
    text = templates.joinpath("_report.css").read_text(encoding="utf-8")
    text += templates.joinpath("web", "web.css").read_text(encoding="utf-8")
    return Response(text, mimetype="text/css")
