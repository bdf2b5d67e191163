"""Meaning: how close a sentence is to the question in the embedding model's own space.

A question whose words are not the notice's words reaches its sentence only through
the lexicons — for English questions, a glossary of the genre's terms, which cannot
know "farm machines" (农机具) or "weak villages" (软弱涣散村). The bundled model is
multilingual and already finds the passage; here it also compares the question with
each candidate sentence of the passages found, so that the sentence, and the figure in
it, can be chosen by meaning where the words differ.

Sentence vectors are made on demand, only for the few candidates of a question that
needs them, and kept in the embedding cache under their content hash like passages:
a notice's sentences are embedded once, whoever asks. The similarity is turned into a
0–1 closeness against the candidates' own spread (cosine values of one model cluster
in a narrow band), calibrated in `ReaderSettings`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.evidence import ScoredSentence
from ingest.keyword import normalize

_FIGURE = re.compile(r"\d|[〇一二三四五六七八九十百千万亿]{2,}")


def candidates(scored: Sequence[ScoredSentence], limit: int, wants_figure: bool) -> list[ScoredSentence]:
    """The sentences worth comparing: of the best passages first, then the best scored, at most `limit`.

    A figure question compares only sentences that state some figure; a heading line or a
    sentence of one word compares well with anything and answers nothing."""
    usable = [ss for ss in scored if len(ss.sentence.text) >= 8 and (not wants_figure or _FIGURE.search(normalize(ss.sentence.text)))]
    by_passage = sorted(usable, key=lambda ss: (ss.sentence.passage_rank, -ss.score))
    chosen: dict[tuple[str, int], ScoredSentence] = {}
    for pool in (by_passage[: limit // 2], usable):
        for ss in pool:
            if len(chosen) >= limit:
                break
            chosen.setdefault((ss.sentence.doc_id, ss.sentence.start), ss)
    return list(chosen.values())


def closeness(embed_model, question: str, sentences: Sequence[str], spread: float) -> list[float]:
    """Each sentence's closeness to the question, 0–1: its cosine similarity above the
    candidates' median, in units of `spread` (the calibrated width of the band that
    separates the sentence that answers from the rest)."""
    if not sentences:
        return []
    query = np.asarray(embed_model.get_query_embedding(question), dtype=np.float32)
    vectors = np.asarray(embed_model.get_text_embedding_batch(list(sentences)), dtype=np.float32)
    sims = vectors @ query / (np.linalg.norm(vectors, axis=1) * (np.linalg.norm(query) or 1.0) + 1e-9)
    reference = float(np.median(sims)) if len(sims) > 2 else float(sims.min()) - spread / 2
    # The closest gets 1 once it stands `spread` above the median; the others keep their distance
    # from it, so that two sentences above the band are not made equal.
    scale = max(spread, float(sims.max()) - reference)
    return [float(np.clip((s - reference) / scale, 0.0, 1.0)) for s in sims]
