"""Reading a notice file: bytes → text, site furniture dropped (ingest.furniture), its context found (ingest.context).

A `Notice` is what the rest of the pipeline sees: the text that is stored (and
that citation offsets point into) plus the facts about the document that the
text itself states (title, issuing body, dates, source).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ingest.context import NoticeContext, extract_context
from ingest.errors import NoticeError
from ingest.furniture import strip_furniture
from ingest.readers import SUPPORTED_SUFFIXES, extract, reader_for, suffix_list  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Notice:
    doc_id: str
    text: str
    source_path: str
    title: str = ""
    issuer: str = ""
    signed_on: str = ""
    published_on: str = ""
    source: str = ""
    content_hash: str = field(default="")
    context: NoticeContext = field(default_factory=NoticeContext)
    pages: tuple[int, ...] = ()  # offset where each page of a PDF or scan begins, for 第N页 in citations

    @property
    def metadata(self) -> dict[str, str]:
        return {
            "doc_id": self.doc_id,
            "doc_title": self.title,
            "issuer": self.issuer,
            "signed_on": self.signed_on,
            "published_on": self.published_on,
            "source": self.source,
        }


def doc_id_for(path: Path) -> str:
    """The id a notice first gets: a readable slug of its file name. The name is no identity:
    the store adds a different notice with a taken id beside it (`doc_id_beside`)."""
    stem = unicodedata.normalize("NFKC", path.stem).strip().lower()
    slug = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    return slug or "notice-" + hashlib.sha1(path.name.encode()).hexdigest()[:10]


def doc_id_beside(doc_id: str, content_hash: str, taken) -> str:
    """`doc_id` plus the shortest prefix (8 or more) of the content hash that `taken(id)` says is free."""
    for length in range(8, len(content_hash) + 1, 4):
        candidate = f"{doc_id}-{content_hash[:length]}"
        if not taken(candidate):
            return candidate
    raise NoticeError(doc_id, "找不到空闲的通报编号")


def find_notice_files(paths: list[Path]) -> list[Path]:
    """Expand directories into the supported files they hold; complain about the rest."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise NoticeError(path, "文件或文件夹不存在")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not inside:
                raise NoticeError(path, f"文件夹里没有可导入的通报文件({suffix_list()})")
            found.extend(inside)
        else:
            reader_for(path)  # refuses an unsupported kind before any file is read
            found.append(path)
    return found


def read_notice(path: Path) -> Notice:
    path = Path(path)
    extracted = extract(path)
    text = extracted.text.replace("\r\n", "\n").replace("\r", "\n")
    body, meta, pages = _strip_keeping_pages(text, extracted.pages, extracted.title)
    if not re.search(r"\w", body):
        raise NoticeError(path, "去掉网页栏目、页眉页脚等内容后,没有可读的正文")
    context = extract_context(body, meta, extracted.title)
    return Notice(
        doc_id=doc_id_for(path),
        text=body,
        source_path=str(path.resolve()),
        title=context.title,
        issuer=context.issuer,
        signed_on=context.signed_on,
        published_on=context.published_on,
        source=context.source,
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        context=context,
        pages=pages,
    )


# A long run of one symbol (a separator line "=====…", 200,000 "&amp;" of a broken page) says
# nothing and would cost minutes of passages to embed: it is kept as three of it.
_SYMBOL_RUN = re.compile(r"([^\w\s])\1{49,}")


def _collapsed(text: str) -> str:
    return _SYMBOL_RUN.sub(lambda m: m.group(1) * 3, text)


def _strip_keeping_pages(text: str, pages: list[int], page_title: str) -> tuple[str, dict[str, str], tuple[int, ...]]:
    """Site furniture removed (ingest.furniture), page by page for a PDF, so each page's start
    offset survives it; the metadata the furniture held is kept."""
    if not pages:
        body, meta = strip_furniture(_collapsed(text), page_title)
        return body, meta, ()
    meta: dict[str, str] = {}
    kept: list[str] = []
    starts: list[int] = []
    length = 0
    for start, end in zip(pages, list(pages[1:]) + [len(text)]):
        page, found = strip_furniture(_collapsed(text[start:end]), page_title)
        for key, value in found.items():
            meta.setdefault(key, value)
        if page and kept:
            length += 2  # the blank line that joins two pages
        starts.append(length)
        if page:
            kept.append(page)
            length += len(page)
    return "\n\n".join(kept), meta, tuple(starts)
