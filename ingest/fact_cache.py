"""A notice's facts by content hash, kept beside the passage vectors.

Extracting the figures of a notice costs seconds (jieba's part-of-speech tagging of every
clause that holds a figure: ~3.5 s for the bundled notice on two cores), and the facts never
change while the text, the notice's date and the extractor stay the same. So they are cached
under sha256(extractor fingerprint, date, text): a notice ingested again into another home, or
a fresh install's bundled notice (whose facts ship with the package, see
`assistant.sample_vectors`), costs a lookup.

The fingerprint hashes the extractor's own code and data files and the versions of the
libraries it reads with, so a change to any of them misses the cache instead of serving facts
the current code would not extract.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# what `ingest.facts.extract_facts` reads: its modules and every lexicon beside them
_SOURCES = ("facts.py", "numerals.py", "textnorm.py", "headings.py")
_LIBRARIES = ("jieba", "cn2an")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    digest = hashlib.sha256()
    data = _HERE / "data"  # the lexicons a wheel ships (pyproject's package-data)
    files = [_HERE / name for name in _SOURCES] + sorted([*data.glob("*.tsv"), *data.glob("*.json")])
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={version(library)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{library}=?\0".encode())
    return digest.hexdigest()


def key(text: str, notice_date: str) -> str:
    return hashlib.sha256(f"{fingerprint()}\0{notice_date}\0{text}".encode()).hexdigest()


class FactCache:
    """sqlite table `facts` (key → JSON list of `Fact.to_dict()`), in the embedding cache's file."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, facts TEXT NOT NULL)")
        self._db.commit()
        self._lock = threading.Lock()

    def get(self, text: str, notice_date: str) -> list[dict] | None:
        with self._lock:
            row = self._db.execute("SELECT facts FROM facts WHERE key = ?", (key(text, notice_date),)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, text: str, notice_date: str, facts: list[dict]) -> None:
        self.prefill({key(text, notice_date): facts})

    def prefill(self, entries: dict[str, list[dict]]) -> int:
        """Add facts made elsewhere under this cache's keys (see `key`); returns how many were new."""
        with self._lock:
            known = {k for (k,) in self._db.execute(
                f"SELECT key FROM facts WHERE key IN ({','.join('?' * len(entries))})", list(entries))} if entries else set()
            new = [(k, json.dumps(v, ensure_ascii=False)) for k, v in entries.items() if k not in known]
            if new:
                self._db.executemany("INSERT OR REPLACE INTO facts (key, facts) VALUES (?, ?)", new)
                self._db.commit()
        return len(new)

    def close(self) -> None:
        self._db.close()
