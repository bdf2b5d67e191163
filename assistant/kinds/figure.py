"""Figure questions — an amount, a percentage, a count, a date, a phone number: the figure of the thing asked.

Candidates are the facts of the best sentences (ingest.facts: every figure with the words
that govern it, the time it holds for and its role). Each is scored by its sentence's
relevance, by how well its governing words match what the question asks (立案 vs 处理线索,
实际完成投资 vs 计划投资; a table cell by its row and column headers), by the words around
it — Chinese puts what is measured before the figure (完成投资158.72亿元) and, for counts,
what is counted right after it (665个村(居)民小组) — by its time against the question's
year, and by its role against the question's (计划/实际, 由/到). An exact figure is
preferred to a hedged one; a different figure for the same metric in another section is
reported beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.evidence import GENERIC, ScoredSentence, Terms, coverage
from assistant.figures import Figure, find_figures
from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.kinds.share import computed_share
from assistant.lexicon import chinese_keywords, contrasts, cues, named_things, other_side, question_table, synonym_groups, synonyms_in, unasked_side
from assistant.question import AskKind, Question, meant
from ingest import numerals as nm
from ingest.facts import Fact, FactKind
from ingest.keyword import normalize, tokenize
from ingest.tagger import tagger

# Which figures (assistant.figures kinds) can answer each kind of question.
_ANSWERED_BY = {
    AskKind.MONEY: ("money",), AskKind.PERCENT: ("percent",), AskKind.COUNT: ("count", "number"),
    AskKind.DATE: ("date", "year"), AskKind.PHONE: ("phone",), AskKind.POSTCODE: ("postcode",), AskKind.EMAIL: ("email",),
    AskKind.FIGURE: ("money", "percent", "count"),
}
# How far below the order a question names ("多少亿") a figure may still be its answer (6275万 of
# "多少亿" is 0.63亿: people name the order loosely; 2.52人 of "多少万" is not that figure).
MAGNITUDE_SLACK = 0.01
_SAME_MEASURE = [{"人", "名", "位"}, {"个", "家"}, {"次", "场"}]
# The measure word people use for anything: with a counted noun named ("多少个案子") the notice
# may count it in its own measure word (立案52件).
_GENERIC_MEASURES = frozenset(question_table("count").get("generic_measures", ()))
# A fact's kind as a figure kind of this module.
_FIGURE_KIND = {
    FactKind.MONEY: "money", FactKind.PERCENT: "percent", FactKind.COUNT: "count", FactKind.DURATION: "count",
    FactKind.DATE: "date", FactKind.DATE_RANGE: "date", FactKind.YEAR: "year", FactKind.PHONE: "phone",
    FactKind.POSTCODE: "postcode", FactKind.EMAIL: "email", FactKind.NUMBER: "number", FactKind.ORDINAL: "ordinal",
}
_HEDGE_BEFORE = re.compile(r"(超过|突破|逾|约|近|超|达到|达)$")
_HEDGE_AFTER = re.compile(r"^(以上|左右|以下|以内|余|多)")


@dataclass
class _Candidate:
    scored: ScoredSentence
    span: str
    figure: Figure
    score: float
    year_ok: bool
    support: float  # how much of what the question asks the figure's own words hold (0–1)
    fact: Fact | None = None
    rounded: bool = False  # hedged as the notice writes it: 超过150亿元, 40余万元
    other_side: bool = False  # of another side of a set the question names one side of (全体居民 for 农村居民)
    deadline: bool = False  # a date the notice sets as a limit (6月底前全部整改到位), asked as one


class FigureKind:
    """One figure kind: what recognises its questions, and which figures answer them."""

    def __init__(self, kind: AskKind, recognise):
        self.kind = kind
        self._recognise = recognise

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return self._recognise(question)

    def compose(self, evidence: Evidence) -> Draft | None:
        question, settings = evidence.question, evidence.settings
        excluded = set(question.given_figures)
        if evidence.resolved.is_followup:
            # What the previous turn answered is not what this turn asks; what it quoted may be.
            lead = evidence.resolved.previous_answer.strip().split("\n", 1)[0]
            excluded |= {f.key for f in find_figures(normalize(lead))}
        roles = asked_roles(question.text)
        if evidence.resolved.is_followup:
            roles |= asked_roles(evidence.resolved.focus)  # "那农村的涨了多少?": the change, of the topic's metric
        candidates: list[_Candidate] = []
        per_unit_unasked = not cues("per_unit").found_in(question.text.lower())
        asked_side_words = _side_words(evidence)
        # "乡村的占多少": a share of a whole; a rise or fall (增长5.8%) is the figure of something else
        asks_share = self.kind == AskKind.PERCENT and cues("percent", "share").found_in(question.text.lower())
        asks_deadline = self.kind == AskKind.DATE and cues("deadline").found_in(meant(question.text))
        for ss in evidence.scored[:40]:
            facts = evidence.facts_in(ss.sentence)
            # a notice read into facts has no figure outside them (the 2 of "2.加强基层党组织建设"
            # is a heading's number); a store from before facts falls back on the sentence's own
            figures = [_figure(f, ss.sentence.start) for f in facts] if facts or evidence.has_facts(ss.sentence.doc_id) else ss.sentence.figures
            by_figure = dict(zip((id(f) for f in figures), facts)) if facts else {}
            for figure in figures:
                if not self._may_answer(question, figure, figures, excluded):
                    continue
                fact = by_figure.get(id(figure))
                measure = self._measure_fit(question, figure, ss.sentence.text)
                if measure is None:
                    continue
                # an enumeration's later item is named by its own governor (农村居民… of 城乡…分别…
                # A和B), unless it is the same thing's other measure (闲置土地23宗、1186亩)
                before = [f for f in facts if f.end <= fact.start] if fact is not None else []
                own = fact.governor if fact is not None and not (before and before[-1].governor == fact.governor) else ""
                unasked = fact is not None and unasked_part(evidence, fact, ss.sentence)
                # a part the question names is of its whole's metric too: 其中医院4,532张 of
                # 实有床位5,186张 is the hospitals' 床位 ("医院里的床位")
                of_whole = "" if fact is None or unasked else _whole_governor(evidence, fact, ss.sentence)
                local = local_fit(evidence.focus_terms, ss.sentence.text, figure, figures, question, governor=own, of_whole=of_whole)
                rounded = hedged(ss.sentence.text, figure) or bool(fact and fact.hedge)
                span = with_hedge(ss.sentence.text, figure)
                if fact is not None and fact.table is not None and fact.unit and not span.endswith(fact.unit):
                    span += fact.unit  # a cell's unit is its header's ("2023年(亿元)"): 326.48 alone misleads
                exact = 0.0 if rounded else settings.exact_bonus
                score = ss.score + settings.local_weight * local + exact
                year_ok = ss.year_ok
                support = max(coverage(evidence.focus_terms, own_words(ss.sentence.text, figure)),
                              evidence.meant(ss))
                if fact is not None:
                    fit = governor_fit(evidence.focus_terms, fact, of_whole)
                    support = max(support, fit)
                    score += settings.governor_weight * fit
                    if _governed_by(question.predicate, fact.governor) or _names_asked_noun(question, fact.governor) or (
                            of_whole and _governed_by(question.predicate, of_whole)):
                        score += settings.predicate_weight  # "全县立案多少件": the figure governed by 立案
                    role = _role_of(fact, ss.sentence.text, figure)
                    score += settings.role_weight * role_fit(roles, role)
                    if not roles:
                        score *= _unasked_role_factor(role, self.kind, settings)
                    fact_year = fact.time[:4] if fact.time[:4].isdigit() else ""
                    years = evidence.asked_years(ss.sentence.doc_id)
                    year_ok = year_ok or (bool(years) and fact_year in years)
                    if years and fact_year and fact.time_basis in ("sentence", "as_of", "since") and fact_year not in years:
                        year_ok = False  # the figure's own sentence dates it to another year
                score = score if year_ok else score * settings.unmatched_year_penalty
                if question.approximately and figure.value is not None and not _near(figure.value, question.approximately, settings):
                    score *= settings.approximate_miss_penalty  # "在校生4万出头": 中职在校生2335人 is another count
                if (fact is not None and fact.kind in _MEASURED and fact.part_of is None
                        and unasked_side(asked_side_words, fact.governor)):
                    # 幼儿园共有教职工2296人 for "教职工一共多少" (a 其中 part: unasked_part; a date's
                    # governor is its event, whose organ qualifies no metric: 县委第四巡察组…巡察)
                    score *= settings.unasked_side_penalty
                if fact is not None and per_unit_unasked == _per_unit(fact.governor):
                    # 每千人口床位7.58张 for "床位有多少张"; 补助1724.76万元 for "每人每月补助多少"
                    score *= settings.per_unit_penalty
                if unasked:
                    score *= settings.unasked_part_penalty  # 其中13个省市重点项目…: asked only when 省市 is
                if measure == "other":
                    score *= settings.generic_measure_penalty  # "多少个案子" → 立案52件: possible, not preferred
                limit = asks_deadline and _sets_a_limit(ss.sentence.text, figure)
                if limit:
                    score += settings.deadline_weight
                    span += "前"  # "2022年6月底前": the limit as the notice sets it
                candidates.append(_Candidate(ss, span, figure, score, year_ok, support, fact, rounded,
                                             _of_another_side(evidence, fact, figure, ss.sentence, facts), limit))
        if "change" in roles:
            # "降了多少": only a figure the notice states as a change answers it; the level beside
            # it (支出612.4万元, 同比下降9.8%) is the figure of something else.
            candidates = [c for c in candidates if c.fact is None or _role_of(c.fact, c.scored.sentence.text, c.figure) == "change"]
        elif asks_share:
            candidates = [c for c in candidates if c.fact is None or _role_of(c.fact, c.scored.sentence.text, c.figure) != "change"]
        # a share the notice does not state may be worked out from a part and its whole it does
        silent = (lambda: computed_share(evidence) or evidence.abstain()) if asks_share else evidence.abstain
        if not candidates:
            return silent()
        candidates.sort(key=lambda c: c.score, reverse=True)
        if candidates[0].other_side:
            # The figure that best fits the metric is another side's (全体居民人均消费支出 for 农村居民…):
            # the notice gives it for that side only. The next figure would be of another metric.
            other = candidates[0]
            named = other.fact.governor if other.fact is not None and other.fact.governor else own_words(other.scored.sentence.text, other.figure)
            return evidence.abstain(evidence.say(f"通报中没有问到的这一项;最接近的是另一类的数字「{named} {other.span}」",
                                                 f"The notice does not give this; the nearest is another group's figure ({named} {other.span})"),
                                    closest=other.scored.sentence)
        candidates = [c for c in candidates if not c.other_side]
        if not candidates:
            return evidence.abstain()
        if question.part:
            # "…资金里,社保补贴是多少": only a figure said of that part answers; the whole's, or
            # one of the part together with another thing (就业补贴和社保补贴资金), when it is
            # asked alone, is not it — say the notice does not break it out.
            said = [c for c in candidates if _says_part(evidence, question, c)]
            if not said:
                return evidence.abstain(evidence.say(f"通报中没有单列「{question.part}」的数字", f"The notice does not give {question.part} separately"),
                                        closest=candidates[0].scored.sentence)
            candidates = said
        if question.exact:
            # "要准数": a rounded figure (超过150亿元) is not what is asked. Where the notice gives
            # the metric only rounded, say so, rather than offer the next figure as the exact one.
            rounded, candidates = candidates[0] if candidates[0].rounded else None, [c for c in candidates if not c.rounded]
            if rounded is not None and (not candidates or candidates[0].score < settings.rival_score * rounded.score):
                return evidence.abstain(evidence.say(f"通报中这一数字只有约数「{rounded.span}」,没有给出确切数字",
                                                     f"The notice gives this figure only rounded ({rounded.span})"),
                                       closest=rounded.scored.sentence)
        candidates = _plainest_first(candidates, settings.plain_margin, normalize(question.text))
        best = candidates[0]
        floor = settings.min_support_english if question.english else settings.min_support
        if evidence.resolved.is_followup:
            floor = 0.0  # "那栖桐县呢?": its own words are the topic's, carried in by the rewrite, not its support
        held = best.scored
        own = evidence.focus_terms
        if evidence.resolved.is_followup and _names_a_side(own) and all(
                t in held.sentence.text or any(a in held.sentence.text for a in own.alternatives.get(t, ())) for t in own.weights):
            # a follow-up asking one side of the topic (其中乡村的呢?) is answered by a sentence after
            # the whole's: the sentence says the side, its paragraph the topic
            held = replace(held, context=max(held.context, coverage(evidence.terms, _lead_in(evidence, best) + held.sentence.text)))
        if not best.deadline and (not evidence.answers(held, year_ok=best.year_ok) or best.support < floor):
            # The best sentence may be about the question, but its figure is not the figure of
            # what the question asks (总收入 for 总支出): "not stated", never the nearest figure.
            return silent()
        if not evidence.says_what_is_named(best.scored.sentence, _own_text(best) + _lead_in(evidence, best)):
            # The question names its metric in other words (GDP); this figure's own words say
            # none of the notices' words for it (重点项目完成投资52亿元 beside 地区生产总值增长8%):
            # its figure is of something else.
            return evidence.abstain()
        tied = _tied(best, candidates)
        if tied:
            # Nothing tells the figures apart (the same words around both: 新增学位2077个 of the
            # year's projects, 新增学位360个 of one kindergarten): picking one would be a guess
            # stated as found. Not found, but each shown, so the reader can tell them apart.
            # (Tried as found: on dev 1155, 3 false abstentions fixed, 3 confidently wrong more.)
            return _undecided(evidence, [best, *tied])
        if evidence.several_notices:
            across = _per_notice(evidence, best, candidates)
            if len(across) > 1:
                return _across(evidence, across)
        # the hedged figure answers; the exact one it rounds is what is stated (its own sentence
        # may say the question's words less: 追回补贴资金42.7万元 after a long clause)
        stated, best = best, _exact_restatement(best, candidates, settings) or best
        sentence = best.scored.sentence
        lead = best.span if not question.english else f"{best.span} (according to the notice)"
        text = f"{lead}\n\n{evidence.quote(sentence)}"
        citations = [cite(sentence)]
        figures = [best.span]
        rival = stated if stated is not best and stated.scored.sentence.labels != best.scored.sentence.labels else _rival(best, candidates, settings)
        if rival is not None:
            rs = rival.scored.sentence
            where = evidence.where(rs.doc_id, rs.labels, rs.titles)
            text += evidence.say(
                f"\n\n注意:通报另一处对相近指标的表述不同 —— {where}:「{rs.text}」(其中为 {rival.span})",
                f"\n\nNote: elsewhere the notice gives a different figure for a similar metric — {where}:「{rs.text}」({rival.span})",
            )
            citations.append(cite(rs))
            figures.append(rival.span)
        return Draft(text, True, citations, figures, support=best.support)

    def _measure_fit(self, question: Question, figure: Figure, text: str) -> str | None:
        """Whether a count is in the measure word asked: "asked"; in another one it may still
        answer in ("other", preferred less); or None — "多少家": a count in 个 or 人 is of something
        else, unless the question names what it counts and the notice counts that in its own
        measure word ("多少条线索" → 处理线索34件: as good as asked), or asks in the measure word
        people use for anything ("多少个案子" → 立案52件; but 多少个问题: 问题5类86个 → 86个)."""
        if self.kind != AskKind.COUNT or not question.unit or unit_fits(figure, question.unit):
            return "asked"
        if figure.kind == "number" or _times_of(question.unit, figure.unit):
            return None  # (惠及学生19272人 counts pupils, not "多少人次": a count of times is another measure)
        if question.unit in _GENERIC_MEASURES:
            return "other"  # "其中科级干部几个?": people count anyone in 个; the notice in 人
        if not question.counted:
            return None
        return "asked" if _counts(question.counted, text, figure) else None

    def _may_answer(self, question: Question, figure: Figure, figures: list[Figure], excluded: set[str]) -> bool:
        # a bare number that says what it is in (生师比16.1:1, a cell under 单位 微克/立方米) is a figure too
        # (and a ratio answers what asks a share or ratio: "生师比", "pupil-teacher ratio")
        measured = figure.kind == "number" and bool(figure.unit) and (
            self.kind == AskKind.FIGURE or (self.kind == AskKind.PERCENT and figure.unit == ":1"))
        if (figure.kind not in _ANSWERED_BY[self.kind] and not measured) or figure.key in excluded or figure.value in question.given_values:
            return False
        if self.kind == AskKind.FIGURE and question.confirms and not _like(figure, question.confirms[0]):
            return False  # "生师比是2.7:1吗": the notice's figure of that kind (a ratio), not any figure
        if (question.magnitude and figure.value is not None and figure.value < question.magnitude * MAGNITUDE_SLACK
                and figure.kind != "number"):  # a table's bare 3417 takes its order from its header (万只)
            return False  # "常住人口有多少万": 每千人2.52人 is no figure of that order
        if figure.value == 1 and not figure.text[0].isdigit():
            return False  # 一张表, 一盘棋, 一个项目: idioms, not answers
        if self.kind == AskKind.DATE and figure.kind == "year" and (
            question.needs_day or any(f.kind == "date" for f in figures if f.key not in excluded)
        ):
            return False
        if question.needs_day and figure.kind == "date" and re.match(r"date:[\d?]+--", figure.key):
            return False  # "哪天": 2021年上半年 does not say
        return True


def _side_words(evidence: Evidence) -> str:
    """What the question says of which side it asks (the topic's too, for a follow-up), in Chinese."""
    return _in_chinese(evidence, f"{evidence.resolved.focus} {evidence.question.text}")


def _in_chinese(evidence: Evidence, asked: str) -> str:
    """What a question says, in Chinese: an English one's glossary words ("urban residents" → 城镇)
    and the notice's own words it pastes ("(全部工业增加值)")."""
    if not evidence.question.english:
        return asked
    return " ".join([chinese_keywords(meant(asked)), *_HAN_RUN.findall(meant(asked))])


def _of_another_side(evidence: Evidence, fact: Fact | None, figure: Figure, sentence, facts: list[Fact]) -> bool:
    """Whether a figure is of another side of a set the question names one side of
    (data/contrasts.tsv): by its own words, or, for a whole, by the parts the notice breaks it
    into, none of them the side asked."""
    # a follow-up's side is the one it names itself (那农村的呢), not one its topic carried in
    asked = evidence.resolved.focus if evidence.resolved.is_followup else evidence.question.text
    asked = _in_chinese(evidence, asked)
    said = own_words(sentence.text, figure) + (f" {fact.governor}" if fact is not None else "")
    if other_side(asked, said):
        return True
    if fact is None:
        return False
    parts = " ".join(f.governor for f in facts if evidence.whole_of(f, sentence.doc_id) is fact)
    return bool(parts) and other_side(asked, parts)


def unasked_part(evidence: Evidence, fact: Fact, sentence) -> bool:
    """Whether a fact is a part broken out of a whole (其中…) by words the question does not say:
    "重点项目投了多少" asks the whole, not 其中省市重点项目's figure."""
    whole = evidence.whole_of(fact, sentence.doc_id)
    if whole is None:
        return False
    # the whole is said with its governor and, in its own sentence, every word before it
    said_of_whole = whole.governor + (sentence.text[: whole.end - sentence.start] if sentence.start <= whole.start else "")
    # (a word the whole says in other words is not the part's own: 城市低保 of 最低生活保障 sets 城市 apart)
    said_of_whole += " ".join(w for others in synonyms_in(said_of_whole).values() for w in others)
    own = [w for w in tokenize(fact.governor) if len(w) > 1 and w not in said_of_whole and w not in GENERIC]
    asked = normalize(evidence.question.text)
    # "spend on education" says 教育 in the glossary's words; an entry that also gives a word of
    # the whole's ("claw back": 追缴 清退) names the whole, not the part
    asked += " " + " ".join(w for entry in named_things(asked) if not any(t in said_of_whole for t in entry) for w in entry)
    said = {a for t, alts in evidence.focus_terms.alternatives.items() if t in asked for a in alts}
    said |= {t for t in evidence.focus_terms.weights if len(t) > 1 and t in asked}  # 出口 asks 出口额
    return bool(own) and not any(w in asked or any(w in a or a in w for a in said) for w in own)


def _per_unit(governor: str) -> bool:
    """Whether a figure's governing words make it a rate per head or household (每千人口床位, 人均收入)."""
    return any(p.search(governor) for p in cues("per_unit").patterns)


def _whole_governor(evidence: Evidence, fact: Fact, sentence) -> str:
    """The governing words of the whole a fact is broken out of (其中…), "" if it is none's part."""
    whole = evidence.whole_of(fact, sentence.doc_id)
    return whole.governor if whole is not None else ""


def _counts(noun: str, text: str, figure: Figure) -> bool:
    """Whether the words right before or after a figure name the counted noun (线索34件, 34件线索)."""
    return any(word in text[max(0, figure.start - len(word) - 2) : figure.start] or word in text[figure.end : figure.end + len(word) + 2]
               for word in noun.split())


def _says_part(evidence: Evidence, question: Question, candidate: _Candidate) -> bool:
    """Whether a figure is said of the part a question asks (question.part): its governing words
    (a cell: its headers) hold each of the part's nouns or one the lexicons put for it, and — the
    part asked alone (光Y) — do not join it to another thing (就业补贴和社保补贴资金: their sum)."""
    words = [w for w in question.part.split() if w not in GENERIC and not _WHEN.fullmatch(w)]
    fact = candidate.fact
    if fact is None:
        named = own_words(candidate.scored.sentence.text, candidate.figure)
    else:
        named = fact.governor + (f" {fact.table.row} {fact.table.column}" if fact.table is not None else "")
        # a part broken out of a whole is said of the whole's metric too: 其中医院4,532张 of
        # 实有床位5,186张 is the hospitals' 床位 ("医院里的床位")
        named += f" {_whole_governor(evidence, fact, candidate.scored.sentence)}"
    alternatives = evidence.focus_terms.alternatives
    others = lambda w: (*alternatives.get(w, ()), *synonym_groups().get(w, ()))  # noqa: E731
    # a word there, or the head or end of one, not two characters inside a longer one (小学 is not
    # said by 中小学校; 司法 is by 司法机关)
    cut = [word for word, _ in tagger().lcut(named)]
    said = lambda w: len(w) > 2 and w in named or any(c.startswith(w) or c.endswith(w) for c in cut)  # noqa: E731
    if not all(said(w) or any(a in named for a in others(w)) for w in words):
        return False
    joined = "|".join(map(re.escape, question_table("part").get("joined", ())))
    return not (question.alone and fact is not None and re.search(rf"[\u4e00-\u9fff](?:{joined})[\u4e00-\u9fff]", fact.governor))


def _unasked_role_factor(role: str, kind: AskKind, settings) -> float:
    """How much less a figure weighs whose role the question does not ask: asked plainly, the
    figure as it stands now — not a target (控制在8%以内), not the start of 由A到B (由上年的58.6%),
    and, where some figure is asked ("浓度是多少"), not the change beside the level."""
    if role == "target":
        return settings.unasked_target_penalty
    if role == "from":
        return settings.unasked_from_penalty
    if role == "change" and kind == AskKind.FIGURE:
        return settings.unasked_change_penalty
    return 1.0


def _names_a_side(terms: Terms) -> bool:
    """Whether a question's words are a side of a contrast (data/contrasts.tsv: 乡村, 城镇, 出口…)."""
    sides = {w for sets in contrasts() for side in sets for w in side}
    return bool(terms.weights) and any(t in sides or any(a in sides for a in terms.alternatives.get(t, ())) for t in terms.weights)


def _lead_in(evidence: Evidence, candidate: _Candidate) -> str:
    """For a follow-up, what its paragraph says before the figure's sentence: "其中乡村的呢?" after
    社零 is answered by 乡村消费品零售额, a part whose words are not the whole's (社会消费品零售总额),
    which its paragraph names first."""
    if not evidence.resolved.is_followup:
        return ""
    sentence = candidate.scored.sentence
    _, text = evidence.shelf.section_at(sentence.doc_id, sentence.start)
    return " " + text[text.rfind("\n", 0, sentence.start) + 1 : sentence.start]


def _own_text(candidate: _Candidate) -> str:
    """The words a figure is stated under and governed by (a table cell: its headers)."""
    text = own_words(candidate.scored.sentence.text, candidate.figure)
    fact = candidate.fact
    if fact is not None:
        text += f" {fact.governor} {fact.subject}"
        if fact.table is not None:
            text += f" {fact.table.row} {fact.table.column} {fact.table.caption}"
    return text


def _sets_a_limit(text: str, figure: Figure) -> bool:
    """Whether a date is a limit the notice sets for getting something done: 前 right after it and
    a word of completion in what follows (于2024年6月底前全部整改到位)."""
    table = question_table("deadline")
    after = text[figure.end : figure.end + 20]
    return after.startswith(tuple(table.get("before", ()))) and any(w in after for w in table.get("done", ()))


def _restates(rounded: _Candidate, exact: _Candidate, spread: float) -> bool:
    """Whether a hedged figure (超过150亿元, 40余万元) is the notice's rounding of an exact one: the
    same kind and unit, the exact value on the side of the number the hedge says, within `spread`."""
    a, b = rounded.fact, exact.fact
    if a is None or b is None or a.value is None or b.value is None or a.kind != b.kind or a.value <= 0:
        return False
    if rounded.scored.sentence.doc_id != exact.scored.sentence.doc_id:
        return False
    bounds = nm.lexicon().words["hedge_bounds"]
    hedge = a.hedge or next((w for side in bounds.values() for w in side if w in rounded.span), "")
    ratio = b.value / a.value
    if hedge in bounds["at_least"]:
        return 1.0 <= ratio <= 1.0 + spread
    if hedge in bounds["at_most"]:
        return 1.0 - spread <= ratio <= 1.0
    return hedge in bounds["about"] and abs(ratio - 1.0) <= spread


def _exact_restatement(best: _Candidate, candidates: list[_Candidate], settings) -> _Candidate | None:
    """The exact figure a hedged best one rounds, said of the same thing about as well
    (追回…补贴资金40余万元 beside 追回补贴资金42.7万元): the notice's own precise figure is the answer."""
    if not best.rounded:
        return None
    return next((other for other in candidates[:6] if other is not best and not other.rounded and other.year_ok
                 and other.support >= settings.rival_lexical * best.support
                 and _restates(best, other, settings.restated_spread)), None)


def _plainest_first(candidates: list[_Candidate], margin: float = 0.0, asked: str = "") -> list[_Candidate]:
    """Of figures that score alike (within `margin` of the best), the one named plainly comes first
    when every other one is named by the same words qualified (地区生产总值326.48亿元 before
    人均地区生产总值71260元; 土地出让收入 before 应缴未缴土地出让收入): asked plainly, the plain metric is meant."""
    best = candidates[0]
    level = [c for c in candidates[:4] if c.score >= best.score - 1e-9 and c.figure.key != best.figure.key]
    if level:
        group = [best, *level]
        for c in group:
            name = c.fact.governor if c.fact is not None else ""
            others = [o for o in group if o.figure.key != c.figure.key]
            if name and all(_same_or_qualified(c, o) for o in others):
                return [c, *[o for o in candidates if o is not c]]
        return candidates
    # Nearly alike: the best is the plain metric's words with a qualifier before them that the
    # question does not say (应缴未缴 of 国有土地使用权出让收入): the plain figure is meant.
    if best.fact is None:
        return candidates
    for c in candidates[1:4]:
        if c.score < best.score * (1 - margin) or c.fact is None:
            break
        plain, longer = _WHOLE_PLACE.sub("", c.fact.governor), _WHOLE_PLACE.sub("", best.fact.governor)
        qualifier = longer[: -len(plain)] if _qualifies(longer, plain) and longer.endswith(plain) else ""
        if qualifier and not any(w in asked for w in tokenize(qualifier) if len(w) > 1):
            return [c, *[o for o in candidates if o is not c]]
    return candidates


def _tied(best: _Candidate, candidates: list[_Candidate]) -> list[_Candidate]:
    """The different figures of the same kind in the same notice that score exactly as well as the
    best (another notice's figure is listed beside it instead: `_per_notice`). A 其中 part of a
    whole is no rival of its whole: asked plainly, the whole is meant."""
    return [
        other for other in candidates[1:4]
        if other.figure.key != best.figure.key and other.figure.kind == best.figure.kind
        and other.scored.sentence.doc_id == best.scored.sentence.doc_id and other.score >= best.score - 1e-9
        and not (other.fact is not None and other.fact.part_of is not None)
        and not _same_or_qualified(best, other)
    ]


def _undecided(evidence: Evidence, found: list[_Candidate]) -> Draft:
    """Figures the question fits equally, each with where the notice says it: not an answer
    (which is meant cannot be told), but what the notice says, for the reader to tell apart."""
    heading = evidence.say("通报中有几个数字同样符合这个问题,无法确定问的是哪一个:",
                           "Several figures of the notice fit this question equally; which one is meant cannot be told:")
    where = lambda c: f"{c.span}({' › '.join(c.scored.sentence.labels) or evidence.say('正文开头', 'opening')})"  # noqa: E731
    return _listed(evidence, heading, found, where, found=False)


def _listed(evidence: Evidence, heading: str, shown: list[_Candidate], line, found: bool) -> Draft:
    """Several figures, one line each (`line(candidate)`), then each one's sentence quoted."""
    lines, quotes, citations, figures = [heading], [], [], []
    for c in shown:
        lines.append(f"- {line(c)}")
        quotes.append(evidence.quote(c.scored.sentence))
        citations.append(cite(c.scored.sentence))
        figures.append(c.span)
    return Draft("\n".join(lines) + "\n\n" + "\n".join(quotes), found, citations, figures)


def _same_or_qualified(best: _Candidate, other: _Candidate) -> bool:
    """The same figure written otherwise (a table's 326.48 under 亿元 and 326.48亿元), or the
    same metric qualified (人均地区生产总值 of 地区生产总值): no rival of the plain figure."""
    if best.fact is None or other.fact is None:
        return False
    if best.fact.value and best.fact.value == other.fact.value:
        return True
    return _qualifies(other.fact.governor, best.fact.governor)


def _qualifies(longer: str, plain: str) -> bool:
    """Whether `longer` names the metric `plain` names, qualified (人均地区生产总值 of 地区生产总值).
    A short governor (村, 项目) names no metric: 余下123个村 does not qualify 65个村."""
    plain, longer = _WHOLE_PLACE.sub("", plain), _WHOLE_PLACE.sub("", longer)
    return len(plain) >= _METRIC_CHARS and plain in longer and len(longer) > len(plain)


_METRIC_CHARS = 4
# "全县地区生产总值": the whole of the notice's place says which place, not which metric.
_WHOLE_PLACE = re.compile(r"^(全区|全县|全市|全省|全镇|全乡|全街道|我区|我县|我市)(共有|现有|拥有|共计)?")


def _per_notice(evidence: Evidence, best: _Candidate, candidates: list[_Candidate]) -> list[_Candidate]:
    """Each notice's best figure, when other notices answer the question about as well as the best."""
    chosen: dict[str, _Candidate] = {}
    for candidate in candidates:
        doc = candidate.scored.sentence.doc_id
        if doc in chosen or candidate.score < evidence.settings.across_share * best.score:
            continue
        if evidence.answers(candidate.scored, year_ok=candidate.year_ok):
            chosen[doc] = candidate
    return list(chosen.values())


def _across(evidence: Evidence, found: list[_Candidate]) -> Draft:
    """One figure per notice, each labelled by its notice and quoted: never one picked silently."""
    name = lambda c: evidence.shelf.notice_name(c.scored.sentence.doc_id)  # noqa: E731
    heading = evidence.say("多份通报都有这个数字,分别为:", "Each notice gives its own figure:")
    return _listed(evidence, heading, sorted(found, key=name), lambda c: f"{name(c)}:{c.span}", found=True)


def _rival(best: _Candidate, candidates: list[_Candidate], settings) -> _Candidate | None:
    """The same metric with a different figure in another section, worth a warning."""
    for other in [c for c in candidates[:8] if c is not best]:
        same_metric = (
            other.figure.kind == best.figure.kind
            and other.figure.key != best.figure.key
            and other.scored.sentence.doc_id == best.scored.sentence.doc_id
            and other.scored.sentence.labels != best.scored.sentence.labels
        )
        if (same_metric and other.scored.lexical >= settings.rival_lexical * best.scored.lexical
                and other.score >= settings.rival_score * best.score):
            return other
    return None


_SCOPE_START = re.compile(r"其中|分别|[;；。]")


def own_words(text: str, figure: Figure) -> str:
    """The words a figure is stated under: since the last 其中 / 分别 / clause stop before it (the
    subject of "其中16个市级重点项目…118.3%" is 市级重点项目, not the sentence's), and for a count
    the noun right after it (665个村(居)民小组)."""
    start = max((m.end() for m in _SCOPE_START.finditer(text, 0, figure.start)), default=0)
    after = re.split(r"[,，;；。、]|\d", text[figure.end :], maxsplit=1)[0][:40] if figure.kind == "count" else ""
    target = _TARGET_AFTER.match(text[figure.end :])  # "243亩的年度任务": the words after name it
    return text[start : figure.start] + " " + (after or (target.group() if target else ""))


def governor_fit(terms: Terms, fact: Fact, of_whole: str = "") -> float:
    """How much of the question the words that govern a fact hold (a table cell: its headers;
    an asked part: its whole's too)."""
    words = f"{fact.governor} {fact.subject} {of_whole}"
    if fact.table is not None:
        words += f" {fact.table.row} {fact.table.column} {fact.table.caption}"
    return coverage(terms, words)


def asked_roles(question: str) -> set[str]:
    table = question_table("roles")
    lowered = meant(question).lower()  # "(not the plan)": the plan is not asked
    return {role for role, cue_words in table.items() if any(w.lower() in lowered for w in cue_words)}


# Roles that answer each other's questions: "计划" is also asked as "目标".
_ROLE_FAMILY = {"planned": "planned", "target": "planned", "actual": "actual", "from": "from", "to": "to", "change": "change"}


def role_fit(asked: set[str], role: str) -> float:
    """+1 when the fact's role is the one asked, −1 when it is the other one of its pair."""
    if not asked or not role:
        return 0.0
    families = {_ROLE_FAMILY[r] for r in asked if r in _ROLE_FAMILY}
    mine = _ROLE_FAMILY.get(role)
    if mine is None:
        return 0.0
    return 1.0 if mine in families else -1.0 if families else 0.0


# "超额完成243亩的年度任务", "市下达45公里的年度任务": a figure named a target by the words after it.
_TARGET_AFTER = re.compile(r"^[^,，。;；\d]{0,3}?的?(?:年度|全年|三年)?(?:任务|目标|计划)")


def _role_of(fact: Fact, text: str, figure: Figure) -> str:
    if not fact.role and _TARGET_AFTER.match(text[figure.end :]):
        return "target"
    return fact.role


@lru_cache(maxsize=65536)
def _key(text: str, kind: str) -> str:
    """The comparable identity of a figure as written (find_figures is the one reader of it)."""
    found = find_figures(normalize(text))
    return found[0].key if found and kind not in ("postcode", "email", "ordinal") else f"{kind}:{text}"


def _figure(fact: Fact, sentence_start: int) -> Figure:
    """A fact as a figure of its sentence (offsets into the sentence's text)."""
    kind = _FIGURE_KIND[fact.kind]
    key = _key(fact.text, kind)
    start = fact.start - sentence_start
    return Figure(fact.text, start, start + len(fact.text), kind, fact.value, fact.unit, key)


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Facts that measure a metric, which a side (幼儿园…, 城镇…) may qualify.
_MEASURED = (FactKind.MONEY, FactKind.PERCENT, FactKind.COUNT, FactKind.NUMBER)


def _near(value: float, remembered: frozenset[float], settings) -> bool:
    low, high = settings.approximate_span
    return any(low * v <= value <= high * v for v in remembered)


def _times_of(asked: str, unit: str) -> bool:
    """Whether one measure counts times of the other's things (人次 of 人, 户次 of 户)."""
    return bool(asked and unit) and asked != unit and (asked == f"{unit}次" or unit == f"{asked}次")


def unit_fits(figure: Figure, unit: str) -> bool:
    if figure.kind == "number":
        return False
    if figure.unit == unit or figure.unit.endswith(unit) or unit.endswith(figure.unit):
        return True
    return any(unit in group and figure.unit in group for group in _SAME_MEASURE)


def with_hedge(text: str, figure: Figure) -> str:
    """The figure as the notice qualifies it: 超过150亿元, 150亿元以上, 约4713万元."""
    before = _HEDGE_BEFORE.search(text[max(0, figure.start - 2) : figure.start])
    after = _HEDGE_AFTER.search(text[figure.end : figure.end + 2])
    prefix = before.group() if before and before.group() not in ("达", "达到") else ""
    return prefix + figure.text + (after.group() if after else "")


def hedged(text: str, figure: Figure) -> bool:
    before = text[max(0, figure.start - 2) : figure.start]
    after = text[figure.end : figure.end + 2]
    return figure.hedged or any(h in before for h in ("超过", "突破", "逾", "约", "近", "超")) or after.startswith(("以上", "左右", "多"))


def local_fit(terms: Terms, text: str, figure: Figure, figures: list[Figure], question: Question, governor: str = "",
              of_whole: str = "") -> float:
    """How well the words around a figure match the question: which figure of the sentence is asked.

    The words since the previous figure weigh most, the clause as a whole less (its subject
    is shared by all its figures), the words right after a count nearly as much as those before.
    """
    others = [f for f in figures if f.kind not in ("year", "date") and f is not figure]
    clause_start = max((m.end() for m in re.finditer(r"[,，;；。:：]", text[: figure.start])), default=0)
    near_start = max([clause_start] + [f.end for f in others if f.end <= figure.start])
    right_edge = min([f.start for f in others if f.start >= figure.end] + [len(text)])
    clause = text[clause_start : figure.start]
    near_left = text[near_start : figure.start]
    if re.search(r"(和|及|与|、|以及)$", near_left):
        # "665个村(居)民小组和719个…": those words belong to the figure before; an enumeration's
        # later item has its own words in what governs it (城乡…分别达到38650元和19870元: 农村…)
        near_left = governor
    # "城市低保2386人、农村低保8814人": past the enumeration comma the words are the next item's.
    near_right = re.split(r"[,，。;；、]", text[figure.end : right_edge])[0][:12]
    right_weight = 0.9 if figure.kind == "count" else 0.4
    score = 0.45 * coverage(terms, clause) + 0.8 * coverage(terms, near_left) + right_weight * coverage(terms, near_right)
    score += 0.35 * coverage(terms, own_words(text, figure))
    # (a part the question names says what its whole is of: 其中医院 of 实有床位, asked 医院里的床位)
    said = f"{near_left} {of_whole}" if of_whole and coverage(terms, near_left) > 0 else near_left
    if question.predicate and question.predicate in said and _qualified(question.qualifier, f"{said} {governor}"):
        score += 0.6
    if question.counted and question.kind == AskKind.COUNT:
        # "665个村(居)民小组": a noun right after the figure is what it counts; "走访群众8654人,": else the one before.
        # Never past the next figure: in "3个方面44个具体问题" 具体问题 is what 44个 counts.
        after = re.split(r"[,，;；。、]", text[figure.end : right_edge])[0][:16]
        side = after if re.search(r"[\u4e00-\u9fff]", after) else text[max(0, figure.start - 10) : figure.start]
        if any(word in side for word in question.counted.split()):
            score += 1.0  # what a count counts decides between the counts of one clause (3个方面44个具体问题)
    return score + _direction_fit(question.text, text, figure)


def _qualified(qualifier: str, words: str) -> bool:
    """Whether the words around a figure say what narrows the asked predicate (制造业 of
    制造业贷款余额: not 各项贷款余额's figure); words that only say when (年末) narrow nothing here."""
    return all(w in words for w in tokenize(qualifier) if len(w) > 1 and w not in GENERIC and not _WHEN.fullmatch(w))


_WHEN = re.compile(r"(年|月|季|今|去|上|下|前|本|全)[年末初底度半季]?|年末|年初|年底|全年|当年")


def _direction_fit(question: str, text: str, figure: Figure) -> float:
    """"由A提高到B": a question about where it went wants B, one about where it came from wants A."""
    before = text[max(0, figure.start - 3) : figure.start]
    if re.search(r"[到至]", before) and re.search(r"(提高|增加|提升|增长|上升|下降|减少|降低|压减|压缩|扩大|达)(到|至)", question):
        return 1.0
    if re.search(r"[由从]", before) and re.search(r"[由从]|原来|原先|原本|此前", question):
        return 1.0
    return 0.0


def _percent(question: Question) -> bool:
    return cues("percent").found_in(question.text) and not cues("percent", "not_percent").found_in(question.text)


def _change(question: Question) -> bool:
    """"降了多少", "by how much did it drop": the change, in the unit the notice gives it (下降3.6岁,
    下降12.4%), unless the question asks for a percentage."""
    return "change" in asked_roles(question.text) and not cues("percent", "explicit").found_in(question.text)


def _money(question: Question) -> bool:
    return cues("money").found_in(question.text) and (cues("money", "asks_amount").found_in(question.text) or terse(question))


def terse(question: Question) -> bool:
    """An English request for a figure typed as a bare phrase ("Lushan county GDP 2024?")."""
    if not question.english:
        return False
    asking = set(question_table("figure").get("english_question_words", ()))
    return not any(word in asking for word in re.findall(r"[a-z]+", question.text.lower()))


KINDS = (
    FigureKind(AskKind.POSTCODE, lambda q: cues("postcode").found_in(q.text)),
    FigureKind(AskKind.EMAIL, lambda q: cues("email").found_in(q.text)),
    FigureKind(AskKind.PHONE, lambda q: cues("phone").found_in(q.text)),
    FigureKind(AskKind.DATE, lambda q: cues("date").found_in(q.text)),
    FigureKind(AskKind.COUNT, lambda q: bool(q.unit)),
    FigureKind(AskKind.FIGURE, _change),
    FigureKind(AskKind.PERCENT, _percent),
    FigureKind(AskKind.COUNT, lambda q: cues("count").found_in(q.text)),
    FigureKind(AskKind.MONEY, _money),
)
# Some figure, of whatever kind the best sentence gives: after names and lists in precedence.
ANY_FIGURE = FigureKind(AskKind.FIGURE, lambda q: cues("figure").found_in(q.text) or terse(q) or bool(q.confirms))


def _like(figure: Figure, said: str) -> bool:
    """Whether a figure is of the kind of one the asker said (a ratio for 2.7:1, a share for 88.1%)."""
    said_kind = _kind_said(said)
    if said_kind is None:
        return True
    kind, ratio = said_kind
    return (figure.kind == kind or (ratio and figure.kind == "number")) and (figure.unit == ":1") == ratio


@lru_cache(maxsize=256)
def _kind_said(said: str) -> tuple[str, bool] | None:
    """The kind of a figure the asker wrote, and whether it is a ratio to one: read once, not per
    figure weighed against it."""
    found = find_figures(normalize(said))
    return (found[0].kind, found[0].unit == ":1") if found else None


def _names_asked_noun(question: Question, governor: str) -> bool:
    """Whether a figure is of the noun a question asks the amount of ("查出多少问题金额" →
    发现问题金额, not the 审计资金总额 before it); a count's noun is weighed by its measure word."""
    noun = question.counted
    return question.kind != AskKind.COUNT and len(noun) >= 3 and noun in governor


def _governed_by(predicate: str, governor: str) -> bool:
    """The question's own verb, or a word people use for it (住进去 / 入住), governs the fact."""
    if not predicate:
        return False
    if predicate in governor:
        return True
    return any(w in governor for found, others in synonyms_in(predicate).items() for w in (found, *others))
