"""What a question says about itself: its kind of answer, the unit it asks for, its years, its language.

`analyse` reads the question's features; which kind of answer it wants is decided by
the answer kinds themselves (`assistant.kinds.classify`), each recognising its own
questions from the cue words of `assistant/data/questions.toml`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from assistant.errors import QuestionError
from assistant.figures import find_figures
from assistant.lexicon import cues, glossary_in, named_things, question_table, without_asking_words, without_manner, words
from ingest.tagger import tagger

MAX_QUESTION_CHARS = 2000
# Control and format characters, and lone surrogates (which no encoder can write: the embedder would fail on them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?=\s*年|(?!\d))")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
# "23年那份通报": a year written short, as people type it (not "连续12年", "近10年来", "3年以上").
SHORT_YEAR = re.compile(r"(?<![\d.连续近过去共满第])([1-3]\d)年(?![来间内以多底度]|\d)")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}


class AskKind(str, Enum):
    """The kind of answer a question wants; one answer kind (assistant/kinds/) composes each."""

    ITEM = "item"  # an item of the previous answer's list ("第二条")
    PERSON = "person"
    ISSUER = "issuer"  # who issued the notice (its signature), or delivered the report
    SIGNATURE = "signature"  # the notice's own signing date
    COMPARISON = "comparison"  # two figures, or a figure's change, with the arithmetic
    ORDINAL = "ordinal"  # the 第N the notice names (省委第十巡视组)
    PHONE = "phone"
    POSTCODE = "postcode"
    EMAIL = "email"
    DATE = "date"
    COUNT = "count"
    PERCENT = "percent"
    MONEY = "money"
    NAME = "name"
    LIST = "list"
    FIGURE = "figure"  # some figure, of whatever kind the best sentence gives
    PASSAGE = "passage"  # no particular span: the sentences themselves


FIGURE_KINDS = frozenset({AskKind.PHONE, AskKind.POSTCODE, AskKind.EMAIL, AskKind.DATE, AskKind.COUNT,
                          AskKind.PERCENT, AskKind.MONEY, AskKind.FIGURE})


@dataclass(frozen=True)
class Question:
    text: str  # cleaned question as asked
    kind: AskKind = AskKind.PASSAGE
    unit: str = ""  # measure word a count must carry ("家", "个" …), "" if any
    years: tuple[str, ...] = ()  # the years it names (2023, 二〇二三年, 23年)
    relative_years: tuple[int, ...] = ()  # the years it says relative to the notice's (今年 0, 去年 -1)
    english: bool = False
    needs_day: bool = False  # a date question that a bare year does not answer
    exact: bool = False  # the exact figure is demanded ("要准数"): a rounded one does not answer
    counted: str = ""  # what a count question counts ("群众"), if it says
    measures: bool = False  # a list of what was done (the section's 一是/二是 items), not of names
    predicate: str = ""  # the words right before 多少/几 ("已立案几件" → 立案): what the figure measures
    magnitude: float = 0.0  # "多少万", "几个亿": the order of the figure asked (1e4, 1e8); 0 if unsaid
    qualifier: str = ""  # the words before the predicate that narrow it ("制造业贷款余额" → 制造业)
    part: str = ""  # "X里Y有多少", "光Y是多少": the part Y asked of a whole
    alone: bool = False  # the part is asked by itself (光Y): a figure of Y and another thing together is not it
    given_figures: frozenset[str] = field(default_factory=frozenset)  # figures already in the question
    confirms: tuple[str, ...] = ()  # figures it asks to be confirmed ("是2.7:1吗", "88.1%对吧"): the asker's belief
    given_values: frozenset[float] = field(default_factory=frozenset)  # … written without their unit ("超过150亿")
    approximately: frozenset[float] = field(default_factory=frozenset)  # "在校生4万出头": the order the asker remembers
    remembered: tuple[str, ...] = ()  # … as written ("4万出头"): the asker's belief, not words to match

    def years_for(self, speaking_year: str) -> tuple[str, ...]:
        """The years asked of a notice that speaks from `speaking_year`: those named, else those
        said relative to it ("去年" of a report delivered in 2025 is 2024)."""
        if self.years or not self.relative_years or not speaking_year[:4].isdigit():
            return self.years
        return tuple(str(int(speaking_year[:4]) + offset) for offset in self.relative_years)

    @property
    def wants_figure(self) -> bool:
        return self.kind in FIGURE_KINDS


def unprintable_removed(text: str) -> str:
    """`text` with control and format characters and lone surrogates turned into spaces."""
    return _CONTROL.sub(" ", text)


def clean(raw: str) -> str:
    """The question as the assistant will read it, or a QuestionError saying why not."""
    if not isinstance(raw, str):
        raise QuestionError("问题必须是文本")
    if len(raw) > 4 * MAX_QUESTION_CHARS:  # refused before any work proportional to its length
        raise QuestionError(f"问题有 {len(raw):,} 个字符,太长了;请控制在 {MAX_QUESTION_CHARS:,} 字以内")
    text = unicodedata.normalize("NFC", unprintable_removed(raw))
    text = re.sub(r"\s+", " ", text).strip()
    if not text or not re.search(r"\w", text):
        raise QuestionError("问题是空的;请问一个关于通报的问题,例如:2020年全区重点项目完成投资多少?")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"问题有 {len(text):,} 个字符,太长了;请控制在 {MAX_QUESTION_CHARS:,} 字以内")
    return text


def _count_ask() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in words("measure_words"))
    # "多少万只", "几千人": the order said before the measure word
    return re.compile(rf"(?:多少|(?<!哪)几)(?:万|千|百)?(?P<unit>{units})")


_COUNT_ASK = _count_ask()
_COUNTED = re.compile(r"(?:多少|几)(?:个|名|位|家|条|项|张|人次|亩|宗|件)?(?P<noun>[\u4e00-\u9fff]{2,6}?)(?:呢|吗|了)?[??]?$")
_COUNTED_BEFORE = re.compile(r"(?P<noun>[\u4e00-\u9fff]{2,4}?)(?:一共有|共有|有|是|达|为|共)(?:多少|几)(?:个|名|位|家|条|项|张|人次|亩|宗|件)?(?:呢|吗)?[??]?$")
_PREDICATE = re.compile(r"(?P<words>[\u4e00-\u9fff]{2,6}?)(?:了|过)?(?:一共|共|总共|累计)?(?:有|是|达|为)?(?:多少|几)")


# What a question says it does not mean: "…by end Oct (not the plan)", "要实际的,不是计划数".
# "…by end Oct (not the plan)", "要实际的,不是计划数", "别给我计划数", "今年目标那个不算".
_NOT_MEANT = re.compile(r"\b(?:not|rather than|instead of|excluding|except)\b[^,.;?!)]*|(?:不是|不要|而不是|并非|而非|别说|别给我|别跟我说)[^,，。;；?？)）]{1,10}"
                        r"|[^,，。;；?？!！)）]{1,8}?(?:那个|那些|的)?不算(?=[,，。;；?？!！]|$)", re.I)


@lru_cache(maxsize=1)
def _confirm_pattern() -> re.Pattern[str]:
    """What follows a figure the asker wants confirmed (吗, 对吧): built on first use, not at import."""
    after = sorted(question_table("confirm").get("after", ()), key=len, reverse=True)
    return re.compile(r"\s?(?:" + "|".join(map(re.escape, after)) + r")")


# "says it was 'over 1.6 billion yuan'": a figure an English question gives as roughly known.
_ENGLISH_APPROXIMATE = re.compile(
    r"\b(?:over|about|around|roughly|nearly|almost|approximately|more than|less than|some)\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<scale>billion|million|thousand)?", re.I)
_ENGLISH_SCALES = {"billion": 1e9, "million": 1e6, "thousand": 1e3}


def _english_approximate(text: str) -> tuple[frozenset[float], tuple[str, ...]]:
    found = list(_ENGLISH_APPROXIMATE.finditer(text))
    values = frozenset(float(m.group("n")) * _ENGLISH_SCALES.get((m.group("scale") or "").lower(), 1.0) for m in found)
    return values, tuple(m.group() for m in found)


def _approximate(text: str, figure) -> str:
    """The figure the question gives as roughly remembered, with the word that says so ("4万出头",
    "大概150亿"); "" for a figure given otherwise (data/questions.toml [approximate])."""
    table = question_table("approximate")
    after = next((w for w in table.get("after", ()) if text.startswith(w, figure.end)), None)
    before = next((w for w in table.get("before", ()) if text[: figure.start].endswith(w)), None)
    if after is None and before is None:
        return ""
    return text[figure.start - len(before or "") : figure.end + len(after or "")]


def _approximate_given(text: str, given) -> tuple[frozenset[float], tuple[str, ...]]:
    said = [(f.value, _approximate(text, f)) for f in given if f.value]
    said = [(value, written) for value, written in said if written]
    return frozenset(value for value, _ in said), tuple(written for _, written in said)


def meant(text: str) -> str:
    """The question less what it says it does not mean."""
    return _NOT_MEANT.sub(" ", text)


def years_in(text: str) -> tuple[str, ...]:
    """The years a text names, in digits (二〇二三年 → 2023)."""
    digits = [m.group() for m in _YEAR.finditer(text)]
    spelled = ["".join(_CN_DIGIT[c] for c in m.group(1)) for m in _CN_YEAR.finditer(text)]
    short = [f"20{m.group(1)}" for m in SHORT_YEAR.finditer(text)]
    return tuple(dict.fromkeys(digits + spelled + short))


def relative_years_in(text: str) -> tuple[int, ...]:
    """The years a text says relative to the notice's, as offsets (今年 → 0, last year → -1)."""
    table = question_table("relative_years")
    offsets, not_after = table.get("offsets", {}), tuple(table.get("not_after", ()))
    found, lowered = [], text.lower()
    for word in sorted(offsets, key=len, reverse=True):
        for m in re.finditer(re.escape(word), lowered):
            before = lowered[: m.start()]
            taken = any(m.start() < end and start < m.end() for start, end, _ in found)
            if not taken and not before.endswith(not_after):
                found.append((m.start(), m.end(), offsets[word]))
    return tuple(dict.fromkeys(offset for _, _, offset in sorted(found)))


# "Yitang County (苡塘县): how many …": Chinese a reader pastes in brackets or quotes names a
# thing in the notice's words; the question is still asked, and answered, in English.
_BRACKETED = re.compile(r"[(（\[【「“\"][^()（）\[\]【】「」“”\"]*[)）\]】」”\"]")


def is_english(text: str) -> bool:
    """Whether a question is asked in English: Latin words, and Chinese only in brackets or quotes."""
    return bool(_LATIN_WORD.search(text)) and not _HAN.search(_BRACKETED.sub(" ", text))


def analyse(text: str) -> Question:
    """The question's features; its `kind` is PASSAGE until `assistant.kinds.classify` decides."""
    english = is_english(text)
    count = _COUNT_ASK.search(text)
    counted = _COUNTED.search(text) or _COUNTED_BEFORE.search(text)
    given = [f for f in find_figures(text) if f.kind not in ("year",)]
    unit = count.group("unit") if count and count.group("unit") != "年" else ""
    if english and not unit:
        unit = _english_unit(text)
    if unit == "个" and text[count.end() : count.end() + 1] in ("亿", "万") and not _THRESHOLD.match(text, count.end() + 1):
        unit = ""  # "多少个亿": an amount of money, not a count ("几个亿元以上项目" counts projects)
    if unit == "个" and text[count.end() : count.end() + 1] == "点":
        unit = ""  # "降了几个点": percentage points, not a count of things
    if unit == "个" and text[count.end() : count.end() + 1] == "人":
        unit = "人"  # "几个人": people are counted in 人, not 个 (but "几个村" counts villages in 个)
    part, alone = _english_part(text) if english else _part(text)
    approximately, remembered = _english_approximate(text) if english else _approximate_given(text, given)
    return Question(
        text=text,
        unit=unit,
        years=years_in(text),
        relative_years=relative_years_in(meant(text)),
        english=english,
        needs_day=cues("date", "day_cues").found_in(text),
        exact=cues("exact").found_in(text),
        counted=counted.group("noun") if counted else _english_counted(text) if english else "",
        measures=cues("list", "measures").found_in(text),
        predicate=_english_predicate(text) if english else _predicate(without_manner(text)),
        qualifier=_qualifier(text),
        part=part,
        alone=alone,
        magnitude=_magnitude(text),
        given_figures=frozenset(f.key for f in given),
        confirms=tuple(f.text for f in given if _confirm_pattern().match(text, f.end)),
        given_values=frozenset(f.value for f in given if f.kind == "number" and f.value),
        approximately=approximately,
        remembered=remembered,
    )


def _english_unit(text: str) -> str:
    """The measure word of an English count ("how many mu of farmland" → 亩), "" if it names none."""
    units = question_table("count").get("english_units", {})
    found = re.search(r"\b(?:how many|number of)\s+([a-z]+)", text.lower())
    if found and found.group(1) in units:
        return units[found.group(1)]
    # "how many disabled children …": the head of the phrase counted, its last word
    phrase = _ENGLISH_COUNTED.search(text)
    head = re.findall(r"[a-z]+", phrase.group("phrase").lower()) if phrase else []
    return units.get(head[-1], "") if head else ""


# "how many farm machines were covered": the noun phrase asked, up to its verb or preposition.
_ENGLISH_COUNTED = re.compile(
    r"\b(?:how many|number of)\s+(?P<phrase>.+?)(?=\s+(?:were|was|did|do|does|have|has|had|are|is|got|get|in|of|by|for"
    r"|to|on|at|with|from|under|over|that|which|who|been|\w+ed)\b|[?,.;:]|$)", re.I)


# "how many … have been closed", "… were opened": the verb of an English count, in the glossary's words.
# The verb an English question asks of: after its auxiliary and, when the question inverts,
# after its subject ("has Dongpu rectified", "did the county draw up", "were they given").
_ENGLISH_VERB = re.compile(
    r"\b(?:have|has|had|were|was|are|is|got|get|did|do|does)\s+"
    r"(?:(?:been|they|it|we|you)\s+|(?:the|its|their)\s+[a-z-]+\s+|[A-Z][\w-]*\s+(?:(?:[Cc]ounty|[Dd]istrict|[Cc]ity)\s+)?)?"
    r"(?P<verb>[a-z]+(?:\s+(?:up|out|back|over|off))?)\b")


def _english_predicate(text: str) -> str:
    """The glossary's first Chinese word for the verb an English count asks of (closed → 办结)."""
    found = _ENGLISH_VERB.search(text) or _ENGLISH_VERB.search(text.lower())
    things = glossary_in(found.group("verb")) if found else []
    return things[-1].split()[0] if things else ""


def _english_counted(text: str) -> str:
    """What an English count counts, as the glossary's Chinese words for the head of its noun
    phrase ("how many farm machines" → "农机 机具"), space-separated; "" if the glossary knows none."""
    found = _ENGLISH_COUNTED.search(text)
    things = glossary_in(found.group("phrase")) if found else []
    return things[-1] if things else ""


_QUALIFIED = re.compile(r"(?P<words>[\u4e00-\u9fff]{5,10}?)(?:了|过)?(?:一共|共|总共|累计)?(?:有|是|达|为)?(?:多少|几)")


# (not a threshold: "几个亿元以上项目" counts projects)
_THRESHOLD = re.compile(r"元?(?:以上|以下|级|规模)")
_MAGNITUDE = re.compile(rf"(?:多少|几)个?(?P<m>千万|百万|万|亿)(?!{_THRESHOLD.pattern})")
_MAGNITUDES = {"万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8}


def _magnitude(text: str) -> float:
    found = _MAGNITUDE.search(text)
    return _MAGNITUDES[found.group("m")] if found else 0.0


@lru_cache(maxsize=1)
def _part_pattern() -> re.Pattern[str]:
    table = question_table("part")
    within = "|".join(map(re.escape, table.get("within", ())))
    alone = "|".join(map(re.escape, table.get("alone", ())))
    return re.compile(rf"(?:(?P<within>{within})(?:的)?[,，]?\s*(?P<alone1>{alone})?|(?P<alone2>{alone}))(?P<part>(?![占比是有为到])[\u4e00-\u9fff]{{2,10}}?)"
                      r"(?:的)?(?:一共|共)?(?:有|是|占|为|发了|给了)?(?:多少|几)")


_SPAN_WORDS = ("以上", "以下", "以内", "以来", "之间", "前后", "左右", "之后", "以前", "以后")


def _english_part(text: str) -> tuple[str, bool]:
    """The part an English question asks of a whole ("of the funds returned, how much was
    allowances" → 补贴; "the hospitals alone" → 医院, alone): the first Chinese term of each thing
    the part names that the whole does not."""
    table = question_table("part")
    for alone, key in ((False, "english"), (True, "english_alone")):
        for pattern in table.get(key, ()):
            found = re.search(pattern, text, re.IGNORECASE)
            if not found:
                continue
            whole = {w for entry in named_things(found.groupdict().get("whole") or "") for w in entry}
            part = " ".join(entry[0] for entry in named_things(found.group("part")) if not whole & set(entry))
            if part:
                return part, alone
    return "", False


def _part(text: str) -> tuple[str, bool]:
    """The part of a whole a question asks ("…资金里,光社保补贴是多少" → 社保补贴, alone), if any:
    its words the whole before it does not say ("公办学位里小学学位" → 小学)."""
    # the marker starts a word (资金/里, 光/社保; 里津 is the segmenter's), not inside one (木里县, 清单)
    cut, at = set(), 0
    for word, _ in tagger().lcut(text):
        cut.add(at)
        at += len(word)
    found = next((m for m in _part_pattern().finditer(text)
                  if {m.start(g) for g in ("within", "alone1", "alone2") if m.group(g)} <= cut), None)
    if not found:
        return "", False
    whole = text[: found.start()]
    if found.group("within") and whole.endswith(tuple(question_table("part").get("documents", ()))):
        return "", False  # "那份通报里…": where it is written
    own = "".join(without_asking_words(found.group("part")).split())
    # its nouns: what it is, not what was done with it (退还给群众 → 群众)
    # (the tagger calls 初中 a locality word, like 以上: those of a threshold or a span are no part)
    words = [w for w, flag in tagger().lcut(own) if len(w) > 1 and w not in whole
             and (flag[:1] in "nj" or flag in ("vn", "l") or (flag == "f" and w not in _SPAN_WORDS))]
    return " ".join(words), bool(found.group("alone1") or found.group("alone2"))


def _qualifier(text: str) -> str:
    """The words of a long predicate before its last four characters ("年末制造业贷款余额" →
    年末制造业), cut at the particles the predicate itself is cut at."""
    found = _QUALIFIED.search(text)
    if not found:
        return ""
    head = re.split(r"已经|已|了|共|都|还|的|是|有|里|中", found.group("words"))[-1]
    return head[:-4] if len(head) > 4 else ""


def _predicate(text: str) -> str:
    found = _PREDICATE.search(text)
    if not found:
        return ""
    head = _after_locative(re.split(r"已经|已|了|共|都|还|的|是|有", found.group("words"))[-1])
    return head[-4:] if len(head) >= 2 else ""


# A place inside a whole ("在校生里女孩子", "床位中医院"): what is counted comes after it.
_LOCATIVES = frozenset("里内中")


def _after_locative(head: str) -> str:
    """The words after the last locative that stands as its own word (在校生里女孩子 → 女孩子), so the
    predicate is what is counted, not a slice across the whole and its part."""
    cut = 0
    at = 0
    for word, _flag in tagger().lcut(head):
        at += len(word)
        if word in _LOCATIVES and at < len(head):
            cut = at
    return head[cut:]
