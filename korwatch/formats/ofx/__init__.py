"""OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements, read by our own fast reader.

`parser.py` is the parser; `reader.py` walks the document; `encoding.py` finds its charset;
`fields.py` and `values.py` read a transaction's fields and values; `status.py` the server's
status codes. ofxparse is the reference it is tested against, not a runtime dependency of this
package. May import: korwatch.models, korwatch.errors, korwatch.formats.base.
"""

from korwatch.formats.ofx.parser import PARSERS

__all__ = ["PARSERS"]
