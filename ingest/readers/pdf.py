"""PDFs: the text layer through pypdfium2, tables through pdfplumber, scanned pages through OCR.

pypdfium2 (Chrome's PDF engine) read every CJK font we tried correctly and fastest;
pdfplumber returned nothing for an embedded CFF (OpenType) CJK font and pypdf put NULs
between the characters (figures in README.md, `python -m eval.bench_formats`). pdfplumber
still finds tables best, from their ruling lines; the cells' text is read with pdfium.

Lines are rebuilt from pdfium's text rectangles, top to bottom and left to right, so the
lines inside a table become one pipe-table block. Running headers and footers (a line
repeated at the top or bottom of most pages, digits aside) and page numbers (`- 3 -`,
`第3页`, `3/12`) are dropped. Page starts are kept, so a citation can say 第N页.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from ingest.errors import NoticeError
from ingest.readers import Extracted, ocr
from ingest.readers.tables import pipe_table

_PAGE_NUMBER = re.compile(r"^[-—–－_\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－_\s]*$")
_FURNITURE_LINES = 2  # how many lines at each end of a page may be a running header or footer
_MIN_TABLE_RULES = 4  # drawn lines on a page before it is searched for a table (a ruled 1×1 cell has four)
_MIN_TEXT_LAYER_CHARS = 30  # fewer characters than this on a page holding an image: the image is the page
_OCR_SCALE = 2.5  # 72 dpi × 2.5 = 180 dpi: small print stays legible to the recogniser


def read(path: Path, raw: bytes) -> Extracted:
    import pypdfium2 as pdfium
    from tqdm import tqdm

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        reason = "PDF 有密码保护,请去掉密码后再导入" if "password" in str(exc).lower() else "不是有效的 PDF 文件,无法打开"
        raise NoticeError(path, reason) from None
    tables = _Tables(raw)
    pages: list[list[str]] = []
    scanned: list[int] = []
    try:
        for number in tqdm(range(len(pdf)), desc=f"读取 PDF {path.name}", unit="页", leave=False, disable=len(pdf) < 5):
            page = pdf[number]
            lines = _page_lines(page, tables.on(page, number))
            if _is_scan(page, lines):
                scanned.append(number)
            pages.append(lines)
    finally:
        tables.close()
    if scanned:
        ocr.require(path)
        images = [pdf[n].render(scale=_OCR_SCALE).to_pil() for n in scanned]
        for n, text in zip(scanned, ocr.recognise(path, images, "识别扫描页")):
            pages[n] = text.split("\n")
    pages = _drop_running_lines(pages)
    text, starts = "", []
    for lines in pages:
        body = "\n".join(line for line in lines if line.strip())
        if text and body:
            text += "\n\n"
        starts.append(len(text))
        text += body
    title = (pdf.get_metadata_dict().get("Title") or "").strip()
    return Extracted(text=text, title=title, pages=starts)


def _is_scan(page, lines: list[str]) -> bool:
    """A page of images with (almost) no text layer: a stamped page number or date is no text layer."""
    import pypdfium2.raw as pdfium_c

    text = "".join(lines)
    if not text.strip():
        return True
    has_image = next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)), None) is not None
    return has_image and len(re.sub(r"\s", "", text)) < _MIN_TEXT_LAYER_CHARS


class _Tables:
    """Tables found by pdfplumber from their ruling lines, as (bbox, rows of cell bboxes), top-left origin.

    pdfplumber parses every character of a page it looks at (≈0.1 s a page), so it is opened
    only for pages on which pdfium sees enough drawn lines to rule a table."""

    def __init__(self, raw: bytes):
        self.raw = raw
        self.pdf = None
        self.broken = False

    def on(self, page, number: int) -> list:
        import pypdfium2.raw as pdfium_c

        paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)
        if self.broken or sum(1 for _ in zip(range(_MIN_TABLE_RULES), paths)) < _MIN_TABLE_RULES:
            return []
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError

        try:
            self.pdf = self.pdf or pdfplumber.open(io.BytesIO(self.raw))
            return [([*table.bbox], [list(row.cells) for row in table.rows]) for table in self.pdf.pages[number].find_tables()]
        except PDFSyntaxError:
            self.broken = True  # pdfium read it; without tables the text is still read
            return []

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _page_lines(page, tables: list) -> list[str]:
    textpage = page.get_textpage()
    height = page.get_height()
    boxes = [bbox for bbox, _ in tables]  # (x0, top, x1, bottom), from the top of the page
    segments = []  # (top, bottom, left, text), from the top of the page
    for k in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(k)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if not text.strip():
            continue
        y_top, y_bottom = height - top, height - bottom
        inside = any(b[1] - 1 <= y_top and y_bottom <= b[3] + 1 and b[0] - 1 <= left <= b[2] + 1 for b in boxes)
        if not inside:  # a table's text comes in once, as its pipe-table block
            segments.append((y_top, y_bottom, left, text.replace("\r", "").replace("\n", "")))
    for bbox, rows in tables:  # the table block sits where the table's top is
        cells = [[_bbox_text(textpage, *_top_to_pdf(c, height)) if c else "" for c in row] for row in rows]
        segments.append((bbox[1], bbox[1] + 1, bbox[0], "\n".join(pipe_table(cells))))
    segments.sort(key=lambda s: (s[0], s[2]))
    lines: list[list[tuple]] = []
    for seg in segments:
        last = lines[-1][-1] if lines else None
        # Same line: the segments overlap vertically by more than half the shorter one.
        if last and min(seg[1], last[1]) - max(seg[0], last[0]) > 0.5 * min(seg[1] - seg[0], last[1] - last[0]):
            lines[-1].append(seg)
        else:
            lines.append([seg])
    return ["".join(s[3] for s in sorted(line, key=lambda s: s[2])).strip() for line in lines]


def _top_to_pdf(bbox, height):
    x0, top, x1, bottom = bbox
    return x0, height - bottom, x1, height - top


def _bbox_text(textpage, left, bottom, right, top) -> str:
    return textpage.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", " ").strip()


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and lines that open or close most pages (digits aside)."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))

    ends = Counter()
    for lines in pages:
        kept = [line for line in lines if line.strip()]
        ends.update({key(line) for line in kept[:_FURNITURE_LINES] + kept[-_FURNITURE_LINES:]})
    repeated = {k for k, n in ends.items() if len(pages) >= 2 and n >= max(2, (len(pages) + 1) // 2)}
    out = []
    for lines in pages:
        kept = [line for line in lines if line.strip()]
        edge = set(range(_FURNITURE_LINES)) | set(range(len(kept) - _FURNITURE_LINES, len(kept)))
        out.append([
            line for i, line in enumerate(kept)
            if not (i in edge and (_PAGE_NUMBER.match(line) or key(line) in repeated))
        ])
    return out
