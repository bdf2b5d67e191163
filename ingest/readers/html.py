"""Web pages (.html, .htm): the article's paragraphs and tables (see ingest/html.py)."""

from __future__ import annotations

from pathlib import Path

from ingest.readers import Extracted
from ingest.readers.encoding import decode


def read(path: Path, raw: bytes) -> Extracted:
    return from_markup(decode(path, raw), path)


def from_markup(markup: str, path: Path | str = "") -> Extracted:
    from ingest.html import html_to_text

    title, text = html_to_text(markup, path)
    return Extracted(text=text, title=title)
