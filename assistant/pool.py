"""Offline answers in worker processes, so that concurrent sessions use every core.

The offline reader is pure Python: threads of one process answer one at a time (the GIL), so
20 sessions on two cores waited about twice what their CPU time needed (issue 15's bench).
An `AnswerPool` keeps one process per core, each with its own `Assistant` over the same
store, started from a fresh interpreter (`spawn`: forking a process that runs Gradio's and
Chroma's threads is unsafe). A question and its history go to a worker and its `Answer`
comes back; a worker checks the store's generation before each answer like any process, so
notices added, replaced or removed elsewhere are seen. The LLM path stays in the calling
process: it waits on the network, not on the CPU, and it streams.

Workers load the store, the keyword index and the model when the pool starts (a few
seconds, in the background), not on the first question.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from assistant.answer import Answer
from assistant.config import Settings

_worker_bot = None
_GIVE_UP_AFTER = 3


def available_cores() -> int:
    """The cores this process may run on (a container may see more than it gets)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(settings: Settings) -> None:
    global _worker_bot
    # One worker per core: the model's OpenMP threads would otherwise contend with the other
    # workers' (read when the model's library loads, so set before anything imports it).
    os.environ["OMP_NUM_THREADS"] = "1"
    from assistant.api import Assistant

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()

    _worker_bot = Assistant(settings=settings)
    _worker_bot.warm_up()


def _exit_with_parent(parent: int) -> None:
    """A worker whose page process died (killed, or stopped by a signal that skips its clean-up)
    must not live on, holding the store and the page's terminal."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _answer(question: str, history: list[dict], doc_ids: list[str] | None) -> Answer:
    return _worker_bot.ask(question, history=history, doc_ids=doc_ids)


def _ready() -> bool:
    return _worker_bot is not None


class AnswerPool:
    def __init__(self, settings: Settings, workers: int):
        self.settings = replace(settings, answer_workers=0)  # a worker answers itself
        self.workers = workers
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._breaks = 0  # a pool that keeps breaking (workers that cannot start) is given up

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker, initargs=(self.settings,),
                )
            return self._executor

    def start(self) -> None:
        """Start every worker now (each loads the store and the model), without waiting for them."""
        pool = self._pool()
        for _ in range(self.workers):
            pool.submit(_ready)

    def answer(self, question: str, history: list[dict], doc_ids: list[str] | None) -> Answer | None:
        """The worker's answer; None when the pool broke (a worker killed), so the caller answers
        itself and the next question gets a fresh pool."""
        if self._breaks >= _GIVE_UP_AFTER:
            return None
        try:
            return self._pool().submit(_answer, question, history, doc_ids).result()
        except BrokenProcessPool:
            with self._lock:
                self._executor = None
                self._breaks += 1
            return None

    def _processes(self) -> list:
        # ProcessPoolExecutor names its worker processes only in this attribute.
        return list((self._executor._processes or {}).values()) if self._executor is not None else []

    def pids(self) -> list[int]:
        """The worker processes running now (the bench reads their CPU time)."""
        with self._lock:
            return [process.pid for process in self._processes()]

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                processes = self._processes()
                self._executor.shutdown(wait=False, cancel_futures=True)
                for process in processes:  # a worker still loading would otherwise finish first
                    process.terminate()
                self._executor = None
