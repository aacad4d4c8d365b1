"""Themes as data, and scoring paragraphs against them.

A theme file (TOML, see ``analysis/data/themes.toml``) lists background sentences and, per theme,
an id, a label, a threshold, and descriptions, example sentences and cue words in any languages.

Scoring (explained in README.md, "How a paragraph gets a theme"): a paragraph and each of its
sentences are embedded; a unit's similarity to a theme is the mean of its ``top_k`` highest cosine
similarities to the theme's descriptions and examples, minus the same for the background
sentences (a margin, so generic news about the event scores about zero). The paragraph's score is
its best unit's margin, plus ``cue_weight`` when one of the theme's cue words occurs in it. A
paragraph carries every theme whose score reaches that theme's threshold: several, or none.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from analysis.text import normalize

DEFAULT_THEMES_PATH = Path(__file__).parent / "data" / "themes.toml"
THEME_ID = re.compile(r"^[a-z0-9_]+$")
ANCHOR_LANGUAGES = ("fa", "ar", "en")
_SENTENCE_END = re.compile(r"(?<=[.!?؟؛…])\s+|(?<=[.!?؟؛…][»\"”'])\s+")
_MIN_SENTENCE_WORDS = 4
_ARABIC_CLITICS = "(?:[وف]?[بلكس]?(?:ال|لل)?)"
_ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})

EmbedFunction = Callable[[Sequence[str]], np.ndarray]


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

    def anchors(self) -> list[tuple[str, str]]:
        """Return ``(language, sentence)`` for every description and example."""
        return [
            (language, sentence)
            for texts in (self.descriptions, self.examples)
            for language, sentences in texts.items()
            for sentence in sentences
        ]


@dataclass(frozen=True)
class ScoringSettings:
    """Knobs of the scoring method, stored in the themes file's ``[scoring]`` table."""

    top_k: int = 3
    cue_weight: float = 0.05


@dataclass(frozen=True)
class ThemeSet:
    """The themes of a run, the background sentences, and the scoring settings."""

    themes: tuple[Theme, ...]
    background: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scoring: ScoringSettings = field(default_factory=ScoringSettings)

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
        """Return a short hash of the canonical TOML form (for run metadata)."""
        return hashlib.sha256(themes_to_toml(self).encode()).hexdigest()[:16]

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
    return parse_themes(text, source=str(path))


def parse_themes(text: str, source: str = "themes") -> ThemeSet:
    """Parse and validate the TOML text of a themes file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(f"{source}: not valid TOML ({error})") from error
    raw_themes = data.get("theme")
    if not isinstance(raw_themes, list) or not raw_themes:
        raise ThemeError(f"{source}: no [[theme]] tables; a themes file needs at least one theme")
    themes = tuple(_parse_theme(raw, f"{source}: theme #{number}") for number, raw in enumerate(raw_themes, 1))
    ids = [theme.id for theme in themes]
    duplicates = sorted({theme_id for theme_id in ids if ids.count(theme_id) > 1})
    if duplicates:
        raise ThemeError(f"{source}: duplicate theme ids {duplicates}")
    scoring = data.get("scoring", {})
    try:
        settings = ScoringSettings(
            top_k=int(scoring.get("top_k", ScoringSettings.top_k)),
            cue_weight=float(scoring.get("cue_weight", ScoringSettings.cue_weight)),
        )
    except (TypeError, ValueError) as error:
        raise ThemeError(f"{source}: [scoring] needs a whole top_k and a numeric cue_weight") from error
    if settings.top_k < 1:
        raise ThemeError(f"{source}: [scoring] top_k must be at least 1")
    return ThemeSet(themes, _language_lists(data.get("background", {}), f"{source}: [background]"), settings)


def themes_to_toml(themes: ThemeSet) -> str:
    """Serialise a theme set to the TOML format :func:`parse_themes` reads."""
    data = {
        "version": 1,
        "scoring": {"top_k": themes.scoring.top_k, "cue_weight": themes.scoring.cue_weight},
        "background": {language: list(texts) for language, texts in themes.background.items()},
        "theme": [
            {
                "id": theme.id,
                "label": theme.label,
                "threshold": theme.threshold,
                "descriptions": {language: list(texts) for language, texts in theme.descriptions.items()},
                "examples": {language: list(texts) for language, texts in theme.examples.items()},
                "cues": {language: list(texts) for language, texts in theme.cues.items()},
            }
            for theme in themes.themes
        ],
    }
    return tomli_w.dumps(data)


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
    """Return the form cue words are matched on: normalised, lowercase, alef variants folded."""
    return normalize(text, language).lower().translate(_ALEF_VARIANTS)


def cue_hits(text: str, language: str, theme: Theme) -> list[str]:
    """Return the theme's cues (in any language) that occur in ``text`` at a word start."""
    form = match_form(text, language)
    return [cue for cue, pattern in _cue_patterns(theme) if pattern.search(form)]


@dataclass(frozen=True)
class Scores:
    """Theme scores of some paragraphs and their paragraph-level embeddings."""

    table: pd.DataFrame
    vectors: np.ndarray


def score_paragraphs(
    texts: Sequence[str], languages: Sequence[str], themes: ThemeSet, embed: EmbedFunction
) -> Scores:
    """Score paragraphs against every theme.

    Args:
        texts: normalised paragraph texts.
        languages: the language of each text (``fa``, ``ar`` or other), for cue matching.
        themes: the theme set.
        embed: maps texts to L2-normalised vectors (e.g. ``Embedder.embed``).

    Returns:
        ``Scores`` whose table has one ``score_<id>`` column per theme (index aligned with
        ``texts``) and whose vectors are the paragraphs' own embeddings.
    """
    units, owners = _units(texts)
    anchor_texts = {theme.id: [normalize(text, lang) for lang, text in theme.anchors()] for theme in themes.themes}
    background = [normalize(text, lang) for lang, texts_ in themes.background.items() for text in texts_]
    all_anchor_texts = [text for theme_texts in anchor_texts.values() for text in theme_texts]
    vectors = embed(list(units) + all_anchor_texts + background) if texts else None
    columns: dict[str, np.ndarray] = {}
    if vectors is None:
        return Scores(pd.DataFrame({f"score_{theme_id}": [] for theme_id in themes.ids}), np.zeros((0, 0), np.float32))
    unit_vectors = vectors[: len(units)]
    offset = len(units)
    background_vectors = vectors[offset + len(all_anchor_texts) :]
    background_similarity = (
        _top_k_mean(unit_vectors @ background_vectors.T, themes.scoring.top_k)
        if len(background_vectors)
        else np.zeros(len(units))
    )
    owner_index = np.asarray(owners)
    for theme in themes.themes:
        count = len(anchor_texts[theme.id])
        theme_vectors = vectors[offset : offset + count]
        offset += count
        if count == 0:
            margin = np.full(len(units), -1.0)
        else:
            margin = _top_k_mean(unit_vectors @ theme_vectors.T, themes.scoring.top_k) - background_similarity
        best = np.full(len(texts), -np.inf)
        np.maximum.at(best, owner_index, margin)
        cue_bonus = np.array([themes.scoring.cue_weight if cue_hits(text, lang, theme) else 0.0 for text, lang in zip(texts, languages, strict=True)])
        columns[f"score_{theme.id}"] = np.round(best + cue_bonus, 4)
    return Scores(pd.DataFrame(columns), unit_vectors[: len(texts)].astype(np.float32))


def _units(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """Return the paragraphs followed by their sentences (when more than one), with owners."""
    units = list(texts)
    owners = list(range(len(texts)))
    for number, text in enumerate(texts):
        sentences = split_sentences(text)
        if len(sentences) > 1:
            units.extend(sentences)
            owners.extend([number] * len(sentences))
    return units, owners


def _top_k_mean(similarities: np.ndarray, top_k: int) -> np.ndarray:
    k = min(top_k, similarities.shape[1])
    return np.sort(similarities, axis=1)[:, -k:].mean(axis=1)


def _cue_patterns(theme: Theme) -> list[tuple[str, re.Pattern[str]]]:
    return _compiled_cues(tuple((language, cue) for language, cues in theme.cues.items() for cue in cues))


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
    try:
        threshold = float(raw.get("threshold", 0.0))
    except (TypeError, ValueError) as error:
        raise ThemeError(f"{where} ({theme_id}): threshold must be a number") from error
    theme = Theme(
        id=theme_id,
        label=str(raw.get("label") or theme_id.replace("_", " ").capitalize()),
        threshold=threshold,
        descriptions=_language_lists(raw.get("descriptions", {}), f"{where} ({theme_id}) descriptions"),
        examples=_language_lists(raw.get("examples", {}), f"{where} ({theme_id}) examples"),
        cues=_language_lists(raw.get("cues", {}), f"{where} ({theme_id}) cues"),
    )
    if not theme.anchors():
        raise ThemeError(f"{where} ({theme_id}): give at least one description or example sentence")
    return theme


def _language_lists(raw: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ThemeError(f"{where}: must map languages to lists of sentences, e.g. fa = [\"...\"]")
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
