"""The Distinctive words tab: words that mark a theme's paragraphs, per language."""

from __future__ import annotations

from typing import cast

import streamlit as st

from analysis import charts, compare
from analysis.text import tokenize
from views.common import Run, chart, download_buttons


def words_view(run: Run) -> None:
    """Distinctive words of a theme's paragraphs, per language."""
    st.subheader("Words that mark a theme, in each language")
    st.caption(
        "Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): words used more in the "
        "theme's paragraphs than in the other kept paragraphs of the same language; |z| above 1.96 is notable."
    )
    theme = cast(
        str, st.selectbox("Theme", run.selection.theme_ids, format_func=lambda theme_id: str(run.labels.get(theme_id)), key="terms_theme")
    )
    languages = run.languages()
    if not languages:
        st.info("No kept paragraphs in this selection.")
        return
    for column, language in zip(st.columns(len(languages)), languages, strict=True):
        with column:
            terms = compare.distinctive_terms(run.selected, theme, language, tokenize, top=15)
            title = f"{run.labels[theme]}: distinctive {compare.language_name(language)} words"
            chart(charts.distinctive_terms_chart(terms, title=title), f"terms_{language}")
            download_buttons(terms, f"distinctive_words_{theme}_{language}", run.metadata)
