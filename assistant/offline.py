"""The offline answerer: reads the best sentences and states what the question asks for.

No model: the figure, date, name or list is a span of a retrieved sentence, chosen
by what the question wants (question.py) and by how well the words around the span
match the question. Every answer quotes its sentence and cites its section; when
two sections give the same metric different figures, the answer says so; when the
notices do not hold the answer, it says that, and points to the closest passage.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from assistant.answer import Citation
from assistant.evidence import ScoredSentence, Sentence, Terms, coverage
from assistant.figures import Figure, find_figures
from assistant.followup import Resolved
from assistant.question import Question
from ingest.headings import iter_items
from ingest.keyword import normalize
from ingest.sections import Section, display_path

# Below this share of the question's words, a sentence does not answer it.
MIN_COVERAGE = 0.42
MIN_COVERAGE_ENGLISH = 0.2
_ROLE = re.compile(r"组长|书记|主任|局长|区长|县长|市长|部长|同志|负责人")
# A name: a 《title》, a “quoted term”, the honour after 获评/评为/荣获, or who 由…任/牵头.
_NAME_SPAN = re.compile(
    r"(?P<name>《[^《》]{2,60}》|“[^“”]{2,40}”)|(?:被评为|获评|评为|荣获|授予)(?P<honour>[^,，。;；、]{2,24})"
    r"|由(?P<who>[\u4e00-\u9fff]{2,12}?)(?:任|担任|牵头|负责|主持|带队)"
)
_FIGURE_KINDS = {"money": ("money",), "percent": ("percent",), "count": ("count", "number"), "date": ("date", "year"), "phone": ("phone",),
                "figure": ("money", "percent", "count")}


@dataclass
class Draft:
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)


@dataclass
class _Candidate:
    scored: ScoredSentence
    span: str
    start: int  # offset of the span in the sentence
    figure: Figure | None
    score: float


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


def _quote_block(sentence: Sentence) -> str:
    return f"「{sentence.text}」\n—— {display_path(sentence.labels, sentence.titles)}"


class OfflineComposer:
    """Turns scored evidence into a Draft answer."""

    def __init__(self, section_lookup):
        # (doc_id, offset) → the Section containing it, with the notice text: for lists and items.
        self.section_lookup = section_lookup
        self._call = threading.local()

    def compose(self, question: Question, resolved: Resolved, scored: list[ScoredSentence], terms: Terms, focus_terms: Terms) -> Draft:
        if not scored:
            return Draft("通报中没有找到与这个问题相关的内容。", found=False)
        # Per call, and per thread: the page answers several people at once.
        self._call.why_silent = lambda: _silence(question, terms, scored[0])
        if resolved.item:
            return self._item(scored)
        if question.needs_person:
            return self._person(question, scored)
        if question.signature:
            return self._signature(question, scored)
        if question.wants_figure:
            return self._figure(question, resolved, scored, focus_terms)
        if question.wants == "name":
            draft = self._name(question, scored, focus_terms)
            if draft is not None:
                return draft
        if question.wants == "list":
            return self._list(question, scored, focus_terms)
        return self._passage(question, scored)

    # -- kinds of answer ---------------------------------------------------------

    def _figure(self, question: Question, resolved: Resolved, scored: list[ScoredSentence], focus_terms: Terms) -> Draft:
        kinds = _FIGURE_KINDS[question.wants]
        excluded = set(question.given_figures)
        if resolved.is_followup:
            # What the previous turn answered is not what this turn asks; what it quoted may be.
            lead = resolved.previous_answer.strip().split("\n", 1)[0]
            excluded |= {f.key for f in find_figures(normalize(lead))}
        candidates: list[_Candidate] = []
        for ss in scored[:40]:
            figures = ss.sentence.figures
            for figure in figures:
                if figure.kind not in kinds or figure.key in excluded:
                    continue
                if question.wants == "count" and question.unit and not _unit_fits(figure, question.unit):
                    continue
                if figure.value == 1 and not figure.text[0].isdigit():
                    continue  # 一张表, 一盘棋, 一个项目: idioms, not answers
                if question.wants == "date" and figure.kind == "year" and (
                    question.needs_day or any(f.kind == "date" for f in figures if f.key not in excluded)
                ):
                    continue
                if question.needs_day and figure.kind == "date" and re.match(r"date:[\d?]+--", figure.key):
                    continue  # "哪天": 2021年上半年 does not say
                local = _local_fit(focus_terms, ss.sentence.text, figure, figures, question)
                exact = 0.0 if _hedged(ss.sentence.text, figure) else 0.04
                span = _with_hedge(ss.sentence.text, figure)
                candidates.append(_Candidate(ss, span, figure.start, figure, ss.score + 0.35 * local + exact))
        if not candidates:
            return self._abstain(question, scored, self._call.why_silent())
        candidates.sort(key=lambda c: c.score, reverse=True)
        best = candidates[0]
        if not self._answers(question, best.scored):
            return self._abstain(question, scored, self._call.why_silent())
        sentence = best.scored.sentence
        lead = f"{best.span}" if not question.english else f"{best.span} (according to the notice)"
        text = f"{lead}\n\n{_quote_block(sentence)}"
        citations = [cite(sentence)]
        figures = [best.span]
        rival = self._rival(best, candidates)
        if rival is not None:
            rs = rival.scored.sentence
            text += (f"\n\n注意:通报另一处对相近指标的表述不同 —— {display_path(rs.labels, rs.titles)}:"
                     f"「{rs.text}」(其中为 {rival.span})")
            citations.append(cite(rs))
            figures.append(rival.span)
        return Draft(text, True, citations, figures)

    def _name(self, question: Question, scored: list[ScoredSentence], focus_terms: Terms) -> Draft | None:
        candidates = []
        for ss in scored[:20]:
            names = []
            for found in _NAME_SPAN.finditer(ss.sentence.text):
                group = next(g for g in ("name", "honour", "who") if found.group(g))
                span, start = found.group(group), found.start(group)
                names.append(Figure(span, start, start + len(span), "name", None, "", span))
            for name in names:
                # Other names bound a name's context, as other figures bound a figure's; and a
                # title that itself holds the question's words is the one the question names.
                local = _local_fit(focus_terms, ss.sentence.text, name, names, question) + coverage(focus_terms, name.text)
                candidates.append(_Candidate(ss, name.text, name.start, None, ss.score + 0.25 * local))
        if not candidates:
            return None
        best = max(candidates, key=lambda c: c.score)
        if best.scored is not scored[0] and best.scored.score < 0.6 * scored[0].score:
            return None  # the best sentence names nothing: answer with the passage itself
        if not self._answers(question, best.scored):
            return self._abstain(question, scored, self._call.why_silent())
        return Draft(f"{best.span}\n\n{_quote_block(best.scored.sentence)}", True, [cite(best.scored.sentence)])

    def _list(self, question: Question, scored: list[ScoredSentence], focus_terms: Terms) -> Draft:
        top = scored[0]
        if not self._answers(question, top):
            return self._abstain(question, scored, self._call.why_silent())
        if not question.measures:
            draft = self._enumeration(scored, focus_terms)
            if draft is not None:
                return draft
        section, notice_text = self.section_lookup(top.sentence.doc_id, top.sentence.start)
        items = _section_items(notice_text, section)
        if len(items) < 2:
            return self._enumeration(scored, focus_terms) or self._passage(question, scored)
        lines = [f"{display_path(section.labels, section.titles)} 中列出的做法:"]
        citations = [cite(top.sentence)]  # what the question found comes first
        for start, end in items:
            quote = notice_text[start:end]
            lines.append(f"- {quote}")
            citations.append(Citation(top.sentence.doc_id, top.sentence.doc_title, section.labels, section.titles, quote, start, end))
        return Draft("\n".join(lines), True, citations)

    def _enumeration(self, scored: list[ScoredSentence], focus_terms: Terms) -> Draft | None:
        """Names listed in one sentence: 《A》《B》, “植物、动物、药物、礼物”, 大布村、坟典村、小洞村."""
        for ss in scored[:3]:
            if ss.score < 0.75 * scored[0].score:
                break
            items = _enumerated(ss.sentence.text)
            if len(items) >= 2:
                lines = ["通报列出:"] + [f"- {item}" for item in items] + ["", _quote_block(ss.sentence)]
                return Draft("\n".join(lines), True, [cite(ss.sentence)])
        return None

    def _signature(self, question: Question, scored: list[ScoredSentence]) -> Draft:
        """The notice's own closing date: the last line that is only a date."""
        top = scored[0].sentence
        _, notice_text = self.section_lookup(top.doc_id, top.start)
        dates = list(re.finditer(r"^\s*(\d{4}年\d{1,2}月\d{1,2}日)\s*$", notice_text, re.M))
        if not dates:
            return self._abstain(question, scored, "通报中没有落款日期")
        line = dates[-1]
        start, end = line.start(1), line.end(1)
        section, _ = self.section_lookup(top.doc_id, start)
        citation = Citation(top.doc_id, top.doc_title, section.labels, section.titles, notice_text[start:end], start, end)
        return Draft(f"{notice_text[start:end]}\n\n(通报末尾的落款日期)", True, [citation], [notice_text[start:end]])

    def _person(self, question: Question, scored: list[ScoredSentence]) -> Draft:
        """A person's name, or an honest "not named": notices name few people."""
        import jieba.posseg as pseg

        for ss in scored[:5]:
            if not self._answers(question, ss):
                continue
            words = pseg.lcut(ss.sentence.text)
            names = [
                w for i, (w, flag) in enumerate(words)
                if flag == "nr" and 2 <= len(w) <= 3
                and any(_ROLE.search(n) for n, _ in words[max(0, i - 1) : i + 2] if n != w)
            ]
            if names:
                return Draft(f"{names[0]}\n\n{_quote_block(ss.sentence)}", True, [cite(ss.sentence)])
        return self._abstain(question, scored, "通报中没有写明此人的姓名")

    def _item(self, scored: list[ScoredSentence]) -> Draft:
        top = scored[0].sentence
        section, notice_text = self.section_lookup(top.doc_id, top.start)
        for start, end in _section_items(notice_text, section, whole=True):
            if start <= top.start < end:
                quote = notice_text[start:end]
                citation = Citation(top.doc_id, top.doc_title, section.labels, section.titles, quote, start, end)
                return Draft(f"「{quote}」\n—— {display_path(section.labels, section.titles)}", True, [citation])
        return Draft(_quote_block(top), True, [cite(top)])

    def _passage(self, question: Question, scored: list[ScoredSentence]) -> Draft:
        top = scored[0]
        if not self._answers(question, top):
            return self._abstain(question, scored, self._call.why_silent())
        chosen = [top]
        for ss in scored[1:3]:
            if ss.sentence.labels == top.sentence.labels and ss.score >= 0.85 * top.score:
                chosen.append(ss)
        chosen.sort(key=lambda ss: ss.sentence.start)
        body = chosen[0].sentence.text
        for before, after in zip(chosen, chosen[1:]):
            # Sentences apart in the notice are not quoted as if they were one span.
            gap = after.sentence.start - before.sentence.end
            body += ("" if gap <= 1 else "……") + after.sentence.text
        text = f"通报原文:「{body}」\n—— {display_path(top.sentence.labels, top.sentence.titles)}"
        return Draft(text, True, [cite(ss.sentence) for ss in sorted(chosen, key=lambda ss: -ss.score)])

    def _abstain(self, question: Question, scored: list[ScoredSentence], reason: str) -> Draft:
        closest = scored[0].sentence if scored else None
        if question.english:
            text = "The notice does not give this."
        else:
            text = f"{reason}。"
        if closest is None:
            return Draft(text, False)
        text += f"\n\n最接近的相关段落:{_quote_block(closest)}"
        return Draft(text, False, [cite(closest)])

    # -- judgement ---------------------------------------------------------------

    def _answers(self, question: Question, best: ScoredSentence) -> bool:
        floor = MIN_COVERAGE_ENGLISH if question.english else MIN_COVERAGE
        if question.wants == "list":
            floor *= 0.75  # list questions spend words on the kind of item they want
        return best.year_ok and max(best.lexical, best.context * 0.9) >= floor

    def _rival(self, best: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
        """The same metric with a different figure in another section, worth a warning."""
        for other in candidates[1:8]:
            same_metric = (
                other.figure is not None
                and best.figure is not None
                and other.figure.kind == best.figure.kind
                and other.figure.key != best.figure.key
                and other.scored.sentence.labels != best.scored.sentence.labels
            )
            if same_metric and other.scored.lexical >= 0.9 * best.scored.lexical and other.score >= 0.85 * best.score:
                return other
        return None


_SAME_MEASURE = [{"人", "名", "位"}, {"个", "家"}, {"次", "场"}]


def _unit_fits(figure: Figure, unit: str) -> bool:
    if figure.kind == "number":
        return False
    if figure.unit == unit or figure.unit.endswith(unit) or unit.endswith(figure.unit):
        return True
    return any(unit in group and figure.unit in group for group in _SAME_MEASURE)


_HEDGE_BEFORE = re.compile(r"(超过|突破|逾|约|近|超|达到|达)$")
_HEDGE_AFTER = re.compile(r"^(以上|左右|以下|以内|余|多)")


def _with_hedge(text: str, figure: Figure) -> str:
    """The figure as the notice qualifies it: 超过150亿元, 150亿元以上, 约4713万元."""
    before = _HEDGE_BEFORE.search(text[max(0, figure.start - 2) : figure.start])
    after = _HEDGE_AFTER.search(text[figure.end : figure.end + 2])
    prefix = before.group() if before and before.group() not in ("达", "达到") else ""
    return prefix + figure.text + (after.group() if after else "")


def _hedged(text: str, figure: Figure) -> bool:
    before = text[max(0, figure.start - 2) : figure.start]
    after = text[figure.end : figure.end + 2]
    return figure.hedged or any(h in before for h in ("超过", "突破", "逾", "约", "近", "超")) or after.startswith(("以上", "左右", "多"))


def _local_fit(terms: Terms, text: str, figure: Figure, figures: list[Figure], question: Question) -> float:
    """How well the words around a figure match the question: which figure of the sentence is asked.

    Chinese puts what is measured before the figure (完成投资158.72亿元) and, for counts,
    what is counted right after it (665个村(居)民小组). So: the words since the previous
    figure weigh most, the clause as a whole less (its subject is shared by all its
    figures), the words right after a count nearly as much as those before.
    """
    others = [f for f in figures if f.kind not in ("year", "date") and f is not figure]
    clause_start = max((m.end() for m in re.finditer(r"[,，;；。:：]", text[: figure.start])), default=0)
    near_start = max([clause_start] + [f.end for f in others if f.end <= figure.start])
    right_edge = min([f.start for f in others if f.start >= figure.end] + [len(text)])
    clause = text[clause_start : figure.start]
    near_left = text[near_start : figure.start]
    if re.search(r"(和|及|与|、|以及)$", near_left):
        near_left = ""  # "665个村(居)民小组和719个…": those words belong to the figure before
    near_right = re.split(r"[,，。;；]", text[figure.end : right_edge])[0][:12]
    right_weight = 0.9 if figure.kind == "count" else 0.4
    score = 0.45 * coverage(terms, clause) + 0.8 * coverage(terms, near_left) + right_weight * coverage(terms, near_right)
    if question.predicate and question.predicate in near_left:
        score += 0.6
    if question.counted:
        # "665个村(居)民小组": a noun right after the figure is what it counts; "走访群众8654人,": else the one before.
        after = re.split(r"[,，;；。]", text[figure.end :])[0][:16]
        side = after if re.search(r"[\u4e00-\u9fff]", after) else text[max(0, figure.start - 10) : figure.start]
        if question.counted in side:
            score += 0.5
    return score + _direction_fit(question.text, text, figure)


def _direction_fit(question: str, text: str, figure: Figure) -> float:
    """"由A提高到B": a question about where it went wants B, one about where it came from wants A."""
    before = text[max(0, figure.start - 3) : figure.start]
    if re.search(r"[到至]", before) and re.search(r"(提高|增加|提升|增长|上升|下降|减少|降低|压减|压缩|扩大|达)(到|至)", question):
        return 1.0
    if re.search(r"[由从]", before) and re.search(r"[由从]|原来|原先|原本|此前", question):
        return 1.0
    return 0.0


def _section_items(notice_text: str, section: Section, whole: bool = False) -> list[tuple[int, int]]:
    """The enumerated items of a section: their headline sentence, or the whole item."""
    body = notice_text[section.body_start : section.end]
    marks = [(label, off) for label, off in iter_items(body)]
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
        text = notice_text[start:end]
        end = start + len(text.rstrip())
        spans.append((start, end))
    return spans


def _enumerated(text: str) -> list[str]:
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


def _silence(question: Question, terms: Terms, best: ScoredSentence) -> str:
    """Why the notices do not answer: a word they never use, a year they do not cover, or neither."""
    missing = terms.missing() if not question.english else []
    if missing:
        return f"通报中没有提到「{'」「'.join(missing[:3])}」"
    if question.years and not best.year_ok:
        return f"通报中没有{'、'.join(question.years)}年的相关数据"
    return "通报中没有直接回答这个问题的内容"
