"""korwatch: watches a Dutch business's turnover against the KOR threshold (see README.md)."""

__version__ = "0.1.0"
