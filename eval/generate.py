"""Generated notices of this genre, for the growth benchmark.

A generated notice recombines the sections of real ones (the bundled notice, and
eval/notices/*.txt when present): each part 一、二、三、 comes from one source,
keeps a random subset of its sections (sometimes with sections borrowed from
another source's same part), and every heading is renumbered so the outline
stays well formed. Every figure is then perturbed (years shifted, months and days
redrawn, amounts and counts scaled), and the title and signature name an invented
place, so no two notices are alike. The text is synthetic: it is for timing the
store and the retrieval at scale, not for reading.

    python -m eval.generate --count 100 --out /tmp/corpus [--seed 0]
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

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

_PLACE_HEADS = "澜岚琅沅汐澄翠珑湄溆"
_PLACE_TAILS = "川溪岭泽湾源岗坪浦屿"

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
    return [outline(read_notice(p).text) for p in paths]


class NoticeGenerator:
    """Deterministic: notice `i` of seed `s` is the same text on every machine and run."""

    def __init__(self, sources: list[Source], seed: int = 0):
        if not sources:
            raise ValueError("no source notices to recombine")
        self.sources = sources
        self.seed = seed

    def notice(self, index: int) -> str:
        rng = random.Random(f"{self.seed}:{index}")
        year_shift = rng.choice([-4, -3, -2, -1, 1, 2, 3])
        place = rng.choice(_PLACE_HEADS) + rng.choice(_PLACE_TAILS)
        county = rng.choice(_PLACE_HEADS) + rng.choice(_PLACE_TAILS)
        unit, kind = rng.choice([("区委", "巡视"), ("县委", "巡察"), ("区委", "巡察"), ("县委", "巡视")])
        issuer = f"中共{place}市{county}{unit}"
        title = f"{issuer}关于{kind}整改进展情况的通报"

        preamble = rng.choice([s.preamble for s in self.sources if s.preamble] or [[]])
        parts_count = max(len(s.parts) for s in self.sources)
        body: list[str] = [perturb(line, rng, year_shift) for line in preamble]
        number = 0
        for position in range(parts_count):
            owners = [s for s in self.sources if len(s.parts) > position]
            part = rng.choice(owners).parts[position]
            donors = [s.parts[position] for s in owners if s.parts[position] is not part]
            number += 1
            body.extend(self._render(part, number, rng, year_shift, donors))
        year = 2021 + year_shift
        signature = [issuer, f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
        return "\n\n".join([title, *body, *signature]) + "\n"

    def _render(self, block: Block, number: int, rng: random.Random, year_shift: int, donors: list[Block]) -> list[str]:
        heading = relabel(perturb(block.lines[0], rng, year_shift), block.level, number)
        lines = [heading, *(perturb(line, rng, year_shift) for line in block.lines[1:])]
        children = [c for c in block.children if rng.random() < _KEEP.get(c.level, 1.0)] or block.children[:1]
        level = block.children[0].level if block.children else None
        for donor in donors:
            children += [c for c in donor.children if c.level == level and rng.random() < _BORROW / 2]
        for i, child in enumerate(children, start=1):
            lines.extend(self._render(child, i, rng, year_shift, []))
        return lines

    def write(self, count: int, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(count):
            path = out / f"generated-{i:04d}.txt"
            path.write_text(self.notice(i), encoding="utf-8")
            paths.append(path)
        return paths


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
