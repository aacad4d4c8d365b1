"""The Evidence tab: the paragraphs behind a share, with their cross-lingual counterparts."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, cast

import streamlit as st

from analysis import charts, compare
from analysis.html import paragraph_card
from analysis.languages import ALL, other_language
from analysis.voices import actor_labels, describe_voice
from analysis.wording import noun
from views.common import Run, download_buttons, language_display
from views.teach import mark_control
from views.voices import session_actors


def forget_evidence_dates() -> None:
    """Show the evidence of every date again."""
    st.session_state.pop("evidence_dates", None)


def toggle_counterparts(paragraph_id: str) -> None:
    """Show or hide the other-language paragraphs closest to one paragraph."""
    shown = st.session_state.get("counterpart_of") == paragraph_id
    st.session_state["counterpart_of"] = None if shown else paragraph_id


def evidence_dates_note() -> tuple[dt.date, dt.date] | None:
    """The day or week of a clicked timeline point, said on the page with a way back to every date."""
    dates = st.session_state.get("evidence_dates")
    if not dates:
        return None
    start, end = dates
    when = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Only paragraphs dated {when} (the timeline point you clicked).")
        st.button("Every date", key="evidence_every_date", on_click=forget_evidence_dates, type="tertiary", icon=":material/close:")
    return start, end


def evidence_view(run: Run) -> None:
    """The paragraphs behind a theme share, strongest first, with their closest other-language paragraphs."""
    st.subheader("The paragraphs behind the numbers")
    st.caption("Kept paragraphs carrying the theme in the current selection, strongest score first. Tip: click a bar in the Overview.")
    outlets = sorted(set(run.kept["outlet"]))
    theme_column, language_column, outlet_column, limit_column = st.columns([2, 1, 2, 1])
    theme = cast(
        str,
        theme_column.selectbox(
            "Theme", run.selection.theme_ids, format_func=lambda theme_id: str(run.labels.get(theme_id)), key="evidence_theme"
        ),
    )
    language = language_column.selectbox("Language", [ALL, *run.languages()], format_func=language_display, key="evidence_language")
    outlet = outlet_column.selectbox(
        "Outlet", [ALL, *outlets], format_func=lambda name: "All" if name == ALL else name, key="evidence_outlet"
    )
    limit = limit_column.number_input("Show at most", min_value=1, max_value=500, step=5, key="evidence_limit")
    dates = evidence_dates_note()
    found = compare.evidence(
        run.selected, theme, language=None if language == ALL else language, outlet=None if outlet == ALL else outlet, date_range=dates
    ).merge(run.selected[["paragraph_id", "voice", "speaker"]], on="paragraph_id", how="left")
    speaker_names = actor_labels(session_actors())
    carry = "carries" if len(found) == 1 else "carry"
    st.markdown(
        f"**{len(found)}** kept {noun(len(found), 'paragraph')} {carry} **{html.escape(run.labels[theme])}** here; showing {min(limit, len(found))}."
    )
    download_buttons(found, "evidence", run.metadata)
    for row in found.head(limit).itertuples(index=False):
        with st.container(border=True):
            st.html(paragraph_card(row, f"score {row.score:.2f} · {describe_voice(row.voice, row.speaker, speaker_names)}"))
            mark_control(run, row, theme)
            counterparts_button(run, row)


def counterparts_button(run: Run, row: Any) -> None:
    """A button that shows the three closest paragraphs in the other language (whole corpus)."""
    other = other_language(row.language)
    if other is None:
        return
    shown = st.session_state.get("counterpart_of") == row.paragraph_id
    action = "Hide" if shown else "Show"
    st.button(
        f"{action} the closest {compare.language_name(other)} paragraphs",
        key=f"match_{row.paragraph_id}",
        on_click=toggle_counterparts,
        args=(row.paragraph_id,),
        type="tertiary",
        icon=":material/compare_arrows:",
    )
    if shown:
        st.caption("Closest by meaning in the whole corpus (cosine similarity of the multilingual embeddings), whatever their themes:")
        for match in compare.counterparts(run.table, run.vectors, row.paragraph_id, k=3).itertuples(index=False):
            st.html(
                f'<div style="border-inline-start:3px solid {charts.language_color(match.language)};padding-inline-start:0.75rem;margin:0.4rem 0">'
                f"{paragraph_card(match, f'similarity {match.similarity:.2f}')}</div>"
            )
