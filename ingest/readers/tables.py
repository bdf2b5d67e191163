"""Tables as every reader stores them: pipe-table lines, one row a line, the header row followed by a separator."""

from __future__ import annotations

import re


def pipe_table(rows: list[list[str]]) -> list[str]:
    """`| 指标 | 2022年 |` lines; empty rows dropped, cells on one line each, ragged rows padded."""
    rows = [[_cell(c) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    width = max(len(row) for row in rows)
    lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in rows]
    return [lines[0], "|" + "---|" * width, *lines[1:]]


def _cell(text: str) -> str:
    # A pipe inside a cell would split it; full-width ｜ reads the same.
    return re.sub(r"\s+", " ", text or "").strip().replace("|", "｜")
