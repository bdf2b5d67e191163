"""Generated notices of this genre, for the growth benchmark and its right-notice rate.

A generated notice recombines the sections of real ones (the bundled notice, and
eval/notices/*.txt when present): each part 一、二、三、 comes from one source,
keeps a random subset of its sections (sometimes with sections borrowed from
another source's same part), and every heading is renumbered so the outline
stays well formed. Every figure is then perturbed (years shifted, months and days
redrawn, amounts and counts scaled), and the title and signature name an invented
place, so no two notices are alike. The text is synthetic: it is for timing the
store and the retrieval at scale, not for reading.

The corpus has the collisions of a real series: every notice is about a place of its
own (no two share one) and the place is named only in the title, the opening and the
signature. The body's mentions of its source's places become the unit's own words
(区委, 全区). One sentence of a shared template, under the first part, states a few
metrics (`METRICS`) with the notice's own figures, and says "全区"/"全县", never the
place. Each notice is silent on some of them, as real ones are on what others state.
What each notice states is recorded (`GeneratedNotice.metrics`, and `truth.json`
beside the files), so the bench can tell whether an answer came from the right notice.

    python -m eval.generate --count 100 --out /tmp/corpus [--seed 0]
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from collections.abc import Callable

import click

from assistant.config import REPO_ROOT, SAMPLE_NOTICE
from ingest.headings import match_heading
from ingest.notice import read_notice

_CN_DIGITS = "零一二三四五六七八九"
_CN = "一二三四五六七八九十百零〇两"

# The heading numeral at each level, as it is written (full- or half-width kept).
_RELABEL = {
    1: re.compile(rf"^(\s*)[{_CN}]{{1,4}}(、)"),
    2: re.compile(rf"^(\s*第)[{_CN}]{{1,4}}(方面问题|方面|部分)"),
    3: re.compile(rf"^(\s*[(\uff08])[{_CN}]{{1,4}}([)\uff09])"),
    4: re.compile(r"^(\s*)[0-9\uff10-\uff19]{1,3}([.\uff0e、])"),
}
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d])")
_ITEM_MARK = re.compile(r"[(\uff08]\d{1,2}[)\uff09]")
_SIGNATURE_DATE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")

# Place names: 30 x 40 county stems (each notice gets one no other notice has) under a few cities.
_PLACE_HEADS = "澜岚琅沅汐澄翠珑湄溆芷蘅莳苒蔚筠瑶琮璟珂枫棠桐楠柘梓榆槐桦椿"
_PLACE_TAILS = "川溪岭泽湾源岗坪浦屿洲渚汀滨塘潭峪峰冈埠陂圩垭坳埇墩堡寨渡津澳沚涧漪湖滩矶沔汭洑"
_CITIES = ("鸾江", "霁山", "栾阳", "邬城", "峄平", "邰州", "汝宁", "郗原")


@dataclass(frozen=True)
class Metric:
    """A figure of the shared template: how the sentence states it, and how a question names it."""

    key: str
    clause: str  # with {figure}
    name: str  # what a question asks for
    unit: str
    low: float
    high: float
    decimals: int = 0


# Names no source notice uses, so the only sentence that states one is the template's.
METRICS = (
    Metric("petitions", "全{area}共受理群众信访举报{figure}", "受理群众信访举报", "件", 120, 980),
    Metric("recovered", "追缴违纪违法资金{figure}", "追缴违纪违法资金", "万元", 100, 999, 1),
    Metric("trained", "培训基层党务工作者{figure}", "培训基层党务工作者", "人次", 300, 4800),
    Metric("satisfaction", "群众满意度达到{figure}", "群众满意度", "%", 85, 99.9, 1),
)
_SILENT = 0.25  # the chance a notice does not state a metric
TRUTH_FILE = "truth.json"

# How much of a part's sections a generated notice keeps, by level of the section.
_KEEP = {1: 0.75, 2: 0.8, 3: 0.85}
_BORROW = 0.3


@dataclass
class Block:
    """A heading, the paragraphs of its own text, and the blocks under it."""

    level: int
    lines: list[str]
    children: list["Block"] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    preamble: list[str]  # paragraphs between the title and the first part
    parts: list[Block]  # the level-1 parts (一、二、三、)
    places: tuple[tuple[str, str], ...] = ()  # (name, short form) of the places it is about


@dataclass(frozen=True)
class GeneratedNotice:
    text: str
    place: str  # the county-level place the notice is about: 岚溪区
    city: str  # 鸾江市
    year: int
    metrics: dict[str, str | None]  # METRICS key -> the figure as written ("356件"), None where silent


def outline(text: str) -> Source:
    """The notice's paragraphs as a tree of headings; the title and signature are dropped."""
    root = Block(0, [])
    stack = [root]
    for line in (ln for ln in text.split("\n") if ln.strip()):
        heading = match_heading(line)
        if heading is None:
            stack[-1].lines.append(line)
            continue
        while stack[-1].level >= heading.level:
            stack.pop()
        block = Block(heading.level, [line])
        stack[-1].children.append(block)
        stack.append(block)
    _drop_signature(stack[-1])
    return Source(preamble=root.lines[1:], parts=[b for b in root.children if b.level == 1])


def _drop_signature(last: Block) -> None:
    lines = last.lines
    if len(lines) >= 2 and _SIGNATURE_DATE.match(lines[-1]):
        del lines[-1]
        if len(lines) >= 2 and len(lines[-1].strip()) <= 40 and not re.search(r"[。,\uff0c;\uff1b]", lines[-1]):
            del lines[-1]


def load_sources(extra_dir: Path = REPO_ROOT / "eval" / "notices") -> list[Source]:
    paths = [SAMPLE_NOTICE, *sorted(extra_dir.glob("*.txt"))]
    sources = []
    for path in paths:
        notice = read_notice(path)
        source = outline(notice.text)
        places = tuple((p.name, p.short) for p in notice.context.places)
        sources.append(Source(source.preamble, source.parts, places))
    return sources


def place_names(sources: list[Source], seed: int) -> list[str]:
    """County stems in a fixed shuffled order, none of them a source's place."""
    taken = {short for s in sources for _, short in s.places}
    stems = [h + t for h in _PLACE_HEADS for t in _PLACE_TAILS if h + t not in taken]
    random.Random(f"{seed}:places").shuffle(stems)
    return stems


class NoticeGenerator:
    """Deterministic: notice `i` of seed `s` is the same text on every machine and run."""

    def __init__(self, sources: list[Source], seed: int = 0):
        if not sources:
            raise ValueError("no source notices to recombine")
        self.sources = sources
        self.seed = seed
        self.stems = place_names(sources, seed)
        # Every source's places, longest first (高明区 before 高明), a run of them (佛山市高明区) as one.
        words = sorted({w for s in sources for pair in s.places for w in pair if len(w) >= 2}, key=len, reverse=True)
        alternatives = "|".join(map(re.escape, words)) or "(?!)"
        self._foreign = re.compile(rf"(?P<names>(?:{alternatives})+)(?P<party>委)?")

    def notice(self, index: int) -> GeneratedNotice:
        if index >= len(self.stems):
            raise ValueError(f"at most {len(self.stems)} notices, each about a place of its own")
        rng = random.Random(f"{self.seed}:{index}")
        year_shift = rng.choice([-4, -3, -2, -1, 1, 2, 3])
        unit, kind = rng.choice([("区委", "巡视"), ("县委", "巡察"), ("区委", "巡察"), ("县委", "巡视")])
        area = unit[0]
        city = rng.choice(_CITIES) + "市"
        place = self.stems[index] + area
        issuer = f"中共{city}{place}{unit[1:]}"
        title = f"{issuer}关于{kind}整改进展情况的通报"

        def own(line: str, opening: bool) -> str:
            return self._localise(perturb(line, rng, year_shift), area, f"{city}{place}" if opening else "")

        preamble = rng.choice([s.preamble for s in self.sources if s.preamble] or [[]])
        parts_count = max(len(s.parts) for s in self.sources)
        body: list[str] = [own(line, True) for line in preamble]
        metrics, sentence = self._template(rng, area)
        number = 0
        for position in range(parts_count):
            owners = [s for s in self.sources if len(s.parts) > position]
            part = rng.choice(owners).parts[position]
            donors = [s.parts[position] for s in owners if s.parts[position] is not part]
            number += 1
            lines = self._render(part, number, lambda line: own(line, False), rng, donors)
            if number == 1 and sentence:  # after the first part's heading and its first paragraph
                lines.insert(min(2, len(lines)), sentence)
            body.extend(lines)
        year = 2021 + year_shift
        signature = [issuer, f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
        text = "\n\n".join([title, *body, *signature]) + "\n"
        return GeneratedNotice(text, place, city, year, metrics)

    def _localise(self, line: str, area: str, opening_place: str) -> str:
        """A source's places become this notice's: its own name in the opening, the unit's words elsewhere."""
        def replace(found: re.Match[str]) -> str:
            if opening_place:
                return opening_place + (found.group("party") or "")
            if found.group("party"):  # 佛山市高明区委 → 区委, 佛山市委 → 市委
                suffix = found.group("names")[-1]
                return (area if suffix in "区县" else suffix) + "委"
            return f"全{area}"  # 高明区 / 高明 → 全区

        line = self._foreign.sub(replace, line)
        other = "县" if area == "区" else "区"
        return line.replace(f"全{other}", f"全{area}").replace(f"{other}委", f"{area}委")
    def _template(self, rng: random.Random, area: str) -> tuple[dict[str, str | None], str]:
        """The shared sentence with this notice's figures; the metrics it is silent on are left out."""
        metrics: dict[str, str | None] = {}
        clauses = []
        for metric in METRICS:
            value = round(rng.uniform(metric.low, metric.high), metric.decimals)
            figure = (f"{value:.{metric.decimals}f}" if metric.decimals else str(int(value))) + metric.unit
            stated = rng.random() >= _SILENT
            metrics[metric.key] = figure if stated else None
            if stated:
                clauses.append(metric.clause.format(area=area, figure=figure))
        if not clauses:
            return metrics, ""
        if not clauses[0].startswith("全"):
            clauses[0] = f"全{area}" + clauses[0]
        return metrics, "今年以来," + ",".join(clauses) + "。"

    def _render(self, block: Block, number: int, own: Callable[[str], str], rng: random.Random, donors: list[Block]) -> list[str]:
        heading = relabel(own(block.lines[0]), block.level, number)
        lines = [heading, *(own(line) for line in block.lines[1:])]
        children = [c for c in block.children if rng.random() < _KEEP.get(c.level, 1.0)] or block.children[:1]
        level = block.children[0].level if block.children else None
        for donor in donors:
            children += [c for c in donor.children if c.level == level and rng.random() < _BORROW / 2]
        for i, child in enumerate(children, start=1):
            lines.extend(self._render(child, i, own, rng, []))
        return lines

    def write(self, count: int, out: Path) -> list[Path]:
        """COUNT notices as generated-NNNN.txt, and truth.json: each file's place, year and metric figures."""
        out.mkdir(parents=True, exist_ok=True)
        paths, truth = [], {}
        for i in range(count):
            notice = self.notice(i)
            path = out / f"generated-{i:04d}.txt"
            path.write_text(notice.text, encoding="utf-8")
            paths.append(path)
            truth[path.name] = {k: v for k, v in asdict(notice).items() if k != "text"}
        (out / TRUTH_FILE).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return paths


def read_truth(folder: Path) -> dict[str, dict]:
    """What `write` recorded, by file name."""
    return json.loads((folder / TRUTH_FILE).read_text(encoding="utf-8"))


def relabel(line: str, level: int, number: int) -> str:
    """Give a heading its new position: `(三)` → `(一)`, `4、` → `1、`, `第二方面问题` → `第一方面问题`."""
    numeral = str(number) if level == 4 else chinese_numeral(number)
    return _RELABEL[level].sub(lambda m: f"{m.group(1)}{numeral}{m.group(2)}", line, count=1)


def chinese_numeral(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def perturb(text: str, rng: random.Random, year_shift: int) -> str:
    """Every figure altered: years shifted, months and days redrawn, other numbers scaled."""
    protected = {m.start() for m in _ITEM_MARK.finditer(text)}

    def change(found: re.Match[str]) -> str:
        raw = found.group()
        if found.start() - 1 in protected:  # the `1` of an item mark `(1)`: its order must stay
            return raw
        after = text[found.end() : found.end() + 1]
        if "." not in raw:
            value = int(raw)
            if len(raw) == 4 and 1990 <= value <= 2039:
                return str(value + year_shift)
            if after == "月" and 1 <= value <= 12:
                return str((value - 1 + rng.randint(1, 11)) % 12 + 1)
            if after in ("日", "号") and 1 <= value <= 31:
                return str((value - 1 + rng.randint(1, 27)) % 28 + 1)
            scaled = max(1, round(value * rng.uniform(0.5, 1.8)))
            return str(scaled if scaled != value else value + 1)
        decimals = len(raw.split(".")[1])
        value = float(raw)
        scaled = round(value * rng.uniform(0.5, 1.8), decimals)
        if scaled == value:
            scaled = round(value + 10**-decimals, decimals)
        return f"{scaled:.{decimals}f}"

    return _NUMBER.sub(change, text)


@click.command()
@click.option("--count", default=100, show_default=True, type=click.IntRange(min=1), help="How many notices.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to write into.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same notices.")
def main(count: int, out: Path, seed: int) -> None:
    """Write COUNT generated notices (generated-NNNN.txt) into OUT."""
    paths = NoticeGenerator(load_sources(), seed).write(count, out)
    click.echo(f"wrote {len(paths)} notices to {out}")


if __name__ == "__main__":
    main()
