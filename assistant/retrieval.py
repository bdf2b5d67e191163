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
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters, VectorStoreQuery

from ingest.store import NoticeStore

RRF_K = 60
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
        nodes: dict[str, TextNode] = {}
        for ranking in (dense, keyword):
            for rank, hit in enumerate(ranking):
                node_id = hit.node.node_id
                fused[node_id] = fused.get(node_id, 0.0) + 1.0 / (RRF_K + rank + 1)
                nodes.setdefault(node_id, hit.node)
        ranked = sorted(fused, key=fused.get, reverse=True)
        # Fusion favours nodes both searches find; a node only one of them ranks first (a rare
        # term such as 失业率 that the vector misses) must still reach the answerer.
        sure = list(dict.fromkeys(hit.node.node_id for ranking in (keyword, dense) for hit in ranking[:SURE_PER_SEARCH]))
        best = [i for i in ranked if i in sure] + [i for i in ranked if i not in sure]
        best = sorted(best[: self.top_k], key=fused.get, reverse=True)
        return [NodeWithScore(node=nodes[i], score=fused[i]) for i in best]

    def _dense(self, query_bundle: QueryBundle, active: dict[str, str]) -> list[NodeWithScore]:
        embedding = query_bundle.embedding or self.embed_model.get_query_embedding(query_bundle.query_str)
        filters = None
        if self.doc_ids is not None:
            filters = MetadataFilters(filters=[MetadataFilter(key="doc_id", value=list(active), operator=FilterOperator.IN)])
        result = self.store.dense_query(
            VectorStoreQuery(query_embedding=embedding, similarity_top_k=self.candidates, filters=filters)
        )
        return [
            NodeWithScore(node=node, score=score)
            for node, score in zip(result.nodes or [], result.similarities or [])
            if _is_active(node.metadata, active)
        ]

    def _keyword(self, query: str, active: dict[str, str]) -> list[NodeWithScore]:
        index = self.store.keyword_index()
        ranked = index.search(query, self.candidates, set(active) if self.doc_ids is not None else None)
        records = self.store.fetch_nodes([node_id for node_id, _ in ranked])
        hits = []
        for node_id, score in ranked:
            record = records.get(node_id)
            if record is None:
                continue
            if not _is_active(record["metadata"], active):
                continue
            hits.append(NodeWithScore(node=_node_from_record(node_id, record), score=score))
        return hits


def _is_active(meta: dict | None, active: dict[str, str]) -> bool:
    version = (meta or {}).get("version")
    return version is not None and active.get(meta.get("doc_id")) == version


def _node_from_record(node_id: str, record: dict) -> TextNode:
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    return metadata_dict_to_node(record["metadata"], text=record["text"]) if "_node_content" in record["metadata"] else TextNode(
        id_=node_id, text=record["text"], metadata=record["metadata"]
    )
