"""Two invented notices of one county a year apart (苇塘县 is not a real county), in one store:
a question about both rounds ("前后两次…各多少") gets each notice's figure, labelled by its
notice and quoted from it — never two figures of one sentence of one of them."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.config import REPO_ROOT

TEMPLATE = """中共苇塘县委关于巡视整改进展情况的通报

{year}年{month}月{day}日,省委第{team}巡视组向苇塘县委反馈了巡视意见,共指出{areas}个方面{problems}个具体问题,移交问题线索{leads}件。现将整改进展情况予以公布。

一、加强组织领导
县委常委会会议先后{meetings}次专题研究整改工作。

二、整改落实情况
截至目前,{problems}个具体问题已完成整改{done}个。

中共苇塘县委
{year}年{sign_month}月{sign_day}日
"""

ROUNDS = {
    "weitang-xunshi-2022": dict(year=2022, month=7, day=12, team="四", areas=3, problems=38, leads=17, meetings=5, done=33,
                                sign_month=11, sign_day=2),
    "weitang-xunshi-2023": dict(year=2023, month=6, day=20, team="二", areas=4, problems=29, leads=22, meetings=7, done=27,
                                sign_month=10, sign_day=18),
}


def _bot_with(tmp_path, notices: dict[str, str]) -> Assistant:
    """A store of its own holding these invented notices (file name → text)."""
    bot = Assistant(home=tmp_path / "home")
    for name, text in notices.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        bot.ingest(path)
    return bot


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("series")
    bot = Assistant(home=folder / "home")
    for doc_id, fields in ROUNDS.items():
        path = folder / f"{doc_id}.txt"
        path.write_text(TEMPLATE.format(**fields), encoding="utf-8")
        bot.ingest(path)
    return bot


def test_both_rounds_are_answered_each_from_its_own_notice(bot):
    answer = bot.ask("苇塘县前后两次巡视,各指出了多少个具体问题?")
    assert answer.found, answer.text
    lead = answer.text.split("\n\n")[0]
    assert "38个" in lead and "29个" in lead, answer.text
    assert "−" not in lead  # not the arithmetic of 方面 against 具体问题 of one sentence
    assert {c.doc_id for c in answer.citations} == set(ROUNDS)


def test_one_round_named_by_its_year_is_answered_from_that_notice(bot):
    answer = bot.ask("苇塘县2023年那次巡视指出了多少个具体问题?")
    assert answer.text.startswith("29个"), answer.text
    assert {c.doc_id for c in answer.citations} == {"weitang-xunshi-2023"}


@pytest.mark.parametrize(("question", "figure"), [
    # 问题 and 整改 are words every notice uses; when they are all a question says, they are
    # what it asks about (not dropped as noise, leaving nothing to match).
    pytest.param("苇塘县2023年有多少个问题已经整改了?", "27个", id="the-genres-words-only"),
    # People count anything in 个; the notice counts leads in 件.
    pytest.param("苇塘县2023年那次巡视移交了多少个线索?", "22件", id="the-everyday-measure-word"),
    # Asked in another measure word, the notice's own for the thing named.
    pytest.param("苇塘县2023年那次巡视移交了多少条线索?", "22件", id="another-measure-word"),
])
def test_a_round_asked_in_peoples_words_gets_its_figure(bot, question, figure):
    answer = bot.ask(question)
    assert answer.found, answer.text
    assert answer.text.startswith(figure), answer.text


def test_a_year_spelled_out_in_the_question_is_a_year(bot):
    # 二〇二二年 is the 2022 round, not a rare word "二二" no sentence holds.
    answer = bot.ask("苇塘县二〇二二年指出了多少个具体问题?")
    assert answer.found, answer.text
    assert answer.text.startswith("38个"), answer.text
    assert {c.doc_id for c in answer.citations} == {"weitang-xunshi-2022"}


def test_what_is_left_is_the_whole_less_its_done_part_with_the_arithmetic(bot):
    # the notice gives 29 problems and 27 rectified, not the remainder: both quoted, 29 − 27 = 2
    answer = bot.ask("苇塘县2023年那次巡视的问题还剩几个没完成整改?")
    assert answer.found, answer.text
    assert "29 − 27 = 2个" in answer.text.split("\n\n")[0], answer.text


def test_a_signing_date_in_chinese_numerals_is_the_notices_date(tmp_path):
    # official documents often sign 二〇二三年八月三十日: that line is the notice's date
    notice = tmp_path / "weitang-xunshi-2024.txt"
    notice.write_text(TEMPLATE.format(**ROUNDS["weitang-xunshi-2023"]).replace("2023年10月18日", "二〇二三年十月十八日"),
                      encoding="utf-8")
    bot = Assistant(home=tmp_path / "home")
    bot.ingest(notice)
    answer = bot.ask("这份通报落款是哪天?")
    assert answer.found, answer.text
    assert answer.text.startswith("二〇二三年十月十八日"), answer.text


def test_a_place_typed_with_a_homophone_is_read_as_the_known_one_and_says_so(bot):
    # 苇唐县 sounds as 苇塘县 and differs by one character: the input method's slip, said in the answer
    answer = bot.ask("苇唐县2023年那次巡视指出了多少个具体问题?")
    assert answer.found, answer.text
    assert answer.text.startswith("29个"), answer.text
    assert "「苇唐县」按「苇塘县」理解" in answer.text
    # one character off but another sound is another place: no notice is about it
    other = bot.ask("苇山县2023年那次巡视指出了多少个具体问题?")
    assert not other.found and "苇山县" in other.text, other.text


def test_a_whole_less_the_part_it_breaks_out_is_their_difference_with_both_quoted(tmp_path):
    # "不算…还有多少": the notice gives the whole and its 其中 part, not what is left of it
    bot = _bot_with(tmp_path, {"weitang-leads": "中共苇塘县委关于巡视整改进展情况的通报\n\n一、严肃执纪问责\n巡视反馈以来,全县纪检监察机关共受理问题线索146件,"
                    "其中巡视移交的22件问题线索已全部办结;立案57件。\n\n中共苇塘县委\n2023年10月18日\n"})
    answer = bot.ask("苇塘县受理的问题线索,除去巡视移交的,还有多少件?")
    assert answer.found, answer.text
    assert "146 − 22 = 124件" in answer.text.split("\n\n")[0], answer.text
    # asked of a part the notice does not break out, there is no difference to take
    assert "124" not in bot.ask("苇塘县立案的,不算移送司法的还有多少件?").text


def test_a_part_broken_out_of_a_whole_answers_only_a_question_that_names_it(tmp_path):
    # 其中9个省市重点项目…18.37亿元 is a part named by 省市: "重点项目投了多少" asks the whole
    bot = _bot_with(tmp_path, {"weitang-projects": "中共苇塘县委关于巡视整改进展情况的通报\n\n一、推动经济发展\n全年全县86个重点项目计划投资40.2亿元,实际完成投资43.65亿元,"
                    "完成年度计划的108.6%,其中9个省市重点项目完成投资18.37亿元。\n\n中共苇塘县委\n2023年10月18日\n"})
    assert bot.ask("苇塘县重点项目实际投了多少钱?").text.startswith("43.65亿元")
    assert bot.ask("How much did Weitang's key projects actually invest?").text.startswith("43.65亿元")
    assert bot.ask("苇塘县省市重点项目完成投资多少?").text.startswith("18.37亿元")
    # and in a comparison: the actual whole against the plan, not the part
    lead = bot.ask("苇塘县重点项目实际完成比计划多投了多少?").text.split("\n\n")[0]
    assert "43.65 − 40.2 = 3.45亿元" in lead, lead


def test_a_comparison_whose_metric_is_said_after_the_second_thing_compares_that_metric(tmp_path):
    # "城里人比农村人人均收入多多少": the metric follows B; A names only its thing. Neither
    # sentence holds the whole question's words, each figure is named by its own part's.
    bot = _bot_with(tmp_path, {"weitang-bulletin": "苇塘县2024年国民经济和社会发展统计公报\n\n七、人民生活\n全年全体居民人均可支配收入35120元,比上年增长5.8%。"
                    "按常住地分,城镇居民人均可支配收入46230元,增长4.9%;农村居民人均可支配收入21870元,增长6.4%。"
                    "全体居民人均消费支出23110元,增长5.2%,其中城镇居民、农村居民人均消费支出分别增长4.1%、7.3%。\n"})
    lead = bot.ask("苇塘县城里人比农村人人均收入多多少?").text.split("\n\n")[0]
    assert "46230 − 21870 = 24360元" in lead, lead


def test_a_part_named_in_the_wholes_other_words_still_needs_its_own_asked(tmp_path):
    # 低保 is the lexicon's word for 最低生活保障: 城市低保 is set apart by 城市, which 吃低保的 does not say
    bot = _bot_with(tmp_path, {"weitang-welfare": "苇塘县2024年国民经济和社会发展统计公报\n\n七、社会保障\n全年共有一万零二百人享受城乡居民最低生活保障,"
                    "其中城市低保1800人、农村低保8400人。\n"})
    assert bot.ask("苇塘县吃低保的一共多少人?").text.startswith("一万零二百人")
    assert bot.ask("苇塘县农村低保有多少人?").text.startswith("8400人")


def test_two_places_asked_side_by_side_get_each_notices_figure_not_a_pair_of_one_sentence(tmp_path):
    bot = _bot_with(tmp_path, {
        place: f"{place}县2024年国民经济和社会发展统计公报\n\n一、综合\n年末全县常住人口{people}万人,其中城镇常住人口9.47万人,"
               f"常住人口城镇化率由上年末的{before}%提高到{after}%。\n"
        for place, people, before, after in (("苇塘", "16.41", "56.6", "57.7"), ("荻川", "71.21", "63.1", "63.7"))})
    text = bot.ask("苇塘和荻川年末常住人口各多少?").text
    assert "16.41万人" in text and "71.21万人" in text, text
    assert "个百分点" not in text.split("\n\n")[0], text


def test_a_metric_given_only_for_another_side_is_not_stated_for_the_side_asked(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-spending": "苇塘县2024年国民经济和社会发展统计公报\n\n七、人民生活\n全体居民人均消费支出21640元,增长6.1%,其中城镇居民、"
                    "农村居民人均消费支出分别增长5.2%、7.9%。农村居民人均可支配收入20310元,增长6.6%。城镇居民人均可支配收入41260元,增长4.9%。"
                    "春季学期新增公办学位2600个,其中小学学位1500个、初中学位1100个。\n"})
    rural = bot.ask("苇塘县农村居民人均消费支出是多少元?")
    assert not rural.found and "21640" in rural.text and not rural.text.startswith("20310"), rural.text
    assert bot.ask("苇塘县全体居民人均消费支出是多少元?").text.startswith("21640元")
    assert not bot.ask("苇塘县新增的学位里高中学位有多少个?").found
    assert bot.ask("苇塘县新增的学位里初中学位有多少个?").text.startswith("1100个")
    # a follow-up's side is the one it names itself, not its topic's (农村居民… → 人均消费支出: 全体's)
    history = [{"role": "user", "content": "苇塘县农村居民人均可支配收入多少?"}, {"role": "assistant", "content": "20310元"}]
    assert bot.ask("那人均消费支出是多少?", history=history).text.startswith("21640元")
    # a follow-up asking how much the topic's metric rose asks the change, not the level
    history = [{"role": "user", "content": "苇塘县城镇居民人均可支配收入多少?"}, {"role": "assistant", "content": "41260元,增长4.9%。"}]
    assert bot.ask("那农村的收入又涨了多少?", history=history).text.startswith("6.6%")
    # an English question names its side in the glossary's words ("rural residents" → 农村)
    english = bot.ask("What was the per capita consumption spending of rural residents in Weitang?")
    assert not english.found and "21640" in english.text, english.text


def test_an_english_question_may_write_a_place_in_any_reading_of_its_characters(tmp_path):
    # 苕 reads shao and tiao: "Tiaoling" is 苕岭县, though pypinyin's first reading says shaoling
    bot = _bot_with(tmp_path, {
        place: f"中共鸣川市{place}县委关于巡视整改进展情况的通报\n\n二、整改落实情况\n截至目前,{problems}个具体问题已完成整改{problems - 2}个。"
               f"\n\n中共鸣川市{place}县委\n2023年10月18日\n"
        for place, problems in (("苕岭", 41), ("苇塘", 29))})
    answer = bot.ask("How many problems has Tiaoling county fixed so far?")
    assert answer.text.startswith("39个") and answer.citations[0].doc_id.startswith("苕岭"), answer.text


def test_a_comparison_asked_in_a_unit_compares_figures_in_that_unit():
    # "多少亩": the 三年 of 三年行动 is a name, not one of the two figures; 个 is said of anything
    from types import SimpleNamespace

    from assistant.evidence import Sentence
    from assistant.kinds.comparison import _facts_in
    from assistant.question import analyse
    from ingest.facts import extract_facts

    text = "低效用地整治三年行动两年来,全县盘活低效用地4800亩,完成年度3000亩任务的160%。"
    facts = extract_facts(text, notice_date="2021")
    shelf = SimpleNamespace(facts_between=lambda doc, start, end: [f for f in facts if start <= f.start < end])
    scored = SimpleNamespace(sentence=Sentence("d", "", (), (), 0, len(text), text, 0))
    in_mu = SimpleNamespace(question=analyse("盘活的面积比年度任务多出来多少亩?"), shelf=shelf)
    assert [f.text for f in _facts_in(in_mu, scored)] == ["4800亩", "3000亩"]
    loose = SimpleNamespace(question=analyse("盘活的比任务多出来多少个?"), shelf=shelf)
    assert "三年" in [f.text for f in _facts_in(loose, scored)]


def test_a_thing_named_in_other_words_is_said_by_the_sentence_it_is_the_subject_of(tmp_path):
    # 养老院 is the lexicon's 养老机构: "养老院床位" is the 床位 of the sentence about 养老机构
    bot = _bot_with(tmp_path, {"weitang-care": "苇塘县2024年国民经济和社会发展统计公报\n\n七、社会保障\n年末全县共有各类养老机构29个,床位3160张。\n\n八、其他\n持续推进社区养老床位建设。\n"})
    assert bot.ask("苇塘县养老院床位一共有多少张?").text.startswith("3160张")


def test_a_metric_another_notice_names_but_the_asked_one_never_writes_is_not_stated(tmp_path):
    # 城镇化率 is a word of the store (苇塘's bulletin) but not of 荻川's: 城镇调查失业率 is no answer
    texts = {"苇塘": "年末常住人口城镇化率61.5%。全年城镇调查失业率控制在5.1%以内。",
             "荻川": "全年城镇新增就业5180人,城镇调查失业率控制在5.3%以内。"}
    bot = _bot_with(tmp_path, {place: f"{place}县2024年国民经济和社会发展统计公报\n\n一、综合\n{body}\n" for place, body in texts.items()})
    answer = bot.ask("荻川城镇化率多少")
    assert not answer.found and "城镇化率" in answer.text.split("\n\n")[0], answer.text
    assert bot.ask("苇塘城镇化率多少").text.startswith("61.5%")


def test_a_part_the_notice_does_not_break_out_is_not_stated(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-audit": "苇塘县审计整改情况的通报\n\n二、整改情况\n就业补助资金方面,已追回违规发放的就业补贴和社保补贴资金95.4万元。"
                    "全县清退违规资金210.6万元,其中追缴违规发放的津补贴38.2万元,已全部退还群众或上缴国库。新增公办学位2400个,新建改扩建中小学校6所。\n"})
    alone = bot.ask("苇塘追回的就业补助资金里,光社保补贴是多少钱?")
    assert not alone.found and "单列" in alone.text, alone.text  # 95.4万元 is the two together
    assert not bot.ask("苇塘清退的违规资金里,退还给群众的有多少钱?").found  # 210.6万元 is the whole
    assert not bot.ask("苇塘新增的公办学位里面小学学位有多少个?").found  # not 中小学校's 6所
    assert bot.ask("苇塘清退的违规资金里津补贴有多少?").text.startswith("38.2万元")
    assert bot.ask("苇塘追回的就业补贴和社保补贴资金有多少?").text.startswith("95.4万元")


def test_a_hedged_figure_gives_way_to_the_exact_one_it_rounds(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-subsidy": "苇塘县巡察整改情况的通报\n\n通过整改,追回违规发放的种粮补贴资金30余万元,拨付产业扶持资金超过2亿元。\n"
                    "一、整改情况\n(一)对2021年以来发放的种粮补贴进行全面核查,涉及农户3215户、补贴资金2864.5万元,发现冒领问题12起,追回补贴资金36.4万元。\n"
                    "(二)全年另行追回工程款15.2万元。\n"})
    answer = bot.ask("苇塘追回的种粮补贴一共是多少钱?")
    assert answer.text.startswith("36.4万元"), answer.text
    assert "30余万元" in answer.text  # the rounded statement is pointed to, not hidden
    # a hedged figure no exact one lies within is still the answer (超过2亿元 is not 15.2万元's)
    assert bot.ask("苇塘拨付的产业扶持资金有多少?").text.startswith("超过2亿元")


def test_an_audit_report_asked_in_peoples_words(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-shenji": "关于苇塘县2024年度县级预算执行和其他财政收支的审计工作报告\n\n"
                    "一、县级预算执行审计情况\n2024年,全县政府性基金预算收入152300万元,其中国有土地使用权出让收入121870万元;"
                    "截至2024年底,应缴未缴国有土地使用权出让收入2864.21万元。\n"
                    "二、部门预算执行审计情况\n县审计局对县教育局等21个部门的预算执行情况进行了审计,审计资金总额183420万元,"
                    "发现问题金额4216.8万元,其中违规使用资金612.3万元。\n"
                    "三、整改情况\n截至2025年5月底,本报告反映的66个问题中,已整改问题58个,尚未整改问题8个。\n"})
    # the noun asked the amount of governs the figure, not the sum audited before it
    # 卖地 is people's word for 土地出让; asked plainly, not the 应缴未缴 part of it
    assert bot.ask("苇塘卖地收入多少?").text.startswith("121870万元")
    # an undated report on 2024年度 speaks from the year after it: its 去年 is 2024
    assert bot.ask("苇塘去年卖地收入多少?").text.startswith("121870万元")
    assert bot.ask("苇塘还有几个问题没改?").text.startswith("8个")
    assert bot.ask("苇塘审计局查出部门多少问题金额?").text.startswith("4216.8万元")


def test_a_metric_asked_plainly_is_not_its_qualified_part_scoring_nearly_alike(tmp_path):
    bot = Assistant(home=tmp_path / "home")
    bot.ingest(REPO_ROOT / "eval" / "notices" / "series4-diwan-shenji-baogao-2024.txt")
    # 国有土地使用权出让收入133224万元, not the 应缴未缴…收入 of a short sentence that says every word but one
    assert bot.ask("2024年菂湾区国有土地出让收入有多少钱?").text.startswith("133224万元")


def test_a_level_asked_is_a_table_cell_in_its_row_unit_and_a_ratio_answers_a_ratio(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-huanjing": "苇塘县2024年生态环境状况公报\n\n一、环境空气\n表1 苇塘县2023年、2024年主要污染物浓度\n"
                    "| 污染物 | 单位 | 2023年 | 2024年 | 变化幅度(%) |\n|---|---|---|---|---|\n"
                    "| 可吸入颗粒物(PM10) | 微克/立方米 | 61 | 55 | -9.8 |\n| 臭氧(O3) | 微克/立方米 | 149 | 152 | 2.0 |\n"
                    "二、教育\n全县小学专任教师2,318人,生师比为15.2:1,专任教师中本科及以上学历的占88.6%。\n"})
    # the level, in the unit its row names — not the change beside it, nor letters' digits
    assert bot.ask("苇塘2024年臭氧浓度是多少?").text.startswith("152微克/立方米")
    assert bot.ask("What was Weitang's PM10 concentration in 2023?").text.startswith("61微克/立方米")
    assert bot.ask("Weitang primary schools: what is the pupil-teacher ratio?").text.startswith("15.2:1")
    assert bot.ask("苇塘小学生师比多少?").text.startswith("15.2:1")


def test_a_plain_question_gets_what_was_not_what_is_aimed_at_nor_a_part(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-fazhi": "苇塘县人民政府关于2024年度法治政府建设情况的报告\n\n一、2024年工作成效\n"
                    "2024年末,全县共有养老机构36个,比上年增加2个。其中:公办养老机构21个,民办养老机构15个。\n"
                    "全县行政机关作为被告的一审行政诉讼案件审结46件,其中败诉4件,败诉率为8.7%,较上年下降1.2个百分点。\n"
                    "三、2025年工作打算\n1、严格执行重大行政决策程序,行政诉讼败诉率控制在8%以内。\n"})
    assert bot.ask("苇塘行政诉讼的败诉率是多少?").text.startswith("8.7%")
    assert bot.ask("苇塘今年败诉率要控制在多少?").text.startswith("8%以内")  # the target, when asked
    assert bot.ask("苇塘一共有多少家养老机构?").text.startswith("36个")  # not 其中 民办's alike count


def test_a_from_to_pair_asked_plainly_gives_the_figure_now(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-guoqi": "关于苇塘县2024年度县级预算执行的审计工作报告\n\n四、国有资产管理审计情况\n"
                    "截至2024年底,全县9户县属国有企业资产总额126.4亿元,负债总额80.1亿元,资产负债率由上年的60.2%上升到63.4%。\n"})
    history = [{"role": "user", "content": "苇塘县属国企资产总额多少?"}, {"role": "assistant", "content": "126.4亿元。"}]
    assert bot.ask("资产负债率呢?", history=history).text.startswith("63.4%")
    assert bot.ask("苇塘国企资产负债率原来是多少?").text.startswith("60.2%")  # the start, when asked


def test_a_headings_number_is_never_an_answer(tmp_path):
    # 青漪's "2.加强基层党组织建设。坚持…" names its heading 2; it states no count of lax organisations
    bot = Assistant(home=tmp_path / "home")
    bot.ingest(REPO_ROOT / "eval" / "notices" / "series-qingyi-xunshi-2023.txt")
    answer = bot.ask("How many lax village Party organizations were overhauled in Qingyi?")
    assert not answer.found, answer.text


def test_a_whole_less_the_part_the_question_leaves_out(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-weijian": "苇塘县2024年卫生健康事业发展统计公报\n\n一、卫生资源\n"
                    "年末全县医疗卫生机构实有床位3,862张,比上年增加176张,其中医院3,105张,基层医疗卫生机构640张。\n"})
    answer = bot.ask("苇塘床位不算基层的有多少张?")
    assert answer.text.startswith("3,862张中除去其中的640张") and "3222张" in answer.text, answer.text
    assert bot.ask("苇塘医院有多少张床位?").text.startswith("3,105张")


def test_a_deadline_asked_is_the_limit_the_notice_sets(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-qixian": "中共苇塘县委关于巡察整改进展情况的通报\n\n一、整改进展\n"
                    "截至2023年3月底,41个具体问题中已完成整改36个,整改完成率87.8%。\n"
                    "对需要长期坚持的5个问题,实行台账管理,确保2023年9月底前全部整改到位。\n"})
    assert bot.ask("苇塘还没改完的那几个问题最晚啥时候要改好?").text.startswith("2023年9月底前")
    assert bot.ask("By when will Weitang finish the rest of the problems?").text.startswith("2023年9月底前")
    # a date asked without a limit is the date it asks (截至…: when the count was made)
    assert bot.ask("苇塘完成整改36个是截至什么时候的数?").text.startswith("2023年3月底")


def test_a_rate_asked_with_more_words_than_a_notice_writes_is_still_its_rate(tmp_path):
    # another notice writes 审计查出问题整改率; this one only 整改率: the question's 问题整改率 is 整改率
    bot = _bot_with(tmp_path, {
        "weitang-shenji": "苇塘区审计整改情况的通报\n\n一、总体情况\n截至目前,64个问题已整改到位58个,整改率90.6%,其余6个问题正在推进。\n",
        "luchuan-shenji": "关于鹿川县2024年度县级预算执行的审计工作报告\n\n六、审计建议\n力争审计查出问题整改率达到98%以上。\n",
    })
    assert bot.ask("苇塘区审计问题整改率到多少了?", doc_ids=["weitang-shenji"]).text.startswith("90.6%")


def test_a_figure_asked_to_be_confirmed_is_checked_not_matched(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-jiaoyu": "苇塘县2024年教育事业发展统计公报\n\n四、高中阶段教育\n"
                    "全县共有普通高中五所。专任教师512人,生师比为14.6:1。\n普通高中与中等职业学校招生比为2.4:1。\n"})
    # 2.4:1 is the asker's belief (another ratio); the notice's 生师比 is the answer
    assert bot.ask("苇塘普通高中的生师比是2.4:1吗?").text.startswith("14.6:1")


def test_a_citys_own_notice_answers_for_the_whole_city_named_short(tmp_path):
    bot = _bot_with(tmp_path, {"luchuan-huanjing": "鹿川市2024年生态环境状况公报\n\n二、水环境\n全市32个地表水断面中,水质优良断面28个,优良比例为87.5%。\n"
                    "鹿川市生态环境局\n2025年5月30日\n"})
    # 鹿川 is the short form of the notice's own place: 全市 is its whole, not a place above it
    assert bot.ask("鹿川全市地表水优良比例是多少?").text.startswith("87.5%")


def test_an_english_question_asking_a_part_of_a_whole_gets_the_parts_figure(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-money": "苇塘县审计整改情况的通报\n\n二、整改情况\n"
                    "全县清退违规资金210.6万元,其中追缴违规发放的津补贴38.2万元,已全部退还群众或上缴国库。"
                    "全年民生支出31.47亿元,其中教育、卫生健康支出分别为8.62亿元、3.05亿元。\n"})
    # the part named in the glossary's words ("allowances" → 津补贴, "on health" → 卫生健康)
    assert bot.ask("Weitang: of the illegal funds returned, how much was allowances?").text.startswith("38.2万元")
    assert bot.ask("How much did Weitang spend on health?").text.startswith("3.05亿元")
    # the whole asked in words the part's entry also gives (claw back: 追缴 清退) is the whole
    assert bot.ask("How much misused money did Weitang claw back?").text.startswith("210.6万元")


def test_an_english_question_asking_a_part_alone_gets_the_parts_figure(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-weijian": "苇塘县2024年卫生健康事业发展统计公报\n\n二、医疗服务\n"
                    "全县医疗卫生机构总诊疗人次312.45万人次,比上年增长4.1%。其中:医院188.20万人次,"
                    "基层医疗卫生机构117.6万人次。\n"})
    # "the hospitals alone": a part of the whole the question does not name
    assert bot.ask("How many patient visits did Weitang's hospitals alone receive in 2024?").text.startswith("188.20万人次")
    assert bot.ask("How many patient visits did Weitang's medical institutions receive in 2024?").text.startswith("312.45万人次")


def test_a_part_named_before_the_wholes_metric_is_the_parts_figure(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-chuangwei": "苇塘县2024年卫生健康事业发展统计公报\n\n一、卫生资源\n"
                    "年末全县医疗卫生机构实有床位3,420张,比上年增加96张,其中医院2,915张,基层医疗卫生机构436张。\n"})
    # 医院里的床位: the hospitals' beds, stated as a part of the whole, not the whole nor a difference
    assert bot.ask("苇塘全县医院里的床位有多少张?").text.startswith("2,915张")
    assert bot.ask("苇塘医院的床位有多少张(不算基层)?").text.startswith("2,915张")
    assert bot.ask("苇塘全县医疗卫生机构实有床位多少张?").text.startswith("3,420张")


def test_a_follow_up_asking_one_side_of_the_topic_is_answered_by_the_sentence_after_the_whole(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-trade": "苇塘县2024年国民经济和社会发展统计公报\n\n五、国内贸易\n全年社会消费品零售总额86.40亿元,比上年增长6.2%。"
                    "按经营地分,城镇消费品零售额67.15亿元,增长5.9%;乡村消费品零售额19.25亿元,增长7.3%。\n"})
    history = [{"role": "user", "content": "苇塘县去年社零总额多少?"}, {"role": "assistant", "content": "86.40亿元,比上年增长6.2%。"}]
    assert bot.ask("其中乡村的呢?", history=history).text.startswith("19.25亿元")


def test_a_rate_per_head_does_not_answer_a_plain_total(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-beds": "苇塘县2024年卫生健康事业发展统计公报\n\n一、卫生资源\n"
                    "年末全县医疗卫生机构实有床位3,420张,比上年增加96张。每千人口医疗卫生机构床位6.15张。\n"})
    # both are the county's 床位 in 张: the plain question asks the total, the rate only when asked per head
    assert bot.ask("苇塘县的床位有多少张?").text.startswith("3,420张")
    assert bot.ask("苇塘县每千人口床位有多少张?").text.startswith("6.15张")


def test_a_share_asked_is_not_answered_by_a_growth_rate(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-retail": "苇塘县2024年国民经济和社会发展统计公报\n\n五、国内贸易\n"
                    "全年乡村消费品零售额19.25亿元,比上年增长7.3%。乡村市场份额为22.3%。\n",
                    "qiaoxi-retail": "桥溪县2024年国民经济和社会发展统计公报\n\n五、国内贸易\n"
                    "全年乡村消费品零售额11.08亿元,比上年增长6.1%。\n"})
    # a rise is not a share: the share where the notice states one, else "not stated"
    assert bot.ask("苇塘县乡村消费品零售额占多少?").text.startswith("22.3%")
    silent = bot.ask("桥溪县乡村消费品零售额占多少?")
    assert not silent.found and "6.1%" not in silent.text.split("\n")[0]


def test_a_share_the_notice_does_not_state_is_worked_out_from_its_part_and_whole(tmp_path):
    bot = _bot_with(tmp_path, {"qiaoxi-deposits": "桥溪县2024年国民经济和社会发展统计公报\n\n六、金融\n"
                    "年末全县金融机构各项存款余额240.00亿元,比上年末增长6.0%,其中住户存款180.00亿元,增长8.2%。\n"})
    answer = bot.ask("桥溪县住户存款占全部存款多少?")
    # 180.00 ÷ 240.00: the two stated figures, shown, and the share said to be worked out
    assert answer.found and answer.text.startswith("约75.0%")
    assert "180.00亿元" in answer.text and "240.00亿元" in answer.text and "8.2%" not in answer.text.split("\n")[0]


EDUCATION = {
    "qiaoxi-education": "桥溪县2024年教育事业发展统计公报\n\n一、总体情况\n全县共有各级各类学校98所。各级各类学校共有在校生52310人。"
                        "共有教职工四千二百一十六人,比上年增加52人;其中专任教师3650人,比上年增加20人。\n二、义务教育\n九年义务教育巩固率为98.4%,高中阶段毛入学率为93.6%。"
                        "全年小学招生3120人,在校生19870人,毕业生3305人。\n三、教师队伍\n全年发放乡村教师生活补助860.50万元,人均每月520元。"
                        "全年组织教师专项培训1240人次。\n四、学前教育\n幼儿园共有教职工620人,其中专任教师410人。\n",
    "weitang-education": "苇塘县2024年教育事业发展统计公报\n\n一、总体情况\n全县共有各级各类学校76所。\n二、义务教育\n"
                         "适龄残疾儿童少年义务教育入学率为95.2%。全年高中阶段教育招生1860人,小学招生2480人,在校生15630人,毕业生2611人。小学在校生中女生7320人。\n三、教师队伍\n"
                         "全年发放乡村教师生活补助612.30万元,人均每月480元。全年资助家庭经济困难学生9120人。\n",
}


@pytest.fixture(scope="module")
def schools(tmp_path_factory):
    return _bot_with(tmp_path_factory.mktemp("schools"), EDUCATION)


def _silent(answer, figure: str) -> bool:
    """"Not stated", never the nearest figure as found (it may be named as another metric's)."""
    return not answer.found and not answer.text.startswith(figure)


def test_a_rate_one_notice_of_the_series_never_names_is_not_stated_for_it(schools):
    # 巩固率 is in the other county's bulletin only; 入学率95.2% is another rate
    assert _silent(schools.ask("苇塘县九年义务教育巩固率是多少"), "95.2%")
    assert schools.ask("桥溪县九年义务教育巩固率是多少").text.startswith("98.4%")


def test_a_rate_of_another_stage_of_schooling_is_not_the_rate_asked(schools):
    assert _silent(schools.ask("苇塘县高中阶段入学率多少"), "95.2%")
    assert schools.ask("桥溪县高中阶段入学率多少").text.startswith("93.6%")


def test_a_question_asking_per_head_gets_the_per_head_figure_and_a_plain_one_the_total(schools):
    assert schools.ask("苇塘县乡村教师补助每人每月多少钱").text.startswith("480元")
    # 老师 is the notices' 教师, and 发 glued to it by the tokenizer is no word the notice lacks
    assert schools.ask("苇塘县给乡村老师发的生活补助一共多少").text.startswith("612.30万元")


def test_a_count_of_times_is_not_answered_by_a_count_of_people(schools):
    assert _silent(schools.ask("苇塘县资助了多少人次学生"), "9120人")
    assert schools.ask("桥溪县组织教师专项培训多少人次").text.startswith("1240人次")


def test_an_english_question_with_the_notices_words_pasted_in_brackets(schools):
    staff = schools.ask("Qiaoxi County (桥溪县): how many staff (教职工) do its schools have?")
    assert staff.text.startswith("四千二百一十六人") and "according to the notice" in staff.text
    assert schools.ask("How many new pupils did primary schools in Qiaoxi County (桥溪县) admit?").text.startswith("3120人")


def test_a_figure_the_asker_remembers_roughly_picks_the_count_of_that_order(schools):
    # 在校生 of the whole county (5万出头), not of primary schools (19870人): the order the asker remembers
    assert schools.ask("桥溪县在校生5万出头,精确是多少人?").text.startswith("52310人")
    assert schools.ask("桥溪县小学在校生大概2万,具体多少?").text.startswith("19870人")


def test_figures_nothing_tells_apart_are_shown_not_picked(tmp_path):
    bot = _bot_with(tmp_path, {"weitang-places": "苇塘县2024年教育事业发展统计公报\n\n六、项目建设\n"
                    "新建、改扩建学校4所,新增学位2077个。\n2024年9月2日,苇塘县第二实验幼儿园建成投用,新增学位360个。\n"})
    answer = bot.ask("苇塘县新增了多少学位?")
    # either may be meant: no guess stated as found, but both shown with where the notice says them
    assert not answer.found and "2077个" in answer.text and "360个" in answer.text
    assert len(answer.citations) == 2


def test_an_english_question_naming_the_place_in_pinyin_and_pasting_the_notices_word(schools):
    # the place in pinyin, the metric in the notice's own Chinese: a notice that never writes it does not say
    silent = schools.ask("Weitang: nine-year compulsory education retention rate (巩固率)?")
    assert not silent.found and "巩固率" in silent.text
    assert schools.ask("Qiaoxi: nine-year compulsory education retention rate (巩固率)?").text.startswith("98.4%")


def test_an_english_question_for_a_thing_one_notice_of_the_series_never_counts(schools):
    assert schools.ask("Weitang: how many girls (女生) are in primary school?").text.startswith("7320人")
    silent = schools.ask("Qiaoxi: how many girls (女生) are in primary school?")
    assert not silent.found and not silent.text.startswith("19870人")


def test_a_figure_of_one_stage_does_not_answer_a_question_naming_none(schools):
    # 幼儿园共有教职工620人 is the kindergartens' staff; asked plainly, the county's whole is meant
    assert schools.ask("桥溪县教职工一共多少人?").text.startswith("四千二百一十六人")
    assert schools.ask("Qiaoxi: how many school staff in total, teachers and others?").text.startswith("四千二百一十六人")
    assert schools.ask("桥溪县幼儿园教职工多少人?").text.startswith("620人")
