"""Saved web pages: the article's text, title, date candidates and site name, with what was left out.

The main text is extracted with `trafilatura <https://trafilatura.readthedocs.io>`_ (precision
first: navigation, related links, comments, share buttons, cookie banners, scripts and footers are
left out), the date from the page's markup with `htmldate <https://htmldate.readthedocs.io>`_
(``article:published_time``, JSON-LD ``datePublished``, ``<time datetime>``…; no guessing from the
text or the URL). Pages that give their date only in words (``پنجشنبه ۲۳ دی ۱۴۰۰``, ``10 جمادى
الآخرة 1443 هـ``) offer the text of their date-like elements as candidates, which the corpus reader
converts with its own date rules (:func:`analysis.corpus.normalize_date`).

What the extractor leaves out is boilerplate by definition; :class:`Page` counts it: the page's
visible characters (body text outside scripts and styles), the characters kept as the article
text, and the difference, dropped.

This module works on decoded text and never touches the disk; the corpus reader decodes the bytes
and turns a :class:`PageError` into a listed problem.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

# Persian words hold the zero-width non-joiner (U+200C), which trafilatura removes as a control
# character ("خبرگزاری‌ها" would become "خبرگزاریها"): it is swapped for a printable letter that
# news text does not use before extraction, and back after.
ZWNJ = "\u200c"
_ZWNJ_STANDINS = ("\ua66e", "\ua66d", "\U0001e800")
# Tags whose text is never visible on the page.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "head")
# Date-like elements looked at when the markup gives no machine-readable date.
_DATE_HINT = re.compile(r"date|time|publish|تاریخ|تاريخ", re.IGNORECASE)
MAX_DATE_CANDIDATES = 12
_MARKUP = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|article|main|div|p|meta|title|section|span|table|h[1-6])\b", re.IGNORECASE)

for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    # Their own log lines ("empty HTML tree", "discarding data") are replaced by one listed problem.
    logging.getLogger(_name).setLevel(logging.CRITICAL)


class PageError(ValueError):
    """A page from which no article text can be taken (not HTML, empty, nothing extracted).

    ``page_characters`` is the page's visible characters when it was parsed (nothing extracted), else ``None``.
    """

    def __init__(self, message: str, page_characters: int | None = None) -> None:
        super().__init__(message)
        self.page_characters = page_characters


@dataclass(frozen=True)
class Page:
    """What one saved page holds.

    Attributes:
        text: the article text, one paragraph per line, the headline first.
        title: the headline (``og:title``, ``<h1>`` or ``<title>``, cleaned by trafilatura).
        site_name: ``og:site_name`` or the publisher's name, else the host name; "" when unknown.
        url: the canonical URL given by the page ("" when none).
        date: the publication date found in the markup (``YYYY-MM-DD``), "" when none.
        date_candidates: text of date-like elements (``<time>``, class or id with "date"), in order,
            for a date written in words or in another calendar.
        language: the ``lang`` attribute of ``<html>`` ("" when none); a hint, not a declaration.
        page_characters: visible characters of the page (whitespace collapsed).
        kept_characters: characters of ``text`` (whitespace collapsed).
    """

    text: str
    title: str = ""
    site_name: str = ""
    url: str = ""
    date: str = ""
    date_candidates: tuple[str, ...] = field(default_factory=tuple)
    language: str = ""
    page_characters: int = 0
    kept_characters: int = 0

    @property
    def dropped_characters(self) -> int:
        """Visible characters the extractor left out (navigation, links, comments, …)."""
        return max(self.page_characters - self.kept_characters, 0)


def looks_like_html(text: str) -> bool:
    """Whether decoded text holds HTML markup (a doctype or a common element) near its start."""
    return bool(_MARKUP.search(text[:20_000]))


def extract_page(html: str) -> Page:
    """Extract the article from a saved page's decoded HTML.

    Raises:
        PageError: the text holds no HTML markup, no visible text, or no article text.
    """
    import htmldate
    import lxml.html
    import trafilatura
    from lxml.etree import ParserError

    if not html.strip():
        raise PageError("empty file, nothing to analyse")
    if not looks_like_html(html):
        raise PageError("not an HTML page (no HTML markup found); save plain text as .txt")
    standin = next(char for char in _ZWNJ_STANDINS if char not in html)
    # An XML declaration with an encoding cannot be parsed from a str by lxml; the bytes are decoded already.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", html).replace(ZWNJ, standin)
    try:
        tree = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError) as error:
        raise PageError(f"cannot be parsed as HTML ({error})") from error
    visible = _visible_characters(tree)
    language = (tree.get("lang") or "").strip().lower()
    document: Any = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False, favor_precision=True)
    text = (document.text or "") if document is not None else ""
    lines = [" ".join(part.split()) for line in text.replace(standin, ZWNJ).splitlines() for part in _table_cells(line)]
    lines = [line for line in lines if line]
    if not lines:
        what = (
            f"none of the page's {visible:,} visible characters is article text (menus, links, comments…)"
            if visible
            else "the page has no visible text, only markup or scripts"
        )
        raise PageError(f"nothing extracted: {what}; skipped", visible)
    title = _one_line(document.title if document is not None else "").replace(standin, ZWNJ)
    site_name = _one_line((document.sitename or document.hostname or "") if document is not None else "").replace(standin, ZWNJ)
    if title and title != site_name and _key(lines[0]) != _key(title):
        lines.insert(0, title)
    body = "\n".join(lines)
    date = htmldate.find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d") or ""
    return Page(
        text=body,
        title=title,
        site_name=site_name,
        url=_one_line(document.url if document is not None else ""),
        date=date,
        date_candidates=tuple(candidate.replace(standin, ZWNJ) for candidate in _date_candidates(tree)),
        language=language,
        page_characters=max(visible, len(" ".join(body.split()))),
        kept_characters=len(" ".join(body.split())),
    )


def _table_cells(line: str) -> list[str]:
    """A line of the extracted text; a table row, which trafilatura writes ``| cell | cell |``, as its cells.

    News sites lay pages out in tables; a cell is a block of text, never to be read with a ``|`` in front of it. A
    row of rules only (``|---|---|``) holds no text.
    """
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return [line]
    return [cell for cell in stripped.strip("|").split("|") if cell.strip(" -:")]


def _visible_characters(tree: Any) -> int:
    """Characters of the page's visible text, outside scripts, styles and the head, whitespace collapsed."""
    import copy

    body = copy.deepcopy(tree)
    for element in list(body.iter(*INVISIBLE_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    return len(" ".join(body.text_content().split()))


def _date_candidates(tree: Any) -> list[str]:
    """Texts that may hold the publication date: date meta tags, ``<time>`` and date-like elements."""
    found: list[str] = []
    for meta in tree.iter("meta"):
        name = " ".join(filter(None, (meta.get("name"), meta.get("property"), meta.get("itemprop"))))
        if _DATE_HINT.search(name) and "modified" not in name.lower() and meta.get("content"):
            found.append(meta.get("content"))
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in INVISIBLE_TAGS:
            continue
        hint = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("itemprop"))))
        if element.tag == "time" or (hint and _DATE_HINT.search(hint) and "update" not in hint.lower()):
            text = _one_line(element.text_content())
            if text and len(text) <= 120:
                found.append(text)
            if element.get("datetime"):
                found.append(element.get("datetime"))
        if len(found) >= MAX_DATE_CANDIDATES:
            break
    return list(dict.fromkeys(found))[:MAX_DATE_CANDIDATES]


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def _key(text: str) -> str:
    return "".join(text.split()).replace(ZWNJ, "")
