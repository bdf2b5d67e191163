"""Site furniture out of a notice's text: the page around the notice, with what it says about the notice kept.

Published notices arrive wrapped in their web site: header lines (`发布时间:… 来源:… 浏览量:`),
tool bars (`【字体:大 中 小】 打印 分享`), government metadata blocks (`信息索引号 / 发布机构 /
成文日期`), the title repeated by the page title and the breadcrumb, and footers (主办单位, ICP).
None of it is the notice, but its dates, issuer and source are the notice's metadata, so they are
returned rather than thrown away.

The labels and patterns are data (`ingest/data/furniture.json`). A header rule only ever removes
the span it recognised: a long line that happens to open with `来源:… 发布时间:…` keeps the rest of
its text. Every rule is a bounded regular expression applied once per line, so the work is linear
in the text's length.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "furniture.json"
# Lines longer than this are body text, whatever they start with: whole-line rules skip them.
MAX_FURNITURE_LINE = 200
# The title and its repeats sit in the first lines, before the first long paragraph.
TITLE_REGION_LINES = 15
TITLE_MAX = 80
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_DATE_PARTS = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# A value ends at a space, a bracket, a sentence mark or the next label; bounded so that a label
# glued to body text is not mistaken for furniture.
_VALUE = r"[^\s:：|【】\[\]。，,；;！？!?]{1,80}"
_SITE_SUFFIX = re.compile(r"^[_|\-－—｜]+.{1,25}$")


@dataclass(frozen=True)
class _Rules:
    labels: dict[str, str]  # label → the metadata field its value fills ("" for none)
    metadata_labels: frozenset[str]
    run: re.Pattern  # a run of header items: label:value pairs, tool words, the font-size bar
    item: re.Pattern  # one label:value pair, with groups
    breadcrumb: re.Pattern
    footer: re.Pattern
    title_date: re.Pattern
    title_line: re.Pattern


@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    labels = {**data["header_labels"], **data["metadata_labels"]}
    label = "|".join(re.escape(w) for w in sorted(labels, key=len, reverse=True))
    tools = "|".join(re.escape(w) for w in sorted(data["tool_words"], key=len, reverse=True))
    # `\s*+` (possessive): a value glued to body text is not found by giving back a space.
    after = rf"(?=[\s|【\[]|$|(?:{label})\s*[:：])"
    # A value must end at a boundary; failing that the label stands alone (`浏览量:` before text).
    pair = rf"(?:{label})\s*[:：](?:\s*+(?:{_DATE}|{_VALUE}){after}|{after})"
    tool = rf"[【\[]?(?:{tools})[】\]]?(?=[\s|【\[]|$)"
    item = rf"(?:{pair}|{data['font_size']}|{tool})"
    boundary = r"(?<![^\s|【\[(（])"
    words = "|".join(data["title_words"])
    return _Rules(
        labels=labels,
        metadata_labels=frozenset(data["metadata_labels"]),
        run=re.compile(rf"{boundary}{item}(?:[\s|]*{item})*"),
        item=re.compile(rf"(?P<label>{label})\s*[:：](?:\s*+(?P<value>{_DATE}|{_VALUE}){after}|{after})"),
        breadcrumb=re.compile("|".join(data["breadcrumb"])),
        footer=re.compile("|".join(data["footer"])),
        title_date=re.compile(data["title_date_suffix"]),
        title_line=re.compile(rf"(?:关于.{{2,60}}|^.{{4,60}})(?:{words})\s*$"),
    )


def iso_date(text: str) -> str:
    found = _DATE_PARTS.search(text)
    if not found:
        return ""
    y, m, d = (int(g) for g in found.groups())
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= m <= 12 and 1 <= d <= 31 else ""


def strip_furniture(text: str, page_title: str = "") -> tuple[str, dict[str, str]]:
    """(the notice's text without the site around it, metadata found in that site).

    The metadata keys are `published_on`, `written_on` (成文日期), `source`, `issuer` (发布机构)
    and `title` (the title once, its glued date removed); a key is present only when found."""
    r = rules()
    meta: dict[str, str] = {}
    lines = text.split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        short = len(line) <= MAX_FURNITURE_LINE
        if short and (r.breadcrumb.search(line) or r.footer.search(line)):
            continue
        if short and _bare_label(line) in r.metadata_labels:
            # A metadata block written label on one line, value on the next.
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            value = lines[j].strip() if j < len(lines) else ""
            if value and len(value) <= TITLE_MAX and _bare_label(value) not in r.labels and "。" not in value:
                _record(meta, r.labels[_bare_label(line)], value)
                i = j + 1
            continue
        if short and line.lstrip().startswith("|") and _metadata_row(line, meta):
            continue
        if short and _spaced_metadata(line, meta):
            continue
        line = _strip_header_runs(line, meta)
        if line is not None:
            kept.extend(line.split("\n"))
    kept = _one_title(kept, page_title, meta)
    body = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", body).strip("\n"), meta


def _bare_label(line: str) -> str:
    return line.strip().strip("|").strip().rstrip(":：").strip()


def _metadata_row(line: str, meta: dict[str, str]) -> bool:
    """A metadata block read from a table: `| 信息索引号 | … | 发布机构 | … |` (label, value, …)."""
    labels = rules().labels
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    cells = [c for c in cells if c]
    if not cells or len(cells) % 2 or not all(_bare_label(c) in rules().metadata_labels for c in cells[::2]):
        return False
    for label, value in zip(cells[::2], cells[1::2]):
        _record(meta, labels[_bare_label(label)], value)
    return True


def _spaced_metadata(line: str, meta: dict[str, str]) -> bool:
    """A metadata block row written `信息索引号  QLXC-2024-000318`: its label, blanks, its value."""
    found = re.match(r"\s*([\u4e00-\u9fff]{2,6})[ \t\u3000]+(\S.{0,79})$", line)
    if not found or found.group(1) not in rules().metadata_labels or "。" in found.group(2):
        return False
    _record(meta, rules().labels[found.group(1)], found.group(2))
    return True


def _record(meta: dict[str, str], field: str, value: str) -> None:
    value = value.strip()
    if not field or not value:
        return
    if field in ("published_on", "written_on"):
        value = iso_date(value)
        if not value:
            return
    meta.setdefault(field, value)


def _strip_header_runs(line: str, meta: dict[str, str]) -> str | None:
    """The line without its header runs; None when the whole line was furniture."""
    r = rules()
    pieces: list[str] = []
    last = 0
    whole = line.strip(" \t\u3000|")
    for run in r.run.finditer(line):
        pairs = list(r.item.finditer(run.group()))
        alone = run.group().strip(" \t\u3000|") == whole
        dated = any(p["value"] and p["label"] and rules().labels[p["label"]] in ("published_on", "written_on") and iso_date(p["value"]) for p in pairs)
        # A run inside body text is removed only when it is unmistakably a header: it holds a
        # date or two labelled values. A lone label or tool word there is ordinary prose.
        if not (alone and len(line) <= MAX_FURNITURE_LINE) and not dated and len(pairs) < 2:
            continue
        for p in pairs:
            if p["value"]:
                _record(meta, r.labels[p["label"]], p["value"])
        if alone and len(line) <= MAX_FURNITURE_LINE:
            return None
        pieces.append(line[last : run.start()])
        last = run.end()
    if not pieces:
        return line
    pieces.append(line[last:])
    return "\n".join(p.strip(" \t\u3000") for p in pieces if p.strip())


def _norm(line: str) -> str:
    return re.sub(r"[\s#*]+", "", unicodedata.normalize("NFKC", line))


def _clean_title(line: str, meta: dict[str, str] | None = None) -> str:
    """A title line without Markdown marks and without the publication date glued to it."""
    title = line.strip().strip("#*").strip()
    found = rules().title_date.search(title)
    if found and rules().title_line.search(title[: found.start()]):
        if meta is not None:
            _record(meta, "published_on", found.group())
        title = title[: found.start()].rstrip()
    return title


def _is_title(line: str) -> bool:
    return len(line) <= TITLE_MAX and "。" not in line and bool(rules().title_line.search(line))


def _one_title(lines: list[str], page_title: str, meta: dict[str, str]) -> list[str]:
    """Keep the title once: drop the page title, the breadcrumb's copy and a heading split in two."""
    region: list[int] = []
    for i, line in enumerate(lines):
        if len(line.strip()) > 120 or len(region) >= TITLE_REGION_LINES:
            break
        if line.strip():
            region.append(i)
    title = ""
    for n, i in enumerate(region):
        cleaned = _clean_title(lines[i])
        cleaned = re.split(r"[_｜|]", cleaned)[0].strip() if not _is_title(cleaned) else cleaned
        if _is_title(cleaned):
            title = cleaned
            break
        if n + 1 < len(region):
            joined = cleaned + _clean_title(lines[region[n + 1]])
            if _is_title(joined) and len(cleaned) <= 60:
                title = joined
                break
    if not title and page_title:
        pieces = [p.strip() for p in re.split(r"[_｜|]|\s[-—]+\s", page_title)]
        title = next((p for p in pieces if _is_title(p)), "")
    if not title:
        return lines
    meta["title"] = title
    target = _norm(title)
    occurrences: list[tuple[list[int], bool]] = []  # (its lines, written exactly as the title)
    taken: set[int] = set()
    for n, i in enumerate(region):
        if i in taken:
            continue
        here = _norm(_clean_title(lines[i], meta))
        span = [i]
        if here != target and here and target.startswith(here) and n + 1 < len(region):
            following = region[n + 1]
            if here + _norm(_clean_title(lines[following], meta)) == target:
                span.append(following)
                here = target
        if here == target or (here.startswith(target) and _SITE_SUFFIX.match(here[len(target) :])):
            occurrences.append((span, len(span) == 1 and _norm(lines[i]) == target))
            taken.update(span)
    if not occurrences:
        return lines
    keep, exact = next((o for o in occurrences if o[1]), occurrences[0])
    if not exact:
        lines[keep[0]] = _title_line(lines[keep[0]], title)
    drop = {i for span, _ in occurrences for i in span} - {keep[0]}
    return [line for i, line in enumerate(lines) if i not in drop]


def _title_line(line: str, title: str) -> str:
    """The kept title line: its indent and Markdown marks as written, the title whole."""
    lead = re.match(r"\s*[#*]*\s*", line).group()
    return lead + title
