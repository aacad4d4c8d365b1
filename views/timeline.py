"""The Over time tab: theme shares per day or week; a point opens its evidence."""

from __future__ import annotations

import streamlit as st

from analysis import charts, compare
from analysis.languages import ALL
from analysis.wording import counted
from views.common import Run, chart, show_table


def open_clicked_point() -> None:
    """Open the Evidence view on the theme, language, outlet and day (or week) of the clicked timeline point."""
    clicked = charts.clicked_point(st.session_state["timeline_chart"]["selection"]["points"])
    if clicked:
        st.session_state["evidence_theme"], st.session_state["evidence_language"] = clicked["theme"], clicked["language"]
        st.session_state["evidence_outlet"] = clicked["outlet"] or ALL
        st.session_state["evidence_dates"] = clicked["dates"]
        st.session_state["view"] = "Evidence"


def timeline_view(run: Run) -> None:
    """Theme shares per day (or week), Persian and Arabic (or outlet by outlet); a point opens its paragraphs."""
    ids, labels = run.selection.theme_ids, run.labels
    st.subheader("Frames over time")
    st.session_state.setdefault("timeline_period", compare.timeline_period(run.selected))
    period_column, outlet_column = st.columns([1, 2])
    period = period_column.segmented_control(
        "Points per",
        list(compare.PERIODS),
        format_func=str.capitalize,
        key="timeline_period",
        required=True,
        help=f"Per day by default; per week (starting on Monday) when the dates span more than {compare.WEEKLY_AFTER_DAYS // 7} weeks.",
    )
    by_outlet = outlet_column.toggle("One line per outlet", key="timeline_by_outlet", help="Instead of one line per language.")
    timeline = compare.themes_by_date(run.selected, ids, period or "day", by_outlet=by_outlet)
    chart(
        charts.timeline_chart(timeline, theme_ids=run.themes.ids, labels=labels),
        "timeline_chart",
        on_select=open_clicked_point,
        selection_mode="points",
    )
    unit = "week" if period == "week" else "day"
    st.caption(
        f"Each point: of the kept paragraphs of one {unit} in one {'outlet' if by_outlet else 'language'}, the share that carries "
        f"the theme, with the count beside it (hover for the articles). Whiskers: 95 % Wilson intervals. Hollow points hold fewer "
        f"than {compare.FEW_PARAGRAPHS} paragraphs: one paragraph moves them by more than 10 points. Click a point to read its paragraphs."
    )
    undated_articles, undated_paragraphs = compare.undated_counts(run.selected)
    if undated_articles:
        st.info(
            f"{counted(undated_articles, 'undated article')} ({counted(undated_paragraphs, 'kept paragraph')}) "
            f"{'is' if undated_articles == 1 else 'are'} not on the timeline: {'its' if undated_articles == 1 else 'their'} "
            "paragraphs are counted apart, in the table's “undated” rows.",
            icon=":material/event_busy:",
        )
    elif not run.selection.include_undated:
        st.caption("Undated articles are left out by the sidebar's date filter.")
    show_table(run, timeline, "themes_by_date")
