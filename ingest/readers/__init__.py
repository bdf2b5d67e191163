"""One reader per file kind behind one interface, chosen by the file's suffix.

Like RAGFlow's chunker factory: `READERS` maps a suffix to the module that reads it,
imported only when a file of that kind arrives (the PDF and OCR libraries are heavy,
and an unchanged re-ingest of a text notice should not pay for them). Every reader
module has `read(path, raw) -> Extracted`: the text the notice is stored as — which
citation offsets point into — and the structure the file carried beside it.

Tables come out as pipe-table lines (`| 指标 | 2022年 |`, one row a line), their caption
the line before; headings that the file marks by style become text the heading grammar
reads (numbering rendered as Word shows it, an unnumbered styled heading as `# 标题`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import NoticeError

READERS: dict[str, str] = {
    ".txt": "ingest.readers.text",
    ".md": "ingest.readers.text",
    ".html": "ingest.readers.html",
    ".htm": "ingest.readers.html",
    ".docx": "ingest.readers.docx",
    ".pdf": "ingest.readers.pdf",
    ".png": "ingest.readers.image",
    ".jpg": "ingest.readers.image",
    ".jpeg": "ingest.readers.image",
}
SUPPORTED_SUFFIXES = tuple(READERS)

# A notice is a few hundred KB of text; a file far larger is a mistake or an archive.
MAX_BYTES = 50 * 1024 * 1024
# Stored text beyond this would take hours to embed on a laptop (≈10 passages/s).
MAX_CHARS = 2_000_000


@dataclass
class Extracted:
    """What a reader made of a file."""

    text: str
    title: str = ""  # a title the file states apart from its text (HTML <title>, .docx properties)
    pages: list[int] = field(default_factory=list)  # offset in `text` where each page begins (PDF, scans)


def suffix_list() -> str:
    return " ".join(SUPPORTED_SUFFIXES)


def reader_for(path: Path):
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise NoticeError(path, f"不支持的文件类型 {path.suffix or '(无扩展名)'};可导入的类型:{suffix_list()}")
    return importlib.import_module(READERS[suffix])


def extract(path: Path) -> Extracted:
    """Read one file with the reader of its kind, after the checks every kind shares."""
    path = Path(path)
    if not path.is_file():
        raise NoticeError(path, "文件不存在")
    reader = reader_for(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NoticeError(path, f"文件大小 {size / 1024 / 1024:.1f} MB,超过上限 {MAX_BYTES // (1024 * 1024)} MB;请拆分后再导入")
    raw = path.read_bytes()
    if not raw.strip():
        raise NoticeError(path, "文件是空的")
    extracted = reader.read(path, raw)
    if not extracted.text.strip():  # full-width spaces and the like: bytes.strip() keeps them
        raise NoticeError(path, "文件是空的,或没有可读的文字")
    if len(extracted.text) > MAX_CHARS:
        raise NoticeError(
            path, f"文字有 {len(extracted.text):,} 字,超过上限 {MAX_CHARS:,} 字(嵌入要数小时);请拆分后再导入"
        )
    return extracted
