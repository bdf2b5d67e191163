"""Word files (.docx) through python-docx.

python-docx gives the body in document order (paragraphs and tables), each paragraph's
style and its numbering properties — what headings need. Word's automatic numbering is
not in the paragraph text, so it is rendered here as Word shows it (`一、`, `(一)`, `1.`),
from numbering.xml's format and level text; a heading style with no number becomes a
Markdown heading (`## 标题`) that the heading grammar reads.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ingest.errors import NoticeError
from ingest.headings import has_label
from ingest.readers import Extracted
from ingest.readers.tables import pipe_table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_CN_DIGITS = "零一二三四五六七八九"


def read(path: Path, raw: bytes) -> Extracted:
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NoticeError(path, f"不是有效的 Word(.docx)文件,无法打开({type(exc).__name__})") from None
    numbering = _Numbering(document)
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [[cell.text for cell in _unique_cells(row)] for row in block.rows]
            lines = pipe_table(rows)
            if lines:
                blocks.append("\n".join(lines))
            continue
        text = block.text.strip()
        if not text:
            continue
        number = numbering.render(block)
        level = _heading_level(block)
        if number:
            text = number + text
        elif level and not has_label(text):
            text = "#" * level + " " + text
        blocks.append(text)
    return Extracted(text="\n\n".join(blocks), title=(document.core_properties.title or "").strip())


def _unique_cells(row):
    """A merged cell is returned once per grid column it spans; keep it once."""
    seen = []
    for cell in row.cells:
        if not seen or cell._tc is not seen[-1]._tc:
            seen.append(cell)
    return seen


def _heading_level(paragraph) -> int:
    style = paragraph.style
    while style is not None:
        found = _HEADING_STYLE.match(style.name or "")
        if found:
            return int(found.group(1))
        style = style.base_style
    level = paragraph.paragraph_format.element.find(f"{_W}pPr/{_W}outlineLvl")
    return int(level.get(f"{_W}val")) + 1 if level is not None and level.get(f"{_W}val", "9") < "9" else 0


class _Numbering:
    """Word's list numbering, counted in document order as Word counts it."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → (format, level text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.findall(f"{_W}abstractNum")}
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            for lvl in abstract.get(ref.get(f"{_W}val") if ref is not None else "", []).findall(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                self.levels[(num.get(f"{_W}numId"), int(lvl.get(f"{_W}ilvl")))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )

    def render(self, paragraph) -> str:
        num_pr = _num_pr(paragraph)
        if num_pr is None:
            return ""
        num_id, ilvl = num_pr
        if (num_id, ilvl) not in self.levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):  # a new item restarts the levels under it
            counts[deeper] = 0

        def value(level: int) -> str:
            fmt, _, start = self.levels.get((num_id, level), ("decimal", "", 1))
            return _format(max(counts[level], 1) + start - 1, fmt)

        _, text, _ = self.levels[(num_id, ilvl)]
        return re.sub(r"%(\d)", lambda m: value(int(m.group(1)) - 1), text)


def _num_pr(paragraph) -> tuple[str, int] | None:
    """The paragraph's numbering, its own or its style's."""
    for owner in (paragraph._p, paragraph.style.element if paragraph.style is not None else None):
        if owner is None:
            continue
        pr = owner.find(f"{_W}pPr/{_W}numPr")
        if pr is not None and pr.find(f"{_W}numId") is not None:
            ilvl = pr.find(f"{_W}ilvl")
            return pr.find(f"{_W}numId").get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
    return None


def _format(n: int, fmt: str) -> str:
    if fmt.startswith(("chineseCounting", "ideographTraditional", "japaneseCounting", "taiwaneseCounting")):
        return _chinese(n)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    return str(n)


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if not rest else ("零" + _CN_DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + _chinese(rest))
    return _CN_DIGITS[hundreds] + "百" + tail
