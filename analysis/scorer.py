"""A fitted theme scorer: configured from a theme set, fitted once, then scores any paragraphs.

It follows scikit-learn's estimator life: ``ThemeScorer(themes, model_id)`` configures it,
:meth:`ThemeScorer.fit` learns each theme's two classifiers (meaning: the texts' embeddings;
wording: their character n-grams, see README.md "How a paragraph gets a theme"), and
:meth:`ThemeScorer.decision_function` / :meth:`ThemeScorer.predict` score new paragraphs with the
learned state, which is kept.

The learned state is plain arrays and JSON (never pickle: cache files may be shared), stored by a
:class:`ScorerStore` under ``FRAMING_HOME/scorers``. Each theme is stored under a digest of
everything its fit depends on (the model, the scoring settings, its training texts and targets,
and the n-gram vocabulary), so a theme edit refits only the themes whose training texts changed,
a stored copy that cannot be read is refitted, and evaluation's cross-fitting folds are fitted
once and reused.

Theme assignment (scores against thresholds) lives here too: :func:`assign_themes`.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.config import atomic_write, framing_home
from analysis.embed import EMBEDDING_VERSION
from analysis.text import normalize
from analysis.themes import (
    EmbedFunction,
    LabelledParagraphs,
    Theme,
    ThemeError,
    ThemeSet,
    cue_flags,
    denial_flags,
    match_form,
    split_sentences,
    training_set,
    training_sources,
    training_weights,
    vocabulary_sources,
)

FORMAT_VERSION = 1
STORE_FOLDER = "scorers"
SCORE_DECIMALS = 4
_MEMORY_ENTRIES = 64
NGRAM_RANGE = (2, 5)
TRANSFORM_CHUNK = 4096
TOKEN_MEMORY = 100_000
"""Tokens of training texts whose n-gram columns a vocabulary remembers between refits (a refit transforms the same
training texts again); past it, checked before each chunk, the memory starts afresh."""
_WHITESPACE = re.compile(r"\s\s+")
_WORD = re.compile(r"[^\W\d_]+(?:\u200c[^\W\d_]+)*")
MASK = "\u25aa"
EVENT_WORD_ARTICLES = 3
EVENT_WORD_SHARE = 0.9
EVENT_WORD_EVENTS = 2


@dataclass(frozen=True, eq=False)  # arrays in blocks: compared by identity, not by value
class NgramRows:
    """TF-IDF rows of some texts, in compressed sparse row form, held as blocks of consecutive rows (each block's
    ``indptr``, ``indices`` and ``data``, its ``indptr`` from 0).

    Scoring walks the blocks: the rows of 100,000 paragraphs are never joined into one array (half a gigabyte of
    fresh memory, 3 s on this machine), nor multiplied all at once. ``indptr``, ``indices`` and ``data`` give the
    joined arrays when asked (for fitting and tests).
    """

    blocks: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]
    width: int

    @classmethod
    def from_csr(cls, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, width: int) -> NgramRows:
        """Rows given as one compressed sparse row matrix."""
        return cls(((indptr, indices, data),), width)

    @cached_property
    def indptr(self) -> np.ndarray:
        """Where each row starts in :attr:`indices` and :attr:`data` (one entry more than rows)."""
        lengths = [np.diff(indptr) for indptr, _, _ in self.blocks]
        return np.concatenate([np.zeros(1, np.int64), np.cumsum(np.concatenate(lengths)) if lengths else np.zeros(0, np.int64)])

    @cached_property
    def indices(self) -> np.ndarray:
        """Every row's columns, the rows joined."""
        return np.concatenate([indices for _, indices, _ in self.blocks]) if self.blocks else np.zeros(0, np.int64)

    @cached_property
    def data(self) -> np.ndarray:
        """Every row's weights, the rows joined."""
        return np.concatenate([data for _, _, data in self.blocks]) if self.blocks else np.zeros(0)

    def __matmul__(self, matrix: np.ndarray) -> np.ndarray:
        """Rows times a ``(width, k)`` matrix, as a dense ``(rows, k)`` array (block by block: each row's sum is the
        same, in the same order, as over the joined rows)."""
        return np.concatenate([_block_product(*block, matrix) for block in self.blocks]) if self.blocks else np.zeros((0, matrix.shape[1]))

    def to_scipy(self) -> Any:
        """The same rows as a SciPy CSR matrix (for fitting)."""
        from scipy import sparse

        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=(len(self.indptr) - 1, self.width))


def _block_product(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """One block of compressed sparse rows times a dense ``(width, k)`` matrix."""
    result = np.zeros((len(indptr) - 1, matrix.shape[1]))
    filled = np.diff(indptr) > 0
    if filled.any():
        products = data[:, None] * matrix[indices]
        result[filled] = np.add.reduceat(products, indptr[:-1][filled], axis=0)
    return result


DENSE_CHUNK = 4096
"""Rows of dense features scored at a time (:meth:`LinearScore.__call__`)."""


LBFGS: dict[str, Any] = {"max_iter": 3000}  # scikit-learn's default solver: n-gram rows (and embeddings until 0.17.0)
NEWTON: dict[str, Any] = {"solver": "newton-cholesky", "tol": 1e-8, "max_iter": 100}  # embeddings, to the optimum


def logistic_regression(
    matrix: Any, target: np.ndarray, c: float, weights: np.ndarray | None, solver: Mapping[str, Any]
) -> Any:  # sklearn.linear_model.LogisticRegression, imported only when fitting
    """A balanced logistic regression fitted on one BLAS thread with the ``solver`` settings (:data:`LBFGS`, :data:`NEWTON`).

    One thread: lbfgs stops short of the exact optimum, at a point that depends on the order floating-point sums are
    taken in, so n-gram fits (and the theme assignments near a threshold) would differ with the machine's threads. A
    Newton step that finds no lower loss (flat to float precision: a tiny or separable training set) hands the fit
    over to lbfgs from where it stands, with a warning meant for developers, not researchers: it is silenced.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(C=c, class_weight="balanced", **solver).fit(matrix, target, sample_weight=weights)


@dataclass(frozen=True)
class LinearScore:
    """One fitted logistic regression's decision function, in units of its spread over the training texts."""

    coef: np.ndarray  # shape (1, features), as scikit-learn's ``coef_``
    intercept: float
    spread: float

    def __call__(self, features: np.ndarray | NgramRows) -> np.ndarray:
        """Decision values of some feature rows, divided by the training spread.

        Dense rows are taken :data:`DENSE_CHUNK` at a time: ``float32 @ float64`` makes a float64 copy of its rows first,
        and one of 100,000 embeddings (300 MB of fresh memory) cost 0.05–2 s where the chunks take 0.01 s, the same
        values bit for bit (each row's dot product is its own)."""
        if isinstance(features, np.ndarray) and len(features) > DENSE_CHUNK:
            values = np.concatenate([features[start : start + DENSE_CHUNK] @ self.coef.T for start in range(0, len(features), DENSE_CHUNK)])
        else:
            values = features @ self.coef.T
        return (np.asarray(values).reshape(-1) + self.intercept) / self.spread

    @classmethod
    def fit(cls, features: np.ndarray | NgramRows, target: np.ndarray, c: float, weights: np.ndarray | None = None) -> LinearScore:
        """Fit a balanced logistic regression (scikit-learn, imported only when fitting).

        Embeddings (a few hundred dense columns) are fitted to the optimum by Newton steps (``newton-cholesky``): lbfgs,
        as the n-gram rows still are, stops at its tolerance short of the optimum, at a point that depends on the last
        bits of the vectors, so PyTorch's and ONNX Runtime's vectors of the same texts (1e-7 apart) gave scores up to 0.15
        apart. Newton steps reach it in about seven, and the same vectors give scores 1e-6 apart.

        Raises:
            ThemeError: there is no training text on one of the two sides.
        """
        if target.all() or not target.any():
            raise ThemeError("a theme needs texts that carry it and texts that do not (background, near misses or other themes)")
        matrix, solver = (features.to_scipy(), LBFGS) if isinstance(features, NgramRows) else (features, NEWTON)
        return cls.of(logistic_regression(matrix, target, c, weights, solver), matrix)

    @classmethod
    def of(cls, model: Any, matrix: Any) -> LinearScore:
        """The decision function of a fitted scikit-learn ``model``, in units of its spread over its training ``matrix``."""
        spread = float(model.decision_function(matrix).std()) or 1.0
        return cls(model.coef_.astype(np.float64), float(model.intercept_[0]), spread)


@dataclass(frozen=True)
class NgramVocabulary:
    """TF-IDF weighted character 2- to 5-grams within words (scikit-learn's ``char_wb``): the wording features.

    The vocabulary and idf weights are learned by scikit-learn's ``TfidfVectorizer``; texts are
    turned into rows here (sublinear term frequency times idf, L2-normalised rows), so that
    scoring needs neither scikit-learn nor SciPy.
    """

    key: str
    terms: np.ndarray  # the n-grams, in column order
    idf: np.ndarray
    masked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))  # words replaced by MASK

    @classmethod
    def fit(cls, key: str, texts: Sequence[str], masked: Sequence[str] = ()) -> NgramVocabulary:
        """Learn the vocabulary and idf weights of ``texts`` (repeats count), with some words masked."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        words = np.array(sorted(masked), dtype=str)
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, sublinear_tf=True)
        vectorizer.fit([mask_words(text, frozenset(words.tolist())) for text in texts])
        return cls(key, np.array(vectorizer.get_feature_names_out().tolist(), dtype=str), vectorizer.idf_, words)

    @cached_property
    def _masked(self) -> frozenset[str]:
        return frozenset(self.masked.tolist())

    @cached_property
    def _columns(self) -> dict[str, int]:
        return {term: column for column, term in enumerate(self.terms.tolist())}

    @cached_property
    def _remembered(self) -> dict[str, np.ndarray]:
        """Token -> its n-gram columns (read-only arrays), for :meth:`transform` with ``remember``. Sessions may share it:
        a lookup, an insertion and a clear are each atomic, and a token cleared meanwhile is only looked up again."""
        return {}

    @property
    def remembered_count(self) -> int:
        """How many tokens the memory holds."""
        return len(self._remembered)

    def remembered_tokens(self) -> dict[str, np.ndarray]:
        """The token memory as arrays, for the store: ``tokens`` (UTF-8, one per line), ``counts`` (each token's number of
        columns) and ``columns`` (all of them, token after token)."""
        memory = self._remembered.copy()  # one atomic copy: other sessions may add to it meanwhile
        joined = [memory[token] for token in memory]
        return {
            "tokens": np.frombuffer("\n".join(memory).encode(), dtype=np.uint8),
            "counts": np.array([len(columns) for columns in joined], dtype=np.int64),
            "columns": np.concatenate(joined).astype(np.int32) if joined else np.zeros(0, np.int32),
        }

    def recall_tokens(self, arrays: Mapping[str, np.ndarray]) -> bool:
        """Fill the token memory from :meth:`remembered_tokens`' arrays (a stored vocabulary's); False when they do not fit
        this vocabulary (then nothing is recalled)."""
        try:
            tokens = bytes(arrays["tokens"]).decode().split("\n") if len(arrays["tokens"]) else []
            counts, columns = arrays["counts"].astype(np.int64), arrays["columns"].astype(np.int64)
        except (KeyError, UnicodeDecodeError, TypeError, ValueError):
            return False
        if (
            len(tokens) != len(counts)
            or counts.sum() != len(columns)
            or (len(columns) and not 0 <= columns.min() <= columns.max() < len(self.terms))
        ):
            return False
        columns.setflags(write=False)
        self._remembered.update(zip(tokens, np.split(columns, np.cumsum(counts)[:-1]), strict=True))
        return True

    def transform(self, texts: Sequence[str], *, remember: bool = False) -> NgramRows:
        """The TF-IDF rows of some texts (n-grams outside the vocabulary are ignored).

        Each distinct whitespace-separated token's n-gram columns are looked up once per call (tokens
        recur across paragraphs; masking and lowercasing never cross a space, so a token's columns do
        not depend on its text); with ``remember`` (training texts, which every refit transforms
        again), once per vocabulary, up to :data:`TOKEN_MEMORY` tokens. A row's columns are counted by sorting
        (:func:`_counted`), and the weights of :data:`TRANSFORM_CHUNK` rows at a time are computed
        together (so the lists in between stay small), each chunk a block of the rows; each row's norm is still its own dot
        product, so the rows are the same, bit for bit, as computing them one text at a time.
        """
        token_columns = self._remembered if remember else {}
        blocks = []
        for start in range(0, len(texts), TRANSFORM_CHUNK):
            if remember and len(token_columns) > TOKEN_MEMORY:
                token_columns.clear()
            lengths, indices, data = self._rows(texts[start : start + TRANSFORM_CHUNK], token_columns)
            indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
            np.cumsum(lengths, out=indptr[1:])
            blocks.append((indptr, indices, data))
        return NgramRows(tuple(blocks), len(self.terms))

    def _rows(self, texts: Sequence[str], token_columns: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row lengths, column indices and L2-normalised weights of some texts (``token_columns``: tokens seen, kept between
        chunks and calls, each token's columns as one array, joined once per chunk rather than copied int by int)."""
        columns, masked = self._columns, self._masked
        found: list[np.ndarray] = []
        found_lengths = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            length = 0
            for token in text.split():
                token_found = token_columns.get(token)
                if token_found is None:
                    words = mask_words(token, masked).lower().split()
                    token_found = np.array(
                        [column for word in words for gram in _word_ngrams(word) if (column := columns.get(gram)) is not None],
                        dtype=np.int64,
                    )
                    token_found.setflags(write=False)
                    token_columns[token] = token_found
                found.append(token_found)
                length += len(token_found)
            found_lengths[row] = length
        width = len(self.terms)
        found_columns = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        keys = np.repeat(np.arange(len(texts), dtype=np.int64), found_lengths) * width + found_columns
        cells, counts = _counted(keys)  # sorted: by row, then column
        rows = cells // width
        indices = cells - rows * width
        lengths = np.bincount(rows, minlength=len(texts)).astype(np.int64)
        weights = (1.0 + np.log(counts.astype(np.float64))) * self.idf[indices]
        ends = np.cumsum(lengths)
        norms = np.ones(len(texts))
        for row in range(len(texts)):
            part = weights[ends[row] - lengths[row] : ends[row]]
            norm = float(np.sqrt(np.dot(part, part)))
            if norm:
                norms[row] = norm
        return lengths, indices, weights / np.repeat(norms, lengths)


def _counted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_counts=True)``, by a stable sort: the keys come grouped by row already, which a stable
    sort (timsort) uses while ``np.unique``'s quicksort does not (4 times faster here; the same arrays)."""
    ordered = np.sort(keys, kind="stable")
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))) if len(ordered) else np.zeros(0, np.int64)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def mask_words(text: str, words: frozenset[str]) -> str:
    """Replace every whole word of ``words`` by :data:`MASK` (nothing to do without words)."""
    if not words:
        return text
    return _WORD.sub(lambda match: MASK if match.group() in words else match.group(), text)


def event_words(labelled: LabelledParagraphs, frame_words: Iterable[str] = ()) -> list[str]:
    """Words found almost only in one event's labelled paragraphs: mostly its places, people and organisations.

    A word counts when it occurs in at least :data:`EVENT_WORD_ARTICLES` articles, of at most
    :data:`EVENT_WORD_EVENTS` events, at least :data:`EVENT_WORD_SHARE` of them about one event
    (articles without an event are ignored), and is not among ``frame_words`` (the words of the
    themes' own sentences and cues: frame language is never masked).
    """
    articles: dict[str, dict[str, set[str]]] = {}
    for text, doc_id, event in zip(labelled.texts, labelled.doc_ids, labelled.events, strict=True):
        if not event:
            continue
        for word in set(_WORD.findall(text)):
            articles.setdefault(word, {}).setdefault(event, set()).add(doc_id)
    found = []
    for word, by_event in articles.items():
        counts = [len(docs) for docs in by_event.values()]
        total = sum(counts)
        if (
            total >= EVENT_WORD_ARTICLES
            and max(counts) >= EVENT_WORD_SHARE * total
            and len(by_event) <= EVENT_WORD_EVENTS
            and len(word) > 1
        ):
            found.append(word)
    return sorted(set(found) - set(frame_words))


def char_ngrams(text: str) -> list[str]:
    """Character n-grams inside words, each word padded with a space, as scikit-learn's ``char_wb`` makes them."""
    return [gram for word in _WHITESPACE.sub(" ", text.lower()).split() for gram in _word_ngrams(word)]


def _word_ngrams(word: str) -> list[str]:
    """The n-grams of one (lowercased) word padded with a space, as :func:`char_ngrams` makes them."""
    low, high = NGRAM_RANGE
    padded = f" {word} "
    grams: list[str] = []
    for size in range(low, high + 1):
        if len(padded) <= size:  # a word no longer than the n-gram counts once, whole
            grams.append(padded)
            break
        grams.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return grams


@dataclass(frozen=True)
class FittedTheme:
    """One theme's learned state."""

    theme_id: str
    key: str
    meaning: LinearScore
    wording: LinearScore | None
    vocabulary_key: str | None
    training_size: int
    positives: int


class ScorerStore:
    """Fitted themes and vocabularies on disk (``.npz`` arrays + ``.json``), with a small memory cache.

    Writing is best effort: a folder that cannot be written only means refitting next time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._memory: OrderedDict[str, object] = OrderedDict()

    @classmethod
    def default(cls) -> ScorerStore:
        """The store under the framing home (``$FRAMING_HOME/scorers``), one per process and folder."""
        folder = framing_home() / STORE_FOLDER
        if str(folder) not in _STORES:
            _STORES[str(folder)] = cls(folder)
        return _STORES[str(folder)]

    def load_theme(self, key: str) -> FittedTheme | None:
        """A stored theme, or None when missing or unreadable."""
        remembered = self._recall(f"theme-{key}")
        if isinstance(remembered, FittedTheme):
            return remembered
        arrays, info = self._read(f"theme-{key}")
        if arrays is None or info is None:
            return None
        try:
            wording = None
            if "wording_coef" in arrays:
                wording = LinearScore(
                    arrays["wording_coef"],
                    float(info["wording_intercept"]),
                    float(info["wording_spread"]),
                )
            fitted = FittedTheme(
                theme_id=str(info["theme_id"]),
                key=key,
                meaning=LinearScore(
                    arrays["meaning_coef"],
                    float(info["meaning_intercept"]),
                    float(info["meaning_spread"]),
                ),
                wording=wording,
                vocabulary_key=info.get("vocabulary_key"),
                training_size=int(info["training_size"]),
                positives=int(info["positives"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        self._remember(f"theme-{key}", fitted)
        return fitted

    def save_theme(self, fitted: FittedTheme) -> None:
        """Store a fitted theme."""
        arrays = {"meaning_coef": fitted.meaning.coef}
        info: dict[str, object] = {
            "theme_id": fitted.theme_id,
            "meaning_intercept": fitted.meaning.intercept,
            "meaning_spread": fitted.meaning.spread,
            "vocabulary_key": fitted.vocabulary_key,
            "training_size": fitted.training_size,
            "positives": fitted.positives,
        }
        if fitted.wording is not None:
            arrays["wording_coef"] = fitted.wording.coef
            info |= {
                "wording_intercept": fitted.wording.intercept,
                "wording_spread": fitted.wording.spread,
            }
        self._remember(f"theme-{fitted.key}", fitted)
        self._write(f"theme-{fitted.key}", arrays, info)

    def load_vocabulary(self, key: str) -> NgramVocabulary | None:
        """A stored vocabulary, or None when missing or unreadable."""
        remembered = self._recall(f"vocabulary-{key}")
        if isinstance(remembered, NgramVocabulary):
            return remembered
        arrays, info = self._read(f"vocabulary-{key}")
        if arrays is None or info is None or "terms" not in arrays or "idf" not in arrays:
            return None
        if arrays["terms"].shape != arrays["idf"].shape or arrays["terms"].dtype.kind != "U":
            return None
        vocabulary = NgramVocabulary(key, arrays["terms"], arrays["idf"], arrays.get("masked", np.zeros(0, dtype=str)))
        tokens, _ = self._read(f"tokens-{key}")
        if tokens is not None:
            vocabulary.recall_tokens(tokens)  # a refit in a new process need not find the training tokens' n-grams again
        self._remember(f"vocabulary-{key}", vocabulary)
        return vocabulary

    def save_vocabulary(self, vocabulary: NgramVocabulary) -> None:
        """Store a vocabulary."""
        self._remember(f"vocabulary-{vocabulary.key}", vocabulary)
        self._write(
            f"vocabulary-{vocabulary.key}",
            {"terms": vocabulary.terms, "idf": vocabulary.idf, "masked": vocabulary.masked},
            {"terms": len(vocabulary.terms)},
        )

    def save_tokens(self, vocabulary: NgramVocabulary) -> None:
        """Store a vocabulary's token memory (see :meth:`NgramVocabulary.transform`), for refits in other processes."""
        arrays = vocabulary.remembered_tokens()
        self._write(f"tokens-{vocabulary.key}", arrays, {"tokens": len(arrays["counts"])})

    def _recall(self, name: str) -> object:
        if name in self._memory:
            self._memory.move_to_end(name)
            return self._memory[name]
        return None

    def _read(self, name: str) -> tuple[dict[str, np.ndarray] | None, dict[str, Any] | None]:
        try:
            info = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
            if not isinstance(info, dict) or info.get("format") != FORMAT_VERSION:
                return None, None
            with np.load(self.folder / f"{name}.npz", allow_pickle=False) as stored:
                arrays = {array: stored[array] for array in stored.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile):
            return None, None
        return arrays, info

    def _write(self, name: str, arrays: Mapping[str, np.ndarray], info: Mapping[str, object]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.folder / f"{name}.npz", lambda handle: np.savez(handle, **arrays))  # type: ignore[arg-type]  # numpy's stubs read **arrays as allow_pickle
            text = json.dumps({"format": FORMAT_VERSION, **info}, ensure_ascii=False, indent=1)
            atomic_write(self.folder / f"{name}.json", lambda handle: handle.write(text.encode()))
        except OSError:
            pass

    def _remember(self, name: str, value: object) -> None:
        self._memory[name] = value
        self._memory.move_to_end(name)
        while len(self._memory) > _MEMORY_ENTRIES:
            self._memory.popitem(last=False)


_STORES: dict[str, ScorerStore] = {}


@dataclass(frozen=True)
class Scores:
    """Theme scores of some paragraphs (``score_<id>`` columns) and the paragraphs' embeddings."""

    table: pd.DataFrame
    vectors: np.ndarray


@dataclass
class ThemeScorer:
    """Scores paragraphs against a theme set, with classifiers fitted once and kept.

    Args:
        themes: the theme set (its labelled paragraphs included).
        model_id: the embedding model's id; part of every stored fit's key.

    Attributes (after :meth:`fit`):
        fitted_: ``{theme id: FittedTheme}``.
        refitted_: ids of the themes fitted by the last ``fit`` call (the others came from the store).
    """

    themes: ThemeSet
    model_id: str
    fitted_: dict[str, FittedTheme] = field(default_factory=dict, init=False)
    refitted_: list[str] = field(default_factory=list, init=False)
    _vocabularies: dict[str, NgramVocabulary] = field(default_factory=dict, init=False, repr=False)

    def fit(self, embed: EmbedFunction, store: ScorerStore | None = None) -> ThemeScorer:
        """Fit every theme whose stored copy is missing or unreadable; load the others.

        Raises:
            ThemeError: a theme has no training text on one of its two sides.
        """
        settings = self.themes.scoring
        masking = self._masking_digest()
        vocabulary_keys = {
            theme.id: _digest("vocabulary", _VERSION, sorted(vocabulary_sources(self.themes, theme)), masking)
            if settings.wording_weight
            else None
            for theme in self.themes.themes
        }
        self.fitted_, self.refitted_, missing = {}, [], []
        for theme in self.themes.themes:
            sources, target = training_sources(self.themes, theme)
            weights = np.round(training_weights(self.themes, theme), 6).tolist()
            key = _digest("theme", _VERSION, self.model_id, settings.c, vocabulary_keys[theme.id], sources, target, weights)
            stored = store.load_theme(key) if store is not None else None
            if stored is not None and stored.theme_id == theme.id:
                self.fitted_[theme.id] = stored
            else:
                missing.append((theme, key))
        for key in {key for key in vocabulary_keys.values() if key is not None}:
            found = store.load_vocabulary(key) if store is not None else None
            if found is not None:
                self._vocabularies[key] = found
        if missing:
            self._fit_missing(missing, vocabulary_keys, embed, store)
        self.fitted_ = {theme.id: self.fitted_[theme.id] for theme in self.themes.themes}
        return self

    def _fit_missing(
        self, missing: list[tuple[Theme, str]], vocabulary_keys: Mapping[str, str | None], embed: EmbedFunction, store: ScorerStore | None
    ) -> None:
        plans = {theme.id: training_set(self.themes, theme) for theme, _ in missing}
        texts_to_embed = list(dict.fromkeys(text for texts, _ in plans.values() for text in texts))
        vectors = dict(zip(texts_to_embed, embed(texts_to_embed), strict=True))
        c = self.themes.scoring.c
        known: dict[str, int] = {}  # vocabulary key -> tokens remembered before these fits
        for theme, key in missing:
            texts, target = plans[theme.id]
            weights = training_weights(self.themes, theme)
            meaning = LinearScore.fit(np.stack([vectors[text] for text in texts]), target, c, weights)
            vocabulary_key = vocabulary_keys[theme.id]
            wording = None
            if vocabulary_key is not None:
                vocabulary = self._vocabulary(theme, vocabulary_key, store)
                known.setdefault(vocabulary_key, vocabulary.remembered_count)
                wording = LinearScore.fit(vocabulary.transform(texts, remember=True), target, c, weights)
            fitted = FittedTheme(theme.id, key, meaning, wording, vocabulary_key, len(texts), int(target.sum()))
            self.fitted_[theme.id] = fitted
            self.refitted_.append(theme.id)
            if store is not None:
                store.save_theme(fitted)
        for vocabulary_key, count in known.items():
            if store is not None and self._vocabularies[vocabulary_key].remembered_count > count:
                store.save_tokens(self._vocabularies[vocabulary_key])  # new tokens: a refit in another process finds them

    def score(self, texts: Sequence[str], languages: Sequence[str], embed: EmbedFunction) -> Scores:
        """Score normalised paragraph texts; return the scores and the paragraphs' embeddings."""
        self._require_fitted()
        ids = self.themes.ids
        if not len(texts):
            return Scores(
                pd.DataFrame({f"score_{theme_id}": [] for theme_id in ids}),
                np.zeros((0, 0), np.float32),
            )
        units, owners = _units(texts, self.themes.scoring.units)
        unit_languages = [languages[owner] for owner in owners]
        vectors = embed(units)
        forms = [match_form(text, language) for text, language in zip(units, unit_languages, strict=True)]  # once per unit, for every theme
        denied = denial_flags(forms, unit_languages, self.themes)
        ngram_rows: dict[str, NgramRows] = {}
        owner_index = np.asarray(owners)
        columns: dict[str, np.ndarray] = {}
        for theme in self.themes.themes:
            fitted = self.fitted_[theme.id]
            unit_scores = fitted.meaning(vectors)
            if fitted.wording is not None and fitted.vocabulary_key is not None:
                if fitted.vocabulary_key not in ngram_rows:
                    ngram_rows[fitted.vocabulary_key] = self._vocabularies[fitted.vocabulary_key].transform(units)
                unit_scores = unit_scores + self.themes.scoring.wording_weight * fitted.wording(ngram_rows[fitted.vocabulary_key])
            unit_scores = unit_scores + self._cue_adjustment(theme, forms, denied)
            best = np.full(len(texts), -np.inf)
            np.maximum.at(best, owner_index, unit_scores)
            columns[f"score_{theme.id}"] = np.round(best, SCORE_DECIMALS)
        return Scores(pd.DataFrame(columns), np.asarray(vectors[: len(texts)], dtype=np.float32))

    def decision_function(self, texts: Sequence[str], languages: Sequence[str], embed: EmbedFunction) -> pd.DataFrame:
        """``score_<id>`` columns for some normalised paragraph texts (0 is each theme's boundary)."""
        return self.score(texts, languages, embed).table

    def predict(self, texts: Sequence[str], languages: Sequence[str], embed: EmbedFunction) -> pd.DataFrame:
        """``has_<id>`` columns: whether each paragraph reaches each theme's threshold."""
        scores = self.decision_function(texts, languages, embed)
        return pd.DataFrame({f"has_{theme.id}": scores[f"score_{theme.id}"].to_numpy() >= theme.threshold for theme in self.themes.themes})

    def _cue_adjustment(self, theme: Theme, forms: Sequence[str], denied: np.ndarray) -> np.ndarray:
        """The cue bonus and denial penalty of units given in matching form (:func:`analysis.themes.match_form`)."""
        settings = self.themes.scoring
        cued = cue_flags(forms, theme)
        cue_weight = settings.cue_weight if theme.cue_weight is None else theme.cue_weight
        denial_weight = settings.denial_weight if theme.denial_weight is None else theme.denial_weight
        return cue_weight * (cued & ~denied) - denial_weight * denied

    def _frame_words(self) -> set[str]:
        """The words of every theme's descriptions, examples and cues, normalised."""
        sentences = [
            pair
            for theme in self.themes.themes
            for pair in (*theme.anchors(), *((lang, cue) for lang, cues in theme.cues.items() for cue in cues))
        ]
        return {word for language, text in sentences for word in _WORD.findall(normalize(text, language))}

    def _masking_digest(self) -> str | None:
        """What the masked words depend on (None when nothing is masked)."""
        labelled = self.themes.labelled
        if not self.themes.scoring.mask_event_words or labelled is None:
            return None
        frames = sorted(self._frame_words())
        return _digest(
            "masking",
            EVENT_WORD_ARTICLES,
            EVENT_WORD_SHARE,
            EVENT_WORD_EVENTS,
            frames,
            labelled.raw_texts,
            labelled.doc_ids,
            labelled.events,
        )

    def _vocabulary(self, theme: Theme, key: str, store: ScorerStore | None) -> NgramVocabulary:
        if key not in self._vocabularies:
            texts = [normalize(text, language) for language, text in vocabulary_sources(self.themes, theme)]
            masked: list[str] = []
            if self._masking_digest() is not None and self.themes.labelled is not None:
                masked = event_words(self.themes.labelled, self._frame_words())
            self._vocabularies[key] = NgramVocabulary.fit(key, texts, masked)
            if store is not None:
                store.save_vocabulary(self._vocabularies[key])
        return self._vocabularies[key]

    def _require_fitted(self) -> None:
        if set(self.fitted_) != set(self.themes.ids):
            raise RuntimeError("ThemeScorer is not fitted: call fit() first")


def import_fitting() -> None:
    """Import what fitting needs (scikit-learn's estimators: about 0.7 s here), for a server that will soon fit a theme;
    scoring a stored fit never imports them."""
    import sklearn.feature_extraction.text
    import sklearn.linear_model  # noqa: F401


def fitted_scorer(
    themes: ThemeSet,
    model_id: str,
    embed: EmbedFunction,
    store: ScorerStore | None = None,
) -> ThemeScorer:
    """A scorer for ``themes``, fitted (or loaded from ``store``)."""
    return ThemeScorer(themes, model_id).fit(embed, store)


def assign_themes(table: pd.DataFrame, theme_ids: Sequence[str], thresholds: Mapping[str, float]) -> pd.DataFrame:
    """Recompute ``has_<t>`` and ``themes`` from the ``score_<t>`` columns and per-theme thresholds.

    A kept paragraph carries a theme when its score is at least the theme's threshold; dropped
    rows (NaN scores) never do. Thresholds for themes not in ``theme_ids`` are ignored.

    Returns:
        A copy of ``table`` with updated ``has_<t>`` columns and ``themes`` ("|"-joined ids in
        ``theme_ids`` order, "" when none).

    Raises:
        ValueError: a theme has no threshold, or the table lacks a column.
    """
    missing = [theme for theme in theme_ids if theme not in thresholds]
    if missing:
        raise ValueError(f"No threshold given for theme(s): {', '.join(missing)}")
    absent = [column for column in ["kept", *(f"score_{theme}" for theme in theme_ids)] if column not in table.columns]
    if absent:
        raise ValueError(f"table lacks column(s) {absent}")
    result = table.copy()
    kept = result["kept"].astype(bool).to_numpy()
    for theme in theme_ids:
        scores = result[f"score_{theme}"].to_numpy(dtype=float)
        result[f"has_{theme}"] = kept & (np.nan_to_num(scores, nan=-np.inf) >= float(thresholds[theme]))
    flags = result[[f"has_{theme}" for theme in theme_ids]].to_numpy(dtype=bool)
    if 0 < len(theme_ids) <= 62:  # each distinct combination joined once: a Python loop over 100,000 rows took 0.15 s
        codes = flags @ (1 << np.arange(len(theme_ids), dtype=np.int64))
        distinct, inverse = np.unique(codes, return_inverse=True)
        joined = np.array(["|".join(theme for bit, theme in enumerate(theme_ids) if code >> bit & 1) for code in distinct], dtype=object)
        result["themes"] = joined[inverse.reshape(-1)].tolist()
    else:
        result["themes"] = ["|".join(theme for theme, flag in zip(theme_ids, row, strict=True) if flag) for row in flags]
    return result


def _units(texts: Sequence[str], units: str) -> tuple[list[str], list[int]]:
    """Return the paragraphs, then (for ``sentences``) their sentences when more than one, with owners."""
    scored = list(texts)
    owners = list(range(len(texts)))
    if units == "sentences":
        for number, text in enumerate(texts):
            sentences = split_sentences(text)
            if len(sentences) > 1:
                scored.extend(sentences)
                owners.extend([number] * len(sentences))
    return scored, owners


def _package_version() -> str:
    try:
        return version("framing")
    except PackageNotFoundError:
        return "unknown"


_VERSION = (FORMAT_VERSION, _package_version(), EMBEDDING_VERSION)  # fits of another release or embedding method are refitted


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:24]
