"""Shared fixtures: a fake encoder (no model needed) and an isolated FRAMING_HOME."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from analysis.embed import Embedder, EmbeddingCache

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class FakeEncoder:
    """Hashes words into a 64-dimensional bag of words: texts sharing words are similar."""

    dimension = 64

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
        self.calls.append(list(sentences))
        vectors = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for word in sentence.split():
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vectors[row, bucket] += 1.0
        return vectors

    @property
    def texts_seen(self) -> int:
        return sum(len(call) for call in self.calls)


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
