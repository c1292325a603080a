"""OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements, read by a streaming reader.

korwatch's records equal ofxparse's (the reference reader, tested differentially) except where
a decision is documented in `ofx_values`; ofxparse itself is not used because its cost grows
quadratically with the file. Mapping: amount = TRNAMT (signed), booking_date = DTPOSTED,
value_date = DTAVAIL, bank_id = FITID ("" when empty; a FITID repeated in one file keeps both
records, see `korwatch.dedup`), counterparty_name = NAME (or PAYEE/NAME), description = MEMO,
reference = REFNUM, code = TRNTYPE as written, currency = the transaction's CURRENCY/CURSYM,
else the statement's CURDEF (ORIGCURRENCY only says the amount was converted into CURDEF),
account = ACCTID of BANKACCTFROM or CCACCTFROM, line = the line of `<STMTTRN>`.

Investment statements (INVSTMTRS), error responses and files without a statement are refused
with NotTransactionFile (`ofx_status`).

Known, deliberate differences from ofxparse 0.21 (tests/parsers/test_ofx_differential.py compares
everything else exactly):
* dates: an Amsterdam date when a time and an offset are written, else the written date;
  ofxparse gives naive UTC and ignores an offset written without ":NAME" (`[-5]`);
* TRNTYPE is kept as written (ofxparse lower-cases it);
* an empty NAME, FITID or CURDEF reads as "" (ofxparse raises IndexError);
* thousands separators and spaces in TRNAMT, and sub-cent amounts, are refused (ofxparse
  guesses); investment statements and error responses are refused (ofxparse returns them);
* the XML `encoding` and a mis-declared UTF-8 file are honoured (ofxparse reads an OFX 2.x
  file as ASCII and fails on any other byte);
* entities are decoded by `html.unescape`: an unknown `&name;` keeps its ";" and a bare `&amp`
  inside a word decodes (BeautifulSoup differs on both; neither occurs in real statements).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from korwatch.formats.base import Mismatch, Parser
from korwatch.formats.ofx.encoding import choose_codec
from korwatch.formats.ofx.reader import read
from korwatch.models import Record, Sample

# The start of an OFX file: SGML header lines, an XML declaration followed by the OFX
# processing instruction, the instruction alone, or (header-less files) the <OFX> tag itself.
_START = re.compile(
    r"\A\ufeff?\s*(?:OFXHEADER\s*:|(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<\?OFX\b|<OFX>))",
    re.IGNORECASE | re.DOTALL,
)
_OFX_HINTS = ("<OFX>", "<STMTTRN>", "<BANKTRANLIST>", "<STMTRS>", "<CCSTMTRS>")


class OfxParser:
    name = "ofx"
    label = "OFX bank or credit-card statement (OFX 1.x SGML / 2.x XML, also QFX)"

    def identify(self, sample: Sample) -> bool:
        return _START.match(sample.text) is not None

    def parse(self, sample: Sample) -> Iterator[Record]:
        yield from read(sample.path, choose_codec(sample.path, sample.head))

    def mismatch(self, sample: Sample) -> Mismatch | None:
        upper = sample.text.upper()
        hints = [hint for hint in _OFX_HINTS if hint in upper]
        if not hints:
            return None
        first = next((line.strip() for line in sample.lines(1)), "")
        return Mismatch(
            score=min(0.9, 0.3 * len(hints)),
            detail=(
                f"it contains OFX tags ({', '.join(hints)}) but does not start like an OFX file "
                f"(an OFXHEADER line, <?xml ...?><?OFX ...?> or <OFX>); it starts with "
                f"{first[:60]!r}"
            ),
        )


PARSERS: list[Parser] = [OfxParser()]
