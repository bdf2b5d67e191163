"""Chinese keyword search: jieba words scored with BM25 (bm25s), persisted beside the store.

A `\\w\\w+` tokenizer turns a run of Han characters into one token and scores every
Chinese query 0; jieba's search mode yields both words and their parts
(`重点项目` → `重点`, `项目`, `重点项目`), which is what keyword recall needs.

Notices are segmented with rjieba (the Rust port of jieba, same dictionary and algorithm,
messense's binding): it loads in 0.2 s where Python jieba takes ~1.5 s, and segments ~15×
faster (a 400,000-character notice: 0.2 s instead of 2.5 s). Its search-mode words equal
jieba's on 98.6% of the sentences of the eval notices; the differences are dates and codes
kept whole (2024-07-26). Part-of-speech tagging stays with Python jieba (`ingest.facts`),
where rjieba's tags differ on two sentences in three.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.textnorm import normalize as _fold

STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 等 对 将 把 被 为 以 于 并 或 其 之 也 都 而 就 有 中 上 下 个 年 月 日 "
    "吗 呢 吧 啊 么 什么 多少 哪些 哪个 哪里 怎么 怎样 如何 是否 几 请问 请 一下 具体 情况 "
    "那 这 该 此 这个 那个 这些 那些 方面".split()
)
_PUNCT = re.compile(r"^[\W_]+$")


class _Rjieba:
    def __init__(self):
        import rjieba

        self._cut = rjieba.cut_for_search

    def lcut_for_search(self, text: str) -> list[str]:
        return self._cut(text, True)  # with the HMM for unknown words, as jieba's default


@lru_cache(maxsize=1)
def _jieba():
    return _Rjieba()


def normalize(text: str) -> str:
    """Full-width digits and letters to half-width, lower case: what both sides of a match see."""
    return _fold(text).lower()


def tokenize(text: str, segmenter=None) -> list[str]:
    """Search-mode words of `text`, without punctuation and stop words."""
    words = (segmenter or _jieba()).lcut_for_search(normalize(text))
    return [t for t in words if t.strip() and not _PUNCT.match(t) and t not in STOPWORDS]


class VocabularySegmenter:
    """Query words as the index knows them: every index word the query contains, plus the rest.

    Notices are segmented by jieba at ingest; a query only needs the words it shares with
    them, so it is matched against the index vocabulary (every contained word of two or
    more characters, numbers and Latin words whole), and what no index word covers is kept
    as runs ("GDP", "常住人口") so that words the notices never use still count against an
    answer. This needs no jieba dictionary (~1 s to load) and depends only on the index, so
    every process segments a query the same way.
    """

    def __init__(self, words):
        self.words = frozenset(w for w in words if w.strip())
        self.longest = min(max((len(w) for w in self.words), default=1), 12)

    def lcut_for_search(self, text: str) -> list[str]:
        tokens: list[str] = []
        covered = [False] * len(text)
        for found in _WHOLE.finditer(text):  # numbers and Latin words only match whole
            tokens.append(found.group())
            covered[found.start() : found.end()] = [True] * (found.end() - found.start())
        for i in range(len(text)):
            if covered[i] and not _HAN.match(text[i]):
                continue
            for j in range(min(len(text), i + self.longest), i + 1, -1):
                word = text[i:j]
                if word in self.words and _HAN.match(word):
                    tokens.append(word)
                    covered[i:j] = [True] * (j - i)
        run = ""
        for i, ch in enumerate(text + " "):
            if i < len(text) and not covered[i] and _HAN.match(ch):
                run += ch
                continue
            if run:
                tokens.extend(word for part in _FUNCTION_WORDS.split(run) for word in _content_words(part))
                run = ""
        return tokens


def _content_words(run: str) -> list[str]:
    """An uncovered run without a locative or a verb of share glued to its edge ("里女孩子" →
    女孩子), where enough is left to be a word; else the run as it is ("里女", "路比"), which still
    says the question names something the notices do not."""
    if len(run) < 2:
        return []
    core = run.strip(_EDGE_CHARS)
    return [core if len(core) > 1 else run]


_WHOLE = re.compile(r"\d+(?:\.\d+)?%?|[a-z][a-z0-9]*")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Between the words a notice uses, these say nothing about where an answer is.
_FUNCTION_WORDS = re.compile(
    "多少|什么|哪些|哪个|哪里|哪天|怎么|怎样|如何|是否|请问|这份|这个|那个|这些|那些|一共|总共|它们|他们|她们|我们|"
    "[的了和与及是在对将把被为以于并或其之也都而就有中上下个年月日吗呢吧啊么几请这那该此共已还又]"
)
# At the edge of what no index word covers: a locative (在校生里女孩子) or 占/比 of a share.
_EDGE_CHARS = "里内占比"


class KeywordIndex:
    """BM25 over the nodes of the active document versions, with their ids and documents."""

    def __init__(self, node_ids: list[str], doc_ids: list[str], bm25, stamp: str):
        self.node_ids = node_ids
        self.doc_ids = np.asarray(doc_ids, dtype=object)
        self.bm25 = bm25
        self.stamp = stamp
        self.segmenter = VocabularySegmenter(bm25.vocab_dict if bm25 is not None else ())

    def tokenize(self, text: str) -> list[str]:
        """A query's words, segmented against this index (see VocabularySegmenter)."""
        return tokenize(text, self.segmenter)

    @classmethod
    def build(cls, node_ids: list[str], doc_ids: list[str], tokens: list[list[str]], stamp: str) -> "KeywordIndex":
        import bm25s

        bm25 = bm25s.BM25()
        if tokens:
            bm25.index([t or [""] for t in tokens], show_progress=False)
        return cls(list(node_ids), list(doc_ids), bm25 if tokens else None, stamp)

    def save(self, folder: Path) -> None:
        # Written beside, then swapped in, so a crash never leaves half an index.
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.bm25 is not None:
            self.bm25.save(str(tmp / "bm25"))
        (tmp / "nodes.json").write_text(
            json.dumps({"stamp": self.stamp, "node_ids": self.node_ids, "doc_ids": list(self.doc_ids)}, ensure_ascii=False),
            encoding="utf-8",
        )
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex | None":
        manifest = folder / "nodes.json"
        if not manifest.is_file():
            return None
        import bm25s

        data = json.loads(manifest.read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(folder / "bm25")) if (folder / "bm25").is_dir() else None
        return cls(data["node_ids"], data["doc_ids"], bm25, data["stamp"])

    def search(self, query: str, top_k: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        tokens = self.tokenize(query)
        if self.bm25 is None or not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        if doc_ids is not None:
            scores = np.where(np.isin(self.doc_ids, list(doc_ids)), scores, 0.0)
        top = np.argsort(-scores)[:top_k]
        return [(self.node_ids[i], float(scores[i])) for i in top if scores[i] > 0]


class TokenCache:
    """Each node's words, by document version, so a rebuilt index re-tokenizes only what changed.

    Adding one notice to a thousand then costs that notice's jieba time, not the thousand's.
    A version's rows are written in one transaction, so a version is either cached whole or not.
    """

    def __init__(self, path: Path):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS tokens (doc_id TEXT, version TEXT, node_id TEXT, words TEXT, PRIMARY KEY (doc_id, version, node_id))"
        )
        self.db.commit()

    def get(self, doc_id: str, version: str) -> list[tuple[str, list[str]]] | None:
        rows = self.db.execute(
            "SELECT node_id, words FROM tokens WHERE doc_id = ? AND version = ? ORDER BY node_id", (doc_id, version)
        ).fetchall()
        return [(node_id, words.split(" ") if words else []) for node_id, words in rows] or None

    def put(self, doc_id: str, version: str, rows: list[tuple[str, list[str]]]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)",
                [(doc_id, version, node_id, " ".join(words)) for node_id, words in rows],
            )

    def keep_only(self, active: dict[str, str]) -> None:
        """Forget versions the catalog no longer names."""
        stale = [
            (d, v) for d, v in self.db.execute("SELECT DISTINCT doc_id, version FROM tokens").fetchall() if active.get(d) != v
        ]
        with self.db:
            self.db.executemany("DELETE FROM tokens WHERE doc_id = ? AND version = ?", stale)


def document_frequencies(index: KeywordIndex, tokens: list[str]) -> dict[str, int]:
    """How many nodes contain each token (0 for tokens the notices never use)."""
    if index.bm25 is None:
        return {t: 0 for t in tokens}
    vocab = index.bm25.vocab_dict
    indptr = index.bm25.scores["indptr"]
    out = {}
    for token in tokens:
        i = vocab.get(token)
        out[token] = int(indptr[i + 1] - indptr[i]) if i is not None else 0
    return out
