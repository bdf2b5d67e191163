"""The bundled notice's passage vectors, shipped in the package so that a fresh install answers at once.

Embedding the bundled notice's 159 passages takes 15–40 s on two cores; the vectors
never change while the notice, the chunking and the model stay the same. They are
stored next to the notice (`*.vectors.npz`) under the embedding cache's own keys
(sha256 of model, kind and passage text), with the model's name and the notice's
sha256. Before the bundled notice is ingested they pre-fill the embedding cache; a
file made for another model or another text of the notice is ignored, and any
passage it does not cover (the chunking changed) is embedded as usual.

Rebuild it after changing the notice, the chunking or the model:
`python -m assistant.sample_vectors`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from assistant.config import SAMPLE_NOTICE

VECTORS_PATH = SAMPLE_NOTICE.with_suffix(".vectors.npz")


def notice_sha256(path: Path = SAMPLE_NOTICE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(model_name: str, path: Path = VECTORS_PATH, notice: Path = SAMPLE_NOTICE) -> dict[str, np.ndarray]:
    """The shipped vectors by cache key, or {} when they were made for another model or notice text."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        if str(data["model"]) != model_name or str(data["notice_sha256"]) != notice_sha256(notice):
            return {}
        keys, vectors = data["keys"], data["vectors"]
        if vectors.ndim != 2 or len(keys) != len(vectors):
            return {}
        return {str(k): v for k, v in zip(keys, vectors.astype(np.float32))}


def prefill(embed_model) -> int:
    """Put the shipped vectors into `embed_model`'s cache (an `ingest.embedding.CachedEmbedding`)."""
    return embed_model.prefill(load(embed_model.model_name))


def build(path: Path = VECTORS_PATH) -> int:
    """Ingest the bundled notice into a scratch store with an empty cache and keep every vector it made."""
    from assistant.api import Assistant
    from assistant.progress import progress_bar

    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "embeddings.sqlite"
        bot = Assistant(home=Path(scratch) / "home", embedding_cache=cache)
        bot.ingest(SAMPLE_NOTICE, progress=progress_bar())
        model = bot.embed_model.model_name
        with sqlite3.connect(cache) as db:
            rows = db.execute("SELECT key, vector FROM vectors ORDER BY key").fetchall()
    keys = np.array([k for k, _ in rows])
    vectors = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in rows])
    with path.open("wb") as out:
        np.savez_compressed(out, model=np.array(model), notice_sha256=np.array(notice_sha256()), keys=keys, vectors=vectors)
    return len(rows)


if __name__ == "__main__":
    print(f"{build()} 段向量已写入 {VECTORS_PATH}")
