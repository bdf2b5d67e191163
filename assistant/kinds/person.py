"""Who-is questions — a person's name, or an honest "not named": notices name few people."""

from __future__ import annotations

import re

from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.kinds.issuer import quote_speaker, speaker_line
from assistant.lexicon import cues
from assistant.question import AskKind, Question
from ingest.tagger import tagger

_ROLE = re.compile(r"组长|书记|主任|局长|区长|县长|市长|部长|同志|负责人")


class PersonKind:
    kind = AskKind.PERSON

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return cues("person").found_in(question.text)

    def compose(self, evidence: Evidence) -> Draft:
        asked = _ROLE.search(evidence.question.text)
        if asked and evidence.scored:
            # "区长叫什么" of a work report: the office and name on the line under its title
            doc_id = evidence.top.sentence.doc_id
            _, text = evidence.shelf.section_at(doc_id, 0)
            found = speaker_line(text)
            if found and found.group("office") == asked.group():
                return quote_speaker(evidence, doc_id, text, found)
        pseg = tagger()
        for ss in evidence.scored[:5]:
            if not evidence.answers(ss):
                continue
            words = pseg.lcut(ss.sentence.text)
            names = [
                w for i, (w, flag) in enumerate(words)
                if flag == "nr" and 2 <= len(w) <= 3
                and any(_ROLE.search(n) for n, _ in words[max(0, i - 1) : i + 2] if n != w)
            ]
            if names:
                return Draft(f"{names[0]}\n\n{evidence.quote(ss.sentence)}", True, [cite(ss.sentence)])
        # "组长是谁": a notice often names the office, not the person (由区委书记任组长)
        for ss in evidence.scored[:5] if asked else ():
            if not evidence.answers(ss):
                continue
            held = re.search(rf"由(?P<office>[\u4e00-\u9fff]{{2,8}}?)(?:任|担任|兼任){asked.group()}", ss.sentence.text)
            # …of the body the question names, every word of it (巡视整改领导小组, not 第三巡察组)
            body = evidence.question.text[: asked.start()]
            if held and all(w in ss.sentence.text for w in evidence.terms_for(body).weights if len(w) > 1):
                office = held.group("office")
                note = evidence.say("(通报写的是职务,没有写姓名)", "(the notice names the office, not the person)")
                return Draft(f"{office}{note}\n\n{evidence.quote(ss.sentence)}", True, [cite(ss.sentence)], [office])
        return evidence.abstain(evidence.say("通报中没有写明此人的姓名", "The notice does not name this person"))
