"""Hybrid retrieval as a llama-index retriever: dense vectors in Chroma + Chinese BM25, fused.

Dense search finds paraphrases and English questions (the embedding model is
multilingual); keyword search finds the exact terms and figures Chinese questions
name. Reciprocal-rank fusion needs no score calibration between the two. A node is
kept only when its own metadata names the active version of its document: nodes of
versions the catalog no longer names (a half-written or replaced version) and ids a
vector index still returns after their node was deleted (no metadata at all) are
dropped here.
"""

from __future__ import annotations

from collections.abc import Iterable

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from ingest.store import NoticeStore

RRF_K = 60
# The embedder's cost grows faster than linearly with its input, and E5 reads 512 tokens at most:
# a long question (or one merged with a long history) is embedded by its head; keyword search reads it all.
DENSE_QUERY_CHARS = 256
SURE_PER_SEARCH = 2  # the top nodes of each search that always survive fusion


class HybridRetriever(BaseRetriever):
    def __init__(self, store: NoticeStore, embed_model, top_k: int = 8, candidates: int = 20, doc_ids: Iterable[str] | None = None):
        super().__init__()
        self.store = store
        self.embed_model = embed_model
        self.top_k = top_k
        self.candidates = candidates
        self.doc_ids = set(doc_ids) if doc_ids else None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        active = self.store.active_versions()
        if self.doc_ids is not None:
            active = {d: v for d, v in active.items() if d in self.doc_ids}
        if not active:
            return []
        dense = self._dense(query_bundle, active)
        keyword = self._keyword(query_bundle.query_str, active)
        fused: dict[str, float] = {}
        records: dict[str, dict] = {}
        for ranking in (dense, keyword):
            for rank, (node_id, record) in enumerate(ranking):
                fused[node_id] = fused.get(node_id, 0.0) + 1.0 / (RRF_K + rank + 1)
                records.setdefault(node_id, record)
        ranked = sorted(fused, key=fused.get, reverse=True)
        # Fusion favours nodes both searches find; a node only one of them ranks first (a rare
        # term such as 失业率 that the vector misses) must still reach the answerer.
        sure = list(dict.fromkeys(node_id for ranking in (keyword, dense) for node_id, _ in ranking[:SURE_PER_SEARCH]))
        best = [i for i in ranked if i in sure] + [i for i in ranked if i not in sure]
        best = sorted(best[: self.top_k], key=fused.get, reverse=True)
        # Nodes are built for the kept few only: it holds the GIL, and 20 sessions share it.
        return [NodeWithScore(node=_node_from_record(i, records[i]), score=fused[i]) for i in best]

    def _dense(self, query_bundle: QueryBundle, active: dict[str, str]) -> list[tuple[str, dict]]:
        embedding = query_bundle.embedding or self.embed_model.get_query_embedding(query_bundle.query_str[:DENSE_QUERY_CHARS])
        hits = self.store.dense_search(embedding, self.candidates, list(active) if self.doc_ids is not None else None)
        return [(node_id, record) for node_id, record in hits if _is_active(record["metadata"], active)]

    def _keyword(self, query: str, active: dict[str, str]) -> list[tuple[str, dict]]:
        index = self.store.keyword_index()
        ranked = index.search(query, self.candidates, set(active) if self.doc_ids is not None else None)
        records = self.store.fetch_nodes([node_id for node_id, _ in ranked])
        return [
            (node_id, records[node_id])
            for node_id, _ in ranked
            if node_id in records and _is_active(records[node_id]["metadata"], active)
        ]


def _is_active(meta: dict | None, active: dict[str, str]) -> bool:
    version = (meta or {}).get("version")
    return version is not None and active.get(meta.get("doc_id")) == version


def _node_from_record(node_id: str, record: dict) -> TextNode:
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    return metadata_dict_to_node(record["metadata"], text=record["text"]) if "_node_content" in record["metadata"] else TextNode(
        id_=node_id, text=record["text"], metadata=record["metadata"]
    )
