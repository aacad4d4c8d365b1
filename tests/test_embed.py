from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.embed import Embedder, EmbeddingCache, ModelError, load_sentence_transformer, make_embedder
from tests.conftest import FakeEncoder


def test_vectors_are_normalised_and_aligned_with_duplicates(fake_embedder: Embedder) -> None:
    vectors = fake_embedder.embed(["الف ب", "ج د", "الف ب"])
    assert vectors.shape == (3, FakeEncoder.dimension)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert fake_embedder.computed == 2


def test_second_run_embeds_nothing_and_never_loads_the_model(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite3"
    first_encoder = FakeEncoder()
    first = Embedder("fake", lambda: first_encoder, EmbeddingCache(cache_path))
    expected = first.embed(["یک دو", "سه"])

    def must_not_load() -> FakeEncoder:
        raise AssertionError("the model was loaded although every vector is cached")

    second = Embedder("fake", must_not_load, EmbeddingCache(cache_path))
    np.testing.assert_array_equal(second.embed(["سه", "یک دو"]), expected[::-1])
    assert (second.computed, second.reused, second.model_loaded) == (0, 2, False)


def test_cache_is_keyed_by_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    Embedder("model-a", FakeEncoder, cache).embed(["نص"])
    other = Embedder("model-b", FakeEncoder, cache)
    other.embed(["نص"])
    assert other.computed == 1
    assert len(cache) == 2


def test_progress_reports_batches(fake_embedder: Embedder) -> None:
    fake_embedder.batch_size = 2
    seen: list[tuple[int, int]] = []
    fake_embedder.embed([f"متن {i}" for i in range(5)], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_no_cache_means_recomputing(fake_encoder: FakeEncoder) -> None:
    embedder = Embedder("fake", lambda: fake_encoder, cache=None)
    embedder.embed(["a"])
    embedder.embed(["a"])
    assert fake_encoder.texts_seen == 2


def test_unknown_model_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="cannot load the sentence-transformers model"):
        load_sentence_transformer(str(tmp_path / "no-such-model"))


def test_make_embedder_uses_framing_home(framing_home: Path) -> None:
    embedder = make_embedder()
    assert embedder.cache is not None
    assert embedder.cache.path == framing_home / "cache" / "embeddings.sqlite3"
    assert embedder.model_id.startswith("multilingual-e5-small")
    assert not embedder.model_loaded


def test_cache_is_safe_across_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cache = EmbeddingCache(tmp_path / "shared.sqlite3")
    embedders = [Embedder("fake", FakeEncoder, cache) for _ in range(4)]
    texts = [[f"متن {worker} {i}" for i in range(50)] for worker in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda pair: pair[0].embed(pair[1]), zip(embedders, texts)))
    assert [len(vectors) for vectors in results] == [50] * 4
    assert len(cache) == 200
