"""The kinds of answer the offline reader gives, and which one a question gets.

Each kind is a small strategy in its own module: how it recognises its questions (from the
cue words of assistant/data/questions.toml) and how it composes the answer from the
evidence. Precedence is declared once, here: the first kind that recognises a question
answers it. A kind that finds nothing to compose hands the question to the next kind in line
that recognises it, and at last to the passage kind.

A new kind of answer is one module, one line in `KINDS`, and its tests.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.followup import Resolved
from assistant.kinds.base import AnswerKind, Draft, Evidence
from assistant.kinds.comparison import ComparisonKind
from assistant.kinds.figure import ANY_FIGURE
from assistant.kinds.figure import KINDS as FIGURE_KINDS
from assistant.kinds.issuer import IssuerKind
from assistant.kinds.item import ItemKind
from assistant.kinds.listing import ListKind
from assistant.kinds.names import NameKind
from assistant.kinds.ordinal import OrdinalKind
from assistant.kinds.passage import PassageKind
from assistant.kinds.person import PersonKind
from assistant.kinds.signature import SignatureKind
from assistant.question import AskKind, Question

_PASSAGE = PassageKind()

KINDS: tuple[AnswerKind, ...] = (
    ItemKind(),
    PersonKind(),
    IssuerKind(),
    SignatureKind(),
    ComparisonKind(),
    OrdinalKind(),
    *FIGURE_KINDS,  # phone, date, count (by measure word), percent, count ("how many"), money
    NameKind(),
    ListKind(),
    ANY_FIGURE,
    _PASSAGE,
)


def kind_of(question: Question, resolved: Resolved) -> AnswerKind:
    return next(k for k in KINDS if k.recognises(question, resolved))


def classify(question: Question, resolved: Resolved) -> Question:
    """The question with the kind of answer it wants."""
    kind = kind_of(question, resolved).kind
    # What a count counts is kept whatever the kind: a comparison that finds no pair hands the
    # question on to the count kind ("前后两次各指出了多少个具体问题").
    return replace(question, kind=kind)


def compose(evidence: Evidence) -> Draft:
    """The answer of the question's kind, or of the next kind in line that recognises it."""
    if not evidence.scored:
        return Draft(evidence.say("通报中没有找到与这个问题相关的内容。", "Nothing in the notices is about this."), found=False)
    question, resolved = evidence.question, evidence.resolved
    first = next(i for i, k in enumerate(KINDS) if k.kind == question.kind)
    for kind in KINDS[first:]:
        if kind is KINDS[first] or kind.recognises(question, resolved):
            draft = kind.compose(_as(evidence, kind.kind))
            if draft is not None:
                return draft
    return _PASSAGE.compose(evidence)


def _as(evidence: Evidence, kind: AskKind) -> Evidence:
    return evidence if evidence.question.kind == kind else replace(evidence, question=replace(evidence.question, kind=kind))
