"""The Dropped paragraphs tab: every paragraph left out of the counts, and the kept ones with a flag."""

from __future__ import annotations

import streamlit as st

from analysis.views import dropped_for_reader, flagged_kept, reason_for_reader
from views.common import Run, download_buttons, paragraphs_table, show_table


def dropped_view(run: Run) -> None:
    """Every paragraph left out of the counts, with the reason."""
    dropped = run.selected[~run.selected["kept"]]
    st.subheader("Dropped paragraphs")
    st.caption(
        "Left out of every count, each with its reason: boilerplate (navigation, advertising, captions…), another "
        "language, a duplicate, or too short. They are also in the paragraph table download."
    )
    reasons = dropped["drop_reason"].map(reason_for_reader).value_counts().rename_axis("reason").reset_index(name="dropped")
    show_table(run, reasons, "drop_reasons")
    paragraphs_table(
        dropped_for_reader(dropped),
        {"article": "Article", "number": "Paragraph", "drop_reason": "Reason", "text": "Text"},
        direction_from="detected_language",
    )
    download_buttons(
        dropped[["paragraph_id", "doc_id", "outlet", "language", "date", "position", "drop_reason", "text"]],
        "dropped_paragraphs",
        run.metadata,
    )
    flagged = flagged_kept(run.selected)
    st.subheader("Kept, with a flag")
    st.caption(
        "Counted, but worth knowing about: a paragraph in another language than its article (counted in its own "
        "language), one longer than the model reads, or a wire copy of a paragraph in an earlier article."
    )
    if flagged.empty:
        st.caption("None in this selection.")
        return
    paragraphs_table(flagged, {"article": "Article", "number": "Paragraph", "drop_reason": "Flag", "text": "Text"})
    download_buttons(
        flagged[["paragraph_id", "doc_id", "outlet", "language", "date", "position", "duplicate_of", "note", "text"]],
        "flagged_paragraphs",
        run.metadata,
    )
