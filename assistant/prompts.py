"""Prompts are files under prompts/ (or $ASSISTANT_PROMPTS_DIR), filled with str.format; this module only loads them."""

from __future__ import annotations

from functools import lru_cache

from assistant.config import PROMPTS_DIR


class PromptError(Exception):
    """A prompt file that is missing, unreadable or does not take the values given (message in Chinese)."""


@lru_cache(maxsize=None)
def load(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"无法读取提示词文件 {path}({type(exc).__name__})") from exc


def render(name: str, **values: str) -> str:
    try:
        return load(name).format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise PromptError(f"提示词文件 {name}.md 的占位符不对({exc})") from exc
