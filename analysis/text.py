"""The text stage: normalisation, language identification, paragraph split, boilerplate, tokens.

Normalisation is built textacy-style from small ``str -> str`` steps with keyword-only options,
composed per language and never globally: folding ``ي`` to ``ی`` is right for Persian and corrupts
Arabic. Boilerplate patterns live in ``data/boilerplate.toml`` (users may extend them); the
structural rules (duplicates, footers, URL-only, date-only and too-short lines) live here. Every
paragraph is either kept or dropped with a reason a person can read: nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import tomllib
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple, cast

import pandas as pd
import stopwordsiso
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from analysis.languages import ARABIC, LANGUAGE_NAMES, OTHER, PERSIAN, TARGET_LANGUAGES

DOCUMENT_COLUMNS = ("doc_id", "source", "outlet", "language", "date", "url", "title", "text")
PARAGRAPH_COLUMNS = (
    "paragraph_id",
    "doc_id",
    "source",
    "outlet",
    "language",
    "date",
    "url",
    "title",
    "position",
    "text",
    "clean_text",
    "detected_language",
    "kept",
    "drop_reason",
    "duplicate_of",
    "note",
)
MODEL_WINDOW_CHARS = 1500
"""Characters the embedding model surely reads: 512 tokens at about 3.5 characters per token (the
seeds' Persian and Arabic) is some 1,800; a kept paragraph longer than this gets a note."""

ZWNJ = "\u200c"
TATWEEL = "\u0640"

# --------------------------------------------------------------------------------------------
# Normalisation steps
# --------------------------------------------------------------------------------------------

_PRESENTATION_FORMS = re.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFE]")
# Harakat, Quranic annotation signs, superscript alef and the small high marks.
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]")
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ZWNJ_RUN = re.compile(f"{ZWNJ}+")
_STRAY_ZWNJ = re.compile(rf"(?<![^\W\d_]){ZWNJ}|{ZWNJ}(?![^\W\d_])")
_WHITESPACE = re.compile(r"\s+")


def fold_presentation_forms(text: str) -> str:
    """Fold Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFE) to base letters (NFKC)."""
    return _PRESENTATION_FORMS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def normalize_unicode(text: str) -> str:
    """Compose the text to Unicode NFC (e.g. alef + hamza above becomes one letter ``أ``)."""
    return unicodedata.normalize("NFC", text)


def remove_control_characters(text: str, *, keep_zwnj: bool = False) -> str:
    """Remove control and format characters (bidi marks, ZWJ, ZWSP, BOM), keeping whitespace.

    Args:
        text: Any text.
        keep_zwnj: Keep the zero-width non-joiner (U+200C), which is part of Persian spelling.
    """
    return _invisible_characters(keep_zwnj).sub("", text)


@cache
def _invisible_characters(keep_zwnj: bool) -> re.Pattern[str]:
    """A regex class of every control (Cc) and format (Cf) character that is not whitespace.

    Built once from the Unicode database (planes 0 and 1 and the tag block, where all of them
    are) as ranges, so long texts are cleaned at regex speed.
    """
    ranges: list[list[int]] = []
    for code in (*range(0x20000), *range(0xE0000, 0xE0080)):
        char = chr(code)
        if unicodedata.category(char) not in ("Cc", "Cf") or char.isspace() or (keep_zwnj and char == ZWNJ):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges) + "]")


def normalize_zwnj(text: str) -> str:
    """Collapse repeated ZWNJs and drop those not between two letters (edges, spaces, digits)."""
    return _STRAY_ZWNJ.sub("", _ZWNJ_RUN.sub(ZWNJ, text))


def remove_tatweel(text: str) -> str:
    """Remove the tatweel (kashida, ``ـ``), a purely typographic letter stretch."""
    return text.replace(TATWEEL, "")


def remove_diacritics(text: str) -> str:
    """Remove Arabic-script diacritics: harakat, tanwin, shadda, sukun, superscript alef, Quranic marks."""
    return _DIACRITICS.sub("", text)


class _Translation:
    """``str.translate`` with a table of single characters, done as a regex substitution of the characters it changes:
    the same text, 5–7 times faster on Persian and Arabic, where translate looks every character up in the table while
    these characters are a few in a hundred. The table must change at least one character, each into a character or
    a string (not ``None``: no deletions)."""

    def __init__(self, table: Mapping[int, int | str]) -> None:
        self.replacements = {chr(code): value if isinstance(value, str) else chr(value) for code, value in table.items()}
        self.pattern = re.compile("[" + "".join(map(re.escape, self.replacements)) + "]")

    def __call__(self, text: str) -> str:
        """The text translated."""
        return self.pattern.sub(lambda match: self.replacements[match.group()], text)


_FOLD_PERSIAN, _FOLD_ARABIC, _ASCII_DIGITS = _Translation(_PERSIAN_LETTERS), _Translation(_ARABIC_LETTERS), _Translation(_DIGITS)


def fold_persian_letters(text: str) -> str:
    """Fold Arabic letter variants to Persian ones: ``ي``/``ى`` → ``ی``, ``ك`` → ``ک``."""
    return _FOLD_PERSIAN(text)


def fold_arabic_letters(text: str) -> str:
    """Fold Persian letter variants to Arabic ones: ``ی`` → ``ي``, ``ک`` → ``ك``."""
    return _FOLD_ARABIC(text)


def normalize_digits(text: str) -> str:
    """Turn Arabic-Indic (``٠``–``٩``) and Persian (``۰``–``۹``) digits into ASCII digits."""
    return _ASCII_DIGITS(text)


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including no-break and line breaks) to one space; strip."""
    return _WHITESPACE.sub(" ", text).strip()


Step = Callable[[str], str]

_COMMON_STEPS: tuple[Step, ...] = (
    fold_presentation_forms,
    normalize_unicode,
    remove_control_characters,
    remove_tatweel,
    remove_diacritics,
)
_PIPELINES: dict[str, tuple[Step, ...]] = {
    PERSIAN: (
        fold_presentation_forms,
        normalize_unicode,
        partial(remove_control_characters, keep_zwnj=True),
        remove_tatweel,
        remove_diacritics,
        normalize_zwnj,
        fold_persian_letters,
        normalize_digits,
        normalize_whitespace,
    ),
    ARABIC: (*_COMMON_STEPS, fold_arabic_letters, normalize_digits, normalize_whitespace),
    OTHER: (*_COMMON_STEPS, normalize_digits, normalize_whitespace),
}


def compose(steps: Iterable[Step], text: str) -> str:
    """Apply normalisation steps to ``text`` in order."""
    for step in steps:
        text = step(text)
    return text


def normalize(text: str, language: str) -> str:
    """Normalise a text for embedding and matching, per language.

    Common steps (every language): fold presentation forms, NFC, strip control and bidi marks,
    remove tatweel and diacritics, ASCII digits, collapse whitespace. Persian keeps inner ZWNJs and
    folds ``ي ى ك`` to ``ی ک``; Arabic drops ZWNJs and folds ``ی ک`` to ``ي ك``. Any other
    language code (``"other"``, ``""``, ``"en"``…) gets only the common steps.
    """
    return compose(_PIPELINES.get(language, _PIPELINES[OTHER]), text)


# --------------------------------------------------------------------------------------------
# Language identification
# --------------------------------------------------------------------------------------------

_DETECTOR_LANGUAGES = (
    Language.PERSIAN,
    Language.ARABIC,
    Language.URDU,
    Language.ENGLISH,
    Language.FRENCH,
    Language.RUSSIAN,
    Language.TURKISH,
    Language.KAZAKH,
)
_LINGUA_CODES = {Language.PERSIAN: PERSIAN, Language.ARABIC: ARABIC}
CONFIDENT = 0.9
DETECTION_CHARS = 2000
"""Language identification reads at most this many characters of a text (its beginning)."""
_ARABIC_SCRIPT_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06EE-\u06FF\u0750-\u077F\u08A0-\u08FF]")
# Letters of other Arabic-script languages that standard Persian and Arabic do not use:
# Sorani Kurdish ڕ ڵ ۆ ێ ە, Urdu ٹ ڈ ڑ ں ے ۓ, Pashto ټ ډ ړ ږ ښ ګ ڼ ۍ ې ځ څ, Uyghur ۇ ۈ ۋ,
# Sindhi ٻ ٺ ٽ ٿ ڀ ڄ ڃ ڇ ڏ ڙ ڪ ڳ ڱ ڻ. (ڤ, ڨ and ڭ are left out: Arabic writes foreign v and g with them.)
_OTHER_SCRIPT_LETTERS = re.compile("[ڕڵۆێەٹڈڑںےۓټډړږښګڼۍېځڅۇۈۋٻٺٽٿڀڄڃڇڏڙڪڳڱڻ]")
OTHER_SCRIPT_SHARE = 0.05
"""Share of a text's Arabic-script letters, from the list above, that makes it ``other`` (Sorani,
Urdu and Pashto news prose have 10–20 %; a Persian or Arabic paragraph quoting one name, under 3 %)."""
# Cue letters, plus frequent function words that do not already hold a cue letter.
_PERSIAN_CUES = re.compile(f"[پچژگیک{ZWNJ}]|\\b(در|از|را|است|با|تا)\\b")
_ARABIC_CUES = re.compile(r"[ةيكى]|\b[وفبك]?ال(?=\w)|\b(عن|أن|إن|مع|هذا|هذه|قد|كان)\b")


class Identification(NamedTuple):
    """A text's language (``fa``, ``ar`` or ``other``) and whether the evidence was strong."""

    language: str
    confident: bool


@cache
def _detector() -> LanguageDetector:
    """The lingua detector, built once, restricted to the languages these corpora meet."""
    return LanguageDetectorBuilder.from_languages(*_DETECTOR_LANGUAGES).build()


_KNOWN: dict[str, Identification] = {}  # identifications recalled from earlier runs (see recall_identifications)
_MADE: dict[str, Identification] = {}  # identifications lingua made in this process


def identification_key(text: str) -> str:
    """What an identification is remembered by: a digest of the text as the detector reads it."""
    return _digest(_detector_text(text))


def _detector_text(raw: str) -> str:
    """What the detector reads of a text: the common steps on its first :data:`DETECTION_CHARS` characters."""
    return compose(_COMMON_STEPS, raw[:DETECTION_CHARS])


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def recall_identifications(known: Mapping[str, tuple[str, bool]]) -> None:
    """Use identifications made in earlier runs (``{identification_key: (language, confident)}``), so that
    a warm run need not load lingua's models; the caller reads them from disk (I/O stays at the edges)."""
    _KNOWN.update({key: Identification(language, bool(confident)) for key, (language, confident) in known.items()})


def identifications_made() -> dict[str, tuple[str, bool]]:
    """The identifications lingua made in this process, for the caller to keep."""
    return {key: (found.language, found.confident) for key, found in _MADE.items()}


IDENTIFIED_TEXTS = 2**18
"""How many texts' identifications are remembered by their text: more than a 100,000-paragraph corpus holds, which the
corpus reader identifies and the paragraph splitter identifies again (about 0.1 GB of texts kept at that size)."""


@lru_cache(maxsize=IDENTIFIED_TEXTS)
def identify_language(text: str) -> Identification:
    """Identify a text's language (a paragraph, a title, a short line) and say how sure that is.

    The text gets the common normalisation steps and only its first ``DETECTION_CHARS``
    characters are read. In order:

    1. no letter: ``other`` (confident);
    2. mostly Arabic script with at least ``OTHER_SCRIPT_SHARE`` of its letters from other
       Arabic-script languages (Sorani ڕ ڵ ۆ ێ ە, Urdu ٹ ڈ ڑ ں ے, Pashto ټ ښ ګ ې, Uyghur, Sindhi):
       ``other`` (confident): lingua, which knows no Kurdish or Pashto, calls them Persian or Arabic;
    3. the lingua detector (Persian, Arabic, Urdu, English, French, Russian, Turkish, Kazakh)
       when its best confidence reaches ``CONFIDENT`` (0.9) or the text is mostly not in Arabic
       script (confident);
    4. otherwise (short Arabic-script text, where n-gram models are unsure) cues decide, not
       confidently: Persian cues (letters پ چ ژ گ ی ک, ZWNJ, and function words such as در از را
       است) are counted against Arabic ones (letters ة ي ك ى, the article ال, and function words
       such as عن أن مع هذا قد), and the larger count wins; a tie goes to whichever of Persian and
       Arabic lingua ranks higher.
    """
    prepared = _PREPARED.pop(text, None) or _prepared(text)
    text, key = prepared.text, prepared.key
    if not prepared.letters:
        return Identification(OTHER, True)
    mostly_arabic_script = prepared.arabic_script * 2 > prepared.letters
    if prepared.other_script:
        return Identification(OTHER, True)
    if key in _KNOWN:
        return _KNOWN[key]
    if key in _MADE:  # identified earlier in this process (the lru cache above holds only so many texts)
        return _MADE[key]
    found = _identify_with_lingua(text, mostly_arabic_script, key)
    _MADE[key] = found
    return found


class _Ranking(NamedTuple):
    """What :func:`identify_language` reads of lingua's confidences: the best language and value, and the
    first of Persian and Arabic in lingua's order."""

    best: Language
    value: float
    first_target: str


_RANKED: dict[str, _Ranking] = {}  # lingua's answers computed ahead, in parallel (prefetch_identifications)
PREFETCH_MIN_TEXTS = 64
"""Fewer texts than this are identified one by one: lingua's parallel call does not pay for a handful."""


class _Prepared(NamedTuple):
    """A text as the detector reads it (the common steps on its first characters), its identification key, its
    letters and those in Arabic script, and whether it is mostly in the script of another Arabic-script language."""

    text: str
    key: str
    letters: int
    arabic_script: int
    other_script: bool


_PREPARED: dict[str, _Prepared] = {}
"""Texts :func:`prefetch_identifications` has read, as :func:`_prepared` made them, until they are identified: each
text is normalised and hashed once, not again when the corpus and the paragraph splitting both prefetch it and
when it is identified."""


PREPARED_MAX_TEXTS = 250_000
"""At most this many texts wait in :data:`_PREPARED` (a bound on its memory in a long-running server)."""


def _prepared(raw: str) -> _Prepared:
    """What :func:`identify_language` reads of a text, computed once."""
    text = _detector_text(raw)
    letters, arabic_script = _letter_counts(text)
    other_script = arabic_script * 2 > letters and len(_OTHER_SCRIPT_LETTERS.findall(text)) >= OTHER_SCRIPT_SHARE * arabic_script
    return _Prepared(text, _digest(text), letters, arabic_script, bool(letters) and other_script)


def _ranking(confidences: Sequence[Any]) -> _Ranking:
    first_target = next(_LINGUA_CODES[value.language] for value in confidences if value.language in _LINGUA_CODES)
    return _Ranking(confidences[0].language, confidences[0].value, first_target)


def prefetch_identifications(texts: Iterable[str]) -> None:
    """Let lingua read many texts at once, on every core, before :func:`identify_language` is asked about them one by one.

    Lingua's parallel call (``compute_language_confidence_values_in_parallel``) returns the same
    confidences as its one-text call; only the texts that would reach lingua are given to it (not
    those already identified in this process or recalled from earlier runs, nor those the letters
    decide). The answers wait in memory until their text is identified. Fewer than
    :data:`PREFETCH_MIN_TEXTS` such texts are left to the one-by-one path.
    """
    pending: dict[str, str] = {}
    for raw in texts:
        if raw in _PREPARED:  # read by an earlier prefetch, not identified yet
            continue
        if len(_PREPARED) >= PREPARED_MAX_TEXTS:  # texts prefetched again after being identified are never taken
            _PREPARED.clear()
        prepared = _PREPARED[raw] = _prepared(raw)
        key = prepared.key
        if key in _KNOWN or key in _MADE or key in _RANKED or key in pending or not prepared.letters or prepared.other_script:
            continue  # known, or decided by its letters: lingua is not asked
        pending[key] = prepared.text
    if len(pending) < PREFETCH_MIN_TEXTS:
        return
    found = _detector().compute_language_confidence_values_in_parallel(list(pending.values()))
    _RANKED.update((key, _ranking(confidences)) for key, confidences in zip(pending, found, strict=True))


def _letter_counts(text: str) -> tuple[int, int]:
    """How many of a text's characters are letters, and how many of those are in Arabic script."""
    letters = "".join(filter(str.isalpha, text))
    return len(letters), len(_ARABIC_SCRIPT_LETTER.findall(letters))


def _identify_with_lingua(text: str, mostly_arabic_script: bool, key: str = "") -> Identification:
    ranking = _RANKED.pop(key, None) or _ranking(_detector().compute_language_confidence_values(text))
    if ranking.value >= CONFIDENT or not mostly_arabic_script:
        return Identification(_LINGUA_CODES.get(ranking.best, OTHER), True)
    persian, arabic = len(_PERSIAN_CUES.findall(text)), len(_ARABIC_CUES.findall(text))
    if persian != arabic:
        return Identification(PERSIAN if persian > arabic else ARABIC, False)
    return Identification(ranking.first_target, False)


def detect_language(text: str) -> str:
    """Return ``"fa"``, ``"ar"`` or ``"other"`` for a text; see :func:`identify_language`."""
    return identify_language(text).language


# --------------------------------------------------------------------------------------------
# Boilerplate rules (data) and structural rules (code)
# --------------------------------------------------------------------------------------------

DEFAULT_RULES_PATH = resources.files("analysis") / "data" / "boilerplate.toml"
_RULE_LANGUAGES = frozenset({PERSIAN, ARABIC, OTHER})


@dataclass(frozen=True)
class BoilerplateRule:
    """A named set of regexes that mark a paragraph as boilerplate.

    Attributes:
        id: Short identifier, unique in the rule file.
        reason: The ``drop_reason`` written for matching paragraphs.
        patterns: Compiled regexes per language, searched in the normalised paragraph.
        max_words: When set, only paragraphs with at most this many words can match.
        starts_footer: Whether short lines after a match belong to the page footer.
    """

    id: str
    reason: str
    patterns: Mapping[str, tuple[re.Pattern[str], ...]]
    max_words: int | None = None
    starts_footer: bool = False

    def matches(self, clean_text: str, language: str, words: int | None = None) -> bool:
        """Whether the normalised paragraph, in a document of ``language``, matches this rule (``words``: its word count,
        when the caller has it)."""
        if self.max_words is not None and (len(clean_text.split()) if words is None else words) > self.max_words:
            return False
        return any(pattern.search(clean_text) for pattern in self.patterns.get(language, ()))


@dataclass(frozen=True)
class BoilerplateConfig:
    """Everything the boilerplate detector reads from a rule file."""

    rules: tuple[BoilerplateRule, ...]
    date_words: Mapping[str, frozenset[str]]
    """Per language, the lowercase words a date-only line may hold (the Latin list included)."""


def load_boilerplate(path: Path | None = None) -> BoilerplateConfig:
    """Read boilerplate rules from a TOML file (the packaged ``data/boilerplate.toml`` by default).

    Patterns and date words are normalised with each language's pipeline, so they may be written
    with either letter variant, with or without diacritics.

    Raises:
        ValueError: a rule misses a key, names an unknown language, or has an invalid regex.
    """
    source = DEFAULT_RULES_PATH if path is None else path
    config = tomllib.loads(source.read_text(encoding="utf-8"))
    rules = tuple(_parse_rule(entry, str(source)) for entry in config.get("rules", []))
    listed = config.get("date_words", {})
    latin = {normalize(word, OTHER).lower() for word in listed.get(OTHER, [])}
    date_words = {
        language: frozenset(latin | {normalize(word, language).lower() for word in listed.get(language, [])})
        for language in _RULE_LANGUAGES
    }
    return BoilerplateConfig(rules=rules, date_words=date_words)


def _parse_rule(entry: Mapping[str, object], source: str) -> BoilerplateRule:
    missing = [key for key in ("id", "reason", "languages", "patterns") if key not in entry]
    if missing:
        raise ValueError(f"{source}: rule {entry.get('id', '?')!r} is missing {', '.join(missing)}")
    languages = cast("list[str]", entry["languages"])
    unknown = set(languages) - _RULE_LANGUAGES
    if unknown:
        raise ValueError(f"{source}: rule {entry['id']!r} names unknown languages {sorted(unknown)}; use {sorted(_RULE_LANGUAGES)}")
    patterns = {
        language: tuple(_compile(normalize(pattern, language), entry["id"], source) for pattern in cast("list[str]", entry["patterns"]))
        for language in languages
    }
    return BoilerplateRule(
        id=cast(str, entry["id"]),
        reason=cast(str, entry["reason"]),
        patterns=patterns,
        max_words=cast("int | None", entry.get("max_words")),
        starts_footer=bool(entry.get("starts_footer", False)),
    )


def _compile(pattern: str, rule_id: object, source: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"{source}: rule {rule_id!r} has an invalid regex {pattern!r}: {error}") from error


@cache
def default_boilerplate() -> BoilerplateConfig:
    """The packaged boilerplate rules, read once."""
    return load_boilerplate()


EMPTY_AFTER_CLEANING = "empty after cleaning"
URL_ONLY = "URL only"
DATE_ONLY = "dateline/byline"
TOO_SHORT = "section label (too short)"
MIN_WORDS = 3
FOOTER_MAX_WORDS = 6

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w")
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_SENTENCE_PUNCTUATION = re.compile(r"[.!?؟…]")


def _is_url_only(clean_text: str) -> bool:
    return bool(_URL.search(clean_text)) and not _WORD_CHAR.search(_URL.sub("", clean_text))


def _is_date_only(clean_text: str, date_words: frozenset[str]) -> bool:
    words = _LETTERS.findall(clean_text.lower())
    return bool(_DIGIT.search(clean_text)) and all(word in date_words for word in words)


def _is_short(clean_text: str, max_words: int) -> bool:
    return len(clean_text.split()) <= max_words and not _SENTENCE_PUNCTUATION.search(clean_text)


def not_target_language(detected: str) -> str:
    """The drop reason for a paragraph in neither Persian nor Arabic."""
    return f"not Persian or Arabic (detected: {detected})"


def duplicate_of(position: int) -> str:
    """The drop reason for a repeat of the paragraph at ``position`` in the same document."""
    return f"duplicate of paragraph {position}"


def footer_after(marker_reason: str) -> str:
    """The drop reason for a short line after a footer marker (ads label, tag list, end of article)."""
    return f"footer after {marker_reason}"


def drop_reasons(
    clean_texts: Sequence[str],
    detected_languages: Sequence[str],
    language: str,
    title: str = "",
    boilerplate: BoilerplateConfig | None = None,
) -> list[str]:
    """Decide, for each paragraph of one document in order, why it is dropped ("" when kept).

    The first applicable reason wins: empty after cleaning; a boilerplate rule; URL-only;
    date-only; duplicate of an earlier paragraph; a short line after a footer marker; a line too
    short to carry a frame (fewer than 3 words, no sentence punctuation), except the headline
    (the first paragraph, or the one equal to the title); detected language not Persian or Arabic.

    Args:
        clean_texts: Normalised paragraphs of the document, in order.
        detected_languages: ``detect_language`` of each paragraph.
        language: Document language; selects the boilerplate patterns.
        title: Document title; a paragraph equal to it (normalised) is a headline.
        boilerplate: Rules to apply; the packaged ones by default.
    """
    boilerplate = default_boilerplate() if boilerplate is None else boilerplate
    rule_language = language if language in TARGET_LANGUAGES else OTHER
    clean_title = normalize(title, language)
    first_seen: dict[str, int] = {}
    footer_marker = ""
    reasons = []
    for position, (clean_text, detected) in enumerate(zip(clean_texts, detected_languages, strict=True)):
        words = len(clean_text.split())
        rule = next((rule for rule in boilerplate.rules if rule.matches(clean_text, rule_language, words)), None)
        if not _WORD_CHAR.search(clean_text):
            reason = EMPTY_AFTER_CLEANING
        elif rule is not None:
            reason = rule.reason
        elif _is_url_only(clean_text):
            reason = URL_ONLY
        elif _is_date_only(clean_text, boilerplate.date_words[rule_language]):
            reason = DATE_ONLY
        elif clean_text in first_seen:
            reason = duplicate_of(first_seen[clean_text])
        elif footer_marker and _is_short(clean_text, FOOTER_MAX_WORDS):
            reason = footer_after(footer_marker)
        elif _is_short(clean_text, MIN_WORDS - 1) and position > 0 and clean_text != clean_title:
            reason = TOO_SHORT
        elif detected not in TARGET_LANGUAGES:
            reason = not_target_language(detected)
        else:
            reason = ""
        if rule is not None and rule.starts_footer:
            footer_marker = rule.reason
        elif not _is_short(clean_text, FOOTER_MAX_WORDS):
            footer_marker = ""
        first_seen.setdefault(clean_text, position)
        reasons.append(reason)
    return reasons


# --------------------------------------------------------------------------------------------
# Paragraph split
# --------------------------------------------------------------------------------------------


def _is_blank(line: str) -> bool:
    """Whether a line holds only whitespace and invisible (control or format) characters."""
    return all(char.isspace() or unicodedata.category(char) in ("Cc", "Cf") for char in line)


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of an article: its non-blank lines, stripped."""
    return [line.strip() for line in text.splitlines() if not _is_blank(line)]


def document_language(paragraphs: Sequence[str], detected_languages: Sequence[str]) -> str:
    """Language of a document from its paragraphs: the detected language covering most characters.

    Returns ``"fa"`` or ``"ar"``, else ``"other"`` (also for a document without paragraphs).
    """
    characters: dict[str, int] = {}
    for paragraph, detected in zip(paragraphs, detected_languages, strict=True):
        characters[detected] = characters.get(detected, 0) + len(paragraph)
    if not characters:
        return OTHER
    winner = max(characters, key=characters.__getitem__)
    return winner if winner in TARGET_LANGUAGES else OTHER


def split_paragraphs(documents: pd.DataFrame, *, boilerplate: BoilerplateConfig | None = None) -> pd.DataFrame:
    """One row per paragraph of every document, cleaned, language-tagged and kept or dropped.

    Args:
        documents: Columns ``doc_id, source, outlet, language, date, url, title, text``;
            ``language`` is ``"fa"``, ``"ar"`` or ``""`` (unknown: detected from the paragraphs).
        boilerplate: Rules to apply (see :func:`load_boilerplate`); the packaged ones by default.

    Returns:
        Columns ``PARAGRAPH_COLUMNS``: ``paragraph_id`` is ``"{doc_id}:{position}"``, ``position``
        is 0-based among the document's paragraphs, ``text`` the stripped line, ``clean_text``
        its normalisation in its language, ``language`` the document's language except for a
        paragraph confidently identified as the other of Persian and Arabic (see
        :func:`paragraph_language`), ``kept`` a bool, ``drop_reason`` a short readable reason (""
        when kept), ``duplicate_of`` the ``paragraph_id`` of the first kept paragraph of another
        document with the same ``clean_text`` ("" when none: see :func:`mark_duplicates`), and
        ``note`` what a reader of a kept paragraph should know (language, length; "" when none).

    Raises:
        ValueError: ``documents`` lacks one of the required columns.
    """
    missing = [column for column in DOCUMENT_COLUMNS if column not in documents.columns]
    if missing:
        raise ValueError(f"documents is missing columns {missing}; expected {list(DOCUMENT_COLUMNS)}")
    records = documents[list(DOCUMENT_COLUMNS)].fillna("").astype(str).to_dict("records")
    paragraph_lists = [paragraphs_of(document["text"]) for document in records]
    prefetch_identifications(paragraph for paragraphs in paragraph_lists for paragraph in paragraphs)
    if sum(map(len, paragraph_lists)) >= PARALLEL_SPLIT_MIN_PARAGRAPHS and (os.cpu_count() or 1) >= 2:
        rows = _rows_on_two_cores(records, paragraph_lists, boilerplate)
    else:
        rows = [row for document in records for row in _document_rows(document, boilerplate)]
    table = pd.DataFrame(rows, columns=list(PARAGRAPH_COLUMNS)).astype({"position": "int64", "kept": "bool"})
    return mark_duplicates(table)


PARALLEL_SPLIT_MIN_PARAGRAPHS = 20_000
"""From this many paragraphs on, a worker process splits the later half of the documents while this one splits the rest."""


def _rows_on_two_cores(
    records: Sequence[Mapping[str, str]], paragraph_lists: Sequence[Sequence[str]], boilerplate: BoilerplateConfig | None
) -> list[dict[str, object]]:
    """:func:`_document_rows` of every document, the later half in a worker process (a fresh interpreter).

    The worker is given its paragraphs' language identifications, made here (lingua's answers were fetched
    ahead on every core), so it never loads lingua; its rows come back in document order after this
    process's own. Should the worker fail to start or to finish, this process splits its documents too.
    """
    cumulative = list(accumulate(len(paragraphs) for paragraphs in paragraph_lists))
    half = bisect_left(cumulative, cumulative[-1] / 2) + 1 if cumulative else 0  # about half the paragraphs each
    theirs = list(records[half:])
    identified = [[identify_language(paragraph) for paragraph in paragraphs] for paragraphs in paragraph_lists[half:]]
    pool: ProcessPoolExecutor | None = None
    future: Future[list[dict[str, object]]] | None = None
    try:
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        future = pool.submit(_split_part, theirs, identified, boilerplate)
    except (OSError, BrokenProcessPool):
        future = None
    try:
        rows = [row for document in records[:half] for row in _document_rows(document, boilerplate)]
        try:
            rows += future.result() if future is not None else _split_part(theirs, identified, boilerplate)
        except (OSError, BrokenProcessPool):
            rows += _split_part(theirs, identified, boilerplate)
        return rows
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _split_part(
    records: Sequence[Mapping[str, str]], identified: Sequence[Sequence[Identification]], boilerplate: BoilerplateConfig | None
) -> list[dict[str, object]]:
    """The rows of some documents, their paragraphs' identifications given (run in a worker process)."""
    return [row for document, found in zip(records, identified, strict=True) for row in _document_rows(document, boilerplate, found)]


def mark_duplicates(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Fill ``duplicate_of``: wire copies, the same kept paragraph in several documents.

    A kept paragraph whose ``clean_text`` (normalised: letter variants, diacritics, digits and
    spacing do not matter) equals that of a kept paragraph in an earlier document gets that
    paragraph's ``paragraph_id``. It stays kept and counted: each outlet chose to publish it.
    Repeats inside one document are already dropped (``duplicate of paragraph N``).
    """
    first: dict[str, tuple[str, str]] = {}
    originals = []
    for doc_id, paragraph_id, clean_text, kept in paragraphs[["doc_id", "paragraph_id", "clean_text", "kept"]].itertuples(index=False):
        seen_doc, seen_id = first.setdefault(clean_text, (doc_id, paragraph_id)) if kept else (doc_id, "")
        originals.append(seen_id if seen_doc != doc_id else "")
    return paragraphs.assign(duplicate_of=pd.Series(originals, index=paragraphs.index, dtype=object))


def paragraph_language(document_language: str, identification: Identification) -> tuple[str, str]:
    """The language a kept paragraph is counted in, and a note when it differs from its document's.

    A paragraph confidently identified (see :func:`identify_language`) as the other of Persian and
    Arabic is counted, normalised and scored in its own language, with a note; an unconfident
    identification leaves it in the document's language, with a note saying so.
    """
    detected = identification.language
    if document_language not in TARGET_LANGUAGES or detected not in TARGET_LANGUAGES or detected == document_language:
        return document_language, ""
    article = "an" if document_language == ARABIC else "a"
    inside = f"{LANGUAGE_NAMES[detected]} paragraph in {article} {LANGUAGE_NAMES[document_language]} document"
    if identification.confident:
        return detected, f"{inside}: counted as {LANGUAGE_NAMES[detected]}"
    return document_language, f"{inside}? (unsure): counted as {LANGUAGE_NAMES[document_language]}, like its document"


def long_paragraph_note(clean_text: str) -> str:
    """A note for a paragraph longer than the model's window (``MODEL_WINDOW_CHARS``), else ""."""
    if len(clean_text) <= MODEL_WINDOW_CHARS:
        return ""
    return (
        f"long paragraph ({len(clean_text):,} characters): the embedding model reads about its first "
        f"{MODEL_WINDOW_CHARS:,}; cue words and wording are matched in all of it"
    )


def _document_rows(
    document: Mapping[str, str], boilerplate: BoilerplateConfig | None, identified: Sequence[Identification] | None = None
) -> list[dict[str, object]]:
    paragraphs = paragraphs_of(document["text"])
    identified = [identify_language(paragraph) for paragraph in paragraphs] if identified is None else identified
    detected = [identification.language for identification in identified]
    language = document["language"].strip() or document_language(paragraphs, detected)
    clean_texts = [normalize(paragraph, language) for paragraph in paragraphs]
    reasons = drop_reasons(clean_texts, detected, language, document["title"], boilerplate)
    rows = []
    for position, (paragraph, clean_text, identification, reason) in enumerate(
        zip(paragraphs, clean_texts, identified, reasons, strict=True)
    ):
        own_language, note = paragraph_language(language, identification) if not reason else (language, "")
        if own_language != language:
            clean_text = normalize(paragraph, own_language)
        notes = [note, long_paragraph_note(clean_text) if not reason else ""]
        rows.append(
            {
                **document,
                "paragraph_id": f"{document['doc_id']}:{position}",
                "language": own_language,
                "position": position,
                "text": paragraph,
                "clean_text": clean_text,
                "detected_language": identification.language,
                "kept": not reason,
                "drop_reason": reason,
                "duplicate_of": "",
                "note": "; ".join(note for note in notes if note),
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# Tokens for word statistics
# --------------------------------------------------------------------------------------------

# Words the stopwordsiso lists miss that carry no frame in news text: reporting verbs and
# attribution ("said", "added", "according to", "news agency") and light verbs.
EXTRA_STOPWORDS = {
    PERSIAN: (
        "افزود",
        "گفت",
        "کرد",
        "کردند",
        "میکند",
        "میشود",
        "کند",
        "شدند",
        "داد",
        "دارد",
        "داشت",
        "گزارش",
        "خبرگزاری",
        "نقل",
        "اساس",
        "اظهار",
        "ادامه",
    ),
    ARABIC: (
        "وقال",
        "قال",
        "قالت",
        "أضاف",
        "وأضاف",
        "وأضافت",
        "أضافت",
        "وأوضح",
        "أوضح",
        "أكد",
        "وأكد",
        "وتابع",
        "تابع",
        "قائلا",
        "أنه",
        "أنها",
        "إنه",
        "وفقا",
        "بحسب",
        "وبحسب",
        "حيث",
        "خلال",
        "لذلك",
    ),
}
_TOKEN = re.compile(rf"[^\W\d_]+(?:{ZWNJ}[^\W\d_]+)*")
# Folded for matching only: alef variants to bare alef, Persian heh with hamza (ezafe) to heh.
_MATCHING_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ۀ": "ه"})
_MATCHING = _Translation(_MATCHING_LETTERS)
_FINAL_TA_MARBUTA = re.compile(r"ة\b")
STOPWORDS_PATH = resources.files("analysis") / "data" / "stopwords.toml"

# A word as written in the raw text: letters, with the diacritics, tatweel, ZWJ and soft hyphen
# that sit inside words, and inner ZWNJs. Every other invisible character (zero-width space, bidi
# marks) and every space, digit or punctuation mark ends a word: two words are never glued.
_IN_WORD = r"[^\W\d_]|[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED\u0640\u200d\u00ad]"
_RAW_WORD = re.compile(rf"(?:{_IN_WORD})+(?:{ZWNJ}+(?:{_IN_WORD})+)*")
_JOINABLE_GAP = re.compile(rf"[\s{ZWNJ}]+")
# Persian pieces written apart from their word when the ZWNJ was typed as a space: suffixes
# joined to the word before, prefixes to the word after ("می شود", "بین المللی").
PERSIAN_BOUND_SUFFIXES = frozenset({"ها", "های", "هایی", "هایش", "هایشان", "هایمان", "هایتان", "ای", "تر", "ترین", "اند"})
PERSIAN_BOUND_PREFIXES = frozenset({"می", "نمی"})
PERSIAN_ARABIC_COMPOUND_HEADS = frozenset({"بین", "فوق"})
"""Words joined to a following word that starts with the Arabic article, as in بین‌المللی, فوق‌العاده."""


class WordSpan(NamedTuple):
    """One word of a text, where it is and how it is spelled."""

    start: int
    """Offset of its first character in the text given."""
    end: int
    """Offset just after its last character."""
    surface: str
    """Its spelling as written, normalised for the language (no diacritics, the language's letter
    variants, inner ZWNJs kept): what a reader is shown."""
    form: str
    """Its matching form (:func:`matching_form`): what words are counted and matched on."""


def matching_form(text: str, language: str) -> str:
    """The form words are matched on, by the tokenizer and by cue words alike.

    Normalised for the language, alef variants (أ إ آ ٱ) folded to ا, ۀ to ه, a final ة to ه, and
    lowercased, so that spelling variants of one word match.
    """
    return _folded(text, language).lower()


def matching_form_of_normalized(normalized: str) -> str:
    """:func:`matching_form` of a text already normalised (:func:`normalize`): ``matching_form(text, language) ==
    matching_form_of_normalized(normalize(text, language))``, without normalising the text a second time."""
    return _FINAL_TA_MARBUTA.sub("ه", _MATCHING(normalized)).lower()


def fold_letters(word: str) -> str:
    """A normalised word with alef variants (أ إ آ ٱ) folded to ا and ۀ to ه, lowercased; ة is kept
    (:func:`matching_form` folds it too), so that a stemmer can still tell ة from the pronoun ه."""
    return _MATCHING(word).lower()


def _folded(text: str, language: str) -> str:
    return _FINAL_TA_MARBUTA.sub("ه", _MATCHING(normalize(text, language)))


def _matching_tokens(text: str, language: str) -> list[str]:
    """Words of ``text`` in matching form (:func:`matching_form`)."""
    return [token.lower() for token in _TOKEN.findall(_folded(text, language))]


def word_spans(text: str, language: str) -> list[WordSpan]:
    """Every word of a raw text, with its place in it, its spelling and its matching form.

    Words are found in the text as written (so their offsets point into it), not in its
    normalisation: an invisible character other than ZWNJ between two letters (a zero-width space, a
    bidi mark) separates them instead of being deleted and gluing them. A Persian word keeps its
    inner ZWNJs, and Persian pieces written apart (``می شود``, ``کشور ها``, ``بین المللی``, with a
    space where the ZWNJ belongs) are joined back into one word, spelled with a ZWNJ. Digits and
    punctuation are not words; stopwords are kept (see :func:`content_words`).
    """
    spans: list[WordSpan] = []
    for match in _RAW_WORD.finditer(text):
        surface = normalize(match.group(), language).strip(ZWNJ)
        if not surface:
            continue
        word = WordSpan(match.start(), match.end(), surface, matching_form(surface, language))
        if spans and language == PERSIAN and _joins_persian(spans[-1], word, text):
            previous = spans.pop()
            surface = f"{previous.surface}{ZWNJ}{word.surface}"
            word = WordSpan(previous.start, word.end, surface, matching_form(surface, language))
        spans.append(word)
    return spans


def _joins_persian(previous: WordSpan, word: WordSpan, text: str) -> bool:
    """Whether two Persian words separated only by spaces or a ZWNJ are the pieces of one word."""
    if not _JOINABLE_GAP.fullmatch(text[previous.end : word.start]):
        return False
    return (
        word.surface in PERSIAN_BOUND_SUFFIXES
        or (previous.surface in PERSIAN_BOUND_PREFIXES and ZWNJ not in previous.surface)
        or (previous.surface in PERSIAN_ARABIC_COMPOUND_HEADS and word.surface.startswith("ال") and len(word.surface) > 3)
    )


@cache
def stopwords(language: str) -> frozenset[str]:
    """Stopwords in matching form: stopwordsiso's list for the language, ``EXTRA_STOPWORDS`` and the
    one-word entries of ``data/stopwords.toml`` (outlets, news agencies, datelines).

    Persian entries spelled with a ZWNJ are also kept without it, since scraped text often loses
    it. Any language other than Persian and Arabic gets every list.
    """
    languages = (language,) if language in TARGET_LANGUAGES else TARGET_LANGUAGES
    listed = _listed_stopwords()
    words = {word for code in languages for word in (*stopwordsiso.stopwords(code), *EXTRA_STOPWORDS[code], *listed.get(code, ()))}
    matching = {tuple(_matching_tokens(word, language)) for word in words}
    singles = {tokens[0] for tokens in matching if len(tokens) == 1}
    return frozenset(singles | {word.replace(ZWNJ, "") for word in singles})


@cache
def stop_phrases(language: str) -> tuple[tuple[str, ...], ...]:
    """The entries of ``data/stopwords.toml`` of several words, as matching forms without ZWNJ."""
    languages = (language,) if language in TARGET_LANGUAGES else TARGET_LANGUAGES
    listed = _listed_stopwords()
    phrases = {phrase_forms(entry, language) for code in languages for entry in listed.get(code, ())}
    return tuple(sorted(phrase for phrase in phrases if len(phrase) > 1))


def phrase_forms(text: str, language: str) -> tuple[str, ...]:
    """The words of a phrase as :func:`content_words` compares them: matching forms without ZWNJ."""
    return tuple(span.form.replace(ZWNJ, "") for span in word_spans(text, language))


@cache
def _listed_stopwords() -> dict[str, tuple[str, ...]]:
    """Per language, every entry of ``data/stopwords.toml`` (all its lists)."""
    config = tomllib.loads(STOPWORDS_PATH.read_text(encoding="utf-8"))
    return {
        language: tuple(str(entry) for entries in lists.values() for entry in entries)
        for language, lists in config.items()
        if isinstance(lists, dict)
    }


def content_words(text: str, language: str, extra_phrases: Iterable[Sequence[str]] = ()) -> list[WordSpan]:
    """The words of a text that can be distinctive: :func:`word_spans` without stopwords, one-letter
    words, and the words of a stop phrase (``data/stopwords.toml``, or ``extra_phrases``, given as
    :func:`phrase_forms`, e.g. the corpus's outlet names) where they follow each other."""
    spans = word_spans(text, language)
    keys = [span.form.replace(ZWNJ, "") for span in spans]
    covered = [False] * len(spans)
    for phrase in {*stop_phrases(language), *(tuple(phrase) for phrase in extra_phrases if phrase)}:
        size = len(phrase)
        for index in range(len(spans) - size + 1):
            if tuple(keys[index : index + size]) == phrase:
                covered[index : index + size] = [True] * size
    stop = stopwords(language)
    return [
        span
        for span, key, dropped in zip(spans, keys, covered, strict=True)
        if not dropped and len(key) > 1 and span.form not in stop and key not in stop
    ]


def tokenize(text: str, language: str) -> list[str]:
    """Split a text into words for distinctive-word statistics: the matching forms of its
    :func:`content_words`.

    Normalises for the language, folds alef variants (أ إ آ ٱ → ا), ۀ → ه and final ة → ه for matching,
    keeps ZWNJ-joined Persian words whole (and joins Persian pieces written apart), never glues two
    words, lowercases Latin, and drops digits, punctuation, one-letter tokens, stopwords (see
    :func:`stopwords`) and stop phrases (see :func:`stop_phrases`).
    """
    return [span.form for span in content_words(text, language)]
