"""How one answer is graded: plain functions over strings, paths and passages.

The eval keeps its own definition of a "figure" instead of using the answerer's
(`assistant/figures.py`): a grader that shares the graded code's parser would
share its mistakes.

A **figure** is, after normalising (NFKC, no spaces, no thousands separators):

* a date: `2020年9月16日`, `2021年1月底`, `9月下旬`, `5月6日` (a month with an optional
  day and an optional 上旬/中旬/下旬/底/初/末), optionally after a 4-digit year;
* a year on its own: `2020年`, `2020年底`;
* a number with optional decimals, an optional 余/多, an optional magnitude
  (亿/万/千) and an optional unit (`%`, `‰`, 元, 人次, 个, 家, 人, 次, 亩, 公里, 条 …,
  see `UNITS`): `4.3亿元`, `2900余条`, `800多人次`, `123.34%`, `10亿`;
* a Chinese-numeral count with a measure word: `两轮`, `十项`, `四个` — but not a
  lone `一` (`一家`, `一批` read as "a", not as a count), not after `第`, and not right
  after an opening quote mark (`“三个一批”` names a slogan, it counts nothing);
* Chinese numerals with a fraction, a magnitude or 百分之, and Chinese-numeral dates,
  are read as their digits first: `八十七点五亿元` = `87.5亿元`, `百分之九十三点二` = `93.2%`,
  `三万五千人` = `35000人`, `二〇二一年五月六日` = `2021年5月6日`.

Two figures are the same when their number (or date) and unit are; 约/超/余/多/
以上/左右 qualify a figure and are not part of it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

FIGURE_KINDS = ("money", "percentage", "count", "date", "trap")
# Follow-ups and English questions are figure questions when every accepted answer is a figure.
MAYBE_FIGURE_KINDS = ("followup", "english")

UNITS = (
    "个百分点", "百分点", "%", "‰", "元", "人次", "批次", "个月", "平方公里", "平方米", "公里", "公顷", "千米", "米",
    "个", "家", "人", "名", "位", "次", "条", "件", "项", "宗", "起", "份", "篇", "场", "批", "所", "户", "村", "亩",
    "吨", "台", "辆", "套", "间", "座", "处", "期", "天", "小时", "张", "栋", "支", "本", "门", "类", "轮", "届",
    "遍", "部", "组", "队", "方面", "年", "倍",
)
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CN_DIGITS = "一二两三四五六七八九十百千"
_DATE_TAIL = r"(?:上旬|中旬|下旬|底|初|末)"

FIGURE_PATTERN = re.compile(
    rf"(?P<date>(?:\d{{4}}年)?\d{{1,2}}月(?:\d{{1,2}}日)?{_DATE_TAIL}?)"
    rf"|(?P<year>\d{{4}}年{_DATE_TAIL}?)"
    rf"|(?P<num>\d+(?:\.\d+)?)[余多]?(?P<mag>[亿万千])?[余多]?(?P<unit>{_UNIT})?"
    rf"|(?<![第“\"《{_CN_DIGITS}])(?P<cn>[二两三四五六七八九十百千][{_CN_DIGITS}]*|一[十百千][{_CN_DIGITS}]*)[余多]?(?P<cnunit>{_UNIT})"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def normalise(text: str) -> str:
    """Full/half width folded, spaces and thousands separators removed: `1 ,234 万元` → `1234万元`."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _THOUSANDS.sub("", text)


def contains_answer(text: str, answers: Sequence[str], all_of: Sequence[str]) -> bool:
    """The text states an accepted answer (any one) and every required part."""
    said = normalise(text)
    if answers and not any(normalise(a) in said for a in answers):
        return False
    return all(normalise(part) in said for part in all_of)


def states_result(text: str, result: str) -> bool:
    """A computed difference is stated when written as expected or as the same figure in other
    numerals: the arithmetic is written in digits (820 − 660 = 160元) of a notice's 一百六十元."""
    if normalise(result) in normalise(text):
        return True
    wanted = expected_figures(result)
    return bool(wanted) and any(f.matches(w) for f in figures_in(text) for w in wanted)


# -- figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    kind: str  # "date", "year" or "number"
    key: str  # equal keys ⇔ the same figure

    def matches(self, expected: "Figure") -> bool:
        if self.kind == "date" and expected.kind == "date":
            # `2020年9月下旬` states `9月下旬`; the year only makes it more precise.
            return self.key == expected.key or self.key.endswith("年" + expected.key)
        if self.kind == expected.kind == "number" and re.fullmatch(r"[\d.]+", expected.key):
            # An accepted answer without a unit is a table cell's bare value (its unit is in the
            # header): the answer may state it with that unit (23.6 → 23.6%, 326.48 → 326.48亿元).
            value = re.match(r"[\d.]+", self.key)
            return bool(value) and value.group() == expected.key
        return self.key == expected.key


_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# 八十七点五亿元, 百分之九十三点二, 三万五千人: Chinese numerals with a fraction or a magnitude, read as digits.
_CN_FIGURE = re.compile(
    r"(?<![第“\"《])(?P<pct>百分之)?(?P<int>[零〇一二两三四五六七八九十百千万亿]+)(?:点(?P<frac>[零〇一二三四五六七八九]+))?"

)
_CN_DATE = re.compile(r"(?P<y>[〇零一二三四五六七八九]{4})年(?:(?P<m>[一二三四五六七八九十]{1,2})月(?:(?P<d>[一二三四五六七八九十]{1,3})日)?)?")


def _cn_integer(text: str) -> int | None:
    """三万五千 → 35000, 十 → 10, 二〇二一 → 2021 (digit by digit)."""
    if all(ch in _CN_VALUE for ch in text):
        return int("".join(str(_CN_VALUE[ch]) for ch in text)) if len(text) > 1 else _CN_VALUE[text]
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in _CN_VALUE:
            current = _CN_VALUE[ch]
        elif ch in "十百千":
            section += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
        elif ch in "万亿":
            total = (total + section + current) * {"万": 10_000, "亿": 100_000_000}[ch]
            section, current = 0, 0
    return total + section + current


def _arabic(text: str) -> str:
    """Chinese-numeral figures that carry a fraction, a magnitude or 百分之 rewritten with digits."""
    def rewrite(m: re.Match) -> str:
        if not (m.group("pct") or m.group("frac") or re.search("[万亿]", m.group("int"))) or m.group("int") in "万亿":
            return m.group()
        digits, magnitude = m.group("int"), ""
        if digits[-1] in "万亿" and len(digits) > 1 and not m.group("frac"):
            digits, magnitude = digits[:-1], digits[-1]  # 六百五十亿元 → 650亿元, as a reader would write it
        whole = _cn_integer(digits)
        if whole is None:
            return m.group()
        number = str(whole) + ("." + "".join(str(_CN_VALUE[c]) for c in m.group("frac")) if m.group("frac") else "")
        return number + magnitude + ("%" if m.group("pct") else "")
    def date(m: re.Match) -> str:
        parts = [f"{_cn_integer(m.group('y'))}年"]
        if m.group("m"):
            parts.append(f"{_cn_integer(m.group('m'))}月")
        if m.group("d"):
            parts.append(f"{_cn_integer(m.group('d'))}日")
        return "".join(parts)
    return _CN_FIGURE.sub(rewrite, _CN_DATE.sub(date, text))


def figures_in(text: str) -> list[Figure]:
    found = []
    for m in FIGURE_PATTERN.finditer(_arabic(normalise(text))):
        if m.group("date"):
            found.append(Figure("date", _date_key(m.group("date"))))
        elif m.group("year"):
            found.append(Figure("year", m.group("year")))
        elif m.group("num"):
            number = format(Decimal(m.group("num")).normalize(), "f")
            found.append(Figure("number", number + (m.group("mag") or "") + (m.group("unit") or "")))
        else:
            found.append(Figure("number", f"{_chinese_number(m.group('cn'))}{m.group('cnunit')}"))
    return found


def _date_key(date: str) -> str:
    return re.sub(r"(?<!\d)0(?=\d)", "", date)  # 2021年05月06日 → 2021年5月6日


def _chinese_number(text: str) -> int:
    """十 → 10, 十七 → 17, 两 → 2, 二十三 → 23, 一百二十 → 120."""
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        else:
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
    return total + current


def expected_figures(answer: str) -> list[Figure]:
    """The figure an accepted answer states (its first one): `约4713万元` → 4713万元."""
    return figures_in(answer)[:1]


def is_figure_item(kind: str, answers: Sequence[str], all_of: Sequence[str]) -> bool:
    if kind in FIGURE_KINDS:
        return bool(answers)
    return kind in MAYBE_FIGURE_KINDS and bool(answers) and not all_of and all(expected_figures(a) for a in answers)


def first_figure(text: str, already_said: Iterable[str], expected: Sequence[Figure]) -> Figure | None:
    """The first figure the answer states that is not context.

    Context is every figure of the question and of the conversation before it, and
    the dates around a quantity: for a question whose figure is not a date, dates and
    years are skipped; for a date question, a bare year is skipped unless a year is
    what was asked.
    """
    known = {f.key for said in already_said for f in figures_in(said)}
    kinds = {f.kind for f in expected}
    wanted = {"date", "year"} if "year" in kinds else {"date"} if "date" in kinds else {"number"}
    for figure in figures_in(text):
        if figure.kind in wanted and figure.key not in known:
            return figure
    return None


def strict_correct(text: str, question: str, history: Sequence[dict], answers: Sequence[str]) -> bool:
    """The first figure the answer states is an accepted one; a hedge listing every candidate fails."""
    expected = [f for a in answers for f in expected_figures(a)]
    if not expected:
        return False
    said = [question, *(turn["content"] for turn in history)]
    first = first_figure(text, said, expected)
    return first is not None and any(first.matches(e) for e in expected)


# -- citations, retrieval, latency ----------------------------------------------------


def path_has_prefix(cited: Sequence[str], expected: Sequence[str]) -> bool:
    """The cited section lies under (or is) the expected one."""
    return tuple(cited[: len(expected)]) == tuple(expected)


def evidence_spans(notice_text: str, evidence: str) -> list[tuple[int, int]]:
    spans, start = [], notice_text.find(evidence)
    while start >= 0:
        spans.append((start, start + len(evidence)))
        start = notice_text.find(evidence, start + 1)
    return spans


def passage_holds(text: str, start: int | None, end: int | None, evidence: str, spans: Sequence[tuple[int, int]]) -> bool:
    """A retrieved passage holds the evidence: by offsets into the notice, or by its text."""
    if start is not None and end is not None and any(start <= s and e <= end for s, e in spans):
        return True
    return evidence in text


def first_hit_rank(hits: Sequence[bool]) -> int | None:
    """1-based rank of the first passage holding the evidence, None if none does."""
    return next((i for i, hit in enumerate(hits, 1) if hit), None)


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)])


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None
