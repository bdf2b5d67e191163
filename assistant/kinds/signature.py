"""When was the notice signed — its own closing date: the last line that is only a date."""

from __future__ import annotations

import re

from assistant.answer import Citation
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence
from assistant.lexicon import cues
from assistant.question import AskKind, Question

# 2023年8月30日, or as official documents often sign: 二〇二三年八月三十日.
# A bulletin may sign with the month only (2025年3月).
_DATE_LINE = re.compile(r"^\s*((?:\d{4}|[〇零一二三四五六七八九]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
                        r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?)\s*$", re.M)


# "——2025年1月9日在翡湄区第三届人民代表大会第五次会议上" under a work report's title: the day it was delivered.
_DELIVERED = re.compile(r"^\s*[—－-]{1,2}\s*((?:\d{4}|[〇零一二三四五六七八九]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
                        r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)在[^\n]{2,60}?(?:会议|大会)上", re.M)
# How far into a notice its title block reaches.
_HEAD = 400


class SignatureKind:
    kind = AskKind.SIGNATURE

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return cues("signature").found_in(question.text)

    def compose(self, evidence: Evidence) -> Draft:
        top = evidence.top.sentence
        _, notice_text = evidence.shelf.section_at(top.doc_id, top.start)
        delivered = _DELIVERED.search(notice_text[:_HEAD])
        if delivered:
            # a speech or report is dated by the day it was delivered, on the line under its title
            start, end = delivered.start(1), delivered.end(1)
            section, _ = evidence.shelf.section_at(top.doc_id, start)
            line = notice_text[delivered.start():delivered.end()].strip()
            at = notice_text.find(line, delivered.start())
            citation = Citation(top.doc_id, top.doc_title, section.labels, section.titles, line, at, at + len(line))
            quote = notice_text[start:end]
            return Draft(f"{quote}\n\n「{line}」{evidence.say('(报告的日期,见标题下一行)', '(the day the report was delivered, on the line under its title)')}",
                         True, [citation], [quote])
        dates = list(_DATE_LINE.finditer(notice_text))
        if not dates:
            return evidence.abstain(evidence.say("通报中没有落款日期", "The notice carries no signing date"))
        start, end = dates[-1].start(1), dates[-1].end(1)
        section, _ = evidence.shelf.section_at(top.doc_id, start)
        quote = notice_text[start:end]
        citation = Citation(top.doc_id, top.doc_title, section.labels, section.titles, quote, start, end)
        return Draft(f"{quote}\n\n{evidence.say('(通报末尾的落款日期)', '(the date the notice is signed with)')}", True, [citation], [quote])
