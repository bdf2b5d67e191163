"""Questions in people's own words: the development sets written by someone who had not read the code.

The held-back thirds (eval/heldout/) are never run here: they confirm, they do not develop.
"""

from __future__ import annotations

import pytest

from eval.runner import run_eval
from eval.validate import SETS_DIR, load_set

GAOMING_SETS = [SETS_DIR / "gaoming.jsonl", SETS_DIR / "pw-gaoming.jsonl"]
# The worst failure, held down in CI: a figure stated as found that is not the asked one
# (an answer to an unanswerable question included), on the bundled notice's sets. The target
# is 3% on each; the people's-words set does not meet it yet (0.06, 3 of 49, measured 2026-12-02, see
# the README's eval table), so it is held where it stands, and any rise fails.
MAX_CONFIDENTLY_WRONG = {"gaoming": 0.03, "pw-gaoming": 0.07}


@pytest.fixture(scope="module")
def bundled_report(bot):
    return run_eval(bot, GAOMING_SETS)


@pytest.mark.parametrize("set_name", sorted(MAX_CONFIDENTLY_WRONG))
def test_confidently_wrong_stays_rare_on_the_bundled_notice(bundled_report, set_name):
    report = bundled_report["per_set"][set_name]
    wrong = [f"{f['id']}: {f['question']} → {f['got'][:60]!r}" for f in bundled_report["failures"]
             if f["confidently_wrong"] and f["set"] == set_name]
    assert report["confidently_wrong"] <= MAX_CONFIDENTLY_WRONG[set_name], "\n".join(wrong)
    assert report["quote_fidelity"] == 1.0


def test_the_report_counts_every_kind_of_miss(bundled_report):
    for key in ("confidently_wrong", "false_abstention", "wrong_figure_right_sentence", "right_notice"):
        assert key in bundled_report and key in bundled_report["per_set"]["pw-gaoming"]
    assert bundled_report["right_notice"] == 1.0  # one notice in the store: every citation is from it


def _standalone(path):
    return [item for item in load_set(path) if not item.history]


@pytest.mark.parametrize("path", GAOMING_SETS, ids=lambda p: p.stem)
def test_a_standalone_question_asked_after_another_gets_the_same_answer(bot, path):
    """Never a follow-up by its length: each question asked right after the one before it in the set
    is answered exactly as when it is asked alone."""
    items = _standalone(path)
    changed = []
    for before, item in zip(items, items[1:]):
        alone = bot.ask(item.question, doc_ids=[item.doc])
        chat = bot.chat(doc_ids=[item.doc])
        chat.ask(before.question)
        after = chat.ask(item.question)
        if (after.text, after.found) != (alone.text, alone.found):
            changed.append(f"{item.id} after {before.id}: {alone.text[:40]!r} → {after.text[:40]!r}")
    assert not changed, "\n".join(changed)
