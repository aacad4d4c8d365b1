"""Turn result tables into downloadable CSV, Excel and Parquet bytes, and the run metadata into run.json.

The metadata (model, themes hash, thresholds, corpus hash, filters, input files...) says which run
produced a file, so a table found later on a disk can be traced back. It is written once per file
or download, never repeated on every row: ``run.json`` beside the CSV tables (the dashboard offers
it once, the command line writes it once), a "run" sheet in XLSX, the file's key-value metadata in
Parquet. CSV and Parquet keep the tables as computed (ids, codes, shares as fractions: for
programs); XLSX is for reading, with headings, theme labels, language names, shares as
percentages, right-to-left text columns and widths. Row indexes are not written: reset them first
when they carry information.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.languages import LANGUAGE_NAMES, language_label

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile("[" + re.escape("".join(FORMULA_PREFIXES)) + "]")
"""Text that gets a leading ``'`` in an XLSX sheet: a formula prefix."""
_QUOTED = re.compile("'*[" + re.escape("".join(FORMULA_PREFIXES)) + "]")
"""Text that gets a leading ``'`` in a CSV file: a formula prefix, after any quotes (so that a text that really begins
with ``'=`` is told apart from a protected ``=``, and :func:`restore_formulas` gives every text back)."""
RUN_PREFIX = "run_"
DATA_SHEET = "data"
RUN_SHEET = "run"
THEME_LABELS_KEY = "theme_labels"
"""The metadata item holding each theme id's label, which the XLSX headings and cells use."""
HEADINGS = {
    "paragraph_id": "Paragraph id",
    "source": "Source file",
    "doc_id": "Article id",
    "outlet": "Outlet",
    "language": "Language",
    "detected_language": "Detected language",
    "date": "Date",
    "week": "Week starting",
    "position": "Position (0-based)",
    "title": "Title",
    "url": "URL",
    "text": "Text",
    "kept": "Kept",
    "drop_reason": "Drop reason",
    "duplicate_of": "Duplicate of",
    "note": "Note",
    "themes": "Themes",
    "voice": "Voice",
    "speaker": "Speaker",
    "theme": "Theme",
    "paragraphs": "Kept paragraphs",
    "with_theme": "Paragraphs with the theme",
    "share": "Share",
    "ci_low": "95 % interval, low",
    "ci_high": "95 % interval, high",
    "articles": "Articles",
    "few": "Fewer than 10 paragraphs",
    "language_a": "Language A",
    "language_b": "Language B",
    "share_a": "Share in A",
    "share_b": "Share in B",
    "difference": "Gap (A − B)",
    "p_value": "p-value",
    "articles_a": "Articles in A",
    "articles_b": "Articles in B",
    "paragraphs_a": "Kept paragraphs in A",
    "paragraphs_b": "Kept paragraphs in B",
    "testable": "Enough articles to test",
    "clear": "Unlikely to be chance",
    "verdict": "In words",
    "theme_paragraphs": "Paragraphs with the theme (every voice)",
    "share_of_theme": "Share of the theme's paragraphs",
    "cell": "Kept paragraph number",
    "dominant_theme": "Strongest theme",
    "dominant_score": "Its score",
    "score": "Score",
    "term": "Word",
    "count_theme": "In the theme's paragraphs",
    "count_rest": "In the other paragraphs",
}
"""XLSX headings of the columns the tables share; others are shown with their underscores as spaces."""
PERCENT_COLUMNS = {"share", "ci_low", "ci_high", "share_a", "share_b", "difference", "share_of_theme"}
"""Fractions shown as percentages in XLSX (the value stays the fraction)."""
LANGUAGE_COLUMNS = {"language", "detected_language", "language_a", "language_b"}
THEME_COLUMNS = {"theme", "dominant_theme"}
RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
"""Hebrew and Arabic-script letters (Persian, Arabic, Urdu…): a column holding them is set right to left."""
MAX_WIDTH = 70
XLSX_MAX_ROWS = 20_000
"""Rows an XLSX download holds at most: building it takes about 0.3 ms per row (3 s for 10,000 rows of
paragraphs), so a 100,000-row table would keep the page busy for half a minute. Larger tables are cut to their first
XLSX_MAX_ROWS rows, with a first sheet saying so; CSV and Parquet always hold every row."""
CAPPED_SHEET = "capped"


def xlsx_capped_message(rows: int, limit: int | None = None) -> str:
    """The sentence telling that an XLSX file holds only the first ``limit`` (:data:`XLSX_MAX_ROWS`) of ``rows`` rows."""
    limit = XLSX_MAX_ROWS if limit is None else limit
    return f"XLSX holds only the first {limit:,} of the {rows:,} rows; the CSV and Parquet downloads have every row."


def neutralize_formulas(df: pd.DataFrame, *, read_back: bool = True) -> pd.DataFrame:
    """Prefix a single quote to text that a spreadsheet would evaluate as a formula.

    String cells (and column names) starting with ``= + - @``, a tab or a carriage return get a
    leading ``'`` (the OWASP advice against CSV injection); with ``read_back`` (a CSV file, which a labels reader
    may read again), so do those starting with quotes and then one of these, so that :func:`restore_formulas` gives
    every text back. Numbers are left alone.

    Returns:
        A new frame; the input is not modified.
    """
    pattern = _QUOTED if read_back else _FORMULA

    def neutralized(value: object) -> object:
        return f"'{value}" if isinstance(value, str) and pattern.match(value) else value

    result = df.rename(columns=lambda name: neutralized(name) if isinstance(name, str) else name)
    for column in result.columns:
        values = result[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)):
            result[column] = values.map(neutralized, na_action="ignore")
    return result


def restore_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """The text cells of a CSV download as they were before :func:`neutralize_formulas` (its leading ``'`` removed).

    A cell starting with ``'`` is changed only when quotes and a formula prefix follow, as only
    :func:`neutralize_formulas` writes it; ``'quoted`` stays as it is.

    Returns:
        A new frame; the input is not modified.
    """
    return df.map(lambda value: value[1:] if isinstance(value, str) and value.startswith("'") and _QUOTED.match(value[1:]) else value)


def to_csv_bytes(df: pd.DataFrame, metadata: Mapping[str, object] | None = None) -> bytes:
    """CSV bytes (UTF-8 with BOM so Excel reads Persian and Arabic correctly), formula-neutralised.

    Only the table: the run metadata goes once into ``run.json`` (:func:`to_run_json_bytes`), which
    the command line writes beside its CSV files and the dashboard offers once, not on every row.
    ``metadata`` is accepted so that every format has the same signature, and is not written.
    """
    text = neutralize_formulas(df).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_run_json_bytes(metadata: Mapping[str, object]) -> bytes:
    """The run metadata as ``run.json`` (UTF-8, indented), as ``framing analyze`` writes it."""
    return (json.dumps(metadata, ensure_ascii=False, indent=2, default=_json_default) + "\n").encode("utf-8")


def to_xlsx_bytes(df: pd.DataFrame, metadata: Mapping[str, object], max_rows: int | None = None) -> bytes:
    """An Excel workbook to read: sheet "data" with the table, sheet "run" with the metadata, once.

    On "data": headings in words (:data:`HEADINGS`; ``score_<theme>`` -> "Score: <theme label>"), theme
    ids as their labels (from ``metadata["theme_labels"]`` when present), language codes as names,
    shares as percentages, columns that hold Persian or Arabic set right to left, widths that fit,
    long text wrapped, the heading row frozen. The "run" sheet has one ``key``/``value`` row per
    metadata item. Text is formula-neutralised, and characters that XLSX forbids (control characters
    other than tab and line breaks) are removed.

    A table of more than ``max_rows`` rows (:data:`XLSX_MAX_ROWS`) is cut to its first ``max_rows``: the workbook
    then opens on a first sheet "capped" saying so (:func:`xlsx_capped_message`), and the "run" sheet says how many
    rows the table had.
    """
    max_rows = XLSX_MAX_ROWS if max_rows is None else max_rows
    total = len(df)
    capped = total > max_rows
    if capped:
        df = df.head(max_rows)
        metadata = {**metadata, "xlsx_rows": f"{max_rows} of {total} (capped: CSV and Parquet have every row)"}
    labels = metadata.get(THEME_LABELS_KEY)
    labels = {str(key): str(value) for key, value in labels.items()} if isinstance(labels, Mapping) else {}
    readable = _readable(df, labels)
    values = [_metadata_text(value) for value in metadata.values()]
    run = pd.DataFrame({"key": list(metadata), "value": values})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if capped:
            note = pd.DataFrame({"note": [xlsx_capped_message(total, max_rows)]})
            note.to_excel(writer, sheet_name=CAPPED_SHEET, index=False, header=False)
            writer.sheets[CAPPED_SHEET].column_dimensions["A"].width = 110
        _xlsx_safe(readable).to_excel(writer, sheet_name=DATA_SHEET, index=False)
        _xlsx_safe(run).to_excel(writer, sheet_name=RUN_SHEET, index=False)
        _lay_out(writer.sheets[DATA_SHEET], df, readable)
        writer.sheets[RUN_SHEET].column_dimensions["A"].width = 22
        writer.sheets[RUN_SHEET].column_dimensions["B"].width = MAX_WIDTH
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


def heading(column: str, labels: Mapping[str, str] | None = None) -> str:
    """A column's XLSX heading: "ci_low" -> "95 % interval, low", "score_terrorism" -> "Score: Terrorism"."""
    for prefix, words in (("score_", "Score"), ("has_", "Carries")):
        if column.startswith(prefix):
            theme = column.removeprefix(prefix)
            return f"{words}: {(labels or {}).get(theme) or theme.replace('_', ' ')}"
    return HEADINGS.get(column) or column.replace("_", " ").capitalize()


def _readable(df: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The table with theme labels and language names for ids and codes, and headings in words."""
    shown = df.copy()
    for column in shown.columns:
        if column in THEME_COLUMNS:
            shown[column] = shown[column].map(lambda theme: labels.get(theme, theme), na_action="ignore")
        elif column == "themes":
            shown[column] = shown[column].map(
                lambda themes: "; ".join(labels.get(theme, theme) for theme in str(themes).split("|") if theme), na_action="ignore"
            )
        elif column in LANGUAGE_COLUMNS:
            shown[column] = shown[column].map(_language_name, na_action="ignore")
    return shown.rename(columns=lambda column: heading(str(column), labels))


def _language_name(code: object) -> object:
    return language_label(code) if code in LANGUAGE_NAMES and isinstance(code, str) else code


def _lay_out(sheet: object, df: pd.DataFrame, readable: pd.DataFrame) -> None:
    """Percent formats, right-to-left text columns, widths and a frozen heading row on an openpyxl sheet."""
    from openpyxl.styles import Alignment, Font  # openpyxl only where a workbook is made (0.1 s of every CLI run)
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]
    for index, (column, shown) in enumerate(zip(df.columns, readable.columns, strict=True), start=1):
        letter = get_column_letter(index)
        cells = [str(value) for value in readable[shown].head(500) if value is not None and value == value]
        rtl = any(RIGHT_TO_LEFT.search(value) for value in cells)
        longest = sorted(len(value) for value in cells)[int(len(cells) * 0.9)] if cells else 0
        width = min(MAX_WIDTH, max(len(str(shown)), 6 if column in PERCENT_COLUMNS else longest) + 2)
        sheet.column_dimensions[letter].width = width  # type: ignore[attr-defined]
        wrap = longest > MAX_WIDTH
        heading_cell = sheet.cell(row=1, column=index)  # type: ignore[attr-defined]
        heading_cell.font = Font(bold=True)
        heading_cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in range(2, len(df) + 2):
            cell = sheet.cell(row=row, column=index)  # type: ignore[attr-defined]
            if column in PERCENT_COLUMNS:
                cell.number_format = "0.0 %"
            if rtl or wrap:
                cell.alignment = Alignment(
                    horizontal="right" if rtl else None, readingOrder=2 if rtl else 0, wrap_text=wrap, vertical="top"
                )


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


def _json_default(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _xlsx_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Drop characters XLSX forbids, then neutralise formulas (in that order, so none slips through)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralize_formulas(
        df.map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value), read_back=False
    )
