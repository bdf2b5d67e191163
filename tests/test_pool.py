"""Offline answers from worker processes (`assistant web` runs one per core): the same answers
as in process, the store's changes seen, errors typed, and a killed worker survived."""

from __future__ import annotations

import os
import signal

import pytest

from assistant import Assistant
from assistant.errors import QuestionError, UnknownDocumentError

QUESTIONS = ["2020年全区重点项目完成投资多少?", "立案多少件?", "高明区2020年的GDP是多少?", "巡视整改的联系电话是多少?"]


@pytest.fixture(scope="module")
def home(module_home):
    return module_home


@pytest.fixture(scope="module")
def pooled(home):
    bot = Assistant(home=home, answer_workers=2)
    bot.warm_up()
    yield bot
    bot.close()


def _same(a, b) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k != "elapsed_ms"}  # noqa: E731
    return strip(a.to_dict()) == strip(b.to_dict())


def test_a_worker_answers_as_the_process_itself_would(home, pooled):
    alone = Assistant(home=home)
    for question in QUESTIONS:
        assert _same(pooled.ask(question), alone.ask(question)), question
    here, there = alone.chat(), pooled.chat()
    for question in ("2020年全区重点项目完成投资多少?", "完成年度任务的百分之多少?"):
        assert _same(there.ask(question), here.ask(question)), question
    streamed = list(pooled.stream(QUESTIONS[0]))
    assert "".join(e for e in streamed if isinstance(e, str)) == streamed[-1].text


def test_errors_come_back_typed(pooled):
    with pytest.raises(UnknownDocumentError) as unknown:
        pooled.ask("立案多少件?", doc_ids=["no-such-notice"])
    assert unknown.value.doc_id == "no-such-notice"
    with pytest.raises(QuestionError):
        pooled.ask("")


def test_workers_see_a_notice_another_process_added(home, pooled, tmp_path):
    notice = tmp_path / "town.txt"
    notice.write_text("关于某镇整改情况的通报\n一、总体情况\n全镇新建污水管网37.6公里。\n中共某镇委员会\n2024年3月1日\n", encoding="utf-8")
    Assistant(home=home).ingest(notice)
    for _ in range(4):  # every worker, whichever answers
        answer = pooled.ask("全镇新建污水管网多少公里?")
        assert answer.found and "37.6公里" in answer.text and answer.citations[0].doc_id == "town"
    Assistant(home=home).remove("town")
    assert all("37.6" not in pooled.ask("全镇新建污水管网多少公里?").text for _ in range(4))


def test_a_killed_worker_costs_no_answer(pooled):
    pooled.ask(QUESTIONS[0])
    killed = pooled.pool.pids()
    assert len(killed) == 2
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    answer = pooled.ask(QUESTIONS[0])  # answered in process while the pool is replaced
    assert answer.text.startswith("158.72亿元")
    assert pooled.ask(QUESTIONS[1]).found
    assert pooled.pool.pids() and set(pooled.pool.pids()).isdisjoint(killed)  # a fresh pool answered
