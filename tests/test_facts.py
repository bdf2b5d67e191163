"""Facts on invented sentences: value, unit, governing words, time and exact offsets per shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.facts import Fact, FactKind, extract_facts

SAMPLE = Path(__file__).resolve().parents[1] / "assistant" / "samples" / "gaoming-xunshi-zhenggai-2021.txt"


def facts(text: str, notice_date: str = "2021-05-08") -> list[Fact]:
    got = extract_facts(text, notice_date=notice_date)
    for f in got:
        assert text[f.start : f.end] == f.text
        assert f.sentence_start <= f.clause_start <= f.start < f.end <= f.clause_end <= f.sentence_end
    return got


def fact(got: list[Fact], written: str) -> Fact:
    (f,) = [f for f in got if f.text == written]
    return f


def test_each_count_is_governed_by_its_own_words():
    got = facts("2020年,某区处理线索34件、立案19件。共指出6个方面23个具体问题。")
    assert fact(got, "19件").governor == "立案" and fact(got, "19件").value == 19
    assert fact(got, "34件").governor.endswith("处理线索")
    assert fact(got, "23个").governor == "具体问题" and fact(got, "6个").governor == "方面"
    assert (fact(got, "19件").time, fact(got, "19件").time_basis) == ("2020", "sentence")
    assert fact(got, "23个").time_basis == "context"  # the year of the paragraph's previous sentence


def test_planned_and_actual():
    got = facts("2020年计划投资42.2亿元,实际完成投资45.83亿元。")
    planned, actual = fact(got, "42.2亿元"), fact(got, "45.83亿元")
    assert (planned.governor, planned.role, planned.value, planned.unit) == ("计划投资", "planned", pytest.approx(42.2e8), "亿元")
    assert (actual.governor, actual.role, actual.value) == ("实际完成投资", "actual", pytest.approx(45.83e8))
    assert actual.time == "2020" and actual.kind is FactKind.MONEY


def test_qizhong_is_a_part_of_the_whole():
    got = facts("全年立案19件,其中党纪立案12件。")
    whole, part = fact(got, "19件"), fact(got, "12件")
    assert part.role == "part" and got[part.part_of] == whole and part.governor == "党纪立案"
    assert (part.time, part.time_basis) == ("2021", "notice")


def test_respectively_maps_onto_the_list_named_before():
    got = facts("2020年,第一、二、三产业对经济增长的贡献率分别为5.1%、38.2%、56.7%。")
    assert [(f.governor, f.value, f.unit) for f in got if f.kind is FactKind.PERCENT] == [
        ("第一产业对经济增长的贡献率", 5.1, "%"),
        ("第二产业对经济增长的贡献率", 38.2, "%"),
        ("第三产业对经济增长的贡献率", 56.7, "%"),
    ]
    got = facts("城镇、农村居民人均可支配收入分别增长6.2%、8.1%。")
    assert [(f.governor, f.role) for f in got] == [("城镇居民人均可支配收入", "change"), ("农村居民人均可支配收入", "change")]


def test_from_a_to_b():
    got = facts("截至2021年3月,全区森林覆盖率由45.2%提高到47.1%。")
    a, b = fact(got, "45.2%"), fact(got, "47.1%")
    assert (a.role, b.role) == ("from", "to") and a.governor == b.governor == "全区森林覆盖率"
    assert (b.time, b.time_basis) == ("~2021-03", "as_of")


def test_ranges_give_both_bounds_the_unit_and_metric():
    got = facts("2020年9月以来,培育主营收入10亿至500亿元的企业。")
    low, high = fact(got, "10亿"), fact(got, "500亿元")
    assert (low.value, low.unit, low.role) == (pytest.approx(1e9), "亿元", "from")
    assert (high.role, high.governor) == ("to", low.governor) and "主营收入" in low.governor
    assert (high.time, high.time_basis) == ("2020-09~", "since")


def test_table_cells_are_named_by_row_and_column_headers():
    text = (
        "2021年农村人居环境整治情况\n"
        "| 指标 | 计划数 | 完成数 | 完成率 |\n"
        "|---|---|---|---|\n"
        "| 农村户厕改造(户) | 4500 | 4386 | 97.5% |\n"
        "\n"
        "表2 主要经济指标\n"
        "| 指标 | 2022年 | 比上年增长(%) |\n"
        "| 金额(万元) | 237054.47 | 2.1 |\n"
    )
    got = facts(text)
    done = fact(got, "4386")
    assert (done.kind, done.value, done.unit, done.governor) == (FactKind.COUNT, 4386, "户", "农村户厕改造 完成数")
    assert done.table.caption == "2021年农村人居环境整治情况" and done.table.column == "完成数"
    assert (done.time, done.time_basis) == ("2021", "context")
    assert fact(got, "4500").role == "planned" and fact(got, "97.5%").value == 97.5
    money = fact(got, "237054.47")
    assert (money.kind, money.value, money.unit, money.time) == (FactKind.MONEY, pytest.approx(2370544700), "万元", "2022")
    growth = fact(got, "2.1")
    assert (growth.kind, growth.unit, growth.governor, growth.role) == (FactKind.PERCENT, "%", "金额 比上年增长", "change")


def test_chinese_numerals():
    got = facts("二〇二一年五月六日,全区三万五千人参加,达标率百分之九十三点二,开展督查十余次。")
    assert fact(got, "二〇二一年五月六日").date == "2021-05-06"
    people = fact(got, "三万五千人")
    assert (people.value, people.unit, people.time) == (35000, "人", "2021")
    rate = fact(got, "百分之九十三点二")
    assert (rate.kind, rate.value, rate.unit, rate.governor) == (FactKind.PERCENT, 93.2, "%", "达标率")
    assert (fact(got, "十余次").value, fact(got, "十余次").hedge) == (10, "余")


def test_nfkc_changing_characters_before_a_figure_keep_offsets_exact():
    text = "⑴㈠2020年完成投资１５８．７２亿元……增长5.1%,①2人"
    got = facts(text)
    money = fact(got, "１５８．７２亿元")
    assert (money.value, money.governor, money.time) == (pytest.approx(158.72e8), "完成投资", "2020")
    assert text.index("１５８") == money.start
    assert fact(got, "2人").value == 2  # ① is a list marker, not the digit 1 of 12人
    assert fact(got, "5.1%").governor == "完成投资 增长"  # the growth of what the figure before it is


def test_damaged_text():
    got = facts("会议于2021915日召开,投入237054.47 万元。")
    damaged = fact(got, "2021915日")
    assert damaged.kind is FactKind.DATE and damaged.date == ""
    money = fact(got, "237054.47 万元")
    assert (money.value, money.unit, money.governor) == (pytest.approx(2370544700), "万元", "投入")


def test_contacts():
    got = facts("联系电话:0757-88661108,邮编:528500,邮箱:jubao@example.gov.cn。")
    kinds = {f.text: f.kind for f in got}
    assert kinds == {"0757-88661108": FactKind.PHONE, "528500": FactKind.POSTCODE, "jubao@example.gov.cn": FactKind.EMAIL}


def test_to_dict_round_trip():
    got = facts("| 指标 | 2022年 |\n| 投资(亿元) | 1.5 |\n2020年立案19件。")
    assert [Fact.from_dict({**f.to_dict(), "section_labels": ["一"]}) for f in got] == got


def test_bundled_notice_every_figure_found_with_exact_offsets():
    text = SAMPLE.read_text(encoding="utf-8")
    got = extract_facts(text, notice_date="2021-05-08")
    covered = bytearray(len(text))
    for f in got:
        assert text[f.start : f.end] == f.text
        covered[f.start : f.end] = b"\x01" * (f.end - f.start)
    missed = [m.group() for m in re.finditer(r"[0-9０-９]+", text) if not all(covered[m.start() : m.end()])]
    assert missed == []
    assert len(got) > 300
