"""The Distinctive words tab: words that mark a theme's paragraphs, per language, and each word in context."""

from __future__ import annotations

from html import escape
from typing import cast

import pandas as pd
import streamlit as st

from analysis import charts, compare, words
from analysis.html import CELL, text_block
from analysis.languages import RTL_LANGUAGES
from analysis.views import paragraph_number
from analysis.wording import counted
from views.common import (
    Run,
    chart,
    download_buttons,
)

KWIC_SHOWN = 40
KWIC_KEY = "terms_context"
NO_WORD = ""


def open_clicked_word(language: str) -> None:
    """Show the clicked bar's word in context, under the charts."""
    clicked = charts.clicked_term(st.session_state[f"terms_{language}"]["selection"]["points"])
    if clicked:
        st.session_state[KWIC_KEY] = f"{language}:{clicked}"


def kwic_html(lines: pd.DataFrame, language: str) -> str:
    """Keyword-in-context lines as an escaped HTML table, right-to-left for Persian and Arabic:
    the text before the word on its right, the word, the text after it, then where it is."""
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    body = "".join(
        "<tr>"
        f"<td {CELL}>{text_block(line.left, language, 'text-align:end;white-space:nowrap')}</td>"
        f"<td {CELL}>{text_block(line.keyword, language, 'font-weight:700;text-align:center;white-space:nowrap')}</td>"
        f"<td {CELL}>{text_block(line.right, language, 'text-align:start;white-space:nowrap')}</td>"
        f'<td {CELL}><span dir="auto" style="color:#555;font-size:0.8rem">'
        f"{escape(' · '.join([str(line.outlet), str(line.date or 'undated'), paragraph_number(int(line.position))]))}</span></td>"
        "</tr>"
        for line in lines.itertuples(index=False)
    )
    return f'<div style="overflow-x:auto"><table dir="{direction}" style="border-collapse:collapse;font-size:0.95rem"><tbody>{body}</tbody></table></div>'


def words_view(run: Run) -> None:
    """Distinctive words of a theme's paragraphs, per language; a clicked (or chosen) word in context."""
    st.subheader("Words that mark a theme, in each language")
    st.caption(
        "Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): words used more in the "
        "theme's paragraphs than in the other kept paragraphs of the same language. Each word is shown in its most "
        "frequent spelling, its variants merged (Arabic clitics such as ال و ب ل and ها هم ه); outlets, news agencies "
        "and datelines are left out. ✓: |z| ≥ 1.96. Click a bar to read the word in context."
    )
    theme = cast(
        str, st.selectbox("Theme", run.selection.theme_ids, format_func=lambda theme_id: str(run.labels.get(theme_id)), key="terms_theme")
    )
    languages = run.languages()
    if not languages:
        st.info("No kept paragraphs in this selection.")
        return
    found: dict[str, pd.DataFrame] = {}
    for column, language in zip(st.columns(len(languages)), languages, strict=True):
        with column:
            terms = words.distinctive_terms(run.selected, theme, language, top=15)
            found[language] = terms
            title = f"{run.labels[theme]}: distinctive {compare.language_name(language)} words"
            chart(
                charts.distinctive_terms_chart(terms, title=title, language=language),
                f"terms_{language}",
                on_select=lambda language=language: open_clicked_word(language),
                selection_mode="points",
            )
            download_buttons(terms, f"distinctive_words_{theme}_{language}", run.metadata)
    labels = {
        f"{language}:{key}": f"{term} ({compare.language_name(language)})"
        for language, terms in found.items()
        for term, key in zip(terms["term"], terms["key"], strict=True)
    }
    if KWIC_KEY in st.session_state and st.session_state[KWIC_KEY] not in (NO_WORD, *labels):
        del st.session_state[KWIC_KEY]
    choice = cast(
        str,
        st.selectbox(
            "Show a word in context",
            [NO_WORD, *labels],
            format_func=lambda option: labels.get(option, "Choose a word, or click a bar"),
            key=KWIC_KEY,
        ),
    )
    if choice == NO_WORD:
        return
    language, key = choice.split(":", 1)
    lines = words.keyword_in_context(run.selected, key, language, theme=theme)
    in_theme = int(lines["in_theme"].sum())
    st.caption(
        f"{labels[choice]}: {counted(len(lines), 'occurrence')} in the kept {compare.language_name(language)} paragraphs "
        f"({in_theme} in paragraphs carrying {run.labels[theme]}), every merged spelling, as written; "
        f"those paragraphs first. Showing {min(len(lines), KWIC_SHOWN)}."
    )
    ordered = lines.sort_values("in_theme", ascending=False, kind="stable")
    st.html(kwic_html(ordered.head(KWIC_SHOWN), language))
    download_buttons(lines, f"word_in_context_{theme}_{language}", run.metadata)
