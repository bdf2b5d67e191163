"""What an answer is: the text, whether the notices hold it, and the evidence behind it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from ingest.sections import display_path


@dataclass(frozen=True)
class Citation:
    """A verbatim span of a stored notice and the section it sits under."""

    doc_id: str
    doc_title: str
    section_path: tuple[str, ...]  # canonical labels, e.g. ("二", "第四方面问题", "(一)", "1.")
    section_titles: tuple[str, ...]
    quote: str  # == notice text[start:end]
    start: int
    end: int
    doc_name: str = ""  # the notice as people name it ("高明区 巡视整改 2021")
    page: int = 0  # the PDF or scan page the quote starts on (1-based); 0 for a notice without pages

    @property
    def display_path(self) -> str:
        return display_path(self.section_path, self.section_titles)

    @property
    def page_label(self) -> str:
        return f"第{self.page}页" if self.page else ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["section_path"] = list(self.section_path)
        data["section_titles"] = list(self.section_titles)
        data["display_path"] = self.display_path
        return data


@dataclass(frozen=True)
class Passage:
    """A retrieved node, as the answerer saw it (for evaluation and for the page)."""

    node_id: str
    doc_id: str
    section_path: tuple[str, ...]
    section_titles: tuple[str, ...]
    text: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict:
        data = asdict(self)
        data["section_path"] = list(self.section_path)
        data["section_titles"] = list(self.section_titles)
        return data


@dataclass
class Answer:
    question: str
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    answerer: str = "offline"  # "offline" or "llm:<model>"
    standalone_question: str = ""  # the question after resolving it against the history
    figures: list[str] = field(default_factory=list)  # figures the text states, each in a quote
    unverified_figures: list[str] = field(default_factory=list)  # an LLM's figures no quote holds
    fallback_reason: str = ""  # why the LLM answer was not used, if it was not
    support: float | None = None  # a figure answer: how much of the question its figure's own words hold (0–1)
    passages: list[Passage] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "found": self.found,
            "citations": [c.to_dict() for c in self.citations],
            "answerer": self.answerer,
            "standalone_question": self.standalone_question,
            "figures": list(self.figures),
            "unverified_figures": list(self.unverified_figures),
            "fallback_reason": self.fallback_reason,
            "support": self.support,
            "passages": [p.to_dict() for p in self.passages],
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def text_chunks(text: str) -> Iterator[str]:
    """A finished answer text, streamed a line at a time so surfaces render it progressively."""
    yield from re.findall(r"[^\n]*\n|[^\n]+$", text)
