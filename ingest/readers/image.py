"""Photographed or scanned pages (.png, .jpg) — through OCR (ingest/readers/ocr.py)."""

from __future__ import annotations

import io
from pathlib import Path

from ingest.errors import NoticeError
from ingest.readers import Extracted
from ingest.readers import ocr


def read(path: Path, raw: bytes) -> Extracted:
    ocr.require(path)
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise NoticeError(path, f"图片无法打开,文件可能已损坏({type(exc).__name__})") from None
    (text,) = ocr.recognise(path, [image])
    if not text.strip():
        raise NoticeError(path, "图片里没有识别出文字")
    return Extracted(text=text)
