"""Comparisons — "A和B哪个多?", "调整前后分别是多少?", "提高了多少?", "比计划多完成了多少?".

Answered from two facts, each quoted, with the arithmetic written out. Two ways to find them:

* the question names two things (A和B, A与B, A还是B): each gets the fact whose governing
  words fit it best, as a figure question of its own would;
* it names one metric and asks for its change or its two states (前后, 提高了多少, 比计划):
  the pair is one sentence's from/to or planned/actual facts (由A提高到B, 计划X实际Y), or two
  facts of the same unit that the sentence sets side by side.

Figures of different units are not subtracted; the answer then states both and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.evidence import ScoredSentence, coverage
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.kinds.figure import asked_roles, role_fit, unasked_part
from assistant.lexicon import cues
from assistant.question import AskKind, Question, years_in
from ingest.keyword import tokenize
from ingest.facts import Fact, FactKind
from ingest.numerals import format_value, parse_quantity

_QUANTITIES = (FactKind.MONEY, FactKind.PERCENT, FactKind.COUNT, FactKind.DURATION, FactKind.NUMBER)
# "A和B", "A与B", "A还是B", "A跟B", "A vs B": two things set against each other.
_TWO_THINGS = re.compile(r"(?P<a>[^,，。?？和与跟及]{2,30}?)(?:和|与|跟|还是|以及|\s+and\s+|\s+vs\.?\s+|\s+versus\s+)(?P<b>[^,，。?？]{2,30})", re.I)
# "22年的目标,比21年实际完成的多出多少": A set against B by 比.
_THAN = re.compile(r"(?P<a>[^,，。?？]{2,30}?)[,，]?(?<![占对相之评])比(?![重例率较])(?P<b>[^,，。?？]{2,30}?)(?=多|少|高|低|增加|减少|增长|下降)")
_YEARS = re.compile(r"(?:\d{2,4}|[〇零一二三四五六七八九]{4})年")
_PAIRS = (("from", "to"), ("planned", "actual"), ("target", "actual"))
# The other fact of a pair must fit the question this share as well as the first.
_PAIR_SHARE = 0.5


@dataclass(frozen=True)
class _Found:
    fact: Fact
    scored: ScoredSentence
    fit: float
    year_ok: bool | None = None  # the fact holds for the year its own part of the question names


class ComparisonKind:
    kind = AskKind.COMPARISON

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return any(cues("comparison", words).found_in(question.text) for words in ("cues", "change", "remainder")) or (
            cues("comparison", "excluding").found_in(question.text) and _ASKS_HOW_MANY.search(question.text) is not None)

    def compose(self, evidence: Evidence) -> Draft | None:
        # "前后两次…各多少": where several notices answer and the question names no two things,
        # each notice's figure is asked (the figure kind lists them), not two figures of one sentence.
        held = lambda pair: pair is not None and all(evidence.answers(f.scored, f.year_ok) for f in pair)  # noqa: E731
        remainder = cues("comparison", "remainder").found_in(evidence.question.text)
        if remainder and _states_remainder(evidence):
            return None  # "其余5个": the notice gives what is left; the figure kind answers it
        if cues("comparison", "excluding").found_in(evidence.question.text):
            kept = _kept_part(evidence)
            if kept is not None:
                # "医院的床位(不算基层)": the part kept is stated (其中医院4,532张); it is the answer,
                # not the whole less the other part (other parts may lie between them)
                if not evidence.answers(kept.scored, kept.year_ok):
                    return evidence.abstain()
                return Draft(f"{kept.fact.text}\n\n{evidence.quote(kept.scored.sentence)}", True,
                             [cite(kept.scored.sentence)], [kept.fact.text])
            pair = _part_pair(evidence)
            if pair is None:
                return None  # no part broken out of a whole: the figure kind answers what it can
            whole, part = pair
            if whole.fact.value is not None and part.fact.value is not None and part.fact.value > whole.fact.value:
                return None  # 214张 "less" 4,532张: no part of that whole; the figure kind answers what it can
            if not held(pair):
                return evidence.abstain()
            arithmetic = _arithmetic(part.fact, whole.fact, ratio=False).split(":", 1)[-1]
            lead = evidence.say(f"{whole.fact.text}中除去其中的{part.fact.text}:{arithmetic}",
                                f"{whole.fact.text} less the {part.fact.text} within it: {arithmetic}")
            return Draft(f"{lead}\n\n{evidence.quote(whole.scored.sentence)}", True, [cite(whole.scored.sentence)],
                         [whole.fact.text, part.fact.text])
        named = _named_pair(evidence)
        if named is None and evidence.several_notices and not remainder:
            return None  # "篆山和杳屏…各多少": each notice's figure (the figure kind), not two of one sentence
        # Two things named whose figures no sentence holds well enough: one sentence's pair may.
        # (What is left is one notice's whole less its part, however many notices are reached.)
        same_unit = remainder or not evidence.several_notices
        pair = (_done_pair(evidence) if remainder else None) or (
            named if held(named) or _each_named(evidence, named) else _sentence_pair(evidence, same_unit=same_unit) or named)
        if pair is None:
            return None  # nothing to set side by side: the passage kind quotes the best sentence
        return self._difference(evidence, pair, held)

    def _difference(self, evidence: Evidence, pair, held) -> Draft:
        first, second = pair
        if not held(pair) and not _each_named(evidence, pair):
            return evidence.abstain()
        first_label, second_label = _label(first), _label(second)
        if first_label == second_label:  # "城乡…分别…780元和610元": one name for both, in the notice's order
            first_label, second_label = f"{first_label}①", f"{second_label}②"
        lines = [f"{first_label}:{first.fact.text};{second_label}:{second.fact.text}"]
        arithmetic = _arithmetic(first.fact, second.fact, ratio="倍" in evidence.question.text or "times" in evidence.question.text)
        lines.append(arithmetic or evidence.say("(两个数字单位不同,不直接相减)", "(the two figures have different units; not subtracted)"))
        citations, quotes = [], []
        for found in (first, second):
            sentence = found.scored.sentence
            citation = cite(sentence)
            if citation not in citations:
                citations.append(citation)
                quotes.append(evidence.quote(sentence))
        text = "\n".join(lines) + "\n\n" + "\n".join(quotes)
        return Draft(text, True, citations, [first.fact.text, second.fact.text])


def _done_pair(evidence: Evidence) -> tuple[_Found, _Found] | None:
    """A whole and its done part in one sentence ("165条整改措施已落实158条", "29个具体问题已完成
    整改27个"): what is left is their difference."""
    for ss in evidence.scored[:6]:
        if not evidence.answers(ss):
            continue
        facts = _facts_in(evidence, ss)
        start = ss.sentence.start
        for whole, part in zip(facts, facts[1:]):
            between = ss.sentence.text[whole.end - start : part.start - start]
            if whole.kind == part.kind and whole.unit == part.unit and _DONE.search(between):
                return _Found(whole, ss, 1.0), _Found(part, ss, 1.0)
    return None


def _part_pair(evidence: Evidence) -> tuple[_Found, _Found] | None:
    """A whole and the part the notice breaks out of it (其中…), in the best sentences: the part
    whose words fit the question best — the question names the part it leaves out. A part named
    by the rest of the question ("医院的床位(不算基层)": 其中医院…) is no part to take away (see
    `_kept_part`)."""
    best: tuple[float, _Found, _Found] | None = None
    text = evidence.question.text
    cue = cues("comparison", "excluding").first_in(text)
    at = text.lower().find(cue) if cue else -1
    kept = text[:at] if at >= 0 else text
    left_out = text[at + len(cue) :] if at >= 0 else ""
    for ss in evidence.scored[:6]:
        if not evidence.answers(ss):
            continue
        for part in _facts_in(evidence, ss):
            whole = evidence.whole_of(part, ss.sentence.doc_id)
            if whole is None or whole.unit != part.unit:
                continue
            if _named_in(part, whole, kept):
                continue
            fit = _fit(evidence, evidence.focus_terms, part) + _fit(evidence, evidence.focus_terms, whole) + ss.score
            if any(w in left_out for w in tokenize(part.governor) if len(w) > 1):
                fit += 1.0  # the part the question leaves out by name (不算基层: 基层医疗卫生机构)
            if best is None or fit > best[0]:
                best = (fit, _Found(whole, ss, 1.0), _Found(part, ss, 1.0))
    return best[1:] if best else None


def _kept_part(evidence: Evidence) -> _Found | None:
    """The part of a whole the question keeps by name, before what it leaves out ("医院的床位(不算
    基层)": 其中医院4,532张), as the notice states it among the best sentences; None if none is."""
    text = evidence.question.text
    cue = cues("comparison", "excluding").first_in(text)
    at = text.lower().find(cue) if cue else -1
    if at <= 0:
        return None
    kept = text[:at]
    for ss in evidence.scored[:6]:
        for part in _facts_in(evidence, ss):
            whole = evidence.whole_of(part, ss.sentence.doc_id)
            if whole is not None and whole.unit == part.unit and _named_in(part, whole, kept):
                return _Found(part, ss, 1.0)
    return None


def _named_in(part: Fact, whole: Fact, words: str) -> bool:
    """Whether the part's own governing words, which its whole's do not say, are in `words`."""
    return len(part.governor) >= 2 and part.governor in words and part.governor not in whole.governor


_ASKS_HOW_MANY = re.compile(r"多少|几|how (much|many)", re.I)
_DONE = re.compile(r"已|完成|落实|办结|到位|整改")


def _states_remainder(evidence: Evidence) -> bool:
    """Whether the best sentence states what is left itself, a figure right after (其余5个, 剩余3项)."""
    best = evidence.scored[0] if evidence.scored else None
    return best is not None and evidence.answers(best) and bool(_REMAINDER_STATED.search(best.sentence.text))


_REMAINDER_STATED = re.compile(r"(其余|剩余|余下|还剩|尚未完成[^,，;；。]{0,6}的)\s*[\d一二三四五六七八九十两]")


def _facts_in(evidence: Evidence, scored: ScoredSentence) -> list[Fact]:
    s = scored.sentence
    # "多少亩": only figures in 亩 (万亩) compare, not the 三年 of 三年行动 beside them; 个 is said of anything
    unit = evidence.question.unit if evidence.question.unit not in _ANY_MEASURE else ""
    return [f for f in evidence.shelf.facts_between(s.doc_id, s.start, s.end)
            if f.kind in _QUANTITIES and (not unit or unit in f.unit)]


_ANY_MEASURE = frozenset({"", "个"})


def _fit(evidence: Evidence, terms, fact: Fact) -> float:
    return coverage(terms, f"{fact.governor} {fact.subject}") + 0.5 * coverage(terms, fact.table.row if fact.table else "")


def _named_pair(evidence: Evidence) -> tuple[_Found, _Found] | None:
    """"A和B哪个多": the best fact for A and the best for B, each from the best sentences."""
    focus = evidence.resolved.focus if evidence.resolved.is_followup else evidence.question.text
    found = _TWO_THINGS.search(focus)
    than = None if found else _THAN.search(focus)
    found = found or than
    if not found:
        return None
    picks: list[_Found] = []
    # "…的比例哪个高": percentages are compared, not the amounts beside them.
    wanted = (FactKind.PERCENT,) if cues("percent").found_in(evidence.question.text) else _QUANTITIES
    # "A比去年多多少": what is measured is said once, in A; B is the same metric at its own time.
    parts = _than_parts(than.group("a"), than.group("b")) if than else _parallel(found.group("a"), found.group("b"))
    for part in parts:
        terms = evidence.terms_for(part)
        best: _Found | None = None
        roles = asked_roles(part)
        years = years_in(part)
        taken = picks[0].fact.start if picks else None  # the first thing's figure is not the second's
        for ss in evidence.scored[:12]:
            for fact in _facts_in(evidence, ss):
                if fact.start == taken or fact.kind not in wanted or (fact.kind == FactKind.NUMBER and "." not in fact.text):
                    continue  # a bare integer ("(2)" of a list) is no figure of a thing
                # Of equal fits, the figure named in fewest words: 出口额, not 货物进出口总额, for "出口".
                fit = _fit(evidence, terms, fact) + coverage(terms, ss.sentence.text) * 0.3 - 0.001 * len(fact.governor)
                fit += 0.5 * role_fit(roles, fact.role)  # "全年计划和上半年完成": the planned and the actual figure
                if unasked_part(evidence, fact, ss.sentence):
                    fit -= 0.5  # 其中21个省市重点项目…: a part only when its own words are asked
                if years and fact.time[:4].isdigit():
                    fit += 0.5 if fact.time[:4] in years else -0.5  # "22年的目标" and "21年实际": each its year's
                if picks and fact.kind == picks[0].fact.kind and fact.unit == picks[0].fact.unit:
                    fit += 0.3  # two things compared are measured alike
                if best is None or fit > best.fit:
                    best = _Found(fact, ss, fit, (fact.time[:4] in years) if years and fact.time[:4].isdigit() else None)
        if best is None or best.fit <= 0:
            return None
        picks.append(best)
    a, b = picks
    return a, b


def _each_named(evidence: Evidence, pair) -> bool:
    """Whether each figure of a named pair is named by its own part's words ("城里人…" →
    城镇居民人均可支配收入), though neither sentence holds the whole question's words."""
    return pair is not None and all(f.fit >= evidence.settings.named_part_fit for f in pair)


def _than_parts(a: str, b: str) -> tuple[str, str]:
    """"A比B多多少": what is measured is said once — in A (22年的目标比21年实际完成的), B being the
    same metric at its own time; or after B, A naming only its thing (城里人比农村人人均收入)."""
    shared = _parallel(a, b)
    if shared[0] != a.strip():
        return shared
    return a, b + _YEARS.sub("", a)


def _parallel(a: str, b: str) -> tuple[str, str]:
    """"东区和西区绿地面积": the head both share is written once, after the second; the first
    gets it too (东区绿地面积), when it is a modifier as long as the second's own."""
    a, b = a.strip(), re.split(r"分别|各|差|哪个|谁|[多少几]", b.strip(), maxsplit=1)[0]
    if 2 <= len(a) <= 3 and len(b) > len(a) + 1 and re.fullmatch(r"[\u4e00-\u9fff]+", a + b):
        return a + b[len(a):], b
    # "全县重点项目和市级重点项目完成年度计划的比例": what follows the words both name (重点项目)
    # in the second is the first's too.
    for size in range(len(a), 1, -1):
        at = b.find(a[-size:])
        if at > 0 and len(b) - (at + size) >= 2:
            return a + b[at + size :], b
    return a, b


def _sentence_pair(evidence: Evidence, same_unit: bool = True) -> tuple[_Found, _Found] | None:
    """One sentence's two states of a metric: from/to, planned/actual, or (`same_unit`) two of the same unit."""
    for ss in evidence.scored[:6]:
        if not evidence.answers(ss):
            continue
        facts = _facts_in(evidence, ss)
        for before, after in _PAIRS:
            # 计划投资86.5亿元…实际完成投资49.36亿元,完成年度计划的57.1%: the pair measured alike
            pairs = [(a, b) for a in facts if a.role == before for b in facts if b.role == after and a.kind == b.kind]
            if pairs:
                return _Found(pairs[0][0], ss, 1.0), _Found(pairs[0][1], ss, 1.0)
        ranked = sorted(facts, key=lambda f: _fit(evidence, evidence.focus_terms, f), reverse=True)
        if same_unit and len(ranked) >= 2:
            top = ranked[0]
            fit = _fit(evidence, evidence.focus_terms, top)
            for other in ranked[1:]:
                if other.kind == top.kind and other.unit == top.unit and _fit(evidence, evidence.focus_terms, other) >= _PAIR_SHARE * fit > 0:
                    first, second = sorted((top, other), key=lambda f: f.start)
                    return _Found(first, ss, fit), _Found(second, ss, fit)
    return None


def _label(found: _Found) -> str:
    fact = found.fact
    # What the figure is of, without the enumeration's verb ("…标准分别提高到每人每月" → "…标准").
    named = re.split(r"分别|各自", fact.governor)[0] if fact.governor else ""
    return {"from": "之前", "to": "之后", "planned": "计划", "target": "目标", "actual": "实际"}.get(fact.role) or (
        named or fact.governor or fact.subject or "数字"
    )[-12:]


def _arithmetic(a: Fact, b: Fact, ratio: bool) -> str:
    """b − a (and b ÷ a when asked) in the written unit, when the two figures share a unit."""
    qa, qb = parse_quantity(a.text), parse_quantity(b.text)
    if qa is None or qb is None or qa.value is None or qb.value is None or qa.base != qb.base:
        return ""
    if not qa.base and (a.kind, b.kind) != (FactKind.NUMBER, FactKind.NUMBER):
        return ""  # two bare numbers (a ratio: 由2.02缩小到1.98) compare; a number and a count do not
    unit = qb.unit if qa.unit == qb.unit else qb.base
    scale = Decimal(str(qb.value)) / Decimal(str(qb.number)) if qa.unit == qb.unit and qb.number else Decimal(1)
    va, vb = Decimal(str(qa.value)) / scale, Decimal(str(qb.value)) / scale
    if qa.base == "%":
        unit = "个百分点"
    more = "后者多" if vb > va else "前者多" if vb < va else "两者相等"
    # The difference as people ask it ("差多少"): the larger less the smaller, which one is larger said first.
    big, small = max(va, vb), min(va, vb)
    text = f"{format_value(float(big))} − {format_value(float(small))} = {format_value(float(big - small))}{unit}"
    if ratio and small and qa.base != "%":
        text += f";{format_value(float(big))} ÷ {format_value(float(small))} ≈ {format_value(round(float(big / small), 2))}倍"
    return f"{more}:{text}"
