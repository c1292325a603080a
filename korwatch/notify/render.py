"""Rendering alert emails from Jinja2 templates (Dutch by default, English by `language`).

Each kind of email is three templates in `templates/<lang>/`: `<kind>.subject.txt`,
`<kind>.txt` and `<kind>.html`. `StrictUndefined` makes a missing figure an error instead of a
blank; the HTML part is autoescaped. Everything taken from bank data is made single-line and
control-free before it reaches a template, and headers are set through `EmailMessage`, so a
counterparty name cannot add a header or live HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2

from korwatch.tax.reasons import phrase

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """Templates from `templates_dir` first (a user's overrides), then the packaged defaults."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.PackageLoader("korwatch.templates", "."))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["eur"] = format_amount
    env.filters["datum"] = format_date
    env.filters["pct"] = format_percent
    env.filters["maand"] = format_month
    env.filters["euro"] = format_euros
    env.filters["says"] = phrase
    env.filters["negate"] = negate
    return env


def render(env: jinja2.Environment, kind: str, language: str, context: dict[str, Any]) -> Rendered:
    values = {**context, "lang": language}
    subject = env.get_template(f"{language}/{kind}.subject.txt").render(values)
    return Rendered(
        subject=single_line(subject),
        text=env.get_template(f"{language}/{kind}.txt").render(values),
        html=env.get_template(f"{language}/{kind}.html").render(values),
    )


def single_line(value: str) -> str:
    """Control characters (CR, LF, tab, NUL ...) folded into single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def inert(value: Any) -> Any:
    """Bank data made safe for a template: strings single-line, containers walked."""
    if isinstance(value, str):
        return single_line(value)
    if isinstance(value, dict):
        return {key: inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [inert(item) for item in value]
    return value


def format_amount(value: str | Decimal | int, language: str = "nl") -> str:
    """'21500.00' as '€ 21.500,00' (nl) or '€21,500.00' (en)."""
    amount = Decimal(value) if not isinstance(value, Decimal) else value
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,.2f}"
    if language == "nl":
        return f"{sign}€ " + grouped.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{sign}€{grouped}"


def format_euros(value: str | Decimal | int, language: str = "nl") -> str:
    """An estimate in whole euros: '1140.49' as '€ 1.140' (nl) or '€1,140' (en)."""
    amount = Decimal(value) if not isinstance(value, Decimal) else value
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if whole < 0 else ""
    grouped = f"{abs(whole):,.0f}"
    if language == "nl":
        return f"{sign}€ " + grouped.replace(",", ".")
    return f"{sign}€{grouped}"


def negate(value: str | Decimal) -> str:
    """A money string with its sign turned: '-337.00' as '337.00'."""
    return str(-Decimal(value))


def format_percent(value: str | Decimal, language: str = "nl") -> str:
    """'76.5' as '76,5' (nl) or '76.5' (en); the % sign is the template's."""
    text = str(value)
    return text.replace(".", ",") if language == "nl" else text


def format_date(value: str | date, language: str = "nl") -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    months = _MONTHS_NL if language == "nl" else _MONTHS_EN
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_month(value: str, language: str = "nl") -> str:
    """'2026-09' as 'september 2026' (nl) or 'September 2026' (en)."""
    year, month = value.split("-")[:2]
    months = _MONTHS_NL if language == "nl" else _MONTHS_EN
    return f"{months[int(month) - 1]} {int(year)}"


def build_message(
    rendered: Rendered,
    *,
    sender: str,
    recipients: tuple[str, ...],
    message_id: str,
    when: datetime,
    images: tuple[tuple[str, bytes], ...] = (),
    cc: tuple[str, ...] = (),
    bcc: tuple[str, ...] = (),
) -> EmailMessage:
    """multipart/alternative (text, html); with `images` (Content-ID without brackets, PNG
    bytes) the HTML part becomes multipart/related holding the HTML and the inline images."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:  # smtplib sends to these and leaves the header out; an .eml file keeps it
        message["Bcc"] = ", ".join(bcc)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    if images:
        html_part = next(
            part for part in message.iter_parts() if part.get_content_type() == "text/html"
        )
        for content_id, png in images:
            html_part.add_related(
                png,
                maintype="image",
                subtype="png",
                cid=f"<{content_id}>",
                disposition="inline",
                filename=f"{content_id.partition('@')[0]}.png",
            )
    return message


def content_id(message_id: str, name: str) -> str:
    """A Content-ID for a part of this message, stable like its Message-ID."""
    return f"{name}.{message_id.strip('<>')}"


def message_id(event_id: int, business: str, year: int, level: str, sender: str) -> str:
    """A Message-ID that is the same on every delivery attempt of one event."""
    domain = sender.rpartition("@")[2] or "korwatch.invalid"
    safe = re.sub(r"[^A-Za-z0-9.-]", "-", f"{business}.{year}.{level}")
    return f"<korwatch.{event_id}.{safe}@{re.sub(r'[^A-Za-z0-9.-]', '', domain)}>"
