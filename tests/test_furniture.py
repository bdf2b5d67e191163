"""Site furniture is removed from text exports and web pages; the notice's body is kept exactly,
and what the furniture said (dates, issuer, source) comes back as metadata."""

from __future__ import annotations

import time

import pytest

import furniture_pages as pages
from ingest.errors import NoticeError
from ingest.furniture import strip_furniture
from ingest.notice import read_notice

EXPECTED = [pages.TITLE, *pages.BODY]

LAYOUTS = {
    "headers.txt": (pages.text_export_headers, {"published_on": "2024-01-05", "source": "中共云溪市临江区委"}),
    "date-first.txt": (pages.text_export_date_first, {"published_on": "2023-12-28", "source": "临江区委巡视整改办"}),
    "metadata-one-line.txt": (lambda: pages.text_export_metadata_block(False), {"written_on": "2023-12-26"}),
    "metadata-two-lines.txt": (lambda: pages.text_export_metadata_block(True), {"written_on": "2023-12-26"}),
    "metadata-spaced.txt": (lambda: pages.text_export_metadata_block(False, spaced=True), {"written_on": "2023-12-26"}),
    "split-title.txt": (pages.text_export_split_title, {"published_on": "2024-01-05"}),
    "heavy.html": (pages.heavy_page, {"published_on": "2024-01-05", "written_on": "2023-12-26", "source": "中共云溪市临江区委"}),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_furniture_is_removed_and_the_body_kept_exactly(name, tmp_path):
    build, metadata = LAYOUTS[name]
    path = tmp_path / name
    path.write_text(build(), encoding="utf-8")
    notice = read_notice(path)
    lines = [line.strip() for line in notice.text.split("\n") if line.strip()]
    assert lines == EXPECTED  # no furniture line left, no body line lost, the title once
    context = notice.context
    assert {k: getattr(context, k) for k in metadata} == metadata
    assert (context.title, context.issuer, context.signed_on) == (pages.TITLE, "中共云溪市临江区委", "2023-12-26")
    for furniture in ("浏览量", "访问量", "关怀版", "字体", "打印", "朗读", "主办单位", "ICP", "扫一扫", "信息索引号", "_临江区人民政府网"):
        assert furniture not in notice.text, furniture


def test_metadata_block_gives_the_issuer_when_the_notice_is_unsigned():
    text = "发布机构\n中共云溪市临江区委\n成文日期\n2023-12-26\n\n关于巡视整改进展情况的通报\n\n" + pages.BODY[0] + "\n"
    body, meta = strip_furniture(text)
    assert meta == {"issuer": "中共云溪市临江区委", "written_on": "2023-12-26", "title": "关于巡视整改进展情况的通报"}
    assert body == "关于巡视整改进展情况的通报\n\n" + pages.BODY[0]


def test_a_long_single_line_keeps_its_body_and_loses_only_the_header_span():
    body = "根据区委统一部署，全区开展整改工作，完成投资12.5亿元。" * 14000
    for line, kept in [
        ("来源:临江区委 发布时间:2024-07-18 11:16 " + body, body),
        (body + " 来源:临江区委 发布时间:2024-07-18 浏览量: " + body, body + "\n" + body),
    ]:
        assert len(line) > 400_000
        started = time.perf_counter()
        text, meta = strip_furniture(line)
        assert time.perf_counter() - started < 2.0  # linear: a fraction of a second
        assert text == kept
        assert meta["published_on"] == "2024-07-18" and meta["source"] == "临江区委"


def test_prose_that_looks_like_a_label_stays():
    text = "\n".join(["一、总体情况", "资金来源：区级财政统筹安排。", "来源于群众的意见建议36条。", "分享经验做法12条。", "来源:"])
    body, meta = strip_furniture(text)
    assert body.split("\n")[:4] == text.split("\n")[:4]
    assert "source" not in meta


def test_the_date_glued_to_the_title_is_metadata(tmp_path):
    path = tmp_path / "glued.txt"
    path.write_text(f"{pages.TITLE}（2024-07-26）\n\n" + "\n\n".join(pages.BODY), encoding="utf-8")
    notice = read_notice(path)
    assert notice.text.split("\n")[0] == pages.TITLE
    assert (notice.title, notice.published_on) == (pages.TITLE, "2024-07-26")


def test_deeply_nested_html_is_refused_in_chinese(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 10000 + "根据区委统一部署。" + "</div>" * 10000 + "</body></html>", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(NoticeError) as caught:
        read_notice(path)
    assert time.perf_counter() - started < 10
    assert "嵌套" in str(caught.value) and caught.value.path == path
