"""Where the embedding runs: in this process (``local``) or on a Ray cluster (``ray``).

The Ray engine is an :class:`~analysis.embed.Embedder` whose missing texts are embedded by
long-lived Ray actors, each loading the model once and keeping it: the driver (the ``framing``
process) never loads the model. The cache, the counts and the vectors are those of the local
engine: texts are grouped into batches of one token length exactly as locally
(:func:`~analysis.embed.exact_length_batches`), so no text is padded and a text's vector does not
depend on which actor embeds it, nor with which neighbours; outputs are byte-identical to a local
run. Ray is an optional extra (``pip install 'framing[ray]'``); Ray Data's ``map_batches`` is not
used, since it reloads the model on every call (issue 11).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from analysis.embed import (
    Embedder,
    EmbeddingCache,
    Encoder,
    ProgressCallback,
    _normalise,
    exact_length_batches,
    resolve_model,
    token_lengths,
)

ENGINES = ("local", "ray")
_LENGTH_CHUNK = 256  # texts per token-length request to an actor
INSTALL_HINT = "pip install 'framing[ray]'"

_COUNTS = ("computed", "reused")  # an Embedder's running counts, not its settings
_log = logging.getLogger(__name__)
_started: list[RayEmbedder] = []


class EngineError(RuntimeError):
    """The requested engine cannot run: Ray is missing, the cluster cannot be reached, or a worker failed."""


def with_engine(embedder: Embedder, engine: str, *, model: str | None = None, address: str | None = None) -> Embedder:
    """Return ``embedder`` itself for the ``local`` engine, or a :class:`RayEmbedder` in its place for ``ray``.

    Args:
        embedder: the local embedder (model id, cache and batch size are kept).
        engine: one of :data:`ENGINES`.
        model: the ``--model`` name or path, resolved again on each Ray worker.
        address: a Ray cluster (``ray://HOST:10001``, ``HOST:6379`` or ``auto``); ``None`` starts a
            local Ray instance using this machine's cores.

    Raises:
        EngineError: an unknown engine, an address without the Ray engine, or Ray not installed.
    """
    check(engine, address)
    if engine == "local":
        return embedder
    settings = {
        f.name: getattr(embedder, f.name) for f in fields(Embedder) if f.init and f.name not in _COUNTS and not f.name.startswith("_")
    }
    return RayEmbedder(**settings, model_name=model, address=address)


def check(engine: str, address: str | None = None) -> None:
    """Refuse, before any work, an unknown engine, an address without the Ray engine, or the Ray engine without Ray.

    Raises:
        EngineError: with one line saying what to do.
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "local" and address:
        raise EngineError("--address needs --engine ray")
    if engine == "ray":
        require_ray()


def require_ray() -> Any:
    """Import and return the ``ray`` module, or raise :class:`EngineError` saying how to install it."""
    try:
        import ray
    except ImportError as error:
        raise EngineError(f"--engine ray needs Ray, which is not installed: {INSTALL_HINT}") from error
    return ray


def run_metadata(embedder: Embedder) -> dict[str, Any]:
    """The engine's entries for run.json: none for the local engine, so a local run's metadata is unchanged."""
    if not isinstance(embedder, RayEmbedder):
        return {}
    return {"engine": "ray", "ray_address": embedder.address or "local", "ray_workers": embedder.workers}


def stop() -> None:
    """Stop the actors of every Ray engine started in this process (and Ray, where the engine started it)."""
    while _started:
        _started.pop().close()


def model_mismatch(worker: str, driver: str) -> str:
    """What to do when a Ray worker resolves the model to another id than the driver (one line)."""
    worker_base, _, worker_backend = worker.partition("+")
    driver_base, _, driver_backend = driver.partition("+")
    if worker_base == driver_base and worker_backend != driver_backend:
        has = f"its {worker_backend} export" if worker_backend else "no ONNX export"
        return (
            f"this Ray worker has {has} of the model and the driver embeds with {driver_backend or 'PyTorch'} "
            f"(the vectors' cache key differs): run `framing prepare` on every node, or run the driver with the same "
            f"FRAMING_BACKEND and FRAMING_PRECISION as the workers (FRAMING_BACKEND=torch embeds with PyTorch everywhere)"
        )
    return f"this Ray worker resolves the model to {worker!r}, the driver to {driver!r}: install the same model on every node"


class EncoderActor:
    """One Ray worker's model: loaded once when the actor starts, then used for every batch it is sent."""

    def __init__(self, model_name: str | None, model_id: str, threads: int) -> None:
        os.environ["FRAMING_THREADS"] = str(threads)  # ONNX Runtime's threads: the actor's CPUs, not the node's
        found, load = resolve_model(model_name)
        if found != model_id:
            raise EngineError(model_mismatch(found, model_id))
        self._encoder: Encoder = load()

    def lengths(self, texts: list[str]) -> list[int]:
        """Each text's length in the model's tokens (see :func:`~analysis.embed.token_lengths`)."""
        return token_lengths(self._encoder, texts)

    def encode(self, index: int, batch: list[str], batch_size: int) -> tuple[int, np.ndarray, str]:
        """``(index, L2-normalised float32 vectors of batch, backend)``, as the local engine computes them.

        ``backend`` is what computed them (an ONNX export that failed to load leaves PyTorch in its place).
        """
        vectors = _normalise(np.asarray(self._encoder.encode(batch, batch_size=batch_size), dtype=np.float32))
        return index, vectors, getattr(self._encoder, "embedding_backend", "torch")


@dataclass
class RayEmbedder(Embedder):
    """An :class:`~analysis.embed.Embedder` whose missing texts are embedded by a pool of Ray actors.

    The actors are started on the first text that is not cached (a fully cached run never contacts
    Ray), one per CPU of the cluster (each with ``cpus_per_actor`` CPUs, so as many torch threads),
    and live until :meth:`close` or the end of the process.

    Attributes:
        model_name: the ``--model`` argument, resolved on each worker (its own ``FRAMING_HOME``).
        address: the cluster to join; ``None`` starts a local Ray instance.
        actors: how many actors to start (default: the cluster's CPUs divided by ``cpus_per_actor``).
        cpus_per_actor: CPUs (and torch threads) reserved by each actor.
    """

    model_name: str | None = None
    address: str | None = None
    actors: int | None = None
    cpus_per_actor: int = 1
    _pool: Any = field(default=None, repr=False)
    _handles: list[Any] = field(default_factory=list, repr=False)
    _owns_ray: bool = field(default=False, repr=False)

    @property
    def model_loaded(self) -> bool:
        """Whether the actors (each with its model) have been started."""
        return bool(self._handles)

    @property
    def workers(self) -> int:
        """How many actors embed (0 before the first text that is not cached)."""
        return len(self._handles)

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:
        """Return L2-normalised float32 vectors, one row per text, reusing cached ones (as :meth:`Embedder.embed`)."""
        unique = list(dict.fromkeys(texts))
        keys = {text: EmbeddingCache.key(self.model_id, text) for text in unique}
        cached = self.cache.get_many(list(keys.values())) if self.cache is not None else {}
        vectors = {text: cached[keys[text]] for text in unique if keys[text] in cached}
        missing = [text for text in unique if text not in vectors]
        self.reused += len(unique) - len(missing)
        if missing:
            done = 0
            expected = getattr(self, "backend", "torch")  # vectors of another backend are used, never cached (as locally)
            for batch, encoded, backend in self._encoded(missing):
                vectors.update(zip(batch, encoded, strict=True))
                if self.cache is not None and backend == expected:
                    self.cache.put_many((keys[text], vector) for text, vector in zip(batch, encoded, strict=True))
                self.computed += len(batch)
                done += len(batch)
                if progress:
                    progress(done, len(missing))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vectors[text] for text in texts])

    def _encoded(self, texts: list[str]) -> Iterator[tuple[list[str], np.ndarray, str]]:
        """Yield ``(batch, vectors, backend)`` as the actors finish them: token lengths first, then exact-length batches."""
        ray = require_ray()
        pool = self.start()
        try:
            chunks = [texts[start : start + _LENGTH_CHUNK] for start in range(0, len(texts), _LENGTH_CHUNK)]
            lengths = [length for chunk in pool.map(lambda actor, chunk: actor.lengths.remote(chunk), chunks) for length in chunk]
            batches = exact_length_batches(texts, lengths, self.batch_size)
            work = [(index, batch, self.batch_size) for index, batch in enumerate(batches)]
            for index, encoded, backend in pool.map_unordered(lambda actor, item: actor.encode.remote(*item), work):
                yield batches[index], encoded, backend
        except ray.exceptions.RayError as error:
            cause = getattr(error, "cause", None)
            reason = str(cause) if isinstance(cause, EngineError) else str(error).strip().splitlines()[-1]
            raise EngineError(f"a Ray worker failed: {reason}") from error

    def start(self, wait: bool = False) -> Any:
        """Connect to (or start) Ray and start the actors, once; return their ``ActorPool``.

        Args:
            wait: return only when every actor has loaded its model (a benchmark times the loads apart).
        """
        if self._pool is not None:
            return self._pool
        ray = require_ray()
        from ray.util import ActorPool

        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report sent anywhere
            options: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
            if not self.address:  # a local instance: no dashboard; Ray gives it a token (its notice saying so is not ours to print)
                options["include_dashboard"] = False
                logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
            try:
                ray.init(address=self.address or None, **options)
            except Exception as error:  # Ray raises ConnectionError, RuntimeError… for an unreachable cluster
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                if not self.address:
                    raise EngineError(f"cannot start a local Ray instance: {reason}") from error
                raise EngineError(
                    f"cannot reach the Ray cluster at {self.address}: {reason} (a cluster with token authentication also needs "
                    "RAY_AUTH_MODE=token and its token here: see README, 'On a Ray cluster')"
                ) from error
            self._owns_ray = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = self.actors or max(1, cpus // self.cpus_per_actor)
        remote = ray.remote(num_cpus=self.cpus_per_actor)(EncoderActor)
        self._handles = [remote.remote(self.model_name, self.model_id, self.cpus_per_actor) for _ in range(count)]
        self._pool = ActorPool(self._handles)
        _started.append(self)
        if wait:
            ray.get([handle.lengths.remote(["."]) for handle in self._handles])
        _log.info("Ray engine: %d actors of %d CPU each", count, self.cpus_per_actor)
        return self._pool

    def close(self) -> None:
        """Stop the actors (and Ray, when this engine started it)."""
        if not self._handles and not self._owns_ray:
            return
        ray = require_ray()
        for handle in self._handles:
            ray.kill(handle)
        self._handles, self._pool = [], None
        if self._owns_ray:
            ray.shutdown()
            self._owns_ray = False
