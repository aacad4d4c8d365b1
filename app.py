"""Framing dashboard: how Persian- and Arabic-language outlets frame the same event.

A thin Streamlit layer over ``analysis/``: page set-up, the sidebar, caching and ``main()``. Each tab
is drawn by its own module in ``views/``. Start it with ``make run`` (or ``streamlit run app.py``);
it opens on the seed articles in ``seeds/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from collections.abc import Callable, Hashable
from functools import partial
from pathlib import Path
from typing import TypeVar, cast

import numpy as np
import pandas as pd
import streamlit as st

from analysis import charts, compare, export, language_memory, views
from analysis.corpus import Corpus, CorpusError, Problem, documents_from_uploads, read_corpus
from analysis.evaluate import evaluate
from analysis.html import paragraph_card
from analysis.labels import LabelsError
from analysis.marks import (
    assignment_changes,
    describe_changes,
    empty_marks,
    for_themes,
    load_marks,
    marks_path,
    marks_to_csv,
    read_marks,
    set_aside_unreadable,
    with_marks,
)
from analysis.pipeline import corpus_hash, output_table, revoiced, run_metadata, score_table
from analysis.report import build_report
from analysis.scorer import assign_themes
from analysis.text import split_paragraphs
from analysis.themes import ThemeSet, themes_from_upload
from analysis.voices import actors_from_text
from analysis.wording import counted, noun
from analysis.workspace import Workspace, WorkspaceError, read_workspace
from views.accuracy import accuracy_view
from views.common import (
    BUNDLED_LABELS,
    LIBRARY_ERRORS,
    ROOT,
    Run,
    Selection,
    download_buttons,
    explain,
    labelled_scores,
    session_themes,
    shared_embedder,
)
from views.dropped import dropped_view
from views.evidence import evidence_view
from views.overview import overview_view
from views.teach import teach_view
from views.themes import themes_view
from views.timeline import timeline_view
from views.url_state import SEEDS_CORPUS, TAB_PARAMS, Offer, apply_url, read_url, show_url_notes, url_params, write_url
from views.voices import ACTORS_KEY, voices_view
from views.words import words_view

SEEDS = ROOT / "seeds"
SEED_SOURCE = "seed articles"
THRESHOLD_STEP = 0.01
# Widgets of views drawn only while their tab is open; their values survive a visit to another tab.
VIEW_WIDGET_DEFAULTS: dict[str, object] = {"evidence_limit": 10, "voices_voice": "all"}
VIEW_WIDGET_KEYS = (
    "evidence_theme",
    "evidence_language",
    "evidence_outlet",
    "evidence_limit",
    "terms_theme",
    "accuracy_set",
    "timeline_period",
    "timeline_by_outlet",
    "voices_speakers",
    "voices_theme",
    "voices_voice",
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
VIEW_FUNCTIONS: dict[str, Callable[[Run], None]] = {
    "Overview": overview_view,
    "Over time": timeline_view,
    "Evidence": evidence_view,
    "Voices": voices_view,
    "Distinctive words": words_view,
    "Teach": teach_view,
    "Accuracy": accuracy_view,
    "Themes": themes_view,
    "Dropped paragraphs": dropped_view,
}


# ---------------------------------------------------------------------------------------------
# Cached computations (the work is in analysis/)
# ---------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def recalled_languages() -> int:
    """Recall the language identifications earlier runs kept (once per server): a warm start on a corpus read before
    need not load lingua's models (about a second)."""
    return language_memory.recall()


@st.cache_data(show_spinner=False)
def seed_corpus() -> Corpus:
    """The seed articles."""
    return read_corpus([SEEDS])


@st.cache_data(show_spinner="Reading the uploaded files…", max_entries=4)
def uploaded_corpus(files: tuple[tuple[str, bytes], ...]) -> Corpus:
    """The documents of uploaded files."""
    return documents_from_uploads(files)


@st.cache_data(show_spinner="Splitting the articles into paragraphs and identifying their language…", max_entries=8)
def paragraphs_of(corpus_key: str, _documents: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The paragraphs table of a corpus, keyed by its content hash, and the seconds it took."""
    started = time.perf_counter()
    paragraphs = split_paragraphs(_documents)
    language_memory.keep()  # the identifications this corpus needed, for the next start
    return paragraphs, time.perf_counter() - started


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


def workspace_argument() -> Path | None:
    """The stored analysis to open, given as ``streamlit run app.py -- --workspace DIR`` (None: the seeds)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--workspace")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return Path(known.workspace) if known.workspace else None


@st.cache_resource(show_spinner="Opening the stored analysis…", max_entries=2)
def stored_workspace(folder: str, _stamp: float) -> Workspace:
    """A workspace (``framing analyze --out``), read once per server and shared by the sessions (never mutated);
    ``_stamp`` (run.json's modification time) reads it again when it is rewritten. Its text columns are held as
    Python strings: every rerun filters the whole table."""
    stored = read_workspace(Path(folder))
    return dataclasses.replace(stored, table=views.with_python_strings(stored.table))


def opened_workspace() -> Workspace | None:
    """The workspace given on the command line, unless files are uploaded (they are analysed instead).

    Raises:
        WorkspaceError: the folder is missing or damaged.
    """
    folder = workspace_argument()
    if folder is None or st.session_state.get("corpus_files"):
        return None
    run_file = folder / "run.json"
    return stored_workspace(str(folder.resolve()), run_file.stat().st_mtime if run_file.is_file() else 0.0)


def stored_metadata(stored: Workspace, facts: views.CorpusFacts, themes: ThemeSet) -> dict[str, object]:
    """The run metadata of a stored analysis, with the session's themes (thresholds, marks) and counts."""
    metadata = {key: value for key, value in stored.metadata.items() if key != "workspace"}
    return {
        **metadata,
        "themes_hash": themes.digest(),
        "thresholds": themes.thresholds(),
        "documents": int(metadata.get("documents", facts.articles)),
        "paragraphs": facts.kept + facts.dropped,
        "kept": facts.kept,
        "dropped": facts.dropped,
        "workspace": str(stored.folder),
    }


@st.cache_data(show_spinner="Finding the speakers with your actors file…", max_entries=8)
def voiced_with(corpus_key: str, themes_toml: str, marks_csv: bytes, actors_toml: str, _scored: pd.DataFrame) -> pd.DataFrame:
    """The scored paragraphs with their voice and speaker found with the researcher's actors file."""
    return revoiced(_scored, shared_embedder(), actors_from_text(actors_toml, "your actors"))


# ---------------------------------------------------------------------------------------------
# Session state
# ---------------------------------------------------------------------------------------------


def corpus_marks(corpus_key: str, theme_ids: list[str]) -> pd.DataFrame:
    """The researcher's marks on this corpus: the session's copy, first read from the workspace."""
    state_key = f"marks:{corpus_key}"
    if state_key not in st.session_state:
        try:
            st.session_state[state_key] = load_marks(marks_path(corpus_key), theme_ids)
        except LabelsError as error:
            st.session_state[state_key] = empty_marks(theme_ids)
            st.session_state["mark_notice"] = (
                "warning",
                f"Your earlier marks could not be read ({error}). {set_aside_unreadable(marks_path(corpus_key))}",
                None,
            )
    st.session_state[state_key], note = for_themes(st.session_state[state_key], theme_ids)  # a theme added since: unmarked
    if note:  # beside a notice not shown yet (a mark that could not be saved), not instead of it
        kind, message, changes = st.session_state.get("mark_notice", ("info", "", None))
        st.session_state["mark_notice"] = (kind, f"{message} {note}".strip(), changes)
    return st.session_state[state_key]


def note_changes_since_mark(table: pd.DataFrame, themes: ThemeSet) -> None:
    """After a mark or a theme edit, say which paragraphs gained or lost a theme; remember this run's assignment for the next one."""
    assignment = table[["paragraph_id", *(f"has_{theme_id}" for theme_id in themes.ids)]]
    before = st.session_state.pop("assignment_before_mark", None)
    reason = st.session_state.pop("assignment_change_reason", "Relearnt from your marks.")  # or a theme edit's
    if before is not None and list(before.columns) == list(assignment.columns):
        changes = assignment_changes(before, assignment, themes.ids, {theme.id: theme.label for theme in themes.themes})
        st.session_state["mark_notice"] = ("success", f"{reason} {describe_changes(changes)}.", changes)
    st.session_state["last_assignment"] = assignment


Remembered = TypeVar("Remembered")


def remembered(name: str, inputs: Hashable, compute: Callable[[], Remembered]) -> Remembered:
    """What ``compute`` gives, kept in the session while ``inputs`` (compared with ==) stay the same.

    A filter change reruns the whole page: what depends only on the corpus, the themes and the thresholds (the
    filters' options, the assignment of themes, the run metadata) is computed once, not at every rerun (at 100,000
    paragraphs that was a third of a filter change).
    """
    held = st.session_state.get(f"remembered:{name}")
    if held is not None and held[0] == inputs:
        return cast(Remembered, held[1])
    value = compute()
    st.session_state[f"remembered:{name}"] = (inputs, value)
    return value


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


def sidebar_corpus(stored: Workspace | None = None) -> tuple[Corpus | None, str]:
    """The uploaded corpus, or the seeds when nothing is uploaded; with a description of it.

    With a stored analysis (``--workspace``) and nothing uploaded: no corpus (None), the workspace's description.
    """
    st.subheader("Corpus")
    uploads = st.file_uploader(
        "Your own articles",
        type=["txt", "csv", "jsonl", "html", "htm", "mhtml", "mht", "zip"],
        accept_multiple_files=True,
        key="corpus_files",
        help="Either .txt files (one article each, paragraphs on separate lines) or saved web pages (.html, or a "
        "browser's single-file .mhtml: the article text, title, date and site name are extracted) with an optional manifest.csv "
        "(columns file, outlet, language, date, url, title), or one .csv/.jsonl with a text column "
        "(optional: id, outlet, language, date, url, title), or a .zip of any of these, read like a folder.",
    )
    if not uploads and stored is not None:
        st.caption(
            f"Showing the stored analysis in `{stored.folder}` (written by `framing analyze --out`): nothing is recomputed "
            "until you edit the themes or mark paragraphs. Upload files to analyse others."
        )
        return None, f"the stored analysis {stored.folder.name}"
    if not uploads:
        st.caption("Showing the seed articles on the January 2022 unrest in Kazakhstan. Upload files to analyse your own.")
        return seed_corpus(), SEED_SOURCE
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


def threshold_sliders(themes: ThemeSet, facts: views.CorpusFacts) -> dict[str, float]:
    """One threshold slider per theme, spanning its scores; moving one re-assigns paragraphs without re-embedding."""
    st.subheader("Thresholds")
    st.caption("A paragraph carries a theme when its score reaches the threshold. Changes apply at once.")
    thresholds = {}
    for theme in themes.themes:
        key = f"threshold_{theme.id}"
        value = float(st.session_state.get(key, theme.threshold))
        low, high = facts.score_ranges.get(theme.id) or (math.floor(value - 1), math.ceil(value + 1))
        low, high = min(low, math.floor(value)), max(high, math.ceil(value))
        # The range is part of the slider's identity: a new corpus's range makes a new slider, which would start at
        # its minimum. So the value is handed over whenever the range changes.
        if st.session_state.get(f"{key}_range") != (low, high):
            st.session_state[f"{key}_range"] = (low, high)
            st.session_state[key] = value
        # A value a link (or the page) set is the widget's own: passing it again would be a second default.
        default = None if key in st.session_state else value
        thresholds[theme.id] = st.slider(
            theme.label,
            min_value=float(low),
            max_value=float(high),
            value=default,
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


def sidebar_filters(facts: views.CorpusFacts, themes: ThemeSet) -> Selection:
    """Language, outlet, theme and date filters."""
    st.subheader("Filters")
    languages, outlet_languages = facts.languages, facts.outlet_languages
    for key, options in (("filter_languages", languages), ("filter_themes", themes.ids)):
        st.session_state.setdefault(key, options)
    chosen_languages = st.multiselect("Languages", languages, format_func=charts.language_label, key="filter_languages")
    offered = facts.outlets_for(chosen_languages)
    follow_outlet_options(offered)
    outlets = st.multiselect(
        "Outlets",
        offered,
        format_func=lambda outlet: f"{outlet} ({outlet_languages[outlet]})",
        key="filter_outlets",
        help="The outlets with kept paragraphs in the chosen languages.",
    )
    theme_ids = st.multiselect("Themes", themes.ids, format_func=themes.label, key="filter_themes")
    full, date_range, include_undated = facts.dates, None, True
    if full:
        st.session_state.setdefault("filter_dates", full)  # set, not a default value: the browser forgets another corpus's range
        picked = st.date_input("Dates", min_value=full[0], max_value=full[1], key="filter_dates")
        if isinstance(picked, tuple) and len(picked) == 2 and tuple(picked) != full:
            date_range = (picked[0], picked[1])
        elif isinstance(picked, tuple) and len(picked) < 2:  # the range's first day is picked, not yet its last
            st.caption("Pick the last day too: until then every date is shown.")
    if full and facts.undated:
        st.session_state.setdefault("filter_undated", True)
        include_undated = st.checkbox("Include undated articles", key="filter_undated")
    chosen_themes = [theme_id for theme_id in themes.ids if theme_id in theme_ids]
    return Selection(chosen_languages, outlets, chosen_themes, date_range, include_undated)


# ---------------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------------


def prepare() -> Run:
    """Read the corpus, score it (cached), apply thresholds and filters."""
    stored = opened_workspace()
    if stored is not None:
        st.session_state.setdefault("themes_toml", stored.themes_toml)  # the themes it was analysed with
    themes = session_themes()
    with st.sidebar:
        corpus, source = sidebar_corpus(stored)
        filter_box, threshold_box = st.container(), st.container()
    if corpus is None and stored is not None:  # a stored analysis: its scores as they are, unless themes or marks changed
        key = str(stored.metadata.get("corpus_hash") or stored.folder.name)
        reset_filters_for(key)
        marks = corpus_marks(key, themes.ids)
        split_seconds, problems = 0.0, [Problem(*str(problem).partition(": ")[::2]) for problem in stored.metadata.get("problems", [])]
        if st.session_state["themes_toml"] == stored.themes_toml and marks.empty:
            scored, vectors, score_seconds = stored.table, stored.vectors, 0.0
        else:  # rescored from the stored paragraphs (their vectors come from the embedding cache)
            scored, vectors, score_seconds = scored_paragraphs(key, st.session_state["themes_toml"], marks_to_csv(marks), stored.table)
    else:
        assert corpus is not None
        key = corpus_hash(corpus.documents)
        reset_filters_for(key)
        marks = corpus_marks(key, themes.ids)
        problems = corpus.problems
        paragraphs, split_seconds = paragraphs_of(key, corpus.documents)
        scored, vectors, score_seconds = scored_paragraphs(key, st.session_state["themes_toml"], marks_to_csv(marks), paragraphs)
    actors = st.session_state.get(ACTORS_KEY)
    if actors is not None:  # the researcher's actors file: the speakers found again with it
        scored = voiced_with(key, st.session_state["themes_toml"], marks_to_csv(marks), actors, scored)
    # what the scored table is made of (a stored analysis: its folder and creation too, since it may be rewritten)
    made_of = (
        key,
        st.session_state["themes_toml"],
        marks_to_csv(marks),
        actors,
        stored and (stored.folder, stored.metadata.get("created")),
    )
    facts = remembered("facts", made_of, lambda: views.corpus_facts(scored, themes.ids))
    apply_url(
        Offer(
            views=list(VIEW_FUNCTIONS),
            corpus=corpus_name(source, key),
            languages=facts.languages,
            outlet_languages=facts.outlet_languages,
            theme_ids=themes.ids,
            dates=facts.dates,
            periods=compare.PERIODS,
        )
    )
    with threshold_box:
        themes = themes.with_thresholds(threshold_sliders(themes, facts))
    assigned_with = (made_of, tuple(themes.thresholds().items()))
    table = remembered("table", assigned_with, lambda: assign_themes(scored, themes.ids, themes.thresholds()))
    note_changes_since_mark(table, themes)
    with filter_box:
        selection = sidebar_filters(facts, themes)
    before_dates = views.select_languages_outlets(table, facts, selection.languages, selection.outlets)
    selected = views.select_dates(before_dates, selection.date_range, include_undated=selection.include_undated)
    timings = {"text": split_seconds, "embed_and_score": score_seconds}
    if corpus is not None:
        base = remembered(
            "metadata", assigned_with, lambda: run_metadata(corpus, table, with_marks(themes, marks), shared_embedder(), timings)
        )
        base = {**base, "problems": [str(problem) for problem in problems]}  # the same articles may come with other problems
        inputs = corpus_inputs()
    else:
        assert stored is not None
        base = remembered("metadata", assigned_with, lambda: stored_metadata(stored, facts, with_marks(themes, marks)))
        inputs = list(stored.metadata.get("inputs", []))
    metadata = {
        **base,
        "corpus": source,
        "inputs": inputs,
        "filters": selection.describe(),
        export.THEME_LABELS_KEY: {theme.id: theme.label for theme in themes.themes},
    }
    note = views.selection_note(facts, before_dates, selected)
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
    return Run(themes, table, vectors, selected, selection, metadata, source, problems, key, marks, facts, note, empty)


def header(run: Run) -> None:
    """What is analysed, what was skipped, and the paragraph table download."""
    meta = run.metadata
    kept, articles = int(run.selected["kept"].sum()), run.kept["doc_id"].nunique()
    st.markdown(
        f"Analysing **{run.source}**: {counted(cast(int, meta['documents']), 'article')}, {counted(cast(int, meta['paragraphs']), 'paragraph')} "
        f"({meta['kept']} kept, {meta['dropped']} dropped). The current selection keeps **{kept}** {noun(kept, 'paragraph')} "
        f"from **{articles}** {noun(articles, 'article')}."
    )
    show_url_notes()
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
    st.download_button(
        "Download the run metadata (run.json)",
        data=export.to_run_json_bytes(meta),
        file_name="run.json",
        mime="application/json",
        key="download_run",
        on_click="ignore",
        icon=":material/receipt_long:",
        type="tertiary",
        help="Which run made the tables, once for all of them (as `framing analyze` writes it): model, themes and their "
        "hash, thresholds, corpus hash and input files, filters, versions. The XLSX and Parquet files carry it too.",
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
    read_url()
    recalled_languages()
    st.title("How Persian- and Arabic-language outlets frame the same event")
    try:
        run = prepare()
    except LIBRARY_ERRORS as error:
        st.error(explain(error), icon=":material/error:")
        st.stop()
    except WorkspaceError as error:
        st.error(f"The stored analysis cannot be opened: {error}", icon=":material/error:")
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
    write_url(view_params(run))


@st.cache_data(show_spinner=False)
def seeds_key() -> str:
    """The seed articles' corpus hash."""
    return corpus_hash(seed_corpus().documents)


def corpus_name(source: str, key: str) -> str:
    """The corpus as a link names it: "seeds" (also when the seed articles are uploaded or opened as a stored analysis), or
    the corpus hash."""
    return SEEDS_CORPUS if source == SEED_SOURCE or key == seeds_key() else key


def view_params(run: Run) -> dict[str, list[str]]:
    """The URL parameters of the view on screen."""
    view = str(st.session_state.get("view") or next(iter(VIEW_FUNCTIONS)))
    return url_params(
        corpus=corpus_name(run.source, run.corpus_key),
        view=view,
        default_view=next(iter(VIEW_FUNCTIONS)),
        languages=run.selection.languages,
        all_languages=run.facts.languages,
        outlets=run.selection.outlets,
        offered_outlets=st.session_state.get("filter_outlet_options", run.selection.outlets),
        theme_ids=run.selection.theme_ids,
        all_theme_ids=run.themes.ids,
        date_range=run.selection.date_range,
        include_undated=run.selection.include_undated,
        thresholds=run.themes.thresholds(),
        default_thresholds=session_themes().thresholds(),
        tab_state={key: st.session_state.get(key) for params in TAB_PARAMS.values() for key in params.values()},
    )


main()
