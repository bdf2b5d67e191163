"""The package as a user installs it: a wheel built from this checkout, installed into a fresh
venv, run from a folder outside the repository, offline and against an OpenAI-protocol server.

No network: the wheel is built without build isolation and installed with --no-index; the
venv reaches the dependencies through a .pth line to the test interpreter's site-packages
(whose own editable install of the repo is not processed from there, so `assistant` can only
come from the wheel).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from assistant import prompts
from tests.conftest import REPO
from tests.openai_server import OpenAIServer, Reply
from tests.test_llm import MODEL, QUESTION, RIGHT, RIGHT_CHUNKS, llm_assistant

SAMPLE_DOC_ID = "gaoming-xunshi-zhenggai-2021"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of the checkout as it is now (tracked and new files), built in a copy of it."""
    source = tmp_path_factory.mktemp("source")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out)],
                   cwd=source, check=True, capture_output=True, timeout=300)
    (built,) = out.glob("tongbao_wenda-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return root


def installed_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "ASSISTANT_HOME", "ASSISTANT_CHROMA_URL", "ASSISTANT_PROMPTS_DIR",
                        "OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL")}
    return {**env, "HOME": str(tmp_path), **extra}


def run_installed(venv: Path, tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "assistant"), *args], cwd=tmp_path, env=installed_env(tmp_path, **extra),
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_holds_the_prompts_the_data_and_the_shipped_vectors(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for prompt in prompts.PROMPTS_DIR.glob("*.md"):
        assert f"prompts/{prompt.name}" in names
    assert f"assistant/samples/{SAMPLE_DOC_ID}.txt" in names and f"assistant/samples/{SAMPLE_DOC_ID}.vectors.npz" in names
    assert f"assistant/samples/{SAMPLE_DOC_ID}.facts.json.gz" in names
    assert "assistant/static/chat.css" in names and "assistant/kinds/__init__.py" in names
    assert {f"assistant/data/{p.name}" for p in (REPO / "assistant" / "data").iterdir()} <= names
    assert {f"ingest/data/{p.name}" for p in (REPO / "ingest" / "data").iterdir()} <= names
    assert not any(n.startswith("eval/heldout") for n in names)


def test_the_installed_package_comes_from_the_venv(venv, tmp_path):
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import assistant, ingest; print(assistant.__file__, ingest.__file__)"],
                           cwd=tmp_path, env=installed_env(tmp_path), capture_output=True, text=True, check=True).stdout.split()
    assert all(Path(w).is_relative_to(venv) for w in where), where


def test_installed_ask_answers_offline_from_outside_the_repo(venv, tmp_path):
    result = run_installed(venv, tmp_path, "ask", QUESTION, "--json", "--home", str(tmp_path / "store"),
                           ASSISTANT_EMBED_CACHE=str(tmp_path / "cache.sqlite"))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answerer"] == "offline" and "158.72亿元" in answer["text"]
    assert "新向量化 0 段" in result.stderr  # the shipped vectors came with the wheel
    assert "Traceback" not in result.stderr


def test_installed_ask_answers_through_an_llm_with_the_shipped_prompts(venv, tmp_path):
    with OpenAIServer(model=MODEL) as server:
        server.reply_with(Reply(RIGHT, chunks=RIGHT_CHUNKS))
        result = run_installed(venv, tmp_path, "ask", QUESTION, "--json", "--home", str(tmp_path / "store"),
                               OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="k", ASSISTANT_LLM_MODEL=MODEL)
        requests = server.answer_requests()
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answerer"] == f"llm:{MODEL}", answer.get("fallback_reason")
    assert "158.72亿元" in answer["text"] and not answer["fallback_reason"]
    assert requests and requests[0].message("system") == prompts.load("answer_system")


def test_a_missing_prompt_gives_the_offline_answer_and_says_why(sample_home, monkeypatch, tmp_path):
    with OpenAIServer(model=MODEL) as server:
        server.reply_with(Reply(RIGHT, chunks=RIGHT_CHUNKS))
        monkeypatch.setattr(prompts, "PROMPTS_DIR", tmp_path / "no-prompts")
        prompts.load.cache_clear()
        try:
            answer = llm_assistant(sample_home, server.base_url).ask(QUESTION)
        finally:
            prompts.load.cache_clear()
        assert server.answer_requests() == []
    assert answer.answerer == "offline" and "158.72亿元" in answer.text
    assert "提示词" in answer.fallback_reason and "大模型不可用" in answer.fallback_reason
