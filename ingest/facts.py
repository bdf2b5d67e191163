"""Facts: every figure of a notice with what it is the figure of, and the time it holds for.

A question "立案多少件" over "处理线索34件、立案19件" must get 19件, the figure *governed by*
立案; "实际完成多少" over "计划投资42.2亿元,实际完成投资45.83亿元" the figure whose role is
actual. So each figure found by `ingest.numerals` becomes a `Fact` carrying the words that
govern it, its clause and sentence, its time (the sentence's year, 截至…, …以来, a year inherited
from the paragraph or a heading, else the notice's date), its role, the figure it is a part of
(其中…), and for pipe-table cells the row and column headers. Structures that share one
metric over several figures — `分别为` enumerations, `由A提高到B`, ranges — give each figure
its own governor. Offsets point into the text given, exactly: `text[f.start:f.end] == f.text`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from ingest import numerals as nm
from ingest.headings import match_heading
from ingest.tagger import tagger
from ingest.textnorm import normalize, normalize_with_map


class FactKind(str, Enum):
    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"
    DATE = "date"
    YEAR = "year"
    DATE_RANGE = "date_range"
    DURATION = "duration"
    ORDINAL = "ordinal"
    PHONE = "phone"
    POSTCODE = "postcode"
    EMAIL = "email"
    NUMBER = "number"


@dataclass(frozen=True)
class TableCell:
    caption: str
    row: str
    column: str


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    text: str
    start: int
    end: int
    value: float | None
    unit: str
    date: str
    hedge: str
    governor: str
    subject: str
    clause_start: int
    clause_end: int
    sentence_start: int
    sentence_end: int
    time: str
    time_basis: str
    role: str
    part_of: int | None
    table: TableCell | None

    def to_dict(self) -> dict:
        # By hand, not dataclasses.asdict: that deep-copies field by field, and a long notice has
        # tens of thousands of facts to store.
        data = {name: getattr(self, name) for name in _FACT_FIELDS}
        data["kind"] = self.kind.value
        data["table"] = {"caption": self.table.caption, "row": self.table.row, "column": self.table.column} if self.table else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Fact":
        """Extra keys (a stored fact's `section_labels`) are ignored."""
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["kind"] = FactKind(fields["kind"])
        fields["table"] = TableCell(**fields["table"]) if fields.get("table") else None
        return cls(**fields)


_FACT_FIELDS = tuple(Fact.__dataclass_fields__)


# --- words -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _words() -> dict:
    words = nm.lexicon().words

    def alt(items):
        return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))

    return {
        **words,
        "filler_edge": re.compile(rf"^(?:{alt(words['fillers'])}|[\s、,.:;“”\"'()《》])+|(?:{alt(words['fillers'])}|[\s、,.:;“”\"'()《》])+$"),
        "respectively_re": re.compile(alt(words["respectively"])),
        "enum_split": re.compile(alt(words["enumeration_separators"])),
        "to_re": re.compile(rf"\s?(?:{alt(words['to_words'])})\s?"),
        "from_re": re.compile(alt(words["from_words"])),
        "as_of_re": re.compile(rf"(?:{alt(words['as_of_words'])})\s?$"),
        "since_re": re.compile(rf"\s?(?:{alt(words['since_words'])})"),
        "enum_gap": re.compile(rf"\s?(?:{alt(words['enumeration_separators'])}|,)?\s?"),
        "aside_end": re.compile(rf"\((?:{alt(words['aside_openers'])})[^()]*\)?\s*$"),
        "governor_edge": re.compile(
            rf"^(?:{alt(words['governor_head_words'])}|[\s、,.:;。!?])+|(?:{alt(words['governor_tail_words'])}|[\s、,.:;。!?])+$"
        ),
        "after_date": re.compile(rf"^\s?(?:{alt(words['after_date_words'])})"),
        "compared_before": re.compile(rf"(?:{alt(words['comparison_before'])})\s?$"),
        "compared_after": re.compile(rf"\s?(?:{alt(words['comparison_after'])})"),
        "relative_year": re.compile(rf"(?:{alt(words['relative_years'])})(?P<since>{alt(words['since_words'])})?"),
        "plan_period": re.compile(rf"(?P<period>{alt(words['plan_periods'])})[”\"']?(?:时期|期间)?(?P<since>{alt(words['since_words'])})?"),
    }


_NOUNISH = ("n", "vn", "a", "ad", "an", "b", "j", "l", "nz", "eng", "ng", "zg", "s")
# words that name a thing (a governor with none of them, 增长 or 余下, says what happened, not to what)
_NAMING = ("n", "vn", "j", "l", "nz", "eng", "ng", "zg", "s")
# a noun phrase ends at these: adverbs, prepositions, conjunctions, particles, pronouns, punctuation
_PHRASE_STOP = ("d", "p", "c", "u", "r", "x", "m", "f")
_MODIFIER_REACH = 10  # 需要长期坚持的问题: a 的 this close ends a modifier of the noun after it
_KEEP_IN_NOUN = set("()“”")
_SENTENCE_END = re.compile(r"[。!?;]")
_CLAUSE_END = re.compile(r"(?<!\d),|,(?!\d)|:")
_UNIT_IN_HEADER = re.compile(r"[((]([^()()]+)[))]\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")
_PLAIN_HEADING = 5  # below the four numbered levels of ingest.headings
_FROM_GAP = 8  # 由巡察前的49.3岁: at most this many characters between 由 and the figure
_YEAR_FIRST = re.compile(r"\d{4}")
_NUMERAL_CHARS = set("0123456789零〇一二两三四五六七八九十百千第")


def _clean(words: str) -> str:
    w = _words()
    words = w["aside_end"].sub("", words)  # 在校生(含在园幼儿: what it includes is no name of it
    previous = None
    while previous != words:  # 届时我区每千人床位数将: both edges, until nothing more comes off
        previous = words
        words = w["governor_edge"].sub("", w["filler_edge"].sub("", words)).strip()
    return words


@lru_cache(maxsize=4096)
def _cut(snippet: str) -> tuple[tuple[str, str], ...]:
    return tuple((word, flag) for word, flag in tagger().cut(snippet))


def _noun_phrase(snippet: str, *, strict: bool = False) -> str:
    """The noun phrase `snippet` starts with: 具体问题 of 具体问题均已整改, 村(社区) of
    村(社区)开展试点, 一般公共预算支出 of 一般公共预算支出48.93亿元. A verb belongs to the
    phrase unless a noun follows it (开展试点 is a verb and its object); `strict`: the phrase
    must open with a word that names a thing (制定《…》 opens no topic)."""
    words = _cut(snippet[:30])
    modifier = re.match(rf"[^\s,.:;。!?\d]{{1,{_MODIFIER_REACH}}}?的", snippet)
    if modifier and not strict:
        head = _noun_phrase(snippet[modifier.end() :], strict=True)
        if head:
            return modifier.group() + head
    if strict and words and not words[0][1].startswith(_NAMING) and words[0][0] not in _KEEP_IN_NOUN:
        return ""
    out = ""
    for k, (word, flag) in enumerate(words):
        if word in _KEEP_IN_NOUN:
            out += word
            continue
        if flag.startswith(_PHRASE_STOP) and not (flag == "m" and not any(c.isdigit() for c in word) and out):
            break
        if flag.startswith("v") and flag != "vn" and out:
            following = words[k + 1][1] if k + 1 < len(words) else "x"
            if following.startswith(_NAMING) or following == "vn":
                break
        if not (flag.startswith(_NOUNISH) or flag.startswith("v") or flag == "m"):
            break
        out += word
    out = out.strip("“”")
    if out.count("“") != out.count("”"):
        out = out.replace("“", "").replace("”", "")  # 村(社区)“两委 of a quote the phrase cut
    if out.count("(") > out.count(")"):
        out = out.split("(")[0]  # 股份社(经济社: an aside the phrase did not close
    return out.replace(")", "") if out.count(")") > out.count("(") else out


def _names_a_thing(words: str) -> bool:
    heads = tuple(_words()["metric_heads"])
    return bool(words) and (words.endswith(heads) or any(flag.startswith(_NAMING) for _, flag in _cut(words)))


# --- extraction -------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A fact while its sentence is read, in normalised offsets."""

    n: nm.Numeral
    clause: tuple[int, int]
    sentence: tuple[int, int]
    governor: str = ""
    subject: str = ""
    role: str = ""
    part_of: int | None = None  # index into the drafts of the whole text
    time: str = ""
    time_basis: str = ""
    table: TableCell | None = None
    unit: str | None = None  # overrides n.unit (table header units)
    value: float | None = None
    kind: str | None = None
    date: str | None = None


def facts_date(signed_on: str, published_on: str, year: str) -> str:
    """The date a notice's figures hold for when their sentences name none: its signing (or
    publication) date — or, where the notice reports on another year (a 2023 bulletin signed in
    2024: `NoticeContext.year`), that year."""
    date = signed_on or published_on
    if date and year and not date.startswith(year):
        return year
    return date


def extract_facts(text: str, *, notice_date: str = "") -> list[Fact]:
    norm, omap = normalize_with_map(text)
    scan_text = _blank_enumerators(text, norm, omap)
    drafts: list[_Draft] = []
    context = {"headings": [], "notice": notice_date[:4] if re.match(r"\d{4}", notice_date or "") else ""}
    lines = _lines(scan_text)
    i = 0
    while i < len(lines):
        start, line = lines[i]
        if _is_table_row(line):
            j = i
            while j < len(lines) and _is_table_row(lines[j][1]):
                j += 1
            caption = lines[i - 1][1].strip() if i > 0 and not _is_table_row(lines[i - 1][1]) else ""
            _read_table(scan_text, lines[i:j], caption, context, drafts)
            i = j
            continue
        _read_paragraph(scan_text, start, line, context, drafts)
        i += 1
    return [_finish(text, omap, d) for d in drafts]


def _blank_enumerators(text: str, norm: str, omap) -> str:
    """①, ⒈, ⑴ fold to digits; as list markers they must not join the figure after them
    (①2020年 is not 12020年), so their foldings are blanked in the text the scanner reads."""
    chars = list(norm)
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "No" and not ch.isascii():
            s = omap.to_normalized(i)
            e = omap.to_normalized(i + 1) if i + 1 < len(text) else len(norm)
            chars[s:e] = " " * (e - s)
    return "".join(chars)


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset, line))
        offset += len(line) + 1
    return out


def _is_table_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def _finish(text: str, omap, d: _Draft) -> Fact:
    start, end = omap.start(d.n.start), omap.end(d.n.end)
    kind = d.kind or d.n.kind
    date = d.date if d.date is not None else d.n.date
    year = d.time.lstrip("~")[:4] if _YEAR_FIRST.match(d.time.lstrip("~")) else ""
    date = "/".join(_with_year(part, year) for part in date.split("/"))  # 9月16日 in a sentence of 2020
    return Fact(
        kind=FactKind(kind),
        text=text[start:end],
        start=start,
        end=end,
        value=d.value if d.value is not None else d.n.value,
        unit=d.unit if d.unit is not None else d.n.unit,
        date=date,
        hedge=d.n.hedge,
        governor=d.governor,
        subject=d.subject,
        clause_start=omap.start(d.clause[0]),
        clause_end=omap.end(d.clause[1]),
        sentence_start=omap.start(d.sentence[0]),
        sentence_end=omap.end(d.sentence[1]),
        time=d.time,
        time_basis=d.time_basis,
        role=d.role,
        part_of=d.part_of,
        table=d.table,
    )


# --- prose -----------------------------------------------------------------------------------


def _spans(text: str, start: int, end: int, pattern: re.Pattern) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in pattern.finditer(text, start, end):
        if m.end() > pos and text[pos : m.start()].strip():
            out.append((pos, m.start() if m.group() in ",:" else m.end()))
        pos = m.end()
    if text[pos:end].strip():
        out.append((pos, end))
    return out


def _read_paragraph(text: str, start: int, line: str, context: dict, drafts: list[_Draft]) -> None:
    end = start + len(line)
    found = [n.shifted(start) for n in nm.scan(line)]
    heading = match_heading(line)
    if heading is not None and heading.ordinal is not None:
        # the number that marks a heading (2.加强基层党组织建设) is its label, not a figure
        title_at = line.find(heading.title) if heading.title else len(line)
        found = [n for n in found if n.start - start >= title_at]
    if heading is not None:
        _enter_heading(context, heading.level, _year_in(heading.title) if any(c.isdigit() or c in "〇二" for c in heading.title) else "",
                       _heading_role(heading.title))
    elif not _SENTENCE_END.search(line.strip()[:-1] or "x") and len(line.strip()) < 80:
        # the title line (2023年…统计公报) holds for the notice; a plain line with a year, for
        # what follows it until the next numbered heading
        if not context["headings"]:
            _enter_heading(context, 0, _year_in(line))
        elif _year_in(line):
            _enter_heading(context, _PLAIN_HEADING, _year_in(line))
    paragraph_time = ""
    found.sort(key=lambda n: n.start)
    starts = [n.start for n in found]
    for s_start, s_end in _spans(text, start, end, _SENTENCE_END):
        # by bisection: a one-line notice of 400,000 characters has thousands of sentences
        in_sentence = found[bisect_left(starts, s_start) : bisect_left(starts, s_end)]
        clauses = _spans(text, s_start, s_end, _CLAUSE_END) or [(s_start, s_end)]
        marks = _time_marks(text, s_start, s_end, in_sentence, paragraph_time, context)
        first = len(drafts)
        for n in in_sentence:
            clause = next((c for c in clauses if c[0] <= n.start < c[1]), (s_start, s_end))
            drafts.append(_Draft(n, clause, (s_start, s_end)))
        sentence = drafts[first:]
        subject = _subject(text, s_start, s_end, in_sentence, clauses)
        for k, d in enumerate(sentence):
            previous = sentence[k - 1] if k and sentence[k - 1].clause == d.clause else None
            d.governor, d.role = _governor(text, d, previous, sentence[k + 1] if k + 1 < len(sentence) else None, clauses)
            if d.n.kind == nm.PERCENT and d.governor.startswith(tuple(_words()["share_heads"])):
                before = next((e for e in reversed(sentence[:k]) if e.n.kind not in (nm.YEAR, nm.DATE, nm.DATE_RANGE)), None)
                if before is not None and before.governor:
                    d.governor = f"{before.governor} {d.governor}"  # 民生支出…,占一般公共预算支出的81.8%: 民生支出's share
            d.subject = subject
            d.time, d.time_basis = _time_of(d.n.start, marks, paragraph_time, context)
            if not d.role and d.n.kind not in (nm.YEAR, nm.DATE, nm.DATE_RANGE):
                d.role = _section_role(context)  # 二、2025年主要目标: 地区生产总值增长6%左右 is a target
        _structures(text, sentence, first, drafts)
        _name_bare_governors(sentence)
        carried = [m for m in marks if not m[3:]]
        if carried:
            paragraph_time = carried[-1][1]


def _year_in(line: str) -> str:
    years = [n.date[:4] for n in nm.scan(normalize(line)) if n.kind in (nm.YEAR, nm.DATE, nm.DATE_RANGE) and re.match(r"\d{4}", n.date)]
    return years[0] if years else ""


def _enter_heading(context: dict, level: int, year: str, role: str = "") -> None:
    """A heading closes the sections at its level and below: the year of 一、2022年工作回顾 no
    longer holds under 二、2023年工作安排, nor under 三、存在的问题; nor does its role."""
    context["headings"] = [h for h in context["headings"] if h[0] < level]
    context["headings"].append((level, year, role))


def _heading_year(context: dict) -> str:
    return next((h[1] for h in reversed(context["headings"]) if h[1]), "")


def _heading_role(title: str) -> str:
    """The role a heading gives its figures (二、2025年主要目标 → target), "" for most headings."""
    return next((role for role, words in _words()["heading_roles"].items() if any(w in title for w in words)), "")


def _section_role(context: dict) -> str:
    return next((h[2] for h in reversed(context["headings"]) if h[2]), "")


def _time_marks(text: str, s_start: int, s_end: int, in_sentence: list[nm.Numeral], paragraph_time: str, context: dict) -> list[tuple]:
    """(where, time, basis) for each time the sentence states: 截至2021年3月 → ~2021-03 (as of),
    2020年9月以来 → 2020-09~ (since), 1-6月 in 2024 → 2024-01~2024-06, 2020年 → 2020,
    今年以来 in a notice of 2024 → 2024~, “十四五”以来 → 2021~ (a plan period). A year that is a comparison base (较2020年下降) or
    part of a name (《…方案(2022—2024年)》) is not the time of the sentence."""
    w = _words()
    marks: list[tuple[int, str, str]] = []
    for n in in_sentence:
        if n.kind not in (nm.YEAR, nm.DATE, nm.DATE_RANGE) or not n.date:
            continue
        before = text[s_start : n.start]
        if before.count("《") > before.count("》") or w["compared_before"].search(before[-4:]) or w["compared_after"].match(text, n.end):
            continue
        year = (marks[-1][1] if marks else paragraph_time or _heading_year(context) or context["notice"]).strip("~")[:4]
        dates = [_with_year(part, year) for part in n.date.split("/")]
        if not all(re.match(r"\d{4}", part) for part in dates):
            continue  # 9月 with no year anywhere before it
        month = dates[0][:7]
        if w["as_of_re"].search(text, max(s_start, n.start - 5), n.start):
            marks.append((n.start, "~" + dates[-1][:7], "as_of"))
        elif w["since_re"].match(text, n.end):
            marks.append((n.start, month + "~", "since"))
        elif len(dates) == 2:
            marks.append((n.start, f"{month}~{dates[1][:7]}", "sentence"))
        else:
            marks.append((n.start, dates[0][:4], "sentence"))
    if context["notice"]:
        for m in w["relative_year"].finditer(text, s_start, s_end):
            if w["compared_before"].search(text[max(s_start, m.start() - 3) : m.start()]) or w["compared_after"].match(text, m.end()):
                continue  # 比去年, 去年同期: a base of comparison
            year = str(int(context["notice"]) + w["relative_years"][m.group().removesuffix(m["since"] or "")])
            marks.append((m.start(), year + "~", "since") if m["since"] else (m.start(), year, "sentence"))
        marks.sort()
    for m in w["plan_period"].finditer(text, s_start, s_end):
        first, last = w["plan_periods"][m["period"]]
        # (flagged: the plan's years are this sentence's, not its paragraph's next sentences')
        marks.append((m.start(), f"{first}~", "since", "plan") if m["since"] else (m.start(), f"{first}~{last}", "sentence", "plan"))
    marks.sort()
    return marks


def _with_year(date: str, year: str) -> str:
    """--09-16 in a sentence of 2020 is 2020-09-16."""
    return year + date[1:] if date.startswith("--") and year else date


def _time_of(pos: int, marks, paragraph_time: str, context: dict) -> tuple[str, str]:
    before = [m for m in marks if m[0] <= pos]
    if before or marks:
        mark = before[-1] if before else marks[0]
        return mark[1], mark[2]
    if paragraph_time:
        return paragraph_time, "context"
    if _heading_year(context):
        return _heading_year(context), "context"
    if context["notice"]:
        return context["notice"], "notice"
    return "", ""


def _subject(text: str, s_start: int, s_end: int, in_sentence: list[nm.Numeral], clauses) -> str:
    """The sentence's topic: the noun phrase of the clause its first figure is in (初步核算, is
    an aside), once the time words before it are passed."""
    pos = s_start
    if in_sentence:
        pos = next((c[0] for c in clauses if c[0] <= in_sentence[0].start < c[1]), s_start)
    moved = False
    for n in in_sentence:
        if n.kind in (nm.YEAR, nm.DATE, nm.DATE_RANGE) and not text[pos : n.start].strip(" ,:、"):
            pos, moved = n.end, True
        elif n.start >= pos:
            break
    rest = text[pos:s_end]
    if moved:
        rest = re.sub(r"^[\s,:、]*(?:以来|以后|期间|前后|底|末|初)?[\s,:、]*", "", rest)
    return _clean(_noun_phrase(_clean(rest), strict=True))


def _governor(text: str, d: _Draft, previous: _Draft | None, following: _Draft | None, clauses) -> tuple[str, str]:
    w = _words()
    n = d.n
    left_start = previous.n.end if previous else d.clause[0]
    if previous is not None and previous.clause == d.clause and text.startswith(tuple(w["threshold_words"]), previous.n.end):
        left_start = previous.n.start  # 35岁以下的占比72.3%: the bound names the group the share is of
    left = text[left_start : n.start]
    if n.hedge and left.endswith(n.hedge):
        left = left[: -len(n.hedge)]
    governor = _clean(left)
    right_end = following.n.start if following and following.clause == d.clause else d.clause[1]
    of_noun = _clean(_noun_phrase(text[n.end + 1 : right_end], strict=True)) if text.startswith("的", n.end) else ""
    if of_noun and n.kind not in (nm.YEAR, nm.DATE, nm.DATE_RANGE):
        governor = of_noun  # 超额完成243亩的年度任务: the figure modifies the noun after 的
    elif n.kind in (nm.COUNT, nm.ORDINAL):
        noun = _clean(_noun_phrase(text[n.end : right_end]))
        if noun:
            governor = noun  # 23个具体问题: the noun after the measure word is what is counted
    elif left.rstrip().endswith(tuple(w["object_markers"])):
        # 将237054.47万元未细化预算…细化: the money is what comes after it
        governor = _clean(_object_phrase(text[n.end : right_end])) or governor
    elif n.kind in (nm.YEAR, nm.DATE, nm.DATE_RANGE) and not _names_a_thing(governor):
        event = _clean(w["after_date"].sub("", text[n.end : right_end]))
        if not event and right_end == d.clause[1]:
            nxt = next((c for c in clauses if c[0] >= d.clause[1]), None)
            event = _clean(text[nxt[0] : nxt[1]]) if nxt else ""
        governor = " ".join(x for x in (governor, event[:30]) if x)  # 2020年9月16日,省委巡视组反馈意见
    if not governor and previous is not None:
        governor = previous.governor  # 34件、19件: a bare list item shares its neighbour's metric
    role = ""
    clause_head = text[d.clause[0] : n.start]
    alone = text[max(d.sentence[0], d.clause[0] - 4) : d.clause[0]].strip(" ,:、")  # 其中,涉及…85件
    if any(p in clause_head for p in w["part_words"]) or alone.endswith(tuple(w["part_words"])):
        role = "part"
    else:
        role = next((name for name in ("planned", "actual", "target") if any(word in left for word in w["roles"][name])), "")
        if not role and _clean(left).endswith(tuple(w["roles"]["change"])):
            role = "change"  # 增长5.1%, not 对经济增长的贡献率5.1%
    return governor, role


def _object_phrase(snippet: str) -> str:
    """未细化预算 of 未细化预算在2023年…: words up to a preposition or punctuation."""
    w = _words()
    out = ""
    for word, flag in _cut(snippet[:20]):
        if flag.startswith(("p", "x", "m", "c", "u")) or word in w["governor_head_words"] or word in w["governor_tail_words"]:
            break
        out += word
    return out


def _name_bare_governors(sentence: list[_Draft]) -> None:
    """增长6.5% after 全县油料产量42.1万吨 is the growth of 油料产量; 余下5宗 after 已整治269宗
    are the rest of what was being 整治: a governor that names no thing takes the thing of the
    figure before it — in the governor for a change, as the subject otherwise."""
    dated = (nm.YEAR, nm.DATE, nm.DATE_RANGE)
    for k, d in enumerate(sentence):
        if d.n.kind in dated or _names_a_thing(d.governor):
            continue
        thing = next((e.governor for e in reversed(sentence[:k]) if e.n.kind not in dated and e.role != "change" and _names_a_thing(e.governor)), "")
        if not thing:
            continue
        if d.role == "change" or d.role in ("from", "to"):
            d.governor = f"{thing} {d.governor}".strip()
        else:
            d.subject = thing


def _structures(text: str, sentence: list[_Draft], first: int, drafts: list[_Draft]) -> None:
    """Resolve the sentence's shared-metric shapes into one governor per figure."""
    w = _words()
    for k, d in enumerate(sentence):
        n = d.n
        # ranges written as such (10亿至500亿元) and 由A提高到B (由上年的18.6%下降到6.2%): both
        # bounds share the metric written before 由
        if k + 1 < len(sentence) and sentence[k + 1].clause == d.clause:
            nxt = sentence[k + 1]
            between = text[n.end : nxt.n.start]
            head_start = sentence[k - 1].n.end if k and sentence[k - 1].clause == d.clause else d.clause[0]
            from_word = None
            for m in w["from_re"].finditer(text, max(head_start, n.start - len(n.hedge) - _FROM_GAP - 1), n.start):
                from_word = m  # the last 由 before the figure
            if n.range_role == "from" or (from_word and w["to_re"].fullmatch(between.replace(nxt.n.hedge, "") if nxt.n.hedge else between)):
                metric = _clean(text[head_start : from_word.start() if from_word else n.start])
                for part, role in ((d, "from"), (nxt, "to")):
                    part.governor = metric or part.governor
                    part.role = role
                said_of_from = text[from_word.end() : n.start] if from_word else ""
                if any(word in said_of_from for word in w["previous_year_words"]) and d.time[:4].isdigit() and d.time == nxt.time:
                    d.time, d.time_basis = str(int(d.time[:4]) - 1), "sentence"  # 由上年末的60.7%: the year before
        if not d.role and k and sentence[k - 1].role == "part" and sentence[k - 1].part_of is not None and (
                d.n.base == sentence[k - 1].n.base and d.n.kind == sentence[k - 1].n.kind
                and w["enum_gap"].fullmatch(text[sentence[k - 1].n.end : d.clause[0]].strip() or "、")):
            d.role = "part"  # 其中医院3,105张,基层医疗卫生机构640张: the next item is a part of the same whole
        if d.role == "part":
            d.part_of = _whole_of(d, sentence[:k], first, drafts)
            if d.part_of is not None and drafts[d.part_of].governor:
                d.subject = drafts[d.part_of].governor
    _respectively(text, sentence)


def _whole_of(part: _Draft, earlier: list[_Draft], first: int, drafts: list[_Draft]) -> int | None:
    """其中党纪立案12件: a part of the nearest earlier figure of the same unit, in the sentence
    or else the one before it (…38项。其中…12项); failing that, of the same kind (件次 of 件)."""
    n = part.n
    previous_sentence = []
    for j in range(first - 1, -1, -1):  # walking back only through the sentence before
        if drafts[j].sentence != drafts[first - 1].sentence:
            break
        previous_sentence.append(j)
    candidates = [first + j for j in range(len(earlier) - 1, -1, -1) if earlier[j].clause != part.clause] + previous_sentence
    # (a level before a change: 床位3,862张,比上年增加176张,其中医院3,105张 is a part of the 3,862)
    for same in (lambda m: m.kind == n.kind and m.base == n.base, lambda m: m.kind == n.kind == nm.COUNT):
        for roles in (("part", "change"), ("part",)):
            whole = next((j for j in candidates if same(drafts[j].n) and drafts[j].role not in roles), None)
            if whole is not None:
                return whole
    return None


def _respectively(text: str, sentence: list[_Draft]) -> None:
    """第一、二、三产业…贡献率分别为5.1%、38.2%、56.7%: the n-th figure is of the n-th item."""
    w = _words()
    if not sentence:
        return
    s_start, s_end = sentence[0].sentence
    items: list[str] | None = None
    for m in w["respectively_re"].finditer(text, s_start, s_end):
        listed = []
        pos = m.end()
        verb = ""
        for d in sentence:
            if d.n.start < m.end():
                continue
            gap = text[pos : d.n.start]
            if not listed:
                verb = gap
                if len(gap) > 8:  # 提高到每人每月八百二十元: a rate's own words stand between
                    break
            elif not w["enum_gap"].fullmatch(gap.replace(d.n.hedge, "")):
                break
            listed.append(d)
            pos = d.n.end
        if len(listed) < 2:
            continue
        head_start = max([d.n.end for d in sentence if d.n.end <= m.start()] + [s_start])
        head = text[head_start : m.start()]
        head = re.split(r"[,:]", head)[-1]
        # (…分别为11791元、17274元,分别比上年增长2.5%、3.7%: with no words of its own, the second
        # enumeration is of the first one's items)
        if head.strip() or items is None or len(items) != len(listed):
            items = _enumerated_items(head, len(listed))
        if items is None:
            continue
        # 分别增长5.6%、7.5% are changes; 分别提高到820元和660元 are where they went
        change = any(word in verb for word in w["roles"]["change"]) and not re.search(r"[到至]", verb)
        for d, item in zip(listed, items):
            d.governor = _clean(item)
            d.role = "change" if change else ""


def _enumerated_items(head: str, count: int) -> list[str] | None:
    """`第一、二、三产业对经济增长的贡献率` (3) → 第一产业对…贡献率, 第二产业对…, 第三产业对…;
    `城镇、农村居民人均可支配收入` (2) → 城镇居民人均可支配收入, 农村居民人均可支配收入;
    `教育、社会保障和就业、卫生健康、农林水支出` (4, uneven) → 教育支出, 社会保障和就业支出, …;
    `事故起数、死亡人数` (2) → each item is whole already."""
    w = _words()
    listed = head.split("、")
    # 城乡低保标准 (2): 城镇低保标准, 农村低保标准 — a head that names two things at once
    paired = {k: v for k, v in w.get("paired_heads", {}).items() if not k.startswith("_")}
    for compound, things in paired.items():
        if compound in head and len(things) == count and len(listed) == 1:
            return [head.replace(compound, thing, 1) for thing in things]
    parts = listed if len(listed) == count else w["enum_split"].split(head)
    if len(parts) < count:
        return None
    parts = parts[-count:]
    first, middle, last = parts[0], parts[1:-1], parts[-1]
    heads = tuple(sorted(w["metric_heads"], key=len, reverse=True))
    numeral_items = all(p and set(p) <= _NUMERAL_CHARS for p in middle) and last[:1] in _NUMERAL_CHARS and first[-1:] in _NUMERAL_CHARS
    if numeral_items:
        k = len(last) - len(last.lstrip("".join(_NUMERAL_CHARS)))
        j = len(first) - len(first.rstrip("".join(_NUMERAL_CHARS)))
        items = [first[len(first) - j :], *middle, last[:k]]
        rest = last[k:]
        if items[0].startswith("第"):
            items = [items[0]] + ["第" + it if not it.startswith("第") else it for it in items[1:]]
        return [item + rest for item in items]
    first_words = [word for word, _ in _cut(first)]
    if not first_words or not last:
        return None
    if _clean(first).endswith(heads):  # 事故起数、死亡人数: every item names its own metric
        return [_clean(first), *middle, _clean(_strip_change(last))]
    bounds = set()
    pos = 0
    for word, _ in _cut(last):
        pos += len(word)
        bounds.add(pos)
    k = len(middle[0]) if middle else len(first_words[-1])
    even = all(len(p) == k for p in middle) and (k in bounds or not middle) and k < len(last)
    if even:
        items, rest = [first[-k:] if middle else first_words[-1], *middle, last[:k]], last[k:]
    else:
        metric = next((h for h in heads if last.endswith(h) and len(last) > len(h)), "")
        # 中等职业学校生均一般公共预算教育事业费: a per-head metric starts at its 生均/人均
        starts = [last.find(s) for s in w.get("metric_starts", ()) if last.find(s) > 0]
        if starts:
            metric = last[min(starts):]
        if not metric:
            return None  # uneven items and no metric they share: leave each its own words
        items, rest = [_clean(first), *middle, last[: -len(metric)]], metric
    return [item + rest for item in items]


def _strip_change(words: str) -> str:
    change = tuple(sorted(_words()["roles"]["change"], key=len, reverse=True))
    while words.endswith(change):
        words = words[: -len(next(c for c in change if words.endswith(c)))]
    return words


# --- tables ----------------------------------------------------------------------------------


def _cells(start: int, line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each cell of a pipe-table row, in text offsets, stripped."""
    out = []
    bars = [i for i, ch in enumerate(line) if ch == "|"]
    for a, b in zip(bars, bars[1:]):
        raw = line[a + 1 : b]
        lead = len(raw) - len(raw.lstrip())
        cell = raw.strip()
        out.append((start + a + 1 + lead, start + a + 1 + lead + len(cell), cell))
    return out


def _header_unit(label: str) -> tuple[str, str]:
    """`金额(万元)` → (金额, 万元); `比上年增长(%)` → (比上年增长, %)."""
    m = _UNIT_IN_HEADER.search(label)
    if not m:
        return label.strip(), ""
    return label[: m.start()].strip(), m.group(1).strip()


def _unit_value(number: float, unit: str) -> tuple[str, float] | None:
    """The kind and value of a bare cell number under a header unit (万元 → money in 元)."""
    lex = nm.lexicon()
    for mag in sorted(lex.magnitudes, key=len, reverse=True) + [""]:
        if unit.startswith(mag) and unit[len(mag) :] in lex.units:
            u = lex.units[unit[len(mag) :]]
            kind = nm.KIND_OF_UNIT.get(u.kind, nm.COUNT)
            return kind, float(nm.Decimal(str(number)) * lex.magnitudes.get(mag, nm.Decimal(1)) * u.scale)
    return None


def _read_table(text: str, rows: list[tuple[int, str]], caption: str, context: dict, drafts: list[_Draft]) -> None:
    w = _words()
    header = _cells(*rows[0])
    body = [r for r in rows[1:] if not all(_TABLE_SEPARATOR.match(c[2]) for c in _cells(*r))]
    caption_year = next((n.date[:4] for n in nm.scan(caption) if n.kind in (nm.YEAR, nm.DATE, nm.DATE_RANGE) and re.match(r"\d{4}", n.date)), "")
    columns = []
    for s, e, label in header:
        name, unit = _header_unit(label)
        year = next((n.date[:4] for n in nm.scan(label) if n.kind in (nm.YEAR, nm.DATE) and re.match(r"\d{4}", n.date)), "")
        columns.append((name, unit, year))
        for n in nm.scan(label):  # a year written in a header is a figure of the notice too
            n = n.shifted(s)
            drafts.append(_Draft(n, (s, e), (rows[0][0], rows[0][0] + len(rows[0][1])), governor=name, table=TableCell(caption, "", label),
                                 time=n.date[:4], time_basis="sentence"))
    header_years = {year for _, _, year in columns if year}
    unit_column = next((j for j, (name, _, _) in enumerate(columns) if name in w["unit_headers"]), None)
    whole_of_column: dict[int, int] = {}  # column → the draft of the last row that is not a 其中 row
    # 比上年增长(%) beside a single 2022年 column holds for 2022 too; 变化幅度(%) after 2023年 and
    # 2024年 columns is the change to the later one
    table_year = max(header_years) if header_years else ""
    for r_start, line in body:
        cells = _cells(r_start, line)
        if not cells:
            continue
        row_name, row_unit = _header_unit(cells[0][2])
        if unit_column is not None and unit_column < len(cells):
            row_unit = cells[unit_column][2] or row_unit  # | 水泥 | 万吨 | 486.3 |
        part = next((p for p in w["part_words"] if row_name.startswith(p)), "")
        if part:
            row_name = row_name[len(part) :].lstrip(":: ")  # | 其中:工业 | 109.62 |
        row_span = (r_start, r_start + len(line))
        for j, (s, e, cell) in enumerate(cells):
            col_name, col_unit, col_year = columns[j] if j < len(columns) else ("", "", "")
            for n in nm.scan(cell):
                n = n.shifted(s)
                d = _Draft(n, (s, e), row_span, table=TableCell(caption, cells[0][2], header[j][2] if j < len(header) else ""))
                if j == unit_column:
                    continue
                if j == 0:
                    d.governor = row_name
                else:
                    # a column named by its year only (2023年(亿元)) gives the time, not the metric
                    named = col_name if not (col_year and _year_in(col_name) and not re.sub(r"[\d\s年]", "", normalize(col_name))) else ""
                    d.governor = " ".join(x for x in (row_name, named) if x)
                    unit = col_unit or row_unit
                    if n.kind == nm.NUMBER and unit and n.number is not None:
                        got = _unit_value(n.value, unit)
                        if got:
                            d.kind, d.value = got
                        d.unit = unit  # 微克/立方米: a unit the lexicon does not value still says what 29 is
                    for name in ("planned", "actual", "target", "change"):
                        if any(word in col_name for word in w["roles"][name]):
                            d.role = name
                            break
                if col_year:
                    d.time, d.time_basis = col_year, "sentence"
                elif table_year or caption_year:
                    d.time, d.time_basis = table_year or caption_year, "context"
                else:
                    d.time, d.time_basis = _time_of(0, [], "", context)
                d.subject = caption
                if j and part and j in whole_of_column:
                    d.role, d.part_of = d.role or "part", whole_of_column[j]  # a part's growth stays a change
                    d.subject = drafts[d.part_of].governor
                elif j:
                    whole_of_column[j] = len(drafts)
                drafts.append(d)
