"""The Overview tab: theme shares by language, the Persian–Arabic test, outlets, articles."""

from __future__ import annotations

import html

import streamlit as st

from analysis import charts, compare
from analysis.languages import ALL
from analysis.wording import counted
from views.common import Run, chart, download_buttons, show_table

STRIP_SCROLL_AFTER = 14
"""A strip of more articles than this is drawn in a scrolling box."""
STRIP_PAGE_ARTICLES = 200
"""A strip of more articles than this is drawn a page of this many articles at a time (a browser takes tens of
seconds to draw 100,000 cells)."""
STRIP_PAGE_KEY = "strip_page"
STRIP_BOX_HEIGHT = 760
DIFFERENCE_SHOWN = ["theme", "share_a", "share_b", "difference", "ci_low", "ci_high", "p_value", "articles_a", "articles_b"]


def open_clicked_bar() -> None:
    """Open the Evidence view on the theme and language of the clicked bar."""
    clicked = charts.clicked_bar(st.session_state["shares_chart"]["selection"]["points"])
    if clicked:
        st.session_state["evidence_theme"], st.session_state["evidence_language"] = clicked
        st.session_state["evidence_outlet"] = ALL
        st.session_state.pop("evidence_dates", None)
        st.session_state["view"] = "Evidence"


def overview_view(run: Run) -> None:
    """Theme shares by language, the Persian–Arabic test, outlets, and articles paragraph by paragraph."""
    ids, labels = run.selection.theme_ids, run.labels
    shares = compare.theme_shares(run.selected, ids, by="language")
    st.subheader("How much space each theme gets, Persian vs Arabic")
    chart(charts.shares_by_language_chart(shares, labels=labels), "shares_chart", on_select=open_clicked_bar, selection_mode="points")
    st.caption(
        "Counts kept paragraphs: of all kept paragraphs in a language, the share that carries the theme "
        "(a paragraph may carry several themes, or none). Whiskers: 95 % Wilson intervals. Click a bar to read its paragraphs."
    )
    show_table(run, shares, "theme_shares_by_language")

    st.subheader("Is the gap between Persian and Arabic outlets more than chance?")
    st.caption(
        "One test over whole articles, since paragraphs of one article are not independent: the articles' languages are "
        "shuffled (a permutation test), which gives the p-value and the 95 % interval of the gap (the gaps the same test does "
        "not reject), so the interval leaves out 0 exactly when p < 0.05. With too few articles no gap could pass, and the "
        "sentence says so."
    )
    difference = compare.language_difference(run.selected, ids)
    st.markdown("\n".join(f"- **{html.escape(labels[row.theme])}**: {row.verdict}" for row in difference.itertuples(index=False)))
    show_table(run, difference, "persian_vs_arabic", DIFFERENCE_SHOWN)

    st.subheader("Outlet by outlet")
    matrix = compare.outlet_theme_matrix(run.selected, ids)
    chart(charts.outlet_heatmap(matrix, labels=labels), "outlet_chart")
    st.caption(
        "Each cell: the share of the outlet's kept paragraphs carrying the theme, with the count. Outlets by language, then "
        f"by size; an outlet with fewer than {compare.FEW_PARAGRAPHS} kept paragraphs shows its count only, since one "
        "paragraph would move its share by more than 10 points."
    )
    every_outlet = charts.outlet_rows(matrix, fold_after=len(matrix) + 1).drop(columns="outlets")
    show_table(run, every_outlet, "theme_shares_by_outlet")

    st.subheader("Article by article")
    strip = compare.article_strip(run.selected, ids)
    articles = strip["doc_id"].nunique()
    drawn, shown = strip, f"All {counted(articles, 'article')} of the selection. " if articles > 1 else ""
    if articles > STRIP_PAGE_ARTICLES:
        pages = compare.strip_pages(strip, STRIP_PAGE_ARTICLES)
        if st.session_state.get(STRIP_PAGE_KEY) not in pages:
            st.session_state.pop(STRIP_PAGE_KEY, None)  # the selection changed: back to the first page
        first, last = st.selectbox(
            "Articles shown", pages, format_func=lambda page: f"articles {page[0]:,}–{page[1]:,} of {articles:,}", key=STRIP_PAGE_KEY
        )
        drawn = compare.strip_page(strip, first, last)
        shown = (
            f"Articles {first:,}–{last:,} of {articles:,} are drawn, {STRIP_PAGE_ARTICLES} at a time: choose others above; "
            "the download below holds every article. Scroll inside the box to see the page. "
        )
    elif articles > STRIP_SCROLL_AFTER:
        shown = f"All {articles} articles are drawn: scroll inside the box to see them all. "
    figure = charts.article_strip_chart(drawn, theme_ids=ids, labels=labels)
    if drawn["doc_id"].nunique() > STRIP_SCROLL_AFTER:
        with st.container(height=STRIP_BOX_HEIGHT, key="strip_box"):
            chart(figure, "strip_chart")
    else:
        chart(figure, "strip_chart")
    st.caption(
        f"{shown}Each cell is one kept paragraph at its ¶ number in the article (gaps are dropped paragraphs), coloured by "
        "its strongest assigned theme; hover to read its start."
    )
    download_buttons(strip, "article_strip", run.metadata)
    st.info(
        "How far to trust these shares: see **Accuracy**, which compares the theme assignment with human labels.",
        icon=":material/fact_check:",
    )
