"""Questions on an invented statistical bulletin (鹿山县 is not a real county): comparisons
answered from two facts, each quoted, with the arithmetic written out; a metric named in the
question's own words (GDP) answered only from a sentence that says it.
"""

from __future__ import annotations

import pytest

from assistant import Assistant
from conftest import home_with_notice

NOTICE = """鹿山县2024年国民经济和社会发展统计公报

一、综合
全年全县地区生产总值286.4亿元,比上年增长6.1%,按常住人口计算的全年人均地区生产总值52300元。
2025年一季度,全县重点项目完成投资12.6亿元。
力争2025年全县重点项目完成投资35亿元以上、地区生产总值增长6%左右。

二、对外经济
全年货物进出口总额31.25亿元,其中出口额24.08亿元,进口额7.17亿元。

三、人民生活
城乡居民最低生活保障标准分别提高到每人每月780元和610元。
全年城镇居民人均可支配收入43120元,农村居民人均可支配收入22760元。
全县政府债务率由上年的171.3%下降到158.6%。
城乡居民收入比由上年的2.11缩小到2.05。
全县两个工业园区的开发强度分别达到58.2%和46.5%。
全年计划新建农村公路120公里,实际完成126.5公里,完成年度计划的105.4%。
全年全县48个重点项目完成投资32.5亿元,完成年度计划的108.2%,其中9个市级重点项目完成投资14.1亿元,完成年度计划的115.6%。
全年新建提升党员示范岗186个,党员先锋岗243个。
坚持把群众满意作为检验成效的标准,刊发回应报道36篇。
全年全县“三公”经费支出1526万元,同比下降8.7%。
换届后村党组织书记平均年龄43.5岁,较上届下降2.8岁。
全年共有8570人享受最低生活保障,其中城市低保2150人、农村低保6420人。
核查农机购置补贴发放情况,涉及补贴农户860户、机具1520台。

表1 2024年主要农产品产量
| 指标 | 2024年(万吨) | 比上年增长(%) |
|---|---|---|
| 茶叶 | 1.86 | 4.5 |

鹿山县统计局
2025年3月20日
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Assistant(home=home_with_notice(tmp_path_factory.mktemp("bulletin"), "lushan-tongji-gongbao-2024.txt", NOTICE))


@pytest.mark.parametrize(("question", "figures", "arithmetic"), [
    # "出口" is in 进出口总额 too: the figure named in fewest words is the one meant
    ("出口与进口分别是多少?相差多少?", ("24.08亿元", "7.17亿元"), "24.08 − 7.17 = 16.91亿元"),
    # the head both share written once: 城镇 gets 居民人均可支配收入 as well
    ("城镇和农村居民人均可支配收入相差多少?", ("43120元", "22760元"), "43120 − 22760 = 20360元"),
    # one metric's two states, a rate: the difference in percentage points
    ("政府债务率由多少下降到多少?", ("171.3%", "158.6%"), "171.3 − 158.6 = 12.7个百分点"),
    ("党员先锋岗与示范岗哪个更多?", ("243个", "186个"), "243 − 186 = 57个"),
    # a ratio has no unit: its two states still compare
    ("城乡收入比从多少缩到多少?", ("2.11", "2.05"), "2.11 − 2.05 = 0.06"),
    # what follows the words both name (重点项目) is the first's too; 比例 compares percentages
    ("全县重点项目和市级重点项目完成年度计划的比例哪个高?", ("108.2%", "115.6%"), "115.6 − 108.2 = 7.4个百分点"),
    # two figures asked side by side, and the change in points
    ("政府债务率上年多少、现在多少,降了几个点?", ("171.3%", "158.6%"), "171.3 − 158.6 = 12.7个百分点"),
    # "A比B少多少": B is A's metric at its own time (each figure of its year, 24年 being 2024)
    ("25年一季度重点项目投资比24年全年少了多少?", ("12.6亿元", "32.5亿元"), "32.5 − 12.6 = 19.9亿元"),
    # the planned and the actual figure measured alike (not the share of the plan, 105.4%)
    ("农村公路计划修多少、实际修了多少?", ("120公里", "126.5公里"), "126.5 − 120 = 6.5公里"),
])
def test_a_comparison_states_both_figures_and_the_difference(bot, question, figures, arithmetic):
    answer = bot.ask(question)
    assert answer.found, answer.text
    lead = answer.text.split("\n\n")[0]
    assert all(f in lead for f in figures), answer.text
    assert arithmetic in lead, answer.text  # larger less smaller: how "差多少" is meant
    assert answer.citations and all(c.quote in NOTICE for c in answer.citations)


def test_two_figures_under_one_name_are_told_apart_by_their_order(bot):
    answer = bot.ask("工业园区开发强度各多少")
    lead = answer.text.split("\n\n")[0]
    assert "开发强度①:58.2%" in lead and "开发强度②:46.5%" in lead, answer.text
    assert "分别" not in lead.split("\n")[0]


def test_a_pair_named_at_once_is_told_apart_by_its_things(bot):
    # 城乡 names 城镇 and 农村: each figure is labelled by its own thing, in the notice's order
    answer = bot.ask("城乡低保标准各多少")
    lead = answer.text.split("\n\n")[0]
    assert "城镇居民最低生活保障标准:780元" in lead and "农村居民最低生活保障标准:610元" in lead, answer.text


def test_a_ratio_is_given_when_asked(bot):
    answer = bot.ask("出口额是进口额的几倍?")
    assert "24.08 ÷ 7.17 ≈ 3.36倍" in answer.text, answer.text


def test_a_metric_named_otherwise_is_answered_only_where_it_is_said(bot):
    assert bot.ask("2024年鹿山县GDP多少?").text.startswith("286.4亿元")
    # 2025年一季度 has a figure, of key projects, not of GDP: not stated, never 12.6亿元
    answer = bot.ask("2025年一季度GDP多少?")
    assert not answer.found, answer.text
    assert "12.6亿元" not in answer.text.split("\n")[0]


@pytest.mark.parametrize(("question", "change"), [
    ("三公经费比上年降了多少?", "8.7%"),  # not the spending beside it
    ("By how much did the county's three public spending fall?", "8.7%"),
    ("村党组织书记的平均年龄降了多少?", "2.8岁"),  # a change in years, not a percentage
    ("三公经费跌了多少?", "8.7%"),  # how people say it
])
def test_a_change_question_gets_the_change_not_the_level(bot, question, change):
    answer = bot.ask(question)
    assert answer.found, answer.text
    assert answer.text.startswith(change), answer.text


def test_a_table_cell_is_stated_in_its_header_unit(bot):
    amount = bot.ask("鹿山县茶叶产量是多少?")
    assert amount.text.startswith("1.86万吨"), amount.text
    assert "| 茶叶 | 1.86 | 4.5 |" in amount.text  # the row quoted verbatim
    # the row holds neither 产量 nor 增长: its table's caption and header say them
    assert bot.ask("茶叶产量增长了多少?").text.startswith("4.5%")


def test_a_change_the_notice_does_not_state_is_not_answered_with_a_level(bot):
    # 186个 is how many posts were set up, not by how much they grew
    answer = bot.ask("党员示范岗比上年增加了多少?")
    assert not answer.found, answer.text
    assert "186个" not in answer.text.split("\n")[0]


def test_a_satisfaction_rate_is_a_percentage_never_the_count_beside_its_words(bot):
    # 群众满意 and a count of reports, but no rate: not stated, never "36篇"
    answer = bot.ask("群众满意度是多少?")
    assert not answer.found, answer.text
    assert "36篇" not in answer.text.split("\n")[0]


def test_a_metric_named_otherwise_is_the_figures_own_not_only_its_sentences(bot):
    # the sentence says 地区生产总值, but of its growth; 35亿元 is 重点项目完成投资: no GDP amount for 2025
    answer = bot.ask("鹿山县2025年GDP是多少亿元?")
    assert not answer.found, answer.text


@pytest.mark.parametrize(("question", "figure"), [
    # "how much" alone asks no money: a quantity, in the unit the notice gives it (a table's header)
    pytest.param("How much tea did Lushan produce in 2024?", "1.86万吨", id="how-much-of-a-product"),
    # what "how many" counts (farm machines: 机具), not the other count of the clause
    pytest.param("How many farm machines were checked for subsidies?", "1520台", id="what-how-many-counts"),
    # past the enumeration comma the words are the next item's: 农村 names 6420人, not 2150人
    pytest.param("How many people in the countryside got the minimum living allowance?", "6420人", id="past-the-comma"),
    # "多少个亿" counts no things: it asks an amount, and 24年 is 2024
    pytest.param("鹿山县24年地区生产总值多少个亿?", "286.4亿元", id="hundred-millions"),
    # "What was … total …?" names no "how much", yet asks the figure, not a passage
    pytest.param("What was Lushan's total value of imports and exports in 2024?", "31.25亿元", id="what-was-the-total"),
    # 人均地区生产总值52300元 is named by the same words qualified: the plain 地区生产总值 is meant
    pytest.param("鹿山县2024年地区生产总值是多少?", "286.4亿元", id="the-plain-metric"),
    # 城乡…分别A和B: the second thing of the pair gets the second figure
    pytest.param("鹿山县农村低保标准每月多少钱?", "610元", id="second-of-a-pair"),
    pytest.param("What is Lushan's minimum living allowance standard for rural residents (not urban)?", "610元",
                 id="second-of-a-pair-english"),
])
def test_a_question_in_peoples_words_gets_the_figure_of_the_thing_it_names(bot, question, figure):
    answer = bot.ask(question)
    assert answer.found, answer.text
    assert answer.text.startswith(figure), answer.text


def test_a_follow_up_naming_the_counterpart_asks_it_in_the_topics_place(bot):
    # "城镇…多少" then "农村的呢": 农村 takes 城镇's place, it is not asked beside it
    history = [{"role": "user", "content": "鹿山县城镇低保标准每月多少?"}, {"role": "assistant", "content": "780元"}]
    answer = bot.ask("农村的呢?", history=history)
    assert answer.found, answer.text
    assert answer.text.startswith("610元"), answer.text
