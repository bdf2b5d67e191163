"""Evidence: the sentences of the retrieved passages, scored against the question.

Retrieval returns passages of ~250 characters; an answer needs the one sentence
that holds the figure. Each sentence is scored by how much of the question it
covers (jieba words weighted by how rare they are in the notices, plus character
bigrams, so word-boundary differences do not hide a match), with the section
titles above it as weaker context and the passage's retrieval rank as a prior.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.figures import Figure, find_figures
from assistant.lexicon import question_table, synonym_groups, synonyms_in, with_whole_verbs, without_asking_words
from assistant.question import SHORT_YEAR, Question
from ingest.keyword import normalize, tokenize
from ingest.tagger import tagger

_SENTENCE = re.compile(r"[^。;；!?！？\n]+[。;；!?！？]?")
_YEAR_TOKEN = re.compile(r"(19|20)\d\d年?")
_SPELLED_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}年")
_HAN_BIGRAM = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
# Words that every question of this genre shares; they say nothing about where the answer is.
GENERIC = frozenset(
    "通报 问题 工作 情况 整改 一共 总共 共 累计 目前 已经 已 达到 有 个 家 进行 开展 "
    "全区 我区 区里 本区 全县 我县 县里 本县 全市 我市 市里 本市 全省 省里 全镇 镇里 "
    "the of and in a an to".split()
)


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    doc_title: str
    labels: tuple[str, ...]
    titles: tuple[str, ...]
    start: int
    end: int
    text: str
    passage_rank: int
    previous: str = ""  # the sentence before, in the same paragraph (carries "2020年以来," etc.)

    @property
    def figures(self) -> list[Figure]:
        return find_figures(normalize(self.text))


@dataclass
class Terms:
    """The question's words with their weights; `missing()` lists nouns no notice uses."""

    weights: dict[str, float]
    bigrams: set[str]
    parts: dict[str, list[str]] = field(default_factory=dict)  # compound word → its shorter words
    missing: Callable[[], list[str]] = lambda: []
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word → its synonyms (lexicon)

    @property
    def total(self) -> float:
        return sum(self.weights.values()) or 1.0


# Nouns a question uses to ask, not to name what it asks about.
_ASKING_NOUNS = frozenset(
    "时候 时间 日期 数量 数字 数目 比例 百分比 比重 占比 金额 情况 内容 方面 名称 名字 部门 单位 文件 措施 办法 问题 原因 "
    "结果 效果 目标 任务 多少 哪些 什么 有关 相关 具体 确切 约数 大概 大约 左右 分别 一下 请问 不要 不用 全部 所有".split()
)
_GENERIC_OR_ASKING = re.compile("|".join(sorted(_ASKING_NOUNS | {g for g in GENERIC if len(g) > 1}, key=len, reverse=True)))


# "什么荣誉称号", "哪几个领域": words that say what kind of answer is wanted, not where it is.
_DESCRIPTOR = re.compile(r"(?:什么|哪个|哪些|哪几个|哪几|哪种|哪类|哪份|哪项|哪一|何种|哪两|哪三)(?:个|项|部|份|条|种|类)?(?P<words>[\u4e00-\u9fff]{1,6})")


def _unused_words(tokens: list[str], doc_freq: dict[str, int], descriptors: str, alternatives, corpus_has,
                  scoped_has=None, whole_words=frozenset()) -> list[str]:
    """Content words of the question that no indexed node contains, nor any synonym of them; with
    `scoped_has`, also a compound (three characters or more) the notices asked about never write,
    nor any synonym of it, though another notice does (城镇化率 of a bulletin without it); a word
    of `whole_words` (Chinese an English question pastes: "(女生)") is one at any length."""
    # Two unknown Han characters are as often a fragment between known words ("立案数占全区")
    # as a word; three or more, or a Latin word ("GDP"), are a term the notices lack.
    return [
        t for t in tokens
        if t not in descriptors and not re.fullmatch(r"[\d.%]+", t)
        and (re.fullmatch(r"[a-z][a-z0-9]+", t) or len(_GENERIC_OR_ASKING.sub("", t)) > 2 or t in whole_words)
        and (
            (doc_freq.get(t, 0) == 0
             and not any(doc_freq.get(a, 0) or (corpus_has is not None and corpus_has(a)) for a in alternatives.get(t, ())))
            or (scoped_has is not None and (re.fullmatch(r"[\u4e00-\u9fff]{3,}", t) is not None or t in whole_words)
                and not scoped_has(t)
                and not any(scoped_has(a) for a in alternatives.get(t, ())))
        )
    ]


# "污水厂里": a word ending in one of these says where ("in the plant"), not what.
_LOCATIVES = frozenset("里中内上下外")


def _as_said(word: str, query: str) -> str:
    """An unknown word as the question says it: the tagger's words over it, less the particles
    around it ("党员里女同志" cut as 里女 → 女同志)."""
    at = query.find(word)
    if at < 0 or len(word) != 2:
        return word
    words, pos, out = tagger().lcut(query), 0, []
    for i, (w, flag) in enumerate(words):
        if pos < at + len(word) and pos + len(w) > at and not (len(w) == 1 and flag[:1] in "fupcrdm"):
            out.append(w)
        elif out and len("".join(out)) == 1:
            out.append(w)
            break
        pos += len(w)
    return "".join(out) or word


def _cut_across(word: str, query: str, corpus_has) -> bool:
    """Whether an unknown word is the tokenizer's cut across a known word ("农业农村局最后" cut as
    …/局最后): the characters before it and its first one are written so in the notices."""
    at = query.find(word)
    return corpus_has is not None and at > 0 and len(word) > 2 and corpus_has(query[max(0, at - 3) : at + 1])


def _verb_glued(word: str, corpus_has) -> bool:
    """Whether an unknown word is a known one with the verb after it glued on by the tokenizer
    ("给乡村老师发的补助" cut as …/老师发/…): the word the notices know, and a one-character verb."""
    pieces = tagger().lcut(word)
    if corpus_has is None or len(pieces) != 2 or len(pieces[1].word) != 1 or pieces[1].flag[:1] not in "vpu":
        return False
    head = pieces[0].word
    return corpus_has(head) or any(corpus_has(a) for a in synonym_groups().get(head, ()))


def asks_only(word: str, synonyms: tuple[str, ...] = ()) -> bool:
    """Whether a word, or any word of its synonym group, is one people ask with (金额, 数量) or
    one every notice of the genre uses (整改): it names no particular thing."""
    return any(w in _ASKING_NOUNS or w in GENERIC for w in (word, *synonyms))


def names_a_thing(word: str) -> bool:
    """Whether an unknown word names a thing (a metric: 常住人口, GDP) rather than saying how one
    asks (实打实, 住进去, 别跟我说): only a thing the notices never name makes them silent."""
    if re.fullmatch(r"[a-z][a-z0-9]*", word):
        return True
    percent = question_table("percent")
    if len(word) > 2 and word.endswith(tuple(percent.get("metric_ends", ()))) and not word.endswith(tuple(percent.get("not_percent", ()))):
        return True  # 巩固率, whatever the tagger guesses of its first characters (a person's name)
    pseg = tagger()
    # A person's name ("nr") is jieba's guess for many a colloquial run of characters (别跟我说).
    return any((flag[:1] == "n" and flag != "nr") or flag in ("vn", "eng") for _, flag in pseg.lcut(word))


# An unknown word that only says how the question asks weighs this share of its rarity.
FILLER_WEIGHT = 0.2


# Generic words that say nothing of what is asked, even when nothing else does.
_NEVER_ASKED = frozenset("一共 总共 累计 目前 已经 达到 进行 开展 the of and in a an to".split())


def question_terms(query: str, frequencies: Callable[[list[str]], dict[str, int]], node_count: int, tokenize=tokenize,
                   corpus_has=None, named: Sequence[tuple[str, ...]] = (), keep_generic: bool = False,
                   spelled_out=None, scoped_has=None, whole_words: Sequence[str] = ()) -> Terms:
    """Weighted words of the question; with `corpus_has`, also the nouns no notice contains.

    `frequencies(words)` gives how many indexed passages hold each word (its rarity). `named`: the
    things an English question names, each as the notices' words for it (the glossary's entries):
    each is one word of the question, matched by any of its words — not several words a sentence
    must all hold (farmland → 农田 or 农用地)."""
    # Years are matched against the time a sentence holds for (its own, its paragraph's, its
    # notice's), not as words: "2023年…" must find "全县共建立…34项" in the 2023 notice.
    # A year spelled out (二〇二二年) is a year too, not the rare word "二二".
    query = SHORT_YEAR.sub(" ", _SPELLED_YEAR.sub(" ", without_asking_words(with_whole_verbs(query))))
    cut = [t for t in dict.fromkeys(tokenize(query)) if not _YEAR_TOKEN.fullmatch(t)]
    # A lexicon word the index never holds (剩下: the notices say 其余) is cut to nothing by the
    # index's segmenter; it is a word of the question all the same, matched by its synonyms.
    lexicon_words = [w.lower() for w in synonyms_in(query) if len(w) > 1]
    cut += [w for w in lexicon_words if not any(t.lower() in w or w in t.lower() for t in cut)]
    groups_known = synonym_groups()
    if corpus_has is not None:
        # A rate the notices write as one word (整改率) the segmenter may cut across (整改/率到):
        # the question's "…率" that a notice writes is a word of it.
        for metric in dict.fromkeys(_METRIC.findall(query)):
            # the shortest rate the notices write that the cut lacks (整改率 of 问题整改率; 整改完成率,
            # 完成率 being cut already): the words before it are words of their own
            written = [metric[i:] for i in range(len(metric) - 3, -1, -1) if metric[i:] not in cut and corpus_has(metric[i:])]
            held = next((w for w in written if w in groups_known), written[0] if written else "")  # a lexicon word first
            if held and held not in cut:
                cut.append(held)
    own: dict[str, list[str]] = {}
    for words in named:
        own.setdefault(words[0].lower(), []).extend(w.lower() for w in words[1:])
    cut += [w for w in own if w not in cut]
    tokens = [t for t in cut if t not in GENERIC or (keep_generic and len(t) > 1 and t not in _NEVER_ASKED)]
    if not tokens:
        # "有多少个问题已经整改了": the genre's own words are all the question says; they are
        # what it asks about, not noise to drop.
        tokens = [t for t in cut if len(t) > 1 and t not in _NEVER_ASKED]
    descriptors = "".join(m.group("words") for m in _DESCRIPTOR.finditer(normalize(query)))
    groups = {k.lower(): v for k, v in synonym_groups().items()}
    alternatives = {t: tuple(dict.fromkeys([*own.get(t, ()), *(a.lower() for a in groups.get(t, ()))])) for t in tokens
                    if t in groups or own.get(t)}
    doc_freq = frequencies(tokens + [a for alts in alternatives.values() for a in alts])
    for word in own:
        # A glossary word the index never cut as one is as common as the commonest of its words,
        # or as its rarest piece: not unheard of.
        pieces = list(frequencies([p for p in tokenize(word) if p != word]).values())
        doc_freq[word] = max([doc_freq.get(word, 0), min(pieces, default=0)] + [doc_freq.get(a, 0) for a in alternatives.get(word, ())])
    weights = {}
    unused = _unused_words(tokens, doc_freq, descriptors, alternatives, corpus_has, scoped_has, frozenset(whole_words))
    if spelled_out is not None and corpus_has is not None:
        # Two characters no notice writes together that name a thing: a short form of the notices'
        # words (社零 → 社会消费品零售总额, 化债 → 化解…债务), matched by them; or, when no notice
        # writes its characters in that order, a thing the notices never name (秋粮).
        for t in tokens:
            if (t in unused or doc_freq.get(t, 0) or not re.fullmatch(r"[\u4e00-\u9fff]{2}", t) or corpus_has(t)
                    or any(corpus_has(a) for a in alternatives.get(t, ())) or asks_only(t) or t[1] in _LOCATIVES
                    or not names_a_thing(t)):
                continue
            longer = spelled_out(t)
            if longer:
                alternatives[t] = (*alternatives.get(t, ()), *longer)
                doc_freq[t] = max(frequencies(list(longer)).values(), default=0)
            else:
                unused.append(t)
    # (cut across a word of the notices asked about: 九年义务教育巩固率 is no cut across a word
    # of a notice that never writes 巩固率, though another notice of the store does)
    fillers = {t for t in unused if not names_a_thing(t) or _cut_across(t, query, scoped_has or corpus_has)
               or _verb_glued(t, corpus_has)}
    unused = [t for t in unused if t not in fillers]
    # Two unknown characters that name nothing (多算, 挑出, 能办, a cut like 组给) are how people
    # say it, or a tokenizer's fragment: no sentence holds them, so at full weight they would only
    # make every sentence, the right one too, fall short of the question.
    if corpus_has is not None:  # (a synonym the notices use keeps the word: 改完 is 完成整改)
        fillers |= {t for t in tokens if t not in unused and doc_freq.get(t, 0) == 0 and len(t) == 2
                    and re.fullmatch(r"[\u4e00-\u9fff]{2}", t) and not corpus_has(t)
                    and not any(corpus_has(a) for a in alternatives.get(t, ()))
                    and (not names_a_thing(t) or asks_only(t))}  # 全部 of "占全部存款" where no notice writes it
    for token in tokens:
        df = doc_freq.get(token, 0)
        idf = math.log(1 + (node_count - df + 0.5) / (df + 0.5))
        # "什么荣誉称号": a kind-of-answer word the notices do not use says little; "什么示范县" does.
        weight = idf * (1.0 if len(token) > 1 else 0.4) * (0.2 if token in descriptors and df == 0 else 1.0)
        # A word no notice uses ("GDP", "常住人口") is what the question is about and the notices are not.
        weights[token] = weight * (2.0 if token in unused else FILLER_WEIGHT if token in fillers else 1.0)
    weak = fillers | {t for t in tokens if t in descriptors and doc_freq.get(t, 0) == 0}
    if not keep_generic and tokens and all(t in weak or re.fullmatch(r"[\d.%]+", t) for t in tokens):
        # "还没整改完的那7个问题,说最迟什么时候搞定": besides how it is said, the question says
        # only the genre's words (整改, 问题): they are what it is about.
        return question_terms(query, frequencies, node_count, tokenize, corpus_has, named, keep_generic=True)
    def missing() -> list[str]:
        original = {t.lower(): t for t in re.findall(r"[A-Za-z][A-Za-z0-9]*", query)}
        held = scoped_has or corpus_has
        return [original.get(t, _as_said(t, query)) for t in unused if held is None or not held(t)]
    # Bigrams of what the question is about: not of its question words or answer-type words.
    about = _DESCRIPTOR.sub("", normalize(" ".join([query, *own])))
    about = re.sub(r"多少|什么|哪些|哪个|哪里|哪天|是否|怎么|如何|为什么|请问", " ", about)
    bigrams = set(_HAN_BIGRAM.findall(about))
    parts = {t: [u for u in weights if u != t and len(u) > 1 and u in t] for t in weights if len(t) > 2}
    return Terms(weights=weights, bigrams=bigrams, parts={t: p for t, p in parts.items() if p}, missing=missing,
                 alternatives=alternatives)


def coverage(terms: Terms, text: str) -> float:
    """Share of the question's weighted words (and bigrams) that `text` contains."""
    text = normalize(text)
    hit = 0.0
    for t, w in terms.weights.items():
        if t in text or any(a in text for a in terms.alternatives.get(t, ())):
            hit += w
        elif terms.parts.get(t) and all(p in text for p in terms.parts[t]):
            hit += 0.7 * w  # 联系电话 vs "联系方式:电话": every part is there, not the compound
    words = hit / terms.total if terms.weights else 0.0
    if not terms.bigrams:
        return words
    grams = sum(1 for g in terms.bigrams if g in text) / len(terms.bigrams)
    return 0.75 * words + 0.25 * grams


def split_sentences(node_text: str, node_start: int) -> list[tuple[int, int, str, str]]:
    """(start, end, text, previous sentence) for each sentence of a passage, offsets in the notice."""
    out = []
    previous, table_head, last = "", None, ""
    for found in _SENTENCE.finditer(node_text):
        raw = found.group()
        text = raw.strip()
        if not text:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = node_start + found.start() + lead
        if text.startswith("|"):
            # A table row's "sentence before" is its table's head (caption and header row): what
            # its cells are of ("| 茶叶 | 1.86 | 4.5 |" is 产量 in 万吨 and 比上年增长 in %).
            if table_head is None:
                table_head = f"{last} {text}".strip()
            else:
                previous = table_head
        else:
            table_head = None
        out.append((start, start + len(text), text, previous))
        last = text
        # A line break ends the paragraph: the next sentence's "sentence before" is none.
        previous = "" if node_text.startswith("\n", found.end()) else text
    return out


@dataclass
class ScoredSentence:
    sentence: Sentence
    score: float  # overall relevance to the question
    lexical: float  # question coverage by the sentence alone
    context: float  # coverage by sentence + section titles + previous sentence
    year_ok: bool
    meaning: float = 0.0  # closeness to the question by the embedding model (assistant.meaning), 0–1; 0 when not compared


def sentence_years(sentence: Sentence, notice_year: str = "") -> set[str]:
    """The years a sentence holds for: its own; else its paragraph's (the sentence before); else
    its headings'; else its notice's ("今年以来,全区…" in a 2023 notice is about 2023)."""
    for text in (sentence.text, sentence.previous, " ".join(sentence.titles)):
        years = set(_YEARS.findall(text))
        if years:
            return years
    return {notice_year} if notice_year else set()


_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年|\s*[-—至到~])")


CLAUSE_SHARE = 0.9
_METRIC = re.compile(r"[\u4e00-\u9fff]{2,5}?率(?!率)")


def score_sentences(sentences: list[Sentence], terms: Terms, question: Question, year_penalty: float = 0.6,
                    notice_year: Callable[[str], str] = lambda doc_id: "",
                    asked_years: Callable[[str], tuple[str, ...]] | None = None) -> list[ScoredSentence]:
    """`asked_years(doc_id)`: the years the question asks of that notice (its relative years read
    against the notice's own); by default the years it names."""
    years_of = asked_years or (lambda doc_id: question.years)
    scored = []
    for s in sentences:
        years = years_of(s.doc_id)
        lexical = coverage(terms, s.text)
        if s.previous.endswith((";", "；")):
            # A clause after a semicolon shares its sentence's subject ("全县纪检监察机关共受理问题
            # 线索287件,…;立案96件"): what it says is said of that subject too.
            lexical = max(lexical, CLAUSE_SHARE * coverage(terms, f"{s.previous}{s.text}"))
        context = coverage(terms, " ".join((*s.titles, s.previous, s.text)))
        prior = 0.08 / (1 + s.passage_rank)
        held = sentence_years(s, notice_year(s.doc_id)) if years else set()
        # A year the sentence names anywhere (a range, "2018至2020年") also counts as its own.
        year_ok = all(y in held or y in s.text for y in years)
        score = 0.7 * lexical + 0.3 * context + prior
        if not year_ok:
            score *= year_penalty
        scored.append(ScoredSentence(s, score, lexical, context, year_ok))
    scored.sort(key=lambda x: x.score, reverse=True)
    return scored
