"""The optional LLM: any OpenAI-compatible chat endpoint through llama-index's `OpenAILike`.

It writes the answer from the retrieved passages; it never sees an empty context.
Each call runs under the turn's deadline as well as the per-read timeout, so a
slow endpoint that keeps sending a chunk now and then is still cut off; a stream
that ends without its end marker (a `finish_reason`) was cut off and is a
failure, not a short answer. What the model says is checked claim by claim
before the user sees it (llm_answer.py, claims.py).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

from assistant import prompts
from assistant.config import LLMSettings

NOT_IN_NOTICE = "【未载明】"


class LLMError(Exception):
    """The endpoint failed, ran past the deadline, or answered with nothing usable (message in Chinese)."""


class ChatModel:
    def __init__(self, settings: LLMSettings):
        from llama_index.llms.openai_like import OpenAILike

        self.settings = settings
        self.llm = OpenAILike(
            model=settings.model,
            api_base=settings.base_url or "https://api.openai.com/v1",
            api_key=settings.api_key or "not-needed",
            is_chat_model=True,
            context_window=settings.context_window,
            timeout=settings.timeout_s,
            max_retries=0,
            temperature=0.0,
        )

    def rewrite(self, question: str, history: list[dict], deadline: float) -> str:
        """A follow-up question made standalone, by `deadline` (time.monotonic()); raises LLMError when the model cannot."""
        from llama_index.core.llms import ChatMessage

        lines = [f"{'用户' if m.get('role') == 'user' else '助手'}:{str(m.get('content', ''))[:400]}" for m in history[-6:]]
        prompt = _prompt("rewrite", history="\n".join(lines), question=question)
        [reply] = list(_by_deadline(lambda: iter([self.llm.chat([ChatMessage(role="user", content=prompt)])]), deadline))
        text = (reply.message.content or "").strip().splitlines()
        if not text or len(text[0]) > 300:
            raise LLMError("模型改写的问题为空或不是一个问题")
        return text[0].strip()

    def stream_answer(self, question: str, passages: list[str], deadline: float) -> Iterator[str]:
        """The answer's text deltas; raises LLMError on failure, past `deadline`, or when the stream has no end marker."""
        if not passages:
            raise LLMError("没有可供回答的原文片段")
        from llama_index.core.llms import ChatMessage

        numbered = "\n\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1))
        messages = [
            ChatMessage(role="system", content=_prompt("answer_system")),
            ChatMessage(role="user", content=_prompt("answer_user", passages=numbered, question=question)),
        ]
        finished = False
        for chunk in _by_deadline(lambda: self.llm.stream_chat(messages), deadline):
            choices = getattr(chunk.raw, "choices", None) or []
            finished = finished or any(getattr(c, "finish_reason", None) == "stop" for c in choices)
            if chunk.delta:
                yield chunk.delta
        if not finished:
            raise LLMError("模型的回答没有正常结束(缺少结束标记),可能被截断")


def _prompt(name: str, **values: str) -> str:
    """A prompt, or an LLMError: the caller's fallback to the offline answer covers a missing prompt too."""
    try:
        return prompts.render(name, **values) if values else prompts.load(name)
    except prompts.PromptError as exc:
        raise LLMError(str(exc)) from exc


def _by_deadline(start, deadline: float) -> Iterator:
    """The items of the iterator `start()` makes, each waited for no later than `deadline`.

    The endpoint is read on a worker thread, so the wait can be cut at the deadline
    whatever the endpoint does; the worker stops at its next item (or its read
    timeout) and closes the stream.
    """
    items: queue.Queue = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        try:
            stream = start()
            for item in stream:
                if stop.is_set():
                    break
                items.put(("item", item))
            close = getattr(stream, "close", None)
            if close:
                close()
            items.put(("end", None))
        except Exception as exc:  # network, timeout, protocol: all mean "no answer"
            items.put(("error", exc))

    threading.Thread(target=pump, name="llm-read", daemon=True).start()
    try:
        while True:
            remaining = deadline - time.monotonic()
            try:
                kind, value = items.get(timeout=max(remaining, 0.0)) if remaining > 0 else items.get_nowait()
            except queue.Empty:
                raise LLMError("模型未能在时限内答完") from None
            if kind == "end":
                return
            if kind == "error":
                raise LLMError(_describe(value)) from value
            yield value
    finally:
        stop.set()


def _describe(exc: Exception) -> str:
    """The endpoint's failure in the user's words (the exception's own text is English and technical)."""
    name = type(exc).__name__
    if "Timeout" in name:
        return "连接模型超时"
    if "Connection" in name:
        return "无法连接模型服务"
    if "Status" in name or "APIError" in name:
        return f"模型服务返回错误({getattr(exc, 'status_code', '') or name})"
    return f"模型服务的回复无法解析({name})"
