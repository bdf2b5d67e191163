"""Audit of the facts against the development eval sets: is the accepted figure a fact, named
by the words the question asks about, holding for the right time, and not out-named by another
fact of its sentence?

For every answerable figure item (money, percentage, count, date, trap, and followup/english
items whose answer is a figure) the notice is read as ingest reads it, its facts extracted, and
the fact whose text is the accepted answer looked for inside the item's evidence span. The word
scores are simple character-bigram overlaps so a person reading the printed lines can judge.

    python -m eval.fact_audit [--sets county,gaoming] [--worst 30]
"""

from __future__ import annotations

import argparse
import json
import re
from functools import lru_cache
from pathlib import Path

from ingest.facts import Fact, FactKind, extract_facts
from ingest.notice import read_notice
from ingest.numerals import parse_quantity, same_quantity
from ingest.textnorm import normalize, normalize_with_map

ROOT = Path(__file__).resolve().parents[1]
SETS = ROOT / "eval" / "sets"
NOTICE_DIRS = (ROOT / "eval" / "notices", ROOT / "assistant" / "samples")
FIGURE_KINDS = {"money", "percentage", "count", "date", "trap", "followup", "english"}
# Words of asking, not of the thing asked: they must not count as overlap.
ASKING = re.compile(r"多少钱|多少|几个|几项|几家|几人|几次|几件|几|是什么|什么时候|哪一天|哪天|哪年|何时|有没有|是否|怎么|如何|请问|呢|吗|啊|了|的|是|有|在|那|这|个|[?？,，。、\s]")
YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d\d)\s?年")


def bigrams(text: str) -> set[str]:
    cjk = re.sub(r"[^\u4e00-\u9fff]", " ", normalize(text))
    out = set()
    for run in cjk.split():
        out |= {run[i : i + 2] for i in range(len(run) - 1)} or {run}
    return out


def overlap(a: str, b: str) -> int:
    return len(bigrams(a) & bigrams(b))


@lru_cache(maxsize=None)
def notice(doc: str):
    for folder in NOTICE_DIRS:
        for suffix in (".txt", ".html"):
            path = folder / f"{doc}{suffix}"
            if path.is_file():
                n = read_notice(path)
                return n, extract_facts(n.text, notice_date=n.signed_on or n.published_on)
    return None


def evidence_span(text: str, evidence: str) -> tuple[int, int] | None:
    norm, omap = normalize_with_map(text)
    ev = normalize(evidence).strip()
    i = norm.find(ev)
    if i < 0:
        return None
    return omap.start(i), omap.end(i + len(ev))


def is_figure(answer: str) -> bool:
    return parse_quantity(answer) is not None


def asked_words(question: str, history: list[dict]) -> str:
    words = ASKING.sub(" ", normalize(question))
    if len(bigrams(words)) < 2 and history:  # 那巡察前是多少?: the thing asked is in the earlier turn
        words += " " + ASKING.sub(" ", normalize(history[0]["content"]))
    return words


def asked_year(question: str, notice_year: str) -> str:
    q = normalize(question)
    m = next((m for m in YEAR_IN_TEXT.finditer(q) if not re.search(r"[较比]$", q[: m.start()])), None)
    if m:
        return m.group(1)
    if "今年" in question and notice_year:
        return notice_year
    if "去年" in question and notice_year:
        return str(int(notice_year) - 1)
    return ""


def audit_item(item: dict) -> dict | None:
    if item["kind"] not in FIGURE_KINDS or not item.get("answers") or not item.get("evidence"):
        return None
    answers = [a for a in item["answers"] if is_figure(a)]
    if not answers:
        return None
    got = notice(item["doc"])
    if got is None:
        return None
    n, facts = got
    english = item["kind"] == "english" or not re.search(r"[\u4e00-\u9fff]", item["question"])
    span = evidence_span(n.text, item["evidence"])
    row = {"id": item["id"], "answer": answers[0], "question": item["question"], "evidence": item["evidence"], "problems": []}
    if span is None:
        row["problems"].append("evidence-not-in-text")
        return row
    inside = [f for f in facts if span[0] <= f.start < span[1]]
    fact = next((f for f in inside for a in answers if f.text == a), None) or next(
        (f for f in inside for a in answers if f.kind not in (FactKind.DATE,) and same_quantity(f.text, a)), None
    ) or next((f for f in inside for a in answers if normalize(a) in normalize(f.text) or normalize(f.text) in normalize(a)), None)
    if fact is None:
        row["problems"].append("not-found")
        row["inside"] = [f.text for f in inside]
        return row
    text = n.text
    before = text[max(fact.sentence_start, fact.start - 30) : fact.start]
    asked = before if english else asked_words(item["question"], item.get("history", []))
    named = f"{fact.governor} {fact.subject}"
    fit = overlap(named, asked)
    row.update(fact=fact, asked=asked.strip(), before=before)
    if fit == 0:
        row["problems"].append("governor-misfit")
    year = asked_year(item["question"], (n.signed_on or n.published_on)[:4])
    if not year:
        # the sentence's own year: the first written before the figure, outside 《…》 names
        sentence = re.sub(r"《[^》]*》", "", normalize(text[fact.sentence_start : fact.start]))
        years = [m.group(1) for m in YEAR_IN_TEXT.finditer(sentence) if not re.search(r"[较比]$", sentence[: m.start()])]
        year = years[0] if years else ""
    # 2018~2020 holds for 2019 too; a date's own time is the date, nothing to check
    years = [int(y) for y in re.findall(r"\d{4}", fact.time)]
    holds = bool(years) and min(years) <= int(year or 0) <= max(years) if year else True
    if fact.kind not in (FactKind.DATE, FactKind.YEAR, FactKind.DATE_RANGE) and not holds:
        row["problems"].append(f"time {fact.time or '∅'}≠{year}")
    if not english:
        own = overlap(fact.governor, asked)
        rivals = [
            f for f in facts
            if f.sentence_start == fact.sentence_start and f is not fact and f.kind == fact.kind and f.text != fact.text
            and overlap(f.governor, asked) > own
        ]
        if rivals:
            row["problems"].append("another-fits-better")
            row["rival"] = rivals[0]
    return row


def describe(f: Fact) -> str:
    return f"{f.text}[gov={f.governor!r} subj={f.subject!r} time={f.time}/{f.time_basis} role={f.role}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(sorted(p.stem for p in SETS.glob("*.jsonl"))))
    parser.add_argument("--worst", type=int, default=30)
    args = parser.parse_args(argv)
    bad: list[tuple[str, dict]] = []
    totals = {"items": 0, "found": 0, "governor-fit": 0, "time-ok": 0, "better-other": 0}
    print(f"{'set':<12}{'items':>6}{'found':>7}{'gov-fit':>9}{'time-ok':>9}{'better':>8}")
    for name in args.sets.split(","):
        rows = [r for r in (audit_item(json.loads(line)) for line in (SETS / f"{name}.jsonl").open(encoding="utf-8") if line.strip()) if r]
        found = [r for r in rows if "fact" in r]
        counts = {
            "items": len(rows),
            "found": len(found),
            "governor-fit": sum("governor-misfit" not in r["problems"] for r in found),
            "time-ok": sum(not any(p.startswith("time") for p in r["problems"]) for r in found),
            "better-other": sum("another-fits-better" in r["problems"] for r in found),
        }
        for k in totals:
            totals[k] += counts[k]
        print(f"{name:<12}{counts['items']:>6}{counts['found']:>7}{counts['governor-fit']:>9}{counts['time-ok']:>9}{counts['better-other']:>8}")
        bad += [(name, r) for r in rows if r["problems"]]
    print(f"{'all':<12}{totals['items']:>6}{totals['found']:>7}{totals['governor-fit']:>9}{totals['time-ok']:>9}{totals['better-other']:>8}")
    bad.sort(key=lambda x: (-("not-found" in x[1]["problems"] or "evidence-not-in-text" in x[1]["problems"]), -len(x[1]["problems"])))
    print(f"\nworst {min(args.worst, len(bad))} of {len(bad)}:")
    for name, r in bad[: args.worst]:
        line = f"{name}/{r['id']} {','.join(r['problems'])} | Q: {r['question']} | A: {r['answer']}"
        if "fact" in r:
            line += f" | fact {describe(r['fact'])} | asked: {r['asked'][:30]!r}"
        if "rival" in r:
            line += f" | rival {describe(r['rival'])}"
        if "inside" in r:
            line += f" | evidence: {r['evidence'][:60]} | facts there: {r['inside']}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
