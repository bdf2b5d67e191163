"""The heading grammars of Chinese notices, read from `ingest/data/headings.json`.

A grammar is an ordered list of heading levels, each a set of markers with a canonical
label form, plus the enumerated items that split long sections without entering the
section path. The usual one (公文四级):

    level 1   一、             → "一"
    level 2   第一方面问题 / 第一部分 / 第一方面   → "第一方面问题" (as written)
    level 3   (一) / (一)      → "(一)"
    level 4   1. / 1、 / 1.    → "1."
    items     一是…  (1) ⑴ ①

its extension 公文六级, where (1) / ⑴ → "(1)" and ① → "①" are levels 5 and 6, and others for
第一章/第一节/第一条, for notices numbered 1. › ⑴ › ①, and for headings a file marks by style
(`# 标题` from Markdown or Word heading styles). A parenthesised or circled number heads a
section only where the items of its run each open their own line: `（1）…。（2）…。` inside
one paragraph is a run of items, whatever the grammar. Which grammar a notice
uses is voted on, as RAGFlow's `bullets_category` does: each grammar parses the notice's
lines, and the one under which the most headings are numbered without gaps (1, 2, 3
under each parent) wins; ties go to the grammar listed first, the usual one.

A heading may stand alone on its line or open a paragraph, its title ending at the
first full stop (`(一)迅速行动、扛起责任。2020年9月16日…`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_CN = "一二三四五六七八九十百零〇两"
_AR = "[0-9０-９]{1,3}"
_DATA = Path(__file__).with_name("data") / "headings.json"

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
    ordinal: int | None = None  # the number the label holds (None for a heading marked by style)


@dataclass(frozen=True)
class _Marker:
    pattern: re.Pattern[str]
    label: str
    unlabelled: bool
    # For a number that heads a section only when its run's items open their own lines:
    # the same number form found anywhere in a paragraph, to see whether the run goes on there.
    run: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Grammar:
    name: str
    levels: tuple[tuple[_Marker, ...], ...]
    items: re.Pattern[str]
    labelled: tuple[_Marker, ...]  # every labelled marker of every grammar: an unlabelled one yields to them


def _expand(pattern: str) -> str:
    return pattern.replace("{CN}", f"[{_CN}]{{1,4}}").replace("{AR}", _AR)


@lru_cache(maxsize=1)
def grammars() -> tuple[Grammar, ...]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    markers = {
        name: _Marker(
            re.compile(_expand(spec["pattern"])),
            spec.get("label", ""),
            bool(spec.get("unlabelled")),
            re.compile(_expand(spec["pattern"]).removeprefix("^")) if spec.get("own_lines") else None,
        )
        for name, spec in data["markers"].items()
    }
    labelled = tuple(m for m in markers.values() if not m.unlabelled)
    out = []
    for spec in data["grammars"]:
        items = "|".join(_expand(data["items"][name].replace("{CN}", _CN)) for name in spec["items"])
        # Items open a clause: the start of the text or right after a stop.
        pattern = re.compile(rf"(?:(?<=^)|(?<=[。;；:：!?！？\n]))\s*(?P<label>{items})")
        levels = tuple(tuple(markers[name] for name in level) for level in spec["levels"])
        out.append(Grammar(spec["name"], levels, pattern, labelled))
    return tuple(out)


def default_grammar() -> Grammar:
    return grammars()[0]


def ordinal(num: str) -> int:
    """The number a heading label holds: 一 → 1, 十二 → 12, 第三方面问题 → 3, ⑵ → 2, ① → 1, １２ → 12."""
    normal = unicodedata.normalize("NFKC", num)
    digits = re.search(r"\d+", normal)
    if digits:
        return int(digits.group())
    value = current = 0
    for ch in re.search(f"[{_CN}]+", normal).group():
        if ch in "十百":
            value += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            current = int(unicodedata.numeric(ch)) if ch not in "两〇零" else {"两": 2}.get(ch, 0)
    return value + current


def has_label(line: str) -> bool:
    """Whether the line opens with a heading number of any grammar (一、 (一) 1. 第一章 ⑴ …)."""
    return any(m.pattern.match(line) for m in default_grammar().labelled)


def canonical_item_label(raw: str) -> str:
    # NFKC turns （１） and ⑴ into (1); 一是 and ① are canonical as written.
    return raw if "①" <= raw <= "⑳" else unicodedata.normalize("NFKC", raw)


def match_heading(paragraph: str, offset: int = 0, grammar: Grammar | None = None) -> Heading | None:
    """Parse a paragraph that may open with a heading; `offset` locates it in the notice."""
    grammar = grammar or default_grammar()
    lead = _MARKUP.match(paragraph).end()
    stripped = paragraph[lead:]
    for level, markers in enumerate(grammar.levels, start=1):
        for marker in markers:
            if marker.unlabelled:
                found = marker.pattern.match(paragraph.lstrip())
                if not found or any(m.pattern.match(stripped) for m in grammar.labelled):
                    continue
                title, title_end = _title_after(stripped, 0)
                label, title, number = title, "", None
            else:
                found = marker.pattern.match(stripped)
                if not found:
                    continue
                num = found.group("num")
                number = ordinal(num)
                if marker.run and _run_goes_on(marker.run, stripped, found.end(), number):
                    continue
                label = marker.label.format(num=num, n=number)
                title, title_end = _title_after(stripped, found.end())
            if not label:
                continue
            # The section starts with its line, markup included, so no `##` trails the section before.
            start = offset + len(paragraph) - len(paragraph.lstrip())
            return Heading(level, label, title, start, offset + lead + title_end, offset + len(paragraph), number)
    return None


def _run_goes_on(run: re.Pattern[str], paragraph: str, pos: int, number: int) -> bool:
    """Whether the paragraph itself holds the next number of the run it opens (`（1）…（2）…`)."""
    return any(ordinal(found.group("num")) == number + 1 for found in run.finditer(paragraph, pos))


def choose_grammar(lines: list[tuple[int, str]]) -> Grammar:
    """The grammar under which the most of the notice's headings are numbered without gaps."""
    best, best_score = default_grammar(), -1
    for grammar in grammars():
        score = _consistency(grammar, lines)
        if score > best_score:
            best, best_score = grammar, score
    return best


def _consistency(grammar: Grammar, lines: list[tuple[int, str]]) -> int:
    stack: list[int] = []  # levels of the open headings
    last_child: dict[tuple[int, ...], int] = {}  # (open levels…, level) → ordinal of the last heading seen there
    score = 0
    for start, line in lines:
        heading = match_heading(line, start, grammar)
        if heading is None:
            continue
        while stack and stack[-1] >= heading.level:
            stack.pop()
        key = (*stack, heading.level)
        if heading.ordinal is None or heading.ordinal == last_child.get(key, 0) + 1:
            score += 1
        last_child[key] = heading.ordinal or 0
        # A new parent restarts the numbering of everything under it.
        for k in [k for k in last_child if len(k) > len(key) and k[: len(key)] == key]:
            del last_child[k]
        stack.append(heading.level)
    return score


def _title_after(text: str, pos: int) -> tuple[str, int]:
    """The heading's title and where the section's own body begins.

    The title is the first sentence when the heading opens a paragraph, the whole
    line when it stands alone; an over-long first sentence yields its first clause.
    """
    rest = text[pos:]
    lead = len(rest) - len(rest.lstrip(" ,，、:：\u3000\t"))
    rest = rest[lead : lead + 4 * MAX_TITLE_CHARS]  # a title is short: never scan a 400,000-character line for it
    line = rest.split("\n", 1)[0]
    stop = re.search(r"[。!?！？]", line)
    sentence = line[: stop.start()] if stop else line
    if len(sentence) <= MAX_TITLE_CHARS and (stop or len(line) < 4 * MAX_TITLE_CHARS):
        end = stop.end() if stop else len(line)
        return sentence.strip().strip("*").strip(), pos + lead + end
    clause = re.split(r"[,，;；]", sentence, maxsplit=1)[0]
    if len(clause) <= MAX_TITLE_CHARS:
        return clause.strip(), pos + lead
    return clause[:MAX_TITLE_CHARS].strip() + "…", pos + lead


def iter_items(text: str, grammar: Grammar | None = None):
    """Enumerated items (`一是`, `(1)`) in a section's text, as (label, offset)."""
    for found in (grammar or default_grammar()).items.finditer(text):
        yield canonical_item_label(found.group("label")), found.start("label")
