"""Saved web pages: the article's text, title, date candidates and site name, with what was left out.

The main text is extracted with `trafilatura <https://trafilatura.readthedocs.io>`_ (precision
first: navigation, related links, comments, share buttons, cookie banners, scripts and footers are
left out). The date is never guessed from the text, the headline or the URL (htmldate, which
trafilatura uses, does all three, and takes a page's last-modified date when it finds no other): the
page offers date candidates, in order, JSON-LD ``datePublished``, date meta tags
(``article:published_time``…, never a modified or updated one), then ``<time>`` and date-like
elements in the order of the page (``پنجشنبه ۲۳ دی ۱۴۰۰``, ``10 جمادى الآخرة 1443 هـ``), outside
comment sections; the corpus reader converts the first that reads as a date with its own rules
(:func:`analysis.corpus.normalize_date`).

What the extractor leaves out is boilerplate by definition; :class:`Page` counts it: the page's
visible characters (body text outside scripts and styles), the characters kept as the article
text, and the difference, dropped.

This module works on decoded text and never touches the disk; the corpus reader decodes the bytes
and turns a :class:`PageError` into a listed problem.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlsplit

from analysis.wording import counted

# Persian words hold the zero-width non-joiner (U+200C), which trafilatura removes as a control
# character ("خبرگزاری‌ها" would become "خبرگزاریها"): it is swapped for a printable letter that
# news text does not use before extraction, and back after.
ZWNJ = "\u200c"
_ZWNJ_STANDINS = ("\ua66e", "\ua66d", "\U0001e800")
# Many Persian sites write it as a character reference, which the parser would turn into a ZWNJ after the swap.
_ZWNJ_REFERENCE = re.compile(r"&(?:zwnj;|#0*8204(?![0-9])|#[xX]0*200[cC](?![0-9a-fA-F]));?")
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
        host: the site's host name, lower case, without ``www.``, ``m.`` or a port ("" when unknown).
        url: the canonical URL given by the page ("" when none).
        date_candidates: the texts that may give the publication date, the most reliable first: JSON-LD
            ``datePublished``, date meta tags, then ``<time>`` and date-like elements (a class or id with
            "date"), outside comments.
        language: the ``lang`` attribute of ``<html>`` ("" when none); a hint, not a declaration.
        page_characters: visible characters of the page (whitespace collapsed).
        kept_characters: characters of ``text`` (whitespace collapsed).
        notes: what the reader should know about the page (text past the parser's depth, a frame not read…).
    """

    text: str
    title: str = ""
    site_name: str = ""
    host: str = ""
    url: str = ""
    date_candidates: tuple[str, ...] = field(default_factory=tuple)
    language: str = ""
    page_characters: int = 0
    kept_characters: int = 0
    notes: tuple[str, ...] = ()

    @property
    def has_site_name(self) -> bool:
        """Whether the page names its site (not only its host, ``arabic.rt.com``)."""
        return bool(self.site_name) and not _DOMAIN.fullmatch(self.site_name)

    @property
    def dropped_characters(self) -> int:
        """Visible characters the extractor left out (navigation, links, comments, …)."""
        return max(self.page_characters - self.kept_characters, 0)


def looks_like_html(text: str) -> bool:
    """Whether decoded text holds HTML markup (a doctype or a common element) near its start."""
    return bool(_MARKUP.search(text[:20_000]))


def extract_page(html: str, url: str = "") -> Page:
    """Extract the article from a saved page's decoded HTML (``url``: where it was saved from, when known apart from
    the page, as a web archive records it).

    Raises:
        PageError: the text holds no HTML markup, no visible text, or no article text.
    """
    import lxml.html
    from lxml.etree import ParserError

    if not html.strip():
        raise PageError("empty file, nothing to analyse")
    if not looks_like_html(html):
        raise PageError("not an HTML page (no HTML markup found); save plain text as .txt")
    standin = next(char for char in _ZWNJ_STANDINS if char not in html)
    # An XML declaration with an encoding cannot be parsed from a str by lxml; the bytes are decoded already.
    # Control characters are not text, and lxml refuses to build elements holding them.
    markup = _ZWNJ_REFERENCE.sub(standin, _CONTROL.sub("", re.sub(r"^\s*<\?xml[^>]*\?>", "", html)).replace(ZWNJ, standin))
    # trafilatura's own parser settings, and past libxml2's default depth of 256 (old pages leave <font> tags open)
    parser = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except (ParserError, ValueError) as error:
        raise PageError(f"cannot be parsed as HTML ({error})") from error
    references = _unusual_characters(markup)
    if references:  # references like &#1; put control characters in the tree
        _remove_control_characters(tree)
    notes = [*references, *_inline_frames(tree)]
    if any("excessive depth" in entry.message.lower() for entry in parser.error_log):
        notes.append(
            f"nested more than {MAX_DEPTH:,} elements deep: the parser stops there, so the text below that depth and after it is not read"
        )
    visible = _visible_characters(tree)
    anchor = _article_paragraph(tree)
    _remove_comment_sections(tree, standin, anchor)
    later = _later_articles(tree, anchor)
    for article in later:
        article.drop_tree()
    if later:
        notes.append(
            f"holds {len(later) + 1} articles, each an <article> with its own headline (a page that loads the next article as "
            f"it is scrolled): the first is read, the next {len(later)} left out; save each article as a page of its own"
        )
    language = (tree.get("lang") or "").strip().lower()
    date_candidates = tuple(candidate.replace(standin, ZWNJ) for candidate in _date_candidates(tree))
    title_element = _one_line(tree.findtext(".//title")).replace(standin, ZWNJ)
    optional = [*_ad_elements(tree), *(box for box in [*_teaser_cards(tree), *_headed_boxes(tree, standin)] if not _holds(box, anchor))]
    with_them = copy.deepcopy(tree) if optional else None
    _empty(optional)
    document, lines = _article(tree, url, standin)
    if not lines and with_them is not None:  # what looked like an ad or a card was all the article (a short item in "show-ads")
        document, lines = _article(with_them, url, standin)
    if not lines and (unscripted := _unscripted(tree)) is not None:  # a page whose scripts write its text
        page, note = unscripted
        document, lines = _article(page, url, standin)
        notes.extend([note] if lines and note else [])
    if not lines:
        what = (
            f"none of the page's {visible:,} visible characters is article text (menus, links, comments…)"
            if visible
            else "the page has no visible text, only markup or scripts"
        )
        raise PageError("; ".join([f"nothing extracted: {what}; skipped", *notes]), visible)
    title = _one_line(document.title if document is not None else "").replace(standin, ZWNJ)
    site_name = _one_line(document.sitename if document is not None else "").replace(standin, ZWNJ)
    page_url = _one_line(document.url if document is not None else "")
    archived = _ARCHIVED.fullmatch(page_url)  # a page saved from the Wayback Machine: its links all point there
    page_url = f"{archived['scheme']}://{archived['rest']}" if archived else page_url
    hostname = _host_key(urlsplit(page_url).netloc) if archived else _one_line(document.hostname if document is not None else "")
    # trafilatura takes a publisher meta tag for the site's name: a copyright notice, or a URL (article:publisher);
    # with no name, the archive's host
    if _COPYRIGHT.search(site_name) or re.match(r"https?://", site_name) or (archived and _DOMAIN.fullmatch(site_name)):
        site_name = ""
    host = _host_key(hostname or (site_name if _DOMAIN.fullmatch(site_name) else ""))
    site_name = site_name or hostname
    title = _headline(title, site_name, title_element)
    if title and title != site_name and _key(lines[0]) != _key(title):
        lines.insert(0, title)
    body = "\n".join(lines)
    return Page(
        text=body,
        title=title,
        site_name=site_name,
        host=host,
        url=page_url,
        date_candidates=date_candidates,
        language=language,
        page_characters=max(visible, len(" ".join(body.split()))),
        kept_characters=len(" ".join(body.split())),
        notes=tuple(notes),
    )


def _headline(title: str, site_name: str, title_element: str) -> str:
    """The page's headline: trafilatura's title, unless that is the site's name (a logo's ``<h1>``, or the first part
    of ``<title>خبرگزاری فارس - headline</title>``), then the longest part of the ``<title>`` element that is not."""
    if not site_name or _key(title) != _key(site_name):
        return title
    parts = [part for part in _TITLE_PARTS.split(title_element) if _key(part) and _key(part) != _key(site_name)]
    return max(parts, key=len, default="")


_TITLE_PARTS = re.compile(r"\s+[–•·—|⁄*⋆~‹«<›»>:-]\s+")


def _article(tree: Any, url: str, standin: str) -> tuple[Any, list[str]]:
    """trafilatura's reading of a page's tree (laid out for it first) and the article's lines, ZWNJs put back."""
    import trafilatura

    _unwrap_layout_tables(tree)
    _flatten_open_formatting(tree)
    _wrap_loose_text(tree)
    document: Any = trafilatura.bare_extraction(tree, url=url or None, with_metadata=True, include_comments=False, favor_precision=True)
    text = _CONTROL.sub("", (document.text or "") if document is not None else "")
    lines = [" ".join(part.split()) for line in text.replace(standin, ZWNJ).splitlines() for part in _table_cells(line)]
    items = {" ".join(item.text_content().replace(standin, ZWNJ).split()) for item in tree.iter("li")}
    # trafilatura writes a list item "- item": the page has no such dash
    return document, [line[2:] if line.startswith("- ") and line[2:] in items else line for line in lines if line]


MAX_DEPTH = 2048  # libxml2's limit with huge_tree
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
# Inline elements: they flow with the text around them. Any other element (a <div>, a <figure>, an ad's <ins>, a
# <template>) breaks the text into blocks. _CONTAINERS are the elements whose loose text is laid out in blocks.
_INLINE_TAGS = frozenset((
    "a", "abbr", "acronym", "area", "audio", "b", "bdi", "bdo", "big", "br", "button", "canvas", "cite", "code", "data",
    "del", "dfn", "em", "embed", "font", "i", "iframe", "img", "input", "ins", "kbd", "label", "map", "mark", "math",
    "meter", "nobr", "noscript", "object", "output", "picture", "progress", "q", "rp", "rt", "ruby", "s", "samp",
    "script", "select", "small", "source", "span", "strike", "strong", "sub", "sup", "svg", "textarea", "time", "tt",
    "u", "var", "video", "wbr", "meta", "link", "style",
))  # fmt: skip
_CONTAINERS = frozenset({"article", "blockquote", "body", "center", "div", "font", "main", "section", "td"})


def _article_paragraph(tree: Any) -> Any:
    """The last ``<p>`` of the element whose own paragraphs hold the most text (``None`` when the page has no ``<p>``):
    a sure part of the article, which the rules that take boxes out of a page (comments, cards, headed boxes, later
    articles) never touch, nor what comes before it. Paragraphs counted together, so that one long comment is not it;
    on a page with one ``<h1>``, only those of the smallest block around it that holds paragraphs (a one-paragraph
    brief beside a longer "about us")."""
    headlines = list(tree.iter("h1"))
    block = headlines[0] if len(headlines) == 1 else tree
    while block.getparent() is not None and next(block.iter("p"), None) is None:
        block = block.getparent()
    totals: dict[Any, int] = {}
    for paragraph in block.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(" ".join(paragraph.text_content().split()))
    if not totals:
        return None
    return max(totals, key=lambda parent: totals[parent]).findall("p")[-1]


def _holds(element: Any, anchor: Any) -> bool:
    """Whether ``element`` is ``anchor`` or one of its ancestors."""
    return anchor is not None and (element is anchor or any(ancestor is element for ancestor in anchor.iterancestors()))


def _follows(element: Any, anchor: Any) -> bool:
    """Whether ``element`` comes after ``anchor`` in the page, outside it (no anchor: nothing can be said, so no)."""
    if anchor is None:
        return False
    after = [sibling for node in [anchor, *anchor.iterancestors()] for sibling in node.itersiblings()]
    return any(element is later or _holds(later, element) for later in after)


def _remove_comment_sections(tree: Any, standin: str, anchor: Any) -> None:
    """Remove the readers' comments a heading announces («نظرات کاربران», «ارسال نظر», «التعليقات», «أضف تعليقك»…; not a bare
    «نظرات» or «دیدگاه‌ها», "views", which may head a part of the article itself): the
    heading (with the box holding only it) and what follows it in its container. trafilatura knows comment sections by
    English class names only (``comments``); one named otherwise (``nazarat``) was read as the article's last
    paragraphs. Only a heading after the article's paragraphs (``anchor``) counts: one in the article's own header
    (a link «التعليقات (3)» to them) would have taken the article with it."""
    for heading in _headings_named(tree, _COMMENT_HEADING, standin):
        if not _follows(heading, anchor):
            continue
        start = heading
        while start.getnext() is None and (box := start.getparent()) is not None and len(box) == 1 and box.tag not in _PAGE_TAGS:
            start = box
        parent = start.getparent()
        if parent is not None:
            for element in [start, *start.itersiblings()]:
                parent.remove(element)


_PAGE_TAGS = ("html", "body", "article", "main")


def _headings_named(tree: Any, name: re.Pattern[str], standin: str) -> list[Any]:
    """The page's ``<h2>``–``<h6>`` whose whole text ``name`` matches (ZWNJs put back), in page order."""
    return [heading for heading in tree.iter(*_HEADINGS) if name.fullmatch(_one_line(heading.text_content()).replace(standin, ZWNJ))]


def _headed_boxes(tree: Any, standin: str) -> list[Any]:
    """The boxes a heading names as the site's («درباره ما», «خبرنامه», «پربازدیدترین», «مطالب مرتبط», «من نحن», «النشرة
    البريدية», «الأكثر قراءة», «مقالات ذات صلة»…): the heading's container, when it holds no ``<h1>`` and at most
    ``MAX_BOX_TEXT`` characters. trafilatura reads a short article's page more widely, and kept such boxes beside it
    (a blurb about the site, a newsletter offer, a most-read teaser)."""
    boxes = []
    for heading in _headings_named(tree, _BOX_HEADING, standin):
        box = heading.getparent()
        while box is not None and len(box) == 1 and box.getparent() is not None and box.getparent().tag not in _PAGE_TAGS:
            box = box.getparent()  # the heading's own wrapper (a title bar)
        if (
            box is not None
            and box.tag not in _PAGE_TAGS
            and next(box.iter("h1"), None) is None
            and len(" ".join(box.text_content().split())) <= MAX_BOX_TEXT
        ):
            boxes.append(box)
    return boxes


MAX_BOX_TEXT = 1000  # characters
_BOX_HEADING = re.compile(
    r"[\W\d_]*(?:درباره(?:\u200c?ی|ٔ)?\s+ما|تماس\s+با\s+ما|(?:عضویت\s+در\s+)?خبرنامه|پر\s*\u200c?(?:بازدید|بیننده|مخاطب|بحث)\s*\u200c?ترین(?:\s*\u200c?ها)?"
    r"|(?:اخبار|مطالب|خبرهای)\s+(?:مرتبط|پیشنهادی|پربازدید)|من\s+نحن|اتصل\s+بنا|عن\s+الموقع|(?:اشترك\s+في\s+)?النشرة\s+(?:البريدية|الإخبارية)"
    r"|الأكثر\s+(?:قراءة|مشاهدة|تداولا)|(?:أخبار|مقالات|مواضيع)\s+(?:ذات\s+صلة|متعلقة|مقترحة))[\W\d_]*"
)


_COMMENT_HEADING = re.compile(
    r"[\W\d_]*(?:ارسال\s+(?:نظر|دیدگاه)|(?:نظرات|نظر|دیدگاه(?:\u200c?ها)?)\s+(?:کاربران|خوانندگان|مخاطبان|شما|خود\s+را\s+بنویسید)"
    r"|(?:ال)?تعليقات(?:\s+(?:القراء|الزوار))?|(?:أضف|اضف|اترك|أترك)\s+(?:تعليقا|تعليقك|تعليق)|آراء\s+القراء)[\W\d_]*"
)


def _unscripted(tree: Any) -> tuple[Any, str] | None:
    """The text a page whose scripts write it still holds, saved without them: a copy of the page with its JSON-LD
    ``articleBody`` as its body, with a note saying so, else with its ``<noscript>`` elements as plain elements (what
    it shows without JavaScript); None when it holds neither."""
    import lxml.html

    text = _json_ld_article_body(tree)
    if not text and not any(" ".join(element.text_content().split()) for element in tree.iter("noscript")):
        return None
    page = copy.deepcopy(tree)
    if not text:
        for element in list(page.iter("noscript")):
            element.drop_tag()
        return page, ""
    body = page.find("body")
    if body is None:
        body = lxml.html.Element("body")
        page.append(body)
    for child in list(body):
        body.remove(child)
    body.text = None
    paragraphs = text if "<" in text else "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    body.append(lxml.html.fragment_fromstring(paragraphs, create_parent="article"))
    return page, "the page shows no article text (its scripts write it): read from its JSON-LD articleBody"


def _json_ld_article_body(tree: Any) -> str:
    """The ``articleBody`` of the page's first JSON-LD article (``NewsArticle``, ``BlogPosting``…); "" when none."""
    for item in _json_ld_items(tree):
        body = item.get("articleBody")
        if isinstance(body, str) and body.strip() and _ARTICLE_TYPE.search(str(item.get("@type", ""))):
            return body
    return ""


def _empty(elements: list[Any]) -> None:
    """Empty ads (:func:`_ad_elements`), cards (:func:`_teaser_cards`) and headed boxes (:func:`_headed_boxes`; neither of
    these two when it holds the article's paragraphs): trafilatura keeps a text ad in a
    ``<div class="ad">`` like any block, and reads a card as the article. The element stays, empty, and so does the
    text after it (a block between ``<br><br>`` paragraphs lays them out)."""
    for element in elements:
        for child in list(element):
            element.remove(child)
        element.text = None


def _later_articles(tree: Any, anchor: Any) -> list[Any]:
    """The ``<article>`` elements that hold a headline (``<h1>``) of their own after the one holding the article's
    paragraphs (``anchor``): the next articles a page loads as it is scrolled, saved with it (trafilatura read them as
    more paragraphs of the first). None when that article is not the first such (cards in a sidebar before the story)."""
    headed = [
        article
        for article in tree.iter("article")
        if next(article.iterancestors("article"), None) is None and next(article.iter("h1"), None) is not None
    ]
    return headed[1:] if headed and _holds(headed[0], anchor) else []


def _teaser_cards(tree: Any) -> list[Any]:
    """``<article>`` elements that are cards of other articles ("more on", "related"): a linked heading, at most
    ``MAX_AD_TEXT`` characters and no headline (``<h1>``). trafilatura reads the page's first ``<article>`` as its
    article, and put a card's summary before the article's paragraphs."""
    return [
        article
        for article in tree.iter("article")
        if next(article.iter("h1"), None) is None
        and any(
            heading.find(".//a") is not None or next(heading.iterancestors("a"), None) is not None for heading in article.iter(*_HEADINGS)
        )
        and len(" ".join(article.text_content().split())) <= MAX_AD_TEXT
    ]


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _ad_elements(tree: Any) -> list[Any]:
    """The elements whose class or id names an ad (``class="ad"``, ``top-ad``, ``block-ads``, ``sponsored``, ``promo``…)
    and which hold at most ``MAX_AD_TEXT`` characters and no headline (``<h1>``, ``<h2>``). Not an ad: a class saying
    the opposite (``no-ads``, ``ads-free``), nor the page's ``<html>``, ``<body>``, ``<article>`` or ``<main>``."""
    return [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag not in _PAGE_TAGS
        and _names_an_ad(element)
        and len(" ".join(element.text_content().split())) <= MAX_AD_TEXT
        and next(element.iter("h1", "h2"), None) is None
    ]


def _names_an_ad(element: Any) -> bool:
    """Whether a class or id of the element names an ad (``top-ad``, ``adBox``), not its absence (``no-ads``)."""
    return any(
        words & _AD_WORDS and not words & _NOT_AD_WORDS
        for words in ({word.lower() for word in _words(token)} for token in _class_tokens(element))
    )


_AD_WORDS = frozenset(
    {"ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adsbygoogle", "adslot", "adbox", "sponsor",
     "sponsored", "promo", "promoted", "tabligh", "tablighat"}
)  # fmt: skip
_NOT_AD_WORDS = frozenset({"no", "non", "without", "free"})
MAX_AD_TEXT = 500  # characters


def _unwrap_layout_tables(tree: Any) -> None:
    """Read a table that lays a page out (a cell holding paragraphs, or a long text) as plain blocks: trafilatura
    writes each table row as one line, which merged the paragraphs of a cell into one."""
    for table in list(tree.iter("table")):
        cells = list(table.iter("td", "th"))
        if any(
            any(isinstance(child.tag, str) and child.tag in ("p", "div", "br") for child in cell)
            or len(" ".join(cell.text_content().split())) > MAX_TABLE_CELL
            for cell in cells
        ):
            for element in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
                element.tag = "div"


MAX_TABLE_CELL = 300  # characters: a longer cell is a column of text, not a value


def _wrap_loose_text(tree: Any) -> None:
    """In a container that holds block elements, put each paragraph-like run of loose text between them (with its
    inline elements) in a ``<p>`` of its own, as a browser lays it out.

    trafilatura removes an ad slot or an image's ``<div>`` together with the text after it (the element's tail),
    and drops a container's own leading text: in pages laid out with ``<br><br>`` each is a whole paragraph. A
    short run, or one that is mostly links (a share bar, a "news code | date" line), is left as it was, for
    trafilatura to judge. An inline element that holds blocks (a ``<font>`` left open around the paragraphs after
    it) is a block here. Once a container's text is put in paragraphs, so is that of the containers in it
    (``<div>`` tags left open): trafilatura drops a bare text beside paragraphs.
    """
    import lxml.html

    blocks = set()
    for element in reversed(list(tree.iter())):  # children before their parents
        if isinstance(element.tag, str) and (not _is_inline(element.tag) or any(child in blocks for child in element)):
            blocks.add(element)
    wrapped = set()  # containers where a run was put in a <p>
    for container in list(tree.iter(*_CONTAINERS)):
        if not any(child in blocks for child in container) and container.getparent() not in wrapped:
            continue
        runs: list[tuple[Any, str, list[Any]]] = [(container, "text", [])]  # where the run's text is, its inline elements
        for child in container:
            if child in blocks:
                runs.append((child, "tail", []))
            else:
                runs[-1][2].append(child)
        for owner, place, inline in runs:
            text = getattr(owner, place) or ""
            links = sum(len(" ".join(link.text_content().split())) for element in inline for link in element.iter("a"))
            length = len(" ".join((text + "".join(element.text_content() + (element.tail or "") for element in inline)).split()))
            if length < MIN_LOOSE_PARAGRAPH or links > length / 2:
                continue
            paragraph = lxml.html.Element("p")
            paragraph.text = text
            setattr(owner, place, None)
            if place == "text":
                container.insert(0, paragraph)
            else:
                owner.addnext(paragraph)
            paragraph.extend(inline)  # the inline elements move with their tails
            wrapped.add(container)


MIN_LOOSE_PARAGRAPH = 40  # characters


def _flatten_open_formatting(tree: Any) -> None:
    """In a page nested deeper than trafilatura can read, remove the formatting tags inside one of the same kind
    (``<font>``, ``<b>``, ``<span>`` left open at each paragraph), keeping their text: such a chain has no other
    effect, and past 255 levels trafilatura's main reading fails and its fallback (which parses the page again with
    libxml2's default depth) loses every paragraph below that depth."""
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    if deepest <= DEEP_TREE:
        return
    for element in [element for element in tree.iter(*_FORMATTING_TAGS) if next(element.iterancestors(element.tag), None) is not None]:
        element.drop_tag()


DEEP_TREE = 200  # levels: a deeper page has formatting tags left open (libxml2's default limit, trafilatura's, is 255)
_FORMATTING_TAGS = ("b", "basefont", "big", "em", "font", "i", "nobr", "s", "small", "span", "strike", "strong", "tt", "u")


def _is_inline(tag: str) -> bool:
    """Inline elements, invisible ones and custom elements (``amp-img``, Word's ``o:p``) flow with the text."""
    return tag in _INLINE_TAGS or "-" in tag or ":" in tag


def _unusual_characters(markup: str) -> list[str]:
    """A note when character references name characters that are not text (``&#xD800;``, ``&#0;``)."""
    count = 0
    for match in _REFERENCE.finditer(markup):
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        count += code in (0x7F,) or (code < 0x20 and code not in (9, 10, 13)) or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF
    if not count:
        return []
    return [f"{counted(count, 'character reference')} to characters that are not text (&#xD800;, &#0;…): shown as \ufffd or removed"]


def _remove_control_characters(tree: Any) -> None:
    for element in tree.iter():
        if element.text and _CONTROL.search(element.text):
            element.text = _CONTROL.sub("", element.text)
        if element.tail and _CONTROL.search(element.tail):
            element.tail = _CONTROL.sub("", element.tail)


def _inline_frames(tree: Any) -> list[str]:
    """A note when ``<iframe srcdoc>`` holds text: a frame's page is not read."""
    import lxml.html
    from lxml.etree import ParserError

    characters = 0
    for frame in tree.iter("iframe"):
        if frame.get("srcdoc"):
            try:
                characters += len(" ".join(lxml.html.fromstring(frame.get("srcdoc")).text_content().split()))
            except (ValueError, ParserError):
                continue
    if not characters:
        return []
    return [f"an inline frame (iframe srcdoc) holds {characters:,} characters of text, not read; save the frame's page itself"]


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
    """Texts that may hold the publication date: JSON-LD, date meta tags, ``<time>`` and date-like elements.

    Elements in comment sections, asides, navigation, footers and the site's own header (today's date) are not
    looked at; those of an ``<article>`` come before the rest.
    """
    found = _json_ld_dates(tree)
    aside: dict[Any, bool] = {}  # in a comment section, an aside, navigation, a footer or the site's header
    in_article: dict[Any, bool] = {}
    for element in tree.iter():
        if isinstance(element.tag, str):
            parent = element.getparent()
            in_article[element] = in_article.get(parent, False) or element.tag == "article"
            aside[element] = aside.get(parent, False) or _is_aside(element, in_article[element])
    for meta in tree.iter("meta"):
        name = " ".join(filter(None, (meta.get("name"), meta.get("property"), meta.get("itemprop"))))
        if _DATE_HINT.search(name) and not _NOT_PUBLISHED.search(name) and meta.get("content") and not aside.get(meta):
            found.append(meta.get("content"))
    in_articles: list[str] = []
    elsewhere: list[tuple[Any, list[str]]] = []
    for element, outside in aside.items():
        if outside or element.tag in INVISIBLE_TAGS:
            continue
        hint = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("itemprop"))))
        if element.tag == "time" or (_DATE_HINT.search(hint) and not _NOT_PUBLISHED.search(hint)):
            text = _one_line(element.text_content())
            texts = [text] if text and len(text) <= 120 and not _LATER_TEXT.search(text) else []
            texts += [element.get("datetime")] if element.get("datetime") else []
            if in_article[element]:
                in_articles.extend(texts)
            else:
                elsewhere.append((element, texts))
        if len(found) + len(in_articles) >= MAX_DATE_CANDIDATES:
            break
    near = _beside_headline(tree, [element for element, _ in elsewhere], aside)
    later = [text for element, texts in sorted(elsewhere, key=lambda pair: pair[0] not in near) for text in texts]
    return list(dict.fromkeys([*found, *in_articles, *later]))[:MAX_DATE_CANDIDATES]


def _beside_headline(tree: Any, elements: list[Any], aside: dict[Any, bool]) -> set[Any]:
    """Of a page's date elements, those in the smallest block around its headline (the longest ``<h1>`` outside
    asides) that holds any: a page without ``<article>`` may list other articles' dates before its own."""
    headlines = [h1 for h1 in tree.iter("h1") if not aside.get(h1)]
    if not headlines or not elements:
        return set()
    headline = max(headlines, key=lambda h1: len(_one_line(h1.text_content())))
    for block in headline.iterancestors():
        near = {element for element in elements if element is block or block in set(element.iterancestors())}
        if near:
            return near
    return set()


def _is_aside(element: Any, in_article: bool) -> bool:
    """Whether an element starts a part of the page whose dates are not the article's."""
    if element.tag in ("aside", "nav", "footer") or (element.tag == "header" and not in_article):
        return True
    if not in_article and _is_site_header(element):
        return True
    return any(word in _ASIDE_WORDS for word in _class_words(element))


def _is_site_header(element: Any) -> bool:
    """Whether an element is the site's header written as a ``<div>`` (``id="header"``, ``class="top-bar"``), which
    shows the date of the day: one holding no headline (``<h1>``) and with none beside it (the article's own header,
    ``<div class="header">date</div><h1>…``)."""
    names = {token.lower().replace("_", "-") for token in _class_tokens(element)}
    parent = element.getparent()
    beside = parent is not None and any(sibling.tag == "h1" for sibling in parent)
    return bool(names & _SITE_HEADERS) and next(element.iter("h1"), None) is None and not beside


_SITE_HEADERS = frozenset(
    {"header", "site-header", "top-header", "main-header", "header-top", "top-bar", "topbar", "masthead", "navbar", "top-nav"}
)


def _class_words(element: Any) -> list[str]:
    """The words of an element's class and id (``top-ad``, ``ad_slot``, ``adBox``: "ad"), lowercase."""
    return [word.lower() for token in _class_tokens(element) for word in _words(token)]


def _class_tokens(element: Any) -> list[str]:
    """An element's class names and id; category and tag classes aside (a WordPress category named «تعليقات»)."""
    tokens = " ".join(filter(None, (element.get("class"), element.get("id")))).split()
    return [token for token in tokens if not token.lower().startswith(("category-", "tag-", "cat-"))]


def _words(token: str) -> list[str]:
    """The words of a class name: split at ``-``, ``_`` and a lowercase-uppercase step (``adBox``: ad, Box)."""
    return re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", token)


_ASIDE_WORDS = frozenset(
    {"comment", "comments", "commentlist", "reply", "replies", "respond", "disqus", "تعليق", "تعليقات", "نظرات", "sidebar", "related"}
)
_LATER_TEXT = re.compile(r"تحديث|به.?روز|بروز|ویرایش|updated|modified|edited", re.IGNORECASE)  # ZWNJ is a stand-in here


# "جميع الحقوق محفوظة", "کلیه حقوق … محفوظ است": a copyright line, not «المرصد السوري لحقوق الإنسان»
_COPYRIGHT = re.compile(r"©|\(c\)|copyright|rights reserved|(?:جميع|كافة|کلیه|تمامی|همه)\s+(?:ال)?حقوق|حقوق\s.{0,30}محفوظ", re.IGNORECASE)
_NOT_PUBLISHED = re.compile(r"modif|updat|publisher|expir", re.IGNORECASE)  # article:publisher is a URL
MAX_JSON_ITEMS = 10_000


def _json_ld_dates(tree: Any) -> list[str]:
    """``datePublished`` (else ``dateCreated``) of the JSON-LD items of a page, in document order: those of articles
    (``NewsArticle``, ``BlogPosting``…) first; comments' and lists' (related articles) skipped."""
    articles: list[str] = []
    found: list[str] = []
    for item in _json_ld_items(tree):
        date = item.get("datePublished") or item.get("dateCreated")
        if isinstance(date, str) and date.strip():
            (articles if _ARTICLE_TYPE.search(str(item.get("@type", ""))) else found).append(date.strip())
            if len(articles) + len(found) >= MAX_DATE_CANDIDATES:
                break
    return [*articles, *found]


def _json_ld_items(tree: Any) -> Iterator[dict[str, Any]]:
    """The objects of a page's JSON-LD scripts, depth first in document order (a bounded walk of any JSON), without
    comments, lists (related articles) and breadcrumbs, nor what they hold."""
    for script in tree.iter("script"):
        if (script.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        try:
            stack = [json.loads(script.text or "")]
        except (ValueError, RecursionError):
            continue
        for _ in range(MAX_JSON_ITEMS):
            if not stack:
                break
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict) and not _NOT_THE_ARTICLE.search(str(item.get("@type", ""))):
                yield item
                stack.extend(reversed([value for key, value in item.items() if isinstance(value, (dict, list)) and key != "comment"]))


_ARTICLE_TYPE = re.compile(r"article|posting|report", re.IGNORECASE)
_NOT_THE_ARTICLE = re.compile(r"comment|itemlist|listitem|breadcrumb", re.IGNORECASE)


# https://web.archive.org/web/20220113101010/https://www.tasnimnews.com/… (trafilatura leaves one slash of the second "//")
_ARCHIVED = re.compile(r"https?://(?:web|wayback)\.archive\.org/web/\d+[a-z_]*/(?P<scheme>https?):/+(?P<rest>.+)", re.IGNORECASE)
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+(?::\d+)?", re.ASCII)
_HOST_PREFIX = re.compile(r"^(?:www\d*|m|mobile|amp)\.")


def _host_key(host: str) -> str:
    """``WWW.Farsnews.ir:443`` and ``m.farsnews.ir`` → ``farsnews.ir``."""
    return _HOST_PREFIX.sub("", host.lower().split(":")[0])


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def _key(text: str) -> str:
    return "".join(text.split()).replace(ZWNJ, "")
