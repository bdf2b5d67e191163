"""The files people receive: .docx, PDF (text layer and scanned), images, Big5/UTF-16 text, any heading style.

Every file is built in the test by the library that writes that format (python-docx,
reportlab, PIL), ingested into a real store and asked a figure question through the
public API: the answer must quote the stored text verbatim under the right section
path (and, for a PDF, on the right page).
"""

from __future__ import annotations

import bisect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from llama_index.core.schema import Document

from assistant import Assistant
from assistant.config import REPO_ROOT
from assistant.errors import NoticeError
from assistant.render import answer_as_html, answer_as_text
from ingest.chunking import NoticeNodeParser, count_tokens, node_section
from ingest.notice import read_notice
from ingest.readers import ocr
from ingest.sections import outline, parse_sections

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Assistant:
    """One store for the module's notices: each asks about figures only its own notice holds."""
    return Assistant(home=tmp_path_factory.mktemp("formats-home"))


def ingest_and_ask(bot: Assistant, path: Path, question: str, figure: str, section_path: tuple[str, ...]):
    (result,) = bot.ingest(path).notices
    assert result.status in ("added", "replaced") and result.nodes > 0
    answer = bot.ask(question)
    assert answer.found, answer.text
    assert figure in answer.text, answer.text
    citation = answer.citations[0]
    assert citation.doc_id == result.doc_id
    text = bot.notice_text(result.doc_id)
    assert text[citation.start : citation.end] == citation.quote and figure in citation.quote
    assert citation.section_path == section_path, citation.display_path
    # The outline is stored with the notice, and is what parsing the stored text gives.
    stored = bot.store.outline(result.doc_id)
    assert stored == json.loads(json.dumps(outline(text, stored["signature"]), ensure_ascii=False))
    return citation, text


# -- encodings ------------------------------------------------------------------------------

BIG5_NOTICE = """\
關於某區城市更新工作情況的通報

一、工作進展
（一）公園建設。2021年，全區建成區綠化覆蓋率達到43.5%，新建社區公園17個。
（二）道路改造。完成背街小巷改造52條。
"""

UTF16_NOTICE = """\
关于某乡农村供水工作情况的通报

一、主要成效
（一）供水保障。全乡建成集中供水工程9处，受益群众1.86万人。
（二）水质监测。全年抽检水样240份。
"""


def test_big5_text(bot, tmp_path):
    path = tmp_path / "big5-notice.txt"
    path.write_bytes(BIG5_NOTICE.encode("big5"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert read_notice(path).text == BIG5_NOTICE.strip()
    # Percentages read the same in either script; the measure words of the answerer are simplified ones.
    ingest_and_ask(bot, path, "2021年全區建成區綠化覆蓋率是多少?", "43.5%", ("一", "(一)"))


def test_utf16_text_with_bom(bot, tmp_path):
    path = tmp_path / "utf16-notice.txt"
    path.write_bytes(UTF16_NOTICE.encode("utf-16"))  # little-endian, with its BOM
    assert path.read_bytes()[:2] == b"\xff\xfe"
    ingest_and_ask(bot, path, "全乡建成集中供水工程多少处?", "9处", ("一", "(一)"))


@pytest.mark.parametrize(
    "raw, words",
    [
        ("一、总体情况\n全区完成整改41个。".encode("utf-8").decode("latin-1").encode("utf-8"), "乱码"),  # UTF-8 read as Latin-1, saved again
        (b"\xff\xfe\x80" * 40, "编码"),
    ],
    ids=["utf8-as-latin1", "undecodable"],
)
def test_mojibake_is_refused_with_its_reason(tmp_path, raw, words):
    path = tmp_path / "junk.txt"
    path.write_bytes(raw)
    with pytest.raises(NoticeError, match=words):
        read_notice(path)


# -- Word -----------------------------------------------------------------------------------


def build_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "关于某镇人居环境整治情况的通报"
    document.add_heading("关于某镇人居环境整治情况的通报", level=0)
    document.add_paragraph("根据县委统一部署，现将有关情况通报如下。")
    document.add_heading("一、总体情况", level=1)
    document.add_heading("（一）污水治理", level=2)
    # Word's automatic numbering: "1." is not in the paragraph's text, the reader renders it.
    document.add_paragraph("针对管网老化问题", style="List Number")
    document.add_paragraph("2022年，全镇新建污水管网37.6公里，完成投资2860万元。")
    document.add_paragraph("针对雨污混流问题", style="List Number")
    document.add_paragraph("表1 2022年各村改厕情况")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["村名", "改厕户数(户)", "投资(万元)"], ["东村", "412", "96.5"], ["西村", "388", "88.1"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(path)
    return path


def test_docx_with_styles_numbering_and_a_table(bot, tmp_path):
    path = build_docx(tmp_path / "docx-notice.docx")
    notice = read_notice(path)
    assert notice.title == "关于某镇人居环境整治情况的通报"
    assert "| 村名 | 改厕户数(户) | 投资(万元) |\n|---|---|---|\n| 东村 | 412 | 96.5 |" in notice.text
    assert "表1 2022年各村改厕情况\n\n| 村名" in notice.text  # the caption is the line before the table
    assert [(s.labels, s.title) for s in parse_sections(notice.text)][1:] == [
        (("一",), "总体情况"),
        (("一", "(一)"), "污水治理"),
        (("一", "(一)", "1."), "针对管网老化问题"),
        (("一", "(一)", "2."), "针对雨污混流问题"),
    ]
    ingest_and_ask(bot, path, "2022年全镇新建污水管网多少公里?", "37.6公里", ("一", "(一)", "1."))


# -- PDF ------------------------------------------------------------------------------------

PDF_PAGES = [
    [
        "关于某县交通建设情况的通报",
        "根据市委部署，现将全县交通建设情况通报如下。",
        "一、建设成效",
        "（一）项目投资。全县交通建设完成投资8.9亿元，",
        "同比增长12.6%。",
    ],
    [
        "（二）农村公路。2022年，全县新改建农村公路46.8公里，",
        "实现所有行政村通硬化路。",
        "中共某县委",
        "2023年1月9日",
    ],
]


def build_pdf(path: Path) -> Path:
    """Two pages in a CJK font, each with the running header and page number of a printed document."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    pdf.setTitle("关于某县交通建设情况的通报")
    for number, lines in enumerate(PDF_PAGES, start=1):
        pdf.setFont("STSong-Light", 10)
        pdf.drawString(72, 800, "某县人民政府办公室")
        pdf.drawCentredString(300, 40, f"- {number} -")
        pdf.setFont("STSong-Light", 14)
        for i, line in enumerate(lines):
            pdf.drawString(72, 740 - 28 * i, line)
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_two_pages_with_page_numbers(bot, tmp_path):
    path = build_pdf(tmp_path / "pdf-notice.pdf")
    notice = read_notice(path)
    assert "某县人民政府办公室" not in notice.text and "- 1 -" not in notice.text  # running header, page number
    assert len(notice.pages) == 2 and notice.text[notice.pages[1] :].startswith("（二）农村公路")
    assert notice.signed_on == "2023-01-09"
    citation, _ = ingest_and_ask(bot, path, "2022年全县新改建农村公路多少公里?", "46.8公里", ("一", "(二)"))
    pages = bot.store.pages("pdf-notice")
    assert pages == list(notice.pages)
    assert bisect.bisect_right(pages, citation.start) == 2
    assert citation.page == 2 and citation.page_label == "第2页"
    answer = bot.ask("2022年全县新改建农村公路多少公里?", doc_ids=["pdf-notice"])
    assert "(第2页)" in answer_as_text(answer) and "(第2页)" in answer_as_html(answer, bot.notice_text)
    got = bot.store.nodes.get(where={"doc_id": "pdf-notice"}, include=["metadatas", "documents"])
    assert {m["page"] for m, d in zip(got["metadatas"], got["documents"]) if "46.8公里" in d} == {2}


def test_pdf_table_becomes_pipe_lines(tmp_path):
    """A ruled table (the lines pdfplumber finds it by), its caption the line before it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "table.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 760, "一、主要指标")
    pdf.drawString(72, 730, "表1 2022年主要经济指标")
    rows = [["指标", "2022年", "比上年增长(%)"], ["地区生产总值(亿元)", "356.2", "5.1"], ["固定资产投资(亿元)", "128.7", "8.3"]]
    xs, ys = [72, 232, 322, 452], [720, 700, 680, 660]
    for y in ys:
        pdf.line(xs[0], y, xs[-1], y)
    for x in xs:
        pdf.line(x, ys[0], x, ys[-1])
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            pdf.drawString(xs[k] + 4, ys[r] - 15, cell)
    pdf.drawString(72, 630, "全年经济运行总体平稳。")
    pdf.save()
    assert read_notice(path).text == (
        "一、主要指标\n表1 2022年主要经济指标\n| 指标 | 2022年 | 比上年增长(%) |\n|---|---|---|\n"
        "| 地区生产总值(亿元) | 356.2 | 5.1 |\n| 固定资产投资(亿元) | 128.7 | 8.3 |\n全年经济运行总体平稳。"
    )


# -- scanned pages --------------------------------------------------------------------------


def draw_page(lines: list[str], size=(1000, 360)):
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(NOTO), 40, index=2)
    for i, line in enumerate(lines):
        draw.text((60, 50 + 90 * i), line, fill="black", font=font)
    return image


@pytest.mark.skipif(not ocr.available(), reason="the OCR extra is not installed: pip install -e '.[ocr]'")
@pytest.mark.skipif(not NOTO.exists(), reason="no CJK font to draw the scanned page with (fonts-noto-cjk)")
def test_pdf_with_a_scanned_page_is_read_by_ocr(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "half-scanned.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 760, "一、工作进展")
    pdf.showPage()
    pdf.drawImage(ImageReader(draw_page(["二、下一步工作", "计划新建农村公路12.5公里"])), 40, 500, width=500, height=180)
    pdf.setFont("STSong-Light", 10)
    pdf.drawCentredString(300, 40, "- 2 -")  # a page number stamped as text over the scan is no text layer
    pdf.showPage()
    pdf.save()
    notice = read_notice(path)
    assert notice.text.startswith("一、工作进展\n\n二、下一步工作\n计划新建农村公路12.5公里"), notice.text
    assert notice.pages == (0, len("一、工作进展\n\n"))


@pytest.mark.skipif(not ocr.available(), reason="the OCR extra is not installed: pip install -e '.[ocr]'")
@pytest.mark.skipif(not NOTO.exists(), reason="no CJK font to draw the scanned page with (fonts-noto-cjk)")
def test_scanned_page_image_through_ocr(bot, tmp_path):
    lines = ["关于某镇危房改造情况的通报", "一、改造进展", "全镇完成危房改造126户。"]
    path = tmp_path / "scan-notice.png"
    draw_page(lines).save(path)
    notice = read_notice(path)
    read = notice.text.split("\n")
    assert read[:2] == lines[:2] and read[2].startswith("全镇完成危房改造126户"), notice.text  # OCR may misread the stop
    ingest_and_ask(bot, path, "全镇完成危房改造多少户?", "126户", ("一",))


def test_scan_without_the_ocr_extra_says_how_to_enable_it(tmp_path):
    from PIL import Image

    path = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), "white").save(path)
    # A fresh interpreter in which the OCR package cannot be imported, as without the extra.
    script = (
        "import sys; sys.modules['rapidocr_onnxruntime'] = None\n"
        "from ingest.notice import read_notice\nfrom ingest.errors import NoticeError\n"
        f"try:\n    read_notice({str(path)!r})\nexcept NoticeError as e:\n    print(e.reason)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert "pip install -e '.[ocr]'" in out.stdout and "扫描件" in out.stdout, out.stdout + out.stderr


# -- heading styles -------------------------------------------------------------------------

HEADING_STYLES = {
    "公文四级含方面问题": (
        "一、整改情况\n第一方面问题：学习不深入\n（一）关于学习制度的问题\n1.针对学习不规范问题。完成整改3项。\n",
        [("一",), ("一", "第一方面问题"), ("一", "第一方面问题", "(一)"), ("一", "第一方面问题", "(一)", "1.")],
    ),
    "无一级的(一)": (
        "（一）加强领导。成立领导小组。\n（二）压实责任。签订责任书12份。\n（三）强化督查\n开展督查4轮。\n",
        [("(一)",), ("(二)",), ("(三)",)],
    ),
    "标题正文同段": (
        "一、总体情况。全年完成整改问题41个，整改率93.2%。\n二、下一步打算。继续巩固成果。\n",
        [("一",), ("二",)],
    ),
    "章节条": (
        "第一章 总则\n第一条 为规范整改工作，制定本办法。\n第二条 本办法适用于全县。\n"
        "第二章 整改措施\n第一节 组织领导\n第三条 县委成立领导小组。\n",
        [("第一章",), ("第一章", "第一条"), ("第一章", "第二条"), ("第二章",), ("第二章", "第一节"), ("第二章", "第一节", "第三条")],
    ),
    "数字与⑴①": (
        "1.整改进展\n⑴完成整改问题41个。\n⑵追回资金120万元。\n①其中退赔80万元。\n2.下一步打算\n⑴巩固整改成果。\n",
        [("1.",), ("1.", "(1)"), ("1.", "(2)"), ("1.", "(2)", "①"), ("2.",), ("2.", "(1)")],
    ),
    "无一级的(一)›1.›⑴与①": (
        "（一）关于资金管理的问题\n1.关于“补贴审核不严”的问题。\n整改情况：\n⑴核查补贴资金412万元。\n⑵追回资金18万元。\n"
        "2.关于“拨付缓慢”的问题。\n整改情况：\n①拨付资金1.2亿元。\n②约谈负责人5人。\n（二）关于作风建设的问题\n"
        "1.关于“三公经费”的问题。\n⑴支出下降15.7%。\n",
        [("(一)",), ("(一)", "1."), ("(一)", "1.", "(1)"), ("(一)", "1.", "(2)"), ("(一)", "2."), ("(一)", "2.", "①"),
         ("(一)", "2.", "②"), ("(二)",), ("(二)", "1."), ("(二)", "1.", "(1)")],
    ),
    "一、›(一)›1.›(1)各占一行": (
        "一、总体情况\n(一)加强领导。成立领导小组。\n二、整改落实\n(一)关于项目推进的问题\n1.针对投资进度慢问题\n"
        "(1)强化调度。召开调度会12次。\n(2)加快进度。完成投资49.36亿元。\n2.针对审批慢问题\n(1)压缩时限:由5日压至2日.\n",
        [("一",), ("一", "(一)"), ("二",), ("二", "(一)"), ("二", "(一)", "1."), ("二", "(一)", "1.", "(1)"),
         ("二", "(一)", "1.", "(2)"), ("二", "(一)", "2."), ("二", "(一)", "2.", "(1)")],
    ),
    "缩进与半角标点": (
        "　　一、总体情况\n  (一)加强领导:召开会议5次.\n　　(二)压实责任\n  1.针对问题一,完成整改.\n",
        [("一",), ("一", "(一)"), ("一", "(二)"), ("一", "(二)", "1.")],
    ),
    "样式标题无编号": (
        "# 工作进展\n全年完成整改41个。\n## 组织保障\n成立专班。\n# 下一步打算\n持续整改。\n",
        [("工作进展",), ("工作进展", "组织保障"), ("下一步打算",)],
    ),
}


@pytest.mark.parametrize("style", list(HEADING_STYLES))
def test_heading_style_parses_into_its_paths(style):
    text, expected = HEADING_STYLES[style]
    assert [s.labels for s in parse_sections(text) if s.labels] == expected


def parse_nodes(text: str, chunk_tokens: int = 300):
    document = Document(id_="synthetic", text=text, metadata={"doc_id": "synthetic", "version": "v1"})
    return NoticeNodeParser(chunk_tokens=chunk_tokens).get_nodes_from_documents([document])


def test_notice_without_headings_is_cited_by_paragraph_and_item():
    text = (
        "关于某市优化营商环境工作情况的通报\n"
        "今年以来，全市深入推进营商环境改革。一是压减审批时限，企业开办时间压缩至1个工作日。"
        "二是降低企业成本，全年减税降费18.6亿元。三是强化要素保障，新增工业用地3200亩。\n"
        "下一步，全市将持续深化改革，推动营商环境持续优化。"
    )
    assert [s.labels for s in parse_sections(text)] == [()]
    nodes = parse_nodes(text, chunk_tokens=40)
    paths = {n.text: node_section(n.metadata)[0] for n in nodes}
    assert all(paths.values()), paths
    (holding,) = [p for t, p in paths.items() if "18.6亿元" in t]
    assert holding == ("第2段", "二是")
    assert paths[next(t for t in paths if t.startswith("下一步"))] == ("第3段",)


def test_an_unpunctuated_run_is_cut_at_the_token_budget():
    run = "全县各项整改工作稳步推进取得阶段性成效" * 1200 + "2860.5万元" + "持续巩固" * 200
    nodes = parse_nodes("一、整改情况\n" + run, chunk_tokens=120)
    assert len(nodes) > 50 and max(count_tokens(n.text) for n in nodes) <= 120
    assert "".join(n.text for n in nodes).replace("一、整改情况", "") == run
    assert any("2860.5万元" in n.text for n in nodes)  # never cut inside a figure


def test_size_limit_is_a_clear_refusal(tmp_path, monkeypatch):
    import ingest.readers as readers

    path = tmp_path / "big.txt"
    path.write_text("一、总体情况\n" + "全区完成整改。" * 2000, encoding="utf-8")
    monkeypatch.setattr(readers, "MAX_BYTES", 10_000)
    with pytest.raises(NoticeError, match="超过上限"):
        read_notice(path)
