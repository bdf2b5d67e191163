"""Nodes that follow the sections: llama-index's NodeParser for notices.

One node per section with text of its own; a long section is split at its
enumerated items (`一是`, `(1)`), then at sentence ends, under a token budget
counted with tiktoken — never inside a sentence, so never inside a figure. Each
node keeps character offsets into the notice text, so any citation can quote
the source verbatim.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, MetadataMode, NodeRelationship, TextNode
from pydantic import Field

from ingest.headings import Grammar, iter_items
from ingest.sections import Section, display_path, notice_grammar, parse_sections

_SENTENCE_END = re.compile(r"(?<=[。;；!?！？])")
# A comma before a digit may be a thousands separator (1,000万元): never cut there.
_CLAUSE_END = re.compile(r"(?<=[，、])|(?<=,)(?![0-9])")

# Only the human-readable section path joins the text when embedding or prompting.
_META_HIDDEN = [
    "doc_id", "doc_title", "version", "section_labels", "section_titles", "item_label",
    "item_path", "start", "end", "issuer", "signed_on", "published_on", "source", "locator", "page",
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
    item_at: int  # offset of the item's label (-1 before the first item)


class NoticeNodeParser(NodeParser):
    """Split a notice `Document` into section-following `TextNode`s."""

    chunk_tokens: int = Field(default=300, description="Token budget of one node (cl100k_base).")
    # Not Document metadata: llama-index copies a document's metadata into every node.
    pages: list[int] = Field(default_factory=list, description="Offsets where the pages of the parsed PDF or scan begin.")

    @classmethod
    def class_name(cls) -> str:
        return "NoticeNodeParser"

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        out: list[BaseNode] = []
        for document in nodes:
            text = document.get_content(metadata_mode=MetadataMode.NONE)
            grammar = notice_grammar(text)
            sections = parse_sections(text, grammar)
            # A notice without headings is cited by paragraph and item instead (`第3段 › 二是`).
            paragraphs = _paragraph_starts(text) if not any(s.labels for s in sections) else None
            # Once per document: llama-index hashes the whole text for it, per node it would be quadratic.
            source = document.as_related_node_info()
            for section in _progress(sections, show_progress or len(text) > 200_000, "切分段落"):
                out.extend(self._section_nodes(document, source, text, section, len(out), grammar, paragraphs, self.pages))
        return out

    def _section_nodes(
        self, document: BaseNode, source, text: str, section: Section, start_index: int,
        grammar: Grammar, paragraphs: list[int] | None, pages: list[int],
    ) -> list[TextNode]:
        # Ids unique per document and version: two files may hold the same text, and the
        # old and new versions of a document coexist while it is being replaced.
        version = document.metadata.get("version")
        id_prefix = f"{document.id_}-{version}" if version else document.id_
        nodes = []
        for i, (start, end, item_label, item_path, locator) in enumerate(self._chunks(text, section, grammar, paragraphs)):
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
            if locator:
                metadata["locator"] = json.dumps(list(locator), ensure_ascii=False)
            if pages:
                metadata["page"] = bisect.bisect_right(pages, start)  # 1-based: pages[0] is 0
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
                    relationships={NodeRelationship.SOURCE: source},
                )
            )
        return nodes

    def _chunks(self, text: str, section: Section, grammar: Grammar, paragraphs: list[int] | None):
        """(start, end, item label, item path, locator) of each node; the locator only without headings."""
        group: list[_Piece] = []
        used, where = 0, ()
        for piece, size in self._pieces(text, section, grammar):
            # Without headings a node stays inside one paragraph and item, so its locator is true of all of it.
            here = _locator(paragraphs, piece) if paragraphs is not None else ()
            if group and (used + size > self.chunk_tokens or here != where):
                yield group[0].start, group[-1].end, group[0].item_label, group[0].item_path, where
                group, used = [], 0
            group.append(piece)
            used, where = used + size, here
        if group:
            yield group[0].start, group[-1].end, group[0].item_label, group[0].item_path, where

    def _pieces(self, text: str, section: Section, grammar: Grammar):
        """The smallest spans a node may start or end at, in order, with their token counts."""
        for start, end, label, path, item_at in _items(text, section, grammar):
            size = self._size_if_fits(text, start, end)
            if size is not None:
                yield _Piece(start, end, label, path, item_at), size
                continue
            for s, e in _split(text, start, end, _SENTENCE_END):
                size = self._size_if_fits(text, s, e)
                if size is not None:
                    yield _Piece(s, e, label, path, item_at), size
                    continue
                # A sentence longer than a node: clause ends are the last safe place …
                for cs, ce in _split(text, s, e, _CLAUSE_END):
                    size = self._size_if_fits(text, cs, ce)
                    if size is not None:
                        yield _Piece(cs, ce, label, path, item_at), size
                        continue
                    # … and a run with no punctuation at all is cut at the budget, between figures.
                    for ts, te, tsize in _cut_at_budget(text, cs, ce, self.chunk_tokens):
                        yield _Piece(ts, te, label, path, item_at), tsize


    def _size_if_fits(self, text: str, start: int, end: int) -> int | None:
        """The span's token count if it fits the budget. A span far longer in characters than the
        budget is not counted (counting a long unpunctuated run is quadratic): it is split anyway."""
        if end - start > self.chunk_tokens * _MAX_CHARS_PER_TOKEN:
            return None
        size = count_tokens(text[start:end])
        return size if size <= self.chunk_tokens else None


def _items(text: str, section: Section, grammar: Grammar):
    """Paragraphs and enumerated items of the section as (start, end, label, item path, item offset)."""
    # (start, item label, item path, offset of the item's own label): a paragraph carries on its item.
    bounds: list[tuple[int, str, str, int]] = [(section.start, "", "", -1)]
    outer = ""
    body = text[section.body_start : section.end]
    for para in re.finditer(r"[^\n]+", body):
        para_start = section.body_start + para.start()
        if text[para_start - 1 : para_start] == "\n":
            bounds.append((para_start, *bounds[-1][1:]))
        for label, offset in iter_items(para.group(), grammar):
            at = para_start + offset
            if label.endswith("是"):
                outer, path = label, label
            else:
                path = f"{outer} {label}".strip()
            if at > bounds[-1][0]:
                bounds.append((at, label, path, at))
            else:
                bounds[-1] = (at, label, path, at)
    for (start, label, path, item_at), (end, *_) in zip(bounds, bounds[1:] + [(section.end,)]):
        s, e = _trim(text, start, end)
        if e > s:
            yield s, e, label, path, item_at


# No 300-token span of notice text is longer than this many characters per token (Chinese is ≈1).
_MAX_CHARS_PER_TOKEN = 16
_NO_CUT = re.compile(r"[0-9A-Za-z０-９.．,%]")


def _cut_at_budget(text: str, start: int, end: int, budget: int):
    """Spans of at most `budget` tokens, cut where a token begins.

    tiktoken's BPE is quadratic in the length of an unpunctuated run, so the run is encoded a
    window at a time: linear in its length."""
    encoding = _encoding()
    step = max(budget - 4, 1)  # re-encoding a slice may merge differently at its edges: keep a margin
    window = budget * 4
    cut = start
    while cut < end:
        window_end = min(end, cut + window)
        tokens = encoding.encode(text[cut:window_end], disallowed_special=())
        if len(tokens) <= step:
            stop = window_end
        else:
            # The characters the first `step` tokens hold whole (a token may end inside a character).
            held = encoding.decode_bytes(tokens[:step]).decode("utf-8", errors="ignore")
            stop = max(cut + len(held), cut + 1)
            # Step back out of a figure (1,234.5万元) so that no node holds half of it.
            back = stop
            while back - cut > 1 and _NO_CUT.match(text[back - 1]) and _NO_CUT.match(text[back]):
                back -= 1
            stop = back if back - cut > 1 else stop
        s, e = _trim(text, cut, stop)
        if e > s:
            yield s, e, count_tokens(text[s:e])
        cut = stop


def _paragraph_starts(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def _locator(paragraphs: list[int], piece: _Piece) -> tuple[str, ...]:
    """`第3段` and the item path (`二是 (1)`) of a piece in a notice without headings; an item
    begun in an earlier paragraph is not named (the paragraph says where the piece is)."""
    number = max(bisect.bisect_right(paragraphs, piece.start), 1)
    own_item = piece.item_at >= paragraphs[number - 1] if paragraphs else False
    return (f"第{number}段", *(piece.item_path.split() if own_item else ()))


def _progress(items: list, show: bool, what: str):
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=what, unit="节", leave=False)


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
    """Section labels and titles back out of a node's (Chroma-flattened) metadata.

    A node of a notice without headings has no section path; it is cited by its locator
    (`第3段`, `第3段 › 二是`), so that no citation has an empty path."""
    labels = tuple(json.loads(metadata.get("section_labels") or "[]"))
    if not labels and metadata.get("locator"):
        locator = tuple(json.loads(metadata["locator"]))
        return locator, ("",) * len(locator)
    return labels, tuple(json.loads(metadata.get("section_titles") or "[]"))


__all__ = ["NoticeNodeParser", "count_tokens", "display_path", "node_section"]
