"""The bundled notice's passage vectors and facts, shipped in the package so that a fresh install answers at once.

Embedding the bundled notice's 159 passages takes 15–40 s on two cores; the vectors
never change while the notice, the chunking and the model stay the same. They are
stored next to the notice (`*.vectors.npz`) under the embedding cache's own keys
(sha256 of model, kind and passage text), with the model's name and the notice's
sha256. Before the bundled notice is ingested they pre-fill the embedding cache; a
file made for another model or another text of the notice is ignored, and any
passage it does not cover (the chunking changed) is embedded as usual.

Its facts (`*.facts.json.gz`) are shipped the same way, under the fact cache's key
(`ingest.fact_cache`: extractor fingerprint, date, text): extracting them costs ~3 s of
part-of-speech tagging. Facts made by another version of the extractor miss the key and are
extracted again.

Rebuild both after changing the notice, the chunking, the model or the fact extractor:
`python -m assistant.sample_vectors` (a test says when the shipped facts are stale).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import tempfile
from pathlib import Path

import numpy as np

from assistant.config import SAMPLE_NOTICE

VECTORS_PATH = SAMPLE_NOTICE.with_suffix(".vectors.npz")
FACTS_PATH = SAMPLE_NOTICE.with_suffix(".facts.json.gz")


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


def load_facts(path: Path = FACTS_PATH) -> dict[str, list[dict]]:
    """The shipped facts by fact-cache key ({} when absent or unreadable)."""
    try:
        shipped = json.loads(gzip.decompress(path.read_bytes()))
        return {str(shipped["key"]): list(shipped["facts"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def prefill(embed_model, fact_cache=None) -> int:
    """Put the shipped vectors into `embed_model`'s cache (an `ingest.embedding.CachedEmbedding`)
    and the shipped facts into `fact_cache` (an `ingest.fact_cache.FactCache`)."""
    if fact_cache is not None:
        fact_cache.prefill(load_facts())
    return embed_model.prefill(load(embed_model.model_name))


def build(path: Path = VECTORS_PATH, facts_path: Path = FACTS_PATH) -> int:
    """Ingest the bundled notice into a scratch store with an empty cache and keep every vector
    and the facts it made."""
    from assistant.api import Assistant
    from assistant.progress import progress_bar

    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "embeddings.sqlite"
        bot = Assistant(home=Path(scratch) / "home", embedding_cache=cache)
        bot.ingest(SAMPLE_NOTICE, progress=progress_bar())
        model = bot.embed_model.model_name
        with sqlite3.connect(cache) as db:
            rows = db.execute("SELECT key, vector FROM vectors ORDER BY key").fetchall()
            facts = db.execute("SELECT key, facts FROM facts").fetchall()
    keys = np.array([k for k, _ in rows])
    vectors = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in rows])
    with path.open("wb") as out:
        np.savez_compressed(out, model=np.array(model), notice_sha256=np.array(notice_sha256()), keys=keys, vectors=vectors)
    (key, listed), = facts  # one notice, one entry
    facts_path.write_bytes(gzip.compress(json.dumps({"key": key, "facts": json.loads(listed)}, ensure_ascii=False).encode(), mtime=0))
    return len(rows)


if __name__ == "__main__":
    print(f"{build()} 段向量已写入 {VECTORS_PATH}")
