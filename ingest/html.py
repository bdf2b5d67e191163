"""Text out of a notice's web page: the article's paragraphs, not the site around it.

trafilatura (a maintained main-content extractor) reads most pages better than the hand-written
reader below: it keeps the heading above the article, the header line with the publication date
and the metadata table (as pipe-table lines), which `ingest.furniture` then turns into metadata,
and it drops menus, related links and footers. It fails on old table-layout pages whose article is
text between <br>s (it collapses them into one table cell), so the hand-written reader stays as the
fallback when trafilatura keeps clearly less of the page's text.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from lxml import etree
from lxml import html as lxml_html

from ingest.errors import NoticeError

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "section", "article", "pre", "blockquote"}
# The "来源:… 发布时间:…" line: page chrome, but it carries the notice's source and date.
_HEADER_LINE = re.compile(r"(?:发布时间|发布日期|日期|时间)\s*[:：]\s*\d{4}")
# Markup that may sit between the <br>s of an article written without <p>s.
_INLINE = {"a", "b", "br", "em", "font", "i", "span", "strong", "sub", "sup", "u"}
_NOISE = ["script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "button", "select"]


# Real pages nest a few dozen levels; far deeper markup is broken or hostile, and walking it
# costs time quadratic in its depth.
MAX_DEPTH = 300
MAX_ELEMENTS = 200_000
_TAG = re.compile(r"<(?P<close>/?)(?P<name>[a-zA-Z][\w-]{0,20})(?:\s[^<>]{0,2000})?(?P<self>/?)>")
_UNCOUNTED = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "td", "th", "tr", "option", "thead", "tbody", "tfoot", "colgroup",
}
# trafilatura's text is used unless it keeps less than this share of the fallback's text, or of
# its lines (a page whose paragraphs it ran together into one table cell).
_KEEPS_ENOUGH = 0.8


def html_to_text(html: str, path: Path | str = "") -> tuple[str, str]:
    """Return (page title, article text with one paragraph per block)."""
    tree = _parse(html, path)
    title = (tree.findtext(".//title") or "").strip()
    fallback, header = _hand_written(html)
    extracted = _trafilatura(tree)
    text = extracted if _keeps_enough(extracted, fallback) else fallback
    if header and not _HEADER_LINE.search(text):
        # Kept for ingest.furniture, which reads the date and source from it and drops the line.
        text = header + "\n\n" + text
    return title, text


def _parse(html: str, path: Path | str):
    """The page as an lxml tree, refused (in Chinese) when it is too deep or too large to read."""
    _check_nesting(html, path)
    try:
        return lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise NoticeError(path, f"网页无法解析:{exc}") from exc


def _check_nesting(html: str, path: Path | str) -> None:
    # Counted on the markup itself, in one pass: lxml silently flattens deep nesting, but
    # BeautifulSoup keeps it, and the fallback reader's walk is quadratic in it. Tags whose end
    # tag is optional (p, li, td …) are not counted, so sloppy pages are not refused for them.
    depth = deepest = elements = 0
    for tag in _TAG.finditer(html):
        name = tag["name"].lower()
        if name in _UNCOUNTED or tag["self"]:
            continue
        elements += 1
        depth = max(depth - 1, 0) if tag["close"] else depth + 1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise NoticeError(path, f"网页标签嵌套 {deepest} 层，超过 {MAX_DEPTH} 层上限，无法读取")
    if elements > MAX_ELEMENTS:
        raise NoticeError(path, f"网页有 {elements} 个标签，超过 {MAX_ELEMENTS} 个上限，无法读取")


def _trafilatura(tree) -> str:
    import trafilatura

    text = trafilatura.extract(
        tree, output_format="txt", include_tables=True, include_comments=False,
        favor_recall=True, deduplicate=False,
    )
    # One paragraph per line in trafilatura's text; a blank line between them, as below.
    return "\n\n".join(line.strip() for line in (text or "").split("\n") if line.strip())


def _keeps_enough(extracted: str, fallback: str) -> bool:
    def lines(text: str) -> int:
        return sum(1 for line in text.split("\n") if line.strip())

    def cjk(text: str) -> int:
        return len(re.findall(r"[\u4e00-\u9fff]", text))

    return bool(extracted) and cjk(extracted) >= _KEEPS_ENOUGH * cjk(fallback) and lines(extracted) >= _KEEPS_ENOUGH * lines(fallback)


def _hand_written(html: str) -> tuple[str, str]:
    """(the article's paragraphs, the page's header line with the publication date, or "")."""
    soup = BeautifulSoup(html, "lxml")
    for name in _NOISE:
        for tag in soup.find_all(name):
            tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):  # editors' notes, old versions
        comment.extract()
    root = _article_root(soup)
    paragraphs = [p for p in (_block_text(b) for b in _leaf_blocks(root)) if p]
    header = next((p for p in (_block_text(b) for b in _leaf_blocks(soup.body or soup)) if _HEADER_LINE.search(p)), "")
    return "\n\n".join(paragraphs), header


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
