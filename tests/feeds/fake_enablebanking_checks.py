"""What the fake Enable Banking refuses, as the API reference says (the OpenAPI file in
api-evangelist/enable-banking: parameter patterns and enums, the required fields of each body,
the ErrorCode enum). Each check answers None, or (error code, message) for a 422 answer.

The reference names no HTTP status per error code; 422 is what Enable Banking was seen to
answer for parameter errors (WRONG_TRANSACTIONS_PERIOD, PSU_HEADER_NOT_PROVIDED). Unknown query
parameters are refused too: a stricter fake catches a misspelt parameter the real API might
silently ignore.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import jwt

APP_ID = "3f1c2a4e-8b7d-4c1e-9a2b-5d6e7f809a1b"  # the test application's id
Problem = tuple[str, str] | None
WRONG = "WRONG_REQUEST_PARAMETERS"
PSU_TYPES = ("business", "personal")
TRANSACTION_STATUSES = ("BOOK", "CNCL", "HOLD", "OTHR", "PDNG", "RJCT", "SCHD")
TRANSACTION_PARAMS = {"date_from", "date_to", "continuation_key", "transaction_status", "strategy"}


def aspsps_problem(args: dict[str, str]) -> Problem:
    """GET /aspsps: country `^[A-Z]{2}$`, psu_type and service from their enums."""
    unknown = set(args) - {"country", "psu_type", "service", "payment_type"}
    if unknown:
        return WRONG, f"unknown parameters {sorted(unknown)}"
    if "country" in args and not re.fullmatch(r"[A-Z]{2}", args["country"]):
        return WRONG, "country must match ^[A-Z]{2}$"
    if args.get("psu_type", "personal") not in PSU_TYPES:
        return WRONG, "psu_type must be business or personal"
    if args.get("service", "AIS") not in ("AIS", "PIS"):
        return WRONG, "service must be AIS or PIS"
    return None


def auth_problem(body: Any, banks: list[dict[str, Any]], now: datetime) -> Problem:
    """POST /auth (StartAuthorizationRequest): access.valid_until (RFC 3339 with an offset, in
    the future, within the bank's maximum_consent_validity), aspsp {name, country} of a known
    bank, state, redirect_url; psu_type from its enum."""
    problem = _fields_problem(body)
    if problem is not None:
        return problem
    aspsp = body["aspsp"] if isinstance(body["aspsp"], dict) else {}
    bank = next((b for b in banks if (b["name"], b["country"]) ==
                 (aspsp.get("name"), aspsp.get("country"))), None)  # fmt: skip
    if bank is None:
        return "WRONG_ASPSP_PROVIDED", "Wrong ASPSP name provided"
    try:
        valid_until = datetime.fromisoformat(str(body["access"].get("valid_until")))
    except (AttributeError, ValueError):
        return WRONG, "access.valid_until is not a date-time"
    if valid_until.tzinfo is None:
        return WRONG, "access.valid_until has no offset"
    if not now < valid_until <= now + timedelta(seconds=bank["maximum_consent_validity"]):
        return WRONG, "access.valid_until is not within the bank's maximum consent validity"
    return None


def _fields_problem(body: Any) -> Problem:
    if not isinstance(body, dict):
        return WRONG, "the body is not a JSON object"
    missing = [k for k in ("access", "aspsp", "state", "redirect_url") if k not in body]
    if missing:
        return WRONG, f"missing {missing}"
    if body.get("psu_type", "personal") not in PSU_TYPES:
        return WRONG, "psu_type must be business or personal"
    return None


def transactions_problem(query: dict[str, str], today: date) -> Problem:
    """GET /accounts/{id}/transactions: the reference's parameters, dates as YYYY-MM-DD, and
    the date errors of the ErrorCode enum."""
    unknown = set(query) - TRANSACTION_PARAMS
    if unknown:
        return WRONG, f"unknown parameters {sorted(unknown)}"
    if query.get("transaction_status", "BOOK") not in TRANSACTION_STATUSES:
        return WRONG, "transaction_status is not a TransactionStatus"
    if query.get("strategy", "default") not in ("default", "longest"):
        return WRONG, "strategy must be default or longest"
    return _dates_problem(query, today)


def _dates_problem(query: dict[str, str], today: date) -> Problem:
    try:
        start = date.fromisoformat(query["date_from"]) if "date_from" in query else None
        end = date.fromisoformat(query["date_to"]) if "date_to" in query else None
    except ValueError:
        return WRONG, "a date is not YYYY-MM-DD"
    if end is not None and start is None:
        return "DATE_TO_WITHOUT_DATE_FROM", "date_from must be provided if date_to provided"
    if start is not None and start > today:
        return "DATE_FROM_IN_FUTURE", "date_from can not be in the future"
    if start is not None and end is not None and start > end:
        return "WRONG_DATE_INTERVAL", "date_from should be less than or equal date_to"
    return None


def token_problem(header: str, public_key: str) -> str | None:
    """The request's JWT (bearerAuth of the reference): signed RS256 by the application's key,
    header typ "JWT" and kid the application id, iss and aud exact, living at most 86,400 s."""
    if not header.startswith("Bearer "):
        return "no bearer token"
    token = header.removeprefix("Bearer ")
    try:
        head = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token, public_key, algorithms=["RS256"], audience="api.enablebanking.com",
            issuer="enablebanking.com", options={"require": ["exp", "iat", "iss", "aud"]},
        )  # fmt: skip
    except jwt.PyJWTError as error:
        return f"bad token: {error}"
    if head.get("kid") != APP_ID or head.get("typ") != "JWT" or head.get("alg") != "RS256":
        return "wrong token header"
    if claims["exp"] - claims["iat"] > 86400:
        return "token lives longer than 86400 s"
    return None
