"""English questions matched by meaning (assistant.meaning), not only through the glossary;
and two figures nothing tells apart are not a guess stated as found.

The notice below is invented for this test; none of its sentences is in the glossary's words
for the things asked ("agricultural vehicles", "village first party chiefs", "lavatories"), so only the
embedding model's comparison of question and sentence can reach them — with it switched off,
the same questions are answered "not stated", which is what makes these tests able to fail.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant import Assistant
from assistant.config import Settings
from assistant.question import analyse
from conftest import home_with_notice

NOTICE = """中共鹿山县农业农村局党组关于巡察整改进展情况的通报

一、整改总体情况
局党组召开专题会议4次,研究部署整改工作。

二、具体问题整改情况
(一)关于惠农补贴发放不规范的问题
对2021年以来发放的农机购置补贴进行全面核查,涉及机具2417台、补贴资金1863.5万元,追回违规补贴资金36.2万元。
(二)关于基层党组织建设薄弱的问题
排查软弱涣散村党组织19个,已全部完成整顿转化;选派驻村第一书记23名。
(三)关于农村人居环境整治的问题
新建改建农村户厕2860座,农村卫生厕所普及率达到93.4%。
(四)关于产业带动就业不足的问题
一季度新增就业岗位320个,二季度新增就业岗位410个。

中共鹿山县农业农村局党组
2024年5月20日
"""


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    home = home_with_notice(tmp_path_factory.mktemp("meaning"), "lushan-nongye-xuncha-2024.txt", NOTICE)
    bot = Assistant(home=home)
    settings = Settings.from_env(home=home)
    without = Assistant(settings=replace(settings, reader=replace(settings.reader, meaning_weight=0.0, meaning_support=0.0)))
    return bot, without


@pytest.mark.parametrize(("question", "figure", "path"), [
    ("How many agricultural vehicles were examined?", "2417台", ("二", "(一)")),
    ("How many village first party chiefs were sent?", "23名", ("二", "(二)")),
    ("How many lavatories were put up or redone?", "2860座", ("二", "(三)")),
])
def test_an_english_question_reaches_the_sentence_by_meaning(homes, question, figure, path):
    bot, without = homes
    answer = bot.ask(question)
    assert answer.found and answer.text.startswith(figure), answer.text
    assert answer.citations[0].section_path == path
    assert answer.citations[0].quote in NOTICE
    assert not without.ask(question).found  # the glossary alone does not get there


@pytest.mark.parametrize("question", [
    "How many officials were expelled from the Party?",
    "What was the county's GDP in 2023?",
])
def test_meaning_does_not_make_a_metric_the_notice_never_states(homes, question):
    bot, _ = homes
    answer = bot.ask(question)
    assert not answer.found, answer.text
    assert answer.text.startswith("The notice does not give this.")


@pytest.mark.parametrize(("question", "unit"), [
    ("How many mu of high-standard farmland were built?", "亩"),
    ("number of people covered by the minimum living allowance", "人"),
    ("How many kilometres of pipes were laid?", "公里"),
    ("How many cases were opened?", ""),  # 件, 起 or 宗: no one measure word
])
def test_an_english_count_asks_in_the_measure_word_it_names(question, unit):
    assert analyse(question).unit == unit


def test_two_figures_nothing_tells_apart_are_not_a_guess(homes):
    bot, _ = homes
    answer = bot.ask("新增就业岗位多少个?")  # 320个 in one quarter, 410个 in the next: which?
    assert not answer.found, answer.text
    assert "一季度新增就业岗位320个" in answer.text  # the closest passage shows both
    assert bot.ask("二季度新增就业岗位多少个?").text.startswith("410个")


@pytest.mark.parametrize(("question", "kind"), [
    ("Lushan county GDP 2023?", "money"),
    ("no. of farm machines checked", "count"),
    ("first secretaries sent to villages - number?", "count"),
    ("farmland fertility subsidy per mu in 2023?", "money"),
    ("Describe how the bureau rectified the subsidy problems", "passage"),
])
def test_a_terse_english_request_asks_for_a_figure(question, kind):
    from assistant.followup import resolve
    from assistant.kinds import classify

    assert classify(analyse(question), resolve(question, [])).kind.value == kind


def test_a_terse_english_request_gets_the_figure(homes):
    bot, _ = homes
    answer = bot.ask("no. of farm machines checked")
    assert answer.found and answer.text.startswith("2417台"), answer.text
