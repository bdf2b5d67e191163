"""The LLM answer of one turn: asked under a deadline, streamed claim by claim, each claim checked.

    turn = LLMAnswerer(settings, store).turn()      # the deadline starts with the question
    turn.rewrite(question, history)                  # a follow-up made standalone, or None
    yield from turn.answer(offline_answer)           # text pieces, then the Answer

The model's text is shown a claim (a sentence with its `[n]` markers) at a time,
only once claims.py has found it supported by the passage it cites. A claim with
a figure, a year or a section that its passage does not hold, or a figure that is
not the one the question asks about, makes the whole answer give way to the
offline one (a model that misstates one figure is not trusted with the others);
a claim whose words its passage does not hold is left out, and the answer says
so in `fallback_reason`. Whatever was already shown was verified and stays.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from assistant.answer import Answer, text_chunks
from assistant.claims import ClaimChecker, complete_claims
from assistant.config import LLMSettings
from assistant.figures import find_figures, normalize
from assistant.llm import ChatModel, LLMError
from ingest.sections import display_path


class LLMAnswerer:
    def __init__(self, settings: LLMSettings, store):
        self.settings = settings
        self.store = store
        self._chat_model: ChatModel | None = None

    @property
    def chat_model(self) -> ChatModel:
        if self._chat_model is None:
            self._chat_model = ChatModel(self.settings)
        return self._chat_model

    def turn(self) -> "LLMTurn":
        return LLMTurn(self, time.monotonic() + self.settings.deadline_s)


class LLMTurn:
    """One question's calls to the model, all under one deadline."""

    def __init__(self, answerer: LLMAnswerer, deadline: float):
        self.answerer = answerer
        self.deadline = deadline

    def rewrite(self, question: str, history: list[dict]) -> str | None:
        """The follow-up made standalone by the model, within its share of the deadline; None if it cannot."""
        share = self.answerer.settings.rewrite_share
        by = time.monotonic() + max(self.deadline - time.monotonic(), 0.0) * share
        try:
            return self.answerer.chat_model.rewrite(question, history, by)
        except LLMError:
            return None

    def answer(self, offline: Answer) -> Iterator[str | Answer]:
        passages = offline.passages
        checker = ClaimChecker(offline.standalone_question or offline.question, passages)
        context = [f"({p.doc_id} | {display_path(p.section_path, p.section_titles)})\n{p.text}" for p in passages]
        buffer, consumed, shown = "", 0, ""
        left_out: list[str] = []
        try:
            stream = self.answerer.chat_model.stream_answer(offline.standalone_question or offline.question, context, self.deadline)
            ended = False
            while not ended:
                try:
                    buffer += next(stream)
                except StopIteration:
                    ended = True
                for claim in complete_claims(buffer, consumed, final=ended):
                    consumed = claim.end
                    verdict = checker.check(claim)
                    if verdict.fatal:
                        yield from _fallback(offline, shown, verdict.reason, verdict.figures)
                        return
                    if not verdict.ok:
                        left_out.append(verdict.reason)
                        continue
                    shown += verdict.text
                    yield verdict.text
        except LLMError as exc:
            yield from _fallback(offline, shown, f"大模型不可用:{exc}", [])
            return
        text = shown
        if not text.strip():
            reason = "大模型的回答为空" if not buffer.strip() else "大模型回答的每一句都未能在所引原文中核实"
            yield from _fallback(offline, shown, "; ".join([reason, *left_out]) if left_out else reason, [])
            return
        yield Answer(
            question=offline.question,
            text=text,
            found=not checker.abstained,
            citations=checker.citations(self._title),
            answerer=f"llm:{self.answerer.settings.model}",
            standalone_question=offline.standalone_question,
            figures=[f.text for f in find_figures(normalize(text)) if f.kind != "number"],
            fallback_reason="; ".join(left_out),
            passages=offline.passages,
        )

    def _title(self, doc_id: str) -> str:
        record = self.answerer.store.document(doc_id)
        return record.title if record else ""


def _fallback(offline: Answer, shown: str, reason: str, bad: list[str]) -> Iterator[str | Answer]:
    """The offline answer instead; what was already streamed (all of it verified) stays in front."""
    text = offline.text
    if shown:
        text = f"\n\n(模型的回答未能完成核验,以下为离线答案)\n\n{offline.text}"
    yield from text_chunks(text)
    offline.text = shown + text
    offline.fallback_reason = reason
    offline.unverified_figures = bad
    yield offline


