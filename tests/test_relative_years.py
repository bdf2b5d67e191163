"""A year said relative to the notice (今年, 去年, last year) is read against the year the notice
speaks from: a work report delivered in January reviews last year and sets this year's targets
with the same metric sentences."""

from __future__ import annotations

import pytest

from assistant.api import Assistant
from assistant.question import analyse

REPORT = """政府工作报告
——2026年1月12日在翠屏区第三届人民代表大会第六次会议上
区长 韦成岭

各位代表:
现在,我代表翠屏区人民政府,向大会报告政府工作,请予审议。

一、2025年工作回顾
过去一年,全区新建改造农村公路64公里,新增养老床位310张,城镇新增就业5120人。

二、2026年主要目标
新建改造农村公路80公里,新增养老床位400张,城镇新增就业5500人以上。
"""


def test_relative_years_are_offsets_except_as_a_comparison_base():
    assert analyse("去年新增养老床位多少张").relative_years == (-1,)
    assert analyse("What are the targets for this year?").relative_years == (0,)
    assert analyse("比去年多了多少").relative_years == ()  # the base of a comparison, not the year asked
    assert analyse("How much higher than last year?").relative_years == ()
    question = analyse("去年新增养老床位多少张")
    assert question.years_for("2026") == ("2025",)
    assert analyse("2024年新增养老床位多少张").years_for("2026") == ("2024",)  # a named year stands


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("relative")
    bot = Assistant(home=folder / "home")
    path = folder / "cuiping-gongzuo-baogao-2026.txt"
    path.write_text(REPORT, encoding="utf-8")
    bot.ingest(path)
    return bot


@pytest.mark.parametrize("question, figure", [
    ("翠屏去年新建改造了多少公里农村公路?", "64公里"),
    ("翠屏今年要新建改造多少公里农村公路?", "80公里"),
    ("How many elderly-care beds did Cuiping add last year?", "310张"),
])
def test_this_year_and_last_year_are_the_report_s_targets_and_its_review(bot, question, figure):
    answer = bot.ask(question)
    assert answer.found and answer.text.split("\n")[0].startswith(figure), answer.text

