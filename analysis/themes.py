"""Themes as data, and scoring paragraphs against them.

A theme file (TOML, see ``analysis/data/themes.toml``) lists background sentences and, per theme,
an id, a label, a threshold, and descriptions, example sentences, near misses and cue words in any
languages. Its ``[scoring] labelled`` entry may name a CSV of labelled paragraphs (the format of
``analysis.labels``) that the themes also learn from.

Scoring (explained in README.md, "How a paragraph gets a theme"): for each theme, two small
logistic regressions are fitted, on the spot, on the same training texts. On one side are the
theme's descriptions and examples and the labelled paragraphs that carry it; on the other, the
background sentences, every theme's near misses, the other themes' descriptions and examples and
the labelled paragraphs that do not carry it. One classifier reads the texts' multilingual
embeddings (meaning), the other their character n-grams (wording). A paragraph's score is the
sum of the two decision values, each in units of its spread over the training texts (so 0 is
the boundary), the wording one times ``wording_weight``, plus ``cue_weight`` when one of the
theme's cue words occurs in it and none of the file's ``[denials]`` markers for its language
does. With ``units = "sentences"`` the paragraph's score is the best of the paragraph's and its
sentences' scores. A paragraph carries every theme whose score reaches that theme's threshold:
several, or none.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from analysis.labels import NOT_LABELLED, RESERVED_THEME_IDS, LabelsError, load_labels
from analysis.text import matching_form, normalize

DATA_FOLDER = Path(__file__).parent / "data"
DEFAULT_THEMES_PATH = DATA_FOLDER / "themes.toml"
BUNDLED_LABELLED = "labelled_paragraphs.csv"
THEME_ID = re.compile(r"^[a-z0-9_]+$")
ANCHOR_LANGUAGES = ("fa", "ar", "en")
_SENTENCE_END = re.compile(r"(?<=[.!?؟؛…])\s+|(?<=[.!?؟؛…][»\"”'])\s+")
_MIN_SENTENCE_WORDS = 4
_ARABIC_CLITICS = "(?:[وف]?[بلكس]?(?:ال|لل)?)"
EmbedFunction = Callable[[Sequence[str]], np.ndarray]
_MATCHES_EVERYTHING = " (tatweel, diacritics and invisible marks are removed), so it would match every paragraph; remove it"


class ThemeError(ValueError):
    """A themes file is invalid; the message says where and why."""


@dataclass(frozen=True)
class Theme:
    """One frame to look for."""

    id: str
    label: str
    threshold: float
    descriptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    near_misses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    cue_weight: float | None = None
    denial_weight: float | None = None

    def anchors(self) -> list[tuple[str, str]]:
        """Return ``(language, sentence)`` for every description and example (what carries the theme)."""
        return _pairs(self.descriptions, self.examples)


UNITS = ("paragraph", "sentences")


@dataclass(frozen=True)
class ScoringSettings:
    """Knobs of the scoring method, stored in the themes file's ``[scoring]`` table.

    Attributes:
        c: scikit-learn's ``C`` for each theme's logistic regressions; smaller keeps the boundary
            smoother (less tied to single training texts).
        cue_weight: added to a score when one of the theme's cue words occurs, in score units
            (a decision value's spread over the training texts).
        units: ``paragraph`` scores the whole paragraph; ``sentences`` takes the best of the
            paragraph and each of its sentences.
        denial_weight: subtracted from a score when one of the themes file's denial markers
            (``[denials]``) occurs; a unit with a denial marker never earns the cue bonus either.
        wording_weight: weight of the character n-gram classifier's decision value (0 turns it off).
        labelled: a CSV of labelled paragraphs to learn from, as written in the file: a file
            inside the themes file's folder, or the bundled file's name for the bundled
            paragraphs; empty for none.
        event_balance: how far each event's labelled paragraphs are weighted towards an equal
            share of the training (0: every paragraph weighs the same; 1: every event weighs the
            same), so that a large event does not teach the themes its own vocabulary.
        mask_event_words: in the wording features, words found almost only in one event's
            labelled paragraphs (place, person and organisation names, mostly) are masked.
        marks_weight: how much one of the researcher's marks weighs against one labelled
            paragraph (see :func:`training_weights`).
    """

    c: float = 10.0
    cue_weight: float = 0.5
    units: str = "paragraph"
    denial_weight: float = 0.0
    wording_weight: float = 1.0
    labelled: str = ""
    event_balance: float = 0.0
    mask_event_words: bool = False
    marks_weight: float = 3.0


THEME_KEYS = tuple(entry.name for entry in fields(Theme))
"""The keys of a ``[[theme]]`` table (its sentence lists map languages, any, to sentences)."""
SCORING_KEYS = tuple(entry.name for entry in fields(ScoringSettings))
"""The keys of the ``[scoring]`` table."""
RETIRED_SCORING_KEYS = ("knn_weight", "top_k", "margin", "marks_share")
"""``[scoring]`` keys of earlier versions (0.1 to 0.3): a file that still carries one is read, the key ignored."""
FILE_KEYS = ("version", "scoring", "background", "denials", "theme")
"""The top-level keys and tables of a themes file (``[background]`` and ``[denials]`` map languages, any, to sentences)."""


@dataclass(frozen=True)
class LabelledParagraphs:
    """Labelled paragraphs the themes learn from: texts as written, their languages, articles, events and 0/1 labels."""

    raw_texts: tuple[str, ...]
    languages: tuple[str, ...]
    doc_ids: tuple[str, ...]
    labels: Mapping[str, tuple[int, ...]]
    events: tuple[str, ...]

    @classmethod
    def from_table(cls, table: pd.DataFrame, theme_ids: Sequence[str]) -> LabelledParagraphs:
        """Build them from a labels table (``analysis.labels``)."""
        return cls(
            raw_texts=tuple(table["text"]),
            languages=tuple(table["language"]),
            doc_ids=tuple(table["doc_id"]),
            labels={theme_id: tuple(int(value) for value in table[theme_id]) for theme_id in theme_ids if theme_id in table.columns},
            events=tuple(table["event"]) if "event" in table.columns else ("",) * len(table),
        )

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """The texts normalised per language (computed when first needed: a stored scorer never needs them)."""
        return tuple(normalize(text, language) for text, language in zip(self.raw_texts, self.languages, strict=True))

    def documents_of_event(self, event: str) -> set[str]:
        """The articles of one event."""
        return {doc_id for doc_id, their_event in zip(self.doc_ids, self.events, strict=True) if their_event == event}

    @classmethod
    def concat(cls, parts: Sequence[LabelledParagraphs]) -> LabelledParagraphs:
        """The paragraphs of several parts, in order; a theme a part has no labels for is blank there."""
        theme_ids = list(dict.fromkeys(theme_id for part in parts for theme_id in part.labels))
        return cls(
            raw_texts=tuple(text for part in parts for text in part.raw_texts),
            languages=tuple(language for part in parts for language in part.languages),
            doc_ids=tuple(doc_id for part in parts for doc_id in part.doc_ids),
            labels={
                theme_id: tuple(value for part in parts for value in part.labels.get(theme_id, (NOT_LABELLED,) * len(part.raw_texts)))
                for theme_id in theme_ids
            },
            events=tuple(event for part in parts for event in part.events),
        )

    def without_documents(self, doc_ids: set[str]) -> LabelledParagraphs:
        """Return a copy without the paragraphs of some articles (for cross-fitting)."""
        keep = [row for row, doc_id in enumerate(self.doc_ids) if doc_id not in doc_ids]

        def kept(values: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(values[row] for row in keep)

        return LabelledParagraphs(
            raw_texts=kept(self.raw_texts),
            languages=kept(self.languages),
            doc_ids=kept(self.doc_ids),
            labels={theme_id: kept(values) for theme_id, values in self.labels.items()},
            events=kept(self.events),
        )


@dataclass(frozen=True)
class ThemeSet:
    """The themes of a run, the background sentences, and the scoring settings."""

    themes: tuple[Theme, ...]
    background: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    denials: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    labelled: LabelledParagraphs | None = None
    marks: LabelledParagraphs | None = None

    @cached_property
    def taught(self) -> LabelledParagraphs | None:
        """Every labelled paragraph the themes learn from: the themes file's, then the researcher's marks."""
        parts = [part for part in (self.labelled, self.marks) if part is not None]
        return parts[0] if len(parts) == 1 else LabelledParagraphs.concat(parts) if parts else None

    def without_documents(self, doc_ids: set[str]) -> ThemeSet:
        """A copy whose labelled paragraphs and marks leave out some articles (for cross-fitting)."""
        return replace(
            self,
            labelled=self.labelled.without_documents(doc_ids) if self.labelled is not None else None,
            marks=self.marks.without_documents(doc_ids) if self.marks is not None else None,
        )

    @property
    def ids(self) -> list[str]:
        """Theme ids in file order."""
        return [theme.id for theme in self.themes]

    def thresholds(self) -> dict[str, float]:
        """Return ``{theme id: threshold}``."""
        return {theme.id: theme.threshold for theme in self.themes}

    def with_thresholds(self, thresholds: Mapping[str, float]) -> ThemeSet:
        """Return a copy with some thresholds replaced."""
        themes = tuple(replace(theme, threshold=float(thresholds.get(theme.id, theme.threshold))) for theme in self.themes)
        return replace(self, themes=themes)

    def digest(self) -> str:
        """Return a short hash of the canonical TOML form and the labelled paragraphs (for run metadata)."""
        digest = hashlib.sha256(themes_to_toml(self).encode())
        for part in (self.labelled, self.marks):
            if part is not None:
                digest.update(repr((part.raw_texts, part.languages, part.doc_ids, sorted(part.labels.items()))).encode())
        return digest.hexdigest()[:16]

    def label(self, theme_id: str) -> str:
        """Return the label of a theme id."""
        return next(theme.label for theme in self.themes if theme.id == theme_id)


def load_themes(path: str | Path | None = None) -> ThemeSet:
    """Read a themes file (the default one when ``path`` is None).

    Raises:
        ThemeError: the file is missing, not TOML, or not a valid themes file.
    """
    path = Path(path) if path else DEFAULT_THEMES_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ThemeError(f"{path}: no such themes file") from error
    except UnicodeDecodeError as error:
        raise ThemeError(f"{path}: not UTF-8 text") from error
    return with_labelled(parse_themes(text, source=str(path)), path.parent, source=str(path))


def themes_from_upload(text: str, source: str = "themes") -> ThemeSet:
    """Parse a themes file that came without a folder (an upload): it may not name files on the server.

    Its ``[scoring] labelled`` may only name the bundled labelled paragraphs (their file name).

    Raises:
        ThemeError: the file is invalid or names another file.
    """
    return with_labelled(parse_themes(text, source=source), None, source=source)


def with_labelled(themes: ThemeSet, folder: Path | None, source: str = "themes") -> ThemeSet:
    """Load the labelled paragraphs the themes file names (``[scoring] labelled``).

    A relative path is looked up inside ``folder`` only (absolute paths and ``..`` are refused);
    the bundled file's name, when no such file is in ``folder``, means the bundled paragraphs.
    Without a folder (an upload) only the bundled name is accepted.

    Raises:
        ThemeError: the reference is refused, missing, or not a labels file.
    """
    reference = themes.scoring.labelled
    if not reference:
        return themes
    path = _labelled_path(reference, folder, source)
    stat = path.stat()
    return replace(themes, labelled=_read_labelled(str(path.resolve()), stat.st_mtime_ns, stat.st_size, tuple(themes.ids), source))


@lru_cache(maxsize=32)
def parse_themes(text: str, source: str = "themes") -> ThemeSet:
    """Parse and validate the TOML text of a themes file (reads nothing: see :func:`with_labelled`).

    The same text gives the same (immutable) theme set, parsed once: the dashboard asks at every rerun."""
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # a byte-order mark, as some editors save UTF-8
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"{source}: not valid TOML ({error})") from error
    raw_themes = data.get("theme")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ThemeError(f"{source}: no [[theme]] tables; a themes file needs at least one theme")
    _refuse_unknown_keys(data, FILE_KEYS, source)
    themes = tuple(_parse_theme(raw, f"{source}: theme #{number}") for number, raw in enumerate(raw_themes, 1))
    ids = [theme.id for theme in themes]
    duplicates = sorted({theme_id for theme_id in ids if ids.count(theme_id) > 1})
    if duplicates:
        raise ThemeError(f"{source}: duplicate theme ids {duplicates}")
    _refuse_shared_labels(themes, source)
    scoring = data.get("scoring", {})
    if not isinstance(scoring, dict):
        raise ThemeError(f"{source}: [scoring] must be a table")
    _refuse_unknown_keys(
        {key: value for key, value in scoring.items() if key not in RETIRED_SCORING_KEYS}, SCORING_KEYS, f"{source}: [scoring]"
    )
    try:
        settings = ScoringSettings(
            c=float(scoring.get("c", ScoringSettings.c)),
            cue_weight=float(scoring.get("cue_weight", ScoringSettings.cue_weight)),
            units=str(scoring.get("units", ScoringSettings.units)),
            denial_weight=float(scoring.get("denial_weight", ScoringSettings.denial_weight)),
            wording_weight=float(scoring.get("wording_weight", ScoringSettings.wording_weight)),
            labelled=str(scoring.get("labelled", ScoringSettings.labelled)).strip(),
            event_balance=float(scoring.get("event_balance", ScoringSettings.event_balance)),
            marks_weight=float(scoring.get("marks_weight", ScoringSettings.marks_weight)),
        )
    except (TypeError, ValueError) as error:
        raise ThemeError(f"{source}: [scoring] needs numeric c, cue_weight, denial_weight, wording_weight and event_balance") from error
    settings = replace(settings, mask_event_words=_boolean(scoring.get("mask_event_words", False), f"{source}: [scoring] mask_event_words"))
    for name in ("c", "cue_weight", "denial_weight", "wording_weight", "event_balance", "marks_weight"):
        _require_finite(getattr(settings, name), f"{source}: [scoring] {name}")
    if not 0 <= settings.event_balance <= 1:
        raise ThemeError(f"{source}: [scoring] event_balance must be between 0 and 1, not {settings.event_balance}")
    if not settings.marks_weight > 0:
        raise ThemeError(f"{source}: [scoring] marks_weight must be greater than 0")
    if not settings.c > 0:
        raise ThemeError(f"{source}: [scoring] c must be greater than 0")
    if settings.units not in UNITS:
        raise ThemeError(f"{source}: [scoring] units must be one of {list(UNITS)}, not {settings.units!r}")
    background = _language_lists(data.get("background", {}), f"{source}: [background]")
    denials = _language_lists(data.get("denials", {}), f"{source}: [denials]")
    if empty := _empty_once_normalised(denials):
        language, marker = empty
        raise ThemeError(f"{source}: [denials] marker {marker!r} ({language}) is empty once normalised{_MATCHES_EVERYTHING}")
    if len(themes) == 1 and not background and not themes[0].near_misses:
        raise ThemeError(
            f"{source}: a single theme needs sentences that do not carry it, to be told apart from them: "
            "add [background] sentences or near_misses"
        )
    return ThemeSet(themes, background, settings, denials)


def themes_to_toml(themes: ThemeSet) -> str:
    """Serialise a theme set to the TOML format :func:`parse_themes` reads."""
    scoring: dict[str, object] = {
        "c": themes.scoring.c,
        "cue_weight": themes.scoring.cue_weight,
        "units": themes.scoring.units,
        "wording_weight": themes.scoring.wording_weight,
    }
    for name in ("denial_weight", "labelled", "event_balance", "mask_event_words", "marks_weight"):
        if getattr(themes.scoring, name):
            scoring[name] = getattr(themes.scoring, name)
    data = {
        "version": 1,
        "scoring": scoring,
        "background": {language: list(texts) for language, texts in themes.background.items()},
        "denials": {language: list(texts) for language, texts in themes.denials.items()},
        "theme": [_theme_table(theme) for theme in themes.themes],
    }
    if not themes.denials:
        del data["denials"]
    return tomli_w.dumps(data)


def _theme_table(theme: Theme) -> dict[str, object]:
    table: dict[str, object] = {"id": theme.id, "label": theme.label, "threshold": theme.threshold}
    for name in ("cue_weight", "denial_weight"):
        if getattr(theme, name) is not None:
            table[name] = getattr(theme, name)
    table |= {
        "descriptions": {language: list(texts) for language, texts in theme.descriptions.items()},
        "examples": {language: list(texts) for language, texts in theme.examples.items()},
        "cues": {language: list(texts) for language, texts in theme.cues.items()},
        "near_misses": {language: list(texts) for language, texts in theme.near_misses.items()},
    }
    return table


def lines_to_sentences(text: str) -> tuple[str, ...]:
    """Read an editor's text: one sentence (or cue) per line, blank lines ignored."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def add_theme(themes: ThemeSet, theme: Theme) -> ThemeSet:
    """Return a validated copy with ``theme`` appended.

    Raises:
        ThemeError: the id is taken or invalid, or the theme has no description or example.
    """
    if theme.id in themes.ids:
        raise ThemeError(f"a theme with id {theme.id!r} already exists; choose another id")
    return _validated(replace(themes, themes=(*themes.themes, theme)))


def replace_theme(themes: ThemeSet, theme: Theme) -> ThemeSet:
    """Return a validated copy where ``theme`` replaces the theme with the same id.

    Raises:
        ThemeError: no theme has this id, or the edited theme is invalid.
    """
    if theme.id not in themes.ids:
        raise ThemeError(f"no theme with id {theme.id!r} to edit")
    return _validated(replace(themes, themes=tuple(theme if old.id == theme.id else old for old in themes.themes)))


def _validated(themes: ThemeSet) -> ThemeSet:
    """Check an edited theme set by the same rules as a themes file (a TOML round trip)."""
    return replace(parse_themes(themes_to_toml(themes), source="edited themes"), labelled=themes.labelled, marks=themes.marks)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences of at least a few words (short pieces join the previous)."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if sentences and len(piece.split()) < _MIN_SENTENCE_WORDS:
            sentences[-1] = f"{sentences[-1]} {piece}"
        elif piece:
            sentences.append(piece)
    return sentences


def match_form(text: str, language: str) -> str:
    """Return the form cue words are matched on: the tokenizer's (:func:`analysis.text.matching_form`)."""
    return matching_form(text, language)


def has_cue(text: str, language: str, theme: Theme) -> bool:
    """Whether one of the theme's cues (in any language) occurs in ``text`` at a word start."""
    pattern = cue_pattern(theme)
    return pattern is not None and pattern.search(match_form(text, language)) is not None


def cue_pattern(theme: Theme) -> re.Pattern[str] | None:
    """One pattern for all of the theme's cues (in any language), searched in a matching form; None without cues.

    It matches a form exactly when one of :func:`cue_hits`' per-cue patterns does (an alternation of
    them after one shared look-behind), and searches it once instead of once per cue.
    """
    return _combined_cues(tuple((language, cue) for language, cues in theme.cues.items() for cue in cues))


def denial_pattern(themes: ThemeSet, language: str) -> re.Pattern[str] | None:
    """One pattern for the themes file's denial markers of ``language`` (see :func:`denial_hits`); None without any."""
    return _combined_cues(tuple((language, marker) for marker in themes.denials.get(language, ())))


def cue_flags(forms: Sequence[str], theme: Theme) -> np.ndarray:
    """For texts already in matching form (:func:`match_form`), whether each holds one of the theme's cues.

    The same answers as :func:`has_cue` on the texts, with the matching form made once per text and
    one search per text instead of one per cue.
    """
    pattern = cue_pattern(theme)
    if pattern is None:
        return np.zeros(len(forms), dtype=bool)
    search = pattern.search
    return np.fromiter((search(form) is not None for form in forms), dtype=bool, count=len(forms))


def denial_flags(forms: Sequence[str], languages: Sequence[str], themes: ThemeSet) -> np.ndarray:
    """For texts in matching form and their languages, whether each holds a denial marker of its language (as :func:`denial_hits`)."""
    patterns = {language: denial_pattern(themes, language) for language in set(languages)}
    return np.fromiter(
        (
            (pattern := patterns[language]) is not None and pattern.search(form) is not None
            for form, language in zip(forms, languages, strict=True)
        ),
        dtype=bool,
        count=len(forms),
    )


def cue_hits(text: str, language: str, theme: Theme) -> list[str]:
    """Return the theme's cues (in any language) that occur in ``text`` at a word start."""
    form = match_form(text, language)
    return [cue for cue, pattern in _cue_patterns(theme) if pattern.search(form)]


def denial_hits(text: str, language: str, themes: ThemeSet) -> list[str]:
    """Return the themes file's denial markers for ``language`` that occur in ``text`` at a word start.

    Unlike cues, denial markers only apply to text of their own language: short function words
    are too ambiguous across languages (Arabic «نفت» "she denied" is Persian «نفت» "oil").
    """
    form = match_form(text, language)
    markers = tuple((language, marker) for marker in themes.denials.get(language, ()))
    return [marker for marker, pattern in _compiled_cues(markers) if pattern.search(form)]


def training_texts(themes: ThemeSet) -> list[str]:
    """Every distinct normalised training text: the themes file's sentences, then the labelled paragraphs."""
    sentences = _normalised(_pairs(themes.background))
    for theme in themes.themes:
        sentences += _normalised(theme.anchors()) + _normalised(_pairs(theme.near_misses))
    if themes.taught is not None:
        sentences += list(themes.taught.texts)
    return list(dict.fromkeys(sentences))


def training_sources(themes: ThemeSet, theme: Theme) -> tuple[list[tuple[str, str]], list[int]]:
    """What one theme learns from, as written: ``(language, text)`` pairs and their 0/1 targets.

    Positives are the theme's descriptions and examples; negatives the background and its near
    misses. The labelled paragraphs (and marks) labelled for the theme follow. A theme without
    labelled paragraphs also takes the other themes' sentences as negatives; a theme with them
    depends on no other theme's sentences, so editing one theme refits only that theme.
    """
    rows = labelled_rows(themes, theme)
    negatives = _pairs(themes.background) + _pairs(theme.near_misses)
    if not rows:
        for other in themes.themes:
            if other.id != theme.id:
                negatives += _pairs(other.near_misses) + other.anchors()
    positives = theme.anchors()
    sources, target = positives + negatives, [1] * len(positives) + [0] * len(negatives)
    taught = themes.taught
    for row in rows:
        sources.append((taught.languages[row], taught.raw_texts[row]))  # type: ignore[union-attr]
        target.append(taught.labels[theme.id][row])  # type: ignore[union-attr]
    return sources, target


def training_weights(themes: ThemeSet, theme: Theme) -> np.ndarray:
    """A weight per training text (:func:`training_sources` order).

    Sentences weigh 1. With ``event_balance`` b, a labelled paragraph of an event with n of the
    theme's N labelled paragraphs over E events weighs (N / (E n)) ** b. A researcher's mark
    weighs ``marks_weight``: the marks are about the event being studied.
    """
    rows = labelled_rows(themes, theme)
    sentences = len(training_sources(themes, theme)[0]) - len(rows)
    weights = np.ones(sentences + len(rows))
    taught = themes.taught
    if not rows or taught is None:
        return weights
    bundled = len(themes.labelled.raw_texts) if themes.labelled is not None else 0
    is_mark = np.array([row >= bundled for row in rows])
    labelled = [row for row in rows if row < bundled]
    if labelled and themes.scoring.event_balance:
        events = pd.Series([taught.events[row] or f"doc:{taught.doc_ids[row]}" for row in labelled])
        sizes = events.map(events.value_counts())
        weights[sentences:][~is_mark] = (len(labelled) / (events.nunique() * sizes.to_numpy())) ** themes.scoring.event_balance
    weights[sentences:][is_mark] = themes.scoring.marks_weight
    return weights


def labelled_rows(themes: ThemeSet, theme: Theme) -> list[int]:
    """The labelled paragraphs and marks (rows of ``themes.taught``) that are labelled for a theme (not blank)."""
    taught = themes.taught
    if taught is None or theme.id not in taught.labels:
        return []
    return [row for row, value in enumerate(taught.labels[theme.id]) if value != NOT_LABELLED]


def training_set(themes: ThemeSet, theme: Theme) -> tuple[list[str], np.ndarray]:
    """The normalised training texts of one theme (see :func:`training_sources`) and their 0/1 targets."""
    sources, target = training_sources(themes, theme)
    rows = labelled_rows(themes, theme)
    texts = _normalised(sources[: len(sources) - len(rows)])
    if rows and themes.taught is not None:
        texts += [themes.taught.texts[row] for row in rows]
    return texts, np.asarray(target)


def vocabulary_sources(themes: ThemeSet, theme: Theme) -> list[tuple[str, str]]:
    """The texts, as written, that a theme's n-gram vocabulary is fitted on.

    With labelled paragraphs: the background and every labelled paragraph, shared by all themes
    (so a theme edit changes no vocabulary); otherwise the theme's own training texts. A
    researcher's marks never enter it: they are turned into features with it, so marking refits
    only the classifiers of the themes marked.
    """
    labelled = themes.labelled
    if labelled is not None and theme.id in labelled.labels:
        return _pairs(themes.background) + list(zip(labelled.languages, labelled.raw_texts, strict=True))
    return training_sources(replace(themes, marks=None), theme)[0]


def _labelled_path(reference: str, folder: Path | None, source: str) -> Path:
    """Where a themes file's labelled paragraphs are (see :func:`with_labelled`).

    Raises:
        ThemeError: an absolute path, a ``..`` escape, a file name from an upload, or no such file.
    """
    where = f"{source}: [scoring] labelled = {reference!r}"
    bundled = DATA_FOLDER / BUNDLED_LABELLED
    if folder is None:
        if reference != BUNDLED_LABELLED:
            raise ThemeError(
                f"{where}: an uploaded themes file cannot name files on the server; use {BUNDLED_LABELLED!r} (the bundled "
                "paragraphs) or nothing, and load your own labelled paragraphs as marks (Teach tab)"
            )
        return bundled
    relative = Path(reference)
    if relative.is_absolute() or ".." in relative.parts:
        raise ThemeError(f"{where}: give a file inside the themes file's folder (no absolute path, no '..')")
    candidate = folder / relative
    if candidate.is_file():
        if not candidate.resolve().is_relative_to(folder.resolve()):
            raise ThemeError(f"{where}: the file leads outside the themes file's folder")
        return candidate
    if reference == BUNDLED_LABELLED:
        return bundled
    raise ThemeError(f"{where}: no such file in {folder}")


def _refuse_unknown_keys(table: Mapping[str, object], known: Sequence[str], where: str) -> None:
    """Refuse a key that a table of the themes file does not have: a misspelt one (``treshold``) was ignored without a word.

    Raises:
        ThemeError: naming the first unknown key and the known ones.
    """
    unknown = [key for key in table if key not in known]
    if unknown:
        raise ThemeError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(known)})")


def _refuse_shared_labels(themes: Sequence[Theme], source: str) -> None:
    """Refuse two themes whose labels differ only in case or spacing: the page names themes by their labels.

    Raises:
        ThemeError: naming both themes and the label.
    """
    first: dict[str, tuple[int, Theme]] = {}
    for number, theme in enumerate(themes, 1):
        key = " ".join(theme.label.split()).casefold()
        if key in first:
            earlier_number, earlier = first[key]
            raise ThemeError(
                f"{source}: theme #{number} ({theme.id}) has the label {theme.label!r}, as theme #{earlier_number} ({earlier.id}) "
                f"has {earlier.label!r}; the charts, tables and filters name themes by their labels, so give each its own"
            )
        first[key] = (number, theme)


def _require_finite(value: float, where: str) -> None:
    if not math.isfinite(value):
        raise ThemeError(f"{where} must be a finite number, not {value}")


def _boolean(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ThemeError(f"{where} must be true or false")
    return value


@lru_cache(maxsize=8)
def _read_labelled(path: str, _mtime: int, _size: int, theme_ids: tuple[str, ...], source: str) -> LabelledParagraphs:
    try:
        table = load_labels(path, theme_ids)
    except LabelsError as error:
        raise ThemeError(f"{source}: [scoring] labelled: {error}") from error
    return LabelledParagraphs.from_table(table, theme_ids)


def _normalised(pairs: list[tuple[str, str]]) -> list[str]:
    return [normalize(text, language) for language, text in pairs]


def _pairs(*texts: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """``(language, sentence)`` for every sentence of some per-language lists."""
    return [(language, sentence) for lists in texts for language, sentences in lists.items() for sentence in sentences]


def _cue_patterns(theme: Theme) -> list[tuple[str, re.Pattern[str]]]:
    return _compiled_cues(tuple((language, cue) for language, cues in theme.cues.items() for cue in cues))


@lru_cache(maxsize=64)
def _combined_cues(cues: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    r"""``(?<!\w)`` then any cue: the Arabic ones after one shared clitics group (a match of ``clitics(?:a|b)`` is a match
    of ``clitics a`` or of ``clitics b``: the same texts match, and the clitics are tried once per position, not per cue)."""
    if not cues:
        return None
    arabic = [re.escape(match_form(cue, language)) for language, cue in cues if language == "ar"]
    others = [re.escape(match_form(cue, language)) for language, cue in cues if language != "ar"]
    alternatives = ([f"{_ARABIC_CLITICS}(?:{'|'.join(arabic)})"] if arabic else []) + others
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})")


@lru_cache(maxsize=64)
def _compiled_cues(cues: tuple[tuple[str, str], ...]) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for language, cue in cues:
        form = re.escape(match_form(cue, language))
        prefix = _ARABIC_CLITICS if language == "ar" else ""
        patterns.append((cue, re.compile(rf"(?<!\w){prefix}{form}")))
    return patterns


def _parse_theme(raw: object, where: str) -> Theme:
    if not isinstance(raw, dict):
        raise ThemeError(f"{where}: must be a table")
    theme_id = str(raw.get("id", "")).strip()
    if not THEME_ID.match(theme_id):
        raise ThemeError(f"{where}: id {theme_id!r} must be lowercase letters, digits or _ (e.g. 'limited_mission')")
    if theme_id in RESERVED_THEME_IDS:
        raise ThemeError(f"{where}: id {theme_id!r} is the name of a column of the paragraph and labels tables; choose another")
    _refuse_unknown_keys(raw, THEME_KEYS, f"{where} ({theme_id})")
    try:
        threshold = float(raw.get("threshold", 0.0))
    except (TypeError, ValueError) as error:
        raise ThemeError(f"{where} ({theme_id}): threshold must be a number") from error
    _require_finite(threshold, f"{where} ({theme_id}): threshold")
    weights = {}
    for name in ("cue_weight", "denial_weight"):
        if name in raw:
            try:
                weights[name] = float(raw[name])
            except (TypeError, ValueError) as error:
                raise ThemeError(f"{where} ({theme_id}): {name} must be a number") from error
            _require_finite(weights[name], f"{where} ({theme_id}): {name}")
    theme = Theme(
        id=theme_id,
        label=str(raw.get("label") or theme_id.replace("_", " ").capitalize()),
        threshold=threshold,
        descriptions=_language_lists(raw.get("descriptions", {}), f"{where} ({theme_id}) descriptions"),
        examples=_language_lists(raw.get("examples", {}), f"{where} ({theme_id}) examples"),
        cues=_language_lists(raw.get("cues", {}), f"{where} ({theme_id}) cues"),
        near_misses=_language_lists(raw.get("near_misses", {}), f"{where} ({theme_id}) near_misses"),
        **weights,
    )
    if not theme.anchors():
        raise ThemeError(f"{where} ({theme_id}): give at least one description or example sentence")
    if empty := _empty_once_normalised(theme.cues):
        language, cue = empty
        raise ThemeError(f"{where}: cue {cue!r} of theme {theme_id} ({language}) is empty once normalised{_MATCHES_EVERYTHING}")
    return theme


def _empty_once_normalised(words: Mapping[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """The first ``(language, word)`` of some cues or denial markers that normalising leaves empty (a tatweel, a lone
    diacritic, ZWNJ, a direction mark): searched for, it would be found in every paragraph. None when there is none."""
    return next(((language, word) for language, listed in words.items() for word in listed if not match_form(word, language).strip()), None)


def _language_lists(raw: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ThemeError(f'{where}: must map languages to lists of sentences, e.g. fa = ["..."]')
    lists: dict[str, tuple[str, ...]] = {}
    for language, sentences in raw.items():
        if isinstance(sentences, str):
            sentences = [sentences]
        if not isinstance(sentences, list) or not all(isinstance(item, str) for item in sentences):
            raise ThemeError(f"{where}.{language}: must be a list of strings")
        cleaned = tuple(sentence.strip() for sentence in sentences if sentence.strip())
        if cleaned:
            lists[str(language)] = cleaned
    return lists
