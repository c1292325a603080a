"""Realistic sample payloads for every email kind, for `korwatch preview` and the tests.

The figures follow one plausible year of a small studio: a warning at 76,5 % in June, a crossing
by invoice 2026-042 on 14 September. They have the same shape as the payloads the alerts,
health and digest code store (see notify/context.py for the keys of each kind).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from korwatch.reporting.sample_advice import advice_sample

KINDS = (
    "warning",
    "crossed",
    "eligibility",
    "eukor-crossed",
    "advice",
    "source-stale",
    "source-failing",
    "delivery-failed",
    "consent-expiring",
    "needs-consent",
    "history-gap",
    "digest",
    "correction",
    "office-crossed",
    "office-digest",
    "test",
)

_CUMULATIVE = [
    ["2026-02-10", "7500.00"],
    ["2026-05-12", "13500.00"],
    ["2026-06-20", "15300.00"],
    ["2026-08-31", "18300.00"],
    ["2026-09-14", "21000.00"],
]
_CHART = {"cumulative": _CUMULATIVE, "warn_levels": ["15000.00", "18000.00"]}
_COMMON = {"basis": "bank", "provisional": True, "threshold": "20000.00", "year": 2026}

_SAMPLES: dict[str, dict[str, Any]] = {
    "warning": {
        **_COMMON,
        **_CHART,
        "cumulative": _CUMULATIVE[:3],
        "kind": "warning",
        "level": "warning-15000.00",
        "level_amount": "15000.00",
        "turnover": "15300.00",
        "headroom": "4700.00",
        "before": "13500.00",
        "after": "15300.00",
        "forecast": {"year_end": "27400.00", "crossing_date": "2026-10-05"},
        "item": {
            "date": "2026-06-20",
            "amount": "1800.00",
            "invoice": "2026-021",
            "counterparty": "Atelier Zuid",
            "description": "factuurnr. 2026-021",
            "source": "ing-2026-06.csv",
        },
        "detected_at": "2026-06-22T09:15:00+00:00",
    },
    "crossed": {
        **_COMMON,
        **_CHART,
        "kind": "crossed",
        "level": "crossed",
        "level_amount": "20000.00",
        "turnover": "21000.00",
        "headroom": "-1000.00",
        "before": "18300.00",
        "after": "21000.00",
        "item": {
            "date": "2026-09-14",
            "amount": "2700.00",
            "invoice": "2026-042",
            "counterparty": "Studio Oost",
            "description": "Factuur 2026-042",
            "source": "ing-2026-09.csv",
        },
        # What the crossing changes in euros (alerts.advice.crossing_facts).
        "after_crossing": {
            "since": "2026-09-14",
            "purchases": 2,
            "purchases_amount": "1270.50",
            "deductible": "220.50",
            "unrecognised": 1,
            "unrecognised_amount": "242.00",
            "unrecognised_vat": "42.00",
            "credits": [],
            "credits_count": 0,
            "credits_more": 0,
            "vat_on_top": "0.00",
            "vat_included": "0.00",
        },
        "detected_at": "2026-09-15T07:00:00+00:00",
    },
    "eligibility": {
        **_COMMON,
        "kind": "eligibility",
        "year": 2027,
        "previous_year": 2026,
        "previous_turnover": "21000.00",
        "eligible": False,
        "detected_at": "2027-01-02T07:00:00+00:00",
    },
    # kor-rules.md T11: a French order takes Union turnover over the EU-KOR's EUR 100,000.
    "eukor-crossed": {
        "kind": "eukor-crossed",
        "basis": "bank",
        "provisional": True,
        "year": 2026,
        "limit": "100000.00",
        "turnover": "100500.00",
        "over": "500.00",
        "before": "99000.00",
        "after": "100500.00",
        "item": {
            "date": "2026-11-10",
            "amount": "1500.00",
            "country": "FR",
            "invoice": "2026-118",
            "counterparty": "Boutique Lumière SARL",
            "description": "Facture 2026-118",
            "source": "ing-2026-11.csv",
        },
        "per_state": [
            {"country": "BE", "turnover": "9000.00"},
            {"country": "DE", "turnover": "12000.00"},
            {"country": "FR", "turnover": "36500.00"},
            {"country": "IT", "turnover": "25000.00"},
            {"country": "NL", "turnover": "18000.00"},
        ],
        "notify_by": "2026-12-01",
        "notify_overdue": False,
        "notice_working_days": 15,
        "quarter": 4,
        "quarter_due": "2027-01-31",
        "quarter_overdue": False,
        "next_year": 2027,
        "in_kor": True,
        "nl_threshold": "20000.00",
        "nl_kor_ended": False,
        "detected_at": "2026-11-11T07:00:00+00:00",
    },
    "source-stale": {
        "kind": "source-stale",
        "source": "directory /srv/exports/fotostudio",
        "since": "2026-10-01",
        "days": 36,
        "detected_at": "2026-11-06T07:00:00+00:00",
    },
    "source-failing": {
        "kind": "source-failing",
        "source": "moneybird",
        "since": "2026-11-20",
        "failures": 4,
        "error": "HTTP 401 from moneybird.com: the API token was refused; renew it",
        "detected_at": "2026-11-21T07:00:00+00:00",
    },
    "delivery-failed": {
        "kind": "delivery-failed",
        "subject": "KOR-grens 2026 overschreden door factuur 2026-042: meld je direct af",
        "error": "550 5.1.1 mailbox unavailable",
        "failed_kind": "crossed",
        "detected_at": "2026-09-15T07:05:00+00:00",
    },
    "consent-expiring": {
        "kind": "consent-expiring",
        "source": "enablebanking",
        "bank": "ING",
        "valid_until": "2026-12-10",
        "days_left": 14,
        "command": 'korwatch connect fotostudio --bank "ING" --country NL',
        "detected_at": "2026-11-26T07:00:00+00:00",
    },
    "needs-consent": {
        "kind": "needs-consent",
        "source": "enablebanking",
        "bank": "ING",
        "valid_until": "2026-12-10",
        "reason": "enablebanking: reading transactions: access ended (REVOKED_SESSION)",
        "since": "2026-11-27",
        "command": 'korwatch connect fotostudio --bank "ING" --country NL',
        "detected_at": "2026-11-27T07:00:00+00:00",
    },
    "history-gap": {
        "kind": "history-gap",
        "source": "enablebanking",
        "bank": "ING",
        "account": "NL20INGB0001234567",
        "first_day": "2026-06-13",
        "last_day": "2026-09-09",
        "served_from": "2026-09-10",
        "command": "korwatch import --business fotostudio FILE",
        "detected_at": "2026-12-01T09:00:00+00:00",
    },
    "digest": {
        **_COMMON,
        **_CHART,
        "kind": "digest",
        "level": "crossed",
        "turnover": "21500.00",
        "headroom": "-1500.00",
        "crossing": {
            "date": "2026-09-14",
            "amount": "2700.00",
            "after": "21000.00",
            "invoice": "2026-042",
            "counterparty": "Studio Oost",
        },
        "new_items": [
            {
                "date": "2026-09-20",
                "amount": "500.00",
                "counterparty": "Klant X",
                "invoice": "2026-043",
            }
        ],
        "week": "2026-W38",
        "sources": [
            {
                "source": "directory /srv/exports/fotostudio",
                "last_success_at": "2026-09-21T06:45:00+00:00",
                "last_error": None,
            }
        ],
        "detected_at": "2026-09-21T07:00:00+00:00",
    },
    # Invoice 2026-042 was lowered in Moneybird after the crossing email went out: the crossing
    # stands (U3), the 90 % warning it had superseded is reached later now.
    "correction": {
        **_COMMON,
        "kind": "correction",
        "basis": "invoices",
        "provisional": False,
        "turnover": "19200.00",
        "headroom": "800.00",
        "cause": {
            "edits": [
                {
                    "invoice": "2026-042",
                    "before": {
                        "date": "2026-09-14",
                        "amount": "2700.00",
                        "customer": "Studio Oost",
                        "credit_note": False,
                    },
                    "after": {
                        "date": "2026-09-14",
                        "amount": "900.00",
                        "customer": "Studio Oost",
                        "credit_note": False,
                    },
                }
            ]
        },
        "changes": [
            {
                "level": "crossed",
                "kind": "crossed",
                "level_amount": "20000.00",
                "change": "stands",
                "before": {
                    "date": "2026-09-14",
                    "amount": "2700.00",
                    "invoice": "2026-042",
                    "counterparty": "Studio Oost",
                    "description": "Factuur 2026-042",
                    "source": "moneybird 123 sales invoices",
                    "record": 42,
                    "before": "18300.00",
                    "after": "21000.00",
                    "level_amount": "20000.00",
                },
                "after": None,
            }
        ],
        "adviser_review": True,
        "reported": {},
        "detected_at": "2026-10-02T07:00:00+00:00",
    },
    "test": {"kind": "test"},
}
_SAMPLES["digest"]["cumulative"] = [*_CUMULATIVE, ["2026-09-20", "21500.00"]]
_SAMPLES["office-crossed"] = {
    **_SAMPLES["crossed"],
    "kind": "office-crossed",
    "client_recipients": ["wout@fotostudio.example.nl"],
}


def _client(number: int, name: str, percent: str, risks: list[str], **extra: Any) -> dict[str, Any]:
    turnover = (Decimal(percent) * 200).quantize(Decimal("0.01"))
    return {
        "id": name.lower().replace(" ", "-"),
        "name": name,
        "turnover": str(turnover),
        "threshold": "20000.00",
        "headroom": str(Decimal("20000.00") - turnover),
        "percent": percent,
        "bar": min(int(Decimal(percent)), 100),
        "level": "crossed" if "crossed" in risks else ("warning" if number < 4 else "ok"),
        "risks": risks,
        "crossing_date": extra.get("crossing_date"),
        "forecast_date": extra.get("forecast_date"),
        "review_items": extra.get("review_items", 0),
        "sources": extra.get("sources", []),
        "source_problems": extra.get("source_problems", []),
        "provisional": True,
    }


# An office of six clients, one of each kind of risk (reporting/portfolio.py ranks them so).
_SAMPLES["office-digest"] = {
    "kind": "office-digest",
    "year": 2026,
    "total": 6,
    "clients": [
        _client(0, "Fotostudio Wout", "107.5", ["crossed"], crossing_date="2026-09-14"),
        _client(1, "Bakkerij Jansen", "93.1", ["over-90", "forecast"], forecast_date="2026-11-02"),
        _client(2, "Atelier Zuid", "78.4", ["over-75", "review"], review_items=3),
        _client(3, "Studio Oost", "61.0", ["forecast"], forecast_date="2026-12-18"),
        _client(
            4,
            "De Vries Advies",
            "40.2",
            ["source"],
            sources=["directory /srv/exports/de-vries-advies: nothing new since 2026-08-01"],
            source_problems=[
                {
                    "source": "directory /srv/exports/de-vries-advies",
                    "failures": 0,
                    "since": "2026-08-01",
                    "error": "",
                }
            ],
        ),
        _client(5, "Webshop Noord", "22.7", []),
    ],
    "detected_at": "2026-09-21T07:00:00+00:00",
}
# How many clients have each risk, as portfolio_payload counts them (one client may have several).
_SAMPLES["office-digest"]["counts"] = {
    **{
        risk.replace("-", "_"): sum(
            risk in c["risks"] for c in _SAMPLES["office-digest"]["clients"]
        )
        for risk in ("crossed", "over-90", "over-75", "forecast", "source", "review")
    },
    "ok": sum(not c["risks"] for c in _SAMPLES["office-digest"]["clients"]),
}


def sample_payload(kind: str, business_id: str, business_name: str) -> dict[str, Any]:
    """A fresh copy of the sample for `kind`, made out to this business (for the office's
    digest: to the office of that name)."""
    if kind == "advice":  # computed, not written out: see sample_advice.py
        return advice_sample(business_id, business_name)
    payload = copy.deepcopy(_SAMPLES[kind])
    # The office's digest is about no one business: its `business` is the office.
    payload["business"] = {
        "id": "" if kind == "office-digest" else business_id,
        "name": business_name,
    }
    return payload
