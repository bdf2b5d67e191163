"""Offline OCR for scanned pages, through the optional extra `pip install -e '.[ocr]'`.

rapidocr-onnxruntime 1.4.4 ships its three PP-OCRv4 ONNX models (detection, direction,
recognition; ≈16 MB) inside the wheel and runs them with onnxruntime: nothing is
downloaded. The recognised lines are stored as the notice text, so quotes and offsets
refer to what OCR read, verbatim.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.errors import NoticeError

HOW_TO_ENABLE = "这是扫描件或图片,需要文字识别(OCR)才能导入;请先安装 OCR 组件:pip install -e '.[ocr]'(或 pip install rapidocr-onnxruntime==1.4.4)"


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def require(path: Path) -> None:
    if not available():
        raise NoticeError(path, HOW_TO_ENABLE)


def recognise(path: Path, images: list, what: str = "文字识别") -> list[str]:
    """One text per page image (numpy arrays or PIL images), lines in reading order."""
    import numpy as np
    from tqdm import tqdm

    require(path)
    engine = _engine()
    pages = []
    for image in tqdm(images, desc=f"{what} {path.name}", unit="页", leave=False):
        result, _ = engine(np.asarray(image.convert("RGB")) if hasattr(image, "convert") else image)
        pages.append(_lines(result or []))
    return pages


def _lines(result: list) -> str:
    """Boxes → lines: boxes whose vertical centres are within half a line height share a line."""
    boxes = []
    for box, text, _score in result:
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        boxes.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), text))
    boxes.sort()
    lines: list[list[tuple]] = []
    for box in boxes:
        if lines and abs(box[0] - lines[-1][0][0]) < max(box[1], lines[-1][0][1]) / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    return "\n".join("".join(b[3] for b in sorted(line, key=lambda b: b[2])) for line in lines)
