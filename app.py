"""Framing dashboard: how Persian- and Arabic-language outlets frame the same event.

A thin Streamlit layer over ``analysis/``: widgets, caching and layout only. Start it with
``make run`` (or ``streamlit run app.py``); it opens on the seed articles in ``seeds/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import streamlit as st

from analysis import charts, compare, export, views
from analysis.corpus import Corpus, CorpusError, Problem, documents_from_uploads, read_corpus
from analysis.embed import Embedder, ModelError, make_embedder
from analysis.evaluate import HELD_OUT_SET, evaluate, score_labels, trust_summary
from analysis.html import paragraph_card, paragraphs_table_html
from analysis.labels import NOT_LABELLED, LabelsError, read_labels
from analysis.languages import ALL, other_language
from analysis.marks import (
    MARKS,
    assignment_changes,
    describe_changes,
    empty_marks,
    load_marks,
    mark_of,
    marks_path,
    marks_to_csv,
    read_marks,
    save_marks,
    set_mark,
    uncertain_queue,
    with_marks,
)
from analysis.pipeline import corpus_hash, output_table, run_metadata, score_table
from analysis.relearn import RESULTS_PATH as RELEARN_RESULTS
from analysis.relearn import relearn_summary
from analysis.report import build_report
from analysis.scorer import ScorerStore, assign_themes
from analysis.text import split_paragraphs, tokenize
from analysis.themes import (
    ANCHOR_LANGUAGES,
    Theme,
    ThemeError,
    ThemeSet,
    add_theme,
    lines_to_sentences,
    load_themes,
    replace_theme,
    themes_from_upload,
    themes_to_toml,
)
from analysis.wording import counted, noun

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT / "seeds"
BUNDLED_LABELS = ROOT / "tests" / "data" / "labels.csv"
LIBRARY_ERRORS = (CorpusError, ThemeError, LabelsError, ModelError, ValueError)
ERROR_CONTEXT = {
    CorpusError: "The corpus cannot be read",
    ThemeError: "The themes are not valid",
    LabelsError: "The labelled paragraphs cannot be used",
    ModelError: "The embedding model cannot be loaded",
}
LANGUAGE_NAMES = {ALL: "All languages", "en": "English (en)"}
THEME_FIELDS = {
    "descriptions": "Descriptions: what the theme is about",
    "examples": "Examples: sentences that carry it",
    "near_misses": "Near misses: look like it but do not carry it",
    "cues": "Cue words (a bonus when present)",
}
THRESHOLD_STEP = 0.01
STRIP_MAX_ARTICLES = 60
ROWS_SHOWN = 300
# Widgets of views drawn only while their tab is open; their values survive a visit to another tab.
VIEW_WIDGET_DEFAULTS: dict[str, object] = {"evidence_limit": 10}
VIEW_WIDGET_KEYS = (
    "evidence_theme",
    "evidence_language",
    "evidence_outlet",
    "evidence_limit",
    "terms_theme",
    "accuracy_set",
    "timeline_period",
    "timeline_by_outlet",
)
CORPUS_STATE_KEYS = (
    "filter_languages",
    "filter_outlets",
    "filter_dates",
    "filter_undated",
    "counterpart_of",
    "evidence_outlet",
    "filter_outlet_options",
    "timeline_period",
    "evidence_dates",
)
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
}
DIFFERENCE_SHOWN = ["theme", "share_a", "share_b", "difference", "ci_low", "ci_high", "p_value", "articles_a", "articles_b"]
METRICS_SHOWN = ["language", "theme", "labelled", "positives", "predicted", "precision", "recall", "f1"]


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
        return charts.language_order(self.kept["language"])


# ---------------------------------------------------------------------------------------------
# Cached computations (all the work is in analysis/)
# ---------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def shared_embedder() -> Embedder:
    """The embedder, shared by every session (the model itself loads only when a text is not cached)."""
    return make_embedder()


@st.cache_data(show_spinner=False)
def seed_corpus() -> Corpus:
    """The seed articles."""
    return read_corpus([SEEDS])


@st.cache_data(show_spinner="Reading the uploaded files…", max_entries=4)
def uploaded_corpus(files: tuple[tuple[str, bytes], ...]) -> Corpus:
    """The documents of uploaded files."""
    return documents_from_uploads(dict(files))


@st.cache_data(show_spinner="Splitting the articles into paragraphs and identifying their language…", max_entries=8)
def paragraphs_of(corpus_key: str, _documents: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The paragraphs table of a corpus, keyed by its content hash, and the seconds it took."""
    started = time.perf_counter()
    return split_paragraphs(_documents), time.perf_counter() - started


@st.cache_data(show_spinner=False, max_entries=16)
def scored_paragraphs(
    corpus_key: str, themes_toml: str, marks_csv: bytes, _paragraphs: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray, float]:
    """Theme scores of a corpus's paragraphs (the themes taught by the marks), its vectors and the seconds it took.

    A progress bar shows while new texts are embedded.
    """
    started = time.perf_counter()
    bar = st.progress(0.0, text="Scoring paragraphs against the themes (cached embeddings are reused)…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Embedding new texts: {done} of {total}")

    themes = themes_from_upload(themes_toml)
    table, vectors = score_table(_paragraphs, with_marks(themes, read_marks(marks_csv, "marks", themes.ids)), shared_embedder(), progress)
    bar.empty()
    return table, vectors, time.perf_counter() - started


@st.cache_data(show_spinner="Scoring the labelled paragraphs…", max_entries=8)
def labelled_scores(data: bytes, name: str, themes_toml: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled paragraphs and their theme scores."""
    themes = themes_from_upload(themes_toml)
    labels = read_labels(data, name, themes.ids)
    embedder = shared_embedder()
    return labels, score_labels(labels, themes, embedder.embed, model_id=embedder.model_id, store=ScorerStore.default())


# ---------------------------------------------------------------------------------------------
# Session state: edited themes, and callbacks that change them before the page is drawn
# ---------------------------------------------------------------------------------------------


def session_themes() -> ThemeSet:
    """The session's themes (the bundled ones until edited or replaced)."""
    if "themes_toml" not in st.session_state:
        st.session_state["themes_toml"] = themes_to_toml(load_themes())
    return themes_from_upload(st.session_state["themes_toml"])


def corpus_marks(corpus_key: str, theme_ids: list[str]) -> pd.DataFrame:
    """The researcher's marks on this corpus: the session's copy, first read from the workspace."""
    state_key = f"marks:{corpus_key}"
    if state_key not in st.session_state:
        try:
            st.session_state[state_key] = load_marks(marks_path(corpus_key), theme_ids)
        except LabelsError as error:
            st.session_state[state_key] = empty_marks(theme_ids)
            st.session_state["mark_notice"] = ("warning", f"Your earlier marks could not be read ({error}); starting afresh.", None)
    marks = st.session_state[state_key]
    missing = [theme_id for theme_id in theme_ids if theme_id not in marks.columns]
    return marks.assign(**dict.fromkeys(missing, NOT_LABELLED)) if missing else marks


def record_mark(corpus_key: str, paragraph: dict[str, str], theme_id: str, widget_key: str) -> None:
    """Save one mark at once (to the workspace) and remember the assignment it will change."""
    mark = st.session_state.get(widget_key)
    if mark not in MARKS:
        return
    marks = set_mark(st.session_state[f"marks:{corpus_key}"], paragraph, theme_id, mark)
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


def note_changes_since_mark(table: pd.DataFrame, themes: ThemeSet) -> None:
    """After a mark, say which paragraphs gained or lost a theme; remember this run's assignment for the next mark."""
    assignment = table[["paragraph_id", *(f"has_{theme_id}" for theme_id in themes.ids)]]
    before = st.session_state.pop("assignment_before_mark", None)
    if before is not None and list(before.columns) == list(assignment.columns):
        changes = assignment_changes(before, assignment, themes.ids, {theme.id: theme.label for theme in themes.themes})
        st.session_state["mark_notice"] = ("success", f"Relearnt from your marks. {describe_changes(changes)}.", changes)
    st.session_state["last_assignment"] = assignment


def notify(kind: str, message: str) -> None:
    """Leave a message for the Themes view."""
    st.session_state["theme_notice"] = (kind, message)


def update_themes(change: Callable[[ThemeSet], ThemeSet], success: str) -> bool:
    """Apply a theme change; report a ThemeError instead of applying it."""
    try:
        themes = change(session_themes())
    except ThemeError as error:
        notify("error", str(error))
        return False
    st.session_state["themes_toml"] = themes_to_toml(themes)
    notify("success", success)
    return True


def editor_languages(theme: Theme | None) -> list[str]:
    """Languages the editor shows for a theme: Persian, Arabic, English, then any other it uses."""
    used = [language for field in THEME_FIELDS for language in getattr(theme, field)] if theme else []
    return list(dict.fromkeys([*ANCHOR_LANGUAGES, *used]))


def field_keys(prefix: str, languages: list[str]) -> list[str]:
    """Session keys of an editor form's label and theme fields."""
    return [f"{prefix}_label", *(f"{prefix}_{field}_{language}" for field in THEME_FIELDS for language in languages)]


def edited_fields(prefix: str, languages: list[str]) -> dict[str, Any]:  # Theme fields by name: language -> sentences
    """The theme fields (descriptions, examples, near misses, cues) typed into an editor form, per language."""
    fields = {}
    for field in THEME_FIELDS:
        typed = {language: lines_to_sentences(st.session_state.get(f"{prefix}_{field}_{language}", "")) for language in languages}
        fields[field] = {language: sentences for language, sentences in typed.items() if sentences}
    return fields


def apply_theme_edit(theme_id: str) -> None:
    """Save an edited theme (label and theme fields)."""
    theme = next(theme for theme in session_themes().themes if theme.id == theme_id)
    prefix = f"edit_{theme_id}"
    label = st.session_state[f"{prefix}_label"].strip() or theme.label
    edited = dataclasses.replace(theme, label=label, **edited_fields(prefix, editor_languages(theme)))
    update_themes(lambda themes: replace_theme(themes, edited), f"Saved “{label}”; the charts are re-scored with it.")


def add_new_theme() -> None:
    """Add the theme typed into the "Add a theme" form, and show it in the charts."""
    theme_id = st.session_state["add_id"].strip()
    theme = Theme(theme_id, st.session_state["add_label"].strip(), 0.0, **edited_fields("add", list(ANCHOR_LANGUAGES)))
    if update_themes(lambda themes: add_theme(themes, theme), f"Added “{theme.label or theme_id}”; it now appears in the charts."):
        st.session_state["filter_themes"] = [*st.session_state.get("filter_themes", []), theme_id]
        for key in ["add_id", *field_keys("add", list(ANCHOR_LANGUAGES))]:
            st.session_state[key] = ""


def load_uploaded_themes() -> None:
    """Replace the themes with an uploaded themes file, or report why it cannot be used."""
    uploaded = st.session_state.get("themes_file")
    if uploaded is None:
        return
    try:
        themes = themes_from_upload(uploaded.getvalue().decode("utf-8"), source=uploaded.name)
    except UnicodeDecodeError:
        notify("error", f"{uploaded.name}: not UTF-8 text; save the themes file as UTF-8")
        return
    except ThemeError as error:
        notify("error", str(error))
        return
    for key in [key for key in st.session_state if str(key).startswith(("edit_", "threshold_"))]:
        del st.session_state[key]
    st.session_state["themes_toml"] = themes_to_toml(themes)
    st.session_state["filter_themes"] = themes.ids
    notify("success", f"Loaded {counted(len(themes.ids), 'theme')} from {uploaded.name}.")


def remember_labels_upload() -> None:
    """Keep an uploaded labels file for the session (the uploader is only drawn in its tab)."""
    uploaded = st.session_state.get("labels_file")
    if uploaded is not None:
        st.session_state["user_labels"] = (uploaded.name, uploaded.getvalue())


def forget_labels_upload() -> None:
    """Go back to the bundled labelled paragraphs."""
    st.session_state.pop("user_labels", None)


def open_clicked_bar() -> None:
    """Open the Evidence view on the theme and language of the clicked bar."""
    clicked = charts.clicked_bar(st.session_state["shares_chart"]["selection"]["points"])
    if clicked:
        st.session_state["evidence_theme"], st.session_state["evidence_language"] = clicked
        st.session_state["evidence_outlet"] = ALL
        st.session_state.pop("evidence_dates", None)
        st.session_state["view"] = "Evidence"


def open_clicked_point() -> None:
    """Open the Evidence view on the theme, language, outlet and day (or week) of the clicked timeline point."""
    clicked = charts.clicked_point(st.session_state["timeline_chart"]["selection"]["points"])
    if clicked:
        st.session_state["evidence_theme"], st.session_state["evidence_language"] = clicked["theme"], clicked["language"]
        st.session_state["evidence_outlet"] = clicked["outlet"] or ALL
        st.session_state["evidence_dates"] = clicked["dates"]
        st.session_state["view"] = "Evidence"


def forget_evidence_dates() -> None:
    """Show the evidence of every date again."""
    st.session_state.pop("evidence_dates", None)


def toggle_counterparts(paragraph_id: str) -> None:
    """Show or hide the other-language paragraphs closest to one paragraph."""
    shown = st.session_state.get("counterpart_of") == paragraph_id
    st.session_state["counterpart_of"] = None if shown else paragraph_id


def keep_view_widgets() -> None:
    """Keep the values of widgets in tabs that are not drawn on this run (Streamlit forgets them)."""
    for key in VIEW_WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    for key, value in VIEW_WIDGET_DEFAULTS.items():
        st.session_state.setdefault(key, value)


# ---------------------------------------------------------------------------------------------
# Sidebar
# ---------------------------------------------------------------------------------------------


def sidebar_corpus() -> tuple[Corpus, str]:
    """The uploaded corpus, or the seeds when nothing is uploaded; with a description of it."""
    st.subheader("Corpus")
    uploads = st.file_uploader(
        "Your own articles",
        type=["txt", "csv", "jsonl", "html", "htm", "zip"],
        accept_multiple_files=True,
        key="corpus_files",
        help="Either .txt files (one article each, paragraphs on separate lines) or saved web pages (.html: the "
        "article text, title, date and site name are extracted) with an optional manifest.csv "
        "(columns file, outlet, language, date, url, title), or one .csv/.jsonl with a text column "
        "(optional: id, outlet, language, date, url, title), or a .zip of any of these, read like a folder.",
    )
    if not uploads:
        st.caption("Showing the seed articles on the January 2022 unrest in Kazakhstan. Upload files to analyse your own.")
        return seed_corpus(), "seed articles"
    corpus = uploaded_corpus(tuple((file.name, file.getvalue()) for file in uploads))
    if corpus.documents.empty:
        details = "; ".join(str(problem) for problem in corpus.problems) or "no article found"
        raise CorpusError(f"nothing to analyse in the upload ({details}). Remove the files to return to the seed articles.")
    return corpus, f"your upload ({len(uploads)} file{'s' if len(uploads) > 1 else ''})"


def corpus_inputs() -> list[str]:
    """The names of the uploaded files, or the seed folder."""
    uploads = st.session_state.get("corpus_files") or []
    return [file.name for file in uploads] or [str(SEEDS.relative_to(ROOT))]


def reset_filters_for(corpus_key: str) -> None:
    """Start the filters afresh when another corpus is loaded."""
    if st.session_state.get("filters_for") != corpus_key:
        for key in CORPUS_STATE_KEYS:
            st.session_state.pop(key, None)
        st.session_state["filters_for"] = corpus_key


def threshold_sliders(themes: ThemeSet, scored: pd.DataFrame) -> dict[str, float]:
    """One threshold slider per theme, spanning its scores; moving one re-assigns paragraphs without re-embedding."""
    st.subheader("Thresholds")
    st.caption("A paragraph carries a theme when its score reaches the threshold. Changes apply at once.")
    thresholds = {}
    for theme in themes.themes:
        key = f"threshold_{theme.id}"
        value = float(st.session_state.get(key, theme.threshold))
        scores = scored[f"score_{theme.id}"].dropna()
        low = math.floor(min(value, scores.min() if len(scores) else value - 1))
        high = math.ceil(max(value, scores.max() if len(scores) else value + 1))
        thresholds[theme.id] = st.slider(
            theme.label,
            min_value=float(low),
            max_value=float(high),
            value=value,
            step=THRESHOLD_STEP,
            format="%.2f",
            key=key,
            help="Higher scores mean a paragraph reads more like the theme's sentences than like the others.",
        )
    return thresholds


def follow_outlet_options(offered: list[str]) -> None:
    """Keep the outlet filter within the outlets the language filter offers: an outlet offered anew is chosen, one the
    researcher removed stays removed."""
    before, chosen = st.session_state.get("filter_outlet_options"), st.session_state.get("filter_outlets")
    if chosen is None:
        st.session_state["filter_outlets"] = offered
    elif before is None:
        st.session_state["filter_outlets"] = [outlet for outlet in offered if outlet in chosen]
    else:
        st.session_state["filter_outlets"] = [outlet for outlet in offered if outlet in chosen or outlet not in before]
    st.session_state["filter_outlet_options"] = offered


def sidebar_filters(table: pd.DataFrame, themes: ThemeSet) -> Selection:
    """Language, outlet, theme and date filters."""
    st.subheader("Filters")
    kept = table[table["kept"]]
    languages = charts.language_order(kept["language"])
    outlet_languages = kept.groupby("outlet")["language"].agg(lambda codes: "+".join(sorted(set(codes))))
    for key, options in (("filter_languages", languages), ("filter_themes", themes.ids)):
        st.session_state.setdefault(key, options)
    chosen_languages = st.multiselect("Languages", languages, format_func=charts.language_label, key="filter_languages")
    offered = sorted(set(kept.loc[kept["language"].isin(chosen_languages), "outlet"]))
    follow_outlet_options(offered)
    outlets = st.multiselect(
        "Outlets",
        offered,
        format_func=lambda outlet: f"{outlet} ({outlet_languages[outlet]})",
        key="filter_outlets",
        help="The outlets with kept paragraphs in the chosen languages.",
    )
    theme_ids = st.multiselect("Themes", themes.ids, format_func=themes.label, key="filter_themes")
    full, date_range, include_undated = views.date_bounds(table), None, True
    if full:
        st.session_state.setdefault("filter_dates", full)  # set, not a default value: the browser forgets another corpus's range
        picked = st.date_input("Dates", min_value=full[0], max_value=full[1], key="filter_dates")
        if isinstance(picked, tuple) and len(picked) == 2 and tuple(picked) != full:
            date_range = (picked[0], picked[1])
    if full and views.parsed_dates(table).isna().any():
        st.session_state.setdefault("filter_undated", True)
        include_undated = st.checkbox("Include undated articles", key="filter_undated")
    chosen_themes = [theme_id for theme_id in themes.ids if theme_id in theme_ids]
    return Selection(chosen_languages, outlets, chosen_themes, date_range, include_undated)


# ---------------------------------------------------------------------------------------------
# Building blocks of the views
# ---------------------------------------------------------------------------------------------


def explain(error: Exception) -> str:
    """A library error as one sentence for the page."""
    context = next((text for kind, text in ERROR_CONTEXT.items() if isinstance(error, kind)), "This cannot be shown")
    return f"{context}: {error}"


def download_buttons(table: pd.DataFrame, name: str, metadata: Mapping[str, object], what: str = "") -> None:
    """CSV, XLSX and Parquet downloads of a table, each stamped with the run metadata (built on click)."""
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


def show_table(run: Run, table: pd.DataFrame, name: str, columns: list[str] | None = None) -> None:
    """A table with readable theme and language names, and its downloads (with ids, as computed)."""
    shown = table.copy()
    if "theme" in shown:
        shown["theme"] = shown["theme"].map(lambda theme_id: run.labels.get(theme_id, theme_id))
    if "language" in shown:
        shown["language"] = shown["language"].map(language_display)
    with st.container(key=f"table_{name}"):
        st.dataframe(shown, hide_index=True, column_config=COLUMNS, column_order=columns)
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


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


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
        "Whole articles are resampled (bootstrap interval, permutation p-value), since paragraphs of one article are not "
        "independent. With few articles per language, only very large gaps count as clear."
    )
    difference = compare.language_difference(run.selected, ids)
    st.markdown("\n".join(f"- **{html.escape(labels[row.theme])}**: {row.verdict}" for row in difference.itertuples(index=False)))
    show_table(run, difference, "persian_vs_arabic", DIFFERENCE_SHOWN)

    st.subheader("Outlet by outlet")
    matrix = compare.outlet_theme_matrix(run.selected, ids)
    chart(charts.outlet_heatmap(matrix, labels=labels), "outlet_chart")
    st.caption("Each cell: the share of the outlet's kept paragraphs carrying the theme, with the count.")
    show_table(run, matrix, "theme_shares_by_outlet")

    st.subheader("Article by article")
    strip = compare.article_strip(run.selected, ids)
    articles = list(dict.fromkeys(strip["doc_id"]))
    chart(
        charts.article_strip_chart(strip[strip["doc_id"].isin(articles[:STRIP_MAX_ARTICLES])], theme_ids=ids, labels=labels), "strip_chart"
    )
    shown = (
        f"the first {STRIP_MAX_ARTICLES} of {len(articles)} articles; narrow the filters to see others. "
        if len(articles) > STRIP_MAX_ARTICLES
        else ""
    )
    st.caption(
        f"Each square is one kept paragraph at its ¶ number in the article (gaps are dropped paragraphs), coloured by its "
        f"strongest assigned theme; {shown}hover to read its start."
    )
    download_buttons(strip, "article_strip", run.metadata)
    st.info(
        "How far to trust these shares: see **Accuracy**, which compares the theme assignment with human labels.",
        icon=":material/fact_check:",
    )


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
    )
    carry = "carries" if len(found) == 1 else "carry"
    st.markdown(
        f"**{len(found)}** kept {noun(len(found), 'paragraph')} {carry} **{html.escape(run.labels[theme])}** here; showing {min(limit, len(found))}."
    )
    download_buttons(found, "evidence", run.metadata)
    for row in found.head(limit).itertuples(index=False):
        with st.container(border=True):
            st.html(paragraph_card(row, f"score {row.score:.2f}"))
            mark_control(run, row, theme)
            counterparts_button(run, row)


MARK_NAMES = {"yes": "Yes", "no": "No", "arguable": "Arguable"}


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
    marked = int((run.marks[run.themes.ids] != NOT_LABELLED).to_numpy().sum()) if len(run.marks) else 0
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
        marks = read_marks(uploaded.getvalue(), uploaded.name, theme_ids)
    except LabelsError as error:
        st.session_state["mark_notice"] = ("error", f"These marks cannot be used: {error}", None)
        return
    st.session_state[f"marks:{corpus_key}"] = marks
    st.session_state["assignment_before_mark"] = st.session_state.get("last_assignment")
    try:
        save_marks(marks, marks_path(corpus_key))
    except OSError as error:
        st.session_state["mark_notice"] = ("warning", f"The marks are used but could not be saved ({error.strerror}).", None)


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
                f'<div style="border-inline-start:3px solid #0072B2;padding-inline-start:0.75rem;margin:0.4rem 0">'
                f"{paragraph_card(match, f'similarity {match.similarity:.2f}')}</div>"
            )


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


def accuracy_view(run: Run) -> None:
    """Precision, recall and F1 of theme assignment against labelled paragraphs, at the current thresholds."""
    st.subheader("How far to trust the charts")
    st.caption(
        "Theme assignment at the current thresholds compared with paragraphs labelled by people (docs/labelling.md). "
        "Precision: of the paragraphs the tool gives a theme, the share people gave it too. Recall: of the paragraphs "
        "people gave a theme, the share the tool finds. F1 combines both."
    )
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
        "The themes learnt from other events, so on a new event they are less accurate than the figures below (README, "
        'Accuracy, "fresh events"). Your marks (the Teach tab) are '
        "learnt from at once and measured here, on your own event." + (f" {curve}" if curve else ""),
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


def themes_view(run: Run) -> None:
    """Edit, add, download and upload themes."""
    st.subheader("Themes")
    st.caption(
        "Each theme is learnt from its sentences and from the labelled paragraphs the themes file names: descriptions, "
        "examples and paragraphs labelled with it carry it; its near misses, the background news, the other themes and "
        "the other labelled paragraphs do not. A cue word adds a bonus. Write sentences in any language, one per line. "
        'After a change the corpus is re-scored; only new sentences are embedded (README: "How a paragraph gets a theme").'
    )
    if "theme_notice" in st.session_state:
        kind, message = st.session_state.pop("theme_notice")
        (st.success if kind == "success" else st.error)(message)
    download_column, upload_column = st.columns(2)
    download_column.download_button(
        "Download the themes (TOML, with the current thresholds)",
        data=themes_to_toml(run.themes),
        file_name="themes.toml",
        mime="application/toml",
        key="download_themes",
        on_click="ignore",
        icon=":material/download:",
    )
    upload_column.file_uploader("Load a themes file", type=["toml"], key="themes_file", on_change=load_uploaded_themes)
    for theme in run.themes.themes:
        with st.expander(f"{theme.label} · `{theme.id}` · threshold {theme.threshold:.2f}"), st.form(f"edit_{theme.id}_form"):
            theme_fields(f"edit_{theme.id}", theme)
            st.form_submit_button("Apply changes", on_click=apply_theme_edit, args=(theme.id,), type="primary", key=f"save_{theme.id}")
    st.markdown("##### Add a theme")
    with st.form("add_form"):
        st.text_input(
            "Id", key="add_id", placeholder="e.g. economic_grievances", help="Lowercase letters, digits and _; it names the score column."
        )
        theme_fields("add", None)
        st.form_submit_button("Add theme", on_click=add_new_theme, type="primary", key="save_new_theme")


def theme_fields(prefix: str, theme: Theme | None) -> None:
    """The label and, per language, the theme fields (one sentence or cue per line)."""
    st.text_input("Label", value=theme.label if theme else "", key=f"{prefix}_label")
    languages = editor_languages(theme)
    for column, language in zip(st.columns(len(languages)), languages, strict=True):
        with column:
            st.markdown(f"**{language_display(language)}**")
            for field, title in THEME_FIELDS.items():
                value = "\n".join(getattr(theme, field).get(language, ())) if theme else ""
                st.text_area(title, value=value, key=f"{prefix}_{field}_{language}", height=80 if field == "cues" else 130)


def dropped_view(run: Run) -> None:
    """Every paragraph left out of the counts, with the reason."""
    dropped = run.selected[~run.selected["kept"]]
    st.subheader("Dropped paragraphs")
    st.caption(
        "Left out of every count, each with its reason: boilerplate (navigation, advertising, captions…), another "
        "language, a duplicate, or too short. They are also in the paragraph table download."
    )
    reasons = dropped["drop_reason"].map(views.reason_for_reader).value_counts().rename_axis("reason").reset_index(name="dropped")
    show_table(run, reasons, "drop_reasons")
    paragraphs_table(
        views.dropped_for_reader(dropped),
        {"article": "Article", "number": "Paragraph", "drop_reason": "Reason", "text": "Text"},
        direction_from="detected_language",
    )
    download_buttons(
        dropped[["paragraph_id", "doc_id", "outlet", "language", "date", "position", "drop_reason", "text"]],
        "dropped_paragraphs",
        run.metadata,
    )
    flagged = views.flagged_kept(run.selected)
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


VIEW_FUNCTIONS: dict[str, Callable[[Run], None]] = {
    "Overview": overview_view,
    "Over time": timeline_view,
    "Evidence": evidence_view,
    "Distinctive words": words_view,
    "Teach": teach_view,
    "Accuracy": accuracy_view,
    "Themes": themes_view,
    "Dropped paragraphs": dropped_view,
}


# ---------------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------------


def prepare() -> Run:
    """Read the corpus, score it (cached), apply thresholds and filters."""
    themes = session_themes()
    with st.sidebar:
        corpus, source = sidebar_corpus()
        filter_box, threshold_box = st.container(), st.container()
    key = corpus_hash(corpus.documents)
    reset_filters_for(key)
    marks = corpus_marks(key, themes.ids)
    paragraphs, split_seconds = paragraphs_of(key, corpus.documents)
    scored, vectors, score_seconds = scored_paragraphs(key, st.session_state["themes_toml"], marks_to_csv(marks), paragraphs)
    with threshold_box:
        themes = themes.with_thresholds(threshold_sliders(themes, scored))
    table = assign_themes(scored, themes.ids, themes.thresholds())
    note_changes_since_mark(table, themes)
    with filter_box:
        selection = sidebar_filters(table, themes)
    before_dates = compare.filter_table(table, languages=selection.languages, outlets=selection.outlets)
    selected = views.select_dates(before_dates, selection.date_range, include_undated=selection.include_undated)
    timings = {"text": split_seconds, "embed_and_score": score_seconds}
    metadata = {
        **run_metadata(corpus, table, with_marks(themes, marks), shared_embedder(), timings),
        "corpus": source,
        "inputs": corpus_inputs(),
        "filters": selection.describe(),
    }
    note = views.selection_note(table, before_dates, selected)
    empty = (
        ""
        if selected["kept"].any()
        else views.empty_reason(
            table,
            before_dates,
            languages=selection.languages,
            outlets=selection.outlets,
            date_range=selection.date_range,
            include_undated=selection.include_undated,
        )
    )
    return Run(themes, table, vectors, selected, selection, metadata, source, corpus.problems, key, marks, note, empty)


def header(run: Run) -> None:
    """What is analysed, what was skipped, and the paragraph table download."""
    meta = run.metadata
    kept, articles = int(run.selected["kept"].sum()), run.kept["doc_id"].nunique()
    st.markdown(
        f"Analysing **{run.source}**: {counted(cast(int, meta['documents']), 'article')}, {counted(cast(int, meta['paragraphs']), 'paragraph')} "
        f"({meta['kept']} kept, {meta['dropped']} dropped). The current selection keeps **{kept}** {noun(kept, 'paragraph')} "
        f"from **{articles}** {noun(articles, 'article')}."
    )
    if run.note:
        st.info(run.note, icon=":material/filter_alt:")
    if "mark_notice" in st.session_state:
        kind, message, changes = st.session_state.pop("mark_notice")
        getattr(st, kind)(message, icon=":material/school:")
        if changes is not None and (changes["gained"].sum() or changes["lost"].sum()):
            with st.expander("The paragraphs that changed"):
                for change in changes.itertuples(index=False):
                    changed = run.table[run.table["paragraph_id"].isin([*change.gained_ids, *change.lost_ids])]
                    for row in changed.itertuples(index=False):
                        st.html(paragraph_card(row, f"{'gained' if row.paragraph_id in change.gained_ids else 'lost'} {change.label}"))
    if run.problems:
        with st.expander(f"{counted(len(run.problems), 'input problem')}: skipped or repaired", icon=":material/warning:"):
            st.dataframe(pd.DataFrame([dataclasses.asdict(problem) for problem in run.problems]), hide_index=True)
    download_buttons(
        output_table(run.selected, run.themes.ids),
        "paragraphs",
        meta,
        "every paragraph of the selection, kept or dropped, with scores, themes and drop reasons",
    )
    if not run.empty and run.selection.theme_ids:
        st.download_button(
            "Download the report (HTML)",
            data=partial(selection_report, run, st.session_state["themes_toml"]),
            file_name="framing_report.html",
            mime="text/html",
            key="download_report",
            on_click="ignore",
            icon=":material/description:",
            help="One self-contained file of the current selection that opens offline: the charts, tables, timeline, "
            "strongest evidence paragraphs, accuracy on the bundled labels, the themes file and the run metadata.",
        )


def selection_report(run: Run, themes_toml: str) -> str:
    """The HTML report of the current selection, with the accuracy on the bundled labels (built when the button is clicked)."""
    evaluation, source = None, ""
    if BUNDLED_LABELS.is_file():
        labels, scores = labelled_scores(BUNDLED_LABELS.read_bytes(), BUNDLED_LABELS.name, themes_toml)
        evaluation, source = evaluate(labels, scores, run.themes.thresholds()), str(BUNDLED_LABELS.relative_to(ROOT))
    return build_report(
        run.selected, run.themes, run.metadata, theme_ids=run.selection.theme_ids, evaluation=evaluation, evaluation_source=source
    )


def main() -> None:
    """Draw the dashboard."""
    st.set_page_config(page_title="Framing: Persian vs Arabic coverage", page_icon="📰", layout="wide")
    st.html("<style>textarea { unicode-bidi: plaintext; text-align: start; }</style>")
    keep_view_widgets()
    st.title("How Persian- and Arabic-language outlets frame the same event")
    try:
        run = prepare()
    except LIBRARY_ERRORS as error:
        st.error(explain(error), icon=":material/error:")
        st.stop()
    header(run)
    tabs = st.tabs(list(VIEW_FUNCTIONS), key="view", on_change="rerun")
    for (name, view), tab in zip(VIEW_FUNCTIONS.items(), tabs, strict=True):
        if not tab.open:
            continue
        with tab:
            if not run.selection.theme_ids and name not in ("Themes", "Dropped paragraphs"):
                st.warning("Choose at least one theme in the sidebar.")
                continue
            if run.empty and name not in ("Accuracy", "Themes", "Dropped paragraphs"):
                st.info(run.empty, icon=":material/filter_alt_off:")
                continue
            try:
                view(run)
            except LIBRARY_ERRORS as error:
                st.error(explain(error), icon=":material/error:")


main()
