"""Follow-up questions resolved against the conversation, by rules a reader can follow.

1. A question is a follow-up when the conversation has a previous question and this
   one leans on it: it opens with 那/那么/其中/另外/上面/这…, ends in 呢, refers to
   "第二条", or has no subject of its own ("具体是多少?"). Never by its length alone:
   "高明区2020年的GDP是多少?" is short and stands alone. The markers are data
   (`[followup]` in assistant/data/questions.toml).
2. Its standalone form is the previous question's topic (the previous question with
   its question words removed) followed by what this one asks: "2020年全区重点项目完成投资多少?"
   + "那完成率呢?" → "2020年全区重点项目完成投资 完成率".
3. What kind of answer it wants comes from the follow-up's own words when they say
   (完成率 → a percentage), else from the topic.
4. "上面第二条具体是什么?" picks item 2 of the list in the previous answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from functools import lru_cache

from assistant.figures import chinese_number
from assistant.lexicon import question_table, words
from assistant.evidence import GENERIC
from ingest.tagger import tagger


@lru_cache(maxsize=1)
def _markers() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    table = question_table("followup")
    alternatives = lambda key: "|".join(re.escape(w) for w in sorted(table[key], key=len, reverse=True))  # noqa: E731
    start = re.compile(rf"^(?:{alternatives('lean_start')}|(?:{alternatives('lean_start_english')})\b)", re.I)
    end = re.compile(rf"(?:{alternatives('lean_end')})[??]?$")
    english = re.compile(rf"\b(?:{alternatives('lean_words_english')})\b", re.I)
    subjectless = re.compile(alternatives("subjectless"))
    return start, end, english, subjectless


_ITEM_REF = re.compile(r"第\s*(?P<n>[一二三四五六七八九十\d]+)\s*(?:条|项|点|个|方面)")
_ORDINAL_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_QUESTION_WORDS = re.compile(r"(多少|几)(万人次|人次|个工作日|个月|个|家|人|名|次|条|项|宗|起|件|户|村|所|批|亿元|万元|元|亩|公里)?|什么|哪些|哪个|哪里|哪|如何|怎么样|怎样|怎么|吗|呢|是否|请问|[??。!!]")
_LEADING = re.compile(r"^(那么|那|其中|此外|另外|还有|同时|and\b|what about|how about|then\b)\s*[,，]?\s*", re.I)


@dataclass(frozen=True)
class Resolved:
    question: str  # what retrieval searches for
    focus: str  # what this turn itself asks
    is_followup: bool
    previous_answer: str = ""
    previous_question: str = ""  # the last question asked, as asked
    item: str = ""  # the list item "第二条" pointed to, verbatim from the previous answer


def topic_of(question: str) -> str:
    """The question without its question words: what it is about."""
    return re.sub(r"\s+", " ", _QUESTION_WORDS.sub(" ", question)).strip()


def leans_on_history(question: str) -> bool:
    start, end, english, _ = _markers()
    text = question.strip()
    han = re.search(r"[\u4e00-\u9fff]", text)
    return bool(start.search(text) or end.search(text) or _ITEM_REF.search(text)
                or (not han and english.search(text)) or not has_own_subject(text) or not mentions_a_thing(text))


def has_own_subject(question: str) -> bool:
    """Whether the question names what it is about, once its asking words are set aside."""
    rest = _markers()[3].sub("", _QUESTION_WORDS.sub("", question))
    if re.search(r"[A-Za-z]{3,}", rest):
        return bool(re.sub(r"(?i)\b(what|how|much|many|is|was|are|were|the|a|an|of|in|about|exactly|number|figure)\b", "", rest).strip(" ?.!,"))
    return len(re.findall(r"[\u4e00-\u9fff\d]", rest)) >= 2


def mentions_a_thing(question: str) -> bool:
    """Whether a question with words of its own names a thing (a noun, a place, a time, a
    figure), not only what was done to it: "修好了几处?", "处理了多少件?" lean on the
    question before."""
    rest = _markers()[3].sub("", _QUESTION_WORDS.sub("", question))
    if re.search(r"[A-Za-z]{3,}", rest):
        return True
    return any(_is_a_thing(word, flag) for word, flag in tagger().lcut(rest))


# jieba's tags of words that name what a question is about: nouns, places, times, numerals.
_THING_TAGS = ("n", "vn", "eng", "m", "t", "s", "f")


def _is_a_thing(word: str, flag: str) -> bool:
    return ((flag[:1] == "n" or flag in _THING_TAGS) and word not in GENERIC and word not in words("measure_words")
            and bool(re.search(r"\w", word)))


def resolve(question: str, history: list[dict]) -> Resolved:
    topic = ""
    previous_answer = ""
    previous_question = ""
    for message in history:
        content = str(message.get("content") or "")
        if message.get("role") == "user" and content.strip():
            topic = _merge(topic, content) if topic and leans_on_history(content) else topic_of(content)
            previous_question = content
        elif message.get("role") == "assistant":
            previous_answer = content
    if not topic or not leans_on_history(question):
        return Resolved(question=question, focus=question, is_followup=False, previous_answer=previous_answer,
                        previous_question=previous_question)
    item = _pointed_item(question, previous_answer)
    if item:
        return Resolved(item, question, True, previous_answer, previous_question, item=item)
    merged = _merge(topic, question)
    return Resolved(merged + question[-1:] if question.endswith(("?", "?")) else merged,
                    _LEADING.sub("", question), True, previous_answer, previous_question)


def _merge(topic: str, followup: str) -> str:
    core = topic_of(_LEADING.sub("", followup))
    # "城市低保标准提到多少了" then "农村的呢": 农村 takes 城市's place in the topic
    for group in question_table("followup").get("counterparts", ()):
        new = next((w for w in sorted(group, key=len, reverse=True) if w in core), "")
        old = next((w for w in sorted(group, key=len, reverse=True) if w in topic and w != new), "")
        if new and old and new not in topic:
            return topic.replace(old, new, 1)
    return f"{topic} {core}".strip() if core else topic


def _pointed_item(question: str, previous_answer: str) -> str:
    """The n-th list line ("- …") of the previous answer, when the question points at one."""
    found = _ITEM_REF.search(question)
    n = None
    if found:
        raw = found.group("n")
        n = int(raw) if raw.isdigit() else chinese_number(raw)
    else:
        for word, value in _ORDINAL_EN.items():
            if re.search(rf"\b{word}\b", question, re.I):
                n = value
    if not n:
        return ""
    items = list_items(previous_answer)
    return items[n - 1] if 0 < n <= len(items) else ""


_BULLET = re.compile(r"^\s*(?:[-·•*]\s+|\d{1,2}[.、)]\s*|[((]\d{1,2}[))]\s*)")


def list_items(answer: str) -> list[str]:
    """The items of a list in an answer: bullet or numbered lines, else inline 一是…二是…."""
    lines = [_BULLET.sub("", line).strip() for line in answer.splitlines() if _BULLET.match(line)]
    if len(lines) >= 2:
        return lines
    inline = [part.strip() for part in re.split(r"(?=[一二三四五六七八九十]是)", answer) if re.match(r"[一二三四五六七八九十]是", part)]
    return inline
