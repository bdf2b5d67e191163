"""Bytes → text for text exports and web pages, in whatever encoding they came in.

UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as they say; anything
else is left to charset-normalizer, limited to the encodings Chinese notices are
written in (GB18030 ⊃ GBK ⊃ GB2312, and Big5 as Windows code page 950). Whatever the
route, text that reads as mojibake is refused rather than stored: a notice stored as
junk answers nothing and cannot be told apart from a real one later.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from ingest.errors import NoticeError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_CANDIDATES = ["gb18030", "cp950"]
# charset-normalizer's mess ratio: 0 for clean text; UTF-8 read as Latin-1 scores ≈5, Big5 read as GB ≈4.
MAX_MESS = 0.3
_SAMPLE = 200_000


def decode(path: Path, raw: bytes) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return _checked(path, raw.decode(encoding), encoding)
            except UnicodeDecodeError:
                raise NoticeError(path, f"文件以 {encoding.upper()} 字节序标记开头,但内容不是有效的 {encoding.upper()} 文字") from None
    if b"\x00" in raw[:8192]:
        raise NoticeError(path, "这是二进制文件,不是文字通报")
    try:
        return _checked(path, raw.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise NoticeError(path, "无法识别文件编码(已尝试 UTF-8、UTF-16、GB18030/GBK、Big5);请另存为 UTF-8 后再导入")
    return _checked(path, str(best), best.encoding.upper())


def _checked(path: Path, text: str, encoding: str) -> str:
    from charset_normalizer.md import mess_ratio

    sample = text[:_SAMPLE]
    # C1 controls (U+0080–U+009F) are what UTF-8 read as Latin-1 leaves: mojibake, judged below.
    bad = sum(
        1 for ch in sample
        if unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\n\r\t" and not "\x80" <= ch <= "\x9f"
    )
    if bad > max(8, len(sample) // 50):
        raise NoticeError(path, "这是二进制文件,不是文字通报")
    if mess_ratio(sample, maximum_threshold=MAX_MESS + 1) > MAX_MESS:
        raise NoticeError(path, f"按 {encoding} 解码后是乱码,未导入;请确认文件编码(或另存为 UTF-8)后再导入")
    return text
