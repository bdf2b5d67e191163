"""The optional LLM: any OpenAI-compatible chat endpoint through llama-index's `OpenAILike`.

It writes the answer from the retrieved passages; it never sees an empty context,
and nothing it says about a figure reaches the user unverified: text streams out
only up to the last figure that a quote contains, and an answer with a figure no
quote holds is replaced by the offline answer (see answering.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant import prompts
from assistant.config import LLMSettings

NOT_IN_NOTICE = "【未载明】"


class LLMError(Exception):
    """The endpoint failed, timed out, or answered with nothing usable."""


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

    def rewrite(self, question: str, history: list[dict]) -> str:
        """A follow-up question made standalone; raises LLMError when the model cannot."""
        from llama_index.core.llms import ChatMessage

        lines = [f"{'用户' if m.get('role') == 'user' else '助手'}:{str(m.get('content', ''))[:400]}" for m in history[-6:]]
        prompt = prompts.render("rewrite", history="\n".join(lines), question=question)
        try:
            reply = self.llm.chat([ChatMessage(role="user", content=prompt)])
        except Exception as exc:  # network, timeout, protocol: all mean "no rewrite"
            raise LLMError(f"{type(exc).__name__}: {exc}") from exc
        text = (reply.message.content or "").strip().splitlines()
        if not text or len(text[0]) > 300:
            raise LLMError("the model's rewrite was empty or not a question")
        return text[0].strip()

    def stream_answer(self, question: str, passages: list[str]) -> Iterator[str]:
        if not passages:
            raise LLMError("no context: the model is never asked without passages")
        from llama_index.core.llms import ChatMessage

        numbered = "\n\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1))
        messages = [
            ChatMessage(role="system", content=prompts.load("answer_system")),
            ChatMessage(role="user", content=prompts.render("answer_user", passages=numbered, question=question)),
        ]
        try:
            for chunk in self.llm.stream_chat(messages):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise LLMError(f"{type(exc).__name__}: {exc}") from exc
