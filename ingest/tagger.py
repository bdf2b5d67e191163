"""jieba's part-of-speech tagger, loaded once and quietly.

jieba logs its dictionary loading ("Building prefix dict…") to stderr at INFO level; every
caller goes through here, so no user ever sees it, whichever part of the code tags first.
"""

from __future__ import annotations

import logging
from functools import lru_cache


@lru_cache(maxsize=1)
def tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg
