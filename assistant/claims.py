"""An LLM answer, claim by claim, checked against the passages it cites.

A claim is a sentence of the answer with the `[n]` markers that follow or sit in it.
It is supported when the passage it cites (or, when it cites none or the wrong one,
another passage the model was given) holds:

* every figure it states, as the same quantity — value × unit, so "158.72万" is not
  158.72亿元 and "142万家" is not 142家 — and about the same thing: the claim's
  governing words (what it says the figure is OF) must be found around that figure
  in the passage, and must not fit another figure of the same kind there better;
* every year it states, in the sentence of the figure it goes with;
* the section it names ("见二、(一)"), as the passage's section path;
* most of its content words (with the words an answer uses about the notice left
  out, and the question's own words counting for neither side).

Besides, the answer's first figure must be the fact the question asks about: no
figure of the same kind in the passages may fit the question's words much better.

Markers are renumbered in the order the claims cite them, so `[k]` in the text is
the k-th citation shown; a marker naming no passage is dropped.

Thresholds: `ClaimSettings`. Meta words: assistant/data/claim_meta_words.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.answer import Citation, Passage
from assistant.figures import Figure, find_figures, normalize
from assistant.llm import NOT_IN_NOTICE

_META_WORDS = Path(__file__).resolve().parent / "data" / "claim_meta_words.txt"

_MARKER = re.compile(r"\[\s*(\d{1,2}(?:\s*[,、-]\s*\d{1,2})*)\s*\]")
_OPEN_MARKER = re.compile(r"\[[\d\s,、-]*$")  # a marker still arriving
_CLAIM_END = re.compile(r"[。!?;！？；\n]")
_CLAUSE_END = re.compile(r"[,;:、。!?\n]")
_CN = "一二三四五六七八九十"
_MAGNITUDES = ("万", "亿", "千", "万亿")
_LABEL = re.compile(
    rf"第(?P<part>[{_CN}]+)部分|(?P<aspect>第[{_CN}]+方面问题)|第(?P<aspect2>[{_CN}]+)方面"
    rf"|(?P<top>[{_CN}]+)(?:、|(?=\s*(?:›|>|\)|$)))|(?P<paren>\([{_CN}]+\))|(?P<paren_num>\(\d{{1,2}}\))|(?P<num>\d{{1,2}}\.)(?!\d)|(?P<circled>[①-⑳])"
)
_SECTION_CLAIM = re.compile(rf"(?:见|详见|参见|出自|载于|位于)\s*(?P<labels>(?:{_LABEL.pattern}|\s*[›>]\s*)+)")


@dataclass(frozen=True)
class ClaimSettings:
    governor_share: float = 0.5  # of a claim's governing words, found around the figure in the passage
    governor_margin: float = 0.34  # how much better another figure's governing words may fit before the claim is wrong
    question_margin: float = 0.3  # how much better another figure may fit the question than the answer's first
    content_share: float = 0.6  # of a claim's content words, found in its passage
    min_bigrams: int = 3  # fewer content words than this: nothing to check


@dataclass(frozen=True)
class Claim:
    start: int  # in the answer text
    end: int
    text: str


@dataclass
class Verdict:
    ok: bool
    fatal: bool = False  # a wrong figure, year or section: the whole answer gives way
    text: str = ""  # the claim as shown: markers renumbered, invalid ones dropped
    reason: str = ""  # in Chinese, for Answer.fallback_reason
    figures: list[str] = field(default_factory=list)  # the figures no passage holds


@dataclass(frozen=True)
class _Sentence:
    passage: int  # 0-based
    start: int  # offset in the notice
    text: str
    facts: tuple[Figure, ...]


def complete_claims(buffer: str, consumed: int, final: bool) -> list[Claim]:
    """The claims of `buffer[consumed:]` that are complete: their end and every marker after it have arrived."""
    claims = []
    pos = consumed
    while True:
        end = _claim_end(buffer, pos, final)
        if end is None:
            return claims
        if buffer[pos:end].strip():
            claims.append(Claim(pos, end, buffer[pos:end]))
        pos = end
        if pos >= len(buffer):
            return claims


def _claim_end(buffer: str, pos: int, final: bool) -> int | None:
    found = _CLAIM_END.search(buffer, pos)
    if not found:
        return len(buffer) if final and pos < len(buffer) else None
    end = found.end()
    while True:  # the markers (and spaces) right after the sentence's end are part of it
        rest = buffer[end:]
        stripped = len(rest) - len(rest.lstrip(" "))
        marker = _MARKER.match(normalize(rest[stripped:]))
        if marker:
            end += stripped + marker.end()
            continue
        if not final and (rest.strip(" ") == "" or _OPEN_MARKER.fullmatch(normalize(rest.lstrip(" ")))):
            return None  # a marker may still come
        return end


@lru_cache(maxsize=1)
def _meta_words() -> tuple[str, ...]:
    words = [w.strip() for w in _META_WORDS.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#")]
    return tuple(sorted(words, key=len, reverse=True))


def bigrams(text: str) -> set[str]:
    """The Chinese character pairs of `text`, with figures and meta words left out."""
    for word in _meta_words():
        text = text.replace(word, " ")
    out = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _share(words: set[str], text_words: set[str]) -> float:
    return len(words & text_words) / len(words) if words else 1.0


def _facts(text: str) -> list[Figure]:
    """The figures of `text` that claim something: not the 一批/两处 of ordinary words."""
    return [f for f in find_figures(text) if not (f.kind == "count" and not f.text[0].isdigit() and (f.value or 0) <= 2)]


def _quantity(figure: Figure) -> tuple[str, float | None, str]:
    """(kind, value in base units, unit) so that equal triples are the same quantity."""
    if figure.kind in ("date", "year", "phone"):
        return figure.kind, None, figure.key
    unit = figure.unit
    if figure.kind == "number" and unit in _MAGNITUDES:  # 158.72万, 599.8亿: find_figures scaled the value
        return "magnitude", figure.value, ""
    if figure.kind == "count" and unit[:1] in _MAGNITUDES and len(unit) > 1:  # 142万家: 1420000 家
        return "count", figure.value, unit[1:]
    return figure.kind, figure.value, unit


def _plain(figure: Figure) -> str:
    found = re.match(r"\d+(?:,\d{3})*(?:\.\d+)?", figure.text)
    return found.group().replace(",", "") if found else ""


def _same(claim_text: str, stated: Figure, source_text: str, fact: Figure) -> bool:
    kind, value, unit = _quantity(stated)
    fkind, fvalue, funit = _quantity(fact)
    if kind in ("date", "year", "phone"):
        return fkind == kind and funit == unit
    if fvalue is None:
        return False
    close = abs(value - fvalue) <= 1e-6 * max(abs(fvalue), 1.0)
    if kind == "number":  # no unit at all: the number as the passage writes it
        return bool(_plain(stated)) and _plain(stated) == _plain(fact) and fkind in ("money", "percent", "count", "number")
    if kind == "magnitude":  # 158.72亿 for 158.72亿元: a dropped 元 is the same amount, a dropped 亿 is not
        return close and fkind in ("money", "count") and (not unit or funit.endswith(unit) or (unit == "元" and fkind == "money"))
    if kind == "money":
        return fkind == "money" and close
    return fkind == kind and close and funit == unit


def _governor(text: str, figure: Figure, figures: list[Figure]) -> str:
    """What the text says the figure is OF: its clause before it, back to the figure before."""
    start = 0
    for clause_end in _CLAUSE_END.finditer(text, 0, figure.start):
        start = clause_end.end()
    for other in figures:
        if other.end <= figure.start and other.end > start and other.kind not in ("year", "date"):
            start = other.end
    return text[start : figure.start]


def _split(passage: Passage, index: int) -> list[_Sentence]:
    out = []
    for found in re.finditer(r"[^。!?;！？；\n]+[。!?;！？；]?", passage.text):
        raw = found.group()
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        if text:
            out.append(_Sentence(index, passage.start + found.start() + lead, text, tuple(_facts(normalize(text)))))
    return out


def _labels(text: str) -> tuple[str, ...]:
    labels = []
    for found in _LABEL.finditer(text):
        group = found.lastgroup
        value = found.group(group)
        if group == "part" or group == "top":
            labels.append(value)
        elif group == "aspect2":
            labels.append(f"第{value}方面问题")
        else:
            labels.append(value)
    return tuple(labels)


def _in_order(claimed: tuple[str, ...], path: tuple[str, ...]) -> bool:
    it = iter(path)
    return all(label in it for label in claimed)


class ClaimChecker:
    """Checks the claims of one answer against the passages the model was given, in order."""

    def __init__(self, question: str, passages: list[Passage], settings: ClaimSettings | None = None):
        self.settings = settings or ClaimSettings()
        self.question = normalize(question)
        self.question_words = bigrams(self.question)
        self.question_figures = {f.key for f in find_figures(self.question)}
        self.passages = passages
        self.sentences = [s for i, p in enumerate(passages) for s in _split(p, i)]
        self.passage_words = [bigrams(normalize(p.text)) for p in passages]
        self._numbers: dict[int, int] = {}  # passage index → marker number shown
        self._cited: list[_Sentence] = []
        self._asked_checked = False
        self.abstained = False  # a claim said 【未载明】: the notices do not hold the answer

    # -- one claim ---------------------------------------------------------------

    def check(self, claim: Claim) -> Verdict:
        raw = normalize(claim.text)
        markers = [int(n) for found in _MARKER.finditer(raw) for n in re.split(r"\s*[,、-]\s*", found.group(1))]
        cited = [n - 1 for n in markers if 1 <= n <= len(self.passages)]
        body = _MARKER.sub(" ", raw)
        abstains = NOT_IN_NOTICE in body
        self.abstained = self.abstained or abstains
        body = body.replace(NOT_IN_NOTICE, " ")
        sections = list(_SECTION_CLAIM.finditer(body))
        analysed = _SECTION_CLAIM.sub(lambda m: " " * len(m.group()), body)
        order = cited + [i for i in range(len(self.passages)) if i not in cited]
        stated = _facts(analysed)
        supporting: list[_Sentence] = []
        bad_figures: list[str] = []
        for figure in stated:
            if abstains and figure.key in self.question_figures:
                continue  # "通报中没有提到2021年的…" restates the question
            if figure.kind in ("year", "date"):
                continue  # checked against the sentence of the figure they go with, below
            match = self._support(analysed, figure, stated, order)
            if match is None:
                bad_figures.append(figure.text)
                continue
            if isinstance(match, str):
                return Verdict(False, True, reason=match, figures=[figure.text])
            supporting.append(match)
            if not self._asked_checked and figure.key not in self.question_figures:
                self._asked_checked = True
                wrong = self._answers_question(analysed, figure, match)
                if wrong:
                    return Verdict(False, True, reason=wrong, figures=[figure.text])
        if bad_figures:
            return Verdict(False, True, reason=f"大模型给出的数字在原文中找不到:{'、'.join(bad_figures)}", figures=bad_figures)
        for figure in stated:
            if figure.kind in ("year", "date") and not (abstains and figure.key in self.question_figures):
                if not self._time_supported(analysed, figure, supporting, order):
                    return Verdict(False, True, reason=f"大模型给出的时间与原文不符:{figure.text}", figures=[figure.text])
        passages = list(dict.fromkeys(s.passage for s in supporting))
        words = bigrams(analysed) - {w for w in self.question_words if not any(w in self.passage_words[i] for i in order)}
        if not passages and not abstains:
            passages = self._best_passage(words, order)
        if not abstains and len(words) >= self.settings.min_bigrams:
            held = set().union(*(self.passage_words[i] for i in passages)) if passages else set()
            if _share(words, held) < self.settings.content_share:
                reason = f"大模型有一句话在所引原文中找不到依据:「{_MARKER.sub('', claim.text).strip()[:40]}」"
                return Verdict(False, bool(supporting), reason=reason)
        for section in sections:
            if not any(_in_order(_labels(section.group("labels")), self.passages[i].section_path) for i in passages):
                return Verdict(False, True, reason=f"大模型所说的章节“{section.group('labels').strip()}”与所引原文的章节不符")
        if not supporting and passages:
            supporting = [self._closest_sentence(words, passages[0])]
        return Verdict(True, text=self._shown(claim.text, len(self.passages), supporting))

    def _support(self, text: str, figure: Figure, stated: list[Figure], order: list[int]) -> _Sentence | str | None:
        """The passage sentence holding `figure` about what the claim says it is; a reason if only about something else; None if nowhere."""
        governor = bigrams(_governor(text, figure, stated))
        holding = [(s, fact) for i in order for s in self._in_passage(i) for fact in s.facts if _same(text, figure, normalize(s.text), fact)]
        if not holding:
            return None
        if len(governor) < 2:
            return holding[0][0]  # nothing said about what it is OF: the question check decides
        for sentence, fact in holding:
            share = _share(governor, bigrams(sentence.text))
            own = _share(governor, bigrams(_governor(normalize(sentence.text), fact, list(sentence.facts))))
            rival = max(
                (_share(governor, bigrams(_governor(normalize(sentence.text), other, list(sentence.facts))))
                 for other in sentence.facts if other.kind == fact.kind and not _same(text, figure, normalize(sentence.text), other)),
                default=0.0,
            )
            if share >= self.settings.governor_share and rival - own < self.settings.governor_margin:
                return sentence
        return f"大模型给出的{figure.text}在原文中说的是另一件事,与它所说的不符"

    def _answers_question(self, text: str, figure: Figure, sentence: _Sentence) -> str:
        """'' when the stated figure fits the question about as well as any figure of its kind in the passages."""
        if len(self.question_words) < 2:
            return ""
        def fit(s: _Sentence, fact: Figure) -> float:
            whole = _share(self.question_words, bigrams(s.text))
            own = _share(self.question_words, bigrams(_governor(normalize(s.text), fact, list(s.facts))))
            return whole + own
        kind = figure.kind if figure.kind in ("money", "percent", "count") else None
        if kind is None:
            return ""
        stated_fit = max(fit(sentence, f) for f in sentence.facts if _same(text, figure, normalize(sentence.text), f))
        best = max((fit(s, f) for s in self.sentences for f in s.facts if f.kind == kind), default=0.0)
        if best - stated_fit > self.settings.question_margin:
            return f"大模型给出的{figure.text}不是问题所问的那个数字"
        return ""

    def _time_supported(self, text: str, figure: Figure, supporting: list[_Sentence], order: list[int]) -> bool:
        """A year or date holds when the sentence of its figure states it, or states none and its passage does."""
        def states(sentence: _Sentence) -> bool:
            return any(f.key == figure.key or f.key.startswith(figure.key.rstrip("-")) for f in sentence.facts if f.kind in ("year", "date"))
        for sentence in supporting:
            if states(sentence):
                return True
        dated = [s for s in supporting if any(f.kind in ("year", "date") for f in s.facts)]
        if supporting and len(dated) == len(supporting):
            return False
        passages = {s.passage for s in supporting} or set(order)
        return any(states(s) for s in self.sentences if s.passage in passages) or figure.key in self.question_figures

    def _in_passage(self, index: int) -> list[_Sentence]:
        return [s for s in self.sentences if s.passage == index]

    def _best_passage(self, words: set[str], order: list[int]) -> list[int]:
        if not order:
            return []
        best = max(order, key=lambda i: (_share(words, self.passage_words[i]), -order.index(i)))
        return [best]

    def _closest_sentence(self, words: set[str], passage: int) -> _Sentence:
        return max(self._in_passage(passage), key=lambda s: _share(words, bigrams(s.text)))

    def _shown(self, text: str, passage_count: int, supporting: list[_Sentence]) -> str:
        """The claim as the user sees it: each marker renumbered to the citations (of the passages it names) that
        hold the claim, a marker naming none dropped, and the citations no marker names added at the end."""
        for sentence in supporting:
            if sentence not in self._cited:
                self._cited.append(sentence)
        unnamed = list(dict.fromkeys(self._cited.index(s) + 1 for s in supporting))

        def renumber(found: re.Match) -> str:
            named = {int(n) - 1 for n in re.split(r"\s*[,、-]\s*", found.group(1)) if 1 <= int(n) <= passage_count}
            numbers = [self._cited.index(s) + 1 for s in supporting if s.passage in named]
            for n in numbers:
                if n in unnamed:
                    unnamed.remove(n)
            return "".join(f"[{n}]" for n in dict.fromkeys(numbers))

        shown = _MARKER.sub(renumber, normalize_markers(text)).replace(NOT_IN_NOTICE, "")
        if not unnamed:
            return shown
        stripped = shown.rstrip()
        return stripped + "".join(f"[{n}]" for n in unnamed) + shown[len(stripped) :]

    # -- the answer ----------------------------------------------------------------

    def citations(self, title_of) -> list[Citation]:
        """The sentences the shown claims rest on, in the order their markers number them."""
        out = []
        for s in self._cited:
            p = self.passages[s.passage]
            out.append(Citation(p.doc_id, title_of(p.doc_id), p.section_path, p.section_titles, s.text, s.start, s.start + len(s.text)))
        return out


def normalize_markers(text: str) -> str:
    """Full-width brackets and digits of markers (［１］) as ASCII, the rest of the text as written."""
    return re.sub(r"[［\[]\s*[0-9０-９][0-9０-９\s,，、-]*[］\]]", lambda m: normalize(m.group()), text)
