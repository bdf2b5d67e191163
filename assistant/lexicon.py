"""The vocabulary the reader understands questions with, read from data files in assistant/data/.

* `questions.toml` — the words (and a few patterns) by which a question says what kind of
  answer it wants; each answer kind reads its own table.
* `synonyms.tsv` — the words people use for what notices call otherwise (查处 / 立案审查调查,
  邮编 / 邮政编码, GDP / 地区生产总值): one group of interchangeable words per line.
* `glossary_en_zh.tsv` — English terms of the genre and their Chinese, for English questions.

Code never lists such words itself; a new cue or synonym is a line in a data file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Cues:
    """Words and patterns that mark something in a question."""

    words: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()

    def found_in(self, text: str) -> bool:
        lowered = text.lower()
        return any(_holds(lowered, w) for w in self.words) or any(p.search(text) for p in self.patterns)

    def first_in(self, text: str) -> str:
        """The first cue word the text holds ("" if none)."""
        lowered = text.lower()
        return next((w for w in self.words if _holds(lowered, w)), "")


def _holds(lowered: str, word: str) -> bool:
    """Whether a cue word is in the text; an English one only where a word starts ("ratio" is not
    in "concentration", "percent" is in "percentage")."""
    if word not in lowered:
        return False
    return not word[:1].isascii() or not word[:1].isalpha() or re.search(rf"(?<![a-z]){re.escape(word)}", lowered) is not None


@lru_cache(maxsize=1)
def _questions() -> dict:
    with open(DATA / "questions.toml", "rb") as f:
        return tomllib.load(f)


def question_table(kind: str) -> dict:
    return _questions().get(kind, {})


@lru_cache(maxsize=None)
def cues(kind: str, words: str = "cues") -> Cues:
    """The cues of `kind` in questions.toml: the words under `words`, the patterns under
    `patterns` (for "cues") or `<words>_patterns`."""
    table = question_table(kind)
    patterns = "patterns" if words == "cues" else f"{words}_patterns"
    return Cues(
        tuple(w.lower() for w in table.get(words, ())),
        tuple(re.compile(p) for p in table.get(patterns, ())),
    )


def words(key: str) -> tuple[str, ...]:
    """A top-level word list of questions.toml (e.g. `measure_words`), longest first."""
    return tuple(sorted(_questions().get(key, ()), key=len, reverse=True))


@lru_cache(maxsize=1)
def contrasts() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Sets of qualifiers that set things of one kind apart (data/contrasts.tsv): each set's sides,
    each side its words, longest first."""
    sets = []
    for line in (DATA / "contrasts.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sides = tuple(tuple(sorted((w for w in side.split("|") if w), key=len, reverse=True)) for side in line.split("\t"))
            sets.append(tuple(side for side in sides if side))
    return tuple(sets)


def other_side(asked: str, said: str) -> bool:
    """Whether `said` (a figure's own words) names another side of a set the question names one
    side of, and not the question's: 全体居民… for 农村居民…."""
    for sides in contrasts():
        wanted = [side for side in sides if any(w in asked for w in side)]
        if len(wanted) != 1:
            continue  # the question names no side, or sets two against each other
        named = [side for side in sides if any(w in said for w in side)]
        if named and wanted[0] not in named:
            return True
    return False


def unasked_side(asked: str, governor: str) -> bool:
    """Whether a figure's governor opens with a side of a set the question names no side of:
    幼儿园共有教职工 for "一共多少教职工", where the notice also gives the whole (共有教职工).
    (Opens with: 全县政府债务余额 holds 县政府 across 全县|政府, and qualifies nothing.)"""
    return any(not any(w in asked for side in sides for w in side) and governor.startswith(tuple(w for side in sides for w in side))
               for sides in contrasts())


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Each word → the other words of its group (both directions: a group is a set)."""
    groups: dict[str, set[str]] = {}
    for line in (DATA / "synonyms.tsv").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        members = [w.strip() for w in re.split(r"[\t|]", line) if w.strip()]
        for word in members:
            groups.setdefault(word, set()).update(m for m in members if m != word)
    # (ties in length by the words themselves: a set's order changes with the hash seed, and the order
    # of synonyms is the order of the search's query words — one question must get one answer)
    return {w: tuple(sorted(others, key=lambda o: (-len(o), o))) for w, others in groups.items()}


def synonyms_in(text: str) -> dict[str, tuple[str, ...]]:
    """The words of `text` that have synonyms, with them (longest words first, no overlaps)."""
    found: dict[str, tuple[str, ...]] = {}
    taken = [False] * len(text)
    lowered = text.lower()
    for word in sorted(synonym_groups(), key=len, reverse=True):
        start = lowered.find(word.lower())
        while start >= 0:
            if not any(taken[start : start + len(word)]):
                found[word] = synonym_groups()[word]
                for i in range(start, start + len(word)):
                    taken[i] = True
            start = lowered.find(word.lower(), start + 1)
    return found


@lru_cache(maxsize=1)
def glossary() -> list[tuple[re.Pattern[str], str]]:
    """English terms of this genre and their Chinese, so English questions find Chinese words."""
    pairs = []
    for line in (DATA / "glossary_en_zh.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese = line.split("\t", 1)
        pairs.append((re.compile(rf"\b{re.escape(english)}", re.I), chinese.strip()))
    return pairs


def glossary_in(text: str) -> list[str]:
    """The glossary's Chinese for each English term of `text`, read left to right, the longest term
    at each place and no two overlapping: "minimum living allowance" is 低保, not also 补贴 for its
    "allowance"; "three public spending" is 三公 and then spending, not public spending."""
    matches = sorted(((m.start(), -(m.end() - m.start()), m.end(), chinese) for pattern, chinese in glossary()
                      for m in pattern.finditer(text)))
    found, reached = [], 0
    for start, _, end, chinese in matches:
        if start >= reached:
            found.append(chinese)
            reached = end
    return found


def chinese_keywords(text: str) -> str:
    """The Chinese terms an English question mentions (empty for Chinese questions)."""
    return " ".join(glossary_in(text))


def named_things(text: str) -> list[tuple[str, ...]]:
    """The glossary entries an English question mentions, each as its Chinese alternatives,
    without the entries that only ask ("how many" → 多少)."""
    asking = set(words("question_words"))
    entries = list(dict.fromkeys(tuple(chinese.split()) for chinese in glossary_in(text)))
    return [entry for entry in entries if not set(entry) <= asking]


@lru_cache(maxsize=1)
def _separable() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (word, re.compile(rf"{re.escape(word[0])}[了过着]?[^,，。?？]{{0,5}}?{re.escape(word[1:])}"))
        for word in question_table("separable").get("words", ())
    )


def with_whole_verbs(text: str) -> str:
    """The text with each split verb also written whole: "立了多少案" → "立了多少案 立案"."""
    joined = [word for word, split in _separable() if word not in text and split.search(text)]
    return f"{text} {' '.join(joined)}" if joined else text


@lru_cache(maxsize=1)
def _asking() -> re.Pattern[str]:
    measures = "|".join(re.escape(w) for w in words("measure_words"))
    fillers = "|".join(re.escape(w) for w in sorted(question_table("asking").get("filler", ()), key=len, reverse=True))
    exact = "|".join(question_table("exact").get("patterns", ()))
    # "百分之几", "百分之多少": a percentage asked, not the word 百分 of 个百分点
    return re.compile(rf"{exact}|百分之(?:多少|几)(?:个点)?|(?:多少|几)(?:{measures})?|{fillers}")


@lru_cache(maxsize=1)
def _manner() -> re.Pattern[str]:
    return re.compile("|".join(question_table("exact").get("patterns", ())))


def without_manner(text: str) -> str:
    """The text without what says how exact the answer must be ("要准数", "精确到小数点",
    "别说超过N"), closed up: "投资精确到小数点是多少" asks of 投资."""
    return _manner().sub("", text)


def without_asking_words(text: str) -> str:
    """The text without its asking words ("几个", "多少家", "这次", "一共"): in "几个人", 个人 is no word."""
    return _asking().sub(" ", text)
