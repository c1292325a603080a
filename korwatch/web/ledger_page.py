"""A business's ledger of a year (`/business/ID/ledger`): every record with its verdict and
reason, filtered by what counts (counted / excluded / flagged / decided), month, counterparty,
amount range and text; and its CSV (`ledger.csv`), byte for byte what `korwatch ledger --year Y
--business ID --csv` prints (reporting/ledger_csv.py writes both)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, request

from korwatch.alerts.evaluation import evaluate_year
from korwatch.models import money
from korwatch.reporting.ledger_csv import Extras, row, walk, write_csv
from korwatch.tax.reasons import flag_in
from korwatch.tax.verdict import REVIEW, Classified
from korwatch.web.forms import Reader
from korwatch.web.overview import year_from
from korwatch.web.page import (
    business_or_404,
    connection,
    current_config,
    error_page,
    language,
    render,
)

SHOW = ("all", "counted", "excluded", "flagged", "decided")
PAGE = 500  # rows per page
FIELDS = ("month", "counterparty", "min", "max", "q")  # the filters' fields, shown as typed


@dataclass(frozen=True)
class Filters:
    show: str
    month: int | None
    counterparty: str
    low: int | None  # cents, on the record's amount
    high: int | None
    text: str
    record: int | None

    def keep(self, item: Classified, counted: bool) -> bool:
        record = item.record
        if self.record is not None and record.id != self.record:
            return False
        if not self._shown(item, counted) or (self.month and record.date.month != self.month):
            return False
        if (self.low is not None and record.amount_cents < self.low) or (
            self.high is not None and record.amount_cents > self.high
        ):
            return False
        if self.counterparty and self.counterparty not in record.counterparty_name.casefold():
            return False
        if self.text:
            words = f"{record.description} {record.reference} {record.counterparty_name} "
            words += f"{record.counterparty_iban} {item.reason} {item.invoice}"
            return self.text in words.casefold()
        return True

    def _shown(self, item: Classified, counted: bool) -> bool:
        if self.show == "counted":
            return counted
        if self.show == "excluded":
            return not counted
        if self.show == "flagged":
            return REVIEW in item.flags
        if self.show == "decided":
            return item.decision is not None
        return True


def register(app: Flask) -> None:
    app.add_url_rule("/business/<business_id>/ledger", "ledger", ledger_page)
    app.add_url_rule("/business/<business_id>/ledger.csv", "ledger_csv", ledger_csv)


def ledger_page(business_id: str) -> Response:
    business = business_or_404(business_id)
    if business is None:
        return error_page(404, "no_such_business")
    reader = Reader(request.args)
    year = year_from(reader)
    filters = _filters(reader)
    page = reader.number("page", 1, 100_000, 1) or 1
    state = evaluate_year(connection(), current_config(), business, year)
    found = [kept for kept in walk(state) if filters.keep(kept[0], kept[1])]
    start = (page - 1) * PAGE
    return render(
        "ledger.html",
        business={"id": business.id, "name": business.name},
        year=year,
        turnover=money(state.turnover_cents),
        excluded=money(state.excluded_cents),
        rows=[_row(business.id, *kept) for kept in found[start : start + PAGE]],
        matched=len(found),
        total=len(state.items),
        page=page,
        pages=[(number, _page_link(number)) for number in range(1, -(-len(found) // PAGE) + 1)],
        filters={name: request.args.get(name, "") for name in FIELDS},
        show=filters.show,
        problems=reader.problems,
    )


def _page_link(number: int) -> str:
    arguments = {k: v for k, v in request.args.items() if k != "page"}
    return request.path + "?" + urlencode({**arguments, "page": str(number)})


def _filters(reader: Reader) -> Filters:
    return Filters(
        show=reader.choice("show", SHOW, "all"),
        month=reader.number("month", 1, 12, None),
        counterparty=reader.text("counterparty").casefold(),
        low=reader.amount("min"),
        high=reader.amount("max"),
        text=reader.text("q").casefold(),
        record=reader.number("record", 1, 2**62, None),
    )


def _row(business_id: str, item: Classified, counted: bool, total: int) -> dict[str, Any]:
    """The ledger row (reporting/ledger_csv.py) of an item, with whether it waits for review
    and can be decided; the running total is the year's, not the filtered rows'. Its reason
    and flags in the page's language."""
    words = language()
    return {
        **row(business_id, item, counted, total, language=words),
        "flag_words": " ".join(flag_in(flag, words) for flag in item.flags),
        "flagged": REVIEW in item.flags,
        "decidable": item.record.kind == "transaction" and item.record.amount_cents > 0,
    }


def ledger_csv(business_id: str) -> Response:
    business = business_or_404(business_id)
    if business is None:
        return error_page(404, "no_such_business")
    year = year_from(Reader(request.args))
    state = evaluate_year(connection(), current_config(), business, year)
    text = io.StringIO()
    extras = Extras.read(connection(), business.id, state)
    write_csv(text, [(business.id, state, extras)], {business.id: business.language})
    response = Response(text.getvalue().encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="korwatch-{business.id}-{year}.csv"'
    )
    return response
