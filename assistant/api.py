"""The one public API. The CLI, the chat page and the eval are built on it and nothing else."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from assistant.answer import Answer, text_chunks
from assistant.config import SAMPLE_NOTICE, Settings
from ingest.pipeline import IngestReport, ProgressHook
from ingest.store import NoticeRecord

Message = dict  # {"role": "user" | "assistant", "content": str}

# What is read of a conversation's history: follow-ups lean on the last turns only, and the
# rules that resolve them are linear in what they read, so a huge message costs no more than this.
HISTORY_MESSAGES = 12
HISTORY_MESSAGE_CHARS = 4000


class Assistant:
    """Ask questions about ingested notices; get figures, quotes and section paths.

    >>> bot = Assistant(home="/tmp/tongbao")      # opens or creates the store
    >>> bot.ingest("notice.txt")                  # doctest: +SKIP
    >>> bot.ask("2020年全区重点项目完成投资多少?").text   # doctest: +SKIP
    """

    def __init__(self, home: str | Path | None = None, *, settings: Settings | None = None, **overrides):
        self.settings = settings or Settings.from_env(home=home, **overrides)
        self._store = None
        self._embed_model = None
        self._fact_cache = None
        self._answerer = None
        self._pool = None

    # -- the store -----------------------------------------------------------------

    @property
    def store(self):
        if self._store is None:
            from ingest.store import NoticeStore

            # The configured name is the model's identity (make_embed_model refuses a mismatch), so
            # opening the store needs no model, and no llama-index: an unchanged re-ingest stays cheap.
            self._store = NoticeStore(self.settings, self.settings.embedding.model)
        return self._store

    @property
    def embed_model(self):
        if self._embed_model is None:
            from ingest.embedding import make_embed_model

            self._embed_model = make_embed_model(self.settings.embedding, self.settings.embedding_cache_path)
        return self._embed_model

    @property
    def fact_cache(self):
        if self._fact_cache is None:
            from ingest.fact_cache import FactCache

            self._fact_cache = FactCache(self.settings.embedding_cache_path)  # the same file as the vectors
        return self._fact_cache

    def ingest(self, *paths: str | Path, progress: ProgressHook | None = None, replace: bool = False) -> IngestReport:
        """Ingest notice files or folders. A file whose text is stored already costs nothing; a
        different notice whose file name gives a taken id is added beside it (see `name_clashes`),
        unless `replace`, when it takes that notice's place; the report says which it replaced."""
        from ingest.pipeline import ingest

        return ingest(self.store, lambda: self.embed_model, _flat(paths), self.settings.chunk_tokens, progress, replace,
                      fact_cache=self.fact_cache)

    def name_clashes(self, *paths: str | Path) -> list[tuple[str, NoticeRecord]]:
        """(file, stored notice) for each file that `ingest(..., replace=True)` would put in the
        place of a different stored notice: what a surface asks the user to confirm."""
        from ingest.pipeline import place, read_all

        self.store.documents(refresh=True)
        clashes = []
        for notice in read_all(_flat(paths)):
            _, replaced, _ = place(self.store, notice, replace=True)
            if replaced is not None:
                clashes.append((notice.source_path, replaced))
        return clashes

    def ingest_sample_if_empty(self, progress: ProgressHook | None = None) -> IngestReport | None:
        """The bundled notice, so that a fresh install has something to answer from."""
        if self.store.documents():
            return None
        from assistant.sample_vectors import prefill

        prefill(self.embed_model, self.fact_cache)  # its vectors and facts ship with it: a fresh install answers in seconds
        return self.ingest(SAMPLE_NOTICE, progress=progress)

    def documents(self) -> list[NoticeRecord]:
        return self.store.documents(refresh=True)

    def remove(self, doc_id: str) -> NoticeRecord:
        return self.store.remove(doc_id)

    def notice_text(self, doc_id: str) -> str:
        """The stored text of a notice; every citation's start/end index into it."""
        return self.store.notice_text(doc_id)

    # -- answering -----------------------------------------------------------------

    @property
    def answerer(self):
        if self._answerer is None:
            from assistant.answering import build_answerer

            self._answerer = build_answerer(self.settings, self.store, self.embed_model)
        return self._answerer

    @property
    def answerer_name(self) -> str:
        """"offline", or "llm:<model>" when an OpenAI-compatible model is configured."""
        llm = self.settings.llm
        return f"llm:{llm.model}" if llm.enabled else "offline"

    def ask(self, question: str, history: Sequence[Message] | None = None, doc_ids: Sequence[str] | None = None) -> Answer:
        answer = None
        for event in self.stream(question, history=history, doc_ids=doc_ids):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self, question: str, history: Sequence[Message] | None = None, doc_ids: Sequence[str] | None = None
    ) -> Iterator[str | Answer]:
        """Yield pieces of the answer text as they come, then the final `Answer`."""
        started = time.perf_counter()
        from assistant.question import clean

        clean(question)  # a question that cannot be asked fails before the store is opened
        history = _history(history)
        doc_ids = _doc_ids(doc_ids)
        if self.pool is not None:
            # The worker runs this same method without a pool: it checks the store and the
            # notices asked for itself, so this process reads neither.
            final = self.pool.answer(question, history, doc_ids)
            if final is not None:  # else the pool broke: answered here
                yield from text_chunks(final.text)
                final.elapsed_ms = (time.perf_counter() - started) * 1000
                yield final
                return
        self.store.sync()  # another process may have added, replaced or removed notices
        if doc_ids:
            known = {record.doc_id for record in self.store.documents()}
            for doc_id in doc_ids:
                if doc_id not in known:
                    from assistant.errors import UnknownDocumentError

                    raise UnknownDocumentError(doc_id)
        final = None
        for event in self.answerer.stream(question, history, set(doc_ids) if doc_ids else None):
            if isinstance(event, Answer):
                final = event
            else:
                yield event
        final.elapsed_ms = (time.perf_counter() - started) * 1000
        yield final

    def warm_up(self) -> None:
        """Load the store, the indexes and the models now rather than on the first question
        (with answer workers, in them: this process answers only if their pool breaks)."""
        if self.pool is not None:
            self.pool.start()
            return
        self.store.keyword_index()
        self.embed_model.get_query_embedding("预热")
        self.answerer

    @property
    def pool(self):
        """The worker processes offline answers run in (`settings.answer_workers`), else None;
        the LLM path answers in this process (it waits on the network, and streams)."""
        if self._pool is None and self.settings.answer_workers > 0 and not self.settings.llm.enabled:
            from assistant.pool import AnswerPool

            self._pool = AnswerPool(self.settings, self.settings.answer_workers)
        return self._pool

    def close(self) -> None:
        """Stop the answer workers, if any."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def chat(self, doc_ids: Sequence[str] | None = None) -> "Conversation":
        return Conversation(self, doc_ids)


def _flat(paths) -> list[Path]:
    flat: list[Path] = []
    for p in paths:
        flat.extend(Path(x) for x in ([p] if isinstance(p, (str, Path)) else p))
    return flat


def _history(history) -> list[Message]:
    """The last turns of a history, each cut to a bounded length; a QuestionError if it is no list of messages."""
    from assistant.errors import QuestionError
    from assistant.question import unprintable_removed

    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, Sequence):
        raise QuestionError("对话历史必须是消息列表,每条形如 {\"role\": \"user\", \"content\": \"…\"}")
    kept = []
    for message in list(history)[-HISTORY_MESSAGES:]:
        if not isinstance(message, dict):
            raise QuestionError("对话历史中的每条消息必须是 {\"role\": …, \"content\": …} 形式的字典")
        content = message.get("content")
        content = content if isinstance(content, str) else ""  # a message of pictures or nothing says nothing here
        kept.append({"role": message.get("role"), "content": unprintable_removed(content[:HISTORY_MESSAGE_CHARS])})
    return kept


def _doc_ids(doc_ids) -> list[str] | None:
    """One id or several; never the letters of one id."""
    from assistant.errors import QuestionError

    if doc_ids is None:
        return None
    if isinstance(doc_ids, str):
        return [doc_ids] if doc_ids else None
    if not isinstance(doc_ids, Iterable) or isinstance(doc_ids, (bytes, dict)):
        raise QuestionError("doc_ids 必须是通报编号的列表")
    ids = list(doc_ids)
    if not all(isinstance(d, str) for d in ids):
        raise QuestionError("doc_ids 中的每一项都必须是通报编号(文本)")
    return ids or None


class Conversation:
    """A conversation that keeps its own history, so follow-ups resolve against it."""

    def __init__(self, assistant: Assistant, doc_ids: Sequence[str] | None = None):
        self.assistant = assistant
        self.doc_ids = doc_ids
        self.history: list[Message] = []

    def ask(self, question: str) -> Answer:
        answer = None
        for event in self.stream(question):
            if isinstance(event, Answer):
                answer = event
        return answer

    def stream(self, question: str) -> Iterator[str | Answer]:
        for event in self.assistant.stream(question, history=self.history, doc_ids=self.doc_ids):
            if isinstance(event, Answer):
                self.history += [{"role": "user", "content": question}, {"role": "assistant", "content": event.text}]
            yield event

    def reset(self) -> None:
        self.history = []
