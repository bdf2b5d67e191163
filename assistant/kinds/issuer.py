"""Who issued the notice — its issuing body as the notice signs it (or writes it under its
title), or the person who delivered a work report; else an honest "not named"."""

from __future__ import annotations

import re

from assistant.answer import Citation
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence
from assistant.lexicon import cues
from assistant.question import AskKind, Question

# "云泽市市长  周远航" under a work report's title: the office, then the name.
_SPEAKER = re.compile(r"^[\u4e00-\u9fff]{0,12}(?P<office>市长|县长|区长|省长|主席|主任|书记|局长)[\s\u3000]+(?P<name>[\u4e00-\u9fff]{2,4})\s*$", re.M)
# How far into a notice its title block reaches.
_HEAD = 400


def speaker_line(text: str) -> re.Match[str] | None:
    """The line under a work report's title that names who delivered it (区长 鲍思衡), if any."""
    return _SPEAKER.search(text[:_HEAD])


class IssuerKind:
    kind = AskKind.ISSUER

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return cues("issuer").found_in(question.text)

    def compose(self, evidence: Evidence) -> Draft:
        doc_id = evidence.top.sentence.doc_id
        _, text = evidence.shelf.section_at(doc_id, 0)
        if cues("issuer", "speaker").found_in(evidence.question.text):
            found = speaker_line(text)
            if found:
                return quote_speaker(evidence, doc_id, text, found)
        issuer = evidence.shelf.issuer_of(doc_id)
        bodies = [b for b in issuer.split("、") if b]
        # Where the notice itself writes it: the signature (the last mention), else under the title.
        where = [text.rfind(b) for b in bodies]
        if bodies and all(at >= 0 for at in where):
            first, last = min(where), max(where)
            return quote_span(evidence, doc_id, text, first, last + len(bodies[where.index(last)]),
                                evidence.say("(通报的署名)", "(as the notice signs it)"), answer=issuer)
        return evidence.abstain(evidence.say("通报中没有写明发文机关", "The notice does not name who issued it"))


def quote_speaker(evidence: Evidence, doc_id: str, text: str, found: re.Match[str]) -> Draft:
    """The answer naming who delivered a work report, quoting the line under its title."""
    line = found.group().strip()
    start = text.find(line, found.start())
    return quote_span(evidence, doc_id, text, start, start + len(line),
                      evidence.say("(报告人,见标题下一行)", "(who delivered the report, on the line under its title)"),
                      answer=found.group("name"))


def quote_span(evidence: Evidence, doc_id: str, text: str, start: int, end: int, note: str, answer: str = "") -> Draft:
    """The answer quoting the notice's own text[start:end] (a title block line, a signature)."""
    section, _ = evidence.shelf.section_at(doc_id, start)
    quote = text[start:end]
    citation = Citation(doc_id, evidence.top.sentence.doc_title, section.labels, section.titles, quote, start, end)
    answer = answer or quote
    return Draft(f"{answer}\n\n「{quote}」{note}", True, [citation], [answer])
