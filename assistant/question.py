"""What a question asks for: a figure of some kind, a date, a name, a list — or just a passage.

The offline answerer reads this to decide which span of the best sentence is the
answer; the eval reads nothing from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.errors import QuestionError
from assistant.figures import find_figures

MAX_QUESTION_CHARS = 2000
# Control and format characters, and lone surrogates (which no encoder can write: the embedder would fail on them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")

# The measure word in "多少家 / 几个 / how many" decides which figures can answer.
_COUNT_ASK = re.compile(r"(?:多少|(?<!哪)几)(?P<unit>万人次|人次|批次|个工作日|个月|平方米|公里|公顷|亩|吨|个|家|人|名|次|条|项|宗|起|件|户|村|所|批|场|轮|期|份|篇|座|处|天|年|类|种|支|镇|间|辆)")
_PERCENT_ASK = re.compile(r"百分之|百分比|比例|比率|占比|比重|占了?多少|百分点|增长[^,，。?？]{0,4}多少|增速|增幅|降幅|下降了?多少|同比|(?:计划|任务|目标|总数|总量)的多少|[^\s]{0,6}率|多少%|percent|percentage|\brate\b|ratio|proportion|share of", re.I)
_MONEY_ASK = re.compile(r"多少钱|金额|资金|经费|投资|投入|拨付|补助|补贴|奖励|收入|费用|预算|款|总值|产值|多少(?:亿|万)?元|how much|money|fund|invest|yuan|budget|spend|spent|cost|subsid|revenue|income", re.I)
# Asking for a day or month: a bare year does not answer it.
_DAY_ASK = re.compile(r"哪天|哪一天|几月几日|几号|哪个月|几月|什么时间|什么时候|日期|what date|which day|which month", re.I)
# Asking for a person: only a person's name answers it (the notices name few people).
_PERSON_ASK = re.compile(r"(组长|副组长|书记|主任|局长|区长|县长|市长|部长|负责人|领导)(是谁|叫什么)|who (?:is|was) the (?:head|leader|chief|secretary|director|mayor)", re.I)
# The noun a count is of, right after 多少/几: "走访了多少群众" → 群众.
_COUNTED = re.compile(r"(?:多少|几)(?:个|名|位|家|条|项|张|人次|亩|宗|件)?(?P<noun>[\u4e00-\u9fff]{2,6}?)(?:呢|吗|了)?[??]?$")
_COUNTED_BEFORE = re.compile(r"(?P<noun>[\u4e00-\u9fff]{2,4}?)(?:一共有|共有|有|是|达|为|共)(?:多少|几)(?:个|名|位|家|条|项|张|人次|亩|宗|件)?(?:呢|吗)?[??]?$")
_DATE_ASK = re.compile(r"何时|什么时候|哪天|哪一天|几月几日|几号|日期|哪年|哪一年|什么时间|when\b|what date|which date|what year|which year", re.I)
_NAME_ASK = re.compile(r"什么文件|哪个文件|哪份文件|名称|叫什么|什么名|称号|荣誉|哪个部门|哪个单位|哪家单位|由谁|谁|什么定位|新定位|什么平台|什么机制|什么制度|什么方案|什么规划|什么称号|评为|《|which document|what document|name of|called|which (?:department|body|agency|unit)|who\b|title", re.I)
_MEASURES_ASK = re.compile(r"措施|举措|做法|做了什么|做了哪些|怎么做|如何|怎样|采取|有何|what measures|what steps|what actions|which measures|how did|how does|what did .* do", re.I)
_LIST_ASK = re.compile(r"哪些|哪几|哪两|哪三|分别|措施|举措|做法|做了什么|做了哪些|怎么做|如何|怎样|采取了|有何|几个方面|what measures|what steps|what actions|which measures|how did|how does|what did .* do|list", re.I)
_PHONE_ASK = re.compile(r"电话|热线|手机|phone|hotline", re.I)
_HOW_MANY = re.compile(r"how many", re.I)
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?=\s*年|(?!\d))")


@dataclass(frozen=True)
class Question:
    text: str  # cleaned question as asked
    wants: str  # "money", "percent", "count", "figure", "date", "phone", "name", "list" or "passage"
    unit: str = ""  # measure word a count must carry ("家", "个" …), "" if any
    years: tuple[str, ...] = ()
    english: bool = False
    needs_day: bool = False  # a date question that a bare year does not answer
    needs_person: bool = False
    counted: str = ""  # what a count question counts ("群众"), if it says
    measures: bool = False  # a list of what was done (the section's 一是/二是 items), not of names
    predicate: str = ""  # the words right before 多少/几 ("已立案几件" → 立案): what the figure measures
    signature: bool = False  # asks for the notice's own signing date or issuer
    given_figures: frozenset[str] = field(default_factory=frozenset)  # figures already in the question

    @property
    def wants_figure(self) -> bool:
        return self.wants in ("money", "percent", "count", "figure", "date", "phone")


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


def analyse(text: str) -> Question:
    english = not _HAN.search(text) and bool(_LATIN_WORD.search(text))
    unit = ""
    count = _COUNT_ASK.search(text)
    if _PHONE_ASK.search(text):
        wants = "phone"
    elif _DATE_ASK.search(text):
        wants = "date"
    elif count and count.group("unit") not in ("年",):
        wants, unit = "count", count.group("unit")
    elif _PERCENT_ASK.search(text) and not re.search(r"效率|频率|概率", text):
        wants = "percent"
    elif _HOW_MANY.search(text):
        wants = "count"
    elif _MONEY_ASK.search(text) and re.search(r"多少|几|how much|what (?:was|is) the (?:amount|total)|how many", text, re.I):
        wants = "money"
    elif _NAME_ASK.search(text):
        wants = "name"
    elif _LIST_ASK.search(text):
        wants = "list"
    elif re.search(r"多少|几|how much", text, re.I):
        wants = "figure"  # some figure, of whatever kind the best sentence gives
    else:
        wants = "passage"
    years = tuple(m.group() for m in _YEAR.finditer(text))
    given = frozenset(f.key for f in find_figures(text) if f.kind not in ("year",))
    counted = _COUNTED.search(text) or _COUNTED_BEFORE.search(text)
    return Question(
        text=text, wants=wants, unit=unit, years=years, english=english,
        needs_day=wants == "date" and bool(_DAY_ASK.search(text)),
        needs_person=bool(_PERSON_ASK.search(text)),
        counted=counted.group("noun") if counted and wants == "count" else "",
        measures=bool(_MEASURES_ASK.search(text)),
        predicate=_predicate(text),
        signature=bool(_SIGNATURE_ASK.search(text)),
        given_figures=given,
    )


_PREDICATE = re.compile(r"(?P<words>[\u4e00-\u9fff]{2,6}?)(?:了|过)?(?:一共|共|总共|累计)?(?:有|是|达|为)?(?:多少|几)")
_SIGNATURE_ASK = re.compile(r"落款|签发|成文日期|印发日期|哪天发布|何时发布|发布日期|when was (?:the|this) notice (?:signed|issued)", re.I)


def _predicate(text: str) -> str:
    found = _PREDICATE.search(text)
    if not found:
        return ""
    words = re.split(r"已经|已|了|共|都|还|的|是|有", found.group("words"))[-1]
    return words[-4:] if len(words) >= 2 else ""


@lru_cache(maxsize=1)
def glossary() -> list[tuple[re.Pattern[str], str]]:
    """English terms of this genre and their Chinese, so English questions find Chinese words."""
    pairs = []
    path = Path(__file__).with_name("data") / "glossary_en_zh.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t", 1)
        pairs.append((re.compile(rf"\b{re.escape(english)}", re.I), chinese.strip()))
    return pairs


def chinese_keywords(text: str) -> str:
    """The Chinese terms an English question mentions (empty for Chinese questions)."""
    return " ".join(chinese for pattern, chinese in glossary() if pattern.search(text))
