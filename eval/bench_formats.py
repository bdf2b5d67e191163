"""Benchmarks behind the readers' choices, and the large-file target.

    python -m eval.bench_formats [--pages 20] [--chars 400000]

1. PDF text layers: pypdfium2, pdfplumber and pypdf on the same Chinese pages, written
   with reportlab's CID font STSong-Light and with an embedded OpenType CJK font
   (Noto Sans CJK through fpdf2, where fonts-noto-cjk is installed): seconds, and the
   share of the written lines each library gives back exactly.
2. .docx: python-docx, mammoth and docx2python on one notice with heading styles,
   Word list numbering and a table: what each keeps.
3. A notice exported as one 400,000-character line (with its 来源/发布时间 header in
   front): read, parsed and stored (synthetic vectors: the real model embeds ≈10
   passages/s on two cores, so embedding is reported, not run), target under 10 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SENTENCES = [
    "2021年，全县重点项目完成投资158.72亿元，完成年度任务123.34%。",
    "（一）加强组织领导。县委召开专题会议5次，研究整改事项32项。",
    "一是压减审批时限，企业开办时间压缩至1个工作日。",
    "截至2022年底，全县累计建成集中供水工程9处，受益群众1.86万人。",
]


def page_lines(pages: int) -> list[list[str]]:
    return [[f"第{p + 1}页 " + s for s in SENTENCES] * 5 for p in range(pages)]


def pdf_reportlab(path: Path, pages: list[list[str]]) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    for lines in pages:
        pdf.setFont("STSong-Light", 11)
        for i, line in enumerate(lines):
            pdf.drawString(40, 800 - 18 * i, line)
        pdf.showPage()
    pdf.save()


def pdf_fpdf_noto(path: Path, pages: list[list[str]]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("noto", fname=str(NOTO), collection_font_number=2)
    pdf.set_font("noto", size=10)
    for lines in pages:
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.set_xy(10, 10 + 6 * i)
            pdf.cell(0, 6, line)
    pdf.output(str(path))


def extract_all(path: Path) -> dict[str, tuple[float, list[str]]]:
    import pdfplumber
    import pypdf
    import pypdfium2

    out = {}
    started = time.perf_counter()
    document = pypdfium2.PdfDocument(str(path))
    text = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    out["pypdfium2"] = (time.perf_counter() - started, text)
    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        text = [page.extract_text() or "" for page in pdf.pages]
    out["pdfplumber"] = (time.perf_counter() - started, text)
    started = time.perf_counter()
    text = [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]
    out["pypdf"] = (time.perf_counter() - started, text)
    return out


def bench_pdf(pages: int) -> None:
    lines = page_lines(pages)
    print(f"\n## PDF text layers ({pages} pages, {sum(map(len, lines))} lines)")
    print("| PDF written by | library | seconds | lines recovered exactly |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        makers = [("reportlab, CID font STSong-Light", pdf_reportlab)]
        if NOTO.exists():
            makers.append(("fpdf2, embedded Noto Sans CJK (CFF)", pdf_fpdf_noto))
        for name, make in makers:
            path = Path(tmp) / "bench.pdf"
            make(path, lines)
            for library, (seconds, texts) in extract_all(path).items():
                got = {line.strip() for text in texts for line in text.replace("\r", "").split("\n")}
                share = sum(line in got for page in lines for line in page) / sum(map(len, lines))
                print(f"| {name} | {library} | {seconds:.2f} | {share:.0%} |")


def bench_docx() -> None:
    import docx
    import docx2python
    import mammoth

    print("\n## .docx readers (heading styles, Word list numbering, a table)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.docx"
        document = docx.Document()
        document.add_heading("（一）污水治理", level=2)
        document.add_paragraph("针对管网老化问题", style="List Number")
        document.add_paragraph("全镇新建污水管网37.6公里。")
        table = document.add_table(rows=2, cols=2)
        for r, row in enumerate([["村名", "户数"], ["东村", "412"]]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        document.save(path)
        print("| library | seconds | heading style | numbering \"1.\" | table cells |\n|---|---|---|---|---|")
        from ingest.readers import docx as reader

        started = time.perf_counter()
        text = reader.read(path, path.read_bytes()).text
        print(f"| python-docx (ingest/readers/docx.py) | {time.perf_counter() - started:.3f} | "
              f"{'## ' in text or '（一）' in text} | {'1.针对' in text} | {'| 东村 | 412 |' in text} |")
        started = time.perf_counter()
        html = mammoth.convert_to_html(str(path)).value
        print(f"| mammoth | {time.perf_counter() - started:.3f} | {'<h2>' in html} | {'1.针对' in html} | {'<td><p>412</p></td>' in html} |")
        started = time.perf_counter()
        with docx2python.docx2python(path) as result:
            text = result.text
        print(f"| docx2python | {time.perf_counter() - started:.3f} | False | {'1)' in text or '1.' in text} | {'412' in text} |")


def bench_long_line(chars: int) -> None:
    from eval.bench import BenchAssistant, SyntheticPassageEmbedding, bench_settings

    print(f"\n## One {chars:,}-character line (header in front), synthetic vectors")
    sentence = "2021年，全县重点项目完成投资158.72亿元，完成年度任务123.34%，其中第{}批项目开工建设。"
    body, i = [], 0
    while sum(map(len, body)) < chars:
        body.append(sentence.format(i))
        i += 1
    line = "来源:某某县人民政府 发布时间:2022-03-21 " + "".join(body)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one-line.txt"
        path.write_text(line[:chars], encoding="utf-8")
        from ingest.notice import read_notice
        from ingest.pipeline import _parse

        started = time.perf_counter()
        notice = read_notice(path)
        read_s = time.perf_counter() - started
        nodes = _parse(notice, 300)
        print(f"read {read_s:.2f} s, parse into {len(nodes)} passages {time.perf_counter() - started - read_s:.2f} s")
        bot = BenchAssistant(bench_settings(Path(tmp) / "home", Path(tmp) / "cache.sqlite"), SyntheticPassageEmbedding())
        # Once per process, not the file's cost: jieba's dictionary and tagger (≈2 s), the store's
        # client. A small notice ingested first pays them.
        warm = Path(tmp) / "warm-up.txt"
        warm.write_text("关于整改情况的通报\n一、总体情况\n全年完成投资5亿元。\n", encoding="utf-8")
        bot.ingest(warm)
        started = time.perf_counter()
        (result,) = bot.ingest(path).notices
        seconds = time.perf_counter() - started
        print(f"ingest (read, parse, {result.nodes} passages, store, keyword index): {seconds:.1f} s "
              f"(target < 10 s: {'met' if seconds < 10 else 'MISSED'}); real embedding would add ≈{result.nodes / 10:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--chars", type=int, default=400_000)
    args = parser.parse_args()
    bench_pdf(args.pages)
    bench_docx()
    bench_long_line(args.chars)


if __name__ == "__main__":
    main()
