"""Errors a user can cause while ingesting or opening a store, each with a message in plain Chinese.

`ingest/` stands on its own; `assistant.errors` re-exports these (and adds the
errors of asking), so callers of either package catch one hierarchy.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Base of every error raised on purpose for something the user can fix."""


class NoticeError(UserError):
    """A notice file that cannot be ingested; names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self):  # pickled as it was made (an answer worker's error reaches its caller)
        return type(self), (self.path, self.reason)


class UnknownDocumentError(UserError):
    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        super().__init__(f"没有编号为 {doc_id!r} 的通报(用 `assistant docs` 查看已导入的通报)")

    def __reduce__(self):
        return type(self), (self.doc_id,)


class StoreError(UserError):
    """The store cannot be opened or is in a state the assistant refuses to use."""
