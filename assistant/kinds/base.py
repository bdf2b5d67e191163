"""What every answer kind works with: the evidence of one question, and the draft it returns.

`Evidence` is the typed stage between retrieval and answering: the question (with its
kind), the resolved follow-up, the scored sentences, the question's weighted words, the
reader's settings and a `Shelf` to look up a notice's sections, text and facts. It is
built per question, so nothing is shared between the page's concurrent answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer import Citation
from assistant.config import ReaderSettings
from assistant.evidence import ScoredSentence, Sentence, Terms
from ingest.keyword import normalize
from assistant.followup import Resolved
from assistant.question import AskKind, Question
from ingest.facts import Fact
from ingest.sections import Section, display_path


@dataclass
class Draft:
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    support: float | None = None  # figure answers: how much of what was asked the figure's own words hold


class Shelf(Protocol):
    """The notices as the reader needs them (the answerer implements it over the store)."""

    def section_at(self, doc_id: str, offset: int) -> tuple[Section, str]: ...

    def facts(self, doc_id: str) -> list[Fact]: ...

    def facts_between(self, doc_id: str, start: int, end: int) -> list[Fact]: ...

    def notice_name(self, doc_id: str) -> str: ...

    def issuer_of(self, doc_id: str) -> str: ...

    def speaking_year(self, doc_id: str) -> str: ...


@dataclass
class Evidence:
    question: Question
    resolved: Resolved
    scored: list[ScoredSentence]
    terms: Terms
    focus_terms: Terms
    shelf: Shelf
    settings: ReaderSettings
    silence: Callable[[], str]  # why the notices do not answer, worded for this question
    terms_for: Callable[[str], Terms]  # the weighted words of any part of the question
    several_notices: bool = False  # the question reaches more than one notice: every quote names its own
    # What the question names in words no notice uses, as the notices' own words for each thing.
    named: tuple[tuple[str, ...], ...] = ()

    def says_what_is_named(self, sentence: Sentence, own: str | None = None) -> bool:
        """Whether a sentence (or its headings) says each thing the question named otherwise:
        "GDP" is answered from a sentence about 地区生产总值 only — and, given a figure's `own`
        words, whether those say it (or the headings do: a section about it)."""
        where = normalize(" ".join((own if own is not None else sentence.text, *sentence.titles))).lower()
        return all(any(word.lower() in where for word in words) for words in self.named)

    def asked_years(self, doc_id: str) -> tuple[str, ...]:
        """The years the question asks of this notice: named, or said relative to its own (去年)."""
        return self.question.years_for(self.shelf.speaking_year(doc_id))

    def say(self, chinese: str, english: str) -> str:
        """The reader's own words in the question's language (quotes stay in the notice's)."""
        return english if self.question.english else chinese

    def where(self, doc_id: str, labels: tuple[str, ...], titles: tuple[str, ...]) -> str:
        """The section path, after the notice's name when several notices could have answered."""
        path = display_path(labels, titles)
        return f"《{self.shelf.notice_name(doc_id)}》{path}" if self.several_notices else path

    def quote(self, sentence: Sentence) -> str:
        return f"「{sentence.text}」\n—— {self.where(sentence.doc_id, sentence.labels, sentence.titles)}"

    @property
    def top(self) -> ScoredSentence:
        return self.scored[0]

    def answers(self, best: ScoredSentence, year_ok: bool | None = None) -> bool:
        """Whether a sentence covers enough of the question to answer it (and holds for its year:
        `year_ok` when a fact's own time decides, else the sentence's)."""
        floor = self.settings.min_coverage_english if self.question.english else self.settings.min_coverage
        if self.question.kind == AskKind.LIST:
            floor *= self.settings.list_floor
        elif self.question.kind == AskKind.COMPARISON:
            floor *= self.settings.comparison_floor
        held = max(best.lexical, best.context * 0.9, self.meant(best))
        return (best.year_ok if year_ok is None else year_ok) and held >= floor

    def meant(self, ss: ScoredSentence) -> float:
        """How much of the question a sentence holds by meaning (assistant.meaning: English
        questions), on the scale of word coverage."""
        return ss.meaning * self.settings.meaning_support

    def whole_of(self, fact: Fact, doc_id: str) -> Fact | None:
        """The whole a 其中 part is broken out of (`Fact.part_of`), or None for a fact that is none."""
        if fact.part_of is None:
            return None
        facts = self.shelf.facts(doc_id)
        return facts[fact.part_of] if 0 <= fact.part_of < len(facts) else None

    def facts_in(self, sentence: Sentence) -> list[Fact]:
        """The facts of the notice that lie in `sentence`, in order."""
        return self.shelf.facts_between(sentence.doc_id, sentence.start, sentence.end)

    def has_facts(self, doc_id: str) -> bool:
        return self.shelf.has_facts(doc_id)

    def abstain(self, reason: str | None = None, closest: Sentence | None = None) -> Draft:
        """"Not stated" (or `reason`, in the question's language), pointing to the closest passage."""
        closest = closest or (self.scored[0].sentence if self.scored else None)
        if self.question.english:
            text = f"{reason}." if reason else "The notice does not give this."
        else:
            text = f"{reason or self.silence()}。"
        if closest is None:
            return Draft(text, False)
        text += f"\n\n最接近的相关段落:{self.quote(closest)}"
        return Draft(text, False, [cite(closest)])


class AnswerKind(Protocol):
    """One kind of answer: which questions it recognises, and how it composes their answer."""

    kind: AskKind

    def recognises(self, question: Question, resolved: Resolved) -> bool: ...

    def compose(self, evidence: Evidence) -> Draft | None:
        """The answer, or None to hand the question to the passage kind."""


def cite(sentence: Sentence, start: int | None = None, end: int | None = None) -> Citation:
    return Citation(
        doc_id=sentence.doc_id,
        doc_title=sentence.doc_title,
        section_path=sentence.labels,
        section_titles=sentence.titles,
        quote=sentence.text if start is None else sentence.text[start:end],
        start=sentence.start if start is None else sentence.start + start,
        end=sentence.end if end is None else sentence.start + end,
    )


def silence(question: Question, terms: Terms, best: ScoredSentence | None,
            asked_years: Callable[[str], tuple[str, ...]] | None = None) -> str:
    """Why the notices do not answer: a word they never use, a year they do not cover, or neither."""
    missing = terms.missing()  # (an English question's words are only the Chinese it pastes)
    if missing and question.english:
        return f"The notice does not mention 「{'」「'.join(missing[:3])}」"
    if missing:
        return f"通报中没有提到「{'」「'.join(missing[:3])}」"
    years = (asked_years(best.sentence.doc_id) if asked_years else question.years) if best is not None else ()
    if years and not best.year_ok:
        return f"通报中没有{'、'.join(years)}年的相关数据"
    return "通报中没有直接回答这个问题的内容"
