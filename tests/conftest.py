"""Shared fixtures: one ingested store of the bundled notice for the whole test session.

Embedding the notice takes ~25 s on two cores, so every test that only reads shares
`sample_home`; vectors are cached by content hash in ASSISTANT_EMBED_CACHE (set by
tests/run.sh to .cache/ in the checkout) so a re-run embeds nothing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("ASSISTANT_EMBED_CACHE", str(REPO / ".cache" / "embeddings.sqlite"))
for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_CHROMA_URL", "ASSISTANT_HOME"):
    os.environ.pop(var, None)  # the tests choose their answerer and store explicitly

from assistant.config import SAMPLE_NOTICE  # noqa: E402

SAMPLE_DOC_ID = "gaoming-xunshi-zhenggai-2021"


@pytest.fixture(scope="session")
def sample_text() -> str:
    from ingest.notice import read_notice

    return read_notice(SAMPLE_NOTICE).text


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory) -> Path:
    """A store holding the bundled notice. Read-only for tests: copy it to change it."""
    from assistant import Assistant

    home = tmp_path_factory.mktemp("sample-home")
    Assistant(home=home).ingest(SAMPLE_NOTICE)
    return home


def home_with_notice(folder: Path, file_name: str, text: str) -> Path:
    """A store at `folder/home` holding one notice written for a test (`file_name` is its doc id
    and extension)."""
    from assistant import Assistant

    path = folder / file_name
    path.write_text(text, encoding="utf-8")
    Assistant(home=folder / "home").ingest(path)
    return folder / "home"


@pytest.fixture(scope="session")
def bot(sample_home):
    """The offline assistant over the bundled notice."""
    from assistant import Assistant

    return Assistant(home=sample_home)


def _copy_of(sample_home: Path, folder: Path) -> Path:
    home = folder / "home"
    shutil.copytree(sample_home, home)
    return home


@pytest.fixture
def writable_home(sample_home, tmp_path) -> Path:
    """A private copy of the sample store, for tests that change it."""
    return _copy_of(sample_home, tmp_path)


@pytest.fixture(scope="module")
def module_home(sample_home, tmp_path_factory) -> Path:
    """One private copy of the sample store for the tests of one module."""
    return _copy_of(sample_home, tmp_path_factory.mktemp("module"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on loopback, stopped at the end of the session."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
