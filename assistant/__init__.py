"""通报问答 — ask Chinese official notices for exact figures, with the sentence and section they come from.

The public API: `Assistant`, `Answer`, `Citation`. Heavy libraries load on first
use, so `import assistant` stays cheap for the CLI.
"""

from assistant import config as _config  # noqa: F401  (offline environment before any library loads)

__all__ = ["Assistant", "Answer", "Citation", "Conversation", "AssistantError", "NoticeError", "QuestionError"]


def __getattr__(name):
    if name in ("Assistant", "Conversation"):
        from assistant import api

        return getattr(api, name)
    if name in ("Answer", "Citation", "Passage"):
        from assistant import answer

        return getattr(answer, name)
    if name in ("AssistantError", "NoticeError", "QuestionError", "StoreError", "UnknownDocumentError"):
        from assistant import errors

        return getattr(errors, name)
    raise AttributeError(name)
