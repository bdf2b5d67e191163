"""Parsing notices: the heading grammar, the bundled notice's sections and nodes, encodings and HTML.

The bundled notice's structure is checked twice: as `parse_sections` sees the text,
and as the nodes stored in the session's real Chroma store carry it.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from llama_index.core.schema import Document

from assistant.config import REPO_ROOT, SAMPLE_NOTICE
from ingest.chunking import NoticeNodeParser, count_tokens, node_section
from ingest.headings import match_heading
from ingest.notice import read_notice
from ingest.sections import outline, parse_sections

DOC_ID = "gaoming-xunshi-zhenggai-2021"
ZH_NUMBERS = "一二三四五六七八九十"

# The bundled notice's outline, written down by reading it: children per parent.
LEVEL3_UNDER = {
    ("一",): 5,
    ("二", "第一方面问题"): 5,
    ("二", "第二方面问题"): 4,
    ("二", "第三方面问题"): 4,
    ("二", "第四方面问题"): 2,
    ("三",): 6,
}
LEVEL4_UNDER = {
    ("二", "第一方面问题", "(一)"): 2,
    ("二", "第一方面问题", "(二)"): 3,
    ("二", "第一方面问题", "(三)"): 3,
    ("二", "第一方面问题", "(四)"): 3,
    ("二", "第一方面问题", "(五)"): 3,
    ("二", "第二方面问题", "(一)"): 4,
    ("二", "第二方面问题", "(二)"): 3,
    ("二", "第二方面问题", "(三)"): 4,
    ("二", "第二方面问题", "(四)"): 5,
    ("二", "第三方面问题", "(一)"): 3,
    ("二", "第三方面问题", "(二)"): 4,
    ("二", "第三方面问题", "(三)"): 4,
    ("二", "第三方面问题", "(四)"): 3,
    ("二", "第四方面问题", "(一)"): 4,
    ("二", "第四方面问题", "(二)"): 2,
}
SPOT_TITLES = {
    ("二", "第四方面问题", "(一)", "1."): (
        "紧盯巡视反馈问题,逐条逐项真改实改,推动巡视整改工作取得阶段性成效",
        "对主题教育和巡视、审计等发现问题整改不扎实不到位",
        "关于对主题教育检视问题整改不到位问题",
        "针对统筹推进省市区重大项目进展缓慢问题",
    ),
    ("一", "(一)"): (
        "深入学习贯彻习近平总书记关于巡视工作的重要论述,以强烈的使命意识和政治担当,动真碰硬抓好巡视整改",
        "迅速行动、扛起责任",
    ),
    ("二", "第一方面问题", "(五)", "1."): (
        "紧盯巡视反馈问题,逐条逐项真改实改,推动巡视整改工作取得阶段性成效",
        "贯彻落实党的理论路线方针政策和党中央重大决策部署不够坚决",
        "关于落实意识形态工作责任制方面存在的问题",
        "强化责任意识",
    ),
    ("二", "第二方面问题", "(四)", "5."): (
        "紧盯巡视反馈问题,逐条逐项真改实改,推动巡视整改工作取得阶段性成效",
        "贯彻落实全面从严治党战略部署不深入",
        "关于教育、工程建设和土地等领域廉政风险突出问题",
        "针对林地和基本农田保护方面存在的问题",
    ),
    ("三", "(六)"): (
        "坚持高质量发展导向,持续做深做实巡视“后半篇文章”",
        "奋力推动高明在“十四五”时期实现高质量发展",
    ),
}
BOILERPLATE = ["所在位置", "巡视整改进展情况向社会公开(二)", "主办单位", "合作单位", "ICP备", "nyqfw@gd.gov.cn", "投稿邮箱", "来源:", "日期:2021-05-08"]
# A figure: digits with their decimal point or thousands separators, and the unit after them.
FIGURE = re.compile(r"\d+(?:[.,]\d+)*(?:%|[亿万千百]?[元亩个家宗件人次间座张条所项名户吨]|公里)?")
ITEM_START = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}是|[(（][0-9０-９]{1,2}[)）])")
SENTENCE_ENDS = "。;；!?！？"


def outline_counts(paths: set[tuple[str, ...]]) -> dict[str, object]:
    """The outline's shape from a set of section label paths."""
    paths = {p for p in paths if p}
    level1 = sorted((p[0] for p in paths if len(p) == 1), key=ZH_NUMBERS.index)
    level2 = {p for p in paths if len(p) == 2 and p[1].startswith("第")}
    level3 = Counter(p[:-1] for p in paths if re.fullmatch(r"\([一二三四五六七八九十]+\)", p[-1]))
    level4 = Counter(p[:-1] for p in paths if re.fullmatch(r"\d+\.", p[-1]))
    return {"level1": level1, "level2": level2, "level3": dict(level3), "level4": dict(level4)}


EXPECTED_OUTLINE = {
    "level1": ["一", "二", "三"],
    "level2": {("二", f"第{n}方面问题") for n in "一二三四"},
    "level3": LEVEL3_UNDER,
    "level4": LEVEL4_UNDER,
}


def section_map(text: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {s.labels: s.titles for s in parse_sections(text)}


def parse_nodes(text: str, chunk_tokens: int = 300, doc_id: str = "synthetic"):
    document = Document(id_=doc_id, text=text, metadata={"doc_id": doc_id, "version": "v1"})
    return NoticeNodeParser(chunk_tokens=chunk_tokens).get_nodes_from_documents([document])


@pytest.fixture(scope="module")
def stored_nodes(bot) -> list[dict]:
    """The bundled notice's nodes as Chroma holds them: text and flattened metadata."""
    got = bot.store.nodes.get(where={"doc_id": DOC_ID}, include=["documents", "metadatas"])
    assert got["ids"], "the session store holds no nodes of the bundled notice"
    return [{"id": i, "text": t, "metadata": m} for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]


@pytest.fixture(scope="module")
def stored_text(bot) -> str:
    return bot.notice_text(DOC_ID)


# -- the bundled notice: sections --------------------------------------------------------


def test_bundled_notice_outline(sample_text):
    sections = parse_sections(sample_text)
    assert outline_counts({s.labels for s in sections}) == EXPECTED_OUTLINE
    assert sum(n for parent, n in LEVEL3_UNDER.items() if parent[0] in ("一", "二")) == 20
    assert LEVEL3_UNDER[("三",)] == 6 and sum(LEVEL4_UNDER.values()) == 50
    # Numbering restarts under every parent and runs without gaps.
    children: dict[tuple[str, ...], list[str]] = {}
    for s in sections:
        if s.labels:
            children.setdefault(s.labels[:-1], []).append(s.labels[-1])
    for parent, labels in children.items():
        if labels[0].endswith("."):
            assert labels == [f"{i}." for i in range(1, len(labels) + 1)], parent
        elif labels[0].startswith("("):
            assert labels == [f"({ZH_NUMBERS[i]})" for i in range(len(labels))], parent
    # Every section sits under a section that exists (no orphan paths).
    paths = {s.labels for s in sections}
    assert all(s.labels[:-1] in paths for s in sections if len(s.labels) > 1)


@pytest.mark.parametrize("labels", list(SPOT_TITLES), ids=lambda p: "/".join(p))
def test_bundled_notice_section_titles(sample_text, labels):
    assert section_map(sample_text)[labels] == SPOT_TITLES[labels]


def test_text_before_the_first_heading_has_the_empty_path(sample_text):
    first = parse_sections(sample_text)[0]
    assert first.labels == () and first.titles == ()
    assert sample_text[first.start : first.end].startswith("中共佛山市高明区委关于巡视整改进展情况的通报")
    assert "现将巡视整改进展情况予以公布" in sample_text[first.start : first.end]


def test_bundled_notice_metadata(bot):
    notice = read_notice(SAMPLE_NOTICE)
    expected = {
        "doc_id": DOC_ID,
        "title": "中共佛山市高明区委关于巡视整改进展情况的通报",
        "issuer": "中共佛山市高明区委",
        "signed_on": "2021-05-06",
        "published_on": "2021-05-08",
        "source": "本网原创稿",
    }
    assert {k: getattr(notice, k) for k in expected} == expected
    (record,) = [r for r in bot.documents() if r.doc_id == DOC_ID]
    assert {k: getattr(record, k) for k in expected} == expected
    assert record.sections == len([s for s in parse_sections(notice.text) if s.labels]) == 83


# -- the bundled notice: nodes in the store -----------------------------------------------


def test_stored_nodes_carry_the_outline(stored_nodes):
    paths = {node_section(n["metadata"])[0] for n in stored_nodes}
    assert outline_counts(paths) == EXPECTED_OUTLINE
    titles = {node_section(n["metadata"])[0]: node_section(n["metadata"])[1] for n in stored_nodes}
    for labels, expected in SPOT_TITLES.items():
        assert titles[labels] == expected


def test_the_figure_sentence_lands_under_its_section(stored_nodes):
    sentence = "2020年,全区重点项目完成投资158.72亿元"
    holding = [n for n in stored_nodes if sentence in n["text"]]
    assert len(holding) == 1
    meta = holding[0]["metadata"]
    assert json.loads(meta["section_labels"]) == ["二", "第四方面问题", "(一)", "1."]
    assert json.loads(meta["section_titles"])[-1] == "针对统筹推进省市区重大项目进展缓慢问题"
    assert meta["section"].startswith("二 › 第四方面问题 › (一) › 1. 针对统筹推进")


def test_node_offsets_quote_the_stored_text(stored_nodes, stored_text):
    for n in stored_nodes:
        meta = n["metadata"]
        assert stored_text[meta["start"] : meta["end"]] == n["text"], n["id"]
        assert meta["doc_id"] == DOC_ID and meta["doc_title"] == "中共佛山市高明区委关于巡视整改进展情况的通报"


def test_nodes_cover_the_text_without_overlap(stored_nodes, stored_text):
    spans = sorted((n["metadata"]["start"], n["metadata"]["end"]) for n in stored_nodes)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    gaps = [stored_text[a_end:b_start] for (_, a_end), (b_start, _) in zip(spans, spans[1:])]
    assert all(not g.strip() for g in gaps), "text between nodes was dropped"
    assert not stored_text[: spans[0][0]].strip() and not stored_text[spans[-1][1] :].strip()


def test_nodes_stay_under_the_token_budget(stored_nodes, bot):
    budget = bot.settings.chunk_tokens
    sizes = [count_tokens(n["text"]) for n in stored_nodes]
    assert max(sizes) <= budget
    assert len(stored_nodes) > 83, "long sections should have been split"


def test_no_node_splits_a_figure(stored_nodes, stored_text):
    spans = [(n["metadata"]["start"], n["metadata"]["end"]) for n in stored_nodes]
    figures = list(FIGURE.finditer(stored_text))
    assert len(figures) > 300
    for found in figures:
        assert any(s <= found.start() and found.end() <= e for s, e in spans), found.group()
    assert any("158.72亿元" in n["text"] for n in stored_nodes)


def test_nodes_end_at_sentence_or_item_boundaries(stored_nodes, stored_text, bot):
    for n in stored_nodes:
        end = n["metadata"]["end"]
        after = stored_text[end:]
        if stored_text[end - 1] in SENTENCE_ENDS or not after.strip(" ") or after.lstrip(" ")[0] == "\n":
            continue
        if ITEM_START.match(after):
            continue
        # Only a sentence longer than a whole node may be cut, and then at a clause end.
        sentence_start = max(stored_text.rfind(c, 0, end) for c in SENTENCE_ENDS + "\n") + 1
        sentence_end = min(i for i in (stored_text.find(c, end) for c in SENTENCE_ENDS + "\n") if i >= 0) + 1
        assert count_tokens(stored_text[sentence_start:sentence_end]) > bot.settings.chunk_tokens, n["text"][-30:]
        assert stored_text[end - 1] in ",，、", n["text"][-30:]


def test_boilerplate_is_not_indexed(stored_nodes, stored_text):
    raw = SAMPLE_NOTICE.read_text(encoding="utf-8")
    for phrase in BOILERPLATE:
        assert phrase in raw, phrase  # the check below would be empty otherwise
        assert phrase not in stored_text, phrase
        assert not any(phrase in n["text"] for n in stored_nodes), phrase
    assert not re.search(r"^\s*附件\s*[:：]?\s*$", stored_text, re.M)
    # Content that looks like boilerplate stays: the notice's own contact e-mail.
    assert "gmqwqfb@gaoming.gov.cn" in stored_text
    assert stored_text.rstrip().endswith("中共佛山市高明区委\n\n2021年5月6日")


# -- the heading grammar ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, level, label, title",
    [
        ("一、深入学习贯彻习近平总书记关于巡视工作的重要论述", 1, "一", "深入学习贯彻习近平总书记关于巡视工作的重要论述"),
        ("十二、其他事项", 1, "十二", "其他事项"),
        ("第一方面问题,贯彻落实党的理论路线方针政策不够坚决。", 2, "第一方面问题", "贯彻落实党的理论路线方针政策不够坚决"),
        ("第二方面问题：全面从严治党“两个责任”落实不够到位", 2, "第二方面问题", "全面从严治党“两个责任”落实不够到位"),
        ("第三部分 下一步工作打算", 2, "第三部分", "下一步工作打算"),
        ("(一)迅速行动、扛起责任。2020年9月16日巡视反馈会后,区委第一时间成立领导小组。", 3, "(一)", "迅速行动、扛起责任"),
        ("（二）细化整改措施", 3, "(二)", "细化整改措施"),
        ("（十一）关于其他问题", 3, "(十一)", "关于其他问题"),
        ("1.针对学以致用有差距问题。一是坚持用科学理论武装头脑。", 4, "1.", "针对学以致用有差距问题"),
        ("2、针对疫情防控方面存在的问题", 4, "2.", "针对疫情防控方面存在的问题"),
        ("１．针对重点项目推进缓慢问题。全县新开工项目38个。", 4, "1.", "针对重点项目推进缓慢问题"),
        ("１２、针对其他问题", 4, "12.", "针对其他问题"),
    ],
)
def test_heading_forms_and_canonical_labels(line, level, label, title):
    heading = match_heading(line)
    assert heading is not None
    assert (heading.level, heading.label, heading.title) == (level, label, title)


@pytest.mark.parametrize(
    "line",
    [
        "2020年,全区重点项目完成投资158.72亿元。",
        "1.5亿元用于农村道路建设。",
        "12.5%的村完成改造。",
        "一是坚持用习近平新时代中国特色社会主义思想武装头脑。",
        "(1)狠抓学思践悟,提高运用科学理论指导实践水平。",
        "（2）构建新发展格局。",
        "第一时间成立工作专班。",
        "高明区委深入学习贯彻习近平总书记关于巡视工作的重要论述。",
    ],
)
def test_body_text_is_not_a_heading(line):
    assert match_heading(line) is None


def test_heading_opening_a_paragraph_leaves_the_rest_as_body():
    line = "(一)迅速行动、扛起责任。2020年9月16日巡视反馈会后,区委第一时间成立领导小组。"
    heading = match_heading(line, offset=100)
    assert heading.start == 100
    assert line[heading.body_start - 100 :].startswith("2020年9月16日")
    alone = match_heading("（二）细化整改措施")
    assert alone.body_start == alone.end == len("（二）细化整改措施")


def test_overlong_first_sentence_yields_its_first_clause_as_title():
    line = "1.针对推动经济高质量发展成效不够明显问题," + "坚持质量第一、效益优先发展理念" * 6 + "。"
    heading = match_heading(line)
    assert heading.title == "针对推动经济高质量发展成效不够明显问题"


SYNTHETIC = """\
关于某县巡察整改情况的通报

根据市委统一部署，现将整改情况通报如下。

一、总体情况
（一）加强领导。县委成立整改工作领导小组，召开专题会议5次。
（二）压实责任
各单位逐项对账销号。
二、存在问题整改情况
第一方面问题：理论学习不够深入
（一）关于学习制度落实不到位的问题
１．针对中心组学习不规范问题。一是完善学习制度。二是加强督促检查。
2、针对第一议题落实不到位问题
制定落实办法，开展检查2轮。
三、下一步打算
1.持续深化整改。
"""


def test_synthetic_notice_paths_with_skipped_levels():
    sections = parse_sections(SYNTHETIC)
    assert [(s.labels, s.title) for s in sections] == [
        ((), ""),
        (("一",), "总体情况"),
        (("一", "(一)"), "加强领导"),
        (("一", "(二)"), "压实责任"),
        (("二",), "存在问题整改情况"),
        (("二", "第一方面问题"), "理论学习不够深入"),
        (("二", "第一方面问题", "(一)"), "关于学习制度落实不到位的问题"),
        (("二", "第一方面问题", "(一)", "1."), "针对中心组学习不规范问题"),
        (("二", "第一方面问题", "(一)", "2."), "针对第一议题落实不到位问题"),
        (("三",), "下一步打算"),
        (("三", "1."), "持续深化整改"),
    ]
    assert sections[-1].titles == ("下一步打算", "持续深化整改")
    spans = {s.labels: SYNTHETIC[s.start : s.end] for s in sections}
    assert spans[()] == "关于某县巡察整改情况的通报\n\n根据市委统一部署，现将整改情况通报如下。"
    assert spans[("一", "(二)")] == "（二）压实责任\n各单位逐项对账销号。"
    assert SYNTHETIC[sections[2].body_start : sections[2].end] == "县委成立整改工作领导小组，召开专题会议5次。"


# `（1）` or `①` heads a section only where each item of its run opens its own line.
RUNS = """\
一、整改落实
（一）关于项目推进的问题
1.针对投资进度慢问题
（1）强化调度。召开调度会12次。
（2）加快进度。完成投资49.36亿元。①产业项目31.82亿元；②民生项目10.27亿元。
2.针对审批慢问题
（1）压缩时限。审批时限压至45日。（2）整治乱收费。清退86.3万元。
⑴开展检查。检查单位63家。⑵约谈4人。
"""


def test_parenthesised_numbers_head_sections_only_when_their_run_opens_lines():
    sections = parse_sections(RUNS)
    assert [s.labels for s in sections] == [
        ("一",), ("一", "(一)"), ("一", "(一)", "1."), ("一", "(一)", "1.", "(1)"), ("一", "(一)", "1.", "(2)"),
        ("一", "(一)", "2."),
    ]
    assert sections[4].title == "加快进度"
    outline_of = outline(RUNS)
    items = {tuple(s["labels"]): [label for label, _ in s["items"]] for s in outline_of["sections"]}
    # Runs inside one paragraph stay items of the section they lie in, whichever form they take.
    assert items[("一", "(一)", "2.")] == ["(1)", "(2)", "(1)", "(2)"]
    assert items[("一", "(一)", "1.", "(2)")] == ["①", "②"]
    assert outline_of["grammar"] == "公文六级"
    # A run of one paragraph each, but inside a notice of the usual grammar, is no heading either
    # when it goes on inline (the bundled notice's shape): the 公文四级 parse is unchanged.
    usual = "一、整改情况\n1.针对问题。\n（1）完善制度。出台办法3项。（2）加强督查。开展督查4轮。\n"
    assert [s.labels for s in parse_sections(usual)] == [("一",), ("一", "1.")]


MARKDOWN = """\
# 关于某县巡察整改情况的通报

　　根据市委统一部署，现将整改情况通报如下。

## 一、总体情况

　　（一）加强领导。召开专题会议5次。

## 二、下一步打算

### （一）巩固整改成果

**1.持续深化整改。** 完成整改事项3项。

**2、健全长效机制**

出台制度4项。
"""


def test_markdown_marks_and_indentation_are_not_part_of_headings(tmp_path):
    path = tmp_path / "county-notice.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    notice = read_notice(path)
    assert (notice.title, notice.issuer) == ("关于某县巡察整改情况的通报", "")
    sections = parse_sections(notice.text)
    assert [(s.labels, s.title) for s in sections] == [
        ((), ""),
        (("一",), "总体情况"),
        (("一", "(一)"), "加强领导"),
        (("二",), "下一步打算"),
        (("二", "(一)"), "巩固整改成果"),
        (("二", "(一)", "1."), "持续深化整改"),
        (("二", "(一)", "2."), "健全长效机制"),
    ]
    for s in sections:
        span = notice.text[s.start : s.end]
        assert not span.rstrip().endswith(("#", "*")), span  # a heading's marks open its own section
    assert notice.text[sections[-1].body_start : sections[-1].end].strip() == "出台制度4项。"


ITEMS = [
    "1．针对农村饮水安全问题。",
    "一是加快工程建设。投入资金4713万元推进188个自然村供水工程建设，目前65个村已完成建设并投入使用。",
    "二是强化水质监测。建立区镇村三级水质监测网络，覆盖全部集中供水工程和重点分散供水点。",
    "（1）建立水质月报制度，全年检测水样1200份，合格率99.5%，不合格水样全部复检。",
    "（2）完善应急预案，组织应急演练3次，储备应急物资价值120万元，确保突发情况及时处置。",
    "(3)加强水源保护，清理水源地周边养殖场42家，划定水源保护区面积15.6平方公里。",
    "三是健全长效机制。出台农村供水工程运行管理办法，落实管护经费每年300万元，确保长期稳定运行。",
]
LONG_SECTION = "一、整改落实情况\n\n" + "".join(ITEMS) + "\n"


def test_long_section_splits_at_enumerated_items():
    sizes = [count_tokens(item) for item in ITEMS]
    budget = max(sizes) + 4
    assert min(a + b for a, b in zip(sizes, sizes[1:])) > budget  # so every item is a node of its own
    nodes = [n for n in parse_nodes(LONG_SECTION, chunk_tokens=budget) if n.metadata["section_labels"] == '["一", "1."]']
    assert [n.metadata["item_label"] for n in nodes] == ["", "一是", "二是", "(1)", "(2)", "(3)", "三是"]
    assert [n.text for n in nodes] == ITEMS
    assert [n.metadata["item_path"] for n in nodes] == ["", "一是", "二是", "二是 (1)", "二是 (2)", "二是 (3)", "三是"]
    for n in nodes:
        assert LONG_SECTION[n.metadata["start"] : n.metadata["end"]] == n.text
        assert json.loads(n.metadata["section_titles"]) == ["整改落实情况", "针对农村饮水安全问题"]
    # Under a generous budget the whole section is one node.
    assert len(parse_nodes(LONG_SECTION, chunk_tokens=1000)) == 2


def test_sentence_longer_than_a_node_is_cut_at_a_clause_never_in_a_figure():
    sentence = "，".join(f"第{i}批项目完成投资1,{i:03d}.5万元" for i in range(1, 40)) + "。"
    nodes = parse_nodes("一、投资情况\n\n" + sentence, chunk_tokens=60)
    assert len(nodes) > 3
    for n in nodes:
        assert count_tokens(n.text) <= 60
    joined = [n.text for n in nodes]
    for i in range(1, 40):
        assert any(f"1,{i:03d}.5万元" in t for t in joined), i


def test_notice_without_headings_becomes_paragraph_chunks(tmp_path):
    paragraphs = [f"第{i}段：本年度共完成各类检查{i * 7}次，整改问题{i * 3}个，追回资金{i}.5万元。" * 4 for i in range(1, 9)]
    path = tmp_path / "plain-notes.txt"
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    notice = read_notice(path)
    sections = parse_sections(notice.text)
    assert [s.labels for s in sections] == [()]
    nodes = parse_nodes(notice.text, chunk_tokens=120)
    assert len(nodes) >= 4
    assert all(json.loads(n.metadata["section_labels"]) == [] for n in nodes)
    assert all(n.text.endswith("。") for n in nodes)  # whole paragraphs and sentences
    assert "".join(n.text for n in nodes).replace("\n", "") == notice.text.replace("\n", "")


# -- the same notice in other encodings and as a web page ----------------------------------


def render_page(notice_text: str, charset: str = "utf-8") -> str:
    """The notice as its web page might look: site chrome around one <p> per paragraph."""
    title, *paragraphs = [p.strip() for p in notice_text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>{html.escape(title)}_广东省纪委监委网站</title>
<script>var _hmt = _hmt || []; document.write("<p>_hmt</p>");</script>
<style>.article p {{ text-indent: 2em; }}</style>
</head><body>
<div class="top"><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/xsxc/">巡视巡察</a></div>
<div class="crumb">所在位置:<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 巡视巡察 &gt; 正文</div>
<div class="main">
<h1>{html.escape(title)}</h1>
<div class="info">来源:本网原创稿&nbsp;&nbsp;&nbsp;&nbsp; 日期:2021-05-08 07:52:42 &nbsp;&nbsp;【字体:<a>大</a> <a>中</a> <a>小</a>】</div>
<div class="article">
<!-- 责任编辑:张三 <p>旧版本正文</p> -->
<p>{html.escape(title)}</p>
{body}
</div>
<div class="related"><p>相关链接:<a href="/a">十二届省委第六轮巡视整改进展情况向社会公开(一)</a></p></div>
</div>
<div class="footer">
<p>主办单位:中共广东省纪律检查委员会 广东省监察委员会</p>
<p>合作单位:南方新闻网</p>
<p><a href="https://beian.miit.gov.cn">粤ICP备10233762号</a></p>
<p>nyqfw@gd.gov.cn</p>
</div>
</body></html>
"""


def render_page_without_paragraphs(notice_text: str) -> str:
    """An older page layout: a menu, and the article as text between <br>s in one <div>."""
    lines = "<br/>\n".join("&nbsp;&nbsp;" + html.escape(p.strip()) for p in notice_text.split("\n\n") if p.strip())
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>信息公开</title></head>
<body><table><tr><td><ul class="menu"><li><a>首页</a></li><li><a>政务公开</a></li><li><a>互动交流</a></li></ul></td></tr>
<tr><td><span class="crumb">当前位置:首页 &gt; 信息公开</span></td></tr>
<tr><td><span>来源:本网原创稿</span> <span>日期:2021-05-08</span></td></tr>
<tr><td><div id="zoom">{lines}</div></td></tr>
<tr><td class="foot">版权所有:中共广东省纪律检查委员会<br/>粤ICP备10233762号</td></tr></table></body></html>
"""


def variant(kind: str, raw_text: str, tmp_path: Path) -> Path:
    name = "gaoming-xunshi-zhenggai-2021"
    if kind == "gb18030":
        path = tmp_path / f"{name}.txt"
        path.write_bytes(raw_text.encode("gb18030"))
    elif kind == "utf-8-bom":
        path = tmp_path / f"{name}.txt"
        path.write_bytes(raw_text.encode("utf-8-sig"))
    elif kind == "crlf":
        path = tmp_path / f"{name}.txt"
        path.write_bytes(raw_text.replace("\n", "\r\n").encode("utf-8"))
    elif kind == "markdown":
        path = tmp_path / f"{name}.md"
        path.write_text(raw_text, encoding="utf-8")
    elif kind == "html":
        path = tmp_path / f"{name}.html"
        path.write_text(render_page(read_notice(SAMPLE_NOTICE).text), encoding="utf-8")
    elif kind == "html-br-gbk":
        path = tmp_path / f"{name}.html"
        page = render_page_without_paragraphs(read_notice(SAMPLE_NOTICE).text)
        path.write_bytes(page.replace("\xa0", " ").encode("gbk"))
    elif kind == "html-gb18030":
        path = tmp_path / f"{name}.htm"
        path.write_bytes(render_page(read_notice(SAMPLE_NOTICE).text, "gb18030").encode("gb18030"))
    else:
        raise AssertionError(kind)
    return path


@pytest.mark.parametrize("kind", ["gb18030", "utf-8-bom", "crlf", "markdown", "html", "html-gb18030", "html-br-gbk"])
def test_other_forms_parse_to_the_same_sections(kind, sample_text, tmp_path):
    raw_text = SAMPLE_NOTICE.read_text(encoding="utf-8")
    path = variant(kind, raw_text, tmp_path)
    if kind == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")  # really not UTF-8
    notice = read_notice(path)
    assert section_map(notice.text) == section_map(sample_text)
    original = read_notice(SAMPLE_NOTICE)
    for field in ("doc_id", "title", "issuer", "signed_on", "published_on", "source"):
        assert getattr(notice, field) == getattr(original, field), field
    if not kind.startswith("html"):
        assert notice.text == sample_text and notice.content_hash == original.content_hash
    for phrase in BOILERPLATE + ["相关链接", "_hmt", "字体", "责任编辑", "旧版本", "政务公开", "版权所有"]:
        assert phrase not in notice.text, phrase
    for s in parse_sections(notice.text):
        assert notice.text[s.start : s.end].strip()


COUNTY = REPO_ROOT / "eval" / "notices" / "county-xuncha-zhenggai-2022"


@pytest.mark.skipif(not COUNTY.with_suffix(".html").exists(), reason="second eval notice not present")
def test_second_notice_txt_and_html_parse_to_the_same_sections():
    as_text = read_notice(COUNTY.with_suffix(".txt"))
    as_page = read_notice(COUNTY.with_suffix(".html"))
    sections = section_map(as_text.text)
    assert sections == section_map(as_page.text)
    # Its headings use full-width forms: （一）, 第一方面问题：…
    assert len([p for p in sections if len(p) == 4]) >= 10
    for field in ("doc_id", "title", "issuer", "signed_on"):
        assert getattr(as_text, field) == getattr(as_page, field), field
    assert as_page.published_on == "2022-03-21"
