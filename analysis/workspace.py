"""A stored analysis: the folder ``framing analyze --out`` writes and the dashboard and ``framing report`` open.

A workspace is what a run computed, kept so that nothing is computed twice (at 100,000 paragraphs
the analysis takes minutes; opening it takes seconds):

- ``paragraphs.parquet``: the paragraph table, one row per input paragraph, kept or not, with
  ``clean_text``, the ``score_<theme>``/``has_<theme>`` columns, ``themes``, ``voice`` and ``speaker``;
- ``vectors.npy``: the float32 embeddings aligned with the kept rows, in table order (NumPy's own
  format, read with ``allow_pickle=False``);
- ``themes.toml``: the themes file the scores were made with (its thresholds included);
- ``run.json``: the run metadata (model, hashes, counts, problems, timings), with a ``workspace`` entry
  (format, rows, kept rows, vector shape) that says the files belong together. It is written last,
  so a folder whose writing was interrupted is not taken for a complete workspace.

The CSV (and XLSX) tables written beside them are exports, for people and spreadsheets; this module
neither writes nor reads them. A missing or damaged workspace raises :class:`WorkspaceError` with one
readable sentence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.config import atomic_write
from analysis.themes import ThemeError, ThemeSet, parse_themes, themes_to_toml

FORMAT_VERSION = 1
PARAGRAPHS_FILE = "paragraphs.parquet"
VECTORS_FILE = "vectors.npy"
THEMES_FILE = "themes.toml"
RUN_FILE = "run.json"
REQUIRED_COLUMNS = ("paragraph_id", "doc_id", "outlet", "language", "date", "position", "text", "kept", "drop_reason", "themes")


class WorkspaceError(ValueError):
    """A folder is not a readable workspace (missing, incomplete, damaged or of another format)."""


@dataclass(frozen=True)
class Workspace:
    """A stored analysis, as read back.

    Attributes:
        folder: where it was read from.
        table: the paragraph table (kept and dropped rows, scores, assignments, voices).
        vectors: the kept paragraphs' embeddings, in table order (read-only, memory-mapped).
        themes_toml: the themes file the scores were made with.
        metadata: the run metadata (``run.json``).
    """

    folder: Path
    table: pd.DataFrame
    vectors: np.ndarray
    themes_toml: str
    metadata: dict[str, Any]

    @property
    def themes(self) -> ThemeSet:
        """The themes the scores were made with (parsed only: their labelled paragraphs are not read)."""
        return parse_themes(self.themes_toml, source=str(self.folder / THEMES_FILE))


def looks_like_workspace(path: Path) -> bool:
    """Whether ``path`` is a folder that holds (or held) a workspace: it has a ``run.json``."""
    return path.is_dir() and (path / RUN_FILE).is_file()


def write_workspace(folder: Path, table: pd.DataFrame, vectors: np.ndarray, themes: ThemeSet, metadata: Mapping[str, Any]) -> Path:
    """Write a run's paragraph table, vectors, themes and metadata into ``folder`` (created if needed).

    Each file is written whole or not at all (a temporary file renamed into place), and ``run.json``
    last. Other files in the folder (the CSV exports) are left alone.

    Raises:
        ValueError: ``vectors`` does not have one row per kept paragraph.
    """
    kept = int(table["kept"].sum())
    vectors = np.asarray(vectors, dtype=np.float32)
    if kept and vectors.shape[0] != kept:
        raise ValueError(f"vectors has {vectors.shape[0]} rows but the table has {kept} kept paragraphs")
    if not kept:
        vectors = np.zeros((0, 0), dtype=np.float32)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUN_FILE).unlink(missing_ok=True)  # until run.json is back, the folder is not a complete workspace
    arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    atomic_write(folder / PARAGRAPHS_FILE, lambda handle: pq.write_table(arrow, handle, compression="zstd"))
    atomic_write(folder / VECTORS_FILE, lambda handle: np.save(handle, vectors, allow_pickle=False))
    atomic_write(folder / THEMES_FILE, lambda handle: handle.write(themes_to_toml(themes).encode("utf-8")))
    stamped = {
        **metadata,
        "workspace": {"format": FORMAT_VERSION, "rows": len(table), "kept": kept, "vectors": list(vectors.shape)},
    }
    text = json.dumps(stamped, ensure_ascii=False, indent=2, default=str) + "\n"
    atomic_write(folder / RUN_FILE, lambda handle: handle.write(text.encode("utf-8")))
    return folder


def read_workspace(folder: Path) -> Workspace:
    """Read a workspace written by :func:`write_workspace`.

    Raises:
        WorkspaceError: the folder is missing, lacks a file, or a file is damaged or does not match the others.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise WorkspaceError(f"{folder}: no such workspace folder")
    metadata = _read_run(folder)
    entry = metadata.get("workspace")
    if not isinstance(entry, dict) or entry.get("format") != FORMAT_VERSION:
        raise WorkspaceError(
            f"{folder}: not a workspace of this version of framing (run.json has no workspace format {FORMAT_VERSION}); "
            f"analyse the corpus again with framing analyze ... --out {folder}"
        )
    table = _read_table(folder)
    try:
        vectors = np.load(folder / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError as error:
        raise WorkspaceError(f"{folder}: {VECTORS_FILE} is missing: the workspace is incomplete") from error
    except (OSError, ValueError) as error:
        raise WorkspaceError(f"{folder}: {VECTORS_FILE} cannot be read ({_reason(error)}): the file is damaged") from error
    kept = int(table["kept"].sum())
    if len(table) != entry.get("rows") or kept != entry.get("kept") or list(vectors.shape) != entry.get("vectors"):
        raise WorkspaceError(
            f"{folder}: the files do not belong together ({len(table)} rows, {kept} kept, vectors {list(vectors.shape)}; "
            f"run.json says {entry.get('rows')} rows, {entry.get('kept')} kept, vectors {entry.get('vectors')})"
        )
    try:
        themes_toml = (folder / THEMES_FILE).read_text(encoding="utf-8")
        parse_themes(themes_toml, source=str(folder / THEMES_FILE))
    except FileNotFoundError as error:
        raise WorkspaceError(f"{folder}: {THEMES_FILE} is missing: the workspace is incomplete") from error
    except (OSError, UnicodeDecodeError) as error:
        raise WorkspaceError(f"{folder}: {THEMES_FILE} cannot be read ({_reason(error)})") from error
    except ThemeError as error:
        raise WorkspaceError(f"{folder}: {THEMES_FILE} is damaged ({error})") from error
    score_columns = [f"score_{theme_id}" for theme_id in parse_themes(themes_toml).ids]
    missing = [column for column in score_columns if column not in table.columns]
    if missing:
        raise WorkspaceError(f"{folder}: {PARAGRAPHS_FILE} lacks the column(s) {', '.join(missing)} of its themes")
    not_numbers = [column for column in score_columns if not pd.api.types.is_float_dtype(table[column])]
    if not_numbers:
        raise WorkspaceError(f"{folder}: {PARAGRAPHS_FILE} is damaged (its column(s) {', '.join(not_numbers)} hold no numbers)")
    return Workspace(folder, table, vectors, themes_toml, metadata)


def _read_run(folder: Path) -> dict[str, Any]:
    path = folder / RUN_FILE
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise WorkspaceError(f"{folder}: no {RUN_FILE}: not a workspace (write one with framing analyze ... --out {folder})") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WorkspaceError(f"{folder}: {RUN_FILE} cannot be read ({_reason(error)}): the file is damaged") from error
    if not isinstance(metadata, dict):
        raise WorkspaceError(f"{folder}: {RUN_FILE} is damaged (not a JSON object)")
    return metadata


def _read_table(folder: Path) -> pd.DataFrame:
    path = folder / PARAGRAPHS_FILE
    try:
        arrow = pq.read_table(path)
        table = arrow.to_pandas()
    except FileNotFoundError as error:
        raise WorkspaceError(f"{folder}: {PARAGRAPHS_FILE} is missing: the workspace is incomplete") from error
    except (OSError, pa.ArrowException, ValueError) as error:
        raise WorkspaceError(f"{folder}: {PARAGRAPHS_FILE} cannot be read ({_reason(error)}): the file is damaged") from error
    # Text columns come back as they were written: object columns stay object (not pandas' string dtype).
    written = {column.get("name"): column.get("numpy_type") for column in (arrow.schema.pandas_metadata or {}).get("columns", [])}
    for column in table.columns:
        if written.get(column) == "object" and table[column].dtype != object:
            table[column] = table[column].astype(object)
    absent = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if absent:
        raise WorkspaceError(f"{folder}: {PARAGRAPHS_FILE} lacks the column(s) {', '.join(absent)}")
    if not pd.api.types.is_bool_dtype(table["kept"]):
        raise WorkspaceError(f"{folder}: {PARAGRAPHS_FILE} is damaged (its kept column holds {table['kept'].dtype}, not true/false)")
    return table


def _reason(error: BaseException) -> str:
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return text.splitlines()[0] if text else type(error).__name__
