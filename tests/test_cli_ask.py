"""`assistant ask` and `assistant chat`: the answer with its section path, JSON output,
a cold start on an empty store, and user errors as one line without a traceback.

The command-line tests that need a real process (cold start, chat over stdin, exit
codes) run the installed `assistant` script; the rest use click's runner in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import Assistant
from assistant.cli import main
from tests.conftest import REPO

QUESTION = "2020年全区重点项目完成投资多少?"
DISPLAY_PATH = "二 › 第四方面问题 › (一) › 1. 针对统筹推进省市区重大项目进展缓慢问题"
SAMPLE = "gaoming-xunshi-zhenggai-2021"


def assistant_command() -> list[str]:
    """The CLI of this checkout (the installed script may belong to another one)."""
    return [sys.executable, "-m", "assistant.cli"]


def run_cli(*args: str, stdin: str | None = None, timeout: float = 180, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANT_HOME", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL")}
    env.update(env_overrides)
    return subprocess.run(
        [*assistant_command(), *args], input=stdin, capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO
    )


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_ask_prints_the_figure_and_the_section_path(sample_home):
    result = invoke("--home", str(sample_home), "ask", QUESTION)
    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith("158.72亿元")
    assert DISPLAY_PATH in result.output
    assert "「2020年,全区重点项目完成投资158.72亿元" in result.output


def test_ask_json_gives_the_answer_fields(sample_home, bot):
    result = invoke("--home", str(sample_home), "ask", "--json", QUESTION)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["found"] is True
    assert "158.72亿元" in data["text"]
    assert data["answerer"] == "offline"
    first = data["citations"][0]
    assert first["section_path"] == ["二", "第四方面问题", "(一)", "1."]
    assert first["display_path"] == DISPLAY_PATH
    for c in data["citations"]:
        assert {"doc_id", "quote", "start", "end", "section_path", "section_titles"} <= set(c)
        assert c["quote"] == bot.notice_text(c["doc_id"])[c["start"] : c["end"]]


def test_ask_on_an_unanswerable_question_says_so(sample_home):
    result = invoke("--home", str(sample_home), "ask", "高明区2021年的GDP是多少?")
    assert result.exit_code == 0, result.output
    assert "未载明" in result.output


def test_ask_on_an_empty_store_ingests_the_bundled_notice_first(tmp_path):
    home = tmp_path / "cold-home"
    result = run_cli("--home", str(home), "ask", QUESTION)
    assert result.returncode == 0, result.stderr
    assert "158.72亿元" in result.stdout
    assert DISPLAY_PATH in result.stdout
    assert "向量化《" in result.stderr  # the progress bar of the first ingest
    assert "Traceback" not in result.stderr
    assert [r.doc_id for r in Assistant(home=home).documents()] == [SAMPLE]


def test_a_fresh_install_answers_from_the_shipped_vectors_without_embedding(tmp_path):
    """A new home and an empty embedding cache: the bundled notice's vectors come with the package."""
    result = run_cli("ask", QUESTION, "--home", str(tmp_path / "home"), ASSISTANT_EMBED_CACHE=str(tmp_path / "cache.sqlite"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("158.72亿元")
    assert "新向量化 0 段" in result.stderr, result.stderr  # every passage's vector came from the package
    assert "连同启动共" in result.stderr
    assert "prefix dict" not in result.stderr and "Loading model" not in result.stderr  # no jieba chatter


def test_global_options_go_before_or_after_the_command(sample_home):
    before = invoke("--home", str(sample_home), "docs", "--json")
    after = invoke("docs", "--json", "--home", str(sample_home))
    joined = invoke("docs", f"--home={sample_home}")
    assert before.exit_code == after.exit_code == joined.exit_code == 0, after.output
    assert [r["doc_id"] for r in json.loads(after.output)] == [SAMPLE]
    assert before.output == after.output
    assert joined.output.startswith(SAMPLE)


def test_help_and_usage_errors_are_in_chinese():
    for args in (["--help"], ["ask", "--help"], ["figures", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert "用法:" in result.output and "选项" in result.output and "Usage" not in result.output
    missing = run_cli("ask")
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines()[-1].startswith("错误:缺少参数")
    assert "Usage" not in missing.stderr and "Error" not in missing.stderr


def test_empty_question_is_one_line_error(sample_home):
    result = run_cli("--home", str(sample_home), "ask", "")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:") and "问题是空的" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("question, says", [("   ", "问题是空的"), ("问" * 100_000, "100,000")], ids=["blank", "huge"])
def test_bad_question_is_one_line_error(sample_home, question, says):
    result = invoke("--home", str(sample_home), "ask", question)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误:") and says in lines[0]


def test_ask_with_an_unknown_doc_id_is_an_error(sample_home):
    result = invoke("--home", str(sample_home), "ask", "--doc", "no-such-notice", QUESTION)
    assert result.exit_code == 1
    assert "no-such-notice" in result.output


def test_chat_over_stdin_resolves_the_followup(sample_home):
    stdin = f"{QUESTION}\n那完成年度任务的比例呢?\n/quit\n"
    result = run_cli("--home", str(sample_home), "chat", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # one answer after each prompt: the figure first, then the rate, resolved from the history
    answers = result.stdout.split("问> ")[1:]
    assert len(answers) == 3, result.stdout
    assert answers[0].lstrip().startswith("158.72亿元"), answers[0]
    assert answers[1].lstrip().startswith("123.34%"), answers[1]
    assert DISPLAY_PATH in answers[1]


def test_chat_ends_at_end_of_input(sample_home):
    result = CliRunner().invoke(main, ["--home", str(sample_home), "chat"], input="城镇登记失业率是多少?\n")
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "2.63%" in result.output


def test_chat_reports_a_bad_question_and_goes_on(sample_home):
    result = CliRunner().invoke(main, ["--home", str(sample_home), "chat"], input="???\n城镇登记失业率是多少?\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "错误:" in result.output
    assert "2.63%" in result.output
