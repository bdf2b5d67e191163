"""The one progress bar of the command line, the chat page's server and the eval: a tqdm bar per notice.

Ingest reports `(title, done, total)` for each notice whose passages are embedded
(`ingest.pipeline.ProgressHook`); this turns those calls into a real bar on stderr.
"""

from __future__ import annotations

import sys
from typing import TextIO

TITLE_CHARS = 24  # a notice's title is long; the bar keeps its start


def progress_bar(file: TextIO | None = None):
    """A progress hook drawing one tqdm bar per notice being embedded, closed when it is done."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def hook(title: str, done: int, total: int) -> None:
        bar = bars.get(title)
        if bar is None:
            bar = bars[title] = tqdm(
                total=total,
                desc=f"向量化《{title[:TITLE_CHARS]}》",
                unit="段",
                file=file or sys.stderr,
                dynamic_ncols=True,
            )
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            del bars[title]

    return hook
