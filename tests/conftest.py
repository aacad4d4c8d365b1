"""Shared fixtures: a fake encoder (no model needed) and an isolated FRAMING_HOME (helpers live in tests/helpers.py)."""

from __future__ import annotations

import os

# One OpenBLAS thread (NumPy's and SciPy's) per test process and the CLI processes some tests start:
# the fits here are tiny, and OpenBLAS's second thread only spins against the other process on a busy
# 2-core machine (it made the fast suite take twice the CPU time). Set before NumPy is imported; a
# value given by the caller wins. PyTorch's and ONNX Runtime's threads (the model tests) are untouched.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from functools import partial
from pathlib import Path

import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator

from analysis.embed import Embedder, EmbeddingCache
from tests.helpers import FakeEncoder


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def fake_embedder(fake_encoder: FakeEncoder, tmp_path: Path) -> Embedder:
    return Embedder(model_id="fake", load=lambda: fake_encoder, cache=EmbeddingCache(tmp_path / "cache.sqlite3"))


@pytest.fixture
def framing_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("FRAMING_HOME", str(home))
    return home


@pytest.fixture
def marks_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh FRAMING_HOME for marks (no workspace yet) that shares the built model, the embedding cache and the stored scorers."""
    from analysis.config import framing_home

    real, home = framing_home(), tmp_path_factory.mktemp("home")
    for name in ("models", "cache", "scorers"):
        (real / name).mkdir(parents=True, exist_ok=True)
        (home / name).symlink_to(real / name)
    monkeypatch.setenv("FRAMING_HOME", str(home))
    return home


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """File name -> data of every download button drawn (data may be a callable, built on click)."""
    captured: dict[str, object] = {}
    original = DeltaGenerator.download_button

    def spy(self: DeltaGenerator, label: str, data: object, file_name: str | None = None, *args: object, **kwargs: object) -> bool:
        captured[file_name] = data
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    monkeypatch.setattr(streamlit, "download_button", partial(spy, streamlit._main))
    return captured
