"""Which notices a question reaches: the places it names, "the latest", or all of them.

A notice names its place in its title and opening only (ingest.context keeps them, with
the short forms people use: 高明区 / 高明); the sentence that holds a figure says 全区.
So a question's place words are matched against each notice's places, not its
sentences: a question that names a place is answered only from that place's notices,
and one that names a place no notice is about is answered "not stated" before any
sentence of another place can be taken for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from assistant.lexicon import question_table


@dataclass(frozen=True)
class Scope:
    doc_ids: frozenset[str] | None  # the notices to answer from (None: every notice)
    places: tuple[str, ...] = ()  # the place words the question names, as written
    unknown_place: str = ""  # a place the question names that no notice is about
    several: bool = False  # more than one notice can answer
    above: str = ""  # "江屿市全市…": the whole of a place the notices reached are only within
    read_as: tuple[str, str] = ()  # ("诸阳市", "渚阳市"): a place name one character off a known one, read as it


@lru_cache(maxsize=1)
def _rules() -> tuple[re.Pattern[str], frozenset[str], tuple[str, ...]]:
    table = question_table("places")
    suffixes = "|".join(sorted(table["suffixes"], key=len, reverse=True))
    name = f"[^{table['not_in_name']}\\W\\d]"
    place = re.compile(rf"(?<![{table['not_before']}])(?P<name>{name}{{2,5}}?(?:{suffixes}))(?![{table['not_after']}])")
    return place, frozenset(table["not_places"]), tuple(table["latest"])


@lru_cache(maxsize=16384)
def _place_names(places: str) -> frozenset[str]:
    """The names a notice's places go by (its catalog's JSON), parsed once per distinct value:
    every question reads every notice's places."""
    names = set()
    for place in json.loads(places):
        names.add(place.get("name", ""))
        if len(place.get("short", "")) >= 2:
            names.add(place["short"])
    return frozenset(n for n in names if n)


def _sounds(name: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(name))


def _pinyin_keys(name: str) -> tuple[str, ...]:
    """How an English question may write a place, spaces left out: 岚溪县 → "lanxi" ("Lanxi",
    "Lan Xi"); a character of several readings in each of them (苕岭: "tiaoling", "shaoling")."""
    from itertools import islice, product

    from pypinyin import Style, pinyin

    short = re.sub(r"(省|市|区|县|镇|乡)$", "", name)
    if len(short) < 2:
        return ()
    readings = pinyin(short, style=Style.NORMAL, heteronym=True)
    return tuple(dict.fromkeys("".join(r).lower() for r in islice(product(*readings), _MAX_READINGS)))


# A place name of many polyphonic characters is looked up by this many of its readings at most.
_MAX_READINGS = 16


@dataclass(frozen=True)
class _PlaceIndex:
    """Every place name of a set of notices, looked up by the question's own substrings (and, for
    English, its runs of words in pinyin), so that a question costs the same whether the store
    holds ten notices or a thousand."""

    by_place: dict[str, frozenset[str]]  # name → the notices about it
    longest: int

    @cached_property
    def by_pinyin(self) -> dict[str, tuple[str, ...]]:
        """"lanxi" → 岚溪县, 岚溪: made at the first English question (pypinyin loads in ≈0.4 s)."""
        found: dict[str, list[str]] = {}
        for name in self.by_place:
            for key in _pinyin_keys(name):
                found.setdefault(key, []).append(name)
        return {k: tuple(v) for k, v in found.items()}

    def named(self, question: str) -> list[str]:
        """The place names `question` names, longest first, none inside a longer one."""
        found: dict[str, int] = {}
        if re.search(r"[\u4e00-\u9fff]", question):
            for size in range(min(self.longest, len(question)), 1, -1):
                for at in range(len(question) - size + 1):
                    piece = question[at : at + size]
                    if piece in self.by_place and piece not in found:
                        found[piece] = at
        if not found:
            # "Hengtang: … value added (全部工业增加值)?": English naming the place in pinyin may
            # paste the notice's words, not its place, in Chinese
            words = list(re.finditer(r"[A-Za-z]+", question))
            for i, first in enumerate(words):
                for j in range(i, min(i + 4, len(words))):
                    key = "".join(w.group() for w in words[i : j + 1]).lower()
                    for name in self.by_pinyin.get(key, ()):
                        found.setdefault(name, first.start())
        named, taken = [], [False] * len(question)
        for name in sorted(found, key=len, reverse=True):
            at = found[name]
            span = len(name) if at + len(name) <= len(question) and question[at : at + len(name)] == name else 1
            if not any(taken[at : at + span]):
                named.append(name)
                taken[at : at + span] = [True] * span
        return named


@lru_cache(maxsize=64)
def _index(places: tuple[tuple[str, str], ...]) -> _PlaceIndex:
    by_place: dict[str, set[str]] = {}
    for doc_id, record_places in places:
        for name in _place_names(record_places):
            by_place.setdefault(name, set()).add(doc_id)
    return _PlaceIndex({n: frozenset(d) for n, d in by_place.items()}, max(map(len, by_place), default=0))


def scope_of(question: str, records, doc_ids: set[str] | None, mentioned=lambda word: False) -> Scope:
    """The notices `question` reaches among `records` (limited to `doc_ids` when given).

    `mentioned(word)` says whether any stored notice's text holds `word`: a place some notice
    mentions (木里县, in a sentence about aid) is never taken for a place no notice is about."""
    pool = [r for r in records if doc_ids is None or r.doc_id in doc_ids]
    index = _index(tuple((r.doc_id, r.places or "[]") for r in pool))
    by_place = index.by_place
    named = index.named(question)
    taken = [False] * len(question)
    for name in named:
        at = question.find(name)
        if at >= 0:
            taken[at : at + len(name)] = [True] * len(name)
    place_rule, not_places, latest_words = _rules()
    unknown = ""
    # Asking words before a place are blanked, not removed, so offsets stay those of `question`.
    plain = _ASKING_START.sub(lambda m: " " * len(m.group()), question)
    for found in place_rule.finditer(plain):
        word = found.group("name")
        if any(taken[found.start() : found.end()]) or any(word.endswith(n) for n in not_places):
            continue
        # Only a word standing where a place is named ("新昌县…", "请问新昌县…"): a run of Han
        # characters that merely ends in 区 or 省 (支持区人民医院, 落实省委) is not one.
        if not _PLACE_START.search(plain[: found.start()]):
            continue
        # A store written before notices knew their places still has their titles.
        known = any(word in k or k in word for k in by_place) or any(word in r.title for r in pool)
        if not known and not mentioned(word):
            unknown = word
            break
    read_as: tuple[str, str] = ()
    if unknown and not named:
        # "诸阳市" where a notice is about 渚阳市: one character off a known place, sounding the
        # same (the input method's slip), and no other such place, is read as it (said in the
        # answer). 东阳市 is not 南阳市: another place, not a slip.
        near = [k for k in by_place if len(k) == len(unknown) >= 3 and k[-1] == unknown[-1]
                and sum(a != b for a, b in zip(k, unknown)) == 1 and _sounds(k) == _sounds(unknown)]
        if len(near) == 1:
            read_as, named, unknown = (unknown, near[0]), [near[0]], ""
    if named:
        reached = set(frozenset.intersection(*(by_place[n] for n in named)) or frozenset.union(*(by_place[n] for n in named)))
    else:
        reached = {r.doc_id for r in pool}
    if any(w in question.lower() for w in latest_words) and len(reached) > 1:
        newest = max(_when(r) for r in pool if r.doc_id in reached)
        reached = {r.doc_id for r in pool if r.doc_id in reached and _when(r) == newest}
    limited = frozenset(reached) if (named or doc_ids is not None or len(reached) < len(pool)) else None
    above = _whole_above(question, named, [r for r in pool if r.doc_id in reached])
    places = tuple(read_as[0] if read_as and n == read_as[1] else n for n in named)
    return Scope(limited, places, unknown if not named else "", len(reached) > 1, above, read_as)


def _whole_above(question: str, named: list[str], records) -> str:
    """The place named when the question asks for the whole of it ("江屿市全市…") and every notice
    it reaches is about a place within it (澄川县's notice names its city): they do not say."""
    whole_of = question_table("places").get("whole_of", {})
    for name in named:
        levels = set()
        for record in records:
            places = json.loads(record.places or "[]")
            level = next((p.get("level") for p in places if name in (p.get("name"), p.get("short"))), None)
            if level is None or not places or name in (places[-1].get("name"), places[-1].get("short")):
                levels = set()
                break
            levels.add(level)
        if len(levels) == 1 and any(word in question for word in whole_of.get(levels.pop(), ())):
            return name
    return ""


# What may stand before a place a question names: nothing, a non-Han character, or a few words.
_PLACE_START = re.compile(r"(?:^|[^\u4e00-\u9fff]|关于|在|对|和|与|跟|及|那|那么)$")
_ASKING_START = re.compile(r"^\s*(?:请问一下|请问|问一下|我想问|想问|想知道|那么|那)")


def _when(record) -> str:
    return record.signed_on or record.published_on or record.year or ""
