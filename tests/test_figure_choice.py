"""Which figure of a sentence a question asks (assistant.kinds.figure.local_fit), on small
sentences with the real tokenizer and lexicons: no store needed."""

from __future__ import annotations

from assistant.evidence import question_terms
from assistant.figures import find_figures
from assistant.kinds.figure import local_fit
from assistant.question import analyse
from ingest.keyword import normalize


def _fit(question: str, row: str, governor: str) -> float:
    terms = question_terms(question, lambda words: {w: 1 for w in words}, 10)
    text = normalize(row)
    figures = find_figures(text)
    return local_fit(terms, text, figures[0], figures, analyse(question), governor=governor)


def test_the_predicate_said_without_what_narrows_it_is_not_the_figure_asked():
    # "制造业贷款余额": the 各项贷款余额 row says 贷款余额 but not 制造业; the 其中 row says 制造业贷款
    question = "年末制造业贷款余额有多少亿"
    whole = _fit(question, "| 各项贷款余额 | 351.09 | 11.8 |", "各项贷款余额 年末余额")
    part = _fit(question, "| 其中:制造业贷款 | 58.36 | 19.3 |", "制造业贷款 年末余额")
    assert part > whole


def test_the_predicate_right_before_the_figure_still_decides_when_nothing_narrows_it():
    question = "全县立案多少件"
    assert _fit(question, "立案96件,给予党纪政务处分78人", "立案") > _fit(question, "受理问题线索287件,立案96件", "受理问题线索")


def test_a_count_asked_in_the_measure_word_for_anything_may_be_of_people():
    from assistant.kinds.figure import KINDS
    from assistant.question import AskKind

    count = next(k for k in KINDS if k.kind == AskKind.COUNT)
    text = normalize("给予党纪政务处分71人,其中处级干部6人、科级干部23人。")
    officials = next(f for f in find_figures(text) if f.text == "23人")
    assert count._measure_fit(analyse("其中科级干部几个?"), officials, text) == "other"  # possible, less preferred
    assert count._measure_fit(analyse("其中科级干部几人?"), officials, text) == "asked"
    assert count._measure_fit(analyse("科级干部几家?"), officials, text) is None  # 家 counts no one


def test_a_figure_far_below_the_order_the_question_names_does_not_answer_it():
    from assistant.kinds.figure import KINDS
    from assistant.question import AskKind

    count = next(k for k in KINDS if k.kind == AskKind.COUNT)
    text = normalize("年末常住人口33.05万人,每千常住人口执业(助理)医师2.52人。")
    figures = find_figures(text)
    question = analyse("常住人口有多少万人?")
    allowed = {f.text for f in figures if count._may_answer(question, f, figures, set())}
    assert "33.05万人" in allowed and "2.52人" not in allowed
    money = next(k for k in KINDS if k.kind == AskKind.MONEY)
    loose = normalize("已核减工程结算金额6275.19万元")
    assert money._may_answer(analyse("一共核减了多少亿?"), find_figures(loose)[0], find_figures(loose), set())


def test_a_change_asked_in_percent_words_asks_the_change():
    from assistant.kinds.figure import asked_roles

    assert "change" in asked_roles("规上工业产值涨了百分之几")
    assert "change" in asked_roles("社零总额增长了百分之多少")
    assert "change" not in asked_roles("规上工业增加值占比百分之几")


def test_a_figure_of_another_side_of_a_contrast_is_not_the_asked_sides():
    from assistant.lexicon import other_side

    assert other_side("农村居民人均消费支出多少", "全体居民人均消费支出")
    assert not other_side("农村居民人均消费支出多少", "农村居民人均消费支出")
    assert not other_side("人均消费支出多少", "全体居民人均消费支出")  # no side asked
    assert not other_side("城镇和农村居民收入差多少", "城镇居民人均可支配收入")  # two sides set against each other
    assert other_side("高中学位有多少个", "小学学位 初中学位")


def test_what_a_question_says_it_does_not_mean_is_no_role_it_asks():
    from assistant.kinds.figure import asked_roles

    assert asked_roles("How much farmland was actually done by end Oct (not the plan)?") == {"actual"}
    assert asked_roles("要实际完成的,不是计划数") == {"actual"}
    assert asked_roles("今年实际完成多少?别给我计划的") == {"actual"}
    assert asked_roles("目前到位多少?计划那个不算") == {"to"}


def test_an_english_counts_verb_is_its_predicate_in_the_glossarys_words():
    assert analyse("Of the petitions the inspectors handed over, how many have been closed so far?").predicate == "办结"
    assert analyse("How many cases were filed in Luwan?").predicate == "立案"
    # The subject between the auxiliary and the verb of an inverted question is passed over.
    assert analyse("How many findings has Qingshui District fixed so far?").predicate == "整改"
    assert analyse("How many measures did the county draw up?").predicate == "制定"
    assert analyse("How many cases did Mingyang file last year?").predicate == "立案"
    text = normalize("巡视交办的信访件312件已办结306件,化解信访积案148件;")
    question = "How many of the petition cases that the inspection team handed over have been closed?"
    figures = find_figures(text)
    terms = question_terms("", lambda words: {w: 1 for w in words}, 10)
    fit = {f.text: local_fit(terms, text, f, figures, analyse(question)) for f in figures}
    assert fit["306件"] > fit["148件"]


def test_a_whole_years_figure_is_not_a_quarters():
    from assistant.lexicon import other_side

    assert other_side("一季度社零多少", "全年社会消费品零售总额")
    assert not other_side("全年社零多少", "全年社会消费品零售总额")


def test_more_contrasts_of_the_genre():
    from assistant.lexicon import other_side

    assert other_side("2023年全年粮食总产量多少万吨", "夏粮总产量")
    assert other_side("城镇调查失业率是多少", "城镇登记失业率")
    assert other_side("乡镇层面出台了多少项制度", "县委县政府层面新出台和修订制度文件")


def test_an_order_said_as_a_threshold_or_before_a_measure_word():
    q = analyse("今年新签了几个亿元以上项目?")
    assert (q.unit, q.magnitude) == ("个", 0.0)  # it counts projects of that size
    assert analyse("化债化了多少个亿").unit == ""  # an amount of money
    q = analyse("锂电池去年产了多少万只?")
    assert (q.unit, q.magnitude) == ("只", 1e4)
