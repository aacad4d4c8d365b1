"""Labelled paragraphs: the CSV format shared by evaluation files and training paragraphs.

A labels file has a ``text`` and a ``language`` column and one 0/1 column per theme id (a blank
cell: not labelled for that theme, e.g. a researcher's mark "arguable" or a theme not yet marked;
it counts neither in training nor in evaluation). Optional:
``set`` to report subsets apart, ``doc_id`` to group paragraphs of one article, ``arguable`` and
``note``). See docs/labelling.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis.corpus import CorpusError, decode_text, normalize_language_code, repeated_column
from analysis.export import restore_formulas
from analysis.text import PARAGRAPH_COLUMNS

NOT_LABELLED = -1  # a blank theme cell: this paragraph is not labelled for that theme
LABELS_COLUMNS = ("text", "language", "set", "doc_id", "paragraph_id", "event", "arguable", "note", "voice", "speaker")
"""The columns of a labels file that are not theme ids: those of docs/labelling.md, the marks' ``paragraph_id`` and the
evaluation set's ``voice`` and ``speaker``."""
# A theme id names a column of the labels and marks files and of the paragraph tables, so it may not be one of their
# other columns (tests/test_themes.py keeps this in step with the output and marks tables).
RESERVED_THEME_IDS = frozenset({*PARAGRAPH_COLUMNS, *LABELS_COLUMNS, "themes"})

EVALUATION_LABELS = Path(__file__).parent / "data" / "evaluation" / "labels.csv"
"""The bundled evaluation set (the seed paragraphs and the held-out test paragraphs; docs/labelling.md), shipped
with the package so that the dashboard's Accuracy tab works outside a checkout. Never a training source."""


class LabelsError(ValueError):
    """The labels file is not usable; the message says why."""


def read_labels(
    data: bytes, name: str, theme_ids: Sequence[str], *, allow_empty: bool = False, allow_other_themes: bool = False
) -> pd.DataFrame:
    """Parse a labels CSV; validate it against the theme ids (``allow_empty``: a file with no paragraph is fine;
    ``allow_other_themes``, as for the workspace's saved marks: so is one with no column for these themes).

    The ``'`` a CSV download puts before a text that a spreadsheet would take for a formula is removed
    (:func:`analysis.export.restore_formulas`).

    Raises:
        LabelsError: missing columns, values other than 0/1, or unknown languages.
    """
    try:
        text, _ = decode_text(data, name)
    except CorpusError as error:
        raise LabelsError(str(error)) from error
    try:
        labels = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise LabelsError(f"{name}: not a readable CSV ({error})") from error
    labels = restore_formulas(labels)  # a CSV download's cells (the marks'), as they were
    try:
        header = [column.strip().lower() for column in next(csv.reader(io.StringIO(text)), [])]
    except csv.Error:  # pandas read it: its own column names are checked below
        header = []
    if repeated := repeated_column(header, name):
        raise LabelsError(repeated)
    labels.columns = [column.strip().lower() for column in labels.columns]
    missing = [column for column in ("text", "language") if column not in labels.columns]
    if missing:
        raise LabelsError(f"{name}: missing column(s) {missing}; found {list(labels.columns)}")
    themes = [theme_id for theme_id in theme_ids if theme_id in labels.columns]
    if not themes and not allow_other_themes:
        raise LabelsError(f"{name}: no column for any theme id {list(theme_ids)}; add 0/1 columns named after the themes")
    for theme_id in themes:
        values = labels[theme_id].str.strip()
        bad = ~values.isin(["0", "1", ""])
        if bad.any():
            raise LabelsError(
                f"{name}: column {theme_id!r} must hold 0, 1 or nothing (not labelled); row {int(bad.idxmax()) + 2} has {values[bad].iloc[0]!r}"
            )
        labels[theme_id] = pd.array([NOT_LABELLED if value == "" else int(value) for value in values], dtype="int64")
    languages = labels["language"].map(normalize_language_code)
    unusable = languages.isna() | ((languages == "") & (labels["text"].str.strip() != ""))
    if unusable.any():
        row = int(unusable.idxmax())
        given = labels.loc[row, "language"]
        raise LabelsError(f"{name}: row {row + 2} has {f'an unknown language {given!r}' if given.strip() else 'no language'}; use fa or ar")
    labels["language"] = languages
    if shared := _shared_paragraph_id(labels, name):
        raise LabelsError(shared)
    if "set" not in labels.columns:
        labels["set"] = "labels"
    if "event" in labels.columns:
        labels["event"] = labels["event"].str.strip()
    if "doc_id" not in labels.columns:
        labels["doc_id"] = [f"row{number}" for number in range(len(labels))]
    labels = labels[labels["text"].str.strip() != ""].reset_index(drop=True)
    if (labels.empty or (labels[themes] == NOT_LABELLED).all(axis=None)) and not allow_empty:
        raise LabelsError(f"{name}: no labelled paragraph (every theme cell is blank)" if len(labels) else f"{name}: no labelled paragraph")
    return labels


def not_theme_columns(columns: Iterable[str], theme_ids: Sequence[str]) -> list[str]:
    """The columns of a labels table that are neither theme ids nor known columns (:data:`RESERVED_THEME_IDS`): a misspelt
    theme, a theme not loaded now, anything else."""
    return [column for column in columns if column not in theme_ids and column not in RESERVED_THEME_IDS]


def not_theme_ids(columns: Sequence[str], theme_ids: Sequence[str]) -> str:
    """Say that some columns are not theme ids: "column 'x' is not a theme id (themes: a, b)"."""
    named = ", ".join(repr(column) for column in columns)
    verb = "is not a theme id" if len(columns) == 1 else "are not theme ids"
    return f"{'column' if len(columns) == 1 else 'columns'} {named} {verb} (themes: {', '.join(theme_ids)})"


def ignored_columns_note(columns: Iterable[str], theme_ids: Sequence[str], name: str) -> str:
    """One line on the columns of a labels file that are read for nothing (:func:`not_theme_columns`); "" when none is."""
    ignored = not_theme_columns(columns, theme_ids)
    return f"{name}: {not_theme_ids(ignored, theme_ids)}: ignored" if ignored else ""


def _shared_paragraph_id(labels: pd.DataFrame, name: str) -> str | None:
    """The refusal of a ``paragraph_id`` given to two different paragraphs (texts), naming their rows; None when none is.

    One paragraph's rows are merged (a mark made twice), so two paragraphs under one id would lose one.
    """
    if "paragraph_id" not in labels.columns:
        return None
    rows = labels.assign(paragraph_id=labels["paragraph_id"].str.strip(), text=labels["text"].str.strip())
    rows = rows[rows["paragraph_id"] != ""].drop_duplicates(["paragraph_id", "text"])
    repeated = rows[rows["paragraph_id"].duplicated(keep=False)]
    if repeated.empty:
        return None
    paragraph_id = repeated["paragraph_id"].iloc[0]
    first, second = repeated.index[repeated["paragraph_id"] == paragraph_id][:2]
    return (
        f"{name}: rows {first + 2} and {second + 2} give the paragraph_id {paragraph_id!r} to two different paragraphs; give each its own"
    )


def load_labels(path: str | Path, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Read a labels CSV from disk (see :func:`read_labels`)."""
    path = Path(path)
    if not path.is_file():
        raise LabelsError(f"{path}: no such labels file")
    return read_labels(path.read_bytes(), path.name, theme_ids)
