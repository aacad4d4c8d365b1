"""HTML for corpus text in the dashboard: every corpus-derived string is escaped, never rendered as markup.

Persian and Arabic text is laid out right-to-left. The functions return strings for ``st.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import pandas as pd

from analysis.charts import FONT_FAMILY
from analysis.languages import RTL_LANGUAGES, language_name
from analysis.views import paragraph_number

CELL = 'style="padding:0.35rem 0.5rem;border-bottom:1px solid #e6e6e6;vertical-align:top;text-align:start"'
SAFE_URL_SCHEMES = ("http://", "https://")


def text_block(text: object, language: str, style: str = "") -> str:
    """Corpus text as an escaped ``<div>``, right-to-left for Persian and Arabic."""
    direction = "rtl" if language in RTL_LANGUAGES else "auto"
    align = "right" if direction == "rtl" else "start"
    return (
        f'<div dir="{direction}" lang="{escape(str(language))}" style="text-align:{align};line-height:1.9;'
        f'font-family:{FONT_FAMILY};{style}">{escape(str(text))}</div>'
    )


def paragraphs_table_html(rows: pd.DataFrame, headings: Mapping[str, str], direction_from: str = "language") -> str:
    """An HTML table of paragraphs: escaped cells, the ``text`` column right-to-left for Persian and Arabic.

    Args:
        rows: the rows to show (all of them: the caller limits their number).
        headings: column -> heading, in display order.
        direction_from: the column whose language code sets the direction of ``text``.
    """

    def cell(column: str, row: pd.Series) -> str:
        value = row[column]
        return text_block(value, row[direction_from]) if column == "text" else escape(str(value))

    head = "".join(f"<th {CELL}>{escape(heading)}</th>" for heading in headings.values())
    body = "".join("<tr>" + "".join(f"<td {CELL}>{cell(column, row)}</td>" for column in headings) + "</tr>" for _, row in rows.iterrows())
    return (
        f'<table style="width:100%;border-collapse:collapse;font-size:0.9rem"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def source_link(url: object) -> str:
    """A "source" link for an http(s) URL, escaped; "" for anything else (javascript:, data:, file paths)."""
    if not isinstance(url, str) or not url.lower().startswith(SAFE_URL_SCHEMES):
        return ""
    return f' · <a href="{escape(url)}" target="_blank" rel="noopener noreferrer">source</a>'


def paragraph_card(row: Any, measure: str) -> str:
    """One paragraph with its outlet, language, date, number in its article, title and a measure, as escaped HTML."""
    details = [row.outlet, language_name(row.language), row.date or "undated", paragraph_number(row.position), measure]
    meta = f'<div style="color:#555;font-size:0.85rem">{escape(" · ".join(map(str, details)))}{source_link(getattr(row, "url", ""))}</div>'
    title = text_block(row.title, row.language, "font-weight:600;font-size:0.9rem;color:#333") if row.title else ""
    return meta + title + text_block(row.text, row.language, "font-size:1.05rem;margin-top:0.25rem")
