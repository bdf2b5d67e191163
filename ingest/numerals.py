"""The one numeral module: where the figures of a (normalised) text are, and what they are worth.

A figure is a number span — Arabic (`1,587,200`, `237054.47`) or Chinese (`三万五千`, `二〇二一`,
`百分之九十三点二`, read by cn2an) — with what is written around it: a magnitude (`万`, `亿`), a
unit or measure word (`元`, `%`, `件`, `个月`), a hedge (`余`, `多`). Values are in base units
(money in 元, `142万家` is 1 420 000 家), so figures compare by what they say, not by how they
are written. Units, magnitudes and hedge words are data (ingest/data/), not code.

`scan` works on text already folded by `ingest.textnorm` (half-width digits and punctuation);
callers map its offsets back to their own text.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from ingest.textnorm import normalize

DATA = Path(__file__).with_name("data")

# Kinds of figure a span can be (facts.FactKind uses the same names, upper case).
MONEY, PERCENT, COUNT, DATE, YEAR, DATE_RANGE, DURATION, ORDINAL = "money", "percent", "count", "date", "year", "date_range", "duration", "ordinal"
PHONE, POSTCODE, EMAIL, NUMBER = "phone", "postcode", "email", "number"


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str  # money, percent, permille, points, duration, count
    base: str  # the unit values are expressed in
    scale: Decimal


@dataclass(frozen=True)
class Lexicon:
    units: dict[str, Unit]
    magnitudes: dict[str, Decimal]
    words: dict


def _rows(name: str):
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    units = {name: Unit(name, kind, base, Decimal(scale)) for name, kind, base, scale in _rows("units.tsv")}
    magnitudes = {prefix: Decimal(scale) for prefix, scale in _rows("magnitudes.tsv")}
    words = json.loads((DATA / "lexicon.json").read_text(encoding="utf-8"))
    return Lexicon(units, magnitudes, words)


@dataclass(frozen=True)
class Numeral:
    """One figure in the scanned text: where it is, what it is worth, what is written around it."""

    start: int
    end: int
    kind: str
    value: float | None  # in base units; percent as 93.2; None for dates, phones, …
    unit: str  # as written, magnitude included ("万元", "%", "件"); inherited in a range ("10亿至500亿元": 亿元)
    base: str  # the unit `value` is in ("元", "%", "件"), "" for a bare number
    date: str = ""  # "2021-05-06", "2021-05", "2021", "--09-16" (no year written), ranges "a/b"; "" unreadable
    hedge: str = ""
    number: float | None = None  # the number as written, before magnitude and unit ("158.72")
    range_role: str = ""  # "from" / "to" when it is a bound of a written range

    def shifted(self, by: int) -> "Numeral":
        """The same figure `by` characters further on (a line's figures placed in the notice);
        built directly: `dataclasses.replace` costs ~4x more, and a notice may hold 30,000 figures."""
        return Numeral(self.start + by, self.end + by, self.kind, self.value, self.unit, self.base,
                       self.date, self.hedge, self.number, self.range_role)


# --- numbers -------------------------------------------------------------------------------------

_CN_CHARS = "零〇一二两三四五六七八九十百千万亿"
_CN_NUMBER = rf"[{_CN_CHARS}]+(?:点[零〇一二三四五六七八九]+)?"
_AR_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_DIGIT_ONLY = re.compile(r"[零〇一二三四五六七八九]{2,}")
_CN_DIGIT_TABLE = str.maketrans("零〇一二三四五六七八九", "00123456789")


def number_value(span: str) -> Decimal | None:
    """`1,587,200` → 1587200, `三万五千` → 35000, `二〇二一` → 2021, `九十三点二` → 93.2, `两` → 2."""
    s = normalize(span).replace(",", "").strip()
    if not s:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return Decimal(s)
    if _CN_DIGIT_ONLY.fullmatch(s):  # 二〇二一: digits read one by one, as years are written
        return Decimal(s.translate(_CN_DIGIT_TABLE))
    if s in ("百", "千", "万", "亿"):
        return None  # 百村, 千人: a bare 百/千 is a word, not a figure
    import cn2an  # here, not at the top: its import (≈0.09 s) is paid only where a Chinese numeral is read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, IndexError, InvalidOperation):
        return None
    return Decimal(str(value))


def _fmt(number: float | Decimal) -> str:
    return ("%.6f" % float(number)).rstrip("0").rstrip(".")


# --- the scanner ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    lex = lexicon()

    def alt(words):
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))

    units = alt(lex.units)
    mags = alt(lex.magnitudes)
    inside = alt(lex.words["hedges_inside"])
    year = r"(?:1[89]\d\d|20\d\d|[一二][〇零九][〇零一二三四五六七八九]{2})"
    month = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
    day = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"
    part = r"(?:上半年|下半年|年底|年初|年末|年中|底|初|末|中旬|上旬|下旬)"
    return {
        "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
        # Landlines, mobiles and the 12xxx government hotlines (12388, 12345); not 15872000000元.
        "phone": re.compile(r"(?<![\d.])(?:\d{3,4}-\d{7,8}|1[3-9]\d{9}|12\d{3})(?![\d.%])(?!\s?(?:" + units + "|" + mags + "))"),
        "postcode": re.compile(rf"(?:{alt(lex.words['postcode_words'])})\s?:?\s?(?P<code>\d{{6}})(?!\d)"),
        "iso_date": re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?!\d)"),
        "year_range": re.compile(rf"(?<!\d)(?P<ya>{year})\s?年?\s?[-—~至到－–]\s?(?P<yb>{year})\s?年(?!\s?(?:{month})\s?月)"),
        # 1-6月, 2024年1-6月: a span of months, written with one 月
        "month_range": re.compile(rf"(?<!\d)(?:(?P<y>{year})\s?年\s?)?(?P<ma>{month})\s?[-—~至到－–]\s?(?P<mb>{month})\s?月(?!\s?(?:{day})\s?[日号])"),
        "date": re.compile(
            rf"(?<!\d)(?P<y>{year})\s?年(?:\s?(?P<m>{month})\s?月(?:\s?(?P<d>{day})\s?[日号])?{part}?|{part})?"
            rf"|(?<!\d)(?P<m2>{month})\s?月\s?(?P<d2>{day})\s?[日号]"
            rf"|(?<!\d)(?P<m3>{month})\s?月(?:{part}|(?=份|以来|起|至|到|-|—))"
        ),
        "after_range": re.compile(rf"\s?[-—~至到－–]\s?(?:(?P<y>{year})\s?年)?\s?(?:(?P<m>{month})\s?月)?\s?(?:(?P<d>{day})\s?[日号])?{part}?"),
        # A date that lost characters in markup stripping (2021915日): a date, but not a readable one.
        "damaged_date": re.compile(r"(?<![\d.])\d{5,8}日"),
        # a rate per a base (孕产妇死亡率24.24/10万) and a ratio to one (生师比16.1:1): one figure each
        "rate": re.compile(rf"(?<![\d.])(?P<num>{_AR_NUMBER})\s?/\s?(?P<per>10万|十万|1万|万|1000|千)(?![\d.])"),
        "ratio": re.compile(rf"(?<![\d.:：])(?P<num>{_AR_NUMBER})\s?[:：]\s?1(?![\d.:：])"),
        # PM2.5, NO2, G4: digits after Latin letters are part of a name, they count nothing
        # (after digits, letters may be a unit written in Latin: 100MW)
        "latin_name": re.compile(r"[A-Za-z]+\d+(?:\.\d+)?"),
        # 见表1, 附件2: the number of a table or an annex names it
        "reference": re.compile(r"(?:(?<=[见如详据按])|(?<![\u4e00-\u9fff]))(?:附表|附件|表|图)\d+(?![\d.])"),
        "percent_words": re.compile(rf"(?P<word>百分之|千分之)(?P<num>{_CN_NUMBER}|{_AR_NUMBER})"),
        "ordinal": re.compile(rf"第(?P<num>{_AR_NUMBER}|{_CN_NUMBER})(?P<unit>{units})?"),
        "quantity": re.compile(
            rf"(?:(?<![\d.%)])(?P<neg>[-−]))?(?P<num>{_AR_NUMBER}|{_CN_NUMBER})(?P<h1>{inside})?(?P<sp1>\s)?(?P<mag>{mags})?(?P<h2>{inside})?(?P<sp2>\s)?(?P<unit>{units})?"
        ),
        "range_sep": re.compile(rf"\s?(?:{alt(lex.words['range_separators'])})\s?"),
        "hedge_before": re.compile(rf"(?:{alt(lex.words['hedges_before'])})$"),
        "hedge_after": re.compile(rf"(?:{alt(lex.words['hedges_after'])})"),
        "numeral_words": re.compile(alt(lex.words["numeral_words"])),
    }


def _date_string(y, m, d) -> str:
    year = int(number_value(y)) if y else None
    month = int(number_value(m)) if m else None
    day = int(number_value(d)) if d else None
    if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
        return ""
    head = f"{year:04d}" if year else "-"
    if month is None:
        return head if year else ""
    tail = f"-{month:02d}" + (f"-{day:02d}" if day else "")
    return head + tail


def _date_parts(date: str) -> tuple[str, str, str]:
    if date.startswith("--"):
        m, _, d = date[2:].partition("-")
        return "", m, d
    parts = date.split("-")
    return (parts + ["", "", ""])[0], (parts + ["", ""])[1], (parts + ["", "", ""])[2]


def _inherit(second: str, first: str) -> str:
    """7月10日 after 2020年5月25日至 is 2020-07-10: a range's end takes what its start wrote."""
    y1, m1, _ = _date_parts(first)
    y2, m2, d2 = _date_parts(second)
    y2 = y2 or y1
    if not m2 and d2 == "":
        return y2
    m2 = m2 or m1
    return (y2 or "-") + (f"-{m2}" if m2 else "") + (f"-{d2}" if d2 else "")


def scan(text: str) -> list[Numeral]:
    """Every figure of normalised `text`, in order; earlier kinds claim their characters first,
    so 2020年9月16日 is one date and 0757-88661108 one phone number."""
    p = _patterns()
    lex = lexicon()
    taken = bytearray(len(text) + 1)
    found: list[Numeral] = []

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    def claim(n: Numeral) -> None:
        taken[n.start : n.end] = b"\x01" * (n.end - n.start)
        found.append(n)

    for m in p["email"].finditer(text):
        claim(Numeral(m.start(), m.end(), EMAIL, None, "", ""))
    for m in p["postcode"].finditer(text):
        if free(m.start("code"), m.end("code")):
            claim(Numeral(m.start("code"), m.end("code"), POSTCODE, None, "", ""))
    for m in p["phone"].finditer(text):
        if free(m.start(), m.end()):
            claim(Numeral(m.start(), m.end(), PHONE, None, "", ""))
    for m in p["iso_date"].finditer(text):
        if free(m.start(), m.end()):
            claim(Numeral(m.start(), m.end(), DATE, None, "", "", _date_string(m["y"], m["m"], m["d"])))
    for m in p["year_range"].finditer(text):
        if free(m.start(), m.end()):
            a, b = _date_string(m["ya"], None, None), _date_string(m["yb"], None, None)
            claim(Numeral(m.start(), m.end(), DATE_RANGE, None, "", "", f"{a}/{b}"))
    for m in p["month_range"].finditer(text):
        if free(m.start(), m.end()):
            a, b = _date_string(m["y"], m["ma"], None), _date_string(m["y"], m["mb"], None)
            if a and b:
                claim(Numeral(m.start(), m.end(), DATE_RANGE, None, "", "", f"{a}/{b}"))
    for m in p["date"].finditer(text):
        if not free(m.start(), m.end()):
            continue
        y, mo, d = m["y"], m["m"] or m["m2"] or m["m3"], m["d"] or m["d2"]
        date = _date_string(y, mo, d)
        if not date:
            continue
        end = m.end()
        after = p["after_range"].match(text, end)
        if after and (after["y"] or after["m"] or after["d"]) and free(end, after.end()):
            second = _date_string(after["y"], after["m"], after["d"]) if (after["y"] or after["m"]) else _inherit(f"--{_date_parts(date)[1]}-{int(number_value(after['d'])):02d}", date)
            if second:
                second = _inherit(second, date)
                claim(Numeral(m.start(), after.end(), DATE_RANGE, None, "", "", f"{date}/{second}"))
                continue
        kind = YEAR if y and not mo and not re.search(r"[半底初末中]", m.group()) else DATE
        claim(Numeral(m.start(), m.end(), kind, None, "", "", date))
    for m in p["damaged_date"].finditer(text):
        if free(m.start(), m.end()):
            claim(Numeral(m.start(), m.end(), DATE, None, "", "", ""))
    for m in p["rate"].finditer(text):
        value = number_value(m["num"])
        if value is not None and free(m.start(), m.end()):
            unit = text[m.end("num") : m.end()].replace(" ", "")
            claim(Numeral(m.start(), m.end(), PERCENT, float(value), unit, unit, number=float(value)))
    for m in p["ratio"].finditer(text):
        value = number_value(m["num"])
        if value is not None and free(m.start(), m.end()):
            claim(Numeral(m.start(), m.end(), NUMBER, float(value), ":1", "", number=float(value)))
    for m in (*p["latin_name"].finditer(text), *p["reference"].finditer(text)):
        if free(m.start(), m.end()):
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())  # no figure, and none inside it
    for m in p["percent_words"].finditer(text):
        value = number_value(m["num"])
        if value is not None and free(m.start(), m.end()):
            unit = "%" if m["word"] == "百分之" else "‰"
            claim(Numeral(m.start(), m.end(), PERCENT, float(value), unit, unit, number=float(value)))
    words = [(w.start(), w.end()) for w in p["numeral_words"].finditer(text)]
    for m in p["ordinal"].finditer(text):
        value = number_value(m["num"])
        if value is None or not free(m.start(), m.end()):
            continue
        if not m["unit"] and not m["num"][0].isdigit():
            continue  # 第一时间, 第一议题: words, not ordinals
        claim(Numeral(m.start(), m.end(), ORDINAL, float(value), m["unit"] or "", m["unit"] or "", number=float(value)))
    for m in p["quantity"].finditer(text):
        numeral = _quantity(text, m, lex, words)
        if numeral is not None and free(numeral.start, numeral.end):
            claim(numeral)
    found.sort(key=lambda n: n.start)
    return _with_hedges(text, _ranges(text, found))


# ordinal: 十三届 numbers a session of a congress or committee, it does not count them
KIND_OF_UNIT = {"money": MONEY, "percent": PERCENT, "permille": PERCENT, "points": PERCENT, "duration": DURATION, "ordinal": ORDINAL}


def _quantity(text: str, m: re.Match, lex: Lexicon, words) -> Numeral | None:
    raw, unit_name, mag = m["num"], m["unit"] or "", m["mag"] or ""
    chinese = not raw[0].isdigit()
    if chinese:
        if not unit_name or not any(c in "零〇一二两三四五六七八九十" for c in raw):
            return None  # a Chinese numeral is a figure only with its measure word: 一核一带, 万亩工程
        if any(s <= m.start("num") < e for s, e in words):
            return None  # 一起, 一方面, 一批: words that hold a numeral
        if raw == "一" and unit_name and text.startswith("一", m.end()):
            return None  # 一村一策, 一企一档: a set phrase, not a count of one
        # cn2an reads 三万五千 whole, so a trailing magnitude belongs to the number
        for prefix in sorted(lex.magnitudes, key=len, reverse=True):
            if raw.endswith(prefix) and len(raw) > len(prefix) and not mag:
                raw, mag = raw[: -len(prefix)], prefix
                break
    number = number_value(raw)
    if number is None:
        return None
    start = m.start("num")
    if m["neg"] and not chinese:
        number, start = -number, m.start()  # 增长-1.6%, | -4.2 |: a fall written with a sign
    end = m.end()
    if not unit_name and not mag:
        end = m.end("num") + len(m["h1"] or "")
        hedge = m["h1"] or ""
        if hedge == "多":  # 10多 without a unit is rare, and 多 is often the next word (多措并举)
            end, hedge = m.end("num"), ""
        return Numeral(start, end, NUMBER, float(number), "", "", hedge=hedge, number=float(number))
    if not unit_name:
        end = m.end("mag") + len(m["h2"] or "")
    scale = lex.magnitudes.get(mag, Decimal(1))
    unit = lex.units.get(unit_name)
    hedge = m["h1"] or m["h2"] or ""
    written_unit = mag + unit_name
    if unit is None:
        return Numeral(start, end, NUMBER, float(number * scale), mag, "", hedge=hedge, number=float(number))
    if unit.kind == DURATION and number == number.to_integral() and 1900 <= number <= 2100 and unit_name == "年":
        return None  # a year the date pattern could not read; left to the bare-number pass
    kind = KIND_OF_UNIT.get(unit.kind, COUNT)
    if kind == COUNT and unit_name in lex.words["session_numbered"] and text.endswith(tuple(lex.words["session_units"]), 0, start):
        kind = ORDINAL  # 十三届三次全会: the session after 届 is numbered, not counted
    value = number * scale * unit.scale
    return Numeral(start, end, kind, float(value), written_unit, unit.base, hedge=hedge, number=float(number))


def _ranges(text: str, found: list[Numeral]) -> list[Numeral]:
    """`10亿至500亿元`, `3-5个工作日`: the first bound takes the unit written after the second."""
    p = _patterns()
    lex = lexicon()
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.kind != NUMBER or b.kind not in (MONEY, PERCENT, COUNT, DURATION) or not p["range_sep"].fullmatch(text, a.end, b.start):
            continue
        mag = a.unit or next((m for m in sorted(lex.magnitudes, key=len, reverse=True) if b.unit.startswith(m)), "")
        unit_name = b.unit[len(mag) :] if b.unit.startswith(mag) else b.unit
        unit = lex.units.get(unit_name)
        if unit is None or a.number is None:
            continue
        value = Decimal(str(a.number)) * lex.magnitudes.get(mag, Decimal(1)) * unit.scale
        out[i] = replace(a, kind=b.kind, value=float(value), unit=mag + unit_name, base=b.base, range_role="from")
        out[i + 1] = replace(b, range_role="to")
    return out


def _with_hedges(text: str, found: list[Numeral]) -> list[Numeral]:
    p = _patterns()
    recent = tuple(lexicon().words["recent_words"])
    out = []
    for n in found:
        if n.kind in (MONEY, PERCENT, COUNT, DURATION, NUMBER) and not n.hedge:
            before = p["hedge_before"].search(text, max(0, n.start - 4), n.start)
            after = p["hedge_after"].match(text, n.end)
            hedge = before.group() if before else after.group() if after else ""
            if n.kind == DURATION and hedge in recent:
                hedge = ""  # 近三年 is "the last three years", not "nearly three years"
            n = replace(n, hedge=hedge)
        out.append(n)
    return out


# --- comparing --------------------------------------------------------------------------------


def parse_quantity(span: str) -> Numeral | None:
    """The one figure `span` holds (hedges around it allowed), or None."""
    text = normalize(span).strip()
    figures = [n for n in scan(text)]
    return figures[0] if len(figures) == 1 else None


def same_quantity(a: str, b: str) -> bool:
    """Whether two written figures state the same quantity: `158.72亿元` = `1,587,200万元` =
    `158.72 亿元` = `158.72亿` (a dropped 元); `158.72万元` ≠ `158.72亿元`, `142万家` ≠ `142家`."""
    qa, qb = parse_quantity(a), parse_quantity(b)
    if qa is None or qb is None:
        return normalize(a).strip() == normalize(b).strip()
    if qa.kind in (DATE, YEAR, DATE_RANGE) or qb.kind in (DATE, YEAR, DATE_RANGE):
        return qa.date == qb.date and bool(qa.date)
    if qa.value is None or qb.value is None:
        return normalize(a).strip() == normalize(b).strip()
    if qa.base and qb.base and qa.base != qb.base:
        return False
    return abs(qa.value - qb.value) <= 1e-9 * max(abs(qa.value), abs(qb.value), 1)


def format_value(value: float) -> str:
    return _fmt(value)
