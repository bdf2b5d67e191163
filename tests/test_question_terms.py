"""The words a question is matched by (assistant.evidence.question_terms), with the real
tokenizer and lexicons: what it asks about stays, how it asks goes."""

from __future__ import annotations

from assistant.evidence import coverage, question_terms
from assistant.lexicon import named_things


def _terms(query: str, **kwargs):
    # Every word in one passage of ten: rarity alike, so only the choice of words is tested.
    return question_terms(query, lambda words: {w: 1 for w in words}, 10, **kwargs)


def test_a_year_spelled_out_is_no_word_of_the_question():
    assert not any("二" in word for word in _terms("二〇二二年一共指出了多少个具体问题?").weights)


def test_now_says_when_a_question_asks_not_what_about():
    weights = _terms("高明现在高企有多少家").weights
    assert "现在" not in weights and any("高企" in word for word in weights)


def test_a_question_in_the_genres_words_only_keeps_them():
    weights = _terms("有多少个问题已经整改了?").weights
    assert {"问题", "整改"} <= set(weights)


def test_an_english_thing_is_one_word_matched_by_any_of_its_chinese_words():
    question = "How much high-standard farmland was built?"
    terms = _terms("", named=named_things(question))
    # the glossary gives farmland as 农田 or 农用地: a sentence with one of them holds the thing
    assert coverage(terms, "新建高标准农田3.6万亩") > 0.9


def test_a_year_written_short_is_a_year_and_a_count_of_years_is_not():
    from assistant.question import years_in

    assert years_in("23年那份通报里的秋粮产量") == ("2023",)
    assert years_in("22年的目标比21年实际多多少") == ("2022", "2021")
    assert years_in("连续12年保持增长") == () and years_in("近10年来") == () and years_in("3年以上") == ()
    assert not any("23" in word for word in _terms("23年秋粮产量多少").weights)


def test_two_unknown_characters_that_name_nothing_weigh_little():
    # 多算 is how people say 多计; no notice has it, so at full weight it would only make every
    # sentence, the right one too, fall short of the question. (The words are given as the
    # store's tokenizer cuts them; the rarities are set so that only the rule is tested.)
    unknown = {"多算", "秋粮"}
    rarity = lambda words: {w: 0 if w in unknown else 3 for w in words}  # noqa: E731
    terms = question_terms("工程款多算了多少", rarity, 10, tokenize=lambda q: ["工程款", "多算"],
                           corpus_has=lambda word: word not in unknown)
    assert terms.weights["多算"] < terms.weights["工程款"]  # rarer, but it names nothing
    # a thing the notices never name keeps its weight: it is what the question is about
    terms = question_terms("秋粮产量多少", rarity, 10, tokenize=lambda q: ["秋粮", "产量"],
                           corpus_has=lambda word: word not in unknown)
    assert terms.weights["秋粮"] >= terms.weights["产量"]


def test_a_question_saying_only_how_it_asks_keeps_the_genres_words():
    # 说最迟 and 时候搞定 are how it is said; 整改 and 问题 are all it says it is about
    unknown = {"说最迟", "时候搞定"}
    terms = question_terms("还没整改完的那7个问题,说最迟什么时候搞定", lambda words: {w: 0 if w in unknown else 3 for w in words},
                           10, tokenize=lambda q: ["7", "整改", "问题", "说最迟", "时候搞定"],
                           corpus_has=lambda word: word not in unknown)
    assert {"整改", "问题"} <= set(terms.weights)


def test_asking_when_colloquially_is_no_word_of_the_question():
    weights = _terms("剩下两个项目说啥时候开工?").weights
    assert not any("啥" in word for word in weights) and "开工" in weights


def test_a_lexicon_word_the_index_cuts_to_nothing_is_still_a_word_of_the_question():
    # The index's segmenter knows only the notices' words: 剩下 (they say 其余) comes out as nothing
    terms = question_terms("剩下的还有几个?", lambda words: {w: 3 for w in words}, 10, tokenize=lambda q: [])
    assert "剩下" in terms.weights and "其余" in terms.alternatives["剩下"]


def test_the_lexicon_reads_the_same_under_every_hash_seed():
    # The synonyms' order is the order of the search's query words: a set's order (which changes
    # with PYTHONHASHSEED) once made one follow-up get two different answers in two processes.
    import os
    import subprocess
    import sys

    script = "from assistant.lexicon import synonym_groups; print(sorted(synonym_groups().items()))"
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def _corpus(text: str):
    """A store's view of its notices' text, as the answerer gives it: does it hold a word, and
    which of its words a short form may stand for."""
    import re
    from collections import Counter

    def spelled_out(short):
        found = Counter(re.findall(f"{short[0]}[\u4e00-\u9fff]{{1,5}}?{short[1]}", text))
        return tuple(w for w, _ in found.most_common(3))
    return (lambda word: word in text), spelled_out


def test_a_short_form_is_matched_by_the_notices_words_it_stands_for():
    has, spelled_out = _corpus("全年社会消费品零售总额148.26亿元,比上年增长7.2%。")
    rarity = lambda words: {w: 0 if w == "社零" else 2 for w in words}  # noqa: E731
    terms = question_terms("社零多少", rarity, 10, tokenize=lambda q: ["社零"], corpus_has=has, spelled_out=spelled_out)
    # the word is held (the bigram 社零 of the question, no sentence holds: a quarter)
    assert coverage(terms, "全年社会消费品零售总额148.26亿元") >= 0.75 > coverage(terms, "全年一般公共预算收入")
    assert not terms.missing()


def test_a_thing_whose_characters_no_notice_writes_in_order_is_one_the_notices_never_name():
    has, spelled_out = _corpus("2023年夏粮总产量132.5万吨,增长2.4%。")
    rarity = lambda words: {w: 0 if w == "秋粮" else 2 for w in words}  # noqa: E731
    terms = question_terms("秋粮产量多少", rarity, 10, tokenize=lambda q: ["秋粮", "产量"], corpus_has=has,
                           spelled_out=spelled_out)
    assert terms.missing() == ["秋粮"]
    assert coverage(terms, "2023年夏粮总产量132.5万吨") < 0.5  # the 夏粮 figure is not the 秋粮 one
    # a word saying where ("厂里": in the plant) is no thing the notices lack
    terms = question_terms("污水厂里低负荷的占比", rarity, 10, tokenize=lambda q: ["污水", "厂里", "负荷"],
                           corpus_has=has, spelled_out=spelled_out)
    assert "厂里" not in terms.missing()


def test_an_unknown_word_is_named_as_the_question_says_it():
    has, spelled_out = _corpus("2024年上半年全区发展党员163名,其中35岁以下的占比76.1%。")
    rarity = lambda words: {w: 0 if w == "里女" else 2 for w in words}  # noqa: E731
    terms = question_terms("发展的党员里女同志占多大比例", rarity, 10, tokenize=lambda q: ["发展", "党员", "里女", "同志"],
                           corpus_has=has, spelled_out=spelled_out)
    assert terms.missing() == ["女同志"]


def test_a_clause_after_a_semicolon_shares_its_sentences_subject():
    from assistant.evidence import Sentence, score_sentences
    from assistant.question import analyse

    first = "巡视反馈以来,全县纪检监察机关共受理问题线索287件,其中巡视移交的38件问题线索已全部办结;"
    second = "立案96件,给予党纪政务处分78人,组织处理29人。"
    sentences = [Sentence("d", "", (), (), 0, len(first), first, 0),
                 Sentence("d", "", (), (), len(first), len(first) + len(second), second, 0, previous=first)]
    terms = _terms("纪检监察立案多少件")
    best = score_sentences(sentences, terms, analyse("纪检监察立案多少件"))[0]
    assert best.sentence.text == second


def test_asking_for_a_percentage_in_words_is_no_word_of_the_question():
    # "涨了百分之几": 百分 would match 个百分点 of another figure
    assert not any("百分" in word for word in _terms("规上工业产值涨了百分之几").weights)
    assert not any("百分" in word for word in _terms("完成率是百分之多少").weights)


def test_a_place_taken_out_of_a_question_leaves_its_organ_a_word():
    from assistant.answering import _without

    # "澄川县委说…" less the place is "县委说…", not the fragment "委说…"
    assert _without("澄川县委说剩下那些问题啥时候改完", ("澄川县",)).startswith("县委说")
    assert _without("溪川区委组织部牵头", ("溪川区", "溪川")).startswith("区委组织部")
    assert _without("高明拨了多少", ("高明",)) == "拨了多少"


def test_an_unknown_word_cut_across_a_known_one_is_a_filler():
    # "农业农村局最后…" cut as …/局最后: 局 ends 农业农村局, a word the notices write
    rarity = lambda words: {w: 0 if w == "局最后" else 3 for w in words}  # noqa: E731
    terms = question_terms("梧岩农业农村局最后追回多少", rarity, 10, tokenize=lambda q: ["梧岩", "农业农村", "局最后", "追回"],
                           corpus_has=lambda word: word in "梧岩县农业农村局追回补贴资金")
    assert "局最后" not in terms.missing() and terms.weights["局最后"] < terms.weights["追回"]


def test_a_rate_the_segmenter_cuts_across_is_a_word_of_the_question():
    # "整改率到多少" cut as 整改/率到: 整改率, which a notice writes, is what is asked
    cut = lambda q: ["苇塘县", "巡视", "问题", "整改", "率到", "多少"]  # noqa: E731
    terms = question_terms("苇塘县巡视问题整改率到多少", lambda words: {w: 2 for w in words}, 10, tokenize=cut,
                           corpus_has=lambda word: word in "截至目前,86个问题已整改到位79个,整改率91.9%")
    assert "整改率" in terms.weights


def test_a_rounded_figure_the_asker_quotes_asks_for_the_exact_one_and_is_no_word_of_it():
    from assistant.question import analyse

    for query in ("鹭洲去年外贸进出口总额多少?公报前面写的超过80亿,要准数", "全镇植树多少棵?别跟我说1.2万多那种",
                  "新增就业岗位多少个?开头说突破五千个"):
        question = analyse(query)
        assert question.exact, query
        weights = _terms(query).weights
        assert not any(mark in word for word in weights for mark in ("超过", "突破", "说", "那种", "多那")), (query, weights)
    # A threshold is what is asked, not a figure quoted: neither exact nor left out.
    assert not analyse("投资超过5亿元的项目有几个?").exact
    assert not analyse("报告说的三大产业是哪三个?").exact
    # What is asked of is what stands before 多少 once the demand for exactness is left out.
    assert analyse("造林面积精确到小数点后一位是多少?").predicate == "造林面积"


def test_a_part_asked_of_a_whole_is_its_nouns_the_whole_does_not_say():
    from assistant.question import analyse

    part = analyse("全县追回的补助资金里,光社保补贴是多少钱?")
    assert (part.part, part.alone) == ("社保 补贴", True)
    assert analyse("新增的公办学位里面初中学位有多少个?").part == "初中"
    assert analyse("清退的资金里退还给群众的有多少?").part == "群众"  # what it is, not what was done with it
    # a character of a place or a word is no marker; a notice is where it is written, not a whole
    assert analyse("在木里县扶持建成了几个扶贫车间?").part == ""
    assert analyse("主体责任清单明确的责任事项一共多少项?").part == ""
    assert analyse("2022年那份通报里,隐性债务化掉了多少?").part == ""


def test_an_english_cue_is_a_word_not_letters_inside_one():
    from assistant.lexicon import cues

    percent = cues("percent")
    assert percent.found_in("What share of the budget went to schools?")
    assert percent.found_in("What percentage of villages were covered?")
    assert not percent.found_in("What was the average ozone concentration?")  # not "ratio"


def test_english_words_of_a_change_ask_the_change():
    from assistant.kinds.figure import asked_roles

    assert "change" in asked_roles("By how many points did the share of good days go up in 2024?")
    assert "change" in asked_roles("How much did retail sales grow year on year?")
    assert "change" not in asked_roles("What was the ozone concentration in 2024?")


def test_what_no_index_word_covers_loses_a_locative_glued_to_its_edge():
    # A store whose notices never say 女孩子 or 常住人口: those stay words of the question, but
    # not glued to the locative before them ("里女孩子") or the 占 of a share after them.
    from ingest.keyword import VocabularySegmenter

    segment = VocabularySegmenter(["小学", "在校生", "全县", "医院", "同志"]).lcut_for_search
    words = segment("小学在校生里女孩子有多少")
    assert "女孩子" in words and "里女孩子" not in words
    assert segment("全县里常住人口") == ["全县", "常住人口"]
    assert "女孩子" in segment("女孩子占多少")
    # where too little is left to be a word, the run stays: it still names what no notice says
    assert "里女" in segment("医院里女同志")
    assert "化债" in segment("化债多少")


def test_what_is_counted_inside_a_whole_is_asked_after_the_locative():
    from assistant.question import analyse

    assert analyse("小学在校生里女孩子有多少").predicate == "女孩子"
    assert analyse("全市医院内床位有多少张").predicate == "床位"
