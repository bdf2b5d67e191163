"""The eval sets: their items, where their notices live, and the checks that prove them.

An item is only worth grading against if its own claims hold: the evidence is a
verbatim span of the notice *as stored* (the text citation offsets point into),
it lies in the section the item names, and every accepted answer is written in
that evidence. `python -m eval.validate [SET ...]` prints every broken claim and
exits non-zero if there is one; the tests run it on every set.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.config import REPO_ROOT, SAMPLE_NOTICE
from assistant.errors import AssistantError
from eval.metrics import FIGURE_KINDS, evidence_spans, expected_figures

SETS_DIR = REPO_ROOT / "eval" / "sets"
NOTICES_DIR = REPO_ROOT / "eval" / "notices"
KINDS = ("money", "percentage", "count", "date", "name", "list", "trap", "followup", "unanswerable", "english", "comparison", "crossdoc")
# Items over two or more spans: `evidence` is a list (of the notice's spans, or aligned with `docs`).
MULTI_SPAN_KINDS = ("comparison", "crossdoc")
HELDOUT_DIR = REPO_ROOT / "eval" / "heldout"
_FIELDS = ("id", "doc", "kind", "question", "answers", "all_of", "section_path", "evidence", "history", "note")


@dataclass(frozen=True)
class EvalItem:
    id: str
    doc: str
    kind: str
    question: str
    answers: tuple[str, ...]
    all_of: tuple[str, ...]
    section_path: tuple[str, ...] | None  # None: the notice does not answer it
    evidence: str | None  # the first span of `evidences`
    history: tuple[dict, ...]
    note: str
    set_name: str
    evidences: tuple[str, ...] = ()  # every span the answer needs (one for most kinds)
    docs: tuple[str, ...] = ()  # crossdoc: the notice of each span; else (doc,)
    result: str = ""  # comparison: the computed difference or ratio the answer must state

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @classmethod
    def from_json(cls, data: dict, set_name: str) -> "EvalItem":
        path = data.get("section_path")
        raw = data.get("evidence")
        evidences = tuple(raw) if isinstance(raw, list) else (() if raw is None else (raw,))
        return cls(
            id=data["id"],
            doc=data["doc"],
            kind=data["kind"],
            question=data["question"],
            answers=tuple(data.get("answers") or ()),
            all_of=tuple(data.get("all_of") or ()),
            section_path=None if path is None else tuple(path),
            evidence=evidences[0] if evidences else None,
            history=tuple(data.get("history") or ()),
            note=data.get("note") or "",
            set_name=set_name,
            evidences=evidences,
            docs=tuple(data.get("docs") or (data["doc"],)),
            result=data.get("result") or "",
        )


class EvalSetError(AssistantError):
    """A set file that cannot be read as items at all (the validator lists the details)."""


def default_sets() -> list[Path]:
    return sorted(SETS_DIR.glob("*.jsonl"))


def heldout_sets() -> list[Path]:
    """The held-back third of the people's-words sets: looked at only to confirm, never to develop."""
    return sorted(HELDOUT_DIR.glob("*.jsonl"))


def notice_path(doc: str) -> Path:
    """The file a set's `doc` names: the bundled notice, or eval/notices/<doc>.txt."""
    if doc == SAMPLE_NOTICE.stem:
        return SAMPLE_NOTICE
    return NOTICES_DIR / f"{doc}.txt"


def load_set(path: Path) -> list[EvalItem]:
    """Items of one .jsonl set; raises EvalSetError if a line is not an item."""
    items, problems = read_set(path)
    if problems:
        raise EvalSetError(f"{problems[0]} (run `python -m eval.validate {path}` for every problem)")
    return items


def read_set(path: Path) -> tuple[list[EvalItem], list[str]]:
    """The items of a set and, for lines that are not items, why not."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return [], [f"{path}: cannot read ({exc.strerror})"]
    items, problems = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{number}: not JSON ({exc.msg})")
            continue
        shape = _shape_problems(data)
        if shape:
            problems.append(f"{path.name}:{number}: {'; '.join(shape)}")
        else:
            items.append(EvalItem.from_json(data, path.stem))
    return items, problems


def _shape_problems(data) -> list[str]:
    if not isinstance(data, dict):
        return ["not a JSON object"]
    problems = [f"missing field {name!r}" for name in _FIELDS if name not in data]
    for name in ("id", "doc", "kind", "question"):
        if name in data and not (isinstance(data[name], str) and data[name].strip()):
            problems.append(f"{name!r} must be a non-empty string")
    for name in ("answers", "all_of", "history"):
        if name in data and not isinstance(data[name], list):
            problems.append(f"{name!r} must be a list")
    for name in ("answers", "all_of"):
        if isinstance(data.get(name), list) and not all(isinstance(a, str) and a for a in data[name]):
            problems.append(f"{name!r} must hold non-empty strings")
    path = data.get("section_path")
    if path is not None and not (isinstance(path, list) and all(isinstance(p, str) for p in path)):
        problems.append("'section_path' must be a list of labels or null")
    evidence = data.get("evidence")
    if data.get("kind") in MULTI_SPAN_KINDS:
        if not (isinstance(evidence, list) and evidence and all(isinstance(e, str) and e for e in evidence)):
            problems.append(f"a {data.get('kind')} item's 'evidence' must be a list of spans")
        docs = data.get("docs")
        if data.get("kind") == "crossdoc" and not (
            isinstance(docs, list) and isinstance(evidence, list) and len(docs) == len(evidence) and docs[:1] == [data.get("doc")]
        ):
            problems.append("a crossdoc item needs 'docs' aligned with 'evidence', docs[0] == doc")
    elif evidence is not None and not isinstance(evidence, str):
        problems.append("'evidence' must be a string or null")
    return problems


# -- the checks -------------------------------------------------------------------


@dataclass(frozen=True)
class _StoredNotice:
    text: str
    sections: tuple  # ingest.sections.Section, in reading order


@lru_cache(maxsize=None)
def _stored(path: Path) -> _StoredNotice | None:
    from ingest.notice import read_notice
    from ingest.sections import parse_sections

    if not path.is_file():
        return None
    text = read_notice(path).text
    return _StoredNotice(text, tuple(parse_sections(text)))


def section_paths_of(notice_text: str, sections, evidence: str) -> list[tuple[str, ...] | None]:
    """The label path of the section holding each occurrence of `evidence` (None: it spans a heading)."""
    paths = []
    for start, end in evidence_spans(notice_text, evidence):
        holder = next((s for s in sections if s.start <= start and end <= s.end), None)
        paths.append(holder.labels if holder else None)
    return paths


def validate_items(items: list[EvalItem]) -> list[str]:
    """Every broken claim of these items, as readable lines (empty: all hold)."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for item in items:
        where = f"{item.set_name}:{item.id}"
        if item.id in seen:
            problems.append(f"{where}: id also used in {seen[item.id]}")
        seen[item.id] = item.set_name
        problems.extend(f"{where}: {p}" for p in _item_problems(item))
    return problems


def _item_problems(item: EvalItem) -> list[str]:
    problems = []
    if item.kind not in KINDS:
        return [f"kind {item.kind!r} is not one of {', '.join(KINDS)}"]
    problems.extend(_history_problems(item))
    if not item.answerable:
        if item.answers or item.all_of or item.evidence is not None or item.section_path is not None:
            problems.append("an unanswerable item must have no answers, all_of, evidence or section_path")
        return problems
    if not item.answers and not item.all_of:
        problems.append("no accepted answer: give 'answers' or 'all_of'")
    if not item.evidence or item.section_path is None:
        return problems + ["an answerable item needs 'evidence' and 'section_path'"]
    for part in (*item.answers, *item.all_of):
        if not any(part in e for e in item.evidences):
            problems.append(f"answer {part!r} is not in the evidence")
    if item.kind in FIGURE_KINDS and not (item.answers and all(expected_figures(a) for a in item.answers)):
        problems.append(f"a {item.kind} item needs 'answers' that each state a figure")
    docs = item.docs if item.kind == "crossdoc" else (item.doc,) * len(item.evidences)
    for number, (doc, evidence) in enumerate(zip(docs, item.evidences)):
        path = notice_path(doc)
        notice = _stored(path)
        if notice is None:
            problems.append(f"notice file {path} does not exist")
            continue
        # The section path names the first span's section; the others need only be verbatim.
        expected = item.section_path if number == 0 else None
        problems.extend(_evidence_problems(evidence, expected, notice, str(path.name)))
        html = _stored(path.with_suffix(".html")) if path.parent == NOTICES_DIR else None
        if html is not None:
            problems.extend(_evidence_problems(evidence, expected, html, path.with_suffix(".html").name))
    return problems


def _evidence_problems(evidence: str, section_path, notice: _StoredNotice, name: str) -> list[str]:
    paths = section_paths_of(notice.text, notice.sections, evidence)
    if not paths:
        return [f"evidence is not a verbatim span of the stored text of {name}: {evidence!r}"]
    if section_path is None or tuple(section_path) in paths:
        return []
    found = ", ".join("a span across a heading" if p is None else repr(list(p)) for p in paths)
    return [f"evidence lies under {found} in {name}, not under {list(section_path)!r}"]


def _history_problems(item: EvalItem) -> list[str]:
    if item.kind == "followup" and not item.history:
        return ["a followup needs the conversation before it in 'history'"]
    for turn in item.history:
        if not (isinstance(turn, dict) and turn.get("role") in ("user", "assistant") and isinstance(turn.get("content"), str)):
            return ["each history turn is {'role': 'user'|'assistant', 'content': str}"]
    return []


def validate_sets(paths: list[Path]) -> list[str]:
    problems: list[str] = []
    items: list[EvalItem] = []
    for path in paths:
        found, broken = read_set(path)
        items.extend(found)
        problems.extend(broken)
    return problems + validate_items(items)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or default_sets()
    problems = validate_sets(paths)
    for line in problems:
        print(line)
    names = ", ".join(p.name for p in paths)
    print(f"{len(problems)} problem(s) in {names}" if problems else f"ok: {names}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
