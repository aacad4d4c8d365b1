"""Shared fixtures: a fake encoder (no model needed) and an isolated FRAMING_HOME (helpers live in tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
