"""Fault injection on the loopback OpenAI-protocol server: ten questions per fault of issue 12.

The scripted model (eval/llm_faults.py) writes each faulty answer from the right one,
built from an eval item's evidence and cited with the passage number the request
gives it. Nothing wrong may reach the user, streamed or final; right answers, in 5-
and in 1-character chunks, must pass with at most one false alarm in twenty.
"""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.config import SAMPLE_NOTICE, LLMSettings, Settings
from eval import llm_faults
from tests.openai_server import OpenAIServer

PER_KIND = 10
DEADLINE_S = 3.0


@pytest.fixture(scope="module")
def server():
    with OpenAIServer(model="fault-model") as running:
        yield running


@pytest.fixture(scope="module")
def setup(sample_home, bot):
    notice = bot.notice_text(SAMPLE_NOTICE.stem)
    items = [i for i in llm_faults.figure_items() if any(i.evidence in p.text for p in bot.ask(i.question).passages)]
    assert len(items) >= 2 * PER_KIND, "too few figure items whose evidence is retrieved"
    offline = {i.id: bot.ask(i.question).text for i in items}
    return notice, items, offline


def make_bot(home):
    def make(base_url: str, deadline_s: float) -> Assistant:
        llm = LLMSettings(model="fault-model", base_url=base_url, api_key="k", timeout_s=deadline_s, deadline_s=deadline_s)
        return Assistant(home=home, settings=Settings.from_env(home=home, llm=llm))

    return make


def outcomes(kind, setup, server, sample_home):
    notice, items, offline = setup
    cases = llm_faults.cases(items, notice, PER_KIND, kinds=(kind,))
    assert len(cases) >= 5, f"only {len(cases)} items can carry the fault {kind}"
    return [llm_faults.ask_case(c, server, make_bot(sample_home), notice, offline[c.item.id], DEADLINE_S) for c in cases]


@pytest.mark.parametrize("kind", llm_faults.WRONG_KINDS + llm_faults.STREAM_KINDS)
def test_fault_never_reaches_the_user(kind, setup, server, sample_home):
    missed = [(o.case.item.id, o.text[:80], o.reason) for o in outcomes(kind, setup, server, sample_home) if not o.caught]
    assert missed == []


@pytest.mark.parametrize("kind", llm_faults.RIGHT_KINDS)
def test_right_answers_pass(kind, setup, server, sample_home):
    results = outcomes(kind, setup, server, sample_home)
    alarms = [(o.case.item.id, o.reason) for o in results if not o.caught]
    assert len(alarms) * 20 <= len(results), alarms
