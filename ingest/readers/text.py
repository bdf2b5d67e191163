"""Plain-text and Markdown exports (.txt, .md); a text file that holds a web page is read as one."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.readers import Extracted
from ingest.readers.encoding import decode


def read(path: Path, raw: bytes) -> Extracted:
    text = decode(path, raw)
    if re.match(r"\s*<(!doctype html|html)", text[:200], re.I):
        from ingest.readers.html import from_markup

        return from_markup(text, path)
    return Extracted(text=text)
