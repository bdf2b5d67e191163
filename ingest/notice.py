"""Reading a notice file: bytes → text, boilerplate dropped, document metadata found.

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

from ingest.errors import NoticeError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024

_BREADCRUMB = re.compile(r"^\s*(所在位置|当前位置|您的位置|您现在的位置)\s*[:：]")
_SOURCE_DATE = re.compile(r"来源\s*[:：]\s*(?P<source>.*?)\s+(发布)?(日期|时间)\s*[:：]\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})")
_FOOTER = re.compile(
    r"^\s*(主办单位|承办单位|协办单位|合作单位|技术支持|版权所有|网站标识码|投稿邮箱|联系我们|网站地图|【?打印】?|【?关闭】?|分享到)"
    r"|ICP备|公网安备|京公网|Copyright|©"
)
_LONE_EMAIL = re.compile(r"^\s*[\w.+-]+@[\w-]+(\.[\w-]+)+\s*$")
_EMPTY_ATTACHMENT = re.compile(r"^\s*附件\s*[:：]?\s*$")
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_TITLE_LINE = re.compile(r"关于.{2,60}(通报|报告|通知|决定|意见|公告|情况|说明)\s*$")


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

        page_title, text = html_to_text(text)
    else:
        page_title = ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _mostly_control(text):
        raise NoticeError(path, "binary file, not a text notice")
    meta: dict[str, str] = {}
    body = _drop_boilerplate(text, meta)
    if not re.search(r"\w", body):
        raise NoticeError(path, "no readable text after removing page boilerplate")
    title = _find_title(body) or page_title
    issuer, signed_on = _find_signature(body)
    if not issuer and "关于" in title:
        issuer = title.split("关于", 1)[0]
    return Notice(
        doc_id=doc_id_for(path),
        text=body,
        source_path=str(path.resolve()),
        title=title,
        issuer=issuer,
        signed_on=signed_on,
        published_on=meta.get("published_on", ""),
        source=meta.get("source", ""),
        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
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


def _drop_boilerplate(text: str, meta: dict[str, str]) -> str:
    kept: list[str] = []
    for line in text.split("\n"):
        found = _SOURCE_DATE.search(line)
        if found:
            meta["source"] = found.group("source").strip()
            y, m, d = found.group("date").split("-")
            meta["published_on"] = f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
            continue
        if _BREADCRUMB.search(line) or _FOOTER.search(line) or _LONE_EMAIL.match(line) or _EMPTY_ATTACHMENT.match(line):
            continue
        kept.append(line.rstrip())
    body = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", body).strip("\n")


def _find_title(body: str) -> str:
    # Markdown notices put `#` and `**` around the title.
    lines = [t for t in (line.strip().strip("#*").strip() for line in body.split("\n")) if t]
    for line in lines[:5]:
        if _TITLE_LINE.search(line) and len(line) <= 80:
            return line
    return lines[0][:80] if lines and len(lines[0]) <= 80 and "。" not in lines[0] else ""


def _find_signature(body: str) -> tuple[str, str]:
    """The issuing body and date that close a notice (`中共…区委` / `2021年5月6日`)."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    for i in range(len(lines) - 1, max(len(lines) - 4, 0) - 1, -1):
        date = _DATE_LINE.match(lines[i])
        if date:
            y, m, d = (int(g) for g in date.groups())
            issuer = lines[i - 1] if i > 0 and len(lines[i - 1]) <= 40 and not re.search(r"[。,，;；]", lines[i - 1]) else ""
            return issuer, f"{y:04d}-{m:02d}-{d:02d}"
    return "", ""
