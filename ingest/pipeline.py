"""Ingestion, top to bottom: files → notices → section nodes → vectors → store.

Every file is read and checked before anything is written, so a bad file in a
batch leaves the store exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import NoticeError
from ingest.facts import extract_facts
from ingest.notice import Notice, find_notice_files, read_notice
from ingest.sections import outline, parse_sections
from ingest.store import NoticeRecord, NoticeStore, version_of

# Called with (notice title, passages embedded so far, passages to embed).
ProgressHook = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestedNotice:
    doc_id: str
    title: str
    path: str
    status: str  # "added", "replaced" or "unchanged"
    sections: int
    nodes: int
    embedded: int  # passages that needed the model (the rest came from the cache)
    seconds: float


@dataclass
class IngestReport:
    notices: list[IngestedNotice] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(n.status != "unchanged" for n in self.notices)

    def summary(self) -> str:
        lines = []
        for n in self.notices:
            if n.status == "unchanged":
                lines.append(f"{n.doc_id}: unchanged, nothing to do ({n.title})")
            else:
                lines.append(
                    f"{n.doc_id}: {n.status} — {n.sections} sections, {n.nodes} nodes, "
                    f"{n.embedded} embedded, {n.seconds:.1f} s ({n.title})"
                )
        return "\n".join(lines)


def read_all(paths: list[Path]) -> list[Notice]:
    """Read and check every file first; duplicate ids in one batch would overwrite each other."""
    notices = [read_notice(p) for p in find_notice_files([Path(p) for p in paths])]
    seen: dict[str, str] = {}
    for notice in notices:
        if notice.doc_id in seen:
            raise NoticeError(
                notice.source_path,
                f"与 {seen[notice.doc_id]} 的文档编号相同({notice.doc_id}),会互相覆盖;请把其中一个改名",
            )
        seen[notice.doc_id] = notice.source_path
    return notices


def ingest(
    store: NoticeStore,
    embed_model: Callable[[], object],
    paths: list[Path],
    chunk_tokens: int,
    progress: ProgressHook | None = None,
) -> IngestReport:
    """`embed_model` is a factory: unchanged notices need neither the model nor llama-index."""
    report = IngestReport()
    notices = read_all(paths)
    store.documents(refresh=True)  # another process may have changed the catalog since it was read
    for notice in notices:
        started = time.perf_counter()
        existing: NoticeRecord | None = store.document(notice.doc_id)
        if existing is not None and existing.content_hash == notice.content_hash:
            store.sweep(notice.doc_id)
            store.update_context(notice)
            report.notices.append(
                IngestedNotice(notice.doc_id, notice.title, notice.source_path, "unchanged", existing.sections, existing.nodes, 0, 0.0)
            )
            continue
        nodes = _parse(notice, chunk_tokens)
        embedded = _embed(embed_model(), nodes, notice.title, progress)
        parsed = parse_sections(notice.text)
        structure = outline(notice.text, {"issuer": notice.issuer, "signed_on": notice.signed_on})
        sections = sum(1 for s in structure["sections"] if s["labels"])
        derived = {"facts": stored_facts(notice, parsed), "outline": structure,
                   **({"pages": list(notice.pages)} if notice.pages else {})}
        store.replace(notice, nodes, sections, derived=derived)
        report.notices.append(
            IngestedNotice(
                notice.doc_id,
                notice.title,
                notice.source_path,
                "replaced" if existing else "added",
                sections,
                len(nodes),
                embedded,
                time.perf_counter() - started,
            )
        )
    if report.changed:
        store.keyword_index()  # once for the batch, so the first question does not pay for it
    return report


def stored_facts(notice: Notice, sections=None) -> list[dict]:
    """The notice's facts as stored with its version, each with the section path it sits in."""
    sections = sections if sections is not None else parse_sections(notice.text)
    out = []
    for fact in extract_facts(notice.text, notice_date=notice.signed_on or notice.published_on):
        section = next((s for s in reversed(sections) if s.start <= fact.start), None)
        out.append({**fact.to_dict(), "section_labels": list(section.labels) if section else []})
    return out


def _parse(notice: Notice, chunk_tokens: int) -> list:
    from llama_index.core.schema import Document

    from ingest.chunking import NoticeNodeParser

    document = Document(id_=notice.doc_id, text=notice.text, metadata={**notice.metadata, "version": version_of(notice)})
    return NoticeNodeParser(chunk_tokens=chunk_tokens, pages=list(notice.pages)).get_nodes_from_documents([document])


def _embed(embed_model, nodes, title: str, progress: ProgressHook | None) -> int:
    from llama_index.core.schema import MetadataMode

    texts = [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes]
    missing = embed_model.missing(texts)
    batch = 16
    vectors: list[list[float]] = []
    if progress:
        progress(title, 0, len(texts))
    for i in range(0, len(texts), batch):
        vectors.extend(embed_model.get_text_embedding_batch(texts[i : i + batch]))
        if progress:
            progress(title, min(i + batch, len(texts)), len(texts))
    for node, vector in zip(nodes, vectors):
        node.embedding = vector
    return missing
