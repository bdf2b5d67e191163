from ingest import environment as _environment  # noqa: F401  (offline environment before any library loads)
