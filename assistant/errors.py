"""Errors a user can cause, each with a message in plain Chinese.

The ingest errors live in `ingest.errors` (ingest depends on nothing above it); they
are re-exported here so that API users import one module.
"""

from __future__ import annotations

from ingest.errors import NoticeError, StoreError, UnknownDocumentError, UserError

AssistantError = UserError

__all__ = ["AssistantError", "NoticeError", "QuestionError", "StoreError", "UnknownDocumentError"]


class QuestionError(AssistantError):
    """A question that cannot be asked (empty, too long, unreadable)."""
