"""A notice's own context — issuer, places with short forms, kind, dates, events — read at ingest,
kept in the catalog and shown by `assistant docs`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import furniture_pages as pages
from assistant import Assistant
from assistant.cli import main
from assistant.config import REPO_ROOT, SAMPLE_NOTICE
from ingest.context import Event, NoticeContext, Place, extract_context
from ingest.furniture import rules
from ingest.notice import read_notice

COUNTY = REPO_ROOT / "eval" / "notices" / "county-xuncha-zhenggai-2022"


def test_bundled_notice_context():
    context = read_notice(SAMPLE_NOTICE).context
    assert context.issuer == "中共佛山市高明区委"
    # The text names 广东 only as 视察广东 and in the stripped footer: no province.
    assert context.places == (Place("市", "佛山市", "佛山"), Place("区县", "高明区", "高明"))
    assert (context.kind, context.signed_on, context.published_on, context.year) == ("巡视整改", "2021-05-06", "2021-05-08", "2021")
    assert context.events == (
        Event("巡视", "2020-05-25/2020-07-10", "2020年5月25日至7月10日"),
        Event("反馈", "2020-09-16", "2020年9月16日"),
    )
    assert context.short_name == "高明区 巡视整改 2021"


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_county_notice_context(suffix):
    context = read_notice(COUNTY.with_suffix(suffix)).context
    assert (context.issuer, context.kind, context.signed_on, context.year) == ("中共江屿市澄川县委", "巡察整改", "2022-03-18", "2022")
    assert [(p.level, p.name, p.short) for p in context.places] == [("市", "江屿市", "江屿"), ("区县", "澄川县", "澄川")]
    assert [(e.kind, e.date) for e in context.events] == [("巡察", "2021-09-06/2021-11-05"), ("反馈", "2021-12-10")]
    assert context.published_on == ("2022-03-21" if suffix == ".html" else "")


def test_places_at_every_level_and_a_chinese_numeral_signature():
    body = "\n".join([
        "新昌县人民政府关于审计查出问题整改情况的报告",
        "2022年8月，浙东省临海市新昌县城关镇开展了专项审计。",
        "一、整改情况",
        "全县完成整改问题41个。",
        "新昌县人民政府",
        "二〇二二年十二月二十六日",
    ])
    context = extract_context(body)
    assert [(p.level, p.name, p.short) for p in context.places] == [
        ("省", "浙东省", "浙东"), ("市", "临海市", "临海"), ("区县", "新昌县", "新昌"), ("乡镇", "城关镇", "城关"),
    ]
    assert (context.issuer, context.kind, context.signed_on, context.year) == ("新昌县人民政府", "审计整改", "2022-12-26", "2022")
    assert context.events == ()  # 审计 gives no period here, and nothing was fed back


def test_issuer_from_the_title_and_kind_from_the_title():
    context = extract_context("中共云溪市临江区委关于巡视整改进展情况的通报\n\n" + pages.BODY[0])
    assert (context.issuer, context.kind, context.signed_on) == ("中共云溪市临江区委", "巡视整改", "")
    assert context.place == Place("区县", "临江区", "临江")


def test_context_round_trips_through_a_dict():
    context = read_notice(SAMPLE_NOTICE).context
    assert NoticeContext.from_dict(json.loads(json.dumps(context.to_dict(), ensure_ascii=False))) == context


def test_context_is_stored_and_shown_by_docs(tmp_path):
    path = tmp_path / "linjiang-xunshi-zhenggai-2023.html"
    path.write_text(pages.heavy_page(), encoding="utf-8")
    home = tmp_path / "home"
    Assistant(home=home).ingest(path)
    (record,) = Assistant(home=home).documents()  # a fresh process's view of the catalog
    expected = {
        "title": pages.TITLE, "issuer": "中共云溪市临江区委", "signed_on": "2023-12-26", "published_on": "2024-01-05",
        "written_on": "2023-12-26", "kind": "巡视整改", "year": "2023", "short_name": "临江区 巡视整改 2023",
    }
    assert {k: getattr(record, k) for k in expected} == expected
    places = [("市", "云溪市", "云溪"), ("区县", "临江区", "临江")]
    assert [(p.level, p.name, p.short) for p in record.context().places] == places
    assert [e.kind for e in record.context().events] == ["巡视", "反馈"]

    result = CliRunner().invoke(main, ["--home", str(home), "docs", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert {k: row[k] for k in expected} == expected
    assert [(p["level"], p["name"], p["short"]) for p in row["places"]] == places
    assert row["events"][0] == {"kind": "巡视", "date": "2023-03-06/2023-05-12", "text": "2023年3月6日至5月12日"}
    listing = CliRunner().invoke(main, ["--home", str(home), "docs"])
    assert listing.exit_code == 0 and "临江区 巡视整改 2023" in listing.output and "云溪市/临江区" in listing.output


def test_a_store_written_before_the_context_fields_is_read_and_filled(tmp_path):
    path = tmp_path / "linjiang.txt"
    path.write_text(pages.text_export_headers(), encoding="utf-8")
    home = tmp_path / "home"
    bot = Assistant(home=home)
    bot.ingest(path)
    # Strip the new fields from the catalog record, as an older version wrote it.
    got = bot.store.catalog.get(ids=["linjiang"], include=["metadatas"])
    new_fields = ("kind", "year", "written_on", "places", "events", "short_name")
    assert all(k in got["metadatas"][0] for k in new_fields)
    bot.store.catalog.update(ids=["linjiang"], metadatas=[{k: None for k in new_fields}])  # None deletes a key
    assert not any(k in bot.store.catalog.get(ids=["linjiang"], include=["metadatas"])["metadatas"][0] for k in new_fields)
    (record,) = Assistant(home=home).documents()
    assert (record.kind, record.places, record.short_name) == ("", "", "")
    report = Assistant(home=home).ingest(path)
    assert report.notices[0].status == "unchanged"
    (record,) = Assistant(home=home).documents()
    assert record.short_name == "临江区 巡视整改 2023" and record.context().place.short == "临江"


def test_issuer_and_date_under_the_title_of_a_bulletin_and_a_work_report():
    bulletin = extract_context("鹿山县2025年国民经济和社会发展统计公报\n\n鹿山县统计局\n2026年3月20日\n\n一、综合\n全县地区生产总值100亿元。")
    # signed in 2026, it reports on 2025: its 全年 and 年末 are 2025's
    assert (bulletin.issuer, bulletin.signed_on, bulletin.year) == ("鹿山县统计局", "2026-03-20", "2025")
    report = extract_context("鹿山市人民政府工作报告\n\n——二〇二六年一月九日在鹿山市第三届人民代表大会第二次会议上\n\n"
                             "鹿山市市长  某某\n\n各位代表:\n一、过去一年的工作\n全市完成投资50亿元。")
    assert (report.issuer, report.signed_on) == ("鹿山市人民政府", "2026-01-09")  # the mayor's line names a person
    dated = extract_context("关于某项工作的通报\n(2026年2月3日)\n正文。")
    assert dated.signed_on == "2026-02-03"
    # a title's own 社会 is not a body; a bulletin no one signs is its place's 统计局's (kinds.tsv)
    assert extract_context("鹿山县2025年国民经济和社会发展统计公报\n\n一、综合\n正文。").issuer == "鹿山县统计局"
    # two bodies on the line under the title, dated by the month only; two signing at the end
    shared = extract_context("鹿山县2025年国民经济和社会发展统计公报\n鹿山县统计局  国家统计局鹿山调查队\n2026年3月\n一、综合\n正文。")
    assert (shared.issuer, shared.signed_on) == ("鹿山县统计局、国家统计局鹿山调查队", "2026-03")
    signed = extract_context("鹿山县2025年国民经济和社会发展统计公报\n一、综合\n正文。\n鹿山县统计局\n国家统计局鹿山调查队\n二〇二六年三月十八日")
    assert (signed.issuer, signed.signed_on) == ("鹿山县统计局、国家统计局鹿山调查队", "2026-03-18")
    # a page's 信息来源 names the body when the notice does not
    sourced = extract_context("某县2025年国民经济和社会发展统计公报\n一、综合\n正文。", {"source": "鹿山县统计局"})
    assert sourced.issuer == "鹿山县统计局"


def test_a_title_opening_with_guanyu_names_the_place_without_it():
    context = extract_context("关于鹿山区2023年度区级预算执行审计查出问题整改情况的通报\n\n鹿山区审计局向区人大常委会报告了审计工作情况。")
    assert [p.name for p in context.places] == ["鹿山区"], context.places


def test_an_undated_notice_speaks_from_the_year_of_the_last_event_it_reports():
    context = extract_context("中共鹿山县委关于巡视整改进展情况的通报\n\n根据省委统一部署,2025年3月9日至5月10日,"
                              "省委第二巡视组对鹿山县进行了常规巡视。2025年6月14日,巡视组向县委反馈了巡视意见。\n一、总体情况\n正文。")
    assert context.signed_on == "" and context.year == "2025" and context.short_name.endswith("2025")


def test_a_title_year_of_a_whole_year_dates_the_report_and_a_bare_issuer_takes_the_place():
    # "关于2024年度…的报告", delivered in 2025, reports on 2024, whatever its genre is called
    context = extract_context("关于鹿山县2024年度县级预算执行和其他财政收支的审计工作报告\n"
                              "——2025年6月27日在鹿山县第十七届人民代表大会常务委员会第二十九次会议上\n一、预算执行情况\n正文。",
                              meta={"issuer": "县审计局", "published_on": "2025-07-03"})
    assert (context.year, context.kind, context.issuer) == ("2024", "审计工作报告", "鹿山县审计局"), context
    context = extract_context("蓼川市2024年生态环境状况公报\n\n一、环境空气\n全市优良天数比率为89.6%。\n蓼川市生态环境局\n2025年5月30日")
    assert (context.year, context.kind) == ("2024", "环境状况公报")
    # 十二届市委 is a congress's term, not a city
    context = extract_context("中共鹿山区委关于十二届市委第四轮巡视反馈意见整改进展情况的通报\n\n芗川市委巡视组对鹿山区开展了巡视。")
    assert [p.name for p in context.places] == ["鹿山区"], context.places


@pytest.mark.parametrize("path", sorted(p for p in (REPO_ROOT / "eval" / "notices").glob("*") if p.suffix in (".txt", ".html")) + [SAMPLE_NOTICE],
                         ids=lambda p: p.name)
def test_every_eval_notice_has_its_issuer_a_place_and_a_date(path):
    context = read_notice(path).context
    assert context.issuer and context.places, context
    # The title is the notice's own, never a line of the site around it (信息索引号 …).
    assert not any(label in context.title for label in rules().labels), context.title
    assert context.signed_on or context.published_on or context.written_on or context.events, context
