"""The offline answering engine on the bundled notice: each kind of question, follow-ups,
abstention, English, streaming, document filtering and bad input.

Every answer is checked the way a reader would check it: the figure is stated first,
`found` says whether the notice holds it, the first citation sits in the section the
figure comes from, and every quote is a verbatim span of the stored notice.
"""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answer import Answer
from assistant.config import REPO_ROOT, SAMPLE_NOTICE
from assistant.errors import QuestionError
from assistant.figures import normalize

SAMPLE = "gaoming-xunshi-zhenggai-2021"
COUNTY_NOTICE = REPO_ROOT / "eval" / "notices" / "county-xuncha-zhenggai-2022.txt"
SYNTHETIC_NOTICE = """\
中共某县委关于巡察整改情况的通报

根据市委统一部署，现将巡察整改情况通报如下。

一、整改工作开展情况
（一）推进重点项目。2021年全县重点项目完成投资46.83亿元，完成年度计划的112.6%。
（二）推进问题整改。截至2021年12月，已完成整改问题41个，完成率93.2%。

中共某县委
2022年1月5日
"""


def lead(answer: Answer) -> str:
    """What the answer says first, before its quotes and notes."""
    return answer.text.strip().split("\n\n", 1)[0]


def assert_quotes_verbatim(bot: Assistant, answer: Answer) -> None:
    for c in answer.citations:
        assert c.quote, c
        assert c.quote == bot.notice_text(c.doc_id)[c.start : c.end], c


def assert_answers(bot: Assistant, answer: Answer, figure: str, section: tuple[str, ...]) -> None:
    """The figure stated first, quoted from the section it comes from."""
    assert answer.found, answer.text
    assert figure in lead(answer), answer.text
    assert answer.citations, answer.text
    first = answer.citations[0]
    assert first.section_path[: len(section)] == section, (first.section_path, answer.text)
    assert normalize(figure) in normalize(first.quote), (figure, first.quote)
    assert_quotes_verbatim(bot, answer)


# -- each kind of question ------------------------------------------------------------

FIGURE_QUESTIONS = [
    # money
    pytest.param("高明区2020年农村集体经济总收入有多少亿元?", "3.67亿元", ("二", "第一方面问题", "(二)", "2."), id="money"),
    # percentage
    pytest.param("城镇登记失业率是多少?", "2.63%", ("二", "第一方面问题", "(三)", "1."), id="percent"),
    pytest.param("2020年全区农村集体经济总收入同比增长多少?", "33.9%", ("二", "第一方面问题", "(二)", "2."), id="percent-growth"),
    # counts, with a measure word and in a sentence holding other counts
    pytest.param("2020年全区集中拆除违法建设多少宗?", "216宗", ("二", "第一方面问题", "(四)", "3."), id="count"),
    pytest.param("2020年全区共新建“两新”组织党组织多少个?", "86个", ("二", "第三方面问题", "(一)", "3."), id="count-among-counts"),
    pytest.param("2020年9月以来区委举办了几次理论学习中心组学习会?", "7次", ("二", "第一方面问题", "(一)", "1."), id="count-ji"),
    # dates
    pytest.param("沧江南路改造提升工程什么时候全线贯通?", "2021年1月", ("二", "第四方面问题", "(一)", "4."), id="date"),
    pytest.param("省委巡视组哪天向高明区委反馈了巡视意见?", "2020年9月16日", (), id="date-preamble"),
    # a name or title
    pytest.param("高明区确立的发展新定位是什么?", "湾区枢纽新门户、临空经济新中心、田园城市新样本", ("二", "第一方面问题", "(一)", "1."), id="name-quoted"),
]


@pytest.mark.parametrize("question, figure, section", FIGURE_QUESTIONS)
def test_figure_questions(bot, question, figure, section):
    assert_answers(bot, bot.ask(question), figure, section)


def test_title_question_names_the_document(bot):
    answer = bot.ask("为规范政府投资项目立项审批制定了什么规程?")
    assert_answers(bot, answer, "《政府投资建设工程项目立项审批工作规程》", ("二", "第一方面问题", "(三)", "1."))


def test_count_question_picks_the_increase_not_the_stock(bot):
    # "存量217家,较2019年净增33家": the question asks for the increase.
    answer = bot.ask("全区高新技术企业较2019年净增多少家?")
    assert_answers(bot, answer, "33家", ("二", "第一方面问题", "(二)", "1."))
    assert "217家" not in lead(answer)


def test_title_question_picks_the_title_it_names(bot):
    # The sentence names three documents; the question names the first one's subject.
    answer = bot.ask("关于规范农村宅基地审批管理制定了什么文件?")
    assert_answers(bot, answer, "《关于规范农村宅基地审批管理的通知》", ("二", "第一方面问题", "(四)", "3."))


def test_phone_question(bot):
    answer = bot.ask("这份通报的联系电话是多少?")
    assert answer.found, answer.text
    assert "0757-88661108" in lead(answer)
    assert_quotes_verbatim(bot, answer)


def test_list_question_gives_the_items_of_the_section(bot):
    answer = bot.ask("针对招投标方面存在的问题采取了哪些措施?")
    section = ("二", "第二方面问题", "(四)", "2.")
    assert answer.found, answer.text
    items = [line[2:] for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(items) == 3, answer.text
    assert [item[:2] for item in items] == ["一是", "二是", "三是"]
    assert "二是完善工程分包管理制度" in items[1]
    assert all(c.section_path == section for c in answer.citations)
    quotes = [c.quote for c in answer.citations]
    assert all(item in quotes for item in items)
    assert_quotes_verbatim(bot, answer)


# -- near-duplicate figures -----------------------------------------------------------


def test_near_duplicate_trap_picks_the_exact_figure_and_names_the_other(bot):
    answer = bot.ask("2020年全区重点项目完成投资多少?")
    assert_answers(bot, answer, "158.72亿元", ("二", "第四方面问题", "(一)", "1."))
    assert answer.citations[0].section_path == ("二", "第四方面问题", "(一)", "1.")
    assert "150" not in lead(answer) and "141" not in lead(answer)
    # The other passage, with its different figure, is pointed out and cited.
    assert "超过150亿元" in answer.text
    assert any(c.section_path[:2] == ("一", "(五)") for c in answer.citations[1:])


# -- follow-ups -----------------------------------------------------------------------


def test_followup_in_a_conversation(bot):
    chat = bot.chat()
    first = chat.ask("2020年全区重点项目完成投资多少?")
    assert "158.72亿元" in lead(first)
    second = chat.ask("那完成年度任务的比例呢?")
    assert_answers(bot, second, "123.34%", ("二", "第四方面问题", "(一)", "1."))
    assert "158.72" not in lead(second)
    assert len(chat.history) == 4
    chat.reset()
    assert chat.history == []


@pytest.mark.parametrize(("question", "leans"), [
    ("修好了几处?", True),  # what was done, to nothing named: the question before says what
    ("处理了多少件?", True),
    ("剩下的有多少个?", True),
    ("高明区2020年的GDP是多少?", False),  # short, and stands alone
    ("全区立案多少件?", False),
    ("2020年全区共发展党员多少人?", False),
])
def test_a_question_leans_on_the_one_before_by_what_it_lacks(question, leans):
    from assistant.followup import leans_on_history

    assert leans_on_history(question) is leans


def test_followup_with_explicit_history(bot):
    question = "目前全区8家污水处理厂中低负荷运行的有几家?"
    first = bot.ask(question)
    assert_answers(bot, first, "2家", ("二", "第一方面问题", "(三)", "2."))
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": first.text}]
    second = bot.ask("占比呢?", history=history)
    assert_answers(bot, second, "25%", ("二", "第一方面问题", "(三)", "2."))
    # Without the history, the same words do not lean on anything.
    assert bot.ask("占比呢?").standalone_question == "占比呢?"


def test_followup_asking_the_same_kind_of_figure_about_a_neighbour(bot):
    first = bot.ask("2020年全区共发展党员多少人?")
    assert "307人" in lead(first)
    history = [{"role": "user", "content": "2020年全区共发展党员多少人?"}, {"role": "assistant", "content": first.text}]
    second = bot.ask("储备入党积极分子呢?", history=history)
    assert_answers(bot, second, "775人", ("二", "第三方面问题", "(二)", "3."))


def test_followup_pointing_at_an_item_of_the_previous_list(bot):
    chat = bot.chat()
    listing = chat.ask("针对招投标方面存在的问题采取了哪些措施?")
    assert "二是完善工程分包管理制度" in listing.text
    item = chat.ask("上面第二条具体是什么?")
    assert item.found, item.text
    first = item.citations[0]
    assert first.section_path == ("二", "第二方面问题", "(四)", "2.")
    assert first.quote.startswith("二是完善工程分包管理制度")
    # the whole item, not just its headline, and not the next item
    assert "《工程项目招投标管理办法和实施细则(试行)》" in normalize(item.text)
    assert "三是" not in first.quote
    assert_quotes_verbatim(bot, item)


# -- abstaining -----------------------------------------------------------------------


def test_unanswerable_question_abstains_and_points_to_a_passage(bot):
    answer = bot.ask("高明区2021年的GDP是多少?")
    assert not answer.found, answer.text
    assert "没有" in lead(answer) or "未" in lead(answer), answer.text
    assert answer.citations, "the closest related passage is cited"
    assert_quotes_verbatim(bot, answer)


def test_metric_the_notice_lacks_is_not_answered_with_another_figure(bot):
    # (reported: "2020年的财政收入是多少?" answered 4.3亿元 of 企业扶持专项资金, found True; kept
    # as an expected failure until a figure whose own words hold none of the question stopped answering)
    # 财政收入 appears only inside "土地出让收入占财政收入比例": no figure for it.
    answer = bot.ask("高明区2020年的财政收入是多少?")
    assert not answer.found, answer.text
    assert "4.3亿元" not in lead(answer)


@pytest.mark.parametrize("year", ["2019", "2022"])
def test_year_the_notice_lacks(bot, year):
    answer = bot.ask(f"{year}年全区重点项目完成投资多少?")
    assert not answer.found, answer.text
    assert year in lead(answer), answer.text
    assert "158.72" not in lead(answer)
    assert answer.citations and answer.citations[0].section_path == ("二", "第四方面问题", "(一)", "1.")
    assert_quotes_verbatim(bot, answer)


# -- the whole of a place above the notice's own ---------------------------------------


def test_a_figure_for_the_whole_city_is_not_taken_from_a_district_notice(bot):
    answer = bot.ask("佛山市全市2020年重点项目完成投资多少?")
    assert not answer.found, answer.text
    assert answer.text.startswith("通报中没有佛山市整体的数字"), answer.text
    assert "158.72" not in answer.text
    # naming the district within the city is asking the notice's own place
    assert lead(bot.ask("佛山市高明区2020年重点项目完成投资多少?")).startswith("158.72亿元")


# -- a demand for the exact figure ------------------------------------------------------


@pytest.mark.parametrize("question", ["2020年全区重点项目完成投资多少?别说超过多少,要准数", "2020年重点项目投资的确切数字是多少?不要约数"])
def test_a_demand_for_the_exact_figure_passes_over_the_rounded_one(bot, question):
    answer = bot.ask(question)
    assert_answers(bot, answer, "158.72亿元", ("二", "第四方面问题", "(一)", "1."))


def test_a_metric_given_only_rounded_says_so_when_the_exact_figure_is_demanded(bot):
    answer = bot.ask("2020年重大产业项目招商多少?要准数")
    assert not answer.found, answer.text
    assert lead(answer).startswith("通报中这一数字只有约数「突破180亿元」"), answer.text
    assert answer.citations[0].quote.startswith("2020年全区重点项目完成投资超过150亿元")
    assert bot.ask("2020年重大产业项目招商多少?").text.startswith("突破180亿元")  # asked plainly, the rounded figure answers


# -- English --------------------------------------------------------------------------


def test_english_question_gets_the_figure(bot):
    answer = bot.ask("How much did the district's key projects invest in 2020?")
    assert_answers(bot, answer, "158.72亿元", ("二", "第四方面问题", "(一)", "1."))


def test_english_percentage_question(bot):
    answer = bot.ask("What was the urban registered unemployment rate?")
    assert_answers(bot, answer, "2.63%", ("二", "第一方面问题", "(三)", "1."))


# -- streaming ------------------------------------------------------------------------


def test_stream_yields_text_pieces_then_the_answer(bot):
    events = list(bot.stream("2020年全区重点项目完成投资多少?"))
    pieces, final = events[:-1], events[-1]
    assert isinstance(final, Answer)
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert len(pieces) > 1
    assert "".join(pieces) == final.text
    assert final.answerer == "offline"
    assert final.elapsed_ms > 0


def test_conversation_stream_keeps_history(bot):
    chat = bot.chat()
    events = list(chat.stream("城镇登记失业率是多少?"))
    assert isinstance(events[-1], Answer)
    assert chat.history[-1] == {"role": "assistant", "content": events[-1].text}


# -- several notices ------------------------------------------------------------------


def test_doc_ids_filter_limits_answers_to_that_notice(writable_home, tmp_path):
    bot = Assistant(home=writable_home)
    second = COUNTY_NOTICE
    if not second.exists():
        second = tmp_path / "synthetic-county.txt"
        second.write_text(SYNTHETIC_NOTICE, encoding="utf-8")
    figure = "46.83亿元"  # in both: the county's 2021 key-project investment
    bot.ingest(second)
    other = next(r.doc_id for r in bot.documents() if r.doc_id != SAMPLE)

    question = "重点项目完成投资多少?"
    only_other = bot.ask(question, doc_ids=[other])
    assert only_other.found, only_other.text
    assert figure in lead(only_other)
    assert {c.doc_id for c in only_other.citations} == {other}
    assert {p.doc_id for p in only_other.passages} == {other}
    assert_quotes_verbatim(bot, only_other)

    only_sample = bot.ask(question, doc_ids=[SAMPLE])
    assert "158.72亿元" in lead(only_sample)
    assert {c.doc_id for c in only_sample.citations} == {SAMPLE}
    assert {p.doc_id for p in only_sample.passages} == {SAMPLE}
    assert_quotes_verbatim(bot, only_sample)

    # a question only the sample answers, asked of the other notice: it is not there
    missing = bot.ask("2020年全区重点项目完成投资多少?", doc_ids=[other])
    assert not missing.found, missing.text
    assert "158.72" not in missing.text
    assert all(c.doc_id == other for c in missing.citations)


def test_answers_do_not_depend_on_which_instance_built_the_index(tmp_path):
    # The instance that ingests holds the index it built; any later process loads it from disk.
    home = tmp_path / "home"
    builder = Assistant(home=home)
    builder.ingest(SAMPLE_NOTICE)
    reader = Assistant(home=home)
    for question in ("2020年全区重点项目完成投资多少?", "这份通报的联系电话是多少?", "城镇登记失业率是多少?"):
        built, loaded = builder.ask(question), reader.ask(question)
        assert (loaded.text, loaded.found, loaded.citations) == (built.text, built.found, built.citations), question


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", " \n\t\u3000 ", "???", None])
def test_empty_question_is_refused(bot, question):
    with pytest.raises(QuestionError) as raised:
        bot.ask(question)
    assert "\n" not in str(raised.value) and str(raised.value)


def test_huge_question_is_refused_with_a_clear_message(bot):
    with pytest.raises(QuestionError) as raised:
        bot.ask("重点项目完成投资多少" * 10_000)
    message = str(raised.value)
    assert "100,000" in message and "太长" in message


def test_control_characters_are_stripped(bot):
    answer = bot.ask("2020年全区重点项目\x00完成投资\x07多少\u200b?\x1b[31m")
    assert_answers(bot, answer, "158.72亿元", ("二", "第四方面问题", "(一)", "1."))
    assert not any(ord(ch) < 32 or 0x200B <= ord(ch) <= 0x200F for ch in answer.question)


@pytest.mark.parametrize(
    "question",
    [
        "Сколько инвестировали в ключевые проекты в 2020 году?",
        "كم بلغت الاستثمارات في المشاريع الرئيسية في عام 2020؟",
        "ข้อมูลนี้คืออะไร",
    ],
    ids=["russian", "arabic", "thai"],
)
def test_question_in_another_script_gets_an_answer(bot, question):
    answer = bot.ask(question)
    assert isinstance(answer, Answer)
    assert answer.text.strip()
    if answer.found:
        assert answer.citations
    assert_quotes_verbatim(bot, answer)


def test_the_sentence_before_is_of_the_same_paragraph_only():
    from assistant.evidence import split_sentences

    text = "2020年以来,全区开展专项整治。共查处问题12个\n新建公厕15座。"
    sentences = split_sentences(text, 100)
    assert [s[2] for s in sentences] == ["2020年以来,全区开展专项整治。", "共查处问题12个", "新建公厕15座。"]
    assert sentences[1][3] == "2020年以来,全区开展专项整治。"  # its paragraph's time carries to it
    assert sentences[2][3] == ""  # a line break ends the paragraph
    assert sentences[0][0] == 100 and text[sentences[2][0] - 100 :].startswith("新建公厕")


def test_a_table_rows_sentence_before_is_its_tables_head():
    from assistant.evidence import split_sentences

    text = "表2 主要产品产量\n| 产品 | 单位 | 产量 |\n|---|---|---|\n| 瓷砖 | 万平方米 | 318 |\n全年新开工项目9个。"
    sentences = split_sentences(text, 0)
    row = next(s for s in sentences if s[2].startswith("| 瓷砖"))
    assert row[3] == "表2 主要产品产量 | 产品 | 单位 | 产量 |"
    assert sentences[-1][3] == ""  # the paragraph after the table is a paragraph of its own

