"""Placeholder: this format's parser is being written; it registers no parser yet."""

from __future__ import annotations

from korwatch.parsers.base import Parser

PARSERS: list[Parser] = []
