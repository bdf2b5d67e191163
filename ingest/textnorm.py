"""The one text normaliser: NFKC, with a map back to the offsets of the text it came from.

NFKC folds full-width digits, letters and punctuation to half-width (users type both), but
some characters change length: ⑴ → "(1)", ㈠ → "(一)", … → "...". A figure found in the
normalised text must still point at its exact place in the stored text (citations and
highlights use those offsets), so every length change is recorded.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


class _Folding(dict):
    """code point → its NFKC folding, filled as characters are met (str.translate asks it per character)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold(chr(code))
        return folded


_FOLDING = _Folding()


def normalize(text: str) -> str:
    """Character-by-character NFKC: the same folding `normalize_with_map` does, without the map."""
    if text.isascii():
        return text
    return text.translate(_FOLDING)


@dataclass(frozen=True)
class OffsetMap:
    """Positions in the normalised text → positions in the original, and back.

    Only characters whose folding changes the length are recorded (most texts have none or a
    few), so the map costs nothing for ordinary text.
    """

    original: tuple[int, ...]  # where each length-changing character sits in the original
    folded: tuple[int, ...]  # where its folding starts in the normalised text
    length: tuple[int, ...]  # how long its folding is

    def start(self, n: int) -> int:
        """The original offset of a span starting at normalised offset `n`."""
        k = bisect_right(self.folded, n) - 1
        if k < 0:
            return n
        if n < self.folded[k] + self.length[k]:
            return self.original[k]  # inside a folding: the span starts at its character
        return self.original[k] + 1 + (n - self.folded[k] - self.length[k])

    def end(self, n: int) -> int:
        """The original offset of a span ending (exclusively) at normalised offset `n`."""
        k = bisect_right(self.folded, n - 1) - 1
        if k < 0:
            return n
        if n <= self.folded[k] + self.length[k]:
            return self.original[k] + 1  # ends inside a folding: the span takes its whole character
        return self.original[k] + 1 + (n - self.folded[k] - self.length[k])

    def to_normalized(self, o: int) -> int:
        """The normalised offset where original offset `o` begins."""
        k = bisect_right(self.original, o) - 1
        if k < 0:
            return o
        if o == self.original[k]:
            return self.folded[k]
        return self.folded[k] + self.length[k] + (o - self.original[k] - 1)


def normalize_with_map(text: str) -> tuple[str, OffsetMap]:
    if text.isascii():
        return text, OffsetMap((), (), ())
    table = {ord(c): _fold(c) for c in set(text)}
    folded = text.translate(table)
    changing = {c for c in set(text) if len(table[ord(c)]) != 1}
    original, starts, lengths = [], [], []
    if changing:
        shift = 0
        for i, ch in enumerate(text):
            if ch in changing:
                original.append(i)
                starts.append(i + shift)
                lengths.append(len(table[ord(ch)]))
                shift += len(table[ord(ch)]) - 1
    return folded, OffsetMap(tuple(original), tuple(starts), tuple(lengths))
