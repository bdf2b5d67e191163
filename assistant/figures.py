"""Figures in Chinese text: amounts, percentages, counts and dates, normalised so that
"158.72亿元", "158.72 亿元" and "1,587,200万元" are recognised as the same figure.

Every figure an answer states must occur in one of its quotes; this module is what
checks that.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

MONEY_UNITS = ("亿元", "万元", "千元", "元", "亿美元", "万美元")
MEASURE_WORDS = (
    "个百分点", "万人次", "人次", "批次", "个工作日", "个月", "平方米", "平方公里", "公里", "千米", "公顷", "万亩", "亩", "吨", "万人",
    "个", "家", "人", "名", "次", "条", "项", "宗", "起", "件", "户", "村", "所", "批", "场", "轮", "期", "份", "篇", "张",
    "座", "处", "间", "栋", "辆", "台", "套", "本", "封", "份", "天", "年", "类", "种", "支", "队", "组", "镇", "米",
)

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
_UNIT_ALT = "|".join(sorted({re.escape(u) for u in (*MONEY_UNITS, *MEASURE_WORDS)}, key=len, reverse=True))

DATE_PATTERN = re.compile(r"(?P<y>\d{4})\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日|底|初|末|中旬|上旬|下旬)?|(?P<part>上半年|下半年|年底|年初|年末|底|初|末))?|(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日|(?P<m3>\d{1,2})\s*月(?:份|底|初|中旬|下旬|上旬)")
# Landlines, mobiles and the 12xxx government hotlines (12388, 12345); not 15872000000元.
PHONE_PATTERN = re.compile(r"(?<![\d.])(?:\d{3,4}-\d{7,8}|1[3-9]\d{9}|12\d{3})(?![\d.%元万亿])")
FIGURE_PATTERN = re.compile(
    rf"(?P<num>{_NUMBER})\s*(?P<extra>余|多)?(?P<unit>%|‰|{_UNIT_ALT})?"
    rf"|(?P<cn>{_CN_NUMBER})(?P<cnunit>{_UNIT_ALT})"
)


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    start: int
    end: int
    kind: str  # "money", "percent", "count", "date", "year", "number"
    value: float | None  # numbers in base units (元 for money); None for dates
    unit: str  # the unit or measure word as written ("亿元", "%", "家", …)
    key: str  # comparable identity: same key ⇔ same figure

    @property
    def hedged(self) -> bool:
        return "余" in self.text or "多" in self.text


def normalize(text: str) -> str:
    """Full-width digits/letters/punctuation to half-width, as users type both."""
    return unicodedata.normalize("NFKC", text)


def chinese_number(text: str) -> int | None:
    """十七 → 17, 两 → 2, 一百二十 → 120; None for anything else."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def _fmt(number: float) -> str:
    return ("%.6f" % number).rstrip("0").rstrip(".")


def _money_value(number: float, unit: str) -> float:
    scale = {"亿元": 1e8, "万元": 1e4, "千元": 1e3, "元": 1, "亿美元": 1e8, "万美元": 1e4}[unit]
    return number * scale


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text`, dates first claimed so that 2020年9月16日 is one figure."""
    figures: list[Figure] = []
    taken = [False] * (len(text) + 1)
    for found in PHONE_PATTERN.finditer(text):
        figures.append(Figure(found.group(), found.start(), found.end(), "phone", None, "", f"phone:{found.group()}"))
        for i in range(found.start(), found.end()):
            taken[i] = True
    for found in DATE_PATTERN.finditer(text):
        if taken[found.start()]:
            continue
        y = found.group("y")
        m = found.group("m") or found.group("m2") or found.group("m3")
        d = found.group("d") or found.group("d2")
        kind = "year" if y and not m and not found.group("part") else "date"
        key = f"date:{int(y) if y else '?'}-{int(m) if m else ''}-{int(d) if d else ''}{found.group('part') or ''}"
        figures.append(Figure(found.group(), found.start(), found.end(), kind, None, "", key))
        for i in range(found.start(), found.end()):
            taken[i] = True
    for found in FIGURE_PATTERN.finditer(text):
        if taken[found.start()] or text[max(0, found.start() - 1) : found.start()] == "第":
            continue  # 第八轮, 第3批: ordinals, not quantities
        if found.group("num"):
            raw = found.group("num").replace(",", "")
            number = float(raw)
            unit = found.group("unit") or ""
        else:
            value = chinese_number(found.group("cn"))
            if value is None or found.group("cn") in ("千", "百"):
                continue  # 千人, 百村: a bare 百/千 is a word, not a figure
            number, unit = float(value), found.group("cnunit")
        if unit in ("%", "‰", "个百分点"):
            kind, value, key = "percent", number, f"percent:{_fmt(number)}{unit}"
        elif unit in MONEY_UNITS:
            value = _money_value(number, unit)
            kind, key = "money", f"money:{_fmt(value)}"
        elif unit:
            kind, value, key = "count", number, f"count:{_fmt(number)}{unit}"
        else:
            # a bare number: a phone number, a code, or a figure whose unit comes later
            kind, value, key = "number", number, f"number:{_fmt(number)}"
        figures.append(Figure(found.group().rstrip(), found.start(), found.start() + len(found.group().rstrip()), kind, value, unit, key))
    figures.sort(key=lambda f: f.start)
    return _join_date_ranges(text, figures)


def _join_date_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """2020年5月25日至7月10日 is one answer to "when", not two."""
    out: list[Figure] = []
    for figure in figures:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.kind in ("date", "year") and figure.kind in ("date", "year")
            and re.fullmatch(r"\s*(至|到|—|-|~|－)\s*", text[prev.end : figure.start])
        ):
            out[-1] = Figure(text[prev.start : figure.end], prev.start, figure.end, "date", None, "", f"{prev.key}~{figure.key}")
            continue
        out.append(figure)
    return out


def figure_keys(text: str) -> set[str]:
    keys = set()
    for figure in find_figures(normalize(text)):
        keys.add(figure.key)
        if figure.kind in ("count", "percent", "money") and figure.value is not None:
            keys.add(f"number:{_plain_number(figure)}")
    return keys


def _plain_number(figure: Figure) -> str:
    match = re.match(_NUMBER, figure.text)
    if match:
        return _fmt(float(match.group().replace(",", "")))
    return _fmt(figure.value)


def unverified_figures(answer_text: str, quotes: list[str]) -> list[str]:
    """Figures stated in `answer_text` that no quote contains (in any equivalent form).

    Years and dates count: an answer that moves a figure to another year is wrong.
    A bare number in the answer may match the number of a figure with a unit.
    """
    known: set[str] = set()
    for quote in quotes:
        known |= figure_keys(quote)
    missing = []
    stated = re.sub(r"\[\d{1,2}\]", " ", normalize(answer_text))  # [1]: the prompt's citation markers
    for figure in find_figures(stated):
        if figure.kind == "count" and _is_chinese_numeral_count(figure) and (figure.value or 0) <= 2:
            continue  # 另一处, 两处不同, 一批: words, not claims about the notice
        if figure.key in known:
            continue
        if figure.kind == "number" and f"number:{_fmt(figure.value)}" in known:
            continue
        if figure.kind == "count" and f"number:{_plain_number(figure)}" in known and _is_chinese_numeral_count(figure):
            continue
        missing.append(figure.text)
    return missing


def _is_chinese_numeral_count(figure: Figure) -> bool:
    return not re.match(r"\d", figure.text)
