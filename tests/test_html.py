from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from analysis import html

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<b>Bold</b> <a href='https://evil.example'>x</a>"]


def _card_row(**fields: object) -> SimpleNamespace:
    row = {"outlet": "Tasnim", "language": "fa", "date": "2022-01-07", "position": 2, "title": "", "url": "", "text": "متن"}
    return SimpleNamespace(**{**row, **fields})


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_block_escapes_markup_and_sets_direction(hostile: str) -> None:
    block = html.text_block(hostile, "ar")
    assert hostile not in block and html.escape(hostile) in block
    assert block.startswith('<div dir="rtl" lang="ar"') and "<script" not in block and "<img" not in block
    assert html.text_block("hello", "en").startswith('<div dir="auto" lang="en"')
    assert 'lang="&quot;&gt;&lt;x"' in html.text_block("t", '"><x')


@pytest.mark.parametrize("hostile", HOSTILE)
def test_paragraph_card_escapes_every_corpus_field(hostile: str) -> None:
    card = html.paragraph_card(_card_row(outlet=hostile, title=hostile, text=hostile, date=hostile), "score 0.50")
    assert card.count(html.escape(hostile)) == 4  # outlet and date in the meta line, title, text
    assert "<script" not in card and "<img" not in card and "evil.example'>" not in card
    assert "¶ 3 · score 0.50" in card


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://tasnimnews.com/fa/news/1", True),
        ("HTTP://example.com/a?b=1&c=2", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("/etc/passwd", False),
        (float("nan"), False),
    ],
)
def test_source_link_only_for_http_urls(url: object, linked: bool) -> None:
    link = html.source_link(url)
    assert bool(link) is linked
    if linked:
        assert f'href="{html.escape(url)}"' in link and 'rel="noopener noreferrer"' in link


def test_paragraphs_table_escapes_cells_and_headings() -> None:
    rows = pd.DataFrame({"article": [HOSTILE[2]], "text": [HOSTILE[0]], "detected_language": ["fa"]})
    table = html.paragraphs_table_html(rows, {"article": "<i>Article</i>", "text": "Text"}, direction_from="detected_language")
    assert "<script" not in table and "<a " not in table and "<i>" not in table
    assert table.count("<tr>") == 2 and '<div dir="rtl" lang="fa"' in table
