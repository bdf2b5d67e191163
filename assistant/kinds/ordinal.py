"""Ordinal questions — "第几巡视组?", "哪个巡视组来巡视的?", "第几轮?": the 第N the notice names.

The answer is a span "(省委)第十巡视组" of the best sentence that names an ordinal of the
noun asked (a data list: 巡视组, 轮, 届 …), with the organ before it when the notice writes
one. A count ("3个方面") never answers it, and a sentence that names no such ordinal does not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.followup import Resolved
from assistant.kinds.base import Draft, Evidence, cite
from assistant.lexicon import cues, question_table
from assistant.question import AskKind, Question

_NUMBER = r"[一二三四五六七八九十百零〇两\d]+"


@lru_cache(maxsize=1)
def _nouns() -> tuple[str, ...]:
    return tuple(sorted(question_table("ordinal").get("nouns", ()), key=len, reverse=True))


def asked_noun(text: str) -> str:
    """The noun an ordinal question asks the number of ("第几巡视组" → 巡视组), "" if none."""
    nouns = "|".join(re.escape(n) for n in _nouns())
    found = re.search(rf"(?:第几|哪(?:一个|个|一)?)(?:个)?(?P<noun>{nouns})", text)
    return found.group("noun") if found else ""


class OrdinalKind:
    kind = AskKind.ORDINAL

    def recognises(self, question: Question, resolved: Resolved) -> bool:
        return bool(asked_noun(question.text)) or ("第几" in question.text and cues("ordinal").found_in(question.text))

    def compose(self, evidence: Evidence) -> Draft | None:
        noun = asked_noun(evidence.question.text)
        nouns = re.escape(noun) if noun else "|".join(re.escape(n) for n in _nouns())
        span = re.compile(rf"(?:[省市县区]委|[省市县区]政府)?第{_NUMBER}(?:{nouns})")
        for ss in evidence.scored[:10]:
            found = span.search(ss.sentence.text)
            if found and evidence.answers(ss):
                text = f"{found.group()}\n\n{evidence.quote(ss.sentence)}"
                return Draft(text, True, [cite(ss.sentence)], [found.group()])
        return None  # no sentence names such an ordinal: the next kind, or the passage
