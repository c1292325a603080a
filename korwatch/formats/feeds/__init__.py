"""Bank feeds: the JSON document a bank-feed source writes for each pull (`bankfeed.py`).

May import: korwatch.models, korwatch.errors, korwatch.formats.base.
"""

from korwatch.formats.base import Parser
from korwatch.formats.feeds import bankfeed

PARSERS: list[Parser] = [*bankfeed.PARSERS]
