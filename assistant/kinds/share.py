"""A share the notice does not state, worked out from a part and the whole it is broken out of.

"住户存款占全部存款多少?" over a table that gives 各项存款余额 267.66 and 其中:住户存款 195.39 but
no share: the notice states both figures, so the share is their quotient — shown as arithmetic
on the two quoted figures and said to be worked out, never passed off as a stated figure. Where
the notice states no such pair, there is no answer here (the percent kind says "not stated").
"""

from __future__ import annotations

from dataclasses import replace

from assistant.evidence import coverage
from assistant.kinds.base import Draft, Evidence, cite
from ingest.facts import Fact, FactKind

# Figures whose quotient is a share: amounts and counts, not rates or dates.
_QUANTITIES = (FactKind.MONEY, FactKind.COUNT, FactKind.NUMBER)


def computed_share(evidence: Evidence) -> Draft | None:
    """The share of the part the question names in its whole, from the best sentences; None
    when no part of a whole the notice states fits what is asked."""
    best: tuple[float, Fact, Fact, object] | None = None
    for ss in evidence.scored[: evidence.settings.share_sentences]:
        if not evidence.answers(ss):
            continue
        for part in evidence.facts_in(ss.sentence):
            whole = evidence.whole_of(part, ss.sentence.doc_id)
            if whole is None or not _comparable(part, whole):
                continue
            fit = coverage(evidence.focus_terms, _own_words(part, whole))
            if fit >= evidence.settings.share_part_fit and (best is None or fit > best[0]):
                best = (fit, part, whole, ss.sentence)
    if best is None:
        return None
    _, part, whole, sentence = best
    share = f"{100 * part.value / whole.value:.1f}"
    part_text, whole_text = f"{_name(part)}{_with_unit(part)}", f"{_name(whole)}{_with_unit(whole)}"
    lead = evidence.say(
        f"约{share}%(通报没有直接给出这一比例,按{part_text} ÷ {whole_text}算出)",
        f"about {share}% (the notice gives no share; worked out as {part_text} ÷ {whole_text})")
    sentences = [_sentence_of(evidence, whole, sentence), sentence]
    sentences = [s for k, s in enumerate(sentences) if s is not None and s not in sentences[:k]]
    quotes = "\n".join(evidence.quote(s) for s in sentences)
    return Draft(f"{lead}\n\n{quotes}", True, [cite(s) for s in sentences], [part.text, whole.text])


def _comparable(part: Fact, whole: Fact) -> bool:
    return (part.kind in _QUANTITIES and part.kind == whole.kind and part.unit == whole.unit
            and part.value is not None and whole.value and 0 < part.value < whole.value)


def _own_words(part: Fact, whole: Fact) -> str:
    """What the part is named by: its governing words, or its table row (其中:住户存款)."""
    words = f"{part.governor} {part.subject}"
    if part.table is not None:
        words += f" {part.table.row}"
    return words


def _name(fact: Fact) -> str:
    """What a figure is of, as the notice names it (a table cell: its row, without 其中:)."""
    name = fact.table.row if fact.table is not None else fact.governor or fact.subject
    return name.split(":")[-1].split("：")[-1].strip()[-12:]


def _with_unit(fact: Fact) -> str:
    # a cell's unit is its header's (年末余额(亿元)): 195.39 alone would mislead
    return fact.text if fact.text.endswith(fact.unit) else f"{fact.text}{fact.unit}"


def _sentence_of(evidence: Evidence, fact: Fact, near):
    """The sentence a fact lies in, as a citable sentence of `near`'s section; None if elsewhere."""
    if near.start <= fact.start < near.end:
        return near
    section, text = evidence.shelf.section_at(near.doc_id, fact.start)
    here, _ = evidence.shelf.section_at(near.doc_id, near.start)
    if section.labels != here.labels:
        return None
    return replace(near, start=fact.sentence_start, end=fact.sentence_end, text=text[fact.sentence_start : fact.sentence_end].strip())
