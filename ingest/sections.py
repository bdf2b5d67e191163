"""A notice as a tree of sections, each knowing its path of labels and titles."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.headings import Grammar, choose_grammar, iter_items, match_heading

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Section:
    labels: tuple[str, ...]
    titles: tuple[str, ...]
    start: int  # where the heading begins (0 for the text before the first heading)
    body_start: int  # where the text after the heading's title begins
    end: int  # where the next heading begins, trailing blank lines excluded

    @property
    def level(self) -> int:
        return len(self.labels)

    @property
    def title(self) -> str:
        return self.titles[-1] if self.titles else ""

    def display_path(self) -> str:
        return display_path(self.labels, self.titles)


def display_path(labels, titles) -> str:
    """`二 › 第四方面问题 › (一) › 1. 针对…`: labels, and the title of the last one."""
    if not labels:
        return "(正文开头)"
    path = PATH_SEPARATOR.join(labels)
    return f"{path} {titles[-1]}" if titles and titles[-1] else path


def notice_grammar(text: str) -> Grammar:
    """The heading grammar this notice is written in (see ingest/headings.py)."""
    return choose_grammar(list(_lines(text)))


def parse_sections(text: str, grammar: Grammar | None = None) -> list[Section]:
    """Every section of the notice in reading order, the heading-less preamble first if any."""
    lines = list(_lines(text))
    grammar = grammar or choose_grammar(lines)
    stack: list[tuple[int, str, str]] = []  # (level, label, title) of the open headings
    sections: list[Section] = []
    open_start, open_body = 0, 0
    for line_start, line in lines:
        heading = match_heading(line, line_start, grammar)
        if heading is None:
            continue
        _close(sections, stack, text, open_start, open_body, heading.start)
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, heading.label, heading.title))
        open_start, open_body = heading.start, heading.body_start
    _close(sections, stack, text, open_start, open_body, len(text))
    return sections


def _lines(text: str):
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def _close(sections, stack, text, start, body_start, end) -> None:
    span = text[start:end]
    trimmed_end = start + len(span.rstrip())
    if trimmed_end <= start and not stack:
        return
    labels = tuple(label for _, label, _ in stack)
    titles = tuple(title for _, _, title in stack)
    if not stack:
        start = start + len(span) - len(span.lstrip())
    sections.append(Section(labels, titles, start, min(body_start, trimmed_end) if stack else start, trimmed_end))


def outline(text: str, signature: dict[str, str] | None = None) -> dict:
    """The notice's structure as stored with it at ingest (JSON-able), so readers need not parse again:
    the grammar, every section's labels, titles and spans, the items inside it, and the signature."""
    grammar = notice_grammar(text)
    sections = parse_sections(text, grammar)
    return {
        "grammar": grammar.name,
        "sections": [
            {
                "labels": list(s.labels),
                "titles": list(s.titles),
                "start": s.start,
                "body_start": s.body_start,
                "end": s.end,
                "items": [[label, s.body_start + at] for label, at in iter_items(text[s.body_start : s.end], grammar)],
            }
            for s in sections
        ],
        "signature": dict(signature or {}),
    }
