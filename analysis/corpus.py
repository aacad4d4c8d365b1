"""Read a corpus into the documents table.

Inputs: a folder of ``.txt`` files (one article each, paragraphs separated by line breaks) with an
optional ``manifest.csv``; a single ``.txt`` file; a ``.csv`` or ``.jsonl`` file with one article
per row or line. Parsing works on bytes so the app's uploads and the CLI's paths share one code
path; only :func:`read_corpus` touches the disk.

Nothing is lost silently: every input that cannot be read becomes a :class:`Problem` with a
one-line message, and the caller decides whether that is fatal.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import jdatetime
import pandas as pd
from hijridate import Hijri

from analysis.text import (
    ARABIC,
    LANGUAGE_NAMES,
    OTHER,
    PERSIAN,
    detect_language,
    document_language,
    fold_persian_letters,
    normalize,
    paragraphs_of,
)

DOCUMENT_COLUMNS = ["doc_id", "source", "outlet", "language", "date", "url", "title", "text"]
METADATA_COLUMNS = ["outlet", "language", "date", "url", "title"]
MANIFEST_NAME = "manifest.csv"
UNKNOWN_OUTLET = "unknown"
SUPPORTED_LANGUAGES = {"fa": "Persian", "ar": "Arabic"}

_LANGUAGE_ALIASES = {
    "fa": "fa",
    "fas": "fa",
    "per": "fa",
    "persian": "fa",
    "farsi": "fa",
    "fa-ir": "fa",
    "فارسی": "fa",
    "ar": "ar",
    "ara": "ar",
    "arabic": "ar",
    "العربية": "ar",
    "عربي": "ar",
}
# The largest CSV field read (the csv module's default, 131,072 characters, rejects long articles).
CSV_FIELD_LIMIT = 2**31 - 1


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


class Decoded(NamedTuple):
    """Decoded file bytes: the text, the encoding read, and the bytes replaced by U+FFFD (if any)."""

    text: str
    encoding: str
    bad_bytes: int = 0
    first_bad: int = -1

    def bad_bytes_message(self) -> str:
        """The bad bytes in words: how many, and where the first is ("" when there is none)."""
        if not self.bad_bytes:
            return ""
        plural = "s" if self.bad_bytes > 1 else ""
        return f"{self.bad_bytes} byte{plural} not valid UTF-8 (the first at byte offset {self.first_bad})"


# A file is read as UTF-8 with a few bad bytes when at least this share of its non-ASCII bytes
# form valid UTF-8, or when Windows-1256 does not read it as text and bad bytes are rare.
UTF8_VALID_SHARE = 0.9
RARE_BAD_BYTES = 0.01
# Windows-1256 is chosen only when the result reads as Arabic-script text: no control characters
# and at least this share of its letters in the Arabic script.
CP1256_ARABIC_SHARE = 0.7
# UTF-16 without a byte-order mark: some whitespace, and at least this share of characters plain
# text (ASCII, Latin-1 letters, Cyrillic, Arabic script, punctuation, whitespace).
UTF16_PLAIN_SHARE = 0.95
_PLAIN_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x400, 0x4FF),
    (0x600, 0x6FF),
    (0x750, 0x77F),
    (0x8A0, 0x8FF),
    (0x2000, 0x206F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def decode_bytes(data: bytes, source: str) -> Decoded:
    """Decode file bytes, saying what was repaired.

    In order: UTF-16 with a byte-order mark; UTF-16 without one (NUL bytes that decode, little- or
    big-endian, to plain text with some whitespace); UTF-8 (with or without BOM); UTF-8 with a few
    bad bytes (at least 90 % of the non-ASCII bytes valid), each bad byte replaced by U+FFFD and
    counted (how many, the first offset); Windows-1256 when it reads as Arabic-script text (no
    control characters, at least 70 % of letters Arabic script); UTF-8 with replacement again when
    under 1 % of the bytes are bad (a Latin-script file with a stray byte).

    Raises:
        CorpusError: binary content or bytes that no supported encoding explains.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as error:
            raise CorpusError(
                f"{source}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({error.reason} at byte {error.start})"
            ) from error
    if b"\x00" in data[:4096]:
        return _utf16_without_bom(data, source)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[bom:]
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        first_bad = bom + error.start
    bad = sum(0xDC80 <= ord(char) <= 0xDCFF for char in body.decode("utf-8", "surrogateescape"))
    non_ascii = sum(byte >= 0x80 for byte in body)
    repaired = Decoded(body.decode("utf-8", "replace"), "utf-8", bad, first_bad)
    if non_ascii - bad >= UTF8_VALID_SHARE * non_ascii:
        return repaired
    text = data.decode("cp1256")
    if _reads_as_arabic_script(text):
        return Decoded(text, "cp1256")
    if bad <= RARE_BAD_BYTES * len(body):
        return repaired
    raise CorpusError(
        f"{source}: cannot decode the bytes as UTF-8 or Windows-1256 (first bad byte at offset {first_bad}); save the file as UTF-8"
    )


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Decode file bytes strictly; return ``(text, encoding)``. See :func:`decode_bytes`.

    Raises:
        CorpusError: as :func:`decode_bytes`, and also when bytes would have to be replaced.
    """
    decoded = decode_bytes(data, source)
    if decoded.bad_bytes:
        raise CorpusError(f"{source}: {decoded.bad_bytes_message()}; save the file as UTF-8")
    return decoded.text, decoded.encoding


def _utf16_without_bom(data: bytes, source: str) -> Decoded:
    """Decode NUL-holding bytes as UTF-16 LE or BE when that gives plain text, else refuse them."""
    if len(data) % 2 == 0:
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            plain = sum(char in "\t\n\r" or any(low <= ord(char) <= high for low, high in _PLAIN_RANGES) for char in text)
            if any(char.isspace() for char in text) and plain >= UTF16_PLAIN_SHARE * len(text):
                return Decoded(text, encoding)
    raise CorpusError(f"{source}: looks like a binary file (NUL bytes), not text")


def _reads_as_arabic_script(text: str) -> bool:
    """Whether decoded text is plausible Arabic-script prose: no control characters, letters mostly Arabic script."""
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text):
        return False
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and sum(bool(_ARABIC_SCRIPT.match(char)) for char in letters) >= CP1256_ARABIC_SHARE * len(letters)


def normalize_language_code(value: object) -> str | None:
    """Map a declared language to ``fa``/``ar``; ``""`` when empty, ``None`` when unknown."""
    text = _clean_cell(value).lower()
    if not text:
        return ""
    return _LANGUAGE_ALIASES.get(text)


class DateError(ValueError):
    """A date cell that cannot be read as one day: unreadable, relative, ambiguous or impossible."""


# Month names per calendar, written as in the news; matched after _date_key folding, so letter
# variants (ي/ی, ك/ک, أ/ا, ة/ه) and a missing space or ZWNJ inside a name do not matter.
SOLAR_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
HIJRI_MONTHS = (
    ("محرم",),
    ("صفر",),
    ("ربيع الأول",),
    ("ربيع الآخر", "ربيع الثاني"),
    ("جمادى الأولى", "جمادى الأول"),
    ("جمادى الآخرة", "جمادى الثانية", "جمادى الثاني"),
    ("رجب",),
    ("شعبان",),
    ("رمضان",),
    ("شوال",),
    ("ذو القعدة", "ذي القعدة"),
    ("ذو الحجة", "ذي الحجة"),
)
GREGORIAN_MONTHS = (
    ("يناير", "كانون الثاني", "ژانویه"),
    ("فبراير", "شباط", "فوریه"),
    ("مارس", "آذار"),
    ("أبريل", "نيسان", "آوریل"),
    ("مايو", "أيار", "مه", "می"),
    ("يونيو", "يونيه", "حزيران", "ژوئن"),
    ("يوليو", "يوليه", "تموز", "ژوئیه", "جولای"),
    ("أغسطس", "آب", "اوت", "آگوست"),
    ("سبتمبر", "أيلول", "سپتامبر"),
    ("أكتوبر", "تشرين الأول", "اکتبر"),
    ("نوفمبر", "تشرين الثاني", "نوامبر"),
    ("ديسمبر", "كانون الأول", "دسامبر"),
)
# Words that make a date relative to the day it is read, in English, Persian and Arabic. (Not
# Persian پیش "ago": it is also in پیش از ظهر, "a.m.")
RELATIVE_DATE_WORDS = frozenset(("now", "today", "yesterday", "tomorrow", "tonight", "ago"))  # English
RELATIVE_DATE_WORDS |= {"امروز", "دیروز", "فردا", "اکنون", "هم\u200cاکنون", "الان"}  # Persian
RELATIVE_DATE_WORDS |= {"اليوم", "أمس", "غدا", "الآن", "منذ"}  # Arabic
SOLAR, LUNAR, GREGORIAN = "Solar Hijri", "lunar Hijri", "Gregorian"
_DATE_LETTERS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ۀ": "ه"})
_PERSIAN_DIGITS = re.compile("[۰-۹]")
_ARABIC_DIGITS = re.compile("[٠-٩]")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:$|[T\s])")
_LATIN_ONLY = re.compile(r"^[\x00-\x7F\u00C0-\u024F]*$")


def _date_key(text: str) -> str:
    """A date cell folded for matching: normalised, ASCII digits, letter variants folded, lowercase."""
    return normalize(text, OTHER).translate(_DATE_LETTERS).lower()


def _month_pattern(names: Iterable[str]) -> re.Pattern[str]:
    keys = sorted({_date_key(name) for name in names}, key=len, reverse=True)
    alternatives = "|".join(re.escape(key).replace(r"\ ", r"\s*") for key in keys)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:\s*ماه)?(?!\w)")


_RELATIVE_KEYS = frozenset(_date_key(word) for word in RELATIVE_DATE_WORDS)


_MONTH_TABLES = tuple(
    (calendar, month, _month_pattern(names))
    for calendar, table in (
        (SOLAR, tuple((name,) for name in SOLAR_MONTHS)),
        (LUNAR, HIJRI_MONTHS),
        (GREGORIAN, GREGORIAN_MONTHS),
    )
    for month, names in enumerate(table, start=1)
)


def day_first_order(values: Iterable[object]) -> bool | None:
    """Whether one file writes numeric dates (``06/01/2022``) day first.

    Decided by the file's unambiguous dates: a first number above 12 (``13/01/2022``) says day
    first, a second number above 12 says month first. ``None`` when none says, or when they
    disagree: the file's ambiguous dates are then not guessed.
    """
    orders = set()
    for value in values:
        match = _NUMERIC_DATE.match(_date_key(_clean_cell(value)))
        if match and len(match.group(3)) == 4:
            first, second = int(match.group(1)), int(match.group(2))
            if (first > 12) != (second > 12):
                orders.add(first > 12)
    return orders.pop() if len(orders) == 1 else None


def normalize_date(value: object, *, language: str = "", day_first: bool | None = None) -> str:
    """Return the Gregorian ISO date (``YYYY-MM-DD``) of a date cell; ``""`` when it is empty.

    Reads ``2022-01-13`` (and with a time after it), ``13/01/2022`` (day and month ordered by
    ``day_first``, see :func:`day_first_order`), Solar Hijri (``۱۴۰۰/۱۰/۲۰``, ``1400-10-20``,
    ``۲۰ دی ۱۴۰۰``: converted with jdatetime), lunar Hijri (``10 جمادى الآخرة 1443``: converted with
    hijridate, Umm al-Qura), Gregorian months named in Arabic or Persian (``13 يناير 2022``), and
    English dates (``10 January 2022``, via pandas). A numeric year below 1600 is Solar Hijri when
    written in Persian digits or declared Persian, lunar Hijri when in Arabic-Indic digits or
    declared Arabic.

    Args:
        value: The date cell.
        language: The document's declared language (``fa``, ``ar`` or ``""``).
        day_first: The file's order for numeric dates; ``None`` when not known.

    Raises:
        DateError: a relative date (now, today, امروز, اليوم…), an ambiguous day/month order, a
            Hijri year in a document of unknown language, an impossible day, or no date at all.
    """
    text = _clean_cell(value)
    if not text:
        return ""
    if _PERSIAN_DIGITS.search(text):
        language = PERSIAN
    elif _ARABIC_DIGITS.search(text):
        language = ARABIC
    key = _date_key(text)
    if _RELATIVE_KEYS.intersection(re.findall(r"[^\W\d_]+", key)):
        raise DateError(f"relative date {text!r} refused (it would become the day of the run); give the date itself")
    named = next(((calendar, month) for calendar, month, pattern in _MONTH_TABLES if pattern.search(key)), None)
    numbers = re.findall(r"\d+", key)
    if named is not None:
        days = [int(number) for number in numbers if len(number) <= 2]
        years = [int(number) for number in numbers if len(number) == 4]
        if not days or not years:
            raise DateError(f"unreadable date {text!r} (a day and a four-digit year are needed)")
        calendar, month = named
        return _gregorian(calendar, years[0], month, days[0], text)
    match = _NUMERIC_DATE.match(key)
    if match:
        first, second, third = match.groups()
        if len(first) == 4:
            year, month, day = int(first), int(second), int(third)
        elif len(third) == 4:
            year, month, day = int(third), *_day_month(int(first), int(second), day_first, text)
        else:
            raise DateError(f"unreadable date {text!r} (no four-digit year)")
        return _gregorian(_numeric_calendar(year, language, text), year, month, day, text)
    if _LATIN_ONLY.match(text) and len(numbers) >= 2 and any(len(number) == 4 for number in numbers):
        try:
            parsed = pd.to_datetime(text, format="mixed", dayfirst=bool(day_first))
        except (ValueError, OverflowError) as error:
            raise DateError(f"unreadable date {text!r}") from error
        return _gregorian(GREGORIAN, parsed.year, parsed.month, parsed.day, text)
    raise DateError(f"unreadable date {text!r}")


def _day_month(first: int, second: int, day_first: bool | None, text: str) -> tuple[int, int]:
    """``(month, day)`` of a ``first/second/year`` date, given the file's order."""
    if first > 12 or first == second:
        return second, first
    if second > 12:
        return first, second
    if day_first is None:
        raise DateError(
            f"ambiguous date {text!r}: day {first} of month {second}, or day {second} of month {first}? "
            "Nothing else in the file settles the order; write it as YYYY-MM-DD"
        )
    return (second, first) if day_first else (first, second)


def _numeric_calendar(year: int, language: str, text: str) -> str:
    """The calendar of a numeric date: Gregorian from 1600; from 1200, Solar or lunar Hijri by language."""
    if year >= 1600:
        return GREGORIAN
    if year < 1200:
        raise DateError(f"unreadable date {text!r} (year {year})")
    if language == PERSIAN:
        return SOLAR
    if language == ARABIC:
        return LUNAR
    raise DateError(
        f"date {text!r}: year {year} is Solar Hijri in Persian and lunar Hijri in Arabic, and the "
        "language is not declared; declare it or give the Gregorian date"
    )


def _gregorian(calendar: str, year: int, month: int, day: int, text: str) -> str:
    """Convert a day of a calendar to a Gregorian ISO date, refusing impossible days and eras."""
    try:
        if calendar == SOLAR:
            converted = jdatetime.date(year, month, day).togregorian()
        elif calendar == LUNAR:
            converted = Hijri(year, month, day).to_gregorian()
        else:
            converted = datetime.date(year, month, day)
    except (ValueError, OverflowError) as error:
        raise DateError(f"date {text!r} is not a day of the {calendar} calendar ({error})") from error
    if not 1800 <= converted.year <= 2100:
        raise DateError(f"date {text!r} reads as {converted.isoformat()} ({calendar}), outside 1800–2100")
    return converted.isoformat()


def documents_from_text_files(files: Mapping[str, bytes], manifest: bytes | None = None) -> Corpus:
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
            text = _decode(files[name], name, problems)
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
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise CorpusError(f"{name}: unsupported file type {suffix!r}; use .txt, .csv or .jsonl")
    problems: list[Problem] = []
    text = _decode(data, name, problems)
    rows = _csv_rows(text, name) if suffix == ".csv" else _jsonl_rows(text, name, problems)
    if rows and not any("text" in row for _, row in rows):
        raise CorpusError(f"{name}: no 'text' column; found {sorted(rows[0][1])}")
    stem = Path(name).stem
    records = []
    for number, row in rows:
        row_id = _clean_cell(row.get("id")) or f"{stem}:{number}"
        if not _clean_cell(row.get("text")):
            problems.append(Problem(row_id, "empty text, skipped"))
            continue
        records.append(
            {
                "doc_id": row_id,
                "source": row_id,
                "text": str(row["text"]),
                **{column: row.get(column) for column in METADATA_COLUMNS},
            }
        )
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
    return drop_duplicate_documents(merge_corpora(parts))


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
    return drop_duplicate_documents(merge_corpora(parts))


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


def drop_duplicate_documents(corpus: Corpus) -> Corpus:
    """Analyse a document given twice once: same outlet and same text once normalised.

    The text is compared after the language-neutral normalisation (presentation forms,
    diacritics, tatweel, invisible marks, digits, spacing) with Arabic and Persian letter variants
    folded. Each later copy becomes a problem naming the first. The same text from different
    outlets stays: its paragraphs are marked as wire copies (``duplicate_of``) by the text stage.
    """
    first: dict[tuple[str, str], str] = {}
    keep = []
    problems = list(corpus.problems)
    for doc_id, source, outlet, text in corpus.documents[["doc_id", "source", "outlet", "text"]].itertuples(index=False):
        original = first.setdefault((outlet, fold_persian_letters(normalize(text, OTHER))), doc_id)
        keep.append(original == doc_id)
        if original != doc_id:
            problems.append(Problem(source, f"same outlet and text as document {original!r}: a duplicate, analysed once"))
    return Corpus(corpus.documents[keep].reset_index(drop=True), problems)


def _decode(data: bytes, name: str, problems: list[Problem]) -> str:
    """Decode a file's bytes, listing replaced bad bytes as a problem (see :func:`decode_bytes`)."""
    decoded = decode_bytes(data, name)
    if decoded.bad_bytes:
        problems.append(Problem(name, f"{decoded.bad_bytes_message()}: read as UTF-8, each bad byte replaced by \ufffd"))
    return decoded.text


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
        text = _decode(data, MANIFEST_NAME, problems)
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
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
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
    """Fill defaults and validate the metadata of one file's records; bad values become problems.

    Numeric dates are ordered day/month by the file's unambiguous dates (:func:`day_first_order`).
    """
    day_first = day_first_order(record.get("date") for record in records)
    finished = []
    for record in records:
        source = str(record["source"])
        text = str(record["text"])
        if not text.strip():
            problems.append(Problem(source, "empty file, nothing to analyse"))
            continue
        language = normalize_language_code(record.get("language"))
        if language is None:
            problems.append(
                Problem(
                    source,
                    f"unknown language {_clean_cell(record.get('language'))!r} "
                    f"(supported: {', '.join(SUPPORTED_LANGUAGES)}); it will be detected",
                )
            )
            language = ""
        try:
            date = normalize_date(record.get("date"), language=language, day_first=day_first)
        except DateError as error:
            problems.append(Problem(source, f"{error}; date left empty"))
            date = ""
        mismatch = declared_language_mismatch(text, language)
        if mismatch:
            problems.append(Problem(source, mismatch))
        finished.append(
            {
                "doc_id": str(record["doc_id"]),
                "source": source,
                "outlet": _clean_cell(record.get("outlet")) or UNKNOWN_OUTLET,
                "language": language,
                "date": date,
                "url": _clean_cell(record.get("url")),
                "title": _clean_cell(record.get("title")),
                "text": text,
            }
        )
    return Corpus(pd.DataFrame(finished, columns=DOCUMENT_COLUMNS), problems)


def declared_language_mismatch(text: str, declared: str) -> str:
    """A problem message when a document declared Persian or Arabic mostly reads otherwise ("" if not).

    The document's language is found as the text stage finds it (:func:`analysis.text.document_language`:
    the detected language covering most characters of its paragraphs).
    """
    if declared not in SUPPORTED_LANGUAGES:
        return ""
    paragraphs = paragraphs_of(text)
    found = document_language(paragraphs, [detect_language(paragraph) for paragraph in paragraphs])
    if found == declared:
        return ""
    consequence = (
        "its paragraphs confidently identified as Arabic or Persian are counted in that language (see note)"
        if found in SUPPORTED_LANGUAGES
        else "such paragraphs (Kurdish, Urdu, Pashto, English…) are dropped, each with its reason"
    )
    return f"declared {LANGUAGE_NAMES[declared]}, but most of its text reads as {LANGUAGE_NAMES[found]}: {consequence}"


def _clean_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=DOCUMENT_COLUMNS)
