"""The README's code, run as a new user would: every `bash` and `python` block, in order of
appearance, on an empty home, offline, with this checkout's code.

A block that must not run (set-up, a server that runs forever) has a comment
`<!-- not run: why -->` right above it. Untagged and `text` blocks are shown output
or listings, not commands.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

README = REPO / "README.md"
RUNNABLE = {"bash": "bash", "sh": "bash", "shell": "bash", "python": "python"}
_FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_NOT_RUN = re.compile(r"<!--\s*not run:\s*(?P<why>[^>]*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    line: int
    lang: str
    body: str
    not_run: str  # why not, "" when it runs


def readme_blocks(text: str) -> list[Block]:
    blocks = []
    for m in _FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        why = _NOT_RUN.search(before)
        blocks.append(Block(text.count("\n", 0, m.start()) + 1, m.group("lang"), m.group("body"), why.group("why") if why else ""))
    return blocks


@pytest.fixture
def fresh(tmp_path):
    """A new user's environment: an empty $HOME, no store, no LLM; `assistant` is this checkout's CLI."""
    home, work, bin_dir = tmp_path / "home", tmp_path / "work", tmp_path / "bin"
    for d in (home, work, bin_dir):
        d.mkdir()
    shim = bin_dir / "assistant"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m assistant.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if k not in ("ASSISTANT_HOME", "ASSISTANT_CHROMA_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL")}
    env.update(HOME=str(home), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(REPO))
    return work, env, home


def test_every_runnable_block_is_either_run_or_says_why_not():
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    runnable = [b for b in blocks if b.lang in RUNNABLE]
    assert [b for b in runnable if not b.not_run], "the README has no block to run"
    assert all(b.lang in RUNNABLE or b.lang in ("", "text") for b in blocks), [b.lang for b in blocks]


def test_the_readme_code_runs_on_a_fresh_home(fresh):
    work, env, home = fresh
    ran = []
    for block in readme_blocks(README.read_text(encoding="utf-8")):
        if block.lang not in RUNNABLE or block.not_run:
            continue
        if RUNNABLE[block.lang] == "bash":
            command = ["bash", "-euo", "pipefail", "-c", block.body]
        else:
            command = [sys.executable, "-c", block.body]
        # -m in the shim and PYTHONPATH: the blocks run this checkout's code from a folder outside it
        proc = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        where = f"README.md line {block.line} ({block.lang})"
        assert proc.returncode == 0, f"{where} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        assert "Traceback" not in proc.stderr, f"{where}:\n{proc.stderr[-3000:]}"
        ran.append((block, proc))
    assert {b.lang for b, _ in ran} >= {"bash", "python"}
    shell = next(p for b, p in ran if b.lang == "bash")
    assert "158.72亿元" in shell.stdout and "18.6公里" in shell.stdout  # the bundled notice, then the user's own
    assert (work / "figures.csv").stat().st_size > 0 and (work / "figures.xlsx").stat().st_size > 0
    assert (home / ".tongbao-wenda").is_dir() and (work / "other-store").is_dir()  # the default home, and --home
