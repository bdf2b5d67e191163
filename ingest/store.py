"""The notice store: node vectors in ChromaDB, a catalog of documents, a keyword index.

Everything durable lives in Chroma — embedded (`PersistentClient` under the home
folder) or a server (`HttpClient`) — so several processes, or machines, see one
store. Two collections:

* `<name>` holds the nodes (vectors, text, section metadata), tagged with the
  document version (a content hash) they were built from;
* `<name>-catalog` holds one record per document: its metadata, the active
  version, and the full notice text that citation offsets point into. Beside them,
  under ids no document can have (they start with `#`), a *generation* token that
  every write changes, and one *pending* marker per version being written.

Replacing a document is atomic: the new version's nodes are added first, then the
catalog record is switched to it in one write, then the old version's nodes are
deleted. A crash at any point leaves the catalog on one complete version; nodes of
versions the catalog does not name are invisible to retrieval and swept when a store
is next opened (unless a live writer's pending marker names them).

Other processes write to the same store, so each question starts with `sync()`: one
read of the generation token. When it has moved, the cached catalog, notice bundles
and keyword index are dropped, and an embedded client is reopened, because embedded
Chroma keeps a process's vector index in memory and never sees another process's
adds and deletes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import socket
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.context import NoticeContext
from ingest.errors import StoreError, UnknownDocumentError
from ingest.settings import StoreSettings
from ingest.keyword import KeywordIndex, TokenCache, tokenize
from ingest.notice import Notice

NODE_RECORDS_KEPT = 20_000  # ≈30 MB of node text and metadata
_PLACEHOLDER_VECTOR = [1.0]  # catalog records are looked up by id, never by similarity
# Catalog ids of the store's own records: a document id is a slug of word characters, never `#`.
_GENERATION = "#generation"
_PENDING = "#pending:"
# A catalog record's document when its text and derived data sit in the `-texts` collection, as
# metadata of the id `doc@version`: Chroma full-text-indexes documents, and with its bundle (a
# 400,000-character notice with its 30,000 facts, compressed) as a document the notice's switch
# took 1.9 s; with it as metadata, which nothing indexes, 0.6 s.
_IN_TEXTS = "texts@"
# Versions some store of this process is writing now: a pending marker of this process names a
# live writer only while its version is here (an ingest that failed here is over, though we live on).
_WRITING: set[tuple[str, str, str, str]] = set()
_WRITING_LOCK = threading.Lock()


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
        self.settings = settings
        self.embed_model_name = embed_model_name
        self._lock = threading.RLock()
        self._records: dict[str, NoticeRecord] | None = None
        self._bundles: dict[str, dict] = {}
        # Node records by id, for keyword hits (which carry ids only): a node never changes while
        # the generation stands, and fetching them was a third of a warm answer's Chroma time.
        self._node_records: OrderedDict[str, dict] = OrderedDict()
        self._keyword: KeywordIndex | None = None
        self._vector_store = None
        self._tokens: TokenCache | None = None
        self._generation: str | None = None  # the token this process's caches belong to
        self._staged: set[tuple[str, str]] = set()  # (doc_id, version) whose nodes this process wrote ahead
        try:
            self._open()
        except StoreError:
            raise
        except Exception as exc:  # a server that is down, a folder we cannot write
            raise StoreError(f"无法打开 Chroma 存储({self._where()}):{_reason(exc)}") from exc
        built_with = (self.nodes.metadata or {}).get("embed_model")
        if built_with and built_with != embed_model_name:
            raise StoreError(
                f"这个存储是用嵌入模型 {built_with!r} 建的,不是 {embed_model_name!r};"
                "请换一个 ASSISTANT_HOME / 集合,或使用建库时的模型"
            )
        with self._guard():
            self._generation = self._read_generation()
            self.sweep_orphans()

    def _where(self) -> str:
        return self.settings.chroma_url or str(self.settings.home / "chroma")

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.settings.chroma_url:
            self.client = _http_client(self.settings.chroma_url, chroma_settings)
        else:
            self.settings.home.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(path=str(self.settings.home / "chroma"), settings=chroma_settings)
        self.nodes = self.client.get_or_create_collection(
            self.settings.collection,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embed_model": self.embed_model_name},
            embedding_function=None,
        )
        self.catalog = self.client.get_or_create_collection(self.settings.collection + "-catalog", embedding_function=None)
        self.texts = self.client.get_or_create_collection(self.settings.collection + "-texts", embedding_function=None)
        self._vector_store = None

    def _reopen_embedded(self) -> None:
        """A fresh embedded client. Chroma caches one System (and its in-memory vector index) per
        path and process, so it is taken out of the cache, not closed: other stores of this process
        may still hold it (their collections keep it alive, and it is freed with them)."""
        from chromadb.api.shared_system_client import SharedSystemClient

        identifier = self.client._identifier
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        self._open()

    @contextlib.contextmanager
    def _guard(self):
        """Chroma and transport failures (a server down or dying mid-write) as a StoreError in Chinese."""
        try:
            yield
        except (StoreError, UnknownDocumentError):
            raise
        except Exception as exc:
            if not _is_store_failure(exc):
                raise
            raise StoreError(f"Chroma 存储({self._where()})不可用:{_reason(exc)}。请确认服务器在运行,然后重试") from exc

    # -- freshness -------------------------------------------------------------------

    def sync(self) -> bool:
        """Catch up with writes by other processes: one catalog read; True when something changed."""
        with self._guard():
            now = self._read_generation()  # outside the lock: concurrent questions do not queue on it
        if now == self._generation:
            return False
        with self._lock, self._guard():
            if now == self._generation:  # another thread caught up meanwhile
                return False
            self._records = None
            self._bundles.clear()
            self._node_records.clear()
            self._keyword = None
            if not self.settings.chroma_url:
                self._reopen_embedded()
            self._generation = now
            return True

    def _read_generation(self) -> str:
        got = self.catalog.get(ids=[_GENERATION], include=["metadatas"])
        return got["metadatas"][0]["token"] if got["ids"] else ""

    def _generation_write(self) -> dict:
        """The generation record of a write: written with it, so readers know to reload."""
        self._generation = uuid.uuid4().hex
        return {"id": _GENERATION, "document": "", "metadata": {"token": self._generation}}

    # -- reading -----------------------------------------------------------------

    def documents(self, refresh: bool = False) -> list[NoticeRecord]:
        return list(self._catalog(refresh).values())

    def document(self, doc_id: str) -> NoticeRecord | None:
        return self._catalog().get(doc_id)

    def _catalog(self, refresh: bool = False) -> dict[str, NoticeRecord]:
        """The catalog's records by doc_id, in doc_id order; read once per generation (an answer
        looks up its notices hundreds of times, and a store may hold thousands)."""
        with self._lock:
            records = self._records
            if records is None or refresh:
                with self._guard():
                    got = self.catalog.get(include=["metadatas"])
                found = [
                    NoticeRecord(**{k: m[k] for k in NoticeRecord.__dataclass_fields__ if k in m})
                    for i, m in zip(got["ids"], got["metadatas"])
                    if not i.startswith("#")
                ]
                records = self._records = {r.doc_id: r for r in sorted(found, key=lambda r: r.doc_id)}
            return records

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
                if doc_id.startswith("#"):
                    raise UnknownDocumentError(doc_id)
                with self._guard():
                    self._bundles[doc_id] = self._read_bundle(doc_id)
            return self._bundles[doc_id]

    def _read_bundle(self, doc_id: str) -> dict:
        for _ in range(3):  # a newer version may switch in between the two reads: read again
            got = self.catalog.get(ids=[doc_id], include=["documents"])
            if not got["ids"]:
                raise UnknownDocumentError(doc_id)
            stored = got["documents"][0] or ""
            if not stored.startswith(_IN_TEXTS):
                return unpack_bundle(stored)  # a store written before the texts collection
            found = self.texts.get(ids=[_text_id(doc_id, stored[len(_IN_TEXTS) :])], include=["metadatas"])
            if found["ids"]:
                return unpack_bundle(found["metadatas"][0]["bundle"])
        raise UnknownDocumentError(doc_id)

    def facts(self, doc_id: str) -> list:
        """The notice's facts as ingest stored them; computed from the text for a store written
        before facts were stored (and kept with the bundle, so once per process)."""
        from ingest.facts import Fact, extract_facts, facts_date

        bundle = self.notice_bundle(doc_id)
        if "facts" not in bundle:
            record = self.document(doc_id)
            notice_date = facts_date(record.signed_on, record.published_on, record.year) if record else ""
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
                    with self._guard():
                        loaded = self._build_keyword_index(stamp)
                    loaded.save(folder)
                self._keyword = loaded
            return self._keyword

    def fetch_nodes(self, node_ids: list[str]) -> dict[str, dict]:
        """Text and metadata of nodes by id (for keyword hits, which carry ids only)."""
        if not node_ids:
            return {}
        with self._lock:
            found = {i: self._node_records[i] for i in node_ids if i in self._node_records}
        missing = [i for i in node_ids if i not in found]
        if missing:
            with self._guard():
                got = self.nodes.get(ids=missing, include=["documents", "metadatas"])
            fetched = {i: {"text": d, "metadata": m} for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}
            with self._lock:
                self._node_records.update(fetched)
                while len(self._node_records) > NODE_RECORDS_KEPT:
                    self._node_records.popitem(last=False)
            found.update(fetched)
        return found

    def dense_search(self, embedding: list[float], top_k: int, doc_ids: list[str] | None = None) -> list[tuple[str, dict]]:
        """The `top_k` nearest nodes as (id, {"text", "metadata"}), nearest first; callers filter by
        active version. Raw records, not llama-index nodes: rebuilding a node from its JSON is most
        of a question's CPU time, so callers build only the few they keep."""
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids is not None else None
        with self._guard():
            got = self.nodes.query(query_embeddings=[embedding], n_results=top_k, where=where, include=["documents", "metadatas"])
        return [(i, {"text": d, "metadata": m}) for i, d, m in zip(got["ids"][0], got["documents"][0], got["metadatas"][0])]

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
        with self._lock, self._guard():
            if (notice.doc_id, version) not in self._staged:
                self.add_nodes(notice, nodes)
            # The text and what was derived from it go in first, under their version; invisible
            # until the catalog names that version.
            self.texts.upsert(
                ids=[_text_id(notice.doc_id, version)],
                documents=[""],
                metadatas=[{"doc_id": notice.doc_id, "version": version,
                            "bundle": pack_bundle({**(derived or {}), "text": notice.text})}],
                embeddings=[_PLACEHOLDER_VECTOR],
            )
            generation = self._generation_write()
            # One write switches the version and tells every reader to reload.
            self.catalog.upsert(
                ids=[notice.doc_id, generation["id"]],
                documents=[_IN_TEXTS + version, generation["document"]],
                metadatas=[record.to_dict(), generation["metadata"]],
                embeddings=[_PLACEHOLDER_VECTOR, _PLACEHOLDER_VECTOR],
            )
            self.nodes.delete(where=_other_versions(notice.doc_id, version))
            self.texts.delete(where=_other_versions(notice.doc_id, version))
            self.catalog.delete(ids=[_pending_id(notice.doc_id, version)])
            self._finish(notice.doc_id, version)
            self._records = None
            self._bundles.pop(notice.doc_id, None)
            self._node_records.clear()
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
            with self._guard():
                generation = self._generation_write()
                self.catalog.update(ids=[notice.doc_id], metadatas=[fields])
                self.catalog.upsert(ids=[generation["id"]], documents=[generation["document"]],
                                    metadatas=[generation["metadata"]], embeddings=[_PLACEHOLDER_VECTOR])
            self._records = None
            return self.document(notice.doc_id)

    def add_nodes(self, notice: Notice, nodes: list) -> None:
        """Write some of a new version's nodes ahead of `replace` (e.g. as they are embedded).

        They stay invisible until `replace` switches the catalog; a pending marker names this
        process as their writer, so a store opened meanwhile does not sweep them, and one opened
        after this process died does."""
        version = version_of(notice)
        with self._lock, self._guard():
            if (notice.doc_id, version) not in self._staged:
                self.catalog.upsert(
                    ids=[_pending_id(notice.doc_id, version)],
                    documents=[""],
                    metadatas=[{"doc_id": notice.doc_id, "version": version, "host": socket.gethostname(),
                                "pid": os.getpid(), "started": time.time()}],
                    embeddings=[_PLACEHOLDER_VECTOR],
                )
                self._staged.add((notice.doc_id, version))
                with _WRITING_LOCK:
                    _WRITING.add(self._writing_key(notice.doc_id, version))
            store = self.vector_store()
            for i in range(0, len(nodes), 500):
                store.add(nodes[i : i + 500])

    def abandon(self, notice: Notice) -> None:
        """An ingest of `notice` failed: its nodes written so far are orphans, swept now if the
        store lets us (else by the next opening of it)."""
        self._finish(notice.doc_id, version_of(notice))
        try:
            self.sweep_orphans()
        except Exception:  # cleaning up after a failure must not hide that failure
            pass

    def _finish(self, doc_id: str, version: str) -> None:
        self._staged.discard((doc_id, version))
        with _WRITING_LOCK:
            _WRITING.discard(self._writing_key(doc_id, version))

    def _writing_key(self, doc_id: str, version: str) -> tuple[str, str, str, str]:
        return (self._where(), self.settings.collection, doc_id, version)

    def sweep_orphans(self) -> int:
        """Delete the nodes of every version the catalog does not name and no live writer is
        writing (left by a crash or a kill); returns how many. Run whenever a store is opened."""
        with self._lock, self._guard():
            got = self.catalog.get(include=["metadatas"])
            keep: set[tuple[str, str]] = set()
            dead: list[str] = []
            for i, meta in zip(got["ids"], got["metadatas"]):
                if i.startswith(_PENDING):
                    if self._writer_alive(meta):
                        keep.add((meta["doc_id"], meta["version"]))
                    else:
                        dead.append(i)
                elif not i.startswith("#"):
                    keep.add((meta["doc_id"], meta["version"]))
            docs = sorted({d for d, _ in keep})
            versions = sorted({v for _, v in keep})
            where = {"$or": [{"doc_id": {"$nin": docs}}, {"version": {"$nin": versions}}]} if keep else None
            stale = self.nodes.get(where=where, include=["metadatas"])
            # The filter above is per field; a node is kept only when its own (doc, version) pair is.
            orphans = [i for i, m in zip(stale["ids"], stale["metadatas"]) if ((m or {}).get("doc_id"), (m or {}).get("version")) not in keep]
            for i in range(0, len(orphans), 5000):
                self.nodes.delete(ids=orphans[i : i + 5000])
            texts = [i for i in self.texts.get(include=[])["ids"] if _text_key(i) not in keep]  # ids only: no bundle read
            if texts:
                self.texts.delete(ids=texts)
            if dead:
                self.catalog.delete(ids=dead)
            return len(orphans)

    def _writer_alive(self, pending: dict) -> bool:
        if time.time() - float(pending.get("started", 0)) > self.settings.ingest_lease_s:
            return False
        if pending.get("host") != socket.gethostname():
            return True  # another machine's writer: only its lease tells
        if int(pending.get("pid", -1)) == os.getpid():
            with _WRITING_LOCK:
                return self._writing_key(pending["doc_id"], pending["version"]) in _WRITING
        try:
            os.kill(int(pending["pid"]), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def sweep(self, doc_id: str) -> None:
        """Delete nodes of versions the catalog does not name, left by an interrupted `replace`."""
        with self._lock:
            record = self.document(doc_id)
            if record is None:
                return
            stale = _other_versions(doc_id, record.version)
            with self._guard():
                if self.nodes.get(where=stale, limit=1, include=[])["ids"]:  # read first: the usual case writes nothing
                    self.nodes.delete(where=stale)
                if self.texts.get(where=stale, limit=1, include=[])["ids"]:
                    self.texts.delete(where=stale)

    def remove(self, doc_id: str) -> NoticeRecord:
        with self._lock, self._guard():
            record = self.document(doc_id)
            if record is None:
                raise UnknownDocumentError(doc_id)
            self.catalog.delete(ids=[doc_id])
            self.nodes.delete(where={"doc_id": doc_id})
            self.texts.delete(where={"doc_id": doc_id})
            generation = self._generation_write()
            self.catalog.upsert(ids=[generation["id"]], documents=[generation["document"]],
                                metadatas=[generation["metadata"]], embeddings=[_PLACEHOLDER_VECTOR])
            self._records = None
            self._bundles.pop(doc_id, None)
            self._node_records.clear()
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


def _pending_id(doc_id: str, version: str) -> str:
    return f"{_PENDING}{doc_id}:{version}"


def _text_id(doc_id: str, version: str) -> str:
    return f"{doc_id}@{version}"


def _text_key(text_id: str) -> tuple[str, str]:
    doc_id, _, version = text_id.rpartition("@")
    return doc_id, version


def _is_store_failure(exc: Exception) -> bool:
    """Failures of Chroma or of the way to it, as opposed to bugs in the caller."""
    import httpx
    from chromadb.errors import ChromaError

    return isinstance(exc, (httpx.HTTPError, ChromaError, ConnectionError, TimeoutError)) or type(exc).__module__.startswith("chromadb")


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


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
        raise StoreError(f"ASSISTANT_CHROMA_URL {url!r} 不是形如 http://127.0.0.1:8000 的地址")
    return chromadb.HttpClient(
        host=parsed.hostname,
        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
        ssl=parsed.scheme == "https",
        settings=chroma_settings,
    )
