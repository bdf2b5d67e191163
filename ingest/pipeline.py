"""Ingestion, top to bottom: files → notices → section nodes → vectors → store.

Every file is read and checked before anything is written, so a bad file in a
batch leaves the store exactly as it was.

A notice is known by its content, not its file name: a file whose text is already
stored (under any name) is unchanged; a different notice whose file name gives an id
that is taken is added beside the first, under that id plus a short content hash.
Only an explicit `replace=True` puts a file in the place of the notice with its id.
"""

from __future__ import annotations

import bisect
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import NoticeError
from ingest.fact_cache import FactCache
from ingest.facts import extract_facts, facts_date
from ingest.notice import Notice, doc_id_beside, find_notice_files, read_notice
from ingest.sections import outline, parse_sections
from ingest.store import NoticeRecord, NoticeStore, version_of

# While a notice is embedded, its nodes are written once this many are waiting, or this long after the last write.
WRITE_BATCH = 256
WRITE_EVERY_S = 1.0

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
    # The other notice involved: the one replaced ("replaced"), the one with the same file name
    # kept beside this one ("added"), or the one already holding this text ("unchanged").
    other_id: str = ""
    other_title: str = ""


@dataclass
class IngestReport:
    notices: list[IngestedNotice] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(n.status != "unchanged" for n in self.notices)

    @property
    def replaced(self) -> list[IngestedNotice]:
        return [n for n in self.notices if n.status == "replaced"]

    def summary(self) -> str:
        """One line per notice, in Chinese."""
        lines = []
        for n in self.notices:
            if n.status == "unchanged":
                same = f",与已收录的 {n.other_id} 内容相同" if n.other_id and n.other_id != n.doc_id else ""
                lines.append(f"{n.doc_id}:已收录过{same},内容没有变化,无需处理(《{n.title}》)")
                continue
            work = f"{n.sections} 个章节,{n.nodes} 个段落,新向量化 {n.embedded} 段,用时 {n.seconds:.1f} 秒"
            if n.status == "replaced":
                lines.append(f"{n.doc_id}:已替换原通报《{n.other_title}》 — {work}(《{n.title}》)")
            elif n.other_id:
                lines.append(
                    f"{n.doc_id}:已添加 — {work}(《{n.title}》);同名的 {n.other_id}(《{n.other_title}》)内容不同,"
                    f"已保留。如要替换它,请用 --replace 重新导入"
                )
            else:
                lines.append(f"{n.doc_id}:已添加 — {work}(《{n.title}》)")
        return "\n".join(lines)


def read_all(paths: list[Path], max_chars: int | None = None) -> list[Notice]:
    """Read and check every file first, so a bad file anywhere in the batch writes nothing."""
    notices = [_read(p) for p in find_notice_files([Path(p) for p in paths])]
    for notice in notices:
        if max_chars is not None and len(notice.text) > max_chars:
            raise NoticeError(
                notice.source_path, f"正文有 {len(notice.text):,} 个字符,超过上限 {max_chars:,};请拆分后再导入"
            )
    return notices


def _read(path: Path) -> Notice:
    try:
        return read_notice(path)
    except RecursionError:  # a reader that recurses over markup nested deeper than the stack
        raise NoticeError(path, "标记嵌套太深,无法读取") from None


def place(store: NoticeStore, notice: Notice, replace: bool) -> tuple[Notice, NoticeRecord | None, NoticeRecord | None]:
    """Where a notice goes: (the notice with its final id, the record it replaces, the record of
    the same text already stored). Never overwrites a different notice unless `replace`."""
    for record in store.documents():
        if record.content_hash == notice.content_hash:
            return dataclasses.replace(notice, doc_id=record.doc_id), None, record
    taken = store.document(notice.doc_id)
    if taken is None:
        return notice, None, None
    if replace:
        return notice, taken, None
    return dataclasses.replace(notice, doc_id=doc_id_beside(notice.doc_id, notice.content_hash, store.document)), None, None


def ingest(
    store: NoticeStore,
    embed_model: Callable[[], object],
    paths: list[Path],
    chunk_tokens: int,
    progress: ProgressHook | None = None,
    replace: bool = False,
    fact_cache: FactCache | None = None,
) -> IngestReport:
    """`embed_model` is a factory: unchanged notices need neither the model nor llama-index.
    `replace`: a file takes the place of the stored notice with its id (see `place`).
    `fact_cache`: facts extracted before from the same text (see `ingest.fact_cache`)."""
    report = IngestReport()
    notices = read_all(paths, store.settings.max_notice_chars)
    store.documents(refresh=True)  # another process may have changed the catalog since it was read
    for notice in notices:
        started = time.perf_counter()
        notice, replaced, same = place(store, notice, replace)
        if same is not None:
            store.sweep(same.doc_id)
            if same.doc_id == notice.doc_id:
                store.update_context(notice)
            report.notices.append(
                IngestedNotice(same.doc_id, notice.title, notice.source_path, "unchanged", same.sections, same.nodes, 0, 0.0,
                               other_id=same.doc_id, other_title=same.title)
            )
            continue
        beside = store.document(_file_id(notice)) if not replace and notice.doc_id != _file_id(notice) else None
        nodes = _parse(notice, chunk_tokens)
        try:
            # Each batch is written as soon as it is embedded: memory stays flat, and a kill midway
            # leaves nodes that the pending marker lets the next opening of the store sweep.
            embedded = _embed(embed_model(), nodes, notice.title, progress, lambda batch, n=notice: store.add_nodes(n, batch))
            parsed = parse_sections(notice.text)
            structure = outline(notice.text, {"issuer": notice.issuer, "signed_on": notice.signed_on})
            sections = sum(1 for s in structure["sections"] if s["labels"])
            derived = {"facts": stored_facts(notice, parsed, fact_cache), "outline": structure,
                       **({"pages": list(notice.pages)} if notice.pages else {})}
            store.replace(notice, nodes, sections, derived=derived)
        except BaseException:
            store.abandon(notice)
            raise
        other = replaced or beside
        report.notices.append(
            IngestedNotice(
                notice.doc_id,
                notice.title,
                notice.source_path,
                "replaced" if replaced else "added",
                sections,
                len(nodes),
                embedded,
                time.perf_counter() - started,
                other_id=other.doc_id if other else "",
                other_title=other.title if other else "",
            )
        )
    if report.changed:
        store.keyword_index()  # once for the batch, so the first question does not pay for it
    return report


def stored_facts(notice: Notice, sections=None, cache: FactCache | None = None) -> list[dict]:
    """The notice's facts as stored with its version, each with the section path it sits in."""
    sections = sections if sections is not None else parse_sections(notice.text)
    starts = [s.start for s in sections]  # in reading order: the section of a fact by bisection
    date = facts_date(notice.signed_on, notice.published_on, notice.context.year)
    facts = cache.get(notice.text, date) if cache else None
    if facts is None:
        facts = [fact.to_dict() for fact in extract_facts(notice.text, notice_date=date)]
        if cache:
            cache.put(notice.text, date, facts)
    out = []
    for fact in facts:
        at = bisect.bisect_right(starts, fact["start"]) - 1
        out.append({**fact, "section_labels": list(sections[at].labels) if at >= 0 else []})
    return out


def _file_id(notice: Notice) -> str:
    from ingest.notice import doc_id_for

    return doc_id_for(Path(notice.source_path))


def _parse(notice: Notice, chunk_tokens: int) -> list:
    from llama_index.core.schema import Document

    from ingest.chunking import NoticeNodeParser

    document = Document(id_=notice.doc_id, text=notice.text, metadata={**notice.metadata, "version": version_of(notice)})
    return NoticeNodeParser(chunk_tokens=chunk_tokens, pages=list(notice.pages)).get_nodes_from_documents([document])


def _embed(embed_model, nodes, title: str, progress: ProgressHook | None, written: Callable[[list], None]) -> int:
    from llama_index.core.schema import MetadataMode

    texts = [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes]
    missing = embed_model.missing(texts)
    batch = 16
    if progress:
        progress(title, 0, len(texts))
    unwritten: list = []
    last_write = time.monotonic()
    for i in range(0, len(texts), batch):
        vectors = embed_model.get_text_embedding_batch(texts[i : i + batch])
        for node, vector in zip(nodes[i : i + batch], vectors):
            node.embedding = vector
        unwritten += nodes[i : i + batch]
        # A Chroma write costs ~0.25 s whatever its size: vectors that come from a cache (or the
        # shipped ones) are written in runs, the model's as they come (a kill loses little).
        if len(unwritten) >= WRITE_BATCH or time.monotonic() - last_write >= WRITE_EVERY_S or i + batch >= len(texts):
            written(unwritten)
            unwritten, last_write = [], time.monotonic()
        if progress:
            progress(title, min(i + batch, len(texts)), len(texts))
    return missing
