"""Ingesting into the real Chroma store: idempotence, replacement, removal, persistence, atomicity, bad input.

Tests that write work on a private copy of the session store (`writable_home`) and
ingest only small synthetic notices, whose vectors the shared embedding cache keeps.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from assistant import Assistant
from assistant.config import REPO_ROOT, SAMPLE_NOTICE
from assistant.errors import NoticeError, UnknownDocumentError
from ingest.store import NoticeStore

DOC_ID = "gaoming-xunshi-zhenggai-2021"
SMALL_NOTICE = """\
关于某区巡察整改情况的通报

根据区委统一部署，现将巡察整改情况通报如下。

一、整改工作开展情况
（一）加强组织领导。区委召开专题会议5次，研究整改事项32项。
（二）推进问题整改。截至2021年12月，已完成整改问题41个，完成率93.2%。
二、下一步工作
1.持续巩固整改成果。计划2022年新建农村公路12.5公里。

中共某区委
2022年1月5日
"""


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def node_ids(bot: Assistant, doc_id: str | None = None) -> set[str]:
    where = {"doc_id": doc_id} if doc_id else None
    return set(bot.store.nodes.get(where=where, include=[])["ids"])


def active_node_ids(bot: Assistant, doc_id: str) -> set[str]:
    """The nodes retrieval may see: those of the version the catalog names."""
    version = bot.store.document(doc_id).version
    return set(bot.store.nodes.get(where={"$and": [{"doc_id": doc_id}, {"version": version}]}, include=[])["ids"])


def snapshot(home) -> dict:
    """Everything a user could observe about a store, read through a fresh Assistant."""
    bot = Assistant(home=home)
    docs = [r.to_dict() for r in bot.documents()]
    return {
        "documents": docs,
        "nodes": sorted(node_ids(bot)),
        "count": bot.store.nodes.count(),
        "catalog": sorted(bot.store.catalog.get(include=[])["ids"]),
        "texts": {d["doc_id"]: bot.notice_text(d["doc_id"]) for d in docs},
        "keyword": sorted(bot.store.keyword_index().node_ids),
    }


# -- idempotence and replacement ----------------------------------------------------------


def test_reingesting_an_unchanged_notice_is_a_no_op(writable_home, tmp_path):
    before = snapshot(writable_home)
    bot = Assistant(home=writable_home)
    calls = []
    report = bot.ingest(SAMPLE_NOTICE, progress=lambda *a: calls.append(a))
    (result,) = report.notices
    assert (result.doc_id, result.status, result.embedded) == (DOC_ID, "unchanged", 0)
    assert result.nodes == len(before["nodes"]) and not report.changed
    assert "内容没有变化" in report.summary() and "无需处理" in report.summary()
    assert calls == []  # no embedding work to show
    # The same text re-encoded in GB18030 under the same name is the same notice.
    copy = tmp_path / SAMPLE_NOTICE.name
    copy.write_bytes(SAMPLE_NOTICE.read_text(encoding="utf-8").encode("gb18030"))
    assert Assistant(home=writable_home).ingest(copy).notices[0].status == "unchanged"
    assert snapshot(writable_home) == before


def test_changed_notice_replaces_its_old_nodes(writable_home, tmp_path):
    bot = Assistant(home=writable_home)
    old = bot.store.document(DOC_ID)
    old_ids = node_ids(bot, DOC_ID)
    other_ids = node_ids(bot) - old_ids
    original = SAMPLE_NOTICE.read_text(encoding="utf-8")
    assert original.count("158.72亿元") == 1
    changed = write(tmp_path / SAMPLE_NOTICE.name, original.replace("158.72亿元", "163.05亿元"))

    report = bot.ingest(changed, replace=True)
    (result,) = report.notices
    assert result.status == "replaced" and result.other_id == DOC_ID
    assert f"{DOC_ID}:已替换原通报《{old.title}》" in report.summary()
    assert result.embedded <= 1  # only the edited passage needs the model (none once cached)

    new = bot.store.document(DOC_ID)
    assert new.version != old.version and new.content_hash != old.content_hash
    assert new.nodes == result.nodes == old.nodes
    ids = node_ids(bot, DOC_ID)
    assert len(ids) == new.nodes and ids.isdisjoint(old_ids)
    assert not bot.store.nodes.get(where={"version": old.version}, include=[])["ids"]
    assert node_ids(bot) - ids == other_ids
    text = bot.notice_text(DOC_ID)
    assert "163.05亿元" in text and "158.72亿元" not in text
    keyword = bot.store.keyword_index()
    assert set(keyword.node_ids) == ids
    assert not keyword.search("158.72", top_k=5)
    hit, _ = keyword.search("163.05亿元", top_k=1)[0]
    hit_text = bot.store.fetch_nodes([hit])[hit]["text"]
    assert "163.05亿元" in hit_text

    # Another Assistant on the same home sees the new version, and re-ingesting it is a no-op.
    again = Assistant(home=writable_home)
    assert again.store.document(DOC_ID).version == new.version
    assert again.ingest(changed).notices[0].status == "unchanged"
    assert again.ingest(changed, replace=True).notices[0].status == "unchanged"


def test_documents_lists_and_remove_removes(writable_home, tmp_path):
    bot = Assistant(home=writable_home)
    sample_ids = node_ids(bot, DOC_ID)
    (result,) = bot.ingest(write(tmp_path / "small-notice.txt", SMALL_NOTICE)).notices
    assert (result.doc_id, result.status) == ("small-notice", "added")
    assert [r.doc_id for r in bot.documents()] == ["gaoming-xunshi-zhenggai-2021", "small-notice"]
    record = bot.store.document("small-notice")
    assert record.title == "关于某区巡察整改情况的通报" and record.signed_on == "2022-01-05"
    assert record.issuer == "中共某区委" and record.sections == 5
    small_ids = node_ids(bot, "small-notice")
    assert len(small_ids) == record.nodes > 0
    assert small_ids <= set(bot.store.keyword_index().node_ids)

    removed = bot.remove("small-notice")
    assert removed.doc_id == "small-notice"
    assert [r.doc_id for r in bot.documents()] == [DOC_ID]
    assert not node_ids(bot, "small-notice")
    assert "small-notice" not in bot.store.catalog.get(include=[])["ids"]
    assert set(bot.store.keyword_index().node_ids) == sample_ids == node_ids(bot, DOC_ID)
    with pytest.raises(UnknownDocumentError):
        bot.notice_text("small-notice")
    with pytest.raises(UnknownDocumentError, match="small-notice"):
        bot.remove("small-notice")
    with pytest.raises(UnknownDocumentError, match="no-such-notice"):
        bot.remove("no-such-notice")
    # A fresh process-level view agrees.
    assert [r.doc_id for r in Assistant(home=writable_home).documents()] == [DOC_ID]


def test_the_same_text_under_another_file_name_is_the_same_notice(writable_home, tmp_path):
    bot = Assistant(home=writable_home)
    before = node_ids(bot)
    copy = tmp_path / "gaoming-copy.txt"
    shutil.copy(SAMPLE_NOTICE, copy)
    (result,) = bot.ingest(copy).notices
    assert (result.doc_id, result.status, result.embedded) == (DOC_ID, "unchanged", 0)
    assert [r.doc_id for r in bot.documents()] == [DOC_ID] and node_ids(bot) == before


def test_notice_without_headings_is_ingested_in_paragraph_chunks(writable_home, tmp_path):
    paragraphs = [f"第{i}项：本年度共开展专项检查{i * 7}次，督促整改问题{i * 3}个，追回资金{i}.5万元。" * 5 for i in range(1, 7)]
    path = write(tmp_path / "plain-notes.txt", "\n\n".join(paragraphs))
    bot = Assistant(home=writable_home)
    (result,) = bot.ingest(path).notices
    assert result.sections == 0 and result.nodes >= 3
    got = bot.store.nodes.get(where={"doc_id": "plain-notes"}, include=["metadatas", "documents"])
    assert {m["section_labels"] for m in got["metadatas"]} == {"[]"}
    text = bot.notice_text("plain-notes")
    assert all(text[m["start"] : m["end"]] == d for m, d in zip(got["metadatas"], got["documents"]))


# -- persistence ---------------------------------------------------------------------------

REOPEN = """
import json, sys
from assistant import Assistant
bot = Assistant(home=sys.argv[1])
print(json.dumps({
    "documents": [r.to_dict() for r in bot.documents()],
    "nodes": sorted(bot.store.nodes.get(include=[])["ids"]),
    "text": bot.notice_text("small-notice"),
    "keyword": sorted(bot.store.keyword_index().node_ids),
}, ensure_ascii=False))
"""


def test_a_new_process_sees_the_same_store(writable_home, tmp_path):
    bot = Assistant(home=writable_home)
    bot.ingest(write(tmp_path / "small-notice.txt", SMALL_NOTICE))
    here = {
        "documents": [r.to_dict() for r in bot.documents()],
        "nodes": sorted(node_ids(bot)),
        "text": bot.notice_text("small-notice"),
        "keyword": sorted(bot.store.keyword_index().node_ids),
    }
    proc = subprocess.run(
        [sys.executable, "-c", REOPEN, str(writable_home)],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT, env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    there = json.loads(proc.stdout)
    assert there == here
    assert {d["doc_id"] for d in there["documents"]} == {DOC_ID, "small-notice"}


# -- atomicity -----------------------------------------------------------------------------


class Crash(RuntimeError):
    pass


def crash_on(monkeypatch, store: NoticeStore, collection: str, method: str) -> None:
    """Make the store's next `collection.method` call fail, as a killed process would."""
    target = getattr(store, collection)

    def fail(*args, **kwargs):
        raise Crash(f"simulated crash in {collection}.{method}")

    monkeypatch.setattr(target, method, fail)


def text_ids(bot, doc_id):
    return sorted(bot.store.texts.get(where={"doc_id": doc_id}, include=[])["ids"])


def test_a_store_written_with_the_text_in_the_catalog_document_still_reads(writable_home):
    """Stores written before the `-texts` collection kept each notice's bundle as its catalog document."""
    from ingest.store import pack_bundle

    bot = Assistant(home=writable_home)
    bundle = bot.store.notice_bundle(DOC_ID)
    bot.store.catalog.update(ids=[DOC_ID], documents=[pack_bundle(bundle)], embeddings=[[1.0]])
    bot.store.texts.delete(where={"doc_id": DOC_ID})
    old = Assistant(home=writable_home)
    assert old.notice_text(DOC_ID) == bundle["text"]
    assert old.ask("2020年全区重点项目完成投资多少?").text.startswith("158.72亿元")


def test_crash_before_the_catalog_switch_keeps_the_old_version(writable_home, tmp_path, monkeypatch):
    bot = Assistant(home=writable_home)
    old = bot.store.document(DOC_ID)
    old_active = active_node_ids(bot, DOC_ID)
    old_keyword = sorted(bot.store.keyword_index().node_ids)
    original = SAMPLE_NOTICE.read_text(encoding="utf-8")
    changed = write(tmp_path / SAMPLE_NOTICE.name, original.replace("158.72亿元", "163.05亿元"))

    upsert = bot.store.catalog.upsert

    def fail_on_the_switch(*args, ids, **kwargs):  # the pending marker is written; the switch fails
        if DOC_ID in ids:
            raise Crash("simulated crash in catalog.upsert")
        return upsert(*args, ids=ids, **kwargs)

    monkeypatch.setattr(bot.store.catalog, "upsert", fail_on_the_switch)
    with pytest.raises(Crash):
        bot.ingest(changed, replace=True)
    monkeypatch.undo()

    # The new version's nodes were written, but nothing that readers use names them.
    after = Assistant(home=writable_home)
    assert after.store.document(DOC_ID).to_dict() == old.to_dict()
    assert active_node_ids(after, DOC_ID) == old_active
    assert sorted(after.store.keyword_index().node_ids) == old_keyword
    assert "158.72亿元" in after.notice_text(DOC_ID)
    # The failed writer swept what it had written at once, its stored text included.
    assert node_ids(after, DOC_ID) == old_active
    assert text_ids(after, DOC_ID) == [f"{DOC_ID}@{old.version}"]

    # The next ingest of the changed file completes the replacement and sweeps the orphans.
    (result,) = after.ingest(changed, replace=True).notices
    assert result.status == "replaced"
    new = after.store.document(DOC_ID)
    assert node_ids(after, DOC_ID) == active_node_ids(after, DOC_ID)
    assert len(node_ids(after, DOC_ID)) == new.nodes
    assert "163.05亿元" in after.notice_text(DOC_ID)
    assert text_ids(after, DOC_ID) == [f"{DOC_ID}@{new.version}"]


def test_crash_after_the_catalog_switch_is_swept_by_the_next_ingest(writable_home, tmp_path, monkeypatch):
    bot = Assistant(home=writable_home)
    old = bot.store.document(DOC_ID)
    original = SAMPLE_NOTICE.read_text(encoding="utf-8")
    changed = write(tmp_path / SAMPLE_NOTICE.name, original.replace("158.72亿元", "163.05亿元"))

    crash_on(monkeypatch, bot.store, "nodes", "delete")
    with pytest.raises(Crash):
        bot.ingest(changed, replace=True)
    monkeypatch.undo()

    after = Assistant(home=writable_home)
    new = after.store.document(DOC_ID)
    assert new.version != old.version and "163.05亿元" in after.notice_text(DOC_ID)
    assert len(active_node_ids(after, DOC_ID)) == new.nodes
    assert set(after.store.keyword_index().node_ids) == active_node_ids(after, DOC_ID)

    # Re-ingesting the (now current) file does no work, and leaves only the active version.
    (result,) = after.ingest(changed).notices
    assert (result.status, result.embedded) == ("unchanged", 0)
    assert node_ids(after, DOC_ID) == active_node_ids(after, DOC_ID)


# -- bad input -------------------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(256)) * 4


def make_bad_input(kind: str, tmp_path):
    """(paths to ingest, the file the error must name, words of the reason)."""
    if kind == "empty":
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
        return [path], path, "空的"
    if kind == "whitespace":
        path = tmp_path / "blank.md"
        path.write_bytes(" \n\t\u3000\n".encode())
        return [path], path, "空的"
    if kind == "binary":
        path = tmp_path / "scan.txt"
        path.write_bytes(PNG)
        return [path], path, "二进制"
    if kind == "undecodable":
        path = tmp_path / "broken.txt"
        path.write_bytes("一、总体情况\n整改完成".encode() + b"\xff\xfe\x80" + "问题41个。".encode())
        return [path], path, "编码"
    if kind == "chrome-only-html":
        path = tmp_path / "page.html"
        path.write_text(
            '<html><body><div class="nav">所在位置:<a>首页</a></div><div class="footer"><p>主办单位:某某</p>'
            "<p>粤ICP备10233762号</p></div></body></html>",
            encoding="utf-8",
        )
        return [path], path, "没有可读的正文"
    if kind == "empty-directory":
        folder = tmp_path / "scans"
        folder.mkdir()
        (folder / "photo.bmp").write_bytes(PNG)
        (folder / "notes.xlsx").write_bytes(b"PK\x03\x04")
        return [folder], folder, "没有可导入的通报文件"
    if kind == "missing":
        path = tmp_path / "no-such-notice.txt"
        return [path], path, "不存在"
    if kind == "unsupported":
        path = tmp_path / "notice.doc"
        path.write_text(SMALL_NOTICE, encoding="utf-8")
        return [path], path, "不支持的文件类型"
    if kind == "corrupt-docx":
        path = tmp_path / "attachment.docx"
        path.write_text(SMALL_NOTICE, encoding="utf-8")  # a text file under a Word name
        return [path], path, "不是有效的 Word"
    if kind == "corrupt-pdf":
        path = tmp_path / "notice.pdf"
        path.write_bytes(b"%PDF-1.7\n" + SMALL_NOTICE.encode()[:200])
        return [path], path, "不是有效的 PDF"
    if kind == "locked-pdf":
        from reportlab.lib import pdfencrypt
        from reportlab.pdfgen import canvas

        path = tmp_path / "locked.pdf"
        pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret"))
        pdf.drawString(72, 700, "locked")
        pdf.save()
        return [path], path, "密码"
    if kind == "good-and-bad":
        good = write(tmp_path / "small-notice.txt", SMALL_NOTICE)
        bad = tmp_path / "empty.txt"
        bad.write_bytes(b"")
        return [good, bad], bad, "空的"
    if kind == "folder-with-a-bad-file":
        folder = tmp_path / "batch"
        folder.mkdir()
        write(folder / "a-small-notice.txt", SMALL_NOTICE)
        (folder / "b-scan.txt").write_bytes(PNG)
        return [folder], folder / "b-scan.txt", "二进制"
    if kind == "too-long":
        path = write(tmp_path / "huge.txt", "一、总体情况\n" + "整改完成问题41个。" * 120_000)
        return [path], path, "超过上限"
    raise AssertionError(kind)


BAD_INPUTS = [
    "empty", "whitespace", "binary", "undecodable", "chrome-only-html", "empty-directory",
    "missing", "unsupported", "corrupt-docx", "corrupt-pdf", "locked-pdf",
    "good-and-bad", "folder-with-a-bad-file", "too-long",
]


@pytest.fixture(scope="module")
def bad_input_home(module_home):
    """One private copy of the sample store for all bad-input tests: none may change it."""
    return module_home


@pytest.fixture(scope="module")
def bad_input_before(bad_input_home):
    return snapshot(bad_input_home)


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_raises_a_typed_error_and_leaves_the_store_as_it_was(kind, tmp_path, bad_input_home, bad_input_before):
    paths, named, reason = make_bad_input(kind, tmp_path)
    bot = Assistant(home=bad_input_home)
    with pytest.raises(NoticeError) as caught:
        bot.ingest(*paths)
    message = str(caught.value)
    assert named.name in message and reason in message, message
    assert "\n" not in message
    assert caught.value.path.name == named.name
    assert snapshot(bad_input_home) == bad_input_before
