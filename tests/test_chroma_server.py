"""Ingesting into a real `chroma run` server on loopback (started and stopped by the `chroma_server` fixture)."""

from __future__ import annotations

import uuid
from urllib.parse import urlparse

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant import Assistant
from assistant.config import SAMPLE_NOTICE
from assistant.errors import StoreError

DOC_ID = "gaoming-xunshi-zhenggai-2021"


@pytest.fixture
def collection() -> str:
    """A collection of this test's own: the server is shared by the whole session."""
    return f"ingest-test-{uuid.uuid4().hex[:8]}"


def http_client(url: str) -> chromadb.HttpClient:
    parsed = urlparse(url)
    return chromadb.HttpClient(host=parsed.hostname, port=parsed.port, settings=ChromaSettings(anonymized_telemetry=False))


def test_ingest_into_a_chroma_server(chroma_server, collection, tmp_path, bot):
    writer = Assistant(home=tmp_path / "writer", chroma_url=chroma_server, collection=collection)
    (result,) = writer.ingest(SAMPLE_NOTICE).notices
    assert result.status == "added" and result.nodes > 100
    # Nothing of the store lives in the local home: only the keyword cache does.
    assert not (tmp_path / "writer" / "chroma").exists()

    client = http_client(chroma_server)
    nodes = client.get_collection(collection)
    got = nodes.get(where={"doc_id": DOC_ID}, include=["metadatas", "documents"])
    assert len(got["ids"]) == result.nodes == nodes.count()
    text = writer.notice_text(DOC_ID)
    assert all(text[m["start"] : m["end"]] == d for m, d in zip(got["metadatas"], got["documents"]))
    # The same nodes as the embedded store of the session builds from the same file.
    local = bot.store.nodes.get(where={"doc_id": DOC_ID}, include=[])["ids"]
    assert sorted(got["ids"]) == sorted(local)
    catalog = client.get_collection(collection + "-catalog").get(include=["metadatas"])
    records = {i: m for i, m in zip(catalog["ids"], catalog["metadatas"]) if not i.startswith("#")}
    assert list(records) == [DOC_ID] and records[DOC_ID]["signed_on"] == "2021-05-06"

    # A second Assistant, with its own home, sees the same documents and nodes.
    reader = Assistant(home=tmp_path / "reader", chroma_url=chroma_server, collection=collection)
    assert [r.to_dict() for r in reader.documents()] == [r.to_dict() for r in writer.documents()]
    assert reader.notice_text(DOC_ID) == text
    assert sorted(reader.store.keyword_index().node_ids) == sorted(got["ids"])
    assert reader.ingest(SAMPLE_NOTICE).notices[0].status == "unchanged"

    reader.remove(DOC_ID)
    assert writer.documents() == [] and nodes.count() == 0


def test_a_server_that_is_not_there_is_a_store_error(tmp_path):
    from conftest import free_port

    bot = Assistant(home=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="无法打开 Chroma 存储"):
        bot.documents()
