"""Text out of a notice's web page: the article's paragraphs, not the site around it."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "section", "article", "pre", "blockquote"}
# The "来源:… 发布时间:…" line: page chrome, but it carries the notice's source and date.
_SOURCE_LINE = re.compile(r"来源\s*[:：].*(日期|时间)\s*[:：]")
# Markup that may sit between the <br>s of an article written without <p>s.
_INLINE = {"a", "b", "br", "em", "font", "i", "span", "strong", "sub", "sup", "u"}
_NOISE = ["script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "button", "select"]


def html_to_text(html: str) -> tuple[str, str]:
    """Return (page title, article text with one paragraph per block)."""
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(strip=True) if soup.title else ""
    for name in _NOISE:
        for tag in soup.find_all(name):
            tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):  # editors' notes, old versions
        comment.extract()
    root = _article_root(soup)
    paragraphs = [p for p in (_block_text(b) for b in _leaf_blocks(root)) if p]
    if not any(_SOURCE_LINE.search(p) for p in paragraphs):
        # Kept for ingest.notice, which reads the metadata from it and drops the line.
        outside = (_block_text(b) for b in _leaf_blocks(soup.body or soup) if b is not root and root not in b.parents)
        paragraphs = [p for p in outside if _SOURCE_LINE.search(p)][:1] + paragraphs
    return title, "\n\n".join(paragraphs)


def _article_root(soup: BeautifulSoup) -> Tag:
    # The element holding the most paragraph text of its own (its <p>s, or text between
    # <br>s) is the article; the page around it is chrome.
    best, best_len = soup.body or soup, 0
    for tag in soup.find_all(["div", "article", "section", "main", "td"]):
        length = sum(_own_text_length(child) for child in tag.children)
        if length > best_len:
            best, best_len = tag, length
    return best if best_len else (soup.body or soup)


def _own_text_length(child) -> int:
    if isinstance(child, NavigableString):
        return len(child.strip())
    return len(child.get_text(strip=True)) if child.name == "p" or child.name in _INLINE else 0


def _leaf_blocks(root: Tag):
    for tag in root.find_all(_BLOCKS):
        if not any(isinstance(child, Tag) and child.name in _BLOCKS for child in tag.descendants):
            yield tag
    if not root.find_all(_BLOCKS):
        yield root


def _block_text(tag: Tag) -> str:
    parts = []
    for node in tag.descendants:
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif node.name == "br":
            parts.append("\n")
    return "\n".join(line.strip() for line in "".join(parts).split("\n") if line.strip())
