"""Every knob of the assistant in one place, read from the environment once.

Importing it applies the offline environment (`ingest.environment`) first, so no
code path can reach for the network by accident. The store's settings are
`ingest.settings.StoreSettings`; `Settings` adds answering's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# The top-level `prompts` package (a wheel carries it); ASSISTANT_PROMPTS_DIR points at one's own.
PROMPTS_DIR = Path(os.environ.get("ASSISTANT_PROMPTS_DIR", REPO_ROOT / "prompts"))
SAMPLE_NOTICE = Path(__file__).resolve().parent / "samples" / "gaoming-xunshi-zhenggai-2021.txt"

from ingest.environment import apply_offline_environment  # noqa: E402,F401  (before any library loads)
from ingest.settings import DEFAULT_HOME, EmbeddingSettings, StoreSettings  # noqa: E402,F401


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


@dataclass(frozen=True)
class LLMSettings:
    """An optional OpenAI-compatible chat model; absent key and base URL mean offline."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = 30.0  # per read: how long one wait for the endpoint may last
    deadline_s: float = 30.0  # per answer: the follow-up rewrite and the whole streamed answer together
    rewrite_share: float = 0.5  # of the deadline left, what a follow-up rewrite may use (the answer needs the rest)
    context_window: int = 32768

    @property
    def enabled(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))


@dataclass(frozen=True)
class ReaderSettings:
    """The offline reader's thresholds and weights, calibrated on the development eval sets
    (eval/sets/; the held-out sets in eval/heldout/ only confirm). `assistant eval` reports
    what each trades: accuracy against confidently-wrong answers and false abstentions."""

    passages: int = 8  # retrieved passages the reader reads
    passages_across: int = 24  # … when several notices can answer and the question names no place
    min_coverage: float = 0.42  # share of the question's words the best sentence must hold
    min_coverage_english: float = 0.3  # English questions reach Chinese sentences through a glossary
    min_support_english: float = 0.35  # … and their figure's own words must hold this much of the glossary's words
    list_floor: float = 0.75  # list questions spend words on the kind of item they want
    comparison_floor: float = 0.65  # … comparisons on how they set two figures against each other (多修了, 还差, 哪个高)
    local_weight: float = 0.35  # how much the words around a figure weigh against its sentence's
    min_support: float = 0.01  # a figure whose own words hold none of the question is not its answer (follow-ups aside)
    governor_weight: float = 0.3  # how much the words a fact is the figure of (ingest.facts) weigh
    short_form_gap: int = 5  # how many characters a short form's two may lie apart in the notices' words (社零)
    named_part_fit: float = 1.0  # a comparison's two figures each named this well by their own part's words
    unasked_part_penalty: float = 0.8  # a 其中 part whose own words the question does not say (省市重点项目)
    predicate_weight: float = 0.3  # a fact governed by the question's own verb (立案, 处分)
    role_weight: float = 0.3  # a fact whose role (计划/实际, 由/到) is the one asked
    exact_bonus: float = 0.04  # an exact figure is preferred to a hedged one ("超过150亿元")
    unasked_change_penalty: float = 0.8  # a change (下降9.4%) answering a question that asks some figure, not a change
    unasked_target_penalty: float = 0.75  # a target (控制在8%以内) answering a question that asks no target
    unasked_from_penalty: float = 0.85  # the start of a 由A到B (A) answering a question that asks neither end
    deadline_weight: float = 0.5  # a date set as a limit (…底前整改到位) answering "最迟什么时候"
    plain_margin: float = 0.03  # figures scoring within this share of the best are alike: the plainly named one is meant
    restated_spread: float = 0.25  # a hedged figure (40余万元) restates an exact one within this share of it (42.7万元)
    across_share: float = 0.85  # another notice's figure is listed beside the best when it scores this share of it
    rival_lexical: float = 0.9  # a rival figure in another section: its sentence covers this much of the best's
    rival_score: float = 0.85
    unmatched_year_penalty: float = 0.6  # a sentence that holds none of the question's years
    approximate_miss_penalty: float = 0.6  # a figure far from the one the asker remembers ("4万出头")
    approximate_span: tuple[float, float] = (0.7, 1.6)  # "near" it: this share of it, either way
    unasked_side_penalty: float = 0.9  # a figure of one side (幼儿园…) for a question naming no side of its set
    per_unit_penalty: float = 0.8  # a per-head figure (每千人口…, 人均…) for a question that asks no rate
    # A share the notice does not state, worked out from a part and its whole (assistant.kinds.share):
    share_sentences: int = 6  # among this many best sentences
    share_part_fit: float = 0.5  # the part's own words hold this much of what the question asks
    generic_measure_penalty: float = 0.7  # "多少个案子" answered by a count in another measure word (立案52件)
    # Sentences compared with an English question by the embedding model (assistant.meaning),
    # calibrated on the English items of the dev sets:
    meaning_sentences: int = 16  # how many candidates (each embedded once, then cached)
    meaning_spread: float = 0.04  # cosine above the candidates' median that counts as fully close
    meaning_weight: float = 0.3  # how much closeness weighs in a sentence's score
    meaning_support: float = 0.6  # … and how much of it counts as what the question's words hold


@dataclass(frozen=True)
class Settings(StoreSettings):
    """Every setting: the store's (`ingest.settings.StoreSettings`) and answering's."""

    llm: LLMSettings = field(default_factory=LLMSettings)
    reader: ReaderSettings = field(default_factory=ReaderSettings)
    # Offline answers in this many worker processes (assistant.pool); 0: in the calling process.
    # `assistant web` uses one per core.
    answer_workers: int = 0

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        llm = LLMSettings(
            model=env.get("ASSISTANT_LLM_MODEL") or None,
            base_url=env.get("OPENAI_BASE_URL") or None,
            api_key=env.get("OPENAI_API_KEY") or None,
            timeout_s=_env_float("ASSISTANT_LLM_TIMEOUT", 30.0),
            deadline_s=_env_float("ASSISTANT_LLM_DEADLINE", 30.0),
        )
        embedding = EmbeddingSettings(
            model=env.get("ASSISTANT_EMBED_MODEL") or EmbeddingSettings.model,
            base_url=env.get("ASSISTANT_EMBED_BASE_URL") or None,
            api_key=env.get("ASSISTANT_EMBED_API_KEY") or env.get("OPENAI_API_KEY") or None,
        )
        cache = env.get("ASSISTANT_EMBED_CACHE")
        settings = cls(
            home=Path(env.get("ASSISTANT_HOME") or DEFAULT_HOME),
            chroma_url=env.get("ASSISTANT_CHROMA_URL") or None,
            embedding_cache=Path(cache) if cache else None,
            llm=llm,
            embedding=embedding,
            answer_workers=int(_env_float("ASSISTANT_ANSWER_WORKERS", 0)),
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if "home" in overrides:
            overrides["home"] = Path(overrides["home"])
        return replace(settings, **overrides)
