"""From a question to an Answer, top to bottom:

    clean → resolve follow-up → analyse → retrieve (hybrid) → sentences → score
          → offline draft → [LLM answer, streamed and verified] → Answer

The offline draft is always made: it is the answer when no LLM is configured, the
fallback when the LLM fails or states a figure no quote holds, and the judge of
whether the notices hold an answer at all (the LLM is never called on nothing).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import replace

from assistant import kinds
from assistant.answer import Answer, Citation, Passage
from assistant.config import Settings
from assistant.evidence import ScoredSentence, Sentence, question_terms, score_sentences, split_sentences
from assistant.figures import find_figures, normalize, unverified_figures
from assistant.followup import Resolved, resolve
from assistant.kinds.base import Draft, Evidence, cite, silence
from assistant.lexicon import chinese_keywords
from assistant.question import AskKind, Question, analyse, clean
from assistant.retrieval import HybridRetriever
from assistant.scope import Scope, scope_of
from ingest.chunking import node_section
from ingest.keyword import document_frequencies
from ingest.sections import Section, display_path, parse_sections

# The streamed LLM text is held back by this many characters, so a figure is
# complete (and checked) before any of it is shown.
HOLD_BACK = 16


def build_answerer(settings: Settings, store, embed_model) -> "Answerer":
    return Answerer(settings, store, embed_model)


class Answerer:
    def __init__(self, settings: Settings, store, embed_model):
        self.settings = settings
        self.store = store
        self.embed_model = embed_model
        self._sections: dict[tuple[str, str], list[Section]] = {}
        self._facts: dict[tuple[str, str], tuple[list[int], list]] = {}
        self._chat_model = None
        self._corpus: tuple[str, str] = ("", "")

    @property
    def name(self) -> str:
        return f"llm:{self.settings.llm.model}" if self.settings.llm.enabled else "offline"

    # -- the pipeline -----------------------------------------------------------

    def stream(self, raw_question: str, history: list[dict], doc_ids: set[str] | None) -> Iterator[str | Answer]:
        text = clean(raw_question)
        resolved = self._resolve(text, history)
        question = _analyse(resolved, text)
        scope = self._scope(resolved, doc_ids)
        # The places have chosen the notices; in a sentence they are never written (全区), so as
        # words to match they would only count against the right sentence.
        query = _without(resolved.question, scope.places)
        resolved = replace(resolved, question=query, focus=_without(resolved.focus, scope.places))
        if question.english:
            query = f"{query} {chinese_keywords(query)}"
        passages: list[Passage] = []
        scored: list[ScoredSentence] = []
        if scope.unknown_place:
            draft = Draft(_no_such_place(scope.unknown_place, question.english), False)
        else:
            reader = self.settings.reader
            # A question that several notices can answer reads passages from each of them.
            top_k = reader.passages if not scope.several or scope.places else reader.passages_across
            retrieved = HybridRetriever(self.store, self.embed_model, top_k=top_k, doc_ids=scope.doc_ids).retrieve(query)
            passages = [_passage(hit) for hit in retrieved]
            scored, terms, focus_terms = self._score(question, resolved, query, retrieved)
            evidence = Evidence(
                question, resolved, scored, terms, focus_terms, shelf=self, settings=reader,
                silence=lambda: silence(question, terms, scored[0] if scored else None),
                terms_for=self._terms_for, several_notices=scope.several,
            )
            draft = kinds.compose(evidence)
        answer = Answer(
            question=text,
            text=draft.text,
            found=draft.found,
            citations=[replace(c, doc_name=self.notice_name(c.doc_id)) for c in draft.citations],
            answerer="offline",
            standalone_question=resolved.question,
            figures=draft.figures,
            passages=passages,
        )
        if self.settings.llm.enabled and draft.found:
            yield from self._llm_answer(answer, draft, scored, resolved)
            return
        yield from _chunks(answer.text)
        yield answer

    def _scope(self, resolved: Resolved, doc_ids: set[str] | None) -> Scope:
        """The notices the turn reaches: a follow-up's own place ("那XX县呢?") before its topic's."""
        records = self.store.documents()
        if resolved.is_followup:
            own = scope_of(resolved.focus, records, doc_ids)
            if own.places or own.unknown_place:
                return own
        return scope_of(resolved.question, records, doc_ids)

    def _resolve(self, text: str, history: list[dict]) -> Resolved:
        resolved = resolve(text, history)
        if resolved.is_followup and not resolved.item and self.settings.llm.enabled:
            from assistant.llm import LLMError

            try:
                rewritten = self.chat_model.rewrite(text, history)
                return Resolved(rewritten, resolved.focus, True, resolved.previous_answer, resolved.previous_question)
            except LLMError:
                pass  # the rule-based rewrite stands
        return resolved

    def _terms_for(self, text: str):
        index = self.store.keyword_index()
        words = index.tokenize(text)
        return question_terms(text, document_frequencies(index, words), max(len(index.node_ids), 1), index.tokenize)

    def _score(self, question: Question, resolved: Resolved, query: str, retrieved) -> tuple[list[ScoredSentence], object, object]:
        index = self.store.keyword_index()
        node_count = max(len(index.node_ids), 1)
        term_query = chinese_keywords(query) + " " + " ".join(question.years) if question.english else query
        focus_query = chinese_keywords(resolved.focus) if question.english else resolved.focus
        doc_freq = document_frequencies(index, index.tokenize(term_query) + index.tokenize(focus_query))
        terms = question_terms(term_query, doc_freq, node_count, index.tokenize, corpus_has=self._corpus_has)
        focus_terms = question_terms(focus_query, doc_freq, node_count, index.tokenize) if resolved.is_followup else terms
        sentences = _sentences(retrieved)
        scored = score_sentences(sentences, terms, question, self.settings.reader.unmatched_year_penalty)
        if resolved.is_followup and resolved.previous_answer:
            scored = _continue_from(scored, resolved.previous_answer)
        return scored, terms, focus_terms

    # -- the LLM path -----------------------------------------------------------

    @property
    def chat_model(self):
        if self._chat_model is None:
            from assistant.llm import ChatModel

            self._chat_model = ChatModel(self.settings.llm)
        return self._chat_model

    def _llm_answer(self, offline: Answer, draft: Draft, scored: list[ScoredSentence], resolved: Resolved) -> Iterator[str | Answer]:
        from assistant.llm import NOT_IN_NOTICE, LLMError

        pool = [ss.sentence for ss in scored]
        quotes = [s.text for s in pool]
        context = [f"({p.doc_id} | {display_path(p.section_path, p.section_titles)})\n{p.text}" for p in offline.passages]
        buffer, shown = "", 0
        try:
            for delta in self.chat_model.stream_answer(resolved.question, context):
                buffer += delta
                safe = max(shown, len(buffer) - HOLD_BACK)
                safe = _figure_safe_boundary(buffer, safe)
                if safe > shown:
                    bad = unverified_figures(buffer[:safe], quotes)
                    if bad:
                        yield from self._fallback(offline, buffer[:shown], f"the model stated figures no quote holds: {', '.join(bad)}", bad)
                        return
                    yield buffer[shown:safe]
                    shown = safe
        except LLMError as exc:
            yield from self._fallback(offline, buffer[:shown], f"LLM unavailable: {exc}", [])
            return
        text = buffer.strip()
        if not text:
            yield from self._fallback(offline, buffer[:shown], "the model returned an empty answer", [])
            return
        bad = unverified_figures(text, quotes)
        if bad:
            yield from self._fallback(offline, buffer[:shown], f"the model stated figures no quote holds: {', '.join(bad)}", bad)
            return
        if len(buffer) > shown:
            yield buffer[shown:]
        found = NOT_IN_NOTICE not in text
        citations = _citations_for(text, pool) or offline.citations
        yield Answer(
            question=offline.question,
            text=text.replace(NOT_IN_NOTICE, "").strip() if found else text.replace(NOT_IN_NOTICE, "").strip(),
            found=found,
            citations=citations,
            answerer=self.name,
            standalone_question=offline.standalone_question,
            figures=[f.text for f in find_figures(normalize(text)) if f.kind != "number"],
            passages=offline.passages,
        )

    def _fallback(self, offline: Answer, shown: str, reason: str, bad: list[str]) -> Iterator[str | Answer]:
        """The offline answer instead; what was already streamed (all of it verified) stays in front."""
        text = offline.text
        if shown:
            text = f"\n\n(模型的回答未能完成核验,以下为离线答案)\n\n{offline.text}"
        yield from _chunks(text)
        offline.text = shown + text
        offline.fallback_reason = reason
        offline.unverified_figures = bad
        yield offline

    def _corpus_has(self, word: str) -> bool:
        """Whether any ingested notice contains `word` (to tell "not in the notices" from "not found")."""
        stamp = self.store.keyword_index().stamp
        if self._corpus[0] != stamp:
            texts = [self.store.notice_text(r.doc_id) for r in self.store.documents()]
            self._corpus = (stamp, normalize("\n".join(texts)).lower())
        return word in self._corpus[1]

    # -- sections ----------------------------------------------------------------

    def section_at(self, doc_id: str, offset: int) -> tuple[Section, str]:
        """The section holding `offset` in a notice, and the notice text."""
        text = self.store.notice_text(doc_id)
        record = self.store.document(doc_id)
        key = (doc_id, record.version if record else "")
        if key not in self._sections:
            self._sections[key] = parse_sections(text)
        sections = self._sections[key]
        for section in sections:
            if section.start <= offset < max(section.end, section.start + 1):
                return section, text
        return sections[-1], text

    def facts(self, doc_id: str):
        return self._facts_of(doc_id)[1]

    def facts_between(self, doc_id: str, start: int, end: int):
        starts, facts = self._facts_of(doc_id)
        return facts[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]

    def _facts_of(self, doc_id: str):
        record = self.store.document(doc_id)
        key = (doc_id, record.version if record else "")
        cached = self._facts.get(key)
        if cached is None:
            facts = sorted(self.store.facts(doc_id), key=lambda f: f.start)
            cached = self._facts[key] = ([f.start for f in facts], facts)
        return cached

    def notice_name(self, doc_id: str) -> str:
        """The notice as people name it: "高明区 巡视整改 2021", else its title."""
        record = self.store.document(doc_id)
        return (record.short_name or record.title or doc_id) if record else doc_id


def _classified(text: str, resolved: Resolved) -> Question:
    return kinds.classify(analyse(text), resolved)


def _analyse(resolved: Resolved, original: str) -> Question:
    """What the turn asks: the follow-up's own words decide, else the question it follows."""
    whole = _classified(resolved.question, resolved)
    english = analyse(original).english
    if not resolved.is_followup:
        return replace(whole, english=english or whole.english)
    focus = _classified(resolved.focus, resolved)
    asked = focus
    if focus.kind == AskKind.PASSAGE:
        previous = _classified(resolved.previous_question, resolved) if resolved.previous_question else whole
        asked = previous if previous.kind != AskKind.PASSAGE else whole
    return replace(
        asked, text=resolved.question, years=focus.years or whole.years, english=english,
        given_figures=focus.given_figures, counted=focus.counted or asked.counted,
    )


def _without(text: str, words: tuple[str, ...]) -> str:
    for word in words:
        text = text.replace(word, " ")
    return re.sub(r"\s+", " ", text).strip() or text


def _no_such_place(place: str, english: bool) -> str:
    if english:
        return f"None of the notices is about {place}."
    return f"通报中没有关于「{place}」的内容:已导入的通报都不是关于这个地方的。"


def _sentences(retrieved) -> list[Sentence]:
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, hit in enumerate(retrieved):
        meta = hit.node.metadata
        labels, titles = node_section(meta)
        node_start = int(meta.get("start", hit.node.start_char_idx or 0))
        for start, end, text, previous in split_sentences(hit.node.get_content(), node_start):
            key = (meta.get("doc_id"), start)
            if key in seen:
                continue
            seen.add(key)
            out.append(Sentence(meta.get("doc_id"), meta.get("doc_title", ""), labels, titles, start, end, text, rank, previous))
    return out


def _passage(hit) -> Passage:
    meta = hit.node.metadata
    start = int(meta.get("start", hit.node.start_char_idx or 0))
    text = hit.node.get_content()
    labels, titles = node_section(meta)
    return Passage(
        node_id=hit.node.node_id,
        doc_id=meta.get("doc_id", ""),
        section_path=labels,
        section_titles=titles,
        text=text,
        start=start,
        end=start + len(text),
        score=float(hit.score or 0.0),
    )


def _continue_from(scored: list[ScoredSentence], previous_answer: str) -> list[ScoredSentence]:
    """A follow-up most likely asks about what the previous answer quoted."""
    previous_figures = {f.key for f in find_figures(normalize(previous_answer)) if f.kind not in ("year", "number")}
    for ss in scored:
        shares_figure = any(f.key in previous_figures for f in ss.sentence.figures)
        quoted = ss.sentence.text[:16] in previous_answer
        if shares_figure or quoted:
            ss.score += 0.15
    return sorted(scored, key=lambda ss: ss.score, reverse=True)


def _citations_for(text: str, pool: list[Sentence]) -> list[Citation]:
    """The sentences that hold the figures an LLM answer states, in the order it states them."""
    citations: list[Citation] = []
    for figure in find_figures(normalize(text)):
        if figure.kind == "number":
            continue
        for sentence in pool:
            if not unverified_figures(figure.text, [sentence.text]):
                citation = cite(sentence)
                if citation not in citations:
                    citations.append(citation)
                break
    return citations


def _figure_safe_boundary(text: str, end: int) -> int:
    """Move `end` back so it does not cut a figure (digits, decimals, units) in two."""
    while end > 0 and re.match(r"[\d.,%亿万千百十元年月日个家人次条项宗亩公里\w]", text[end - 1 : end]) and re.match(r"[\d.,%亿万千元年月日]", text[end : end + 1] or " "):
        end -= 1
    return end


def _chunks(text: str) -> Iterator[str]:
    """The offline answer, streamed a line at a time so surfaces render it progressively."""
    for line in re.findall(r"[^\n]*\n|[^\n]+$", text):
        yield line
