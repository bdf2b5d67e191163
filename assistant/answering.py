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
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from assistant import kinds, meaning
from assistant.answer import Answer, Citation, Passage, text_chunks
from assistant.config import Settings
from assistant.evidence import ScoredSentence, Sentence, asks_only, names_a_thing, question_terms, score_sentences, split_sentences
from assistant.figures import find_figures, normalize
from assistant.followup import Resolved, has_own_subject, resolve
from assistant.kinds.base import Draft, Evidence, silence
from assistant.lexicon import chinese_keywords, named_things, synonyms_in, with_whole_verbs
from assistant.llm_answer import LLMAnswerer, LLMTurn
from assistant.question import AskKind, Question, analyse, clean, meant
from assistant.retrieval import HybridRetriever
from assistant.scope import Scope, scope_of
from ingest.context import reports_on_title_year
from ingest.chunking import node_section
from ingest.keyword import document_frequencies
from ingest.sections import Section, parse_sections

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def build_answerer(settings: Settings, store, embed_model) -> "Answerer":
    return Answerer(settings, store, embed_model)


class Answerer:
    def __init__(self, settings: Settings, store, embed_model):
        self.settings = settings
        self.store = store
        self.embed_model = embed_model
        self._sections: dict[tuple[str, str], list[Section]] = {}
        self._facts: dict[tuple[str, str], tuple[list[int], list]] = {}
        self.llm = LLMAnswerer(settings.llm, self.store) if settings.llm.enabled else None
        # (store stamp, every notice's text joined, each notice's text), normalised and lower-case
        self._corpus: tuple[str, str, dict[str, str]] = ("", "", {})

    @property
    def name(self) -> str:
        return f"llm:{self.settings.llm.model}" if self.settings.llm.enabled else "offline"

    # -- the pipeline -----------------------------------------------------------

    def stream(self, raw_question: str, history: list[dict], doc_ids: set[str] | None) -> Iterator[str | Answer]:
        text = clean(raw_question)
        turn = self.llm.turn() if self.llm else None  # the LLM's deadline counts from the question
        resolved = self._resolve(text, history, turn)
        scope = self._scope(resolved, doc_ids)
        # The places have chosen the notices; in a sentence they are never written (全区), so as
        # words to match they would only count against the right sentence — the topic's place
        # as well ("那XX县呢?" after a question about another county).
        places = tuple(dict.fromkeys(scope.places + scope_of(resolved.question, self.store.documents(), None).places))
        query = _without(resolved.question, places)
        resolved = replace(resolved, question=query, focus=_without(resolved.focus, places))
        question = _analyse(resolved, text)
        if question.english:
            query = f"{query} {chinese_keywords(query)}"
        # The search also looks for the notices' words for what the question says otherwise.
        search = self._with_synonyms(with_whole_verbs(query))
        passages: list[Passage] = []
        scored: list[ScoredSentence] = []
        if scope.unknown_place:
            draft = Draft(_no_such_place(scope.unknown_place, question.english), False)
        elif scope.above and question.wants_figure:
            draft = Draft(self._not_the_whole(scope, question.english), False)
        else:
            reader = self.settings.reader
            # A question that several notices can answer reads passages from each of them.
            top_k = reader.passages if not scope.several or scope.places else reader.passages_across
            retrieved = HybridRetriever(self.store, self.embed_model, top_k=top_k, doc_ids=scope.doc_ids).retrieve(search)
            passages = [_passage(hit) for hit in retrieved]
            scored, terms, focus_terms = self._score(question, resolved, query, retrieved, scope.doc_ids)
            evidence = Evidence(
                question, resolved, scored, terms, focus_terms, shelf=self, settings=reader,
                silence=lambda: silence(question, terms, scored[0] if scored else None, self._asked_years(question)),
                terms_for=self._terms_for, several_notices=scope.several,
                # (an English question's Chinese words are the glossary's, not the asker's: not required)
                named=() if question.english else self._named_otherwise(query),
            )
            # Chinese an English question pastes ("全部工业增加值") is the notice's word for what it
            # asks: where the notices asked about never write it, they do not say.
            # (Not the glossary's words for its English: those are only one way a notice may say it.)
            # (the question as typed: a follow-up's rewrite carries the topic's words in, not pasted ones)
            pasted = " ".join(_HAN_RUN.findall(meant(text))) if question.english else ""
            pasted_missing = [w for w in terms.missing() if w in pasted]
            draft = evidence.abstain(evidence.silence()) if pasted_missing else kinds.compose(evidence)
            if scope.read_as:
                typed, known = scope.read_as
                note = (f"(the question's “{typed}” is read as {known})" if question.english
                        else f"(问题中的「{typed}」按「{known}」理解)")
                draft = replace(draft, text=f"{draft.text}\n\n{note}")
        answer = Answer(
            question=text,
            text=draft.text,
            found=draft.found,
            citations=[self.placed(c) for c in draft.citations],
            answerer="offline",
            standalone_question=resolved.question,
            figures=draft.figures,
            passages=passages,
            support=draft.support,
        )
        if turn and draft.found:
            for part in turn.answer(answer):
                yield replace(part, citations=[self.placed(c) for c in part.citations]) if isinstance(part, Answer) else part
            return
        yield from text_chunks(answer.text)
        yield answer

    def _named_otherwise(self, query: str) -> tuple[tuple[str, ...], ...]:
        """What the question names in words no notice uses, as the notices' words for it (GDP →
        地区生产总值, 生产总值, 经济总量): a figure answers it only from a sentence that says one."""
        return tuple(
            tuple(a for a in alts if self._corpus_has(a.lower()))
            for word, alts in synonyms_in(query).items()
            # A word people ask with (金额) names no metric, whether or not some notice uses it;
            # the tagger (names_a_thing) comes last, so it loads only for a word the notices lack.
            if len(word) > 1 and not asks_only(word, alts)
            and not self._corpus_has(word.lower()) and any(self._corpus_has(a.lower()) for a in alts)
            and names_a_thing(word)
        )

    def _not_the_whole(self, scope: Scope, english: bool) -> str:
        names = "、".join(sorted({self.notice_name(d) for d in scope.doc_ids or ()}))
        if english:
            return f"The notices ({names}) are about places within {scope.above}; they give no figure for {scope.above} as a whole."
        return f"通报中没有{scope.above}整体的数字:相关通报({names})只涉及{scope.above}下辖的地方。"

    def _with_synonyms(self, query: str) -> str:
        """The query with the notices' words for what it says otherwise (邮编 → 邮政编码), so both
        searches find the sentence: only for words the notices never use themselves."""
        extra = [
            alt for word, alts in synonyms_in(query).items() if not self._corpus_has(word.lower())
            for alt in alts if self._corpus_has(alt.lower())
        ]
        return f"{query} {' '.join(extra)}" if extra else query

    def _scope(self, resolved: Resolved, doc_ids: set[str] | None) -> Scope:
        """The notices the turn reaches: a follow-up's own place ("那XX县呢?") before its topic's."""
        records = self.store.documents()
        if resolved.is_followup:
            own = scope_of(resolved.focus, records, doc_ids, self._corpus_has)
            if own.places or own.unknown_place:
                return own
        scope = scope_of(resolved.question, records, doc_ids, self._corpus_has)
        if not scope.places and not scope.unknown_place and resolved.previous_question and scope.several:
            # A conversation about one place stays there until a question names another.
            before = scope_of(resolved.previous_question, records, doc_ids, self._corpus_has)
            if before.places:
                return before
        return scope

    def _resolve(self, text: str, history: list[dict], turn: LLMTurn | None) -> Resolved:
        resolved = resolve(text, history)
        if resolved.is_followup and not resolved.item and turn:
            rewritten = turn.rewrite(text, history)  # None: the rule-based rewrite stands
            if rewritten:
                return Resolved(rewritten, resolved.focus, True, resolved.previous_answer, resolved.previous_question)
        return resolved

    def _terms_for(self, text: str):
        index = self.store.keyword_index()
        return question_terms(text, lambda words: document_frequencies(index, words), max(len(index.node_ids), 1), index.tokenize)

    def _score(self, question: Question, resolved: Resolved, query: str, retrieved,
               doc_ids: frozenset[str] | None = None) -> tuple[list[ScoredSentence], object, object]:
        index = self.store.keyword_index()
        node_count = max(len(index.node_ids), 1)
        # An English question's words are the glossary's things, each matched by any of its Chinese words.
        # Its figures are words of it too ("under 35" → 35岁以下的占比).
        # "…for rural residents (not urban)": what it says it does not mean is no word of it.
        asked_part = meant(query) if question.english else query
        # Chinese it pastes in brackets ("Yitang County (苡塘县)", "(送教上门)") is the notice's own words
        # (those of the question as asked: `query` has the glossary's words for the search after it).
        pasted = [w for w in _HAN_RUN.findall(meant(resolved.question)) if len(w) > 1] if question.english else []
        said_english = query
        for figure in question.remembered:  # "'over 1.6 billion yuan'": the asker's belief, no word to match
            said_english = said_english.replace(figure, " ")
        english_words = " ".join([*question.years, *re.findall(r"\d+(?:\.\d+)?", said_english), *pasted])
        # a figure the asker wants confirmed ("是2.7:1吗") is their belief, not a word to match
        said = query
        for figure in (*question.confirms, *question.remembered):
            said = said.replace(figure, " ")
        term_query, named = (english_words, named_things(asked_part)) if question.english else (said, ())
        focus_query, focus_named = ((" ".join(_HAN_RUN.findall(resolved.focus)), named_things(resolved.focus)) if question.english
                                    else (resolved.focus, ()))
        frequencies = lambda words: document_frequencies(index, words)  # noqa: E731
        terms = question_terms(term_query, frequencies, node_count, index.tokenize, corpus_has=self._corpus_has, named=named,
                               spelled_out=self._spelled_out, scoped_has=self._scoped(doc_ids), whole_words=pasted)
        focus_terms = (question_terms(focus_query, frequencies, node_count, index.tokenize, named=focus_named)
                       if resolved.is_followup else terms)
        sentences = _sentences(retrieved)
        scored = score_sentences(sentences, terms, question, self.settings.reader.unmatched_year_penalty, self._notice_year,
                                 self._asked_years(question))
        if resolved.is_followup and resolved.previous_answer:
            scored = _continue_from(scored, resolved.previous_answer)
        if question.english and all(any(self._corpus_has(w.lower()) for w in thing) for thing in named_things(query)):
            # The glossary knows the genre's words, not everyone's: compare by meaning as well —
            # unless the question names, in the glossary's words, a thing no notice contains
            # ("expelled": 开除): meaning may bridge words, never a metric the notices lack.
            # (Tried for Chinese questions whose words cover too little: 9 more right on the dev
            # sets, 5 more confidently wrong — near metrics the notices never state. Not taken.)
            scored = self._by_meaning(resolved.question, question, scored)
        return scored, terms, focus_terms

    def _by_meaning(self, text: str, question: Question, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        reader = self.settings.reader
        compared = meaning.candidates(scored, reader.meaning_sentences, question.wants_figure)
        close = meaning.closeness(self.embed_model, text, [ss.sentence.text for ss in compared], reader.meaning_spread)
        for ss, closeness in zip(compared, close):
            ss.meaning = closeness
            ss.score += reader.meaning_weight * closeness
        return sorted(scored, key=lambda ss: ss.score, reverse=True)

    def _texts_now(self) -> tuple[str, dict[str, str]]:
        """Every stored notice's text, joined and by notice: read once per generation of the store."""
        stamp = self.store.keyword_index().stamp
        if self._corpus[0] != stamp:
            texts = {r.doc_id: normalize(self.store.notice_text(r.doc_id) or "").lower() for r in self.store.documents()}
            self._corpus = (stamp, "\n".join(texts.values()), texts)
        return self._corpus[1], self._corpus[2]

    def _corpus_has(self, word: str) -> bool:
        """Whether any ingested notice contains `word` (to tell "not in the notices" from "not found")."""
        return word in self._texts_now()[0]

    def _scoped(self, doc_ids: frozenset[str] | None):
        """Whether the notices a question is asked of (all of them for None) write a word."""
        if doc_ids is None:
            return self._corpus_has
        texts = self._texts_now()[1]
        return lambda word: any(word in texts.get(d, "") for d in doc_ids)

    def _spelled_out(self, short: str) -> tuple[str, ...]:
        """The notices' words a two-character short form may stand for: its characters in order,
        a few apart, within one run of Han characters (社零 → 社会消费品零), commonest first."""
        gap = self.settings.reader.short_form_gap
        found = Counter(re.findall(f"{re.escape(short[0])}[\u4e00-\u9fff]{{1,{gap}}}?{re.escape(short[1])}", self._texts_now()[0]))
        return tuple(w for w, _ in found.most_common(3))

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

    def has_facts(self, doc_id: str) -> bool:
        """Whether the notice's figures were read into facts at ingest (every store since facts)."""
        return bool(self._facts_of(doc_id)[1])

    def _facts_of(self, doc_id: str):
        record = self.store.document(doc_id)
        key = (doc_id, record.version if record else "")
        cached = self._facts.get(key)
        if cached is None:
            facts = sorted(self.store.facts(doc_id), key=lambda f: f.start)
            cached = self._facts[key] = ([f.start for f in facts], facts)
        return cached

    def _notice_year(self, doc_id: str) -> str:
        record = self.store.document(doc_id)
        return (record.year or (record.signed_on or record.published_on)[:4]) if record else ""

    def _asked_years(self, question: Question):
        """The years a question asks of each notice (its relative years read against that notice's)."""
        return lambda doc_id: question.years_for(self.speaking_year(doc_id))

    def speaking_year(self, doc_id: str) -> str:
        """The year the notice speaks from, for a question's 今年/去年: its signature's or
        publication's (a 2024 bulletin published in 2025 speaks from 2025), else its own."""
        record = self.store.document(doc_id)
        if record is None:
            return ""
        dated = (record.signed_on or record.published_on)[:4]
        if not dated and record.year.isdigit() and reports_on_title_year(record.kind, record.title):
            return str(int(record.year) + 1)  # an undated 2024 bulletin came out in 2025
        return dated or record.year

    def placed(self, citation: Citation) -> Citation:
        """The citation with its notice's name and, for a PDF or scan, the page its quote starts on."""
        pages = self.store.pages(citation.doc_id) if citation.doc_id else []
        page = bisect.bisect_right(pages, citation.start) if pages else 0  # pages[0] is 0: 1-based
        return replace(citation, doc_name=self.notice_name(citation.doc_id), page=page)

    def issuer_of(self, doc_id: str) -> str:
        """The notice's issuing body as its context names it ("" if none)."""
        record = self.store.document(doc_id)
        return record.issuer if record else ""

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
        # A follow-up that names its own thing asks in its own measure word ("发现的问题呢?" after
        # "多少次" asks for 起); one that only changes the place or year asks as before.
        asked, text=resolved.question, english=english,
        # "那今年呢?" after a question of last year: the follow-up's own year, named or relative, stands
        years=focus.years if focus.years or focus.relative_years else whole.years,
        relative_years=focus.relative_years if focus.years or focus.relative_years else whole.relative_years,
        unit=focus.unit if has_own_subject(resolved.focus) else asked.unit,
        given_figures=focus.given_figures, given_values=focus.given_values, counted=focus.counted or asked.counted,
        part=focus.part, alone=focus.alone,  # "那纺织服装呢?": the topic's part (电子信息) is not asked again
    )


def _without(text: str, words: tuple[str, ...]) -> str:
    for word in sorted(words, key=len, reverse=True):
        # "澄川县委说…": the place goes, its organ stays a word (县委), not a fragment (委说)
        text = re.sub(f"{re.escape(word)}(?=[委府长])", lambda m: f" {m.group()[-1]}" if m.group()[-1] in "省市区县镇乡" else " ", text)
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
