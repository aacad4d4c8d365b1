"""Read a corpus into the documents table.

Inputs: a folder of ``.txt`` files (one article each, paragraphs separated by line breaks) and
saved web pages (``.html``/``.htm``, see :mod:`analysis.html_pages`) with an optional
``manifest.csv``; a single ``.txt`` or ``.html`` file; a ``.csv`` or ``.jsonl`` file with one
article per row or line; a ``.zip`` of any of these, read like a folder. Parsing works on bytes so
the app's uploads and the CLI's paths share one code path; only :func:`read_corpus` touches the disk.

Nothing is lost silently: every input that cannot be read becomes a :class:`Problem` with a
one-line message, and the caller decides whether that is fatal.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple, cast

import jdatetime
import pandas as pd
from hijridate import Hijri

from analysis.languages import ARABIC, LANGUAGE_NAMES, OTHER, PERSIAN, SUPPORTED_LANGUAGES, declared_language
from analysis.text import (
    DOCUMENT_COLUMNS,
    detect_language,
    document_language,
    fold_persian_letters,
    normalize,
    normalize_unicode,
    normalize_whitespace,
    normalize_zwnj,
    paragraphs_of,
    prefetch_identifications,
    remove_control_characters,
)
from analysis.wording import counted

# One row per saved web page read: its visible characters, those kept as the article, those dropped.
PAGE_COLUMNS = ["source", "page_characters", "kept_characters", "dropped_characters"]
TEXT_SUFFIXES = (".txt",)
PAGE_SUFFIXES = (".html", ".htm", ".mhtml", ".mht")
TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson")
ARCHIVE_SUFFIXES = (".zip",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + PAGE_SUFFIXES + TABLE_SUFFIXES + ARCHIVE_SUFFIXES
# Files every operating system leaves beside the user's own, skipped without a word.
SYSTEM_FILES = frozenset(("__macosx", "thumbs.db", "desktop.ini"))
# Zip archives: at most this many files, unpacking to at most this many bytes in all and per file
# (read in memory, one file at a time); anything beyond is refused as a possible zip bomb.
MAX_ARCHIVE_FILES = 20_000
MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_ARCHIVE_MEMBER_BYTES = 256 * 1024**2
ZIP_UTF8_FLAG = 0x800  # a zip entry's general-purpose flag: its name is UTF-8 (else a legacy code page)
# A page whose article text has fewer Arabic-script letters than this share is listed.
PAGE_ARABIC_SCRIPT_SHARE = 0.5
METADATA_COLUMNS = ["outlet", "language", "date", "url", "title"]
TABLE_COLUMNS = ("id", "text", *METADATA_COLUMNS)  # the columns of a .csv/.jsonl table that are read
MANIFEST_COLUMNS = ("file", *METADATA_COLUMNS)
MANIFEST_NAME = "manifest.csv"
# While a run's inputs are read, each document also says where it was read: its file, and for a table's row the
# row or line (``jan.csv row 2``, ``c.jsonl line 3``); dropped once the whole run is read (see _one_run).
PLACE = "place"
# A repeated id ``x`` becomes ``x~2``, ``x~3``…; the line listing them names at most this many.
LISTED_RENAMES = 10
UNKNOWN_OUTLET = "unknown"
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


def _empty_pages() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object if column == "source" else "int64") for column in PAGE_COLUMNS})


@dataclass
class Corpus:
    """The documents table plus the problems met while reading it.

    ``pages`` has one row per saved web page read (``PAGE_COLUMNS``): its visible characters, the
    characters kept as the article text and those dropped as boilerplate; empty without pages.
    """

    documents: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    pages: pd.DataFrame = field(default_factory=_empty_pages)


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

    A gzip-compressed file is unpacked first, a PDF refused (:func:`_unpacked`). In order: UTF-16 with a byte-order
    mark; UTF-16 without one (NUL bytes that decode, little- or
    big-endian, to plain text with some whitespace); UTF-8 (with or without BOM); UTF-8 with a few
    bad bytes (at least 90 % of the non-ASCII bytes valid), each bad byte replaced by U+FFFD and
    counted (how many, the first offset); Windows-1256 when it reads as Arabic-script text (no
    control characters, at least 70 % of letters Arabic script); UTF-8 with replacement again when
    under 1 % of the bytes are bad (a Latin-script file with a stray byte).

    Raises:
        CorpusError: binary content or bytes that no supported encoding explains.
    """
    data = _unpacked(data, source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as error:
            raise CorpusError(
                f"{source}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({error.reason} at byte {error.start})"
            ) from error
    if b"\x00" in data[:4096]:
        return _utf16_without_bom(data, source)
    repaired = _as_utf8(data)
    if repaired.bad_bytes == 0 or repaired.mostly_valid:
        return repaired.decoded
    text = data.decode("cp1256")
    if _reads_as_arabic_script(text):
        return Decoded(text, "cp1256")
    if repaired.bad_bytes <= RARE_BAD_BYTES * len(data):
        return repaired.decoded
    raise CorpusError(
        f"{source}: cannot decode the bytes as UTF-8 or Windows-1256 (first bad byte at offset {repaired.decoded.first_bad}); "
        "save the file as UTF-8"
    )


def _unpacked(data: bytes, source: str) -> bytes:
    """A file's bytes; a gzip-compressed file's unpacked (a page saved as the server sent it), to at most
    ``MAX_ARCHIVE_MEMBER_BYTES`` like a zip's file.

    Raises:
        CorpusError: a PDF (not text, whatever its name), or gzip data that is damaged, cut short or too large.
    """
    if data.startswith(b"%PDF-"):
        raise CorpusError(f"{source}: a PDF document, not text; save its text as .txt, or the web page itself as .html")
    if not data.startswith(b"\x1f\x8b"):
        return data
    parts: list[bytes] = []
    size = 0
    while data.startswith(b"\x1f\x8b"):  # a gzip file may hold several members, one after the other
        unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            part = unpacker.decompress(data, MAX_ARCHIVE_MEMBER_BYTES + 1 - size)
        except zlib.error as error:
            raise CorpusError(f"{source}: gzip-compressed, but damaged ({error}); skipped") from error
        size += len(part)
        if size > MAX_ARCHIVE_MEMBER_BYTES:
            raise CorpusError(f"{source}: gzip-compressed, unpacking to more than {_size(MAX_ARCHIVE_MEMBER_BYTES)}; skipped")
        if not unpacker.eof:
            raise CorpusError(f"{source}: gzip-compressed, but cut short (an unfinished download?); skipped")
        parts.append(part)
        data = unpacker.unused_data
    return b"".join(parts)


class _Utf8Reading(NamedTuple):
    decoded: Decoded
    mostly_valid: bool  # at least UTF8_VALID_SHARE of the non-ASCII bytes valid UTF-8

    @property
    def bad_bytes(self) -> int:
        return self.decoded.bad_bytes


def _as_utf8(data: bytes) -> _Utf8Reading:
    """Read bytes as UTF-8 (a byte-order mark dropped), each bad byte replaced by U+FFFD and counted."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    body = data[bom:]
    try:
        return _Utf8Reading(Decoded(body.decode("utf-8"), "utf-8"), True)
    except UnicodeDecodeError as error:
        first_bad = bom + error.start
    bad = sum(0xDC80 <= ord(char) <= 0xDCFF for char in body.decode("utf-8", "surrogateescape"))
    non_ascii = sum(byte >= 0x80 for byte in body)
    return _Utf8Reading(Decoded(body.decode("utf-8", "replace"), "utf-8", bad, first_bad), non_ascii - bad >= UTF8_VALID_SHARE * non_ascii)


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
    text = _clean_cell(value)
    if not text:
        return ""
    return declared_language(text)


class DateError(ValueError):
    """A date cell that cannot be read as one day: unreadable, relative, ambiguous or impossible."""


# Month names per calendar, written as in the news; matched after _date_key folding, so letter
# variants (ي/ی, ك/ک, أ/ا, ة/ه) and a missing space or ZWNJ inside a name do not matter.
# Solar Hijri months: the Iranian names, then the Afghan (Dari) ones.
SOLAR_MONTHS = (
    ("فروردین", "حمل"),
    ("اردیبهشت", "ثور"),
    ("خرداد", "جوزا", "جوزاء"),
    ("تیر", "سرطان"),
    ("مرداد", "اسد"),
    ("شهریور", "سنبله"),
    ("مهر", "میزان"),
    ("آبان", "عقرب"),
    ("آذر", "قوس"),
    ("دی", "جدی"),
    ("بهمن", "دلو"),
    ("اسفند", "حوت"),
)
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
# Arabic names (Egyptian, Levantine, Algerian and Tunisian, Moroccan), then Persian ones.
GREGORIAN_MONTHS = (
    ("يناير", "كانون الثاني", "جانفي", "ژانویه"),
    ("فبراير", "شباط", "فيفري", "فوریه"),
    ("مارس", "آذار"),
    ("أبريل", "نيسان", "أفريل", "آوریل"),
    ("مايو", "أيار", "ماي", "مه", "می"),
    ("يونيو", "يونيه", "حزيران", "جوان", "ژوئن"),
    ("يوليو", "يوليه", "تموز", "جويلية", "يوليوز", "ژوئیه", "جولای"),
    ("أغسطس", "آب", "أوت", "غشت", "اوت", "آگوست"),
    ("سبتمبر", "أيلول", "شتنبر", "سپتامبر"),
    ("أكتوبر", "تشرين الأول", "اکتبر"),
    ("نوفمبر", "تشرين الثاني", "نونبر", "نوامبر"),
    ("ديسمبر", "كانون الأول", "دجنبر", "دسامبر"),
)
# Words that make a date relative to the day it is read, in English, Persian and Arabic. (Not
# Persian پیش "ago": it is also in پیش از ظهر, "a.m.")
RELATIVE_DATE_WORDS = frozenset(("now", "today", "yesterday", "tomorrow", "tonight", "ago"))  # English
RELATIVE_DATE_WORDS |= {"امروز", "دیروز", "فردا", "اکنون", "هم\u200cاکنون", "الان"}  # Persian
RELATIVE_DATE_WORDS |= {"اليوم", "أمس", "غدا", "الآن", "منذ"}  # Arabic
SOLAR, LUNAR, GREGORIAN = "Solar Hijri", "lunar Hijri", "Gregorian"
# A date this far after the day of the run is still accepted: it is already that day east of the machine.
FUTURE_MARGIN = datetime.timedelta(days=1)
_DATE_LETTERS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ۀ": "ه"})
_PERSIAN_DIGITS = re.compile("[۰-۹]")
_ARABIC_DIGITS = re.compile("[٠-٩]")
_COMPACT_DATE = re.compile(r"(1[89]\d\d|20\d\d)(\d\d)(\d\d)")
# searched in the key, whose times of day are blanked: after a weekday or an AM/PM ("Thu, 13/01/2022", "2:30 PM 13/01/2022")
_NUMERIC_DATE = re.compile(r"(?:^|[^\d/.\-])(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:$|[Tt\s])")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may escape half of a UTF-16 pair, which no text can hold
_LATIN_ONLY = re.compile(r"^[\x00-\x7F\u00C0-\u024F]*$")
_LINE_END = re.compile(r"\r\n|\r|\n")  # a JSONL file's line ends (not str.splitlines(): U+2028 may stand in a string)
_TIME_OF_DAY = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")


def _date_key(text: str) -> str:
    """A date cell folded for matching: normalised, ASCII digits, letter variants folded, lowercase, and each time of
    day (``13:07``, ``08:13:00``) blanked, before the date or after it: its hour would be read as the day."""
    return _TIME_OF_DAY.sub(" ", normalize(text, OTHER).translate(_DATE_LETTERS).lower())


def _month_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A month's names as a date cell writes them: next to a number (``۲۳ دی``, ``دی ماه ۱۴۰۰``), since several are words
    too (میزان, the judiciary's news agency, is also the Afghan Libra; جدی "serious", تیر "arrow")."""
    keys = sorted({_date_key(name) for name in names}, key=len, reverse=True)
    name = "(?:" + "|".join(re.escape(key).replace(r"\ ", r"\s*") for key in keys) + r")(?:\s*ماه)?"
    return re.compile(rf"(?:(?<=\d)|(?<=\d\s)|(?<=\d\s\s)){name}(?!\w)|(?<!\w){name}(?=\s*\d)")


_RELATIVE_KEYS = frozenset(_date_key(word) for word in RELATIVE_DATE_WORDS)


_MONTH_TABLES = tuple(
    (calendar, month, _month_pattern(names))
    for calendar, table in (
        (SOLAR, SOLAR_MONTHS),
        (LUNAR, HIJRI_MONTHS),
        (GREGORIAN, GREGORIAN_MONTHS),
    )
    for month, names in enumerate(table, start=1)
)


def day_first_order(values: Iterable[object]) -> bool | None:
    """Whether one file writes numeric dates (``06/01/2022``) day first.

    Decided by the file's unambiguous dates: a first number above 12 (``13/01/2022``) says day
    first, a second number above 12 says month first. A date that cannot be a day (``2/30/2022``,
    ``13/45/2022``) says nothing. ``None`` when none says, or when they disagree: the file's
    ambiguous dates are then not guessed.
    """
    orders = set()
    for value in values:
        match = _NUMERIC_DATE.search(_date_key(_clean_cell(value)))
        if match and len(match.group(3)) == 4:
            first, second, year = (int(number) for number in match.groups())
            if (first > 12) != (second > 12) and _can_be_a_day(year, *((second, first) if first > 12 else (first, second))):
                orders.add(first > 12)
                if len(orders) == 2:
                    return None
    return orders.pop() if orders else None


def _can_be_a_day(year: int, month: int, day: int) -> bool:
    """Whether ``day`` of ``month`` can be a day of ``year``: in the Gregorian calendar (a year from 1600), or in either
    Hijri calendar (an earlier year: months of up to 31 days), whatever the day of the run."""
    if year < 1600:
        return 1 <= month <= 12 and 1 <= day <= 31
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def normalize_date(value: object, *, language: str = "", day_first: bool | None = None, today: datetime.date | None = None) -> str:
    """Return the Gregorian ISO date (``YYYY-MM-DD``) of a date cell; ``""`` when it is empty.

    Reads ``2022-01-13``, ``20220113``, ``13/01/2022`` (day and month ordered by ``day_first``, see
    :func:`day_first_order`), Solar Hijri (``۱۴۰۰/۱۰/۲۰``, ``1400-10-20``,
    ``۲۰ دی ۱۴۰۰``: converted with jdatetime), lunar Hijri (``10 جمادى الآخرة 1443``: converted with
    hijridate, Umm al-Qura), Gregorian months named in Arabic or Persian (``13 يناير 2022``), and
    English dates (``10 January 2022``, via pandas). A numeric year below 1600 is Solar Hijri when
    written in Persian digits or declared Persian, lunar Hijri when in Arabic-Indic digits or
    declared Arabic. A time of day before or after the date (``۱۳:۰۷ - ۲۳ دی ۱۴۰۰``, ``2022-01-13 08:13``) is
    ignored.

    Args:
        value: The date cell.
        language: The document's declared language (``fa``, ``ar`` or ``""``).
        day_first: The file's order for numeric dates; ``None`` when not known.
        today: The day of the run (``None``: the clock's); a later date is refused, but for a day's margin
            (the time zones east of the machine's).

    Raises:
        DateError: a relative date (now, today, امروز, اليوم…), an ambiguous day/month order, a
            Hijri year in a document of unknown language, an impossible day, a day before 1800 or
            after the run, or no date at all.
    """
    text = _clean_cell(value)
    if not text:
        return ""
    today = today or datetime.date.today()
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
        return _gregorian(calendar, years[0], month, days[0], text, today)
    match = _NUMERIC_DATE.search(key)
    if match:
        first, second, third = match.groups()
        if len(first) == 4:
            year, month, day = int(first), int(second), int(third)
        elif len(third) == 4:
            year, month, day = int(third), *_day_month(int(first), int(second), day_first, text)
        else:
            raise DateError(f"unreadable date {text!r} (no four-digit year)")
        return _gregorian(_numeric_calendar(year, language, text), year, month, day, text, today)
    compact = _COMPACT_DATE.fullmatch(key.strip())  # 20220113, as some pages' meta tags write it
    if compact:
        year, month, day = (int(part) for part in compact.groups())
        return _gregorian(GREGORIAN, year, month, day, text, today)
    worded = re.search(r"[A-Za-z]", text) is not None  # an English month name: pandas reads it
    if not worded and len(numbers) == 2:
        raise DateError(f"date {text!r} names a month, not a day; give the day too (YYYY-MM-DD)")
    if worded and _LATIN_ONLY.match(text) and len(numbers) >= 2 and any(len(number) == 4 for number in numbers):
        try:
            parsed = pd.to_datetime(text, format="mixed", dayfirst=bool(day_first))
        except (ValueError, OverflowError) as error:
            raise DateError(f"unreadable date {text!r}") from error
        return _gregorian(GREGORIAN, parsed.year, parsed.month, parsed.day, text, today)
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


def _gregorian(calendar: str, year: int, month: int, day: int, text: str, today: datetime.date) -> str:
    """Convert a day of a calendar to a Gregorian ISO date, refusing impossible days, days before 1800 and days
    after ``today`` (with a day's margin)."""
    try:
        converted = _converted(calendar, year, month, day)
    except (ValueError, OverflowError) as error:
        raise DateError(f"date {text!r} is not a day of the {calendar} calendar ({error})") from error
    if converted.year < 1800:
        raise DateError(f"date {text!r} reads as {converted.isoformat()} ({calendar}), before 1800")
    if converted > today + FUTURE_MARGIN:
        raise DateError(
            f"date {text!r} reads as {converted.isoformat()} ({calendar}), after the day of the run ({today.isoformat()})"
            + _lunar_hint(calendar, year, month, day, today)
        )
    return converted.isoformat()


def _converted(calendar: str, year: int, month: int, day: int) -> datetime.date:
    """A day of a calendar as a Gregorian date.

    Raises:
        ValueError: not a day of that calendar.
    """
    if calendar == SOLAR:
        return cast(datetime.date, jdatetime.date(year, month, day).togregorian())
    if calendar == LUNAR:
        return cast(datetime.date, Hijri(year, month, day).to_gregorian())
    return datetime.date(year, month, day)


def _lunar_hint(calendar: str, year: int, month: int, day: int, today: datetime.date) -> str:
    """When a future Solar Hijri day is a past lunar Hijri one (۱۴۴۳/۰۶/۰۷ in a Persian row), a hint saying so."""
    if calendar != SOLAR:
        return ""
    try:
        lunar = _converted(LUNAR, year, month, day)
    except (ValueError, OverflowError):
        return ""
    if lunar > today:
        return ""
    return f"; as a lunar Hijri date it would be {lunar.isoformat()}: give the Gregorian date"


def documents_from_text_files(files: Mapping[str, bytes], manifest: bytes | None = None) -> Corpus:
    """Build documents from ``{file name: bytes}`` of ``.txt`` articles (or saved ``.html`` pages) and an optional manifest.

    The manifest is a CSV with the columns ``file, outlet, language, date, url, title`` (all but
    ``file`` optional; any other column is listed as not read). Files it does not list get outlet
    ``unknown`` (a page: its site name) and a detected language, a text file with a line saying so.
    """
    everything = {**files, **({MANIFEST_NAME: manifest} if manifest is not None else {})}
    return _read_group({name: name for name in everything}, everything)


def _not_listable(listed: str, beside: Sequence[str]) -> str:
    """Why a manifest's row applies to no file, given the tables and archives ``beside`` it: a table's rows carry their own
    metadata; a file in an archive takes the manifest of its folder in the archive; else the file is not there."""
    archives = sorted(name for name in beside if Path(name).suffix.lower() in ARCHIVE_SUFFIXES)
    if listed in {_nfc(name) for name in beside}:
        return (
            f"a {Path(listed).suffix.lower() or 'file'} file: a manifest describes .txt files and saved pages; a table's rows give "
            "their own outlet, language and date (its columns), an archive's files the manifest inside it; not applied"
        )
    inside = (
        f" (a manifest applies to the files beside it: the files of {', '.join(archives)} take the manifest in their folder of the archive)"
    )
    return "which is not among the files" + (inside if archives else "")


def _read_group(names: Mapping[str, str], files: Mapping[str, bytes], beside: Sequence[str] = ()) -> Corpus:
    """Read the articles and pages of one folder: ``names`` maps each file's own name to its key in ``files``; ``beside``
    names the folder's tables and archives (which its manifest does not describe).

    The key is the file's ``source`` (its path inside an archive, else its name); the manifest
    names files by their own name.
    """
    problems: list[Problem] = []
    manifest_key = next((key for name, key in names.items() if name.lower() == MANIFEST_NAME), None)
    manifest = _read_file(files, manifest_key, problems) if manifest_key is not None else None
    # names compared in one Unicode form: macOS writes «أخبار» decomposed into a zip, a manifest typed on it is composed
    metadata = {_nfc(name): row for name, row in (_read_manifest(manifest, problems) if manifest is not None else {}).items()}
    readable = {name for name in names if Path(name).suffix.lower() in TEXT_SUFFIXES + PAGE_SUFFIXES}
    for listed in sorted(set(metadata) - {_nfc(name) for name in readable}):
        problems.append(Problem(MANIFEST_NAME, f"lists {listed!r}, {_not_listable(listed, beside)}"))
    records = []
    pages = []
    for name in sorted(readable):
        source = names[name]
        data = _read_file(files, source, problems)
        if data is None:
            continue
        given = metadata.get(_nfc(name), {})
        try:
            is_page = Path(name).suffix.lower() in PAGE_SUFFIXES
            text = _decode_page(data, source, problems) if is_page else _decode(data, source, problems)
            if is_page:
                record, page = _page_record(text, source, given, problems, _archive_url(data))
                if page is not None:
                    pages.append(page)
                if record is None:
                    continue
            else:
                record = {"text": text, **given}
                if metadata and not given:  # (a page not listed is described by itself)
                    problems.append(
                        Problem(source, f"not listed in {MANIFEST_NAME}: outlet {UNKNOWN_OUTLET!r}, language detected, no date")
                    )
        except CorpusError as error:
            problems.append(Problem(source, str(error).removeprefix(f"{source}: ")))
            continue
        records.append({**record, "doc_id": Path(name).stem, "source": source, PLACE: source})
    _name_hosts(records)
    corpus = _finish(records, problems)
    corpus.pages = (
        pd.DataFrame(pages, columns=PAGE_COLUMNS).astype({column: "int64" for column in PAGE_COLUMNS[1:]}) if pages else _empty_pages()
    )
    return corpus


def _name_hosts(records: list[dict[str, object]]) -> None:
    """Give a page known only by its host the site name other pages of that host give (``arabic.rt.com`` → ``RT
    Arabic``), when they give one name: one outlet, not two."""
    hosts: list[tuple[tuple[str, bool], dict[str, object]]] = [
        (cast(tuple[str, bool], record.pop(_HOST)), record) for record in records if _HOST in record
    ]
    names: dict[str, set[object]] = {}
    for (host, named), record in hosts:
        if named:
            names.setdefault(host, set()).add(record["outlet"])
    for (host, named), record in hosts:
        if not named and len(names.get(host, ())) == 1:
            (record["outlet"],) = names[host]


_HOST = "_host"  # a page record's (host name, whether the page names its site) while its folder is read


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _page_record(
    text: str, source: str, given: Mapping[str, object], problems: list[Problem], url: str = ""
) -> tuple[dict[str, object] | None, dict[str, object] | None]:
    """A saved page's document record (``None`` when nothing was extracted) and its ``pages`` row.

    The manifest's values win; otherwise the outlet is the page's site name, the title its
    headline, the URL its canonical URL and the date the one in its markup, else the first of its
    date-like elements that reads as a date (Solar or lunar Hijri included).
    """
    from analysis.html_pages import PageError, extract_page

    try:
        page = extract_page(text, url)
    except PageError as error:
        problems.append(Problem(source, str(error)))
        if error.page_characters is None:
            return None, None
        visible = error.page_characters
        return None, {"source": source, "page_characters": visible, "kept_characters": 0, "dropped_characters": visible}
    problems.extend(Problem(source, note) for note in page.notes)
    row = {
        "source": source,
        "page_characters": page.page_characters,
        "kept_characters": page.kept_characters,
        "dropped_characters": page.dropped_characters,
    }
    record: dict[str, object] = {
        "text": page.text,
        "outlet": outlet_name(given.get("outlet")) or outlet_name(page.site_name),
        **({_HOST: (page.host, page.has_site_name)} if page.host and not outlet_name(given.get("outlet")) else {}),
        "language": given.get("language"),
        "url": _clean_cell(given.get("url")) or page.url,
        "title": _clean_cell(given.get("title")) or page.title,
        "date": given.get("date"),
    }
    declared = normalize_language_code(given.get("language")) or ""
    if not _clean_cell(given.get("date")) and page.date_candidates:
        # the calendar of a numeric Hijri year follows the text's language, not the page's lang attribute (often a template's)
        record["date"] = _page_date(page.date_candidates, declared or detect_language(page.text), source, problems)
    letters = [char for char in page.text if char.isalpha()]
    if not declared and sum(bool(_ARABIC_SCRIPT.match(char)) for char in letters) < PAGE_ARABIC_SCRIPT_SHARE * len(letters):
        said = f" (the page says lang={page.language!r})" if page.language else ""
        problems.append(
            Problem(source, f"the article text is not in Arabic script{said}: its paragraphs are dropped as not Persian or Arabic")
        )
    return record, row


def _page_date(candidates: Iterable[str], language: str, source: str, problems: list[Problem]) -> str:
    """The first date-like text of a page that reads as one day (ISO); "" when none does, listed when one looked like
    a date but could not be read (a Hijri year in a page of unknown language, an impossible day…)."""
    refused: DateError | None = None
    for candidate in candidates:
        # «13 January 2022 / ۲۳ دی ۱۴۰۰»: two calendars, each read alone when the whole does not read
        for piece in [candidate, *(_DATE_SEPARATOR.split(candidate) if _DATE_SEPARATOR.search(candidate) else [])]:
            try:
                date = normalize_date(piece, language=language if language in SUPPORTED_LANGUAGES else "")
            except DateError as error:
                if refused is None and re.search(r"\d{4}", _date_key(candidate)):
                    refused = error
                continue
            if date:
                return date
    if refused is not None:
        problems.append(Problem(source, f"{refused}; date left empty"))
    return ""


_DATE_SEPARATOR = re.compile(r"\s+[-/|–—]\s+|[،|]")


def documents_from_table(name: str, data: bytes) -> Corpus:
    """Build documents from a ``.csv`` or ``.jsonl`` file: one article per row or line.

    ``text`` is required; ``id``, ``outlet``, ``language``, ``date``, ``url`` and ``title`` are
    optional.

    Raises:
        CorpusError: unsupported extension, undecodable bytes, or no ``text`` column/field.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise CorpusError(f"{name}: unsupported file type {suffix!r}; use {', '.join(SUPPORTED_SUFFIXES)}")
    problems: list[Problem] = []
    text = _decode(data, name, problems)
    rows = _csv_rows(text, name, problems) if suffix == ".csv" else _jsonl_rows(text, name, problems)
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
                PLACE: f"{name} row {number}" if suffix == ".csv" else f"{name} line {number}",
                "text": str(row["text"]),
                **{column: row.get(column) for column in METADATA_COLUMNS},
            }
        )
    if not rows:
        problems.append(Problem(name, "no rows"))
    _list_unread_columns(rows, TABLE_COLUMNS, name, problems, kind="column" if suffix == ".csv" else "key")
    return _finish(records, problems)


def read_corpus(paths: Sequence[str | Path]) -> Corpus:
    """Read folders, ``.txt``, ``.html``, ``.csv``, ``.jsonl`` and ``.zip`` files into one documents table.

    A folder is read like an upload of its files (not its subfolders); a ``.zip`` like a folder.

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
        elif path.name.lower() == MANIFEST_NAME:
            parts.append(_read_folder(path.parent))
        elif path.suffix.lower() in ARCHIVE_SUFFIXES:
            parts.append(documents_from_zip(path.name, path))
        else:
            parts.append(documents_from_files({path.name: path.read_bytes()}, single=len(paths) == 1))
    return _one_run(merge_corpora(parts))


def documents_from_uploads(files: Mapping[str, bytes] | Sequence[tuple[str, bytes]]) -> Corpus:
    """Build documents from uploaded files (``{name: bytes}`` or ``(name, bytes)`` pairs), like :func:`read_corpus`.

    ``.txt`` files and ``.html`` pages are articles described by an optional ``manifest.csv``;
    ``.csv``/``.jsonl`` files are tables; a ``.zip`` is read like a folder. A file that cannot be
    read becomes a problem, unless it is the only file given and a table. Two files of one name
    (from two folders) are both read, the second under a numbered name, and listed.

    Raises:
        CorpusError: no file, or a single table file that cannot be read at all.
    """
    pairs = list(files.items()) if isinstance(files, Mapping) else list(files)
    if not pairs:
        raise CorpusError("no file uploaded")
    named: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name, data in pairs:
        unique, number = name, 1
        while unique in named:
            number += 1
            unique = f"{PurePosixPath(name).stem} ({number}){PurePosixPath(name).suffix}"
        if unique != name:
            problems.append(Problem(name, f"another uploaded file has this name; this one is read as {unique!r}"))
        named[unique] = data
    corpus = documents_from_files(named, single=len(named) == 1)
    return _one_run(Corpus(corpus.documents, problems + corpus.problems, corpus.pages))


def documents_from_files(
    files: Mapping[str, bytes], *, single: bool = False, in_archive: bool = False, list_unsupported: bool = True
) -> Corpus:
    """Read ``{name: bytes}`` like a folder: articles, pages, tables and archives, each by its extension.

    Names may hold folders (``news/a.txt``, inside an archive): each folder is read on its own,
    with its own ``manifest.csv``. Hidden and system files (``.DS_Store``, ``__MACOSX/``) are
    skipped without a word; any other file of an unsupported kind is listed (unless
    ``list_unsupported`` is false: a folder's notes, licence or images). ``files`` may be lazy:
    a value that cannot be read raises :class:`CorpusError`, which becomes a problem.

    Raises:
        CorpusError: ``single`` and the only file is a table that cannot be read at all.
    """
    problems: list[Problem] = []
    groups: dict[PurePosixPath, dict[str, str]] = {}
    beside: dict[PurePosixPath, list[str]] = {}  # each folder's tables and archives
    parts: list[Corpus] = []
    resources = _saved_page_resources(files)
    for folder, (page, count) in resources.items():
        problems.append(
            Problem(
                f"{folder}/",
                f"the files saved with the page {page} (its images, styles and frames), not articles; {counted(count, 'file')} skipped",
            )
        )
    for key in sorted(files):
        path = PurePosixPath(key)
        suffix = path.suffix.lower()
        if _is_system_file(key) or any(parent in resources for parent in path.parents):
            continue
        if suffix in TABLE_SUFFIXES + ARCHIVE_SUFFIXES and path.name.lower() != MANIFEST_NAME:
            beside.setdefault(path.parent, []).append(path.name)
        if path.name.lower() == MANIFEST_NAME or suffix in TEXT_SUFFIXES + PAGE_SUFFIXES:
            groups.setdefault(path.parent, {})[path.name] = key
        elif suffix in TABLE_SUFFIXES:
            data = _read_file(files, key, problems)
            if data is not None:
                parts.append(_table_part(key, data, single=single))
        elif suffix in ARCHIVE_SUFFIXES and in_archive:
            problems.append(Problem(key, "an archive inside an archive is not read; unpack it and give its files"))
        elif suffix in ARCHIVE_SUFFIXES:
            data = _read_file(files, key, problems)
            if data is not None:
                parts.append(documents_from_zip(key, data))
        else:
            message = f"unsupported file type {suffix or 'without an extension'!r}; use {', '.join(SUPPORTED_SUFFIXES)}"
            if single:
                raise CorpusError(f"{key}: {message}")
            if list_unsupported:
                problems.append(Problem(key, f"{message}; skipped"))
    parts = [_read_group(names, files, beside.get(folder, [])) for folder, names in sorted(groups.items())] + parts
    merged = merge_corpora(parts)
    merged.problems[:0] = problems
    return merged


def _saved_page_resources(names: Iterable[str]) -> dict[PurePosixPath, tuple[str, int]]:
    """The folders a browser's "save as complete page" writes beside a page (``news.html`` and ``news_files/``), with
    the page's name and how many files each holds."""
    keys = [PurePosixPath(key) for key in names]
    pages = {key.parent / f"{key.stem}_files": key.name for key in keys if key.suffix.lower() in PAGE_SUFFIXES}
    found: dict[PurePosixPath, tuple[str, int]] = {}
    for key in keys:
        folder = next((parent for parent in key.parents if parent in pages), None)
        if folder is not None:
            found[folder] = (pages[folder], found.get(folder, ("", 0))[1] + 1)
    return found


def documents_from_zip(name: str, archive: bytes | Path) -> Corpus:
    """Read a ``.zip`` like a folder (see :func:`documents_from_files`), refusing what is unsafe.

    Refused with one problem for the whole archive: bytes that are not a zip, more than
    ``MAX_ARCHIVE_FILES`` files, or more than ``MAX_ARCHIVE_BYTES`` once unpacked. Refused per
    file: absolute names and names with ``..`` (nothing is ever written to disk, but such names
    are a sign of a crafted archive), encrypted files, files over ``MAX_ARCHIVE_MEMBER_BYTES``,
    and damaged ones. Folders, hidden and system files are skipped without a word. Names are read as
    their writer meant them (see :func:`_member_name`).
    """
    try:
        opened = zipfile.ZipFile(io.BytesIO(archive) if isinstance(archive, bytes) else archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        return Corpus(_empty(), [Problem(name, f"not a readable zip archive ({error}), skipped")])
    with opened:
        problems: list[Problem] = []
        members: dict[str, zipfile.ZipInfo] = {}
        for info in opened.infolist():
            member = _member_name(info, name, problems)
            if _unsafe_member(member):
                problems.append(Problem(name, f"refused {member!r}: an absolute name or one with '..' (outside the archive)"))
                continue
            if member.endswith("/"):  # a folder (corpus/, or corpus\\ from a Windows tool)
                continue
            member = posixpath.normpath(member) if member.strip("./") else member  # ./a.txt is a.txt, c/./d.txt c/d.txt
            if _is_system_file(member):
                continue
            if info.flag_bits & 0x1:
                problems.append(Problem(f"{name}:{member}", "encrypted, skipped"))
            elif member in members:
                problems.append(Problem(f"{name}:{member}", "in the archive twice; the first copy is read, the other skipped"))
            else:
                members[member] = info
        total = sum(info.file_size for info in members.values())
        if len(members) > MAX_ARCHIVE_FILES:
            return Corpus(_empty(), [Problem(name, f"refused: holds {len(members):,} files, more than the {MAX_ARCHIVE_FILES:,} allowed")])
        if total > MAX_ARCHIVE_BYTES:
            return Corpus(
                _empty(),
                [
                    Problem(
                        name,
                        f"refused: its files would unpack to {_size(total)}, more than the {_size(MAX_ARCHIVE_BYTES)} allowed "
                        "(a zip bomb?); unpack it yourself and give the folder",
                    )
                ],
            )
        corpus = documents_from_files(_ArchiveFiles(opened, members, name), in_archive=True)
    if not members and not problems:
        problems.append(Problem(name, "empty archive, nothing to analyse"))
    corpus.problems[:0] = problems
    return corpus


def _member_name(info: zipfile.ZipInfo, archive: str, problems: list[Problem]) -> str:
    """A zip entry's name as its writer meant it: a backslash (Windows tools: ``corpus\\a.txt``) separates folders;
    a name without the UTF-8 flag (which zipfile reads as cp437) is read as UTF-8 when its bytes are, else it is
    kept as zipfile reads it, listed."""
    member = info.filename
    if not info.flag_bits & ZIP_UTF8_FLAG and not member.isascii():
        try:
            member = member.encode("cp437").decode("utf-8")
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    f"{archive}:{member}",
                    "a file name in a legacy code page (not UTF-8), read as that code page (cp437) spells it; if it looks garbled, "
                    "zip the files with UTF-8 names (7-Zip does) to keep the real ones",
                )
            )
    return member.replace("\\", "/")


class _ArchiveFiles(Mapping[str, bytes]):
    """The files of an open zip archive, each unpacked (within the limits) when it is read."""

    def __init__(self, archive: zipfile.ZipFile, members: Mapping[str, zipfile.ZipInfo], name: str) -> None:
        self._archive, self._members, self._name = archive, members, name

    def __getitem__(self, key: str) -> bytes:
        info = self._members[key]
        if info.file_size > MAX_ARCHIVE_MEMBER_BYTES:
            raise CorpusError(
                f"{key}: unpacks to {_size(info.file_size)}, more than the {_size(MAX_ARCHIVE_MEMBER_BYTES)} allowed per file, skipped"
            )
        try:
            with self._archive.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, ValueError, EOFError, zlib.error) as error:
            raise CorpusError(f"{key}: damaged in {self._name} ({error}), skipped") from error
        if len(data) > info.file_size:
            raise CorpusError(f"{key}: unpacks to more than its declared size in {self._name} (a zip bomb?), skipped")
        return data

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


class _FolderFiles(Mapping[str, bytes]):
    """The files directly inside a folder (not its subfolders), each read when it is asked for."""

    def __init__(self, folder: Path) -> None:
        entries = sorted(folder.iterdir())
        self._paths = {path.name: path for path in entries if path.is_file()}
        # neither a file nor a folder: a broken or looping link, a pipe, a socket, a device
        self.not_files = [path.name for path in entries if not path.is_file() and not path.is_dir() and not _is_system_file(path.name)]

    def __getitem__(self, key: str) -> bytes:
        try:
            return self._paths[key].read_bytes()
        except OSError as error:
            raise CorpusError(f"{key}: cannot be read ({error.strerror or error})") from error

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _read_file(files: Mapping[str, bytes], key: str, problems: list[Problem]) -> bytes | None:
    """A file's bytes from a (possibly lazy) mapping; ``None``, with a problem, when it cannot be read."""
    try:
        return files[key]
    except CorpusError as error:
        problems.append(Problem(key, str(error).removeprefix(f"{key}: ")))
        return None


def _is_system_file(name: str) -> bool:
    """Hidden files and folders (``.DS_Store``, ``._x``), ``__MACOSX/`` resource forks, ``Thumbs.db``."""
    return any(part.startswith(".") or part.lower() in SYSTEM_FILES for part in re.split(r"[/\\]", name) if part)


def _unsafe_member(name: str) -> bool:
    """An archive name that is absolute (``/x``, ``C:\\x``, ``\\\\host``) or climbs out of the archive (``..``)."""
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in re.split(r"[/\\]", name)


def _size(count: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count} bytes"


def merge_corpora(parts: Iterable[Corpus]) -> Corpus:
    """Concatenate corpora (their ids are made unique once the whole run is read: see :func:`_one_run`)."""
    parts = list(parts)
    documents = pd.concat([part.documents for part in parts], ignore_index=True) if parts else _empty()
    problems = [problem for part in parts for problem in part.problems]
    pages = [part.pages for part in parts if not part.pages.empty]
    return Corpus(documents.reset_index(drop=True), problems, pd.concat(pages, ignore_index=True) if pages else _empty_pages())


def _one_run(corpus: Corpus) -> Corpus:
    """The checks over all the inputs of a run: one spelling per outlet, each article once, each id once; then the
    documents table without the ``PLACE`` column."""
    checked = _unique_ids(drop_duplicate_documents(_one_spelling_per_outlet(corpus)))
    return Corpus(checked.documents.drop(columns=PLACE), checked.problems, checked.pages)


def outlet_name(value: object) -> str:
    """An outlet's name as read from any input: invisible characters (bidi marks, zero-width characters, BOM, but
    a ZWNJ inside a word) removed, each run of whitespace one space, in Unicode NFC."""
    return normalize_whitespace(normalize_zwnj(remove_control_characters(normalize_unicode(_clean_cell(value)), keep_zwnj=True)))


def _one_spelling_per_outlet(corpus: Corpus) -> Corpus:
    """Count outlet names that differ only by letter case or Arabic/Persian letter variants (ي/ی, ك/ک) as one, under
    the first spelling met, with one line per outlet listing its other spellings."""
    spellings: dict[str, list[str]] = {}
    for outlet in pd.unique(corpus.documents["outlet"]):
        spellings.setdefault(fold_persian_letters(outlet).casefold(), []).append(outlet)
    merged = [names for names in spellings.values() if len(names) > 1]
    if not merged:
        return corpus
    first = {name: names[0] for names in merged for name in names}
    problems = [
        Problem(
            f"outlet {names[0]!r}",
            f"also written {', '.join(repr(name) for name in names[1:])}, the same name but for letter case or ي/ی, ك/ک: "
            "counted as one outlet",
        )
        for names in merged
    ]
    documents = corpus.documents.assign(outlet=[first.get(outlet, outlet) for outlet in corpus.documents["outlet"]])
    return Corpus(documents, corpus.problems + problems, corpus.pages)


def drop_duplicate_documents(corpus: Corpus) -> Corpus:
    """Analyse a document given twice once: same outlet and same text once normalised.

    The text is compared after the language-neutral normalisation (presentation forms,
    diacritics, tatweel, invisible marks, digits, spacing) with Arabic and Persian letter variants
    folded. Each later copy becomes a problem naming where both copies were read (``PLACE``). The
    same text from different outlets stays: its paragraphs are marked as wire copies
    (``duplicate_of``) by the text stage.
    """
    first: dict[tuple[str, str], str] = {}
    keep = []
    problems = list(corpus.problems)
    for place, outlet, text in corpus.documents[[PLACE, "outlet", "text"]].itertuples(index=False):
        key = (outlet, fold_persian_letters(normalize(text, OTHER)))
        keep.append(key not in first)
        if key in first:
            problems.append(Problem(place, f"same outlet and text as {first[key]}: a duplicate, analysed once"))
        first.setdefault(key, place)
    return Corpus(corpus.documents.loc[keep].reset_index(drop=True), problems, corpus.pages)


def _unique_ids(corpus: Corpus) -> Corpus:
    """Give each document an id of its own over the whole run: an id met again, ``x``, becomes the first of ``x~2``,
    ``x~3``… that no input gives, listed in one line (the first ``LISTED_RENAMES``)."""
    ids = corpus.documents["doc_id"].tolist()
    taken = set(ids)
    met: set[str] = set()
    suffixes: dict[str, int] = {}
    unique, renames = [], []
    for doc_id, place in zip(ids, corpus.documents[PLACE], strict=True):
        new = doc_id
        if doc_id in met:
            number = suffixes.get(doc_id, 1) + 1
            while f"{doc_id}~{number}" in taken:
                number += 1
            new, suffixes[doc_id] = f"{doc_id}~{number}", number
            taken.add(new)
            renames.append(f"{doc_id!r} of {place} → {new!r}")
        met.add(doc_id)
        unique.append(new)
    if not renames:
        return corpus
    more = f" and {len(renames) - LISTED_RENAMES:,} more" if len(renames) > LISTED_RENAMES else ""
    line = f"{counted(len(renames), 'article')} given an id already used, renamed: {', '.join(renames[:LISTED_RENAMES])}{more}"
    return Corpus(corpus.documents.assign(doc_id=unique), [*corpus.problems, Problem("ids", line)], corpus.pages)


def _decode(data: bytes, name: str, problems: list[Problem]) -> str:
    """Decode a file's bytes, listing replaced bad bytes as a problem (see :func:`decode_bytes`)."""
    decoded = decode_bytes(data, name)
    _list_bad_bytes(decoded, name, problems)
    return decoded.text


def _list_bad_bytes(decoded: Decoded, name: str, problems: list[Problem]) -> None:
    if decoded.bad_bytes:
        problems.append(Problem(name, f"{decoded.bad_bytes_message()}: read as UTF-8, each bad byte replaced by \ufffd"))


_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _decode_page(data: bytes, source: str, problems: list[Problem], *, archive: bool = True) -> str:
    """Decode a saved page (a web archive's page when ``archive``).

    A gzip-compressed page is unpacked first, a PDF refused (:func:`_unpacked`). In order: UTF-16 (see
    :func:`decode_bytes`); UTF-8, also with a few bad bytes (a stray byte, a save cut
    inside a character: listed), whatever the page declares, since Windows-1256 would read such bytes as
    Arabic-script nonsense; the charset it declares, unless Latin (often a server's default); Windows-1256 when
    the text outside the tags reads as Arabic script (listed when a Latin charset was declared); the Latin
    charset declared; then :func:`decode_bytes`.
    """
    data = _unpacked(data, source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        return _decode(data, source, problems)
    if archive and _MHTML.match(data[:8192]):
        return _mhtml_page(data, source, problems)
    utf8 = _as_utf8(data)
    if utf8.mostly_valid:
        _list_bad_bytes(utf8.decoded, source, problems)
        return utf8.decoded.text
    found = _DECLARED_CHARSET.search(data[:8192])
    charset = found.group(1).decode("ascii") if found else ""
    declared = _codec_name(charset) if charset else None
    if declared is not None and declared not in _LATIN_CODECS:
        try:
            return data.decode(declared)
        except UnicodeError:
            pass
    cp1256 = data.decode("cp1256")
    if _reads_as_arabic_script(_TAG.sub(" ", cp1256)):
        if declared in _LATIN_CODECS:
            problems.append(
                Problem(source, f"declares the charset {charset!r} but reads as Windows-1256 (Arabic script): read as Windows-1256")
            )
        return cp1256
    if declared in _LATIN_CODECS:
        try:
            return data.decode(declared)
        except UnicodeError:  # ASCII and Windows-1252 leave some bytes undefined
            pass
    return _decode(data, source, problems)


_MHTML = re.compile(rb"(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?MIME-Version:", re.IGNORECASE)


# Chromium's archive header, else the first part's location (Internet Explorer's .mht names its page first)
_SNAPSHOT = re.compile(rb"^(?:Snapshot-)?Content-Location:[ \t]*(https?://\S+)", re.MULTILINE | re.IGNORECASE)


def _archive_url(data: bytes) -> str:
    """Where a web archive (MHTML) was saved from, as its header or its first part says ("" for anything else)."""
    head = data[:8192]
    found = _SNAPSHOT.search(head) if _MHTML.match(head) else None
    return found.group(1).decode("ascii", "replace") if found else ""


def _mhtml_page(data: bytes, source: str, problems: list[Problem]) -> str:
    """The page inside a web archive (``.mhtml``, a browser's "single file" save), decoded: the root part its
    ``start`` names, else its first HTML part."""
    import email
    import email.policy

    archive = email.message_from_bytes(data, policy=email.policy.default)
    pages = [part for part in archive.walk() if part.get_content_type() in ("text/html", "application/xhtml+xml")]
    start = archive.get_param("start")  # the archive's root part, when it names one (else the first page)
    part = next((part for part in pages if isinstance(start, str) and part.get("Content-ID") == start), pages[0] if pages else None)
    if part is None:
        raise CorpusError(f"{source}: a web archive (MHTML) without an HTML page in it")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise CorpusError(f"{source}: a web archive (MHTML) whose HTML page cannot be read")
    charset = part.get_content_charset() or ""
    # UTF-8 first whatever the label says (as for a page); a Latin label may be a default: the page's own rules
    if not _as_utf8(payload).mostly_valid and _codec_name(charset) not in (None, "utf-8", *_LATIN_CODECS):
        try:
            return payload.decode(charset)
        except UnicodeError:
            pass
    return _decode_page(payload, source, problems, archive=False)


_LATIN_CODECS = {"ascii", "iso8859-1", "cp1252", "iso8859-15"}


def _codec_name(charset: str) -> str | None:
    """Python's name of a declared charset (``"windows-1252"`` → ``"cp1252"``), None when Python has no such text
    encoding (``hex`` and ``rot13`` are codecs, not charsets)."""
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return None
    return codec.name if getattr(codec, "_is_text_encoding", True) else None


def _read_folder(folder: Path) -> Corpus:
    files = _FolderFiles(folder)
    corpus = documents_from_files(files, list_unsupported=False)
    corpus.problems.extend(Problem(name, "not a readable file (a broken link, a pipe…), skipped") for name in files.not_files)
    if corpus.documents.empty and not corpus.problems:
        corpus.problems.append(Problem(str(folder), f"no readable files in this folder ({', '.join(SUPPORTED_SUFFIXES)})"))
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
        rows = _csv_rows(text, MANIFEST_NAME, problems)
    except CorpusError as error:
        problems.append(Problem(MANIFEST_NAME, f"{str(error).removeprefix(f'{MANIFEST_NAME}: ')}; ignored"))
        return {}
    if rows and "file" not in rows[0][1]:
        problems.append(Problem(MANIFEST_NAME, f"no 'file' column (found {sorted(rows[0][1])}); ignored"))
        return {}
    _list_unread_columns(rows, MANIFEST_COLUMNS, MANIFEST_NAME, problems)
    entries: dict[str, dict[str, object]] = {}
    for number, row in rows:
        listed = _clean_cell(row.get("file"))
        if listed in entries:
            problems.append(Problem(MANIFEST_NAME, f"row {number} lists {listed!r} again; its first row is used"))
        elif listed:
            entries[listed] = {column: row.get(column) for column in METADATA_COLUMNS}
    return entries


def _list_unread_columns(
    rows: Sequence[tuple[int, Mapping[str, object]]], read: Sequence[str], name: str, problems: list[Problem], *, kind: str = "column"
) -> None:
    """List each column of a table (a JSON key: ``kind="key"``) that is not read, naming those that are; an unnamed
    column with nothing in it (a header's trailing comma) is not worth a line."""
    for column in dict.fromkeys(key for _, row in rows for key in row):
        if column == "" and not any(_clean_cell(row.get(column)) for _, row in rows):
            continue
        if column not in read:
            problems.append(
                Problem(name, f"the {kind} {column!r} is not read (those read: {', '.join(read)}); rename it if it holds one of them")
            )


def _csv_rows(text: str, name: str, problems: list[Problem]) -> list[tuple[int, dict[str, object]]]:
    """The rows of a CSV file by column name (stripped, lowercased); a row with more cells than the header is listed and
    skipped (an unquoted comma in its text would otherwise cut the text short).

    Raises:
        CorpusError: not a CSV file, or a column named twice.
    """
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    try:
        lines = [cells for cells in csv.reader(io.StringIO(text, newline="")) if cells]  # (a blank line is no row)
    except csv.Error as error:
        raise CorpusError(f"{name}: not a valid CSV file ({error})") from error
    if not lines:
        return []
    fields = [field.strip().lower() for field in lines[0]]
    if repeated := repeated_column([field for field in fields if field], name):  # a spreadsheet's empty columns: unnamed
        raise CorpusError(repeated)
    kept: list[tuple[int, dict[str, object]]] = []
    for number, cells in enumerate(lines[1:], start=1):
        extra = [cell for cell in cells[len(fields) :] if cell.strip()]  # empty cells beyond the header hold nothing
        if extra:
            problems.append(
                Problem(
                    name,
                    f"row {number} has {len(fields) + len(extra)} cells under a header of {len(fields)} (an unquoted comma "
                    "in the text?); quote the text, skipped",
                )
            )
            continue
        given = cells[: len(fields)] + [None] * (len(fields) - len(cells))
        kept.append((number, {field: cell for field, cell in zip(fields, given, strict=True) if field or (cell or "").strip()}))
    return kept


def repeated_column(columns: Sequence[str], name: str, *, kind: str = "column") -> str:
    """The one-line message for a CSV header naming a column twice (``columns`` stripped and lowercased), or a JSON
    object a key (``kind="key"``); "" if none."""
    twice = sorted({column for column in columns if columns.count(column) > 1})
    return f"{name}: the {kind} {twice[0]!r} appears more than once; rename or remove one" if twice else ""


class _JsonObject(dict[str, object]):
    """A JSON object that remembers its keys as written, each of them (JSON keeps the last of a key given twice)."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__(pairs)
        self.keys_written = [key for key, _ in pairs]


def _json_values(row: dict[str, object], where: str, problems: list[Problem]) -> dict[str, object] | None:
    """A JSONL row whose read values are text, numbers or null: any other (a list, an object, true/false) is listed,
    the row skipped (``None``) when it is the text, the value left empty otherwise."""
    for key in TABLE_COLUMNS:
        value = row.get(key)
        if value is None or isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool)):
            continue
        kind = "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else json.dumps(value)
        if key == "text":
            problems.append(Problem(where, f"'text' is {kind}, not a string; skipped"))
            return None
        problems.append(Problem(where, f"{key!r} is {kind}, not a string; left empty"))
        row[key] = None
    return row


def _jsonl_rows(text: str, name: str, problems: list[Problem]) -> list[tuple[int, dict[str, object]]]:
    """The objects of a JSONL file (keys stripped and lowercased) with their line numbers.

    Lines end at ``\n``, ``\r\n`` or ``\r`` only: JSON strings may hold U+2028, U+0085 and other breaks raw (a raw
    ``\r`` they may not). Listed and skipped: a line that is not a JSON object, one naming a key of its own twice
    (``text`` and ``TEXT``; a nested object's keys are not read), one whose text is not a string (see
    :func:`_json_values`).
    """
    rows = []
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            value = json.loads(line, object_pairs_hook=_JsonObject)
        except json.JSONDecodeError as error:
            problems.append(Problem(where, f"invalid JSON ({error.msg}), skipped"))
            continue
        if not isinstance(value, _JsonObject):
            problems.append(Problem(where, "not a JSON object, skipped"))
            continue
        keys = [key.strip().lower() for key in value.keys_written]  # as a CSV header's
        if repeated := repeated_column(keys, where, kind="key"):
            problems.append(Problem(where, f"{repeated.removeprefix(f'{where}: ')}; skipped"))
            continue
        value = dict(zip(keys, value.values(), strict=True))
        if any(isinstance(item, str) and _LONE_SURROGATE.search(item) for item in (*value, *value.values())):
            problems.append(Problem(where, "an escape for half a character (a lone surrogate such as \\ud800), replaced by \ufffd"))
            value = {
                _LONE_SURROGATE.sub("\ufffd", key): _LONE_SURROGATE.sub("\ufffd", item) if isinstance(item, str) else item
                for key, item in value.items()
            }
        row = _json_values(value, where, problems)
        if row is not None:
            rows.append((number, row))
    return rows


def _finish(records: list[dict[str, object]], problems: list[Problem]) -> Corpus:
    """Fill defaults and validate the metadata of one file's records; bad values become problems.

    Numeric dates are ordered day/month by the file's unambiguous dates (:func:`day_first_order`).
    """
    day_first = day_first_order(record.get("date") for record in records)
    prefetch_identifications(paragraph for record in records for paragraph in paragraphs_of(str(record["text"])))  # lingua, all cores
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
                PLACE: str(record[PLACE]),
                "outlet": outlet_name(record.get("outlet")) or UNKNOWN_OUTLET,
                "language": language,
                "date": date,
                "url": _clean_cell(record.get("url")),
                "title": _clean_cell(record.get("title")),
                "text": text,
            }
        )
    return Corpus(pd.DataFrame(finished, columns=[*DOCUMENT_COLUMNS, PLACE]), problems)


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
    return pd.DataFrame(columns=[*DOCUMENT_COLUMNS, PLACE])
