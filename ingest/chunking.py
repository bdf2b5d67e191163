"""Nodes that follow the sections: llama-index's NodeParser for notices.

One node per section with text of its own; a long section is split at its
enumerated items (`一是`, `(1)`), then at sentence ends, under a token budget
counted with tiktoken — never inside a sentence, so never inside a figure. Each
node keeps character offsets into the notice text, so any citation can quote
the source verbatim.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, MetadataMode, NodeRelationship, TextNode
from pydantic import Field

from ingest.headings import iter_items
from ingest.sections import Section, display_path, parse_sections

_SENTENCE_END = re.compile(r"(?<=[。;；!?！？])")
# A comma before a digit may be a thousands separator (1,000万元): never cut there.
_CLAUSE_END = re.compile(r"(?<=[，、])|(?<=,)(?![0-9])")

# Only the human-readable section path joins the text when embedding or prompting.
_META_HIDDEN = [
    "doc_id", "doc_title", "version", "section_labels", "section_titles", "item_label",
    "item_path", "start", "end", "issuer", "signed_on", "published_on", "source",
]


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    item_label: str  # item the piece belongs to ("" before the first item)
    item_path: str


class NoticeNodeParser(NodeParser):
    """Split a notice `Document` into section-following `TextNode`s."""

    chunk_tokens: int = Field(default=300, description="Token budget of one node (cl100k_base).")

    @classmethod
    def class_name(cls) -> str:
        return "NoticeNodeParser"

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        out: list[BaseNode] = []
        for document in nodes:
            text = document.get_content(metadata_mode=MetadataMode.NONE)
            for section in parse_sections(text):
                out.extend(self._section_nodes(document, text, section, start_index=len(out)))
        return out

    def _section_nodes(self, document: BaseNode, text: str, section: Section, start_index: int) -> list[TextNode]:
        # Ids unique per document and version: two files may hold the same text, and the
        # old and new versions of a document coexist while it is being replaced.
        version = document.metadata.get("version")
        id_prefix = f"{document.id_}-{version}" if version else document.id_
        nodes = []
        for i, (start, end, item_label, item_path) in enumerate(self._chunks(text, section)):
            metadata = {
                **document.metadata,
                "section": section.display_path() if section.labels else "",
                "section_labels": json.dumps(list(section.labels), ensure_ascii=False),
                "section_titles": json.dumps(list(section.titles), ensure_ascii=False),
                "item_label": item_label,
                "item_path": item_path,
                "start": start,
                "end": end,
            }
            nodes.append(
                TextNode(
                    id_=f"{id_prefix}-{start_index + i:05d}",
                    text=text[start:end],
                    start_char_idx=start,
                    end_char_idx=end,
                    metadata=metadata,
                    excluded_embed_metadata_keys=list(_META_HIDDEN),
                    excluded_llm_metadata_keys=list(_META_HIDDEN),
                    metadata_template="{value}",
                    # llama-index derives the stored `doc_id` / `ref_doc_id` from this link.
                    relationships={NodeRelationship.SOURCE: document.as_related_node_info()},
                )
            )
        return nodes

    def _chunks(self, text: str, section: Section):
        pieces = list(self._pieces(text, section))
        group: list[_Piece] = []
        used = 0
        for piece in pieces:
            size = count_tokens(text[piece.start : piece.end])
            if group and used + size > self.chunk_tokens:
                yield group[0].start, group[-1].end, group[0].item_label, group[0].item_path
                group, used = [], 0
            group.append(piece)
            used += size
        if group:
            yield group[0].start, group[-1].end, group[0].item_label, group[0].item_path

    def _pieces(self, text: str, section: Section):
        """The smallest spans a node may start or end at, in order."""
        for start, end, label, path in _items(text, section):
            if count_tokens(text[start:end]) <= self.chunk_tokens:
                yield _Piece(start, end, label, path)
                continue
            for s, e in _split(text, start, end, _SENTENCE_END):
                if count_tokens(text[s:e]) <= self.chunk_tokens:
                    yield _Piece(s, e, label, path)
                else:  # a sentence longer than a node: clause ends are the last safe place
                    for cs, ce in _split(text, s, e, _CLAUSE_END):
                        yield _Piece(cs, ce, label, path)


def _items(text: str, section: Section):
    """Paragraphs and enumerated items of the section as (start, end, label, item path)."""
    bounds: list[tuple[int, str, str]] = [(section.start, "", "")]
    outer = ""
    body = text[section.body_start : section.end]
    for para in re.finditer(r"[^\n]+", body):
        para_start = section.body_start + para.start()
        if text[para_start - 1 : para_start] == "\n":
            bounds.append((para_start, bounds[-1][1], bounds[-1][2]))
        for label, offset in iter_items(para.group()):
            at = para_start + offset
            if label.endswith("是"):
                outer, path = label, label
            else:
                path = f"{outer} {label}".strip()
            if at > bounds[-1][0]:
                bounds.append((at, label, path))
            else:
                bounds[-1] = (at, label, path)
    for (start, label, path), (end, _, _) in zip(bounds, bounds[1:] + [(section.end, "", "")]):
        s, e = _trim(text, start, end)
        if e > s:
            yield s, e, label, path


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]):
    cuts = [start] + [start + m.start() for m in pattern.finditer(text[start:end]) if 0 < m.start() < end - start] + [end]
    for s, e in zip(cuts, cuts[1:]):
        s, e = _trim(text, s, e)
        if e > s:
            yield s, e


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    return start + len(span) - len(span.lstrip()), start + len(span.rstrip())


def node_section(metadata: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Section labels and titles back out of a node's (Chroma-flattened) metadata."""
    return tuple(json.loads(metadata.get("section_labels") or "[]")), tuple(json.loads(metadata.get("section_titles") or "[]"))


__all__ = ["NoticeNodeParser", "count_tokens", "display_path", "node_section"]
