"""Facts on invented sentences: value, unit, governing words, time and exact offsets per shape."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ingest.facts import Fact, FactKind, extract_facts
from ingest.headings import match_heading

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
    # what has been done so far against a plan is the actual figure too
    got = facts("2023年计划新建高标准农田3.6万亩,截至10月底已完成3.42万亩,完成年度任务的95%。")
    assert (fact(got, "3.6万亩").role, fact(got, "3.42万亩").role) == ("planned", "actual")


def test_qizhong_is_a_part_of_the_whole():
    got = facts("全年立案19件,其中党纪立案12件。")
    whole, part = fact(got, "19件"), fact(got, "12件")
    assert part.role == "part" and got[part.part_of] == whole and part.governor == "党纪立案"
    assert (part.time, part.time_basis) == ("2021", "notice")


def test_a_bound_before_a_figure_names_the_group_it_is_of():
    got = facts("全年发展党员218名,其中40岁以下的占比达到68.4%,大专以上学历的占比55.2%。")
    assert fact(got, "68.4%").governor == "40岁以下的占比"
    assert fact(got, "55.2%").governor == "大专以上学历的占比"
    assert fact(got, "218名").governor == "发展党员"


def test_a_share_said_after_a_figure_is_that_things_share():
    got = facts("全年一般公共预算支出31.6亿元,其中民生支出25.9亿元,占一般公共预算支出的82.0%。")
    assert fact(got, "82.0%").governor == "民生支出 占一般公共预算支出"


def test_the_items_after_qizhong_are_parts_of_the_level_not_of_its_change():
    got = facts("年末全县实有床位2,960张,比上年增加118张,其中医院2,310张,基层医疗卫生机构512张。")
    whole = fact(got, "2,960张")
    for item in ("2,310张", "512张"):
        assert fact(got, item).role == "part" and got[fact(got, item).part_of] == whole, item


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
    # every digit is a figure's, except the numbers that label headings (2.加强…, (1)…)
    labels = bytearray(len(text))
    at = 0
    for line in text.split("\n"):
        heading = match_heading(line)
        if heading is not None and heading.ordinal is not None and heading.title:
            labels[at : at + line.find(heading.title)] = b"\x01" * line.find(heading.title)
        at += len(line) + 1
    missed = [m.group() for m in re.finditer(r"[0-9０-９]+", text) if not all(covered[m.start() : m.end()]) and not all(labels[m.start() : m.end()])]
    assert missed == []
    assert not any(all(labels[f.start : f.end]) for f in got)
    assert len(got) > 300


def test_governor_edges_trimmed_and_bare_counts_named():
    text = "届时我区每千人床位数将达到6.2张。目前已全面完成77个村(社区)换届,以及665个村(居)民小组同步换届。"
    got = facts(text)
    beds = fact(got, "6.2张")
    assert (beds.governor, beds.start, beds.end) == ("我区每千人床位数", 13, 17)
    assert fact(got, "665个").governor == "村(居)民小组" and fact(got, "665个").start == text.index("665")


def test_growth_after_a_figure_is_the_growth_of_its_thing():
    got = facts("2023年全县油料产量42.1万吨,增长6.5%。规模以上工业增加值增长8.4%。")
    growth = fact(got, "6.5%")
    assert (growth.governor, growth.role, growth.start) == ("全县油料产量 增长", "change", 20)
    assert fact(got, "8.4%").governor == "规模以上工业增加值增长"
    assert fact(got, "42.1万吨").value == pytest.approx(421000)


def test_sessions_and_set_phrases_are_not_counts():
    text = "十二届三次全会后,实施一村一策,推进一批重点项目,新建学校2所。"
    got = facts(text)
    assert [(f.text, f.kind) for f in got] == [("十二届", FactKind.ORDINAL), ("三次", FactKind.ORDINAL), ("2所", FactKind.COUNT)]
    assert fact(got, "2所").start == text.index("2所")


def test_qizhong_links_across_kinds_of_count_and_sentences():
    got = facts("全年共受理信访举报120件次。其中,涉及基层干部85件。")
    whole, part = fact(got, "120件次"), fact(got, "85件")
    assert part.role == "part" and got[part.part_of] == whole and part.subject == whole.governor
    assert (part.start, part.governor) == (24, "涉及基层干部")


def test_respectively_over_an_uneven_list_shares_the_metric_head():
    text = "其中教育、社会保障和就业、卫生健康、农林水支出分别为9.86亿元、7.42亿元、4.65亿元、6.18亿元。"
    got = facts(text)
    assert [f.governor for f in got] == ["教育支出", "社会保障和就业支出", "卫生健康支出", "农林水支出"]
    assert (fact(got, "7.42亿元").start, fact(got, "7.42亿元").end) == (text.index("7.42"), text.index("、4.65"))
    got = facts("全县安全事故起数、死亡人数同比分别下降18.2%和25%。")
    assert [f.governor for f in got] == ["全县安全事故起数", "死亡人数"]


def test_a_per_head_metric_shared_by_an_uneven_list_and_the_changes_listed_after_it():
    text = "幼儿园、小学、普通高中、特殊教育学校生均公用经费分别为1620元、2140元、2960元、5310元,分别比上年增长1.8%、2.6%、3.1%、0.9%。"
    got = facts(text)
    assert [f.governor for f in got if f.unit == "元"] == [
        "幼儿园生均公用经费", "小学生均公用经费", "普通高中生均公用经费", "特殊教育学校生均公用经费"]
    # the second 分别 names nothing of its own: its n-th change is of the n-th item
    assert [(f.governor, f.role) for f in got if f.unit == "%"][2] == ("普通高中生均公用经费", "change")


def test_an_aside_saying_what_a_count_includes_is_no_word_of_what_it_counts():
    got = facts("各级各类学校共有在校生(含在园幼儿)52310人,比上年减少812人。")
    assert fact(got, "52310人").governor == "各级各类学校共有在校生"


def test_heading_years_reset_by_a_later_heading():
    text = "一、2022年工作回顾\n全县新建道路12公里。\n二、存在的问题\n仍有3个村未通公交。\n三、2024年工作安排\n(一)交通\n新建道路20公里。"
    got = facts(text, notice_date="2023-02-01")
    assert (fact(got, "12公里").time, fact(got, "12公里").time_basis) == ("2022", "context")
    assert (fact(got, "3个").time, fact(got, "3个").time_basis) == ("2023", "notice")
    assert (fact(got, "20公里").time, fact(got, "20公里").start) == ("2024", text.index("20公里"))


def test_relative_years_months_without_year_and_comparison_bases():
    got = facts("今年以来化解存量隐性债务38.6亿元。9月以来,新增就业320人。2021年支出1863万元,较2020年下降12.4%。", notice_date="2023-11-20")
    debt = fact(got, "38.6亿元")
    assert (debt.governor, debt.time, debt.time_basis, debt.start) == ("化解存量隐性债务", "2023~", "since", 12)
    assert (fact(got, "320人").time, fact(got, "320人").time_basis) == ("2023-09~", "since")
    fall = fact(got, "12.4%")
    assert (fall.time, fall.governor) == ("2021", "支出 下降")


def test_a_five_year_plan_period_dates_its_sentence_only():
    text = "一、2025年工作回顾\n“十四五”以来,全区累计新增城镇就业4.1万人,年均增长6.2%。全年城镇新增就业8350人。\n“十三五”时期完成造林9.6万亩。"
    got = facts(text, notice_date="2026-01-15")
    assert (fact(got, "4.1万人").time, fact(got, "4.1万人").time_basis) == ("2021~", "since")
    assert fact(got, "6.2%").time == "2021~"
    assert (fact(got, "8350人").time, fact(got, "8350人").start) == ("2025", text.index("8350人"))  # the next sentence: the heading's year
    assert (fact(got, "9.6万亩").time, fact(got, "9.6万亩").time_basis) == ("2016~2020", "sentence")


def test_a_section_headed_as_targets_makes_its_figures_targets_unless_they_say_otherwise():
    text = "一、2025年工作回顾\n全区新增就业8350人。\n二、2026年主要目标\n城镇新增就业9000人以上,实际到位资金3.2亿元。\n三、其他\n新建公园2个。"
    got = facts(text, notice_date="2026-01-15")
    assert fact(got, "8350人").role == ""
    assert fact(got, "9000人").role == "target"
    assert fact(got, "3.2亿元").role == "actual"  # its own sentence says so
    assert fact(got, "2个").role == ""  # the next top heading closes the section


def test_month_ranges_and_from_with_words_between():
    text = "2024年1-6月实际完成投资49.36亿元。覆盖率由上年的84.7%提高到89.5%。"
    got = facts(text)
    span = fact(got, "2024年1-6月")
    assert (span.kind, span.date) == (FactKind.DATE_RANGE, "2024-01/2024-06")
    money = fact(got, "49.36亿元")
    assert (money.governor, money.role, money.time) == ("实际完成投资", "actual", "2024-01~2024-06")
    a, b = fact(got, "84.7%"), fact(got, "89.5%")
    assert (a.role, b.role, a.governor, b.governor, b.start) == ("from", "to", "覆盖率", "覆盖率", text.index("89.5%"))


def test_dates_are_governed_by_the_event_they_date():
    got = facts("2020年9月16日,省委巡视组向区委反馈了巡视意见。确保2022年6月底前全部整改到位。")
    assert fact(got, "2020年9月16日").governor == "省委巡视组向区委反馈了巡视意见"
    deadline = fact(got, "2022年6月底")
    assert (deadline.governor, deadline.role) == ("确保 整改到位", "target")


def test_damaged_amount_after_jiang_is_named_by_what_follows():
    got = facts("全区已将237054.47 万元未细化预算全部细化到具体项目。")
    money = fact(got, "237054.47 万元")
    assert (money.governor, money.value, money.start, money.end) == ("未细化预算", pytest.approx(2370544700), 4, 16)


def test_negative_figures_and_table_unit_column_and_part_rows():
    text = (
        "表2 2023年主要产品产量\n"
        "| 产品名称 | 单位 | 2023年 | 比上年增长(%) |\n"
        "|---|---|---|---|\n"
        "| 水泥 | 万吨 | 486.3 | -4.2 |\n"
        "| 工业增加值(亿元) | | 109.62 | 8.0 |\n"
        "| 其中:制造业 | 亿元 | 58.36 | 19.3 |\n"
        "纺织服装增加值增长-1.6%。"
    )
    got = facts(text)
    cement = fact(got, "486.3")
    assert (cement.kind, cement.value, cement.unit, cement.governor, cement.time) == (FactKind.COUNT, pytest.approx(4863000), "万吨", "水泥", "2023")
    fall = fact(got, "-4.2")
    assert (fall.value, fall.governor, fall.role, fall.start) == (-4.2, "水泥 比上年增长", "change", text.index("-4.2"))
    part = fact(got, "58.36")
    assert (part.governor, part.role, got[part.part_of].text) == ("制造业", "part", "109.62")
    assert fact(got, "19.3").role == "change" and got[fact(got, "19.3").part_of].text == "8.0"
    assert (fact(got, "-1.6%").value, fact(got, "-1.6%").unit) == (-1.6, "%")


def test_a_unit_column_the_lexicon_does_not_value_and_a_change_column_after_two_years():
    text = (
        "表1 2023年、2024年主要污染物浓度\n"
        "| 污染物 | 单位 | 2023年 | 2024年 | 变化幅度(%) |\n"
        "|---|---|---|---|---|\n"
        "| 可吸入颗粒物(PM10) | 微克/立方米 | 61 | 55 | -9.8 |\n"
    )
    got = facts(text)
    cell = fact(got, "55")
    assert (cell.unit, cell.governor, cell.time) == ("微克/立方米", "可吸入颗粒物", "2024")
    change = fact(got, "-9.8")
    assert (change.role, change.time) == ("change", "2024")  # the change to the later year
    assert not any(f.text == "10" for f in got)  # PM10 names the thing


def test_facts_stored_at_ingest_read_back_from_a_real_store(tmp_path, monkeypatch):
    from assistant import Assistant
    from ingest.sections import parse_sections

    monkeypatch.setenv("ASSISTANT_EMBED_CACHE", os.environ.get("ASSISTANT_EMBED_CACHE", str(tmp_path / "embeddings.sqlite")))
    path = tmp_path / "xiaohe-tongbao-2023.txt"
    path.write_text(
        "关于小河区巡察整改情况的通报\n一、整改总体情况\n2023年全区立案19件,其中党纪立案12件。\n"
        "二、具体整改\n(一)民生\n全区新建学校2所,完成投资4.86亿元,增长6.5%。\n\n小河区委\n2023年5月8日\n",
        encoding="utf-8",
    )
    bot = Assistant(home=tmp_path / "home")
    bot.ingest(path)
    (record,) = bot.store.documents()
    text = bot.store.notice_text(record.doc_id)
    expected = extract_facts(text, notice_date=record.signed_on or record.published_on)
    assert bot.store.facts(record.doc_id) == expected and len(expected) >= 6
    sections = parse_sections(text)
    stored = bot.store.notice_bundle(record.doc_id)["facts"]
    for f, raw in zip(expected, stored):
        section = next((s for s in reversed(sections) if s.start <= f.start), None)
        assert raw["section_labels"] == (list(section.labels) if section else [])
    assert next(raw for raw in stored if raw["text"] == "4.86亿元")["section_labels"] == ["二", "(一)"]


def test_a_figure_before_de_is_the_figure_of_the_noun_after_it():
    [done, task] = [f for f in extract_facts("全区完成整治任务317.87亩,超额完成243亩的年度任务。") if f.unit == "亩"]
    assert (done.value, task.value) == (317.87, 243.0)
    assert task.governor == "年度任务" and "年度任务" not in done.governor
    [year, amount] = extract_facts("2020年的目标是完成5亿元。")
    assert "目标" in year.governor  # a year before 的 stays a time, not the figure of 目标


def test_a_head_naming_two_things_at_once_gives_each_figure_its_thing():
    # 城乡 names 城镇 and 农村: the first figure is the towns', the second the countryside's;
    # 提高到 says where they went (no change), 增长 how much they changed
    facts = extract_facts("城乡居民人均可支配收入分别达到38650元和19870元。城乡低保标准分别提高到每人每月820元和660元。")
    by_text = {f.text: f for f in facts}
    assert by_text["38650元"].governor == "城镇居民人均可支配收入"
    assert by_text["19870元"].governor == "农村居民人均可支配收入"
    assert (by_text["820元"].governor, by_text["660元"].governor) == ("城镇低保标准", "农村低保标准")
    assert by_text["660元"].role != "change"


def test_from_last_years_level_holds_for_the_year_before():
    # 由上年末的60.7%提高到61.5% in a bulletin on 2024: 60.7% is 2023's, 61.5% 2024's
    got = extract_facts("年末全县常住人口城镇化率由上年末的60.7%提高到61.5%。", notice_date="2024")
    before, after = fact(got, "60.7%"), fact(got, "61.5%")
    assert (before.role, before.time, after.role, after.time) == ("from", "2023", "to", "2024")



def test_a_table_row_in_a_measure_word_of_its_unit_column():
    got = extract_facts("表1 2024年主要产品产量\n| 产品名称 | 单位 | 2024年 | 比上年增长(%) |\n|---|---|---|---|\n| 锂离子电池 | 万只 | 3417 | 26.3 |\n",
                        notice_date="2025")
    cell = fact(got, "3417")
    assert (cell.unit, cell.value, cell.kind) == ("万只", pytest.approx(3417e4), FactKind.COUNT)
