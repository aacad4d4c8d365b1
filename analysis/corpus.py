"""Read a corpus into the documents table.

Inputs: a folder of ``.txt`` files (one article each, paragraphs separated by line breaks) with an
optional ``manifest.csv``; a single ``.txt`` file; a ``.csv`` or ``.jsonl`` file with one article
per row or line. Parsing works on bytes so the app's uploads and the CLI's paths share one code
path; only :func:`read_corpus` touches the disk.

Nothing is lost silently: every input that cannot be read becomes a :class:`Problem` with a
one-line message, and the caller decides whether that is fatal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

DOCUMENT_COLUMNS = ["doc_id", "source", "outlet", "language", "date", "url", "title", "text"]
METADATA_COLUMNS = ["outlet", "language", "date", "url", "title"]
MANIFEST_NAME = "manifest.csv"
UNKNOWN_OUTLET = "unknown"
SUPPORTED_LANGUAGES = {"fa": "Persian", "ar": "Arabic"}

_LANGUAGE_ALIASES = {
    "fa": "fa", "fas": "fa", "per": "fa", "persian": "fa", "farsi": "fa", "fa-ir": "fa",
    "فارسی": "fa", "ar": "ar", "ara": "ar", "arabic": "ar", "العربية": "ar", "عربي": "ar",
}
# Encodings tried in order. cp1256 is Windows Arabic, common for older Persian and Arabic files.
_FALLBACK_ENCODINGS = ("cp1256",)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


class CorpusError(ValueError):
    """The input cannot be read at all (missing path, unsupported kind, no text column)."""


@dataclass(frozen=True)
class Problem:
    """One input (file, row or line) that was skipped or repaired, with the reason."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass
class Corpus:
    """The documents table plus the problems met while reading it."""

    documents: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Decode file bytes; return ``(text, encoding)``.

    Tries UTF-8 (with or without BOM), UTF-16 when a BOM says so, then Windows Arabic (cp1256)
    when the result is mostly Arabic script.

    Raises:
        CorpusError: binary content or bytes that no supported encoding explains.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise CorpusError(f"{source}: looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    for encoding in _FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        letters = [char for char in text if char.isalpha()]
        if letters and sum(bool(_ARABIC_SCRIPT.match(c)) for c in letters) / len(letters) > 0.5:
            return text, encoding
    raise CorpusError(
        f"{source}: cannot decode the bytes as UTF-8 or Windows-1256 "
        f"(first bad byte at offset {utf8_error.start}); save the file as UTF-8"
    )


def normalize_language_code(value: object) -> str | None:
    """Map a declared language to ``fa``/``ar``; ``""`` when empty, ``None`` when unknown."""
    text = _clean_cell(value).lower()
    if not text:
        return ""
    return _LANGUAGE_ALIASES.get(text)


def normalize_date(value: object) -> str | None:
    """Return an ISO date ``YYYY-MM-DD``; ``""`` when empty, ``None`` when unparseable."""
    text = _clean_cell(value)
    if not text:
        return ""
    parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    return None if pd.isna(parsed) else parsed.strftime("%Y-%m-%d")


def documents_from_text_files(
    files: Mapping[str, bytes], manifest: bytes | None = None
) -> Corpus:
    """Build documents from ``{file name: bytes}`` of ``.txt`` articles and an optional manifest.

    The manifest is a CSV with the columns ``file, outlet, language, date, url, title`` (all but
    ``file`` optional). Files it does not list get outlet ``unknown`` and a detected language.
    """
    problems: list[Problem] = []
    metadata = _read_manifest(manifest, problems) if manifest is not None else {}
    for listed in sorted(set(metadata) - set(files)):
        problems.append(Problem(MANIFEST_NAME, f"lists {listed!r}, which is not among the files"))
    records = []
    for name in sorted(files):
        try:
            text, _ = decode_text(files[name], name)
        except CorpusError as error:
            problems.append(Problem(name, str(error).removeprefix(f"{name}: ")))
            continue
        records.append({"doc_id": Path(name).stem, "source": name, "text": text, **metadata.get(name, {})})
    return _finish(records, problems)


def documents_from_table(name: str, data: bytes) -> Corpus:
    """Build documents from a ``.csv`` or ``.jsonl`` file: one article per row or line.

    ``text`` is required; ``id``, ``outlet``, ``language``, ``date``, ``url`` and ``title`` are
    optional.

    Raises:
        CorpusError: unsupported extension, undecodable bytes, or no ``text`` column/field.
    """
    text, _ = decode_text(data, name)
    suffix = Path(name).suffix.lower()
    problems: list[Problem] = []
    if suffix == ".csv":
        rows = _csv_rows(text, name)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(text, name, problems)
    else:
        raise CorpusError(f"{name}: unsupported file type {suffix!r}; use .txt, .csv or .jsonl")
    if rows and not any("text" in row for _, row in rows):
        raise CorpusError(f"{name}: no 'text' column; found {sorted(rows[0][1])}")
    stem = Path(name).stem
    records = []
    for number, row in rows:
        row_id = _clean_cell(row.get("id")) or f"{stem}:{number}"
        if not _clean_cell(row.get("text")):
            problems.append(Problem(row_id, "empty text, skipped"))
            continue
        records.append({
            "doc_id": row_id,
            "source": row_id,
            "text": str(row["text"]),
            **{column: row.get(column) for column in METADATA_COLUMNS},
        })
    if not rows:
        problems.append(Problem(name, "no rows"))
    return _finish(records, problems)


def read_corpus(paths: Sequence[str | Path]) -> Corpus:
    """Read folders, ``.txt``, ``.csv`` and ``.jsonl`` files into one documents table.

    Raises:
        CorpusError: a path does not exist, or a single table file cannot be read at all.
    """
    parts: list[Corpus] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CorpusError(f"{path}: no such file or folder")
        if path.is_dir():
            parts.append(_read_folder(path))
        elif path.suffix.lower() == ".txt":
            parts.append(documents_from_text_files({path.name: path.read_bytes()}))
        elif path.name.lower() == MANIFEST_NAME:
            parts.append(_read_folder(path.parent))
        else:
            parts.append(_table_part(path.name, path.read_bytes(), single=len(paths) == 1))
    return merge_corpora(parts)


def documents_from_uploads(files: Mapping[str, bytes]) -> Corpus:
    """Build documents from uploaded ``{file name: bytes}``, like :func:`read_corpus` does from paths.

    ``.txt`` files are articles described by an optional ``manifest.csv``; any other file is read
    as a ``.csv``/``.jsonl`` table. A file that cannot be read becomes a problem, unless it is the
    only file given.

    Raises:
        CorpusError: no file, or a single table file that cannot be read at all.
    """
    if not files:
        raise CorpusError("no file uploaded")
    articles = {name: data for name, data in files.items() if Path(name).suffix.lower() == ".txt"}
    manifest = next((data for name, data in files.items() if name.lower() == MANIFEST_NAME), None)
    tables = sorted(name for name in files if name not in articles and name.lower() != MANIFEST_NAME)
    parts = [documents_from_text_files(articles, manifest)] if articles or manifest is not None else []
    parts += [_table_part(name, files[name], single=len(files) == 1) for name in tables]
    return merge_corpora(parts)


def merge_corpora(parts: Iterable[Corpus]) -> Corpus:
    """Concatenate corpora, renaming clashing ``doc_id`` values (``x``, ``x~2``, ...)."""
    parts = list(parts)
    documents = pd.concat([part.documents for part in parts], ignore_index=True) if parts else _empty()
    problems = [problem for part in parts for problem in part.problems]
    seen: dict[str, int] = {}
    unique_ids = []
    for doc_id in documents["doc_id"]:
        seen[doc_id] = seen.get(doc_id, 0) + 1
        unique_ids.append(doc_id if seen[doc_id] == 1 else f"{doc_id}~{seen[doc_id]}")
    documents["doc_id"] = unique_ids
    return Corpus(documents.reset_index(drop=True), problems)


def _read_folder(folder: Path) -> Corpus:
    files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.txt")) if path.is_file()}
    manifest_path = folder / MANIFEST_NAME
    manifest = manifest_path.read_bytes() if manifest_path.is_file() else None
    corpus = documents_from_text_files(files, manifest)
    if not files:
        corpus.problems.append(Problem(str(folder), "no .txt files in this folder"))
    return corpus


def _table_part(name: str, data: bytes, *, single: bool) -> Corpus:
    """Read a table file; when it fails, raise if it is the only input, else record a problem."""
    try:
        return documents_from_table(name, data)
    except CorpusError as error:
        if single:
            raise
        return Corpus(_empty(), [Problem(name, str(error).removeprefix(f"{name}: "))])


def _read_manifest(data: bytes, problems: list[Problem]) -> dict[str, dict[str, object]]:
    try:
        text, _ = decode_text(data, MANIFEST_NAME)
        rows = _csv_rows(text, MANIFEST_NAME)
    except CorpusError as error:
        problems.append(Problem(MANIFEST_NAME, f"{error}; ignored"))
        return {}
    if rows and "file" not in rows[0][1]:
        problems.append(Problem(MANIFEST_NAME, f"no 'file' column (found {sorted(rows[0][1])}); ignored"))
        return {}
    return {
        _clean_cell(row["file"]): {column: row.get(column) for column in METADATA_COLUMNS}
        for _, row in rows
        if _clean_cell(row.get("file"))
    }


def _csv_rows(text: str, name: str) -> list[tuple[int, dict[str, object]]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise CorpusError(f"{name}: not a valid CSV file ({error})") from error
    if reader.fieldnames is None:
        return []
    fields = [field.strip().lower() for field in reader.fieldnames]
    return [(number, dict(zip(fields, row.values(), strict=False))) for number, row in rows]


def _jsonl_rows(text: str, name: str, problems: list[Problem]) -> list[tuple[int, dict[str, object]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(f"{name}:{number}", f"invalid JSON ({error.msg}), skipped"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(f"{name}:{number}", "not a JSON object, skipped"))
            continue
        rows.append((number, {str(key).lower(): item for key, item in value.items()}))
    return rows


def _finish(records: list[dict[str, object]], problems: list[Problem]) -> Corpus:
    """Fill defaults and validate metadata; unknown values become problems, not crashes."""
    finished = []
    for record in records:
        source = str(record["source"])
        language = normalize_language_code(record.get("language"))
        if language is None:
            problems.append(Problem(
                source,
                f"unknown language {_clean_cell(record.get('language'))!r} "
                f"(supported: {', '.join(SUPPORTED_LANGUAGES)}); it will be detected",
            ))
            language = ""
        date = normalize_date(record.get("date"))
        if date is None:
            problems.append(Problem(source, f"unreadable date {_clean_cell(record.get('date'))!r}, left empty"))
            date = ""
        text = str(record["text"])
        if not text.strip():
            problems.append(Problem(source, "empty file, nothing to analyse"))
            continue
        finished.append({
            "doc_id": str(record["doc_id"]),
            "source": source,
            "outlet": _clean_cell(record.get("outlet")) or UNKNOWN_OUTLET,
            "language": language,
            "date": date,
            "url": _clean_cell(record.get("url")),
            "title": _clean_cell(record.get("title")),
            "text": text,
        })
    return Corpus(pd.DataFrame(finished, columns=DOCUMENT_COLUMNS), problems)


def _clean_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=DOCUMENT_COLUMNS)
