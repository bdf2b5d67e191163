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

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024

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
            raise NoticeError(path, "no such file or directory")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not inside:
                raise NoticeError(path, f"directory holds no notice files ({', '.join(SUPPORTED_SUFFIXES)})")
            found.extend(inside)
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise NoticeError(path, f"unsupported file type {path.suffix or '(none)'!r}; use {', '.join(SUPPORTED_SUFFIXES)}")
        else:
            found.append(path)
    return found


def read_notice(path: Path) -> Notice:
    path = Path(path)
    if not path.is_file():
        raise NoticeError(path, "no such file")
    raw = path.read_bytes()
    if not raw.strip():
        raise NoticeError(path, "file is empty")
    if len(raw) > MAX_BYTES:
        raise NoticeError(path, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if b"\x00" in raw[:8192]:
        raise NoticeError(path, "binary file, not a text notice")
    text = _decode(path, raw)
    if not text.strip():  # full-width spaces and the like: bytes.strip() keeps them
        raise NoticeError(path, "file is empty")
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*<(!doctype html|html)", text[:200], re.I):
        from ingest.html import html_to_text

        page_title, text = html_to_text(text, path)
    else:
        page_title = ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _mostly_control(text):
        raise NoticeError(path, "binary file, not a text notice")
    body, meta = strip_furniture(text, page_title)
    if not re.search(r"\w", body):
        raise NoticeError(path, "no readable text after removing page boilerplate")
    context = extract_context(body, meta, page_title)
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
    )


def _decode(path: Path, raw: bytes) -> str:
    # Government pages are often GBK/GB18030; UTF-8 (with or without BOM) first,
    # since valid UTF-8 Chinese is almost never valid GB18030 by accident.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NoticeError(path, "cannot decode the bytes as UTF-8 or GB18030/GBK")


def _mostly_control(text: str) -> bool:
    sample = text[:20000]
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\n\t")
    return bad > max(8, len(sample) // 50)
