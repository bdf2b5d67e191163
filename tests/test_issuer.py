"""Who issued a notice (assistant.kinds.issuer): the body that signs it or is written under its
title, the person who delivered a work report — quoted from the notice, never guessed."""

from __future__ import annotations

import pytest

from assistant import Assistant

NOTICES = {
    "weitang-xunshi.txt": "中共苇塘县委关于巡视整改进展情况的通报\n\n一、加强组织领导\n巡视反馈会后,县委成立由县委书记任组长、县长任副组长的巡视整改工作领导小组。县委常委会会议先后5次专题研究整改工作。\n欢迎监督。联系方式:电话0000-12388;电子邮箱wtxs@weitang.example。\n\n"
                          "中共苇塘县委\n2023年10月18日\n",
    "dichuan-baogao.txt": "荻川市人民政府工作报告\n\n——二〇二四年一月九日在荻川市第三届人民代表大会第二次会议上\n\n荻川市市长  林知远\n\n"
                          "各位代表:\n一、过去一年的工作\n全市完成固定资产投资50亿元。\n",
    "qiaoshan-gongbao.txt": "荞山县2024年国民经济和社会发展统计公报\n\n一、综合\n全年全县地区生产总值88.2亿元。\n\n荞山县统计局\n2025年3月\n",
    "lushan-gongbao.txt": "鹿山县2024年国民经济和社会发展统计公报\n\n一、综合\n全年全县地区生产总值100.5亿元。\n",
}


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("issuer")
    bot = Assistant(home=folder / "home")
    for name, text in NOTICES.items():
        (folder / name).write_text(text, encoding="utf-8")
        bot.ingest(folder / name)
    return bot


def test_the_issuer_is_the_body_the_notice_signs_with(bot):
    answer = bot.ask("苇塘县这份整改通报是哪个单位发的?")
    assert answer.found and answer.text.startswith("中共苇塘县委"), answer.text
    assert answer.citations[0].quote == "中共苇塘县委"
    assert bot.ask("Who issued the Weitang rectification notice?").text.startswith("中共苇塘县委")


def test_a_work_report_is_delivered_by_the_person_under_its_title(bot):
    answer = bot.ask("荻川的政府工作报告是谁作的?")
    assert answer.found and answer.text.startswith("林知远"), answer.text


def test_a_body_no_line_of_the_notice_names_is_not_stated(bot):
    # the catalog takes 鹿山县统计局 for an unsigned bulletin (kinds.tsv); the notice never says so
    answer = bot.ask("鹿山县统计公报是哪个单位发布的?")
    assert not answer.found and "没有写明发文机关" in answer.text, answer.text


def test_a_signing_date_asked_in_english(bot):
    answer = bot.ask("What is the signature date on the Weitang notice?")
    assert answer.found and answer.text.startswith("2023年10月18日"), answer.text
    silent = bot.ask("What is the signature date on the Lushan bulletin?")
    assert not silent.found and silent.text.startswith("The notice carries no signing date"), silent.text


def test_when_a_notice_came_out_is_its_signing_date_even_one_of_the_month_only(bot):
    assert bot.ask("苇塘县这份通报是哪天发的?").text.startswith("2023年10月18日")
    assert bot.ask("荞山县统计公报几月份发的?").text.startswith("2025年3月")


def test_an_english_question_for_the_e_mail_address_gets_it(bot):
    assert bot.ask("Which e-mail address takes feedback on the Weitang rectification?").text.startswith("wtxs@weitang.example")


def test_a_leader_the_notice_names_by_office_only_is_answered_with_the_office(bot):
    answer = bot.ask("苇塘县巡视整改工作领导小组组长是谁?")
    assert answer.found and answer.text.startswith("县委书记"), answer.text
    # the office heads another body than the one asked: no answer from it
    assert not bot.ask("省委第四巡视组的组长是谁?").found


def test_the_office_under_a_work_reports_title_is_named_and_its_day_is_the_reports(bot):
    answer = bot.ask("荻川市长叫什么名字?")
    assert answer.found and answer.text.startswith("林知远"), answer.text
    assert "荻川市市长  林知远" in answer.citations[0].quote
    day = bot.ask("荻川那份政府工作报告是哪天在人代会上作的?")
    assert day.found and day.text.startswith("二〇二四年一月九日"), day.text
    assert bot.ask("When was the Dichuan work report delivered?").text.startswith("二〇二四年一月九日")


def test_a_session_numbered_in_a_question_is_no_place(bot):
    answer = bot.ask("第三届市人大第二次会议上的政府工作报告是谁作的?")
    assert answer.found and answer.text.startswith("林知远"), answer.text
