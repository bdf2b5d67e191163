"""How an `Answer` reads: plain text for the terminal, safe HTML for the chat page.

Every piece of text that came from a user or a notice (questions, answers, titles,
quotes, file names) goes through `html.escape` before it is placed in HTML, so the
page shows it as text and never runs it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import Answer, Citation

ABSTENTION_LABEL = "通报未载明"
# How much of the quote's paragraph is shown around it, on each side.
EXCERPT_CONTEXT_CHARS = 220

NoticeText = Callable[[str], str]  # doc_id -> the stored notice text, e.g. `Assistant.notice_text`


# -- plain text ------------------------------------------------------------------------


def answer_as_text(answer: Answer) -> str:
    """The answer, then its citations; an abstention says so before anything else."""
    text = answer.text.strip()
    if not answer.found:
        text = f"【{ABSTENTION_LABEL}】{text}"
    sources = _citation_lines(answer)
    return f"{text}\n\n{sources}" if sources else text


def citations_as_text(answer: Answer) -> str:
    """What follows a streamed answer text: the abstention mark, then each citation."""
    lines = [f"【{ABSTENTION_LABEL}】"] if not answer.found else []
    sources = _citation_lines(answer)
    if sources:
        lines.append(sources)
    return "\n".join(lines)


def distinct_citations(answer: Answer) -> list[Citation]:
    """The citations, each span once: an answer listing items of one sentence cites it once."""
    seen: dict[tuple, Citation] = {}
    for c in answer.citations:
        seen.setdefault((c.doc_id, c.start, c.end), c)
    return list(seen.values())


def _citation_lines(answer: Answer) -> str:
    several_notices = len({c.doc_id for c in answer.citations}) > 1
    lines = []
    for n, citation in enumerate(distinct_citations(answer), 1):
        where = f"《{citation.doc_title}》 {citation.display_path}" if several_notices else citation.display_path
        where = f"{where}({citation.page_label})" if citation.page else where
        lines.append(f"[{n}] {where}\n    「{citation.quote}」")
    return "\n".join(lines)


# -- HTML for the chat page -------------------------------------------------------------
#
# Each message is one line of HTML with no blank line in it: the chat box renders
# Markdown, and a Markdown HTML block ends at the first blank line, after which
# Markdown would start interpreting the notice's text.


def question_as_html(question: str) -> str:
    return f'<div class="tb-question">{_text(question)}</div>'


def pending_answer_as_html(text_so_far: str) -> str:
    """The answer while it streams in: its text only, the evidence comes with the final `Answer`."""
    return f'<div class="tb-answer tb-pending"><div class="tb-text">{_text(text_so_far)}<span class="tb-caret"></span></div></div>'


def error_as_html(message: str) -> str:
    return f'<div class="tb-answer tb-error"><span class="tb-badge">无法回答</span><div class="tb-text">{_text(message)}</div></div>'


def answer_as_html(answer: Answer, notice_text: NoticeText) -> str:
    """The answer with its figures in bold, then each citation as an expandable section path.

    Opening a citation shows the quote's paragraph from the stored notice with the
    quote marked, so the reader can check the figure in place.
    """
    kind = "tb-found" if answer.found else "tb-abstain"
    parts = [f'<div class="tb-answer {kind}">']
    if not answer.found:
        parts.append(f'<span class="tb-badge">{ABSTENTION_LABEL}</span>')
    parts.append(f'<div class="tb-text">{_text_with_figures(answer.text.strip(), answer.figures)}</div>')
    if answer.unverified_figures:
        figures = "、".join(_text(f) for f in answer.unverified_figures)
        parts.append(f'<div class="tb-warning">以下数字在引文中没有找到,请以原文为准:{figures}</div>')
    citations = distinct_citations(answer)
    if citations:
        notices = "、".join(dict.fromkeys(f"《{_text(c.doc_title)}》" for c in citations))
        title = "出处" if answer.found else "相关段落"
        parts.append(
            f'<div class="tb-sources"><div class="tb-sources-title">{title} <span class="tb-answer-doc">出自{notices}</span></div>'
        )
        for n, citation in enumerate(citations, 1):
            parts.append(_citation_html(n, citation, notice_text))
        parts.append("</div>")
    parts.append(f'<div class="tb-meta">回答引擎:{_text(answerer_label(answer.answerer))} · 用时 {answer.elapsed_ms:.0f} 毫秒</div>')
    if answer.fallback_reason:
        parts.append(f'<div class="tb-meta">大模型回答未采用:{_text(answer.fallback_reason)}</div>')
    parts.append("</div>")
    return "".join(parts)


def answerer_label(answerer_name: str) -> str:
    """`Assistant.answerer_name` ("offline" or "llm:<model>") in the page's words."""
    if answerer_name.startswith("llm:"):
        return f"大模型 {answerer_name[4:]}"
    return "离线"


def _citation_html(n: int, citation: Citation, notice_text: NoticeText, opened: bool = False) -> str:
    """One citation row: its notice, the full section path with titles, and (opened) the marked passage."""
    from assistant.notice_figures import full_path

    excerpt = Excerpt.around(citation, notice_text)
    path = full_path(citation.section_path, citation.section_titles)
    path = f"{path}({citation.page_label})" if citation.page else path
    body = (
        f'<div class="tb-passage"><div class="tb-passage-doc">《{_text(citation.doc_title)}》原文</div>'
        f'<p>{excerpt.as_html()}</p></div>'
    )
    return (
        f'<details class="tb-cite"{" open" if opened else ""}><summary><span class="tb-cite-n">{n}</span>'
        f'<span class="tb-cite-where"><span class="tb-cite-doc">《{_text(citation.doc_title)}》</span>'
        f'<span class="tb-cite-path" title="{_text(path)}">{_text(path)}</span></span></summary>{body}</details>'
    )


def sources_as_html(answer: Answer, notice_text: NoticeText) -> str:
    """The sources panel beside the chat: every citation of the latest answer, opened."""
    citations = distinct_citations(answer)
    if not citations:
        return '<div class="tb-source-empty">这个回答没有引文。</div>'
    rows = "".join(_citation_html(n, c, notice_text, opened=True) for n, c in enumerate(citations, 1))
    return f'<div class="tb-source-list"><div class="tb-source-q">{_text(answer.question)}</div>{rows}</div>'


def span_as_html(text: str, start: int, end: int, notice: str, path: str) -> str:
    """The sources panel for one figure of the figures table: its paragraph, the figure marked."""
    citation = Citation("", notice, (), (), text[start:end], start, end)
    excerpt = Excerpt.around(citation, lambda _doc_id: text)
    return (
        f'<div class="tb-source-list"><details class="tb-cite" open><summary><span class="tb-cite-where">'
        f'<span class="tb-cite-doc">《{_text(notice)}》</span><span class="tb-cite-path">{_text(path)}</span></span></summary>'
        f'<div class="tb-passage"><p>{excerpt.as_html()}</p></div></details></div>'
    )


@dataclass(frozen=True)
class Excerpt:
    """The quote with the part of its paragraph around it, as stored in the notice."""

    before: str
    quote: str
    after: str
    clipped_before: bool
    clipped_after: bool

    @classmethod
    def around(cls, citation: Citation, notice_text: NoticeText, context: int = EXCERPT_CONTEXT_CHARS) -> "Excerpt":
        text = notice_text(citation.doc_id)
        start, end = citation.start, citation.end
        if text[start:end] != citation.quote:
            # The notice was re-ingested since the answer was given: find the quote again.
            found = text.find(citation.quote)
            if found < 0:
                return cls("", citation.quote, "", False, False)
            start, end = found, found + len(citation.quote)
        paragraph_start = text.rfind("\n", 0, start) + 1
        paragraph_end = text.find("\n", end)
        if paragraph_end < 0:
            paragraph_end = len(text)
        left = max(paragraph_start, start - context)
        right = min(paragraph_end, end + context)
        return cls(text[left:start], text[start:end], text[end:right], left > paragraph_start, right < paragraph_end)

    def as_html(self) -> str:
        return (
            ("…" if self.clipped_before else "")
            + _text(self.before)
            + f"<mark>{_text(self.quote)}</mark>"
            + _text(self.after)
            + ("…" if self.clipped_after else "")
        )


def _text(text: str) -> str:
    """User or notice text as HTML that displays exactly that text, line breaks included."""
    return html.escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


NOTE_PREFIX = "注意"  # the offline reader's line about a competing figure elsewhere in the notice
LIST_ITEM = re.compile(r"^\s*[-•]\s+")


def _text_with_figures(text: str, figures: list[str]) -> str:
    """The text as paragraphs, each figure it states marked (found before escaping, so no entity is cut).

    The answer's own figures are large; those of a 注意 paragraph (a competing figure)
    are marked as secondary; a paragraph of "- " lines is a list.
    """
    wanted = sorted({f for f in figures if f}, key=lambda f: (-len(f), f))
    figure = re.compile("(" + "|".join(re.escape(f) for f in wanted) + ")") if wanted else None

    def marked(line: str, css: str) -> str:
        # re.split with one group: the figures sit at the odd positions.
        pieces = figure.split(line) if figure else [line]
        return "".join(f'<strong class="{css}">{_text(p)}</strong>' if i % 2 else _text(p) for i, p in enumerate(pieces))

    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        note = paragraph.lstrip().startswith(NOTE_PREFIX)
        css = "tb-figure-alt" if note else "tb-figure"
        lines = paragraph.split("\n")
        if len(lines) > 1 and all(LIST_ITEM.match(line) for line in lines if line.strip()):
            items = "".join(f"<li>{marked(LIST_ITEM.sub('', line), css)}</li>" for line in lines if line.strip())
            paragraphs.append(f"<ul>{items}</ul>")
        else:
            paragraphs.append(f'<p class="tb-note">{marked(paragraph, css)}</p>' if note else f"<p>{marked(paragraph, css)}</p>")
    return "".join(paragraphs)
