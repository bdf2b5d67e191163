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
from ingest.readers import SUPPORTED_SUFFIXES, extract, reader_for, suffix_list


_BREADCRUMB = re.compile(r"^\s*(所在位置|当前位置|您的位置|您现在的位置)\s*[:：]")
_SOURCE_DATE = re.compile(r"来源\s*[:：]\s*(?P<source>.*?)\s+(发布)?(日期|时间)\s*[:：]\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})")
_FOOTER = re.compile(
    r"^\s*(主办单位|承办单位|协办单位|合作单位|技术支持|版权所有|网站标识码|投稿邮箱|联系我们|网站地图|【?打印】?|【?关闭】?|分享到)"
    r"|ICP备|公网安备|京公网|Copyright|©"
)
_MAX_HEADER_CHARS = 300
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
    """A stable id from the file name, so a changed file replaces its earlier version."""
    stem = unicodedata.normalize("NFKC", path.stem).strip().lower()
    slug = re.sub(r"[^\w.-]+", "-", stem).strip("-.")
    return slug or "notice-" + hashlib.sha1(path.name.encode()).hexdigest()[:10]


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
    meta: dict[str, str] = {}
    body, pages = _drop_boilerplate_keeping_pages(text, extracted.pages, meta)
    if not re.search(r"\w", body):
        raise NoticeError(path, "去掉网页栏目、页眉页脚等内容后,没有可读的正文")
    title = _find_title(body) or extracted.title
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
        pages=pages,
    )


def _drop_boilerplate_keeping_pages(text: str, pages: list[int], meta: dict[str, str]) -> tuple[str, tuple[int, ...]]:
    """Boilerplate removal, page by page, so each page's start offset survives it."""
    if not pages:
        return _drop_boilerplate(text, meta), ()
    kept: list[str] = []
    starts: list[int] = []
    length = 0
    for start, end in zip(pages, list(pages[1:]) + [len(text)]):
        page = _drop_boilerplate(text[start:end], meta)
        if page and kept:
            length += 2  # the blank line that joins two pages
        starts.append(length)
        if page:
            kept.append(page)
            length += len(page)
    return "\n\n".join(kept), tuple(starts)


def _drop_boilerplate(text: str, meta: dict[str, str]) -> str:
    kept: list[str] = []
    for line in text.split("\n"):
        if len(line) > _MAX_HEADER_CHARS:  # page furniture is a short line; a notice exported as one line only starts with it
            kept.append(line.rstrip())
            continue
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
