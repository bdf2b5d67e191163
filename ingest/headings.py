"""The heading grammar of Chinese official notices (通报, 工作报告).

Four levels of section heading, each with a canonical label form:

    level 1   一、             → "一"
    level 2   第一方面问题 / 第一部分 / 第一方面   → "第一方面问题" (as written)
    level 3   (一) / (一)      → "(一)"
    level 4   1. / 1、 / 1.    → "1."

and, inside a section's text, two kinds of enumerated items that split long
sections but are not part of the section path: `一是…二是…` and `(1)` / `(1)`.
A heading may stand alone on its line or open a paragraph, its title ending at
the first full stop (`(一)迅速行动、扛起责任。2020年9月16日…`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN = "一二三四五六七八九十百零〇两"

_LEVELS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(?P<num>[{_CN}]{{1,4}})、")),
    (2, re.compile(rf"^(?P<num>第[{_CN}]{{1,4}}(?:方面问题|方面|部分))(?:[,，、:：。;；\s]|$)")),
    (3, re.compile(rf"^[(（](?P<num>[{_CN}]{{1,4}})[)）]")),
    (4, re.compile(r"^(?P<num>[0-9０-９]{1,3})(?:[.．]|、)(?![0-9０-９])")),
]

# Items inside a section: they open a clause (start of text or after a stop).
ITEM_PATTERN = re.compile(rf"(?:(?<=^)|(?<=[。;；:：!?！？\n]))\s*(?P<label>[{_CN}]{{1,3}}是|[(（][0-9０-９]{{1,2}}[)）])")

# Markdown notices mark headings (`## 一、…`, `**1.针对…**`); the marks are no part of label or title.
_MARKUP = re.compile(r"\s*(?:#{1,6}\s*|\*\*)?")

# Longer first sentences are body text; the heading's title is then its first clause.
MAX_TITLE_CHARS = 70


@dataclass(frozen=True)
class Heading:
    level: int
    label: str  # canonical form
    title: str
    start: int  # offset of the heading in the text
    body_start: int  # offset where the section's own text (after the title) begins
    end: int  # end of the heading's paragraph


def canonical_item_label(raw: str) -> str:
    # NFKC turns （１） into (1); 一是 is already canonical.
    return unicodedata.normalize("NFKC", raw)


def match_heading(paragraph: str, offset: int = 0) -> Heading | None:
    """Parse a paragraph that may open with a heading; `offset` locates it in the notice."""
    lead = _MARKUP.match(paragraph).end()
    stripped = paragraph[lead:]
    for level, pattern in _LEVELS:
        found = pattern.match(stripped)
        if not found:
            continue
        label = _canonical_label(level, found.group("num"))
        title, title_end = _title_after(stripped, found.end())
        # The section starts with its line, markup included, so no `##` trails the section before.
        start = offset + len(paragraph) - len(paragraph.lstrip())
        return Heading(level, label, title, start=start, body_start=offset + lead + title_end, end=offset + len(paragraph))
    return None


def _canonical_label(level: int, num: str) -> str:
    if level == 1:
        return num
    if level == 2:
        return num
    if level == 3:
        return f"({num})"
    return f"{int(unicodedata.normalize('NFKC', num))}."


def _title_after(text: str, pos: int) -> tuple[str, int]:
    """The heading's title and where the section's own body begins.

    The title is the first sentence when the heading opens a paragraph, the whole
    line when it stands alone; an over-long first sentence yields its first clause.
    """
    rest = text[pos:]
    lead = len(rest) - len(rest.lstrip(" ,，、:：\u3000\t"))
    rest = rest[lead:]
    line = rest.split("\n", 1)[0]
    stop = re.search(r"[。!?！？]", line)
    sentence = line[: stop.start()] if stop else line
    if len(sentence) <= MAX_TITLE_CHARS:
        end = stop.end() if stop else len(line)
        return sentence.strip().strip("*").strip(), pos + lead + end
    clause = re.split(r"[,，;；]", sentence, maxsplit=1)[0]
    if len(clause) <= MAX_TITLE_CHARS:
        return clause.strip(), pos + lead
    return clause[:MAX_TITLE_CHARS].strip() + "…", pos + lead


def iter_items(text: str):
    """Enumerated items (`一是`, `(1)`) in a section's text, as (label, offset)."""
    for found in ITEM_PATTERN.finditer(text):
        yield canonical_item_label(found.group("label")), found.start("label")
