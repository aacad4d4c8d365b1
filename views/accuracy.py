"""The Accuracy tab: agreement with the researcher's marks and with labelled paragraphs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from analysis.evaluate import HELD_OUT_SET, evaluate, score_labels, trust_summary
from analysis.fresh_events import fresh_summary
from analysis.labels import NOT_LABELLED, ignored_columns_note, read_labels
from analysis.marks import marks_to_csv, read_marks, with_marks
from analysis.relearn import RESULTS_PATH as RELEARN_RESULTS
from analysis.relearn import relearn_summary
from analysis.scorer import ScorerStore
from analysis.themes import themes_from_upload
from analysis.wording import counted
from views.common import (
    BUNDLED_LABELS,
    ROOT,
    Run,
    download_buttons,
    labelled_scores,
    language_display,
    paragraphs_table,
    shared_embedder,
    show_table,
)

METRICS_SHOWN = ["language", "theme", "labelled", "positives", "predicted", "precision", "recall", "f1"]


def remember_labels_upload() -> None:
    """Keep an uploaded labels file for the session (the uploader is only drawn in its tab)."""
    uploaded = st.session_state.get("labels_file")
    if uploaded is not None:
        st.session_state["user_labels"] = (uploaded.name, uploaded.getvalue())


def forget_labels_upload() -> None:
    """Go back to the bundled labelled paragraphs."""
    st.session_state.pop("user_labels", None)


def accuracy_view(run: Run) -> None:
    """Precision, recall and F1 of theme assignment against labelled paragraphs, at the current thresholds."""
    st.subheader("How far to trust the charts")
    st.caption(
        "Theme assignment at the current thresholds compared with paragraphs labelled by people (docs/labelling.md). "
        "Precision: of the paragraphs the tool gives a theme, the share people gave it too. Recall: of the paragraphs "
        "people gave a theme, the share the tool finds. F1 combines both."
    )
    if unseen := unseen_events():
        st.warning(unseen, icon=":material/travel_explore:")
    marks_accuracy(run)
    st.markdown("##### On the labelled paragraphs")
    st.file_uploader(
        "Evaluate with your own labelled paragraphs (.csv)",
        type=["csv"],
        key="labels_file",
        on_change=remember_labels_upload,
        help="Columns: text, language (fa or ar) and one 0/1 column per theme id; optional: set, doc_id.",
    )
    if "user_labels" in st.session_state:
        name, data = st.session_state["user_labels"]
        st.button(f"Using {name}: back to the bundled labels", on_click=forget_labels_upload, icon=":material/undo:")
    elif BUNDLED_LABELS.is_file():
        name, data = BUNDLED_LABELS.name, BUNDLED_LABELS.read_bytes()
    else:
        st.info(f"No bundled labels at {BUNDLED_LABELS.relative_to(ROOT)}; upload a labelled CSV to evaluate the themes.")
        return
    labels, scores = labelled_scores(data, name, st.session_state["themes_toml"])
    if note := ignored_columns_note(labels.columns, run.themes.ids, name):
        st.warning(note, icon=":material/view_column:")
    evaluation = evaluate(labels, scores, run.themes.thresholds())
    st.info(trust_summary(evaluation), icon=":material/fact_check:")
    sets = list(dict.fromkeys(evaluation.metrics["part"]))
    st.session_state.setdefault("accuracy_set", HELD_OUT_SET if HELD_OUT_SET in sets else sets[0])
    chosen = st.selectbox("Labelled paragraphs", sets, key="accuracy_set", help="'test' is held out: never used to tune the themes.")
    macro = evaluation.macro_f1[evaluation.macro_f1["part"] == chosen]
    for column, row in zip(st.columns(len(macro)), macro.itertuples(index=False), strict=True):
        column.metric(
            f"Macro-F1 · {language_display(row.language)}",
            f"{row.macro_f1:.2f}",
            help=f"{counted(row.labelled, 'labelled paragraph')}; 95 % interval {row.low:.2f}–{row.high:.2f} (articles resampled)",
        )
    show_table(run, evaluation.metrics[evaluation.metrics["part"] == chosen], "accuracy", METRICS_SHOWN)
    missing = [run.labels[theme_id] for theme_id in run.themes.ids if theme_id not in labels.columns]
    if missing:
        st.caption(f"Not evaluated (no column in {name}): {', '.join(missing)}.")
    cross_fitted = int(scores["cross_fitted"].sum())
    if cross_fitted:
        st.caption(
            f"{cross_fitted} of these paragraphs {'belongs' if cross_fitted == 1 else 'belong'} to articles the themes also learn from; they were scored by "
            "classifiers trained without those articles (5 folds), so no figure comes from a classifier that saw the paragraph."
        )
    with st.expander(f"{counted(len(evaluation.errors), 'disagreement')} with the labels"):
        errors = evaluation.errors.assign(theme=evaluation.errors["theme"].map(run.labels), score=evaluation.errors["score"].round(2))
        paragraphs_table(
            errors, {"part": "Set", "language": "Language", "theme": "Theme", "error": "Tool", "score": "Score", "text": "Text"}
        )
        download_buttons(evaluation.errors, "accuracy_disagreements", run.metadata)


def marks_accuracy(run: Run) -> None:
    """Cross-fitted precision, recall and F1 on the researcher's own marks, and how much marking helps."""
    st.markdown("##### On your marks")
    curve = relearn_curve()
    st.info(
        "The themes learnt from other events, so on a new event they are less accurate than on the labelled paragraphs "
        "below (see above). Your marks (the Teach tab) are learnt from at once and measured here, on your own event."
        + (f" {curve}" if curve else ""),
        icon=":material/school:",
    )
    marked = (run.marks[run.themes.ids] != NOT_LABELLED).to_numpy().any(axis=1) if len(run.marks) else np.zeros(0, bool)
    if marked.sum() < 2:
        st.caption("Mark at least two paragraphs to see how well the themes agree with you.")
        return
    labels, scores = marks_scores(marks_to_csv(run.marks), st.session_state["themes_toml"])
    evaluation = evaluate(labels, scores, run.themes.thresholds())
    macro = evaluation.macro_f1
    for column, row in zip(st.columns(len(macro)), macro.itertuples(index=False), strict=True):
        column.metric(
            f"Macro-F1 · {language_display(row.language)}", f"{row.macro_f1:.2f}", help=f"{counted(row.labelled, 'marked paragraph')}"
        )
    show_table(run, evaluation.metrics, "accuracy_on_marks", METRICS_SHOWN)
    st.caption(
        "Each marked paragraph is scored by themes refitted without the marks of its article, so no figure comes from a classifier that saw it."
    )


@st.cache_data(show_spinner="Scoring your marks, each without the marks of its article…", max_entries=8)
def marks_scores(marks_csv: bytes, themes_toml: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The marks as labels, and their cross-fitted scores."""
    themes = themes_from_upload(themes_toml)
    labels = read_labels(marks_csv, "your marks", themes.ids)
    taught = with_marks(themes, read_marks(marks_csv, "your marks", themes.ids))
    embedder = shared_embedder()
    return labels, score_labels(labels, taught, embedder.embed, model_id=embedder.model_id, store=ScorerStore.default())


@st.cache_data(show_spinner=False)
def relearn_curve() -> str:
    """What the relearning simulation measured (written by bench/relearn.py), in one sentence; "" when absent."""
    return relearn_summary(RELEARN_RESULTS)


@st.cache_data(show_spinner=False)
def unseen_events() -> str:
    """What the themes scored on events they had never seen (written by bench/fresh_events.py); "" when absent."""
    return fresh_summary()
