"""The Teach tab, and the Yes / No / Arguable marks every evidence card carries."""

from __future__ import annotations

from typing import Any

import streamlit as st

from analysis.html import paragraph_card
from analysis.labels import LabelsError
from analysis.marks import (
    MARKS,
    clear_mark,
    count_marks,
    mark_of,
    marks_path,
    marks_to_csv,
    other_columns_note,
    read_marks,
    save_marks,
    set_mark,
    uncertain_queue,
)
from analysis.wording import counted
from views.common import Run

MARK_NAMES = {"yes": "Yes", "no": "No", "arguable": "Arguable"}


def record_mark(corpus_key: str, paragraph: dict[str, str], theme_id: str, widget_key: str) -> None:
    """Save one mark at once (to the workspace) and remember the assignment it will change; a mark clicked off is taken back."""
    mark, marks = st.session_state.get(widget_key), st.session_state[f"marks:{corpus_key}"]
    if mark is None:
        marks = clear_mark(marks, paragraph["paragraph_id"], theme_id)
    elif mark in MARKS:
        marks = set_mark(marks, paragraph, theme_id, mark)
    else:
        return
    st.session_state[f"marks:{corpus_key}"] = marks
    st.session_state["assignment_before_mark"] = st.session_state.get("last_assignment")
    try:
        save_marks(marks, marks_path(corpus_key))
    except OSError as error:
        st.session_state["mark_notice"] = (
            "warning",
            f"Your mark is used but could not be saved ({error.strerror}): download your marks before you leave.",
            None,
        )


def mark_control(run: Run, row: Any, theme_id: str) -> None:
    """One click marks whether a paragraph carries a theme; the themes relearn from it at once."""
    key = f"mark_{theme_id}_{row.paragraph_id}"
    paragraph = {column: str(getattr(row, column)) for column in ("paragraph_id", "doc_id", "language", "text")}
    st.segmented_control(
        f"Does it carry {run.labels[theme_id]}? Your mark teaches the themes",
        list(MARKS),
        format_func=lambda mark: str(MARK_NAMES.get(mark)),
        default=mark_of(run.marks, row.paragraph_id, theme_id),
        key=key,
        on_change=record_mark,
        args=(run.corpus_key, paragraph, theme_id, key),
    )


def teach_view(run: Run) -> None:
    """Mark the paragraphs the themes are least sure about; the themes relearn from every mark."""
    st.subheader("Teach the themes your event")
    st.caption(
        "The themes were learnt from other events. Mark the paragraphs they are least sure about (closest to a threshold, "
        "above and below, in both languages, one article at a time): each mark is saved at once in your workspace and the "
        'themes refit from it. Marks on the Evidence tab count too. "Arguable" leaves the paragraph out of the training.'
    )
    marked = count_marks(run.marks, run.themes.ids)
    download_column, upload_column = st.columns(2)
    download_column.download_button(
        f"Download your marks ({counted(marked, 'mark')} on {counted(len(run.marks), 'paragraph')}, labels CSV)",
        data=marks_to_csv(run.marks),
        file_name="labels.csv",
        mime="text/csv",
        key="download_marks",
        on_click="ignore",
        icon=":material/download:",
    )
    upload_column.file_uploader(
        "Load marks (a labels CSV)", type=["csv"], key="marks_file", on_change=load_uploaded_marks, args=(run.corpus_key, run.themes.ids)
    )
    if note := other_columns_note(run.marks, run.themes.ids):
        st.warning(note, icon=":material/bookmark:")
    queue = uncertain_queue(run.selected, run.selection.theme_ids, run.themes.thresholds(), run.marks, size=12)
    if queue.empty:
        st.info("Nothing left to mark in this selection.")
    for row in queue.itertuples(index=False):
        with st.container(border=True):
            st.html(
                paragraph_card(
                    row,
                    f"{run.labels[row.theme]}: score {row.margin + run.themes.thresholds()[row.theme]:.2f}, threshold {run.themes.thresholds()[row.theme]:.2f}",
                )
            )
            mark_control(run, row, row.theme)


def load_uploaded_marks(corpus_key: str, theme_ids: list[str]) -> None:
    """Replace this corpus's marks with an uploaded labels CSV (saved to the workspace)."""
    uploaded = st.session_state.get("marks_file")
    if uploaded is None:
        return
    try:
        marks = read_marks(uploaded.getvalue(), uploaded.name, theme_ids, for_these_themes=True)
    except LabelsError as error:
        st.session_state["mark_notice"] = ("error", f"These marks cannot be used: {error}", None)
        return
    st.session_state[f"marks:{corpus_key}"] = marks
    st.session_state["assignment_before_mark"] = st.session_state.get("last_assignment")
    try:
        save_marks(marks, marks_path(corpus_key))
    except OSError as error:
        st.session_state["mark_notice"] = ("warning", f"The marks are used but could not be saved ({error.strerror}).", None)
