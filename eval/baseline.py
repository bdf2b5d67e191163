"""The pipeline a LlamaIndex user builds first, run beside ours so the report shows the margin.

`SentenceSplitter()` with its defaults over a `Document` of the raw notice file,
an in-memory `VectorStoreIndex`, dense retrieval only, top-2 — and the same
embedding model as ours (through the same content-hash cache, so its passages
are embedded once per machine). One index per notice, as the eval asks every
question of one notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TOP_K = 2


@dataclass(frozen=True)
class RetrievedText:
    text: str
    score: float


class NaiveBaseline:
    def __init__(self, embed_model):
        self.embed_model = embed_model
        self._retrievers: dict[str, object] = {}
        self.nodes: dict[str, int] = {}  # doc → how many chunks its index holds

    def add_notice(self, doc: str, path: Path) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        if doc in self._retrievers:
            return
        nodes = SentenceSplitter().get_nodes_from_documents([Document(text=Path(path).read_text(encoding="utf-8"))])
        index = VectorStoreIndex(nodes, embed_model=self.embed_model)
        self._retrievers[doc] = index.as_retriever(similarity_top_k=TOP_K)
        self.nodes[doc] = len(nodes)

    def retrieve(self, doc: str, question: str) -> list[RetrievedText]:
        """The question alone: a plain pipeline has no notion of the conversation before it."""
        return [RetrievedText(hit.node.get_content(), hit.score or 0.0) for hit in self._retrievers[doc].retrieve(question)]
