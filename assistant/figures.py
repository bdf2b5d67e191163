"""Figures in Chinese text, and the check that every figure an answer states is in a quote.

Built on `ingest.numerals` (the one numeral module): figures are compared by value in base
units, so "158.72亿元", "158.72 亿元" and "1,587,200万元" are one figure, while "158.72万" and
"158.72亿元", or "142万家" and "142家", are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import numerals as nm
from ingest.textnorm import normalize

__all__ = ["Figure", "chinese_number", "figure_keys", "find_figures", "normalize", "unverified_figures"]

# numerals' kinds as this module's callers (the offline reader) know them
_KINDS = {nm.MONEY: "money", nm.PERCENT: "percent", nm.COUNT: "count", nm.DURATION: "count", nm.DATE: "date",
          nm.DATE_RANGE: "date", nm.YEAR: "year", nm.NUMBER: "number", nm.PHONE: "phone"}


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    start: int
    end: int
    kind: str  # "money", "percent", "count", "date", "year", "number", "phone"
    value: float | None  # in base units (元 for money, 142万家 is 1420000); None for dates
    unit: str  # the unit or measure word as written ("亿元", "%", "家", …)
    key: str  # comparable identity: same key ⇔ same figure
    number: float | None = None  # the number as written, before magnitude and unit

    @property
    def hedged(self) -> bool:
        return "余" in self.text or "多" in self.text


def chinese_number(text: str) -> int | None:
    """十七 → 17, 两 → 2, 一百二十 → 120; None for anything else."""
    if not text or text[0].isdigit():
        return None
    value = nm.number_value(text)
    return int(value) if value is not None and value == value.to_integral() else None


def _fmt(number: float) -> str:
    return nm.format_value(number)


def _date_key(date: str, text: str) -> str:
    if not date:
        return f"date:raw:{text}"  # 2021915日: unreadable, equal only to itself
    y, m, d = nm._date_parts(date)
    part = "".join(re.findall(r"上半年|下半年|年底|年初|年末|底|初|末|中旬|上旬|下旬", text))
    return f"date:{int(y) if y else '?'}-{int(m) if m else ''}-{int(d) if d else ''}{part}"


def find_figures(text: str) -> list[Figure]:
    """Every figure in normalised `text` (see `normalize`), in order."""
    figures = []
    for n in nm.scan(text):
        kind = _KINDS.get(n.kind)
        if kind is None:
            continue  # ordinals (第八轮), postcodes, emails: not figures an answer is checked for
        written = text[n.start : n.end]
        if kind == "phone":
            key = f"phone:{written}"
        elif n.kind == nm.DATE_RANGE:
            first, _, second = n.date.partition("/")
            key = f"{_date_key(first, '')}~{_date_key(second, '')}"
        elif kind in ("date", "year"):
            key = _date_key(n.date, written)
        elif kind == "percent":
            key = f"percent:{_fmt(n.value)}{n.base}"
        elif kind == "money":
            key = f"money:{_fmt(n.value)}" + ("" if n.base == "元" else n.base)
        elif kind == "count":
            key = f"count:{_fmt(n.value)}{n.base}"
        else:  # a bare number, magnitude applied: 158.72万 is 1587200
            key = f"number:{_fmt(n.value)}"
        figures.append(Figure(written, n.start, n.end, kind, n.value, n.unit, key, n.number))
    return figures


def figure_keys(text: str) -> set[str]:
    keys = set()
    for figure in find_figures(normalize(text)):
        keys.add(figure.key)
        if figure.kind in ("count", "percent", "money") and figure.value is not None:
            keys.add(f"number:{_fmt(figure.number)}")  # "增长5.1" for 5.1%
            if figure.kind == "money":
                keys.add(f"number:{_fmt(figure.value)}")  # 158.72亿 for 158.72亿元: a dropped 元
    return keys


def unverified_figures(answer_text: str, quotes: list[str]) -> list[str]:
    """Figures stated in `answer_text` that no quote contains (in any equivalent form).

    Years and dates count: an answer that moves a figure to another year is wrong. A bare
    number in the answer may match the number of a figure with a unit, but a magnitude
    must agree: 158.72万 is not 158.72亿元, 142万家 is not 142家.
    """
    known: set[str] = set()
    for quote in quotes:
        known |= figure_keys(quote)
    missing = []
    stated = re.sub(r"\[\d{1,2}\]", " ", normalize(answer_text))  # [1]: the prompt's citation markers
    for figure in find_figures(stated):
        chinese = not figure.text[:1].isdigit()
        if figure.kind == "count" and chinese and (figure.value or 0) <= 2:
            continue  # 另一处, 两处不同, 一批: words, not claims about the notice
        if figure.key in known:
            continue
        if figure.kind == "count" and chinese and f"number:{_fmt(figure.number)}" in known:
            continue  # 七次 for 7次
        missing.append(figure.text)
    return missing
