"""List questions — what was done (a section's 一是/二是 items), or the names one sentence enumerates."""

from __future__ import annotations

import re

from assistant.answer import Citation
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.kinds.passage import PassageKind
from assistant.lexicon import cues
from assistant.question import AskKind, Question
from ingest.headings import iter_items
from ingest.sections import Section

# An enumerating sentence answers when it scores this share of the best sentence.
_ENUMERATION_SHARE = 0.75


class ListKind:
    kind = AskKind.LIST

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return cues("list").found_in(question.text)

    def compose(self, evidence: Evidence) -> Draft:
        top = evidence.top
        if not evidence.answers(top):
            return evidence.abstain()
        if not evidence.question.measures:
            draft = _enumeration(evidence)
            if draft is not None:
                return draft
        section, notice_text = evidence.shelf.section_at(top.sentence.doc_id, top.sentence.start)
        items = section_items(notice_text, section)
        if len(items) < 2:
            return _enumeration(evidence) or PassageKind().compose(evidence)
        where = evidence.where(top.sentence.doc_id, section.labels, section.titles)
        lines = [evidence.say(f"{where} 中列出的做法:", f"What {where} lists:")]
        citations = [cite(top.sentence)]  # what the question found comes first
        for start, end in items:
            quote = notice_text[start:end]
            lines.append(f"- {quote}")
            citations.append(Citation(top.sentence.doc_id, top.sentence.doc_title, section.labels, section.titles, quote, start, end))
        return Draft("\n".join(lines), True, citations)


def _enumeration(evidence: Evidence) -> Draft | None:
    """Names listed in one sentence: 《A》《B》, “植物、动物、药物、礼物”, 大布村、坟典村、小洞村."""
    for ss in evidence.scored[:3]:
        if ss.score < _ENUMERATION_SHARE * evidence.top.score:
            break
        items = enumerated(ss.sentence.text)
        if len(items) >= 2:
            lines = [evidence.say("通报列出:", "The notice lists:")] + [f"- {item}" for item in items] + ["", evidence.quote(ss.sentence)]
            return Draft("\n".join(lines), True, [cite(ss.sentence)])
    return None


def section_items(notice_text: str, section: Section, whole: bool = False) -> list[tuple[int, int]]:
    """The enumerated items of a section: their headline sentence, or the whole item."""
    body = notice_text[section.body_start : section.end]
    marks = list(iter_items(body))
    shi = [(label, off) for label, off in marks if label.endswith("是")]
    chosen = shi if len(shi) >= 2 else [(label, off) for label, off in marks if not label.endswith("是")]
    spans = []
    for i, (_, off) in enumerate(chosen):
        start = section.body_start + off
        limit = section.body_start + (chosen[i + 1][1] if i + 1 < len(chosen) else len(body))
        if whole:
            end = limit
        else:
            stop = re.search(r"[。;；]", notice_text[start:limit])
            end = start + stop.end() if stop else limit
        end = start + len(notice_text[start:end].rstrip())
        spans.append((start, end))
    return spans


def enumerated(text: str) -> list[str]:
    """The items a sentence enumerates: several 《titles》, or a 、-separated run of short names."""
    titles = re.findall(r"《[^《》]{2,60}》", text)
    if len(titles) >= 2:
        return titles
    quoted = re.search(r"“([^“”]{3,60})”", text)
    if quoted and "、" in quoted.group(1):
        return [part for part in quoted.group(1).split("、") if part]
    run = re.search(r"((?:[\u4e00-\u9fff“”]{2,12}、){1,}[\u4e00-\u9fff“”]{2,12})", text)
    if run:
        parts = run.group(1).split("、")
        # The first item carries the verb before it (完成大布村): keep only its length-matched tail.
        width = max(len(p) for p in parts[1:])
        parts[0] = parts[0][-width:]
        if len(parts) >= 2:
            return parts
    return []
