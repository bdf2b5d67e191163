"""The notice store: node vectors in ChromaDB, a catalog of documents, a keyword index.

Everything durable lives in Chroma — embedded (`PersistentClient` under the home
folder) or a server (`HttpClient`) — so several processes, or machines, see one
store. Two collections:

* `<name>` holds the nodes (vectors, text, section metadata), tagged with the
  document version (a content hash) they were built from;
* `<name>-catalog` holds one record per document: its metadata, the active
  version, and the full notice text that citation offsets point into.

Replacing a document is atomic: the new version's nodes are added first, then the
catalog record is switched to it in one write, then the old version's nodes are
deleted. A crash at any point leaves the catalog on one complete version; nodes of
versions the catalog does not name are invisible to retrieval and swept when the
document is next ingested. The keyword index is a local cache derived from the
active nodes and rebuilt whenever the catalog has moved on from the one it was
built for.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.context import NoticeContext
from ingest.errors import StoreError, UnknownDocumentError
from ingest.settings import StoreSettings
from ingest.keyword import KeywordIndex, TokenCache, tokenize
from ingest.notice import Notice

_PLACEHOLDER_VECTOR = [1.0]  # catalog records are looked up by id, never by similarity


@dataclass(frozen=True)
class NoticeRecord:
    """An ingested notice as the catalog knows it."""

    doc_id: str
    title: str
    issuer: str
    signed_on: str
    published_on: str
    source: str
    source_path: str
    version: str
    content_hash: str
    sections: int
    nodes: int
    ingested_at: str
    embed_model: str
    # The notice's context (ingest.context). Chroma metadata values are scalars, so places and
    # events are JSON strings; a store written before these fields reads them as "".
    kind: str = ""
    year: str = ""
    written_on: str = ""
    places: str = ""  # JSON list of {"level", "name", "short"}, broadest first
    events: str = ""  # JSON list of {"kind", "date", "text"}
    short_name: str = ""  # place + kind + year: "高明区 巡视整改 2021"

    def to_dict(self) -> dict:
        return asdict(self)

    def context(self) -> NoticeContext:
        return NoticeContext.from_dict(
            {
                **{k: getattr(self, k) for k in ("title", "issuer", "published_on", "signed_on", "written_on", "source", "kind", "year", "short_name")},
                "places": json.loads(self.places or "[]"),
                "events": json.loads(self.events or "[]"),
            }
        )


class NoticeStore:
    def __init__(self, settings: StoreSettings, embed_model_name: str):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.embed_model_name = embed_model_name
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if settings.chroma_url:
                self.client = _http_client(settings.chroma_url, chroma_settings)
            else:
                settings.home.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(settings.home / "chroma"), settings=chroma_settings)
            self.nodes = self.client.get_or_create_collection(
                settings.collection,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embed_model": embed_model_name},
                embedding_function=None,
            )
            self.catalog = self.client.get_or_create_collection(settings.collection + "-catalog", embedding_function=None)
        except StoreError:
            raise
        except Exception as exc:  # a server that is down, a folder we cannot write
            where = settings.chroma_url or settings.home / "chroma"
            raise StoreError(f"cannot open the Chroma store at {where}: {exc}") from exc
        built_with = (self.nodes.metadata or {}).get("embed_model")
        if built_with and built_with != embed_model_name:
            raise StoreError(
                f"this store was built with the embedding model {built_with!r}, not {embed_model_name!r}; "
                "use another ASSISTANT_HOME / collection, or the model that built it"
            )
        self._lock = threading.RLock()
        self._records: dict[str, NoticeRecord] | None = None
        self._bundles: dict[str, dict] = {}
        self._keyword: KeywordIndex | None = None
        self._vector_store = None
        self._tokens: TokenCache | None = None

    # -- reading -----------------------------------------------------------------

    def documents(self, refresh: bool = False) -> list[NoticeRecord]:
        with self._lock:
            if self._records is None or refresh:
                got = self.catalog.get(include=["metadatas"])
                self._records = {
                    i: NoticeRecord(**{k: m[k] for k in NoticeRecord.__dataclass_fields__ if k in m})
                    for i, m in zip(got["ids"], got["metadatas"])
                }
            return sorted(self._records.values(), key=lambda r: r.doc_id)

    def document(self, doc_id: str) -> NoticeRecord | None:
        self.documents()
        return self._records.get(doc_id)

    def active_versions(self) -> dict[str, str]:
        return {r.doc_id: r.version for r in self.documents()}

    def notice_text(self, doc_id: str) -> str:
        """The stored notice text that node offsets and citation quotes refer to."""
        return self.notice_bundle(doc_id)["text"]

    def notice_bundle(self, doc_id: str) -> dict:
        """What was stored with the notice's active version: its `text`, and what ingest derived
        from it once (e.g. `facts`, `outline`), so no reader parses the notice again."""
        with self._lock:
            if doc_id not in self._bundles:
                got = self.catalog.get(ids=[doc_id], include=["documents"])
                if not got["ids"]:
                    raise UnknownDocumentError(doc_id)
                self._bundles[doc_id] = unpack_bundle(got["documents"][0])
            return self._bundles[doc_id]

    def facts(self, doc_id: str) -> list:
        """The notice's facts as ingest stored them; computed from the text for a store written
        before facts were stored (and kept with the bundle, so once per process)."""
        from ingest.facts import Fact, extract_facts

        bundle = self.notice_bundle(doc_id)
        if "facts" not in bundle:
            record = self.document(doc_id)
            notice_date = (record.signed_on or record.published_on) if record else ""
            bundle["facts"] = [f.to_dict() for f in extract_facts(bundle["text"], notice_date=notice_date)]
        return [Fact.from_dict(f) for f in bundle["facts"]]

    def outline(self, doc_id: str) -> dict | None:
        """The notice's section outline as ingest stored it (ingest.sections.outline); None for a
        notice ingested before outlines were stored."""
        return self.notice_bundle(doc_id).get("outline")

    def pages(self, doc_id: str) -> list[int]:
        """Offsets where each page of a PDF or scan begins (empty for other kinds)."""
        return list(self.notice_bundle(doc_id).get("pages") or [])

    def vector_store(self):
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(chroma_collection=self.nodes)
        return self._vector_store

    def keyword_index(self) -> KeywordIndex:
        with self._lock:
            stamp = self._stamp()
            if self._keyword is None or self._keyword.stamp != stamp:
                folder = self._keyword_folder()
                loaded = KeywordIndex.load(folder)
                if loaded is None or loaded.stamp != stamp:
                    loaded = self._build_keyword_index(stamp)
                    loaded.save(folder)
                self._keyword = loaded
            return self._keyword

    def fetch_nodes(self, node_ids: list[str]) -> dict[str, dict]:
        """Text and metadata of nodes by id (for keyword hits, which carry ids only)."""
        if not node_ids:
            return {}
        got = self.nodes.get(ids=list(node_ids), include=["documents", "metadatas"])
        return {i: {"text": d, "metadata": m} for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}

    # -- writing -----------------------------------------------------------------

    def replace(self, notice: Notice, nodes: list, sections: int, derived: dict | None = None) -> NoticeRecord:
        """Make `nodes` (embedded, tagged with the notice's version) the document's content.

        `derived` (JSON-able, e.g. {"facts": [...]}) is stored in the same catalog write as the
        text, so it switches with the version atomically."""
        version = version_of(notice)
        record = NoticeRecord(
            doc_id=notice.doc_id,
            source_path=notice.source_path,
            version=version,
            content_hash=notice.content_hash,
            sections=sections,
            nodes=len(nodes),
            ingested_at=time.strftime("%Y-%m-%d %H:%M:%S"),
            embed_model=self.embed_model_name,
            **_context_fields(notice),
        )
        with self._lock:
            store = self.vector_store()
            for i in range(0, len(nodes), 500):
                store.add(nodes[i : i + 500])
            self.catalog.upsert(
                ids=[notice.doc_id],
                documents=[pack_bundle({**(derived or {}), "text": notice.text})],
                metadatas=[record.to_dict()],
                embeddings=[_PLACEHOLDER_VECTOR],
            )
            self.nodes.delete(where=_other_versions(notice.doc_id, version))
            self._records = None
            self._bundles.pop(notice.doc_id, None)
        # The keyword index is rebuilt by the caller once a batch is in (it is lazy anyway):
        # rebuilding it per notice made ingesting N notices cost O(N²) tokenizing.
        return record

    def update_context(self, notice: Notice) -> NoticeRecord | None:
        """Bring an unchanged notice's catalog record up to the context read now (a store written
        before the context existed, or a better reading of the same text); its nodes stay."""
        with self._lock:
            record = self.document(notice.doc_id)
            if record is None:
                return None
            fields = _context_fields(notice)
            if all(getattr(record, k) == v for k, v in fields.items()):
                return record
            self.catalog.update(ids=[notice.doc_id], metadatas=[fields])
            self._records = None
            return self.document(notice.doc_id)

    def sweep(self, doc_id: str) -> None:
        """Delete nodes of versions the catalog does not name, left by an interrupted `replace`."""
        with self._lock:
            record = self.document(doc_id)
            if record is None:
                return
            stale = _other_versions(doc_id, record.version)
            if self.nodes.get(where=stale, limit=1, include=[])["ids"]:  # read first: the usual case writes nothing
                self.nodes.delete(where=stale)

    def remove(self, doc_id: str) -> NoticeRecord:
        with self._lock:
            record = self.document(doc_id)
            if record is None:
                raise UnknownDocumentError(doc_id)
            self.catalog.delete(ids=[doc_id])
            self.nodes.delete(where={"doc_id": doc_id})
            self._records = None
            self._bundles.pop(doc_id, None)
        self.keyword_index()
        return record

    # -- internals -----------------------------------------------------------------

    def _stamp(self) -> str:
        versions = sorted(self.active_versions().items())
        return hashlib.sha256(json.dumps(versions).encode()).hexdigest()[:16]

    def _keyword_folder(self) -> Path:
        where = self.settings.chroma_url or "embedded"
        tag = hashlib.sha1(f"{where}|{self.settings.collection}".encode()).hexdigest()[:10]
        return self.settings.home / "keyword" / tag

    def _build_keyword_index(self, stamp: str) -> KeywordIndex:
        if self._tokens is None:
            folder = self._keyword_folder()
            self._tokens = TokenCache(folder.with_name(folder.name + "-tokens.sqlite"))
        active = self.active_versions()
        ids: list[str] = []
        docs: list[str] = []
        words: list[list[str]] = []
        for doc_id, version in active.items():
            rows = self._tokens.get(doc_id, version)
            if rows is None:
                got = self.nodes.get(where={"$and": [{"doc_id": doc_id}, {"version": version}]}, include=["documents", "metadatas"])
                # Section titles count as keywords of every node under them.
                rows = [
                    (node_id, tokenize(f"{meta.get('section', '')}\n{text}"))
                    for node_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
                ]
                self._tokens.put(doc_id, version, rows)
            for node_id, node_words in rows:
                ids.append(node_id)
                docs.append(doc_id)
                words.append(node_words)
        self._tokens.keep_only(active)
        return KeywordIndex.build(ids, docs, words, stamp)


def _context_fields(notice: Notice) -> dict[str, str]:
    """The catalog fields read from a notice's text: its title, issuer, dates and context."""
    context = notice.context
    return {
        "title": notice.title,
        "issuer": notice.issuer,
        "signed_on": notice.signed_on,
        "published_on": notice.published_on,
        "source": notice.source,
        "kind": context.kind,
        "year": context.year,
        "written_on": context.written_on,
        "places": json.dumps([asdict(p) for p in context.places], ensure_ascii=False),
        "events": json.dumps([asdict(e) for e in context.events], ensure_ascii=False),
        "short_name": context.short_name,
    }


def _other_versions(doc_id: str, version: str) -> dict:
    return {"$and": [{"doc_id": doc_id}, {"version": {"$ne": version}}]}


# Chroma 1.5.9 (embedded and server alike) slows every write to a collection in proportion to
# the Chinese text it already holds: with whole notices as catalog documents, one upsert took
# 0.15 s at 10 notices and 0.6 s at 60, so ingesting N notices cost O(N²). Compressed to ASCII
# the same upsert stays at ~15 ms, and the catalog is a third of the size.
_PACKED = "zlib+b64:"


_BUNDLE = "zlib+b64+json:"


def pack_bundle(bundle: dict) -> str:
    raw = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
    return _BUNDLE + base64.b64encode(zlib.compress(raw.encode("utf-8"))).decode("ascii")


def unpack_bundle(stored: str) -> dict:
    if stored.startswith(_BUNDLE):
        return json.loads(zlib.decompress(base64.b64decode(stored[len(_BUNDLE) :])).decode("utf-8"))
    if stored.startswith(_PACKED):  # a store written before bundles: the text alone
        return {"text": zlib.decompress(base64.b64decode(stored[len(_PACKED) :])).decode("utf-8")}
    return {"text": stored}  # a store written before notice texts were packed


def version_of(notice: Notice) -> str:
    return notice.content_hash[:16]


def _http_client(url: str, chroma_settings):
    import chromadb
    from urllib.parse import urlparse

    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        raise StoreError(f"ASSISTANT_CHROMA_URL {url!r} is not a URL like http://127.0.0.1:8000")
    return chromadb.HttpClient(
        host=parsed.hostname,
        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
        ssl=parsed.scheme == "https",
        settings=chroma_settings,
    )
