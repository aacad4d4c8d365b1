"""Turn result tables into downloadable CSV, Excel and Parquet bytes stamped with the run metadata.

The metadata (model, themes hash, thresholds, corpus hash, creation time...) says which run
produced a file, so a table found later on a disk can be traced back. Each format stores it the
way its readers expect; see each function. Row indexes are not written: reset them first when
they carry information.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
RUN_PREFIX = "run_"
DATA_SHEET = "data"
RUN_SHEET = "run"


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix a single quote to text that a spreadsheet would evaluate as a formula.

    String cells (and column names) starting with ``= + - @``, a tab or a carriage return get a
    leading ``'`` (the OWASP advice against CSV injection). Numbers are left alone.

    Returns:
        A new frame; the input is not modified.
    """
    result = df.rename(columns=lambda name: _neutralize(name) if isinstance(name, str) else name)
    for column in result.columns:
        values = result[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)):
            result[column] = values.map(_neutralize, na_action="ignore")
    return result


def to_csv_bytes(df: pd.DataFrame, metadata: Mapping[str, object]) -> bytes:
    """CSV bytes (UTF-8 with BOM so Excel reads Persian and Arabic correctly), formula-neutralised.

    CSV has no place for metadata that every spreadsheet understands (comment lines break
    parsers), so each metadata item becomes a constant column ``run_<key>`` appended to the data:
    redundant but honest, and it survives sorting, filtering and copy-pasting of rows. A table
    without rows keeps the ``run_*`` headers but, having no cells, no values.

    Raises:
        ValueError: a ``run_<key>`` column already exists in ``df``.
    """
    run_fields = _run_fields(metadata)
    clashes = sorted(set(run_fields) & set(map(str, df.columns)))
    if clashes:
        raise ValueError(f"Cannot stamp run metadata: the table already has column(s) {', '.join(clashes)}")
    stamped = df.assign(**run_fields)
    text = neutralize_formulas(stamped).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, metadata: Mapping[str, object]) -> bytes:
    """Excel workbook bytes: sheet "data" with the table, sheet "run" with the metadata.

    The "run" sheet has one ``key``/``value`` row per metadata item. Text is formula-neutralised,
    and characters that XLSX forbids (control characters other than tab and line breaks) are removed.
    """
    values = [_metadata_text(value) for value in metadata.values()]
    run = pd.DataFrame({"key": list(metadata), "value": values})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _xlsx_safe(df).to_excel(writer, sheet_name=DATA_SHEET, index=False)
        _xlsx_safe(run).to_excel(writer, sheet_name=RUN_SHEET, index=False)
    return buffer.getvalue()


def to_parquet_bytes(df: pd.DataFrame, metadata: Mapping[str, object]) -> bytes:
    """Parquet bytes with each metadata item as a ``run_<key>`` entry of the file's key-value metadata.

    Values are stored exactly (Parquet is not opened by spreadsheets, so no formula neutralising);
    read them back with ``pyarrow.parquet.read_schema(...).metadata``.
    """
    table = pa.Table.from_pandas(df, preserve_index=False)
    stamped = {
        **(table.schema.metadata or {}),
        **{key.encode("utf-8"): value.encode("utf-8") for key, value in _run_fields(metadata).items()},
    }
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(stamped), buffer)
    return buffer.getvalue()


def _neutralize(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def _run_fields(metadata: Mapping[str, object]) -> dict[str, str]:
    """``{"run_<key>": text}`` for every metadata item."""
    return {f"{RUN_PREFIX}{key}": _metadata_text(value) for key, value in metadata.items()}


def _metadata_text(value: object) -> str:
    """Render a metadata value as text: JSON for mappings and lists, ISO 8601 for dates."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _xlsx_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Drop characters XLSX forbids, then neutralise formulas (in that order, so none slips through)."""
    return neutralize_formulas(df.map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value))
