"""Name questions — a 《document》, a “quoted term”, an honour, who led something.

The name is a span of the best sentences; other names in the sentence bound a name's
context as other figures bound a figure's, and a title that itself holds the question's
words is the one the question names.
"""

from __future__ import annotations

import re

from assistant.evidence import coverage
from assistant.figures import Figure
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.kinds.figure import local_fit
from assistant.lexicon import cues
from assistant.question import AskKind, Question

# A name: a 《title》, a “quoted term”, the honour after 获评/评为/荣获, or who 由…任/牵头.
_NAME_SPAN = re.compile(
    r"(?P<name>《[^《》]{2,60}》|“[^“”]{2,40}”)|(?:被评为|获评|评为|荣获|授予)(?P<honour>[^,，。;；、]{2,24})"
    r"|由(?P<who>[\u4e00-\u9fff]{2,12}?)(?:任|担任|牵头|负责|主持|带队)"
)
_NAME_WEIGHT = 0.25
# The best sentence names nothing when the best naming sentence scores below this share of it.
_NAMING_SHARE = 0.6


class NameKind:
    kind = AskKind.NAME

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return cues("name").found_in(question.text)

    def compose(self, evidence: Evidence) -> Draft | None:
        candidates = []
        for ss in evidence.scored[:20]:
            names = []
            for found in _NAME_SPAN.finditer(ss.sentence.text):
                group = next(g for g in ("name", "honour", "who") if found.group(g))
                span, start = found.group(group), found.start(group)
                names.append(Figure(span, start, start + len(span), "name", None, "", span))
            for name in names:
                local = local_fit(evidence.focus_terms, ss.sentence.text, name, names, evidence.question)
                local += coverage(evidence.focus_terms, name.text)
                candidates.append((ss.score + _NAME_WEIGHT * local, ss, name.text))
        if not candidates:
            return None
        _, best, span = max(candidates, key=lambda c: c[0])
        if best is not evidence.top and best.score < _NAMING_SHARE * evidence.top.score:
            return None  # the best sentence names nothing: answer with the passage itself
        if not evidence.answers(best):
            return evidence.abstain()
        return Draft(f"{span}\n\n{evidence.quote(best.sentence)}", True, [cite(best.sentence)])
