"""No particular span asked: the best sentence itself, with its close neighbours of the same section."""

from __future__ import annotations

from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.question import AskKind, Question

# Sentences of the same section join the quote when they score this share of the best.
_NEIGHBOUR_SHARE = 0.85


class PassageKind:
    kind = AskKind.PASSAGE

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return True

    def compose(self, evidence: Evidence) -> Draft:
        top = evidence.top
        if not evidence.answers(top):
            return evidence.abstain()
        chosen = [top]
        for ss in evidence.scored[1:3]:
            if ss.sentence.labels == top.sentence.labels and ss.score >= _NEIGHBOUR_SHARE * top.score:
                chosen.append(ss)
        chosen.sort(key=lambda ss: ss.sentence.start)
        body = chosen[0].sentence.text
        for before, after in zip(chosen, chosen[1:]):
            # Sentences apart in the notice are not quoted as if they were one span.
            gap = after.sentence.start - before.sentence.end
            body += ("" if gap <= 1 else "……") + after.sentence.text
        text = f"{evidence.say('通报原文:', 'The notice says:')}「{body}」\n—— {evidence.where(top.sentence.doc_id, top.sentence.labels, top.sentence.titles)}"
        return Draft(text, True, [cite(ss.sentence) for ss in sorted(chosen, key=lambda ss: -ss.score)])
