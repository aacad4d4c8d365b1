"""A researcher's marks: yes / no / arguable per paragraph and theme, kept as a labels file per corpus.

Marks teach the themes the researcher's own event. They are kept in the labels CSV format
(``analysis.labels``; a blank theme cell means "not marked", and "arguable" leaves the cell blank
and names the theme in ``arguable``), saved at once under ``FRAMING_HOME/workspaces/<corpus>/``,
and added to the themes' labelled paragraphs (:func:`with_marks`), so the next fit learns from them.

Pure functions over DataFrames, apart from :func:`load_marks`, :func:`save_marks` and :func:`set_aside`.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import framing_home
from analysis.export import to_csv_bytes
from analysis.labels import NOT_LABELLED, LabelsError, not_theme_columns, not_theme_ids, read_labels
from analysis.themes import LabelledParagraphs, ThemeSet
from analysis.wording import counted

MARKS = ("yes", "no", "arguable")
WORKSPACES = "workspaces"
MARKS_FILE = "labels.csv"
MARKED_EVENT = "marked"  # the researcher's own event: the marks weigh as one event
_BASE_COLUMNS = ["doc_id", "paragraph_id", "language", "text"]


def marks_path(corpus_key: str, home: Path | None = None) -> Path:
    """Where the marks of one corpus are kept."""
    return (home or framing_home()) / WORKSPACES / corpus_key / MARKS_FILE


def empty_marks(theme_ids: Sequence[str]) -> pd.DataFrame:
    """A marks table with no paragraph."""
    columns = {column: pd.Series(dtype=str) for column in _BASE_COLUMNS}
    columns |= {theme_id: pd.Series(dtype="int64") for theme_id in theme_ids}
    columns |= {"arguable": pd.Series(dtype=str), "note": pd.Series(dtype=str)}
    return pd.DataFrame(columns)


def set_mark(marks: pd.DataFrame, paragraph: Mapping[str, object], theme_id: str, mark: str) -> pd.DataFrame:
    """Return a copy of ``marks`` with one paragraph's mark for one theme set (replacing an earlier one).

    Args:
        marks: the marks table.
        paragraph: ``paragraph_id``, ``doc_id``, ``language`` and ``text`` of the paragraph.
        theme_id: the theme marked.
        mark: ``yes``, ``no`` or ``arguable``.

    Raises:
        LabelsError: an unknown mark (a user's choice).
        ValueError: a theme the marks table lacks (a programming error).
    """
    if mark not in MARKS:
        raise LabelsError(f"a mark is one of {list(MARKS)}, not {mark!r}")
    if theme_id not in marks.columns:
        raise ValueError(f"no theme {theme_id!r} in the marks table")
    marks = marks.copy()
    found = marks.index[marks["paragraph_id"] == paragraph["paragraph_id"]]
    if len(found):
        row = found[0]
    else:
        row = len(marks)
        theme_ids = [column for column in marks.columns if column not in [*_BASE_COLUMNS, "arguable", "note"]]
        marks.loc[row] = {
            **{column: str(paragraph[column]) for column in _BASE_COLUMNS},
            **dict.fromkeys(theme_ids, NOT_LABELLED),
            "arguable": "",
            "note": "",
        }
    arguable = [theme for theme in str(marks.at[row, "arguable"]).split("|") if theme and theme != theme_id]
    if mark == "arguable":
        arguable.append(theme_id)
    marks.at[row, theme_id] = {"yes": 1, "no": 0, "arguable": NOT_LABELLED}[mark]
    marks.at[row, "arguable"] = "|".join(arguable)
    return marks.reset_index(drop=True)


def clear_mark(marks: pd.DataFrame, paragraph_id: str, theme_id: str) -> pd.DataFrame:
    """Return a copy of ``marks`` without one paragraph's mark for one theme (a mark taken back); a paragraph left with no
    mark (for any theme, loaded now or not) and no note is removed."""
    marks = marks.copy()
    found = marks.index[marks["paragraph_id"] == paragraph_id]
    if found.empty or theme_id not in marks.columns:
        return marks
    row = found[0]
    marks.at[row, theme_id] = NOT_LABELLED
    marks.at[row, "arguable"] = "|".join(theme for theme in str(marks.at[row, "arguable"]).split("|") if theme and theme != theme_id)
    if all(marks.at[row, column] in (NOT_LABELLED, "") for column in marks.columns if column not in _BASE_COLUMNS):
        marks = marks.drop(index=row)
    return marks.reset_index(drop=True)


def count_marks(marks: pd.DataFrame, theme_ids: Sequence[str]) -> int:
    """How many marks the paragraphs have for these themes: Yes, No and Arguable alike (an Arguable mark leaves its theme's
    cell blank and names the theme in ``arguable``)."""
    decided = int((marks[list(theme_ids)] != NOT_LABELLED).to_numpy().sum())
    return decided + sum(theme in theme_ids for cell in marks["arguable"] for theme in str(cell).split("|"))


def mark_of(marks: pd.DataFrame, paragraph_id: str, theme_id: str) -> str | None:
    """The mark a paragraph has for a theme (``yes``, ``no``, ``arguable``), or None."""
    rows = marks[marks["paragraph_id"] == paragraph_id]
    if rows.empty or theme_id not in marks.columns:
        return None
    value = int(rows.iloc[0][theme_id])
    if value == NOT_LABELLED:
        return "arguable" if theme_id in str(rows.iloc[0]["arguable"]).split("|") else None
    return "yes" if value == 1 else "no"


def marks_to_csv(marks: pd.DataFrame) -> bytes:
    """The marks as a labels CSV (UTF-8 with BOM, blank for "not marked"), as every CSV download: a text a spreadsheet
    would take for a formula gets a leading ``'``, which reading it (:func:`analysis.labels.read_labels`) removes."""
    table = marks.copy()
    for column in table.columns:
        if column not in [*_BASE_COLUMNS, "arguable", "note"]:
            table[column] = [_mark_cell(value) for value in table[column]]
    return to_csv_bytes(table)


def _mark_cell(value: int | str) -> str:
    """A theme's cell as written: blank for "not marked", 0 or 1; a column of other text (see :func:`read_marks`) as it is."""
    if isinstance(value, str):
        return value
    return "" if value == NOT_LABELLED else str(int(value))


def read_marks(data: bytes, name: str, theme_ids: Sequence[str], *, for_these_themes: bool = False) -> pd.DataFrame:
    """Read marks (any labels CSV) into a marks table; rows without a ``paragraph_id`` get one from their article and text.

    A file with no paragraph, or with marks for other themes only (the workspace's, kept under other themes), is read;
    ``for_these_themes`` (a file given to teach these themes) refuses the latter.

    Raises:
        LabelsError: the file is not a usable labels file.
    """
    labels = read_labels(data, name, theme_ids, allow_empty=True, allow_other_themes=not for_these_themes)
    marks = empty_marks(theme_ids)
    if labels.empty:
        return marks
    for column in marks.columns:
        if column in labels.columns:
            marks[column] = labels[column]
        elif column in theme_ids:
            marks[column] = NOT_LABELLED
        else:
            marks[column] = ""
    if "paragraph_id" not in labels.columns:
        marks["paragraph_id"] = [f"{doc}:{text.strip()}" for doc, text in zip(marks["doc_id"], marks["text"], strict=True)]
    others = not_theme_columns(labels.columns, theme_ids)
    for column in others:  # marks for themes not loaded now (the researcher's work): kept, saved again, not learnt from
        marks[column] = _kept_column(labels[column])
    themes = [theme_id for theme_id in theme_ids if theme_id in marks.columns]
    marks = marks.drop_duplicates(["paragraph_id", *themes, *others])  # the same marks twice are one paragraph's marks
    repeated = marks["paragraph_id"][marks["paragraph_id"].duplicated()]
    if not repeated.empty:
        raise LabelsError(f"{name}: paragraph {repeated.iloc[0]!r} is marked twice, differently; keep one of its rows")
    return marks.reset_index(drop=True)


def _kept_column(values: pd.Series) -> pd.Series:
    """A column of a marks file that names no theme loaded now: marks (0, 1, blank: not marked) when it holds only these,
    else its text as it is."""
    cells = values.str.strip()
    if cells.isin(["0", "1", ""]).all():
        return pd.Series([NOT_LABELLED if cell == "" else int(cell) for cell in cells], index=values.index, dtype="int64")
    return values


def for_themes(marks: pd.DataFrame, theme_ids: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """The marks with a column for every theme loaded now, and one line on what changed ("" when nothing needed saying).

    A theme added since the marks were read gets a column of "not marked". A column of text (a free-text column of the
    marks file) named like a theme added since is moved to ``"<id> (text)"``, a name no theme id can take: kept, and saved
    again, under that name.
    """
    renamed = {
        theme_id: f"{theme_id} (text)"
        for theme_id in theme_ids
        if theme_id in marks.columns and not pd.api.types.is_integer_dtype(marks[theme_id])
    }
    missing = [theme_id for theme_id in theme_ids if theme_id not in marks.columns or theme_id in renamed]
    if not missing:
        return marks, ""
    marks = marks.rename(columns=renamed).assign(**dict.fromkeys(missing, NOT_LABELLED))
    note = "; ".join(f"your marks file's column '{old}' holds text, not marks: it is kept as '{new}'" for old, new in renamed.items())
    return marks, note[:1].upper() + note[1:] + ("." if note else "")


def other_columns_note(marks: pd.DataFrame, theme_ids: Sequence[str]) -> str:
    """One line on the marks' columns that name no theme loaded now (another themes file's, a misspelt one): kept in the
    marks file, not learnt from, with how many marks they hold; "" when there is none that holds anything (the column of a
    theme removed before it was marked)."""
    others = [column for column in not_theme_columns(marks.columns, theme_ids) if marks[column].isin([NOT_LABELLED, ""]).sum() < len(marks)]
    if not others:
        return ""
    held = int(marks[others].isin([0, 1]).to_numpy().sum())  # a column of text holds no mark
    return f"Your marks: {not_theme_ids(others, theme_ids)}: kept in your marks file, not learnt from" + (
        f"; {counted(held, 'mark')} {'is' if held == 1 else 'are'} for themes not loaded now." if held else "."
    )


def load_marks(path: Path, theme_ids: Sequence[str], *, required: bool = False) -> pd.DataFrame:
    """The marks kept at ``path`` (none when the file does not exist, unless ``required``: a file given to teach these
    themes, which must then have a column for one of them).

    Raises:
        LabelsError: the file cannot be read as labels, or is ``required`` and missing.
    """
    if not path.is_file():
        if required:
            raise LabelsError(f"{path}: no such labels file")
        return empty_marks(theme_ids)
    try:
        return read_marks(path.read_bytes(), path.name, theme_ids, for_these_themes=required)
    except OSError as error:
        raise LabelsError(f"{path}: cannot read the marks ({error.strerror})") from error


def set_aside(path: Path, now: dt.datetime | None = None) -> Path:
    """Rename an unreadable marks file beside itself, with the time (``labels.unreadable-20261208-023900.csv``), so that
    the next mark, saved whole, does not overwrite the marks in it; return its new path.

    Raises:
        OSError: it cannot be renamed.
    """
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.unreadable-{stamp}{path.suffix}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.stem}.unreadable-{stamp}-{number}{path.suffix}")
    path.rename(target)
    return target


def set_aside_unreadable(path: Path) -> str:
    """Move unreadable marks out of the way of the next mark (:func:`set_aside`), and say where they are."""
    try:
        return f"They are kept in {set_aside(path)}; starting afresh."
    except OSError as error:
        return f"They could not be set aside ({error.strerror}): copy {path} now, since your next mark replaces it; starting afresh."


def save_marks(marks: pd.DataFrame, path: Path) -> None:
    """Write the marks whole (a temporary file renamed into place).

    Raises:
        OSError: the workspace cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".labels.", suffix=".csv", delete=False) as handle:
        handle.write(marks_to_csv(marks))
    os.replace(handle.name, path)


def with_marks(themes: ThemeSet, marks: pd.DataFrame) -> ThemeSet:
    """The theme set with the researcher's marks to learn from (a theme learns from the marks made for it)."""
    if marks.empty or not (marks[themes.ids] != NOT_LABELLED).to_numpy().any():
        return themes
    return replace(
        themes,
        marks=LabelledParagraphs(
            raw_texts=tuple(marks["text"]),
            languages=tuple(marks["language"]),
            doc_ids=tuple(f"marked:{doc}" for doc in marks["doc_id"]),
            labels={theme_id: tuple(int(value) for value in marks[theme_id]) for theme_id in themes.ids},
            events=(MARKED_EVENT,) * len(marks),
        ),
    )


def uncertain_queue(
    table: pd.DataFrame, theme_ids: Sequence[str], thresholds: Mapping[str, float], marks: pd.DataFrame, size: int = 12
) -> pd.DataFrame:
    """Paragraphs the themes are least sure about, to mark next.

    For each theme, the kept paragraphs closest to its threshold, taken alternately from both sides
    and both languages, at most one per article until every article had its turn; paragraphs
    already marked for that theme are skipped. Returns ``paragraph_id``, ``theme``, ``margin``
    (score minus threshold) and the paragraph's columns, closest first within each theme.
    """
    kept = table[table["kept"].astype(bool)]
    marked = {
        (row.paragraph_id, theme_id)
        for row in marks.itertuples(index=False)
        for theme_id in theme_ids
        if getattr(row, theme_id) != NOT_LABELLED or theme_id in str(row.arguable).split("|")
    }
    picks = []
    per_theme = max(1, size // max(1, len(theme_ids)))
    for theme_id in theme_ids:
        margin = kept[f"score_{theme_id}"] - float(thresholds[theme_id])
        candidates = kept.assign(theme=theme_id, margin=margin, distance=margin.abs())
        candidates = candidates[[(pid, theme_id) not in marked for pid in candidates["paragraph_id"]]]
        candidates = candidates.sort_values(["distance", "paragraph_id"])
        candidates["side"] = np.where(candidates["margin"] >= 0, "above", "below")
        candidates["turn"] = candidates.groupby(["side", "language"]).cumcount()
        candidates["article_turn"] = candidates.groupby("doc_id").cumcount()
        picks.append(candidates.sort_values(["article_turn", "turn", "distance", "paragraph_id"]).head(per_theme).sort_values("distance"))
    if not picks:
        return kept.head(0)
    return pd.concat(picks, ignore_index=True).drop(columns=["distance", "turn", "article_turn"])


def assignment_changes(before: pd.DataFrame, after: pd.DataFrame, theme_ids: Sequence[str], labels: Mapping[str, str]) -> pd.DataFrame:
    """Which paragraphs gained or lost each theme between two scored tables (aligned on ``paragraph_id``).

    Returns one row per theme: ``theme``, ``label``, ``gained``, ``lost`` (counts) and the
    ``gained_ids`` / ``lost_ids`` lists.
    """
    old = before.set_index("paragraph_id")
    new = after.set_index("paragraph_id").reindex(old.index)
    rows = []
    for theme_id in theme_ids:
        was, now = old[f"has_{theme_id}"].astype(bool), new[f"has_{theme_id}"].fillna(False).astype(bool)
        gained, lost = list(old.index[~was & now]), list(old.index[was & ~now])
        rows.append(
            {
                "theme": theme_id,
                "label": labels.get(theme_id, theme_id),
                "gained": len(gained),
                "lost": len(lost),
                "gained_ids": gained,
                "lost_ids": lost,
            }
        )
    return pd.DataFrame(rows)


def describe_changes(changes: pd.DataFrame) -> str:
    """One line for the page: "Foreign interference: +7 paragraphs, −2; Terrorism: no change"."""

    def count(sign: str, number: int) -> str:
        return sign + counted(number, "paragraph")

    parts = []
    for row in changes.itertuples(index=False):
        moves = [count(sign, number) for sign, number in (("+", row.gained), ("−", row.lost)) if number]
        parts.append(f"{row.label}: {', '.join(moves) if moves else 'no change'}")
    return "; ".join(parts)
