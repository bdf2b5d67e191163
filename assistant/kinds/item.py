""""上面第二条具体是什么?" — the item of the previous answer's list a follow-up points at, in full."""

from __future__ import annotations

from assistant.answer import Citation
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.kinds.listing import section_items
from assistant.question import AskKind, Question


class ItemKind:
    kind = AskKind.ITEM

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return bool(resolved.item)

    def compose(self, evidence: Evidence) -> Draft:
        top = evidence.top.sentence
        section, notice_text = evidence.shelf.section_at(top.doc_id, top.start)
        for start, end in section_items(notice_text, section, whole=True):
            if start <= top.start < end:
                quote = notice_text[start:end]
                citation = Citation(top.doc_id, top.doc_title, section.labels, section.titles, quote, start, end)
                return Draft(f"「{quote}」\n—— {evidence.where(top.doc_id, section.labels, section.titles)}", True, [citation])
        return Draft(evidence.quote(top), True, [cite(top)])
