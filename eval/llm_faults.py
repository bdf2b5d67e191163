"""Fault injection for the LLM answer: a scripted model on loopback that answers each question wrongly on purpose.

    python -m eval.llm_faults [--per-kind 10]

For each figure question of eval/sets/gaoming.jsonl whose evidence the retrieved
passages hold, the scripted model writes the right answer from the item's evidence
(the evidence sentence, cited with the passage number it has in the request) and
then mutates it into each fault of issue 12: a digit changed, a unit changed, a
magnitude error, an invented figure, a real figure of another sentence, a wrong
section, an invented claim with no figure, a year shifted; or it fails as an
endpoint can (cut-off stream, slow stream, refused connection, HTTP 500, garbage,
a malformed stream, an empty answer). Correct answers, 5- and 1-character chunks,
count false alarms. The checker under test (assistant/claims.py) sees only the
request and the reply, never the items.

A case is *caught* when nothing wrong reaches the user: neither the streamed
pieces nor the final text hold the wrong figure, section or claim (what the
offline answer says itself excepted) — either because the answer fell back to the
offline one or because the claim was left out.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eval.validate import SETS_DIR, EvalItem, load_set

FIGURE_KINDS = ("money", "percentage", "count")
WRONG_KINDS = ("digit", "unit", "magnitude", "invented_figure", "other_sentence", "wrong_section", "invented_claim", "year")
STREAM_KINDS = ("truncated", "slow", "refused", "http500", "garbage", "malformed", "empty")
RIGHT_KINDS = ("right", "right_1char", "right_markers_1char")
ALL_KINDS = WRONG_KINDS + STREAM_KINDS + RIGHT_KINDS
# Sentences no notice of the set says: what an invented claim with no figure sounds like.
INVENTED_CLAIMS = (
    "该项工作得到省委主要领导的高度肯定和批示表扬",
    "此举被国务院办公厅作为典型经验在全国推广",
    "相关做法已写入新修订的地方性法规并长期执行",
)
_FIGURE = re.compile(r"(?:超过?|约|近|达)?\d+(?:\.\d+)?(?:亿元|万元|元|%|个百分点|[\u4e00-\u9fff]{1,2})")


@dataclass(frozen=True)
class Case:
    kind: str
    item: EvalItem
    wrong: str  # what must never reach the user ("" for endpoint faults and right answers)


@dataclass
class Outcome:
    case: Case
    caught: bool  # a fault: nothing wrong reached the user; a right answer: it was accepted
    fell_back: bool
    text: str
    reason: str
    seconds: float


def figure_items(path: Path = SETS_DIR / "gaoming.jsonl") -> list[EvalItem]:
    """Figure questions asked on their own, whose evidence states the answer."""
    out = []
    for item in load_set(path):
        if item.kind in FIGURE_KINDS and not item.history and item.evidence and _answer_in(item):
            out.append(item)
    return out


def _answer_in(item: EvalItem) -> str:
    return next((a.lstrip("约超近") for a in item.answers if a.lstrip("约超近") in (item.evidence or "")), "")


def passages_of(request_text: str) -> list[str]:
    """The numbered passages of the answer prompt, as the model sees them."""
    blocks = re.split(r"\n\n(?=\[\d+\] )", request_text.rsplit("\n\n问题", 1)[0])
    return [b for b in blocks if re.match(r"\[\d+\] ", b)]


def cited_number(request_text: str, evidence: str) -> int:
    for i, passage in enumerate(passages_of(request_text), 1):
        if evidence in passage:
            return i
    return 0


def path_of(passage: str) -> list[str]:
    header = next((line for line in passage.splitlines() if re.match(r"\[\d+\] \(", line)), "")
    found = re.match(r"\[\d+\] \(.*? \| (.*)\)$", header)
    return found.group(1).split(" › ") if found else []


def right_answer(item: EvalItem, number: int, passage: str, with_section: bool) -> str:
    section = ""
    if with_section and path_of(passage):
        labels = [p.split(" ")[0] for p in path_of(passage)]
        section = "(见" + "".join(label + ("、" if label[0] in "一二三四五六七八九十" and len(label) <= 2 else "") for label in labels) + ")"
    return f"{item.evidence}{section}。[{number}]"


# -- the faults, each made from the right answer ---------------------------------------


def _swap(text: str, old: str, new: str) -> str:
    return text.replace(old, new, 1)


def mutate(kind: str, item: EvalItem, right: str, notice: str, passage: str) -> tuple[str, str] | None:
    """(faulty answer, the wrong part) or None when the item cannot carry this fault."""
    figure = _answer_in(item)
    if kind == "digit":
        digits = [i for i, ch in enumerate(figure) if ch.isdigit()]
        if not digits:
            return None
        i = digits[-1]
        wrong = figure[:i] + str((int(figure[i]) + 3) % 10) + figure[i + 1 :]
        return _swap(right, figure, wrong), wrong
    if kind == "unit":
        for old, new in (("亿元", "万元"), ("万元", "亿元"), ("个百分点", "%"), ("%", "个百分点"), ("家", "个"), ("个", "家"), ("人", "名"), ("件", "个"), ("次", "个")):
            if figure.endswith(old):
                wrong = figure[: -len(old)] + new
                return _swap(right, figure, wrong), wrong
        return None
    if kind == "magnitude":
        for old, new in (("亿元", "万"), ("万元", "亿"), ("家", "万家"), ("个", "万个"), ("人", "万人"), ("件", "万件")):
            if figure.endswith(old):
                wrong = figure[: -len(old)] + new
                return _swap(right, figure, wrong), wrong
        return None
    if kind == "invented_figure":
        for value in ("17.6%", "23.9%", "31.4%"):
            if value not in notice:
                clause = f",同比增长{value}"
                return _swap(right, figure, figure + clause), value
        return None
    if kind == "other_sentence":
        unit = re.sub(r"^[\d.]+", "", figure)
        rivals = [m.group() for m in _FIGURE.finditer(notice) if m.group().endswith(unit) and m.group() != figure and figure not in m.group()]
        near = [r for r in rivals if r in passage] or rivals
        rivals = [r.lstrip("超过约近达") for r in near if not r.lstrip("超过约近达").startswith(figure)]
        return (_swap(right, figure, rivals[0]), rivals[0]) if rivals else None
    if kind == "wrong_section":
        labels = [p.split(" ")[0] for p in path_of(passage)]
        if not labels:
            return None
        numerals = "一二三四五六七八九"
        last = labels[-1]
        shifted = re.sub(f"[{numerals}]|\\d", lambda m: numerals[(numerals.index(m.group()) + 2) % 9] if m.group() in numerals else str((int(m.group()) + 2) % 9 + 1), last, count=1)
        claim = "(见" + "".join(label + ("、" if label[0] in numerals and len(label) <= 2 else "") for label in [*labels[:-1], shifted]) + ")"
        return right.replace("。[", f"{claim}。[", 1), claim
    if kind == "invented_claim":
        claim = next((c for c in INVENTED_CLAIMS if c[:6] not in notice), INVENTED_CLAIMS[0])
        number = re.search(r"\[\d+\]$", right).group()
        return f"{right}{claim}{number}。", claim
    if kind == "year":
        found = re.search(r"(20\d\d)年", item.evidence or "")
        if not found:
            return None
        wrong = f"{int(found.group(1)) + 1}年"
        return _swap(right, found.group(), wrong), wrong
    raise ValueError(kind)


# -- asking ------------------------------------------------------------------------------


def ask_case(case: Case, server, make_bot: Callable[[str, float], object], notice: str, offline_text: str, deadline_s: float) -> Outcome:
    """One question with one fault; the server's replies are scripted from the request it gets."""
    from tests.conftest import free_port
    from tests.openai_server import Reply

    item, kind = case.item, case.kind
    made: dict = {}

    def respond(request) -> Reply:
        user = request.message("user")
        number = cited_number(user, item.evidence)
        passage = passages_of(user)[number - 1] if number else ""
        right = right_answer(item, number or 1, passage, with_section=kind == "right")
        if kind in WRONG_KINDS:
            faulty = mutate(kind, item, right, notice, passage)
            made["wrong"] = faulty[1] if faulty else ""
            return Reply(faulty[0] if faulty else right)
        return {
            "truncated": Reply(right[: max(len(right) * 2 // 3, 1)], end_marker=False),
            "slow": Reply(right, chunk_delay_s=2.0),
            "http500": Reply(right, status=500),
            "garbage": Reply(raw_body=b"<html>502 Bad Gateway</html>"),
            "malformed": Reply(raw_body=b'data: {"id": "x", "choices": [ broken\n\ndata: [DONE]\n\n'),
            "empty": Reply(""),
            "right": Reply(right),
            "right_1char": Reply(right, chunks=tuple(right)),
            "right_markers_1char": Reply(right + f"另据通报原文,{item.evidence}。[{number or 1}][{number or 1}]", chunks=tuple(right + f"另据通报原文,{item.evidence}。[{number or 1}][{number or 1}]")),
        }[kind]

    server.reply_with(respond)
    base_url = f"http://127.0.0.1:{free_port()}/v1" if kind == "refused" else server.base_url
    bot = make_bot(base_url, deadline_s)
    started = time.monotonic()
    events = list(bot.stream(item.question))
    seconds = time.monotonic() - started
    pieces, answer = [e for e in events if isinstance(e, str)], events[-1]
    wrong = made.get("wrong", case.wrong)
    fell_back = not answer.answerer.startswith("llm:")
    shown = "".join(pieces)
    model_part = shown[: len(shown) - len(offline_text)] if fell_back and shown.endswith(offline_text) else shown
    if kind in RIGHT_KINDS:
        caught = not fell_back and not answer.fallback_reason and _answer_in(item) in answer.text
    elif kind in WRONG_KINDS:
        reached = bool(wrong) and (wrong in model_part or (wrong in answer.text and wrong not in offline_text))
        caught = not reached and (fell_back or bool(answer.fallback_reason))
    else:
        caught = fell_back and seconds < deadline_s + 2.5
    return Outcome(case, caught, fell_back, answer.text, answer.fallback_reason, seconds)


def cases(items: list[EvalItem], notice: str, per_kind: int, kinds=ALL_KINDS) -> list[Case]:
    """Up to `per_kind` items for each fault, skipping the items a fault cannot be made from."""
    out = []
    for kind in kinds:
        chosen = [i for i in items if kind not in WRONG_KINDS or mutate(kind, i, right_answer(i, 1, "", False), notice, "") is not None or kind == "wrong_section"]
        out.extend(Case(kind, item, "") for item in chosen[:per_kind])
    return out


def summary(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    per: dict[str, tuple[int, int]] = {}
    for o in outcomes:
        caught, total = per.get(o.case.kind, (0, 0))
        per[o.case.kind] = (caught + o.caught, total + 1)
    return per


def main(argv=None) -> int:
    from assistant import Assistant
    from assistant.config import SAMPLE_NOTICE, LLMSettings, Settings
    from tests.openai_server import OpenAIServer

    parser = argparse.ArgumentParser(prog="python -m eval.llm_faults", description="caught rate per fault kind of the LLM answer checks")
    parser.add_argument("--home", help="a store holding the bundled notice (default: a fresh one in a temporary folder)")
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--deadline", type=float, default=3.0, help="the answer deadline for the slow-stream fault, seconds")
    args = parser.parse_args(argv)
    import tempfile

    home = Path(args.home or tempfile.mkdtemp(prefix="llm-faults-"))
    offline_bot = Assistant(home=home)
    if not offline_bot.documents():
        offline_bot.ingest(SAMPLE_NOTICE)
    notice = offline_bot.notice_text(SAMPLE_NOTICE.stem)
    items = [i for i in figure_items() if any(i.evidence in p.text for p in offline_bot.ask(i.question).passages)]
    offline = {i.id: offline_bot.ask(i.question).text for i in items}
    outcomes = []
    with OpenAIServer(model="fault-model") as server:
        def make_bot(base_url: str, deadline_s: float):
            llm = LLMSettings(model="fault-model", base_url=base_url, api_key="k", timeout_s=deadline_s, deadline_s=deadline_s)
            return Assistant(home=home, settings=Settings.from_env(home=home, llm=llm))

        for case in cases(items, notice, args.per_kind):
            outcomes.append(ask_case(case, server, make_bot, notice, offline[case.item.id], args.deadline))
    print(f"{'fault':<22}{'caught':>10}")
    for kind, (caught, total) in summary(outcomes).items():
        label = "accepted" if kind in RIGHT_KINDS else "caught"
        print(f"{kind:<22}{caught:>4}/{total:<4} {label}")
    right = [o for o in outcomes if o.case.kind in RIGHT_KINDS]
    alarms = sum(not o.caught for o in right)
    print(f"\nfalse alarms on right answers: {alarms}/{len(right)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
