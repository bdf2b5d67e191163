"""A notice's own context: who issued it, about which places, what kind it is, and its dates.

Read once at ingest from the parts of a notice that state them — the title, the signature, the
site's metadata (see `ingest.furniture`) and the opening paragraph — so that a question naming a
place, an issuer, a kind or a year can be matched against the notice, not only the sentence that
holds a figure. Place suffixes and kind words are data (`ingest/data/places.json`, `kinds.tsv`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.furniture import TITLE_MAX, iso_date
from ingest.headings import match_heading

_DATA = Path(__file__).with_name("data")
# The opening states the events (巡视 period, 反馈 date) and the places; the rest is the body.
OPENING_CHARS = 600
SIGNATURE_LINES = 4
_CN_DATE = re.compile(r"^[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日$")
_DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DAY = r"\d{4}年\d{1,2}月\d{1,2}日"
# `2020年5月25日至7月10日`, `2021年9月6日至2022年1月5日`, `…至11月5日`
_PERIOD = re.compile(rf"(?P<start>{_DAY})\s*(?:至|到|—|-|－|~)\s*(?P<end>(?:\d{{4}}年)?(?:\d{{1,2}}月)?\d{{1,2}}日)")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")


@dataclass(frozen=True)
class Place:
    level: str  # 省 / 市 / 区县 / 乡镇
    name: str  # as written: 高明区
    short: str  # as people say it: 高明


@dataclass(frozen=True)
class Event:
    kind: str  # 巡视 / 巡察 / 审计 … (the period it took place) or 反馈
    date: str  # "2020-09-16", or a period "2020-05-25/2020-07-10"
    text: str  # as written in the notice


@dataclass(frozen=True)
class NoticeContext:
    title: str = ""
    issuer: str = ""
    places: tuple[Place, ...] = ()
    kind: str = ""
    published_on: str = ""
    signed_on: str = ""
    written_on: str = ""  # 成文日期 of a government metadata block
    source: str = ""
    events: tuple[Event, ...] = ()
    year: str = ""  # the year the notice speaks from ("今年以来"); a bulletin's: the year it reports on
    short_name: str = field(default="")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NoticeContext":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["places"] = tuple(Place(**p) for p in known.get("places") or ())
        known["events"] = tuple(Event(**e) for e in known.get("events") or ())
        return cls(**known)

    @property
    def place(self) -> Place | None:
        """The most specific place the notice is about."""
        return self.places[-1] if self.places else None


@dataclass(frozen=True)
class _PlaceRules:
    unit: re.Pattern
    suffix_level: dict[str, str]
    levels: tuple[str, ...]
    province_cities: frozenset[str]
    prefixes: tuple[str, ...]
    boundary: re.Pattern
    name_starts: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _place_rules() -> _PlaceRules:
    data = json.loads((_DATA / "places.json").read_text(encoding="utf-8"))
    suffixes = "|".join(re.escape(s) for s in sorted(data["suffixes"], key=len, reverse=True))
    stop = re.escape(data["name_stop_chars"])
    return _PlaceRules(
        unit=re.compile(rf"(?P<name>(?:(?![{stop}])[\u4e00-\u9fff]){{2,8}}?)(?P<suffix>{suffixes})"),
        suffix_level=data["suffixes"],
        levels=tuple(data["levels"]),
        province_cities=frozenset(data["province_level_cities"]),
        prefixes=tuple(data["issuer_prefixes"]),
        boundary=re.compile(rf"(?:^|(?<=[{data['free_text_after']}]))[\u4e00-\u9fff]"),
        name_starts=tuple(data.get("name_start_words", ())),
    )


@lru_cache(maxsize=1)
def _kinds() -> tuple[tuple[str, tuple[str, ...], str, bool, str], ...]:
    rows = []
    for line in (_DATA / "kinds.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, words, event, *rest = line.split("\t")
            rows.append((kind, tuple(words.split(",")), "" if event == "-" else event, bool(rest) and rest[0] == "title",
                         rest[1] if len(rest) > 1 else ""))
    return tuple(rows)


_WHOLE_YEAR = re.compile(r"\d{4}年度")


def reports_on_title_year(kind: str, title: str = "") -> bool:
    """Whether a notice reports on the year its title names, and comes out after it: a kind that
    does (a 2024 bulletin is published in 2025), or any titled "关于2024年度…的报告"."""
    return any(of_title for name, _, _, of_title, _ in _kinds() if name == kind) or bool(_WHOLE_YEAR.search(title))


def _usual_issuer(kind: str) -> str:
    return next((body for name, _, _, _, body in _kinds() if name == kind), "")


def extract_context(body: str, meta: dict[str, str] | None = None, page_title: str = "") -> NoticeContext:
    """The context of a notice whose furniture is already stripped (`meta` is what the
    furniture said: published_on, written_on, source, issuer, title)."""
    meta = meta or {}
    lines = [t for t in (line.strip() for line in body.split("\n")) if t]
    title = meta.get("title") or _fallback_title(lines) or page_title
    signer, signed_on = _signature(lines)
    under_title, dated = _title_block(lines, title)
    signed_on = signed_on or dated
    issuer = (signer or meta.get("issuer", "") or under_title
              or (title.split("关于", 1)[0] if "关于" in title else _issuer_in_title(title)))
    source = meta.get("source", "")
    issuer = issuer or (source if _names_a_body(source) else "")  # 信息来源:芷渡县统计局, and nothing else says
    opening = _opening(body)
    places = _places([issuer, meta.get("issuer", "")], [title], opening)
    kind, event_word = _kind(title, opening)
    bare = next((p for p in reversed(places) if issuer and p.name.endswith(issuer[0]) and not any(q.short in issuer for q in places)), None)
    if bare is not None:
        issuer = f"{bare.name}{issuer[1:]}"  # 来源:县审计局, on 苘垣县's page: 苘垣县审计局
    if not issuer and places and _usual_issuer(kind):
        issuer = f"{places[-1].name}{_usual_issuer(kind)}"  # 篆山县…统计公报, named by no one: 篆山县统计局
    events = _events(opening, event_word)
    published_on = meta.get("published_on", "")
    written_on = meta.get("written_on", "")
    year = next((d[:4] for d in (signed_on, written_on, published_on) if d), "")
    if not year and events:  # undated: it was written after the last event it reports (反馈)
        year = max(e.date.split("/")[-1][:4] for e in events)
    titled = re.search(r"(\d{4})年", title)
    if titled and reports_on_title_year(kind, title):
        # "鹤岭县2023年国民经济和社会发展统计公报", signed in 2024: its 全年, 年末 are 2023's
        year = titled.group(1)
    if not year:
        year = titled.group(1) if titled else ""
    short_name = " ".join(p for p in (places[-1].name if places else "", kind, year) if p)
    return NoticeContext(
        title=title,
        issuer=issuer,
        places=places,
        kind=kind,
        published_on=published_on,
        signed_on=signed_on,
        written_on=written_on,
        source=meta.get("source", ""),
        events=events,
        year=year,
        short_name=short_name,
    )


def _fallback_title(lines: list[str]) -> str:
    # A notice whose title did not read as one: its first short line, Markdown marks removed.
    first = lines[0].strip("#*").strip() if lines else ""
    return first if first and len(first) <= TITLE_MAX and "。" not in first else ""


def _signature(lines: list[str]) -> tuple[str, str]:
    """The issuing body and date that close a notice (`中共…区委` / `2021年5月6日`)."""
    for i in range(len(lines) - 1, max(len(lines) - SIGNATURE_LINES, 0) - 1, -1):
        line = lines[i].replace(" ", "")
        if _CN_DATE.match(line):
            line = _in_digits(line)
        date = _DATE_LINE.match(line)
        if date:
            signed = iso_date(line)
            before = lines[i - 1] if i > 0 else ""
            issuer = before if before and len(before) <= 40 and not re.search(r"[。,，;；:：]", before) else ""
            above = lines[i - 2].replace(" ", "") if issuer and i > 1 else ""
            if _names_a_body(above) and _names_a_body(issuer.replace(" ", "")):
                issuer = f"{above}、{issuer}"  # 苕岭县统计局 / 国家统计局苕岭调查队: both sign
            return issuer, signed
    return "", ""


# The date line under a title: `2024年3月25日`, `(2024年3月25日)`, `——二〇二四年一月十六日在…会议上`
_LEAD = re.compile(r"^(?:——|—|--)?\s*[((]?")
_DATE_AT_START = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)")


_MONTH_ONLY = re.compile(r"^[((]?(\d{4}年\d{1,2}月)[))]?$")


def _title_block(lines: list[str], title: str) -> tuple[str, str]:
    """The issuing body and date written under the title, as statistical bulletins and work
    reports give them (`鹤岭县统计局` / `2024年3月25日`; `——二〇二四年一月十六日在…上`), for a notice
    that closes without a signature."""
    if not title:
        return "", ""
    at = next((i for i, line in enumerate(lines[:4]) if title.startswith(line) or line.startswith(title)), None)
    if at is None:
        return "", ""
    issuer = ""
    for line in lines[at + 1 : at + 4]:
        compact = line.replace(" ", "").replace("\u3000", "")
        found = _DATE_AT_START.match(_LEAD.sub("", compact))
        month = None if found else _MONTH_ONLY.match(compact)
        if month:  # `2025年3月`: a bulletin dated by its month only
            return issuer, iso_date(f"{month.group(1)}1日")[:7]
        if found:
            date = found.group(1)
            return issuer, iso_date(date if date[0].isdigit() else _in_digits(date))
        bodies = [b for b in re.split(r"\s{2,}|\u3000+", line.strip()) if b]
        if not issuer and bodies and all(_names_a_body(b.replace(" ", "")) for b in bodies):
            issuer = "、".join(b.replace(" ", "") for b in bodies)  # 杳屏县统计局  国家统计局杳屏调查队
    return "", ""


def _names_a_body(line: str) -> bool:
    return 3 <= len(line) <= 30 and line.endswith(_issuer_suffixes()) and not re.search(r"[\d。,，;；:：、]", line)


def _issuer_in_title(title: str) -> str:
    """A body that opens the title of a notice not written `X关于…`: 云泽市人民政府 of
    云泽市人民政府工作报告; its place must come first (鹤岭县2023年…统计公报 names none)."""
    for suffix in _issuer_suffixes():
        at = title.find(suffix)
        if at < 0:
            continue
        name = title[: at + len(suffix)]
        if _names_a_body(name) and _chain(name, 0):
            return name
    return ""


@lru_cache(maxsize=1)
def _issuer_suffixes() -> tuple[str, ...]:
    data = json.loads((_DATA / "places.json").read_text(encoding="utf-8"))
    return tuple(sorted(data["issuer_suffixes"], key=len, reverse=True))


def _in_digits(date: str) -> str:
    """二〇二一年五月六日 → 2021年5月6日 (cn2an; ○ and 零 written for 〇)."""
    import cn2an

    return cn2an.transform(re.sub("[○零]", "〇", date), "cn2an")


def _opening(body: str) -> str:
    """The text before the first heading, at most OPENING_CHARS: where a notice states its occasion."""
    end = min(len(body), OPENING_CHARS)
    offset = 0
    for line in body[:end].split("\n"):
        if match_heading(line.strip()) is not None:
            end = offset
            break
        offset += len(line) + 1
    return body[:end]


def _chain(text: str, start: int) -> list[tuple[str, str]]:
    """Places written one after another from `start`: 广东省佛山市高明区 → three (name, suffix)."""
    rules = _place_rules()
    found = []
    # 中共佛山市高明区委: the party's name before the places is not part of them.
    start += next((len(p) for p in rules.prefixes if text.startswith(p, start)), 0)
    while True:
        unit = rules.unit.match(text, start)
        if not unit:
            return found
        found.append((unit.group(), unit.group("suffix")))
        start = unit.end()


def _places(issuers: list[str], titles: list[str], opening: str) -> tuple[Place, ...]:
    rules = _place_rules()
    chains: list[list[tuple[str, str]]] = []
    chains = [_chain(issuer, 0) for issuer in issuers]
    chains.extend(_chain(title, m.start()) for title in titles for m in rules.boundary.finditer(title))
    known = {name for chain in chains for name, _ in chain}
    for m in rules.boundary.finditer(opening):
        chain = _chain(opening, m.start())
        # Free text is trusted only where it names a place already known, or a province with
        # places under it: elsewhere `xx省`/`xx区` may be words (根据省委, 经济特区), not places.
        if any(name in known for name, _ in chain) or (
            len(chain) > 1 and rules.suffix_level[chain[0][1]] == "省"
        ):
            chains.append(chain)
    places: dict[str, Place] = {}
    for chain in chains:
        previous = -1
        for name, suffix in chain:
            # "关于东浦区2022年度…的通报": the title's 关于 opens the sentence, not the place's name.
            lead = next((w for w in rules.name_starts if name.startswith(w) and len(name) - len(w) > len(suffix)), "")
            name = name[len(lead):]
            stem = name[: -len(suffix)]
            level = rules.levels.index(rules.suffix_level[suffix])
            if suffix == "市" and stem in rules.province_cities:
                level = 0
            level = max(level, previous + 1) if previous >= 0 else level
            level = min(level, len(rules.levels) - 1)
            previous = level
            places.setdefault(name, Place(rules.levels[level], name, stem if len(stem) >= 2 else name))
    return tuple(sorted(places.values(), key=lambda p: rules.levels.index(p.level)))


def _kind(title: str, opening: str) -> tuple[str, str]:
    for where in (title, opening):
        for kind, words, event, _, _ in _kinds():
            if any(w in where for w in words):
                return kind, event
    return "", ""


def _events(opening: str, event_word: str) -> tuple[Event, ...]:
    """The period of the inspection (巡视/巡察 …) and the date its findings were fed back."""
    if not event_word:
        return ()
    events: list[Event] = []
    for sentence in _SENTENCE.findall(opening):
        period = _PERIOD.search(sentence)
        if period and event_word in sentence:
            start = iso_date(period["start"])
            end_text = period["end"]
            year = re.match(r"\d{4}", end_text)
            month = re.search(r"(\d{1,2})月", end_text)
            day = re.search(r"(\d{1,2})日", end_text).group(1)
            y = year.group() if year else start[:4]
            m = month.group(1) if month else start[5:7]
            end = f"{int(y):04d}-{int(m):02d}-{int(day):02d}"
            events.append(Event(event_word, f"{start}/{end}", period.group()))
            continue
        if "反馈" in sentence:
            day = re.search(_DAY, sentence)
            if day:
                events.append(Event("反馈", iso_date(day.group()), day.group()))
    return tuple(events)
