"""The numeral module: values of Arabic and Chinese numeral spans, magnitudes, the offset map."""

from __future__ import annotations

import pytest

from ingest.numerals import same_quantity, scan
from ingest.textnorm import normalize, normalize_with_map


def one(text: str):
    found = scan(normalize(text))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, kind, value, unit, hedge",
    [
        ("三万五千人", "count", 35000, "人", ""),
        ("百分之九十三点二", "percent", 93.2, "%", ""),
        ("两个", "count", 2, "个", ""),
        ("十余次", "count", 10, "次", "余"),
        ("1,587,200万元", "money", 15872000000, "万元", ""),
        ("237054.47 万元", "money", 2370544700, "万元", ""),
        ("142万家", "count", 1420000, "万家", ""),
        ("30多万人", "count", 300000, "万人", "多"),
        ("超过150亿元", "money", 15000000000, "亿元", "超过"),
        ("1000人以上", "count", 1000, "人", "以上"),
        ("3.5个百分点", "percent", 3.5, "个百分点", ""),
    ],
)
def test_values_in_base_units(text, kind, value, unit, hedge):
    n = one(text)
    assert (n.kind, n.unit, n.hedge) == (kind, unit, hedge)
    assert n.value == pytest.approx(value)


def test_chinese_date_and_damaged_date():
    assert one("二〇二一年五月六日").date == "2021-05-06"
    damaged = one("2021915日")
    assert damaged.kind == "date" and damaged.date == ""  # not a bogus date
    assert one("2020年5月25日至7月10日").date == "2020-05-25/2020-07-10"


def test_range_bound_takes_the_unit_written_after_it():
    low, high = scan("10亿至500亿元")
    assert (low.kind, low.value, low.range_role) == ("money", pytest.approx(1e9), "from")
    assert (high.value, high.range_role) == (pytest.approx(5e10), "to")


def test_words_holding_numerals_are_not_figures():
    assert scan("大家一起研究,第一时间处置,一方面") == []


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("158.72亿元", "1,587,200万元", True),
        ("158.72亿元", "158.72 亿元", True),
        ("158.72亿", "158.72亿元", True),  # a dropped 元
        ("158.72万元", "158.72亿元", False),
        ("142万家", "142家", False),
        ("93.2%", "百分之九十三点二", True),
        ("93.2%", "93.2个百分点", False),
        ("三万五千人", "35000人", True),
    ],
)
def test_same_quantity(a, b, same):
    assert same_quantity(a, b) is same


def test_offset_map_survives_length_changing_folds():
    text = "⑴㈠投入１５８．７２亿元……共5人"
    folded, omap = normalize_with_map(text)
    assert folded.startswith("(1)(一)")
    for figure in scan(folded):
        start, end = omap.start(figure.start), omap.end(figure.end)
        # a figure inside a fold (the 1 of ⑴) maps to that whole character
        assert folded[figure.start : figure.end] in normalize(text[start:end])
    i = folded.index("5人")
    assert text[omap.start(i) : omap.end(i + 2)] == "5人"


def test_a_shifted_figure_is_the_same_figure_further_on():
    import dataclasses

    from ingest.numerals import scan

    for n in scan("由2020年的42.2亿元提高到约45.83亿元,增长百分之九十三点二"):
        assert n.shifted(7) == dataclasses.replace(n, start=n.start + 7, end=n.end + 7)


def test_rates_ratios_and_names_holding_digits():
    text = "孕产妇死亡率为18.62/10万,生师比为14.3:1,细颗粒物(PM2.5)浓度31微克/立方米,NO2下降5.1%,会议09:30开始。"
    got = {text[n.start : n.end]: n for n in scan(text)}
    assert (got["18.62/10万"].kind, got["18.62/10万"].value, got["18.62/10万"].unit) == ("percent", 18.62, "/10万")
    assert (got["14.3:1"].value, got["14.3:1"].unit) == (14.3, ":1")
    # the digits of PM2.5 and NO2 count nothing; a clock time is no ratio
    assert "2.5" not in got and "2" not in got and "31" in got and "5.1%" in got
    assert not any(n.unit == ":1" for k, n in got.items() if "09" in k)
    # the number of a table or an annex names it; a meter's count is still a figure
    text = "各项资金审计情况见表3。表4 主要指标。更换水表120块,附件2。"
    assert [text[n.start : n.end] for n in scan(text)] == ["120"]
