"""Figures in Chinese text, and the check that every figure an answer states is in a quote."""

from __future__ import annotations

import pytest

from assistant.figures import chinese_number, find_figures, normalize, unverified_figures

QUOTE = "2020年,全区重点项目完成投资158.72亿元,完成年度任务123.34%;"


def only(text: str):
    figures = [f for f in find_figures(normalize(text))]
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    "text, kind, value, unit",
    [
        ("全区重点项目完成投资158.72亿元", "money", 158.72e8, "亿元"),
        ("投入约4713万元", "money", 4713e4, "万元"),
        ("每月发放补贴800元", "money", 800, "元"),
        ("完成年度任务123.34%", "percent", 123.34, "%"),
        ("全区高新技术企业存量217家", "count", 217, "家"),
        ("批评教育帮助313人次", "count", 313, "人次"),
        ("完成管网建设61.5公里", "count", 61.5, "公里"),
        ("区委共举办七次学习会", "count", 7, "次"),
    ],
)
def test_find_figures_kinds_and_values(text, kind, value, unit):
    figure = only(text)
    assert (figure.kind, figure.unit) == (kind, unit)
    assert figure.value == pytest.approx(value)
    assert normalize(text)[figure.start : figure.end] == figure.text


def test_a_full_date_is_one_figure():
    figure = only("2020年9月16日,省委巡视组向高明区委反馈了巡视意见")
    assert figure.kind == "date" and figure.text == "2020年9月16日"
    assert only("2020年全区").kind == "year"
    assert only("预计2022年3月运营").kind == "date"


def test_phone_number_is_one_figure_not_two_numbers():
    figure = only("联系方式:电话0757-88661108;")
    assert figure.kind == "phone" and figure.text == "0757-88661108"


def test_several_figures_in_order():
    figures = find_figures(normalize("2020年全区盘活土地135宗9153.13亩,完成年度8000亩任务的114.4%"))
    assert [f.text for f in figures] == ["2020年", "135宗", "9153.13亩", "8000亩", "114.4%"]


def test_full_width_digits_are_the_same_figure():
    figure = only("１５８．７２亿元")
    assert figure.kind == "money" and figure.value == pytest.approx(158.72e8)
    assert unverified_figures("完成投资１５８．７２亿元", [QUOTE]) == []
    assert unverified_figures("完成年度任务１２３．３４％", [QUOTE]) == []


@pytest.mark.parametrize("answer", ["1587200万元", "1,587,200万元", "158.72 亿元", "158.720亿元"])
def test_yi_and_wan_forms_of_one_amount_are_equivalent(answer):
    assert unverified_figures(f"完成投资{answer}", [QUOTE]) == []


def test_amount_in_yi_verified_against_a_quote_in_wan():
    assert unverified_figures("投入约0.4713亿元", ["投入约4713万元,分类施策"]) == []


@pytest.mark.parametrize("answer", ["1587300万元", "158.7亿元", "15.872亿元", "168.72亿元"])
def test_a_different_amount_is_flagged(answer):
    assert unverified_figures(f"完成投资{answer}", [QUOTE]) == [answer]


def test_a_different_percentage_is_flagged():
    assert unverified_figures("完成年度任务123.3%", [QUOTE]) == ["123.3%"]
    assert unverified_figures("完成年度任务123.34%", [QUOTE]) == []


def test_chinese_numerals():
    assert chinese_number("七") == 7
    assert chinese_number("十七") == 17
    assert chinese_number("一百二十") == 120
    assert chinese_number("两") == 2
    assert chinese_number("七次") is None
    source = ["2020年9月以来,区委共举办7次区委(区政府)理论学习中心组学习会"]
    assert unverified_figures("区委共举办七次学习会", source) == []
    assert unverified_figures("区委共举办八次学习会", source) == ["八次"]
    assert unverified_figures("区委共举办7次学习会", ["区委共举办七次学习会"]) == []


def test_years_count_as_figures():
    # The same amount moved to another year is a wrong statement.
    assert unverified_figures("2019年全区重点项目完成投资158.72亿元", [QUOTE]) == ["2019年"]
    assert unverified_figures("2020年全区重点项目完成投资158.72亿元", [QUOTE]) == []


def test_dates_are_compared_day_by_day():
    quote = "2020年9月16日,省委巡视组向高明区委反馈了巡视意见。"
    assert unverified_figures("2020年9月16日", [quote]) == []
    assert unverified_figures("2020年9月18日", [quote]) == ["2020年9月18日"]
    assert unverified_figures("2020年10月16日", [quote]) == ["2020年10月16日"]


def test_figures_from_any_quote_count():
    quotes = [QUOTE, "2020年全区重点项目完成投资超过150亿元,重大产业项目招商突破180亿元"]
    assert unverified_figures("完成投资158.72亿元,此前表述为超过150亿元", quotes) == []


def test_text_without_figures_has_nothing_to_verify():
    assert unverified_figures("通报中没有提到这一指标。", [QUOTE]) == []
    assert find_figures("一是挂图作战,分类逐项推进。第一方面问题") == []


def test_citation_markers_are_not_figures():
    assert unverified_figures("全区重点项目完成投资158.72亿元。[1]", [QUOTE]) == []
    assert unverified_figures("完成投资158.72亿元[2][3]", [QUOTE]) == []


def test_amount_in_yuan_matches_the_same_amount_in_yi():
    assert unverified_figures("完成投资15872000000元", [QUOTE]) == []


def test_ordinary_words_with_numerals_are_not_counts():
    quotes = [QUOTE, "2020年全区重点项目完成投资超过150亿元,重大产业项目招商突破180亿元"]
    assert unverified_figures("完成投资158.72亿元;另一处表述为超过150亿元,两处不同。", quotes) == []
    assert unverified_figures("这是第一种情况。", quotes) == []
