"""The answer-accuracy eval: ask every question of the sets, grade each answer, report.

    sets → notices ingested → each question asked (ours, and the baseline's retrieval)
         → each answer graded (eval.metrics) → summed per kind, per set, overall
         → table on stdout, JSON report, PNG chart

Every question is asked through the public API (`Assistant.ask`) and limited to
the notice its item names, so sets over different notices do not disturb each
other. The measures (eval/metrics.py defines figures, paths and hits):

* answer accuracy — an answerable item: `found` and the text holds an accepted
  answer (or every `all_of` part), normalised; an unanswerable one: not `found`;
* strict accuracy — figure questions: `found` and the first figure stated that is
  not context (years, dates, figures of the question or the conversation) is the
  asked one;
* citation accuracy / top-1 — the expected section path is a prefix of one of the
  first three cited paths / of the first;
* abstention accuracy — `found` is True exactly for the answerable items;
* quote fidelity — share of citations whose quote is `notice_text[start:end]`;
* confidently wrong — `found` and not right (an answer to an unanswerable item
  included): the worst failure, reported beside accuracy everywhere;
* false abstention — an answerable item answered "not stated";
* wrong figure of the right sentence — confidently wrong while the top citation
  holds an accepted answer (the reader picked the wrong figure of a good sentence);
* right notice — the top citation comes from the notice the item names (crossdoc:
  every named notice is cited);
* hit@k / MRR — rank of the first retrieved passage holding the evidence;
* latency — `Answer.elapsed_ms` (and wall time around `ask`), p50 / p95.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.config import REPO_ROOT, LLMSettings, Settings
from assistant.errors import AssistantError
from eval import metrics
from eval.baseline import TOP_K as BASELINE_K
from eval.baseline import NaiveBaseline
from eval.validate import KINDS, EvalItem, default_sets, heldout_sets, load_set, notice_path, validate_items

REPORTS_DIR = REPO_ROOT / "eval" / "reports"


class EvalConfigError(AssistantError):
    """The eval cannot run as asked (an answerer that is not configured, broken sets)."""


@dataclass
class Graded:
    """One item, what the system said, and how it fared on every measure."""

    item: EvalItem
    text: str
    found: bool
    cited_paths: list[tuple[str, ...]]
    answer_ok: bool
    abstention_ok: bool
    strict_ok: bool | None  # None: not a figure question
    citation_top1: bool | None  # None: unanswerable
    citation_top3: bool | None
    rank: int | None  # first passage holding the evidence (answerable items)
    baseline_rank: int | None
    quotes: int
    faithful_quotes: int
    elapsed_ms: float
    wall_ms: float
    passage_chars: int
    passage_tokens: int
    quote_chars: int
    baseline_chars: int
    baseline_tokens: int
    answerer: str = ""
    right_notice: bool | None = None  # None: unanswerable
    wrong_figure_right_sentence: bool = False
    support: float | None = None  # Answer.support: what the reader's abstention threshold is set against
    failed: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.answer_ok and self.strict_ok is not False

    @property
    def confidently_wrong(self) -> bool:
        return self.found and not self.right

    @property
    def false_abstention(self) -> bool:
        return self.item.answerable and not self.found


# -- grading ------------------------------------------------------------------------


_ACROSS_HEADS = ("多份通报都有这个数字", "Each notice gives its own figure")


def _own_line(answer, item: EvalItem) -> str | None:
    """The item's notice's line of a per-notice answer (its lines follow the order of its citations)."""
    if not answer.found or not answer.text.startswith(_ACROSS_HEADS):
        return None
    lines = [line for line in answer.text.split("\n\n", 1)[0].split("\n")[1:] if line.startswith("- ")]
    docs = [c.doc_id for c in answer.citations]
    if len(lines) != len(docs) or item.doc not in docs:
        return None
    line = lines[docs.index(item.doc)]
    return line.split(":", 1)[1] if ":" in line else line  # the figure, not the label's year


def grade(item: EvalItem, answer, notice_text: Callable[[str], str], baseline_texts: Sequence[str], wall_ms: float) -> Graded:
    """Grade one `Answer` against its item; `notice_text(doc_id)` is a notice's stored text."""
    from ingest.chunking import count_tokens

    cited = [tuple(c.section_path) for c in answer.citations]
    faithful = sum(1 for c in answer.citations if _quote_is_faithful(c, notice_text(c.doc_id)))
    cited_docs = [c.doc_id for c in answer.citations]
    right_notice = None
    # A question that names no place, asked of a store where several notices state the metric, is
    # answered notice by notice (each figure labelled by its notice): it is graded by the line of
    # the item's own notice, as if asked of that notice.
    own = _own_line(answer, item) if item.kind != "crossdoc" else None
    said = own if own is not None else answer.text
    if item.answerable:
        # "Not in the notice; the closest passage: …<the figure>…" is not an answer.
        answer_ok = (answer.found and metrics.contains_answer(said, item.answers, item.all_of)
                     and (not item.result or metrics.states_result(said, item.result)))
        right_notice = (set(item.docs) <= set(cited_docs) if item.kind == "crossdoc"
                        else item.doc in cited_docs if own is not None else bool(cited_docs) and cited_docs[0] == item.doc)
        top1 = bool(cited) and metrics.path_has_prefix(cited[0], item.section_path)
        top3 = any(metrics.path_has_prefix(path, item.section_path) for path in cited[:3])
        spans = metrics.evidence_spans(notice_text(item.doc), item.evidence)
        rank = metrics.first_hit_rank(
            [p.doc_id == item.doc and metrics.passage_holds(p.text, p.start, p.end, item.evidence, spans) for p in answer.passages]
        )
        baseline_rank = metrics.first_hit_rank([item.evidence in text for text in baseline_texts])
    else:
        answer_ok = not answer.found
        top1 = top3 = rank = baseline_rank = None
    strict = (
        answer.found and metrics.strict_correct(said, item.question, item.history, item.answers)
        if item.answerable and metrics.is_figure_item(item.kind, item.answers, item.all_of)
        else None
    )
    graded = Graded(
        item=item,
        text=answer.text,
        found=answer.found,
        cited_paths=cited,
        answer_ok=answer_ok,
        abstention_ok=answer.found == item.answerable,
        strict_ok=strict,
        citation_top1=top1,
        citation_top3=top3,
        rank=rank,
        baseline_rank=baseline_rank,
        quotes=len(answer.citations),
        faithful_quotes=faithful,
        elapsed_ms=answer.elapsed_ms,
        wall_ms=wall_ms,
        passage_chars=sum(len(p.text) for p in answer.passages),
        passage_tokens=sum(count_tokens(p.text) for p in answer.passages),
        quote_chars=sum(len(c.quote) for c in answer.citations),
        baseline_chars=sum(len(t) for t in baseline_texts),
        baseline_tokens=sum(count_tokens(t) for t in baseline_texts),
        answerer=answer.answerer,
        right_notice=right_notice,
        support=getattr(answer, "support", None),
    )
    graded.wrong_figure_right_sentence = (
        graded.confidently_wrong and item.answerable and bool(answer.citations)
        and metrics.contains_answer(answer.citations[0].quote, item.answers, ())
    )
    graded.failed = _failed_checks(graded)
    return graded


def _quote_is_faithful(citation, notice_text: str) -> bool:
    return bool(citation.quote) and citation.quote == notice_text[citation.start : citation.end] and citation.quote in notice_text


def _failed_checks(g: Graded) -> list[str]:
    checks = {
        "answer": g.answer_ok,
        "strict": g.strict_ok,
        "citation": g.citation_top3,
        "abstention": g.abstention_ok,
        "quote": g.faithful_quotes == g.quotes,
        "notice": g.right_notice,
    }
    return [name for name, ok in checks.items() if ok is False]


# -- summing up ---------------------------------------------------------------------


def _share(flags) -> float | None:
    flags = [bool(f) for f in flags if f is not None]
    return round(sum(flags) / len(flags), 4) if flags else None


def summarise(graded: Sequence[Graded]) -> dict:
    """The headline measures over some graded items (None where no item is measured)."""
    answerable = [g for g in graded if g.item.answerable]
    quotes = sum(g.quotes for g in graded)
    mean = metrics.mean
    return {
        "items": len(graded),
        "answer_accuracy": _share(g.answer_ok for g in graded),
        "strict_accuracy": _share(g.strict_ok for g in graded),
        "strict_items": sum(1 for g in graded if g.strict_ok is not None),
        "citation_accuracy": _share(g.citation_top3 for g in answerable),
        "citation_top1": _share(g.citation_top1 for g in answerable),
        "abstention_accuracy": _share(g.abstention_ok for g in graded),
        "right_accuracy": _share(g.right for g in graded),
        "confidently_wrong": _share(g.confidently_wrong for g in graded),
        "false_abstention": _share(g.false_abstention for g in answerable),
        "wrong_figure_right_sentence": sum(1 for g in graded if g.wrong_figure_right_sentence),
        "right_notice": _share(g.right_notice for g in answerable),
        "quote_fidelity": round(sum(g.faithful_quotes for g in graded) / quotes, 4) if quotes else None,
        "hit_at_1": _share(metrics.hit_at(g.rank, 1) for g in answerable),
        "hit_at_2": _share(metrics.hit_at(g.rank, 2) for g in answerable),
        "hit_at_5": _share(metrics.hit_at(g.rank, 5) for g in answerable),
        "mrr": _round(mean(metrics.reciprocal_rank(g.rank) for g in answerable)),
        "latency_ms_p50": round(metrics.percentile([g.elapsed_ms for g in graded], 50), 1),
        "latency_ms_p95": round(metrics.percentile([g.elapsed_ms for g in graded], 95), 1),
        "wall_ms_p50": round(metrics.percentile([g.wall_ms for g in graded], 50), 1),
        "wall_ms_p95": round(metrics.percentile([g.wall_ms for g in graded], 95), 1),
        "context": {
            "passage_chars": _round(mean(g.passage_chars for g in graded), 1),
            "passage_tokens": _round(mean(g.passage_tokens for g in graded), 1),
            "quote_chars": _round(mean(g.quote_chars for g in graded), 1),
        },
    }


def summarise_baseline(graded: Sequence[Graded], baseline: NaiveBaseline) -> dict:
    answerable = [g for g in graded if g.item.answerable]
    return {
        "pipeline": "SentenceSplitter() defaults → VectorStoreIndex (SimpleVectorStore) → dense top-2, same embedding model",
        "top_k": BASELINE_K,
        "nodes": {doc: baseline.nodes[doc] for doc in sorted({g.item.doc for g in graded})},
        "hit_at_1": _share(metrics.hit_at(g.baseline_rank, 1) for g in answerable),
        f"hit_at_{BASELINE_K}": _share(metrics.hit_at(g.baseline_rank, BASELINE_K) for g in answerable),
        "mrr": _round(metrics.mean(metrics.reciprocal_rank(g.baseline_rank) for g in answerable)),
        "context": {
            "chars": _round(metrics.mean(g.baseline_chars for g in graded), 1),
            "tokens": _round(metrics.mean(g.baseline_tokens for g in graded), 1),
        },
    }


SWEEP = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def support_sweep(graded: Sequence[Graded]) -> list[dict]:
    """What each abstention threshold on `Answer.support` would trade (ReaderSettings.min_support):
    a found figure answer whose support is below it becomes "not stated" — right only where the
    item is unanswerable. Calibrate on the development sets; the held-out ones only confirm."""
    rows = []
    for threshold in SWEEP:
        right = wrong = abstained_wrongly = 0
        for g in graded:
            cut = g.found and g.support is not None and g.support < threshold
            if cut:
                right += not g.item.answerable
                abstained_wrongly += g.item.answerable
            else:
                right += g.right if g.found else not g.item.answerable
                wrong += g.confidently_wrong
                abstained_wrongly += g.false_abstention
        answerable = sum(1 for g in graded if g.item.answerable) or 1
        rows.append({"min_support": threshold, "right": round(right / len(graded), 4) if graded else None,
                     "confidently_wrong": round(wrong / len(graded), 4) if graded else None,
                     "false_abstention": round(abstained_wrongly / answerable, 4)})
    return rows


def _set_summary(graded: Sequence[Graded], baseline: NaiveBaseline) -> dict:
    return {**summarise(graded), "baseline": summarise_baseline(graded, baseline)}


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _failure(g: Graded) -> dict:
    return {
        "id": g.item.id,
        "set": g.item.set_name,
        "kind": g.item.kind,
        "question": g.item.question,
        "failed": g.failed,
        "expected": {"answers": list(g.item.answers), "all_of": list(g.item.all_of),
                     "section_path": None if g.item.section_path is None else list(g.item.section_path)},
        "got": g.text,
        "found": g.found,
        "confidently_wrong": g.confidently_wrong,
        "wrong_figure_right_sentence": g.wrong_figure_right_sentence,
        "top_path": list(g.cited_paths[0]) if g.cited_paths else None,
        "evidence_rank": g.rank,
    }


def build_report(graded: Sequence[Graded], baseline: NaiveBaseline, answerer: str, set_paths: Sequence[Path]) -> dict:
    overall = summarise(graded)
    kinds = sorted({g.item.kind for g in graded}, key=_kind_order)
    sets = sorted({g.item.set_name for g in graded})
    return {
        **overall,
        "per_kind": {k: summarise([g for g in graded if g.item.kind == k]) for k in kinds},
        "baseline": summarise_baseline(graded, baseline),
        "per_set": {s: _set_summary([g for g in graded if g.item.set_name == s], baseline) for s in sets},
        "answerer": answerer,
        "answered_by": sorted({g.answerer for g in graded}),
        "sets": [_shown_path(p) for p in set_paths],
        "failures": [_failure(g) for g in graded if g.failed],
        "support_sweep": support_sweep(graded),
    }


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def _shown_path(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


# -- running --------------------------------------------------------------------------


def load_items(set_paths: Sequence[Path]) -> list[EvalItem]:
    """Every item of the sets, refusing sets whose own claims do not hold (graded against them, numbers lie)."""
    items = [item for path in set_paths for item in load_set(Path(path))]
    problems = validate_items(items)
    if problems:
        shown = "; ".join(problems[:3])
        raise EvalConfigError(f"{len(problems)} problem(s) in the eval sets, e.g. {shown} (see `python -m eval.validate`)")
    return items


SCOPES = ("notice", "store")


def run_eval(bot, set_paths: Sequence[Path], *, progress: bool = False, ingest_progress: Callable | None = None,
             scope: str = "notice") -> dict:
    """Ask every question of the sets with `bot` and return the report (see module doc).

    scope "notice": each question is limited to the notice(s) its item names; "store": every
    notice of the sets is in one store and the question must find its notice itself.
    """
    from tqdm import tqdm

    items = load_items(set_paths)
    docs = sorted({doc for item in items for doc in item.docs})
    bot.ingest(*[notice_path(doc) for doc in docs], progress=ingest_progress)
    baseline = NaiveBaseline(bot.embed_model)
    for doc in docs:
        baseline.add_notice(doc, notice_path(doc))
    graded = []
    for item in tqdm(items, desc="asking", unit="question", file=sys.stderr, disable=not progress):
        started = time.perf_counter()
        try:
            answer = bot.ask(item.question, history=list(item.history), doc_ids=list(item.docs) if scope == "notice" else None)
        except AssistantError as exc:  # a question the system refuses is graded as a wrong answer
            answer = _refusal(item, exc, bot.answerer_name)
        wall_ms = (time.perf_counter() - started) * 1000
        retrieved = [r.text for r in baseline.retrieve(item.doc, item.question)]
        graded.append(grade(item, answer, bot.notice_text, retrieved, wall_ms))
    report = build_report(graded, baseline, bot.answerer_name, set_paths)
    report["scope"] = scope
    return report


def _refusal(item: EvalItem, exc: AssistantError, answerer: str):
    from assistant.answer import Answer

    return Answer(question=item.question, text=f"error: {exc}", found=False, answerer=answerer)


def eval_settings(home: Path | str | None, answerer: str) -> Settings:
    """A store of its own (`<home>/eval`), so eval notices never mix with the user's; the user's embedding cache."""
    settings = Settings.from_env(home=home)
    if answerer == "llm" and not settings.llm.enabled:
        raise EvalConfigError(
            "--answerer llm needs a model: set ASSISTANT_LLM_MODEL and OPENAI_BASE_URL (and OPENAI_API_KEY if the endpoint wants one)"
        )
    return replace(
        settings,
        home=settings.home / "eval",
        collection=f"{settings.collection}-eval",
        embedding_cache=settings.embedding_cache_path,
        llm=settings.llm if answerer == "llm" else LLMSettings(),
    )


def run_cli(home, set_paths: Sequence[Path], answerer: str, json_out: Path | None, chart: Path | None,
            scope: str = "notice", heldout: bool = False) -> dict:
    """`assistant eval`: run, print the table, write the JSON report and the chart."""
    from assistant.api import Assistant
    from assistant.progress import progress_bar

    bot = Assistant(settings=eval_settings(home, answerer))
    chosen = list(set_paths) or (heldout_sets() if heldout else default_sets())
    report = run_eval(bot, chosen, progress=True, ingest_progress=progress_bar(), scope=scope)
    print(format_table(report))
    json_out = Path(json_out) if json_out else REPORTS_DIR / f"eval-{answerer}.json"
    chart = Path(chart) if chart else json_out.with_suffix(".png")
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    draw_chart(report, chart)
    print(f"report: {json_out}\nchart:  {chart}")
    return report


# -- showing --------------------------------------------------------------------------

_COLUMNS = [
    ("answer", "answer_accuracy"), ("strict", "strict_accuracy"), ("cite@3", "citation_accuracy"),
    ("cite@1", "citation_top1"), ("abstain", "abstention_accuracy"), ("quotes", "quote_fidelity"),
    ("conf.wrong", "confidently_wrong"), ("false abst.", "false_abstention"), ("notice", "right_notice"),
    ("hit@1", "hit_at_1"), ("hit@5", "hit_at_5"), ("mrr", "mrr"), ("p50 ms", "latency_ms_p50"),
]


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if isinstance(value, float) and value > 1.0 else f"{value:.2f}" if isinstance(value, float) else str(value)


def format_table(report: dict) -> str:
    """The per-kind table with the overall and per-set rows, and our retrieval beside the baseline's."""
    header = ["kind", "n", *(name for name, _ in _COLUMNS)]

    def row(name: str, summary: dict) -> list[str]:
        return [name, str(summary["items"]), *(_cell(summary[key]) for _, key in _COLUMNS)]

    groups = [
        [row(kind, s) for kind, s in report["per_kind"].items()],
        [row("overall", report)],
        [row(f"set {name}", s) for name, s in report["per_set"].items()] if len(report["per_set"]) > 1 else [],
    ]
    lines = [f"answerer: {report['answerer']}   scope: {report.get('scope', 'notice')}   sets: {', '.join(report['sets'])}", ""]
    lines += _aligned(header, [g for g in groups if g])
    base, k = report["baseline"], report["baseline"]["top_k"]
    ours = ["ours: section nodes, hybrid", *(_cell(report[key]) for key in ("hit_at_1", f"hit_at_{k}", "hit_at_5", "mrr")),
            *(_cell(report["context"][key]) for key in ("passage_chars", "passage_tokens", "quote_chars"))]
    theirs = [f"baseline: SentenceSplitter, top-{k}", *(_cell(base[key]) for key in ("hit_at_1", f"hit_at_{k}")), "—",
              _cell(base["mrr"]), _cell(base["context"]["chars"]), _cell(base["context"]["tokens"]), "—"]
    lines.append("")
    lines += _aligned(["retrieval (answerable items)", "hit@1", f"hit@{k}", "hit@5", "mrr", "context chars", "tokens",
                       "quoted chars"], [[ours, theirs]])
    lines += ["", f"latency per question: p50 {report['latency_ms_p50']:.0f} ms, p95 {report['latency_ms_p95']:.0f} ms "
                  f"(wall p50 {report['wall_ms_p50']:.0f} ms, p95 {report['wall_ms_p95']:.0f} ms)",
              f"confidently wrong: {sum(1 for f in report['failures'] if f['confidently_wrong'])} item(s), of which "
              f"{report['wrong_figure_right_sentence']} the wrong figure of the right sentence",
              f"failures: {len(report['failures'])} item(s) failed at least one check (listed in the JSON report)",
              "abstention threshold (min_support → right / confidently wrong / false abstention): " + "; ".join(
                  f"{r['min_support']:.2f} → {r['right']:.2f}/{r['confidently_wrong']:.2f}/{r['false_abstention']:.2f}"
                  for r in report.get("support_sweep", []) if r["right"] is not None)]
    return "\n".join(lines)


def _aligned(header: list[str], groups: list[list[list[str]]]) -> list[str]:
    """Columns padded to their widest cell, a rule under the header and between groups of rows."""
    rows = [r for g in groups for r in g]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    out = [line(header)]
    for group in groups:
        out += [rule, *(line(r) for r in group)]
    return out


def draw_chart(report: dict, path: Path) -> None:
    """Per-kind answer and citation accuracy; our retrieval against the baseline's."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(report["per_kind"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 1.3]})
    width = 0.38
    xs = range(len(kinds))
    for offset, key, label in ((-width / 2, "answer_accuracy", "answer accuracy"), (width / 2, "citation_accuracy", "citation accuracy (top 3)")):
        values = [report["per_kind"][k][key] or 0.0 for k in kinds]
        left.bar([x + offset for x in xs], values, width, label=label)
    left.set_xticks(list(xs), [f"{k}\n(n={report['per_kind'][k]['items']})" for k in kinds], fontsize=8)
    left.set_ylim(0, 1.18)
    left.set_title(f"Per kind — {report['answerer']}, {report['items']} questions")
    left.legend(loc="upper right", ncol=2, fontsize=8)

    k = report["baseline"]["top_k"]
    labels = ["hit@1", f"hit@{k}", "MRR"]
    ours = [report["hit_at_1"], report["hit_at_2"], report["mrr"]]
    base = [report["baseline"]["hit_at_1"], report["baseline"][f"hit_at_{k}"], report["baseline"]["mrr"]]
    xs = range(len(labels))
    right.bar([x - width / 2 for x in xs], [v or 0.0 for v in ours], width, label="ours")
    right.bar([x + width / 2 for x in xs], [v or 0.0 for v in base], width, label=f"baseline (top-{k})")
    right.set_xticks(list(xs), labels)
    right.set_ylim(0, 1.18)
    right.set_title("Retrieval: evidence found")
    right.legend(loc="upper right", ncol=2, fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
