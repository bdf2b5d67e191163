"""The `assistant` CLI's store commands: ingest, docs, remove — and its one-line errors.

Most tests drive `assistant.cli.main` with click's CliRunner; the installed entry point
itself runs in a subprocess for `--help` and for a failing batch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import Assistant
from assistant.cli import main
from assistant.config import SAMPLE_NOTICE
from ingest.readers import suffix_list

DOC_ID = "gaoming-xunshi-zhenggai-2021"
# The module of this checkout (the installed script may belong to another one).
ENTRY_POINT = [sys.executable, "-m", "assistant.cli"]
REPO = Path(__file__).resolve().parents[1]
SMALL_NOTICE = """\
关于某镇整改情况的通报

一、整改情况
（一）强化领导。镇党委召开专题会议3次，完成整改问题18个。
二、下一步工作
1.巩固成果。计划新建村道4.2公里。
"""


def run(home: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=False)


def node_ids(home: Path) -> list[str]:
    return sorted(Assistant(home=home).store.nodes.get(include=[])["ids"])


def test_help_lists_the_store_commands(tmp_path):
    proc = subprocess.run([*ENTRY_POINT, "--help"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    for command in ("ingest", "docs", "remove"):
        assert command in proc.stdout
    ingest_help = run(tmp_path, "ingest", "--help")
    assert ingest_help.exit_code == 0 and "GB18030" in ingest_help.output


def test_ingest_docs_remove(writable_home, tmp_path):
    unchanged = run(writable_home, "ingest", str(SAMPLE_NOTICE))
    assert unchanged.exit_code == 0, unchanged.output
    assert f"{DOC_ID}:已收录过,内容没有变化,无需处理" in unchanged.stdout

    small = tmp_path / "town-notice.txt"
    small.write_text(SMALL_NOTICE, encoding="utf-8")
    added = run(writable_home, "ingest", str(small))
    assert added.exit_code == 0, added.output
    assert "town-notice:已添加 — 4 个章节" in added.stdout
    assert "向量化《" in added.stderr and "段/s" in added.stderr  # the progress bar

    listed = run(writable_home, "docs")
    assert listed.exit_code == 0
    rows = [line.split("\t") for line in listed.stdout.strip().splitlines()]
    assert [r[0] for r in rows] == [DOC_ID, "town-notice"]
    assert rows[0][2] == "中共佛山市高明区委关于巡视整改进展情况的通报" and "2021-05-06" in rows[0]

    as_json = run(writable_home, "docs", "--json")
    records = json.loads(as_json.stdout)
    assert [r["doc_id"] for r in records] == [DOC_ID, "town-notice"]
    assert records[0]["published_on"] == "2021-05-08" and records[1]["sections"] == 4
    assert records[1]["nodes"] == len(Assistant(home=writable_home).store.nodes.get(where={"doc_id": "town-notice"})["ids"])

    removed = run(writable_home, "remove", "town-notice")
    assert removed.exit_code == 0 and "已删除 town-notice" in removed.stdout
    assert [r["doc_id"] for r in json.loads(run(writable_home, "docs", "--json").stdout)] == [DOC_ID]

    unknown = run(writable_home, "remove", "town-notice")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("错误:") and "town-notice" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_docs_on_an_empty_store(tmp_path):
    result = run(tmp_path / "empty-home", "docs")
    assert result.exit_code == 0 and "还没有导入任何通报" in result.stdout
    assert json.loads(run(tmp_path / "empty-home", "docs", "--json").stdout) == []


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "文件是空的"),
        ("scan.txt", bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)), "二进制文件"),
        ("broken.txt", "整改完成".encode() + b"\xff\x80", "无法识别文件编码"),
        ("missing.txt", None, "不存在"),
        ("notice.docx", b"PK\x03\x04", "不是有效的 Word"),
        ("notice.doc", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
    ],
)
def test_bad_input_prints_one_line_and_exits_non_zero(name, content, reason, writable_home, tmp_path):
    before = node_ids(writable_home)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(writable_home, "ingest", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:") and name in lines[0] and reason in lines[0], result.stderr
    assert node_ids(writable_home) == before


def test_entry_point_rejects_a_batch_with_a_bad_file(writable_home, tmp_path):
    before = node_ids(writable_home)
    good = tmp_path / "town-notice.txt"
    good.write_text(SMALL_NOTICE, encoding="utf-8")
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    (folder / "photo.bmp").write_bytes(b"BM")
    proc = subprocess.run(
        [*ENTRY_POINT, "--home", str(writable_home), "ingest", str(good), str(folder)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip() == f"错误:{folder}: 文件夹里没有可导入的通报文件({suffix_list()})"
    assert "Traceback" not in proc.stderr
    assert node_ids(writable_home) == before
    assert [r.doc_id for r in Assistant(home=writable_home).documents()] == [DOC_ID]
