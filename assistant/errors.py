"""Errors a user can cause, each with a message in plain words."""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Base of every error the assistant raises on purpose."""


class NoticeError(AssistantError):
    """A notice file that cannot be ingested; names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class UnknownDocumentError(AssistantError):
    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        super().__init__(f"no ingested notice has the id {doc_id!r} (see `assistant docs`)")


class StoreError(AssistantError):
    """The store cannot be opened or is in a state the assistant refuses to use."""


class QuestionError(AssistantError):
    """A question that cannot be asked (empty, too long, unreadable)."""
