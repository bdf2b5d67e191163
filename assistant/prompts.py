"""Prompts are files under prompts/, filled with str.format; this module only loads them."""

from __future__ import annotations

from functools import lru_cache

from assistant.config import PROMPTS_DIR


@lru_cache(maxsize=None)
def load(name: str) -> str:
    return (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8").strip()


def render(name: str, **values: str) -> str:
    return load(name).format(**values)
