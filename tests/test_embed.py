from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from analysis.embed import (
    Embedder,
    EmbeddingCache,
    ModelError,
    exact_length_batches,
    load_once,
    load_sentence_transformer,
    make_embedder,
    token_lengths,
)
from tests.helpers import FakeEncoder


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


@pytest.mark.model  # the real loader: importing sentence-transformers (~4 s CPU) is for the model tests, which load it anyway
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
        results = list(pool.map(lambda pair: pair[0].embed(pair[1]), zip(embedders, texts, strict=True)))
    assert [len(vectors) for vectors in results] == [50] * 4
    assert len(cache) == 200


def test_exact_length_batches_never_mix_lengths() -> None:
    texts = ["a", "b", "c", "d", "e"]
    assert exact_length_batches(texts, [3, 1, 3, 3, 1], size=2) == [["a", "c"], ["d"], ["b", "e"]]
    assert exact_length_batches([], [], size=2) == []


def test_token_lengths_of_an_encoder_without_tokenizer_are_one_group() -> None:
    assert token_lengths(FakeEncoder(), ["one", "two words"]) == [0, 0]


def test_a_vector_does_not_depend_on_its_batch_neighbours(fake_encoder: FakeEncoder) -> None:
    class LengthEncoder(FakeEncoder):
        """A fake whose output changes with padding, as a real model's does by ~1e-7."""

        def preprocess(self, texts: list[str], prompt: str | None = None) -> dict:
            import torch

            lengths = [len((prompt or "") + text) for text in texts]
            return {"attention_mask": torch.tensor([[1] * n + [0] * (max(lengths) - n) for n in lengths])}

        def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
            padded_to = max(len(sentence) for sentence in sentences)
            return super().encode(sentences) + np.float32(1e-4) * padded_to

    texts = ["short", "a longer text", "mid text"]
    alone = np.stack([Embedder("f", LengthEncoder).embed([text])[0] for text in texts])
    together = Embedder("f", LengthEncoder).embed(texts)
    np.testing.assert_array_equal(together, alone)


def test_an_encoder_that_runs_texts_alone_gets_plain_batches_in_order() -> None:
    class AloneEncoder(FakeEncoder):
        """A fake that, like the ONNX encoder, runs each text alone: no token lengths are asked of it."""

        runs_texts_alone = True

        def preprocess(self, texts: list[str], prompt: str | None = None) -> dict:
            raise AssertionError("token lengths are not needed")

    encoder = AloneEncoder()
    texts = [f"text number {index}" for index in range(5)]
    vectors = Embedder("f", lambda: encoder, batch_size=2).embed(texts)
    assert encoder.calls == [texts[0:2], texts[2:4], texts[4:5]]
    np.testing.assert_array_equal(vectors, np.stack([Embedder("f", FakeEncoder).embed([text])[0] for text in texts]))


def test_load_once_loads_a_model_once_for_concurrent_threads() -> None:
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    loads: list[str] = []
    start = threading.Barrier(6)

    def slow_load() -> FakeEncoder:
        loads.append("loaded")
        time.sleep(0.2)
        return FakeEncoder()

    def session(_: int) -> FakeEncoder:
        start.wait()
        return load_once(f"slow-{id(loads)}", slow_load)

    with ThreadPoolExecutor(max_workers=6) as pool:
        models = list(pool.map(session, range(6)))
    assert loads == ["loaded"]
    assert all(model is models[0] for model in models)


def test_load_once_keeps_models_apart_and_retries_after_a_failure() -> None:
    def failing() -> FakeEncoder:
        raise ModelError("broken")

    name = f"retry-{id(failing)}"
    with pytest.raises(ModelError):
        load_once(name, failing)
    first = load_once(name, FakeEncoder)
    assert load_once(name, FakeEncoder) is first
    assert load_once(f"{name}-other", FakeEncoder) is not first


def _damage_random(path: Path) -> None:
    path.write_bytes(np.random.default_rng(0).bytes(40_000))


def _damage_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_middle(path: Path) -> None:
    data = path.read_bytes()
    middle = len(data) // 2
    path.write_bytes(data[:middle] + b"\xff" * 16 + data[middle + 16 :])


def _damage_one_vector(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors_v2 SET vector = zeroblob(256) WHERE rowid = 1")


@pytest.mark.parametrize("damage", [_damage_random, _damage_truncated, _damage_middle, _damage_one_vector])
def test_a_damaged_cache_is_moved_aside_and_replaced(tmp_path: Path, damage) -> None:
    path = tmp_path / "cache.sqlite3"
    texts = [f"متن شماره {i} " * 4 for i in range(300)]
    expected = Embedder("fake", FakeEncoder, EmbeddingCache(path)).embed(texts)
    damage(path)
    damaged = path.read_bytes()
    notices: list[str] = []
    embedder = Embedder("fake", FakeEncoder, EmbeddingCache(path, warn=notices.append))
    np.testing.assert_array_equal(embedder.embed(texts), expected)
    [aside] = tmp_path.glob("cache.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged  # kept as it was
    assert len(notices) == 1 and "damaged" in notices[0] and str(aside) in notices[0]
    assert len(EmbeddingCache(path)) == 300  # the new cache is in use


def test_the_whole_file_is_checked_only_when_something_else_changed_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis.embed as embed

    checks: list[Path] = []
    check = embed._check
    monkeypatch.setattr(embed, "_check", lambda connection: (checks.append(tmp_path), check(connection))[1])
    path = tmp_path / "cache.sqlite3"
    Embedder("fake", FakeEncoder, EmbeddingCache(path)).embed(["نیروها", "القوات"])
    assert len(checks) == 1  # a new file
    Embedder("fake", FakeEncoder, EmbeddingCache(path)).embed(["سه", "ثلاثة"])
    assert len(checks) == 1  # unchanged since this module's last write
    EmbeddingCache(path)
    assert len(checks) == 1
    with sqlite3.connect(path) as db:  # another program writes to it
        db.execute("CREATE TABLE other (x)")
    EmbeddingCache(path)
    assert len(checks) == 2
    (tmp_path / "cache.sqlite3.checked").write_text("garbage")
    EmbeddingCache(path)
    assert len(checks) == 3


def test_cache_keys_change_with_the_embedding_method() -> None:
    import hashlib

    old_key = hashlib.sha256(b"m\x00text").hexdigest()
    assert EmbeddingCache.key("m", "text") != old_key


def test_a_released_model_is_let_go_and_loaded_again_when_needed() -> None:
    loads: list[FakeEncoder] = []

    def load() -> FakeEncoder:
        loads.append(FakeEncoder())
        return loads[-1]

    model_id = f"released-{id(loads)}"
    embedder = Embedder(model_id=model_id, load=lambda: load_once(model_id, load))
    first = embedder.embed(["نیروها", "القوات"])
    embedder.release_model()
    assert not embedder.model_loaded
    assert load_once(model_id, lambda: FakeEncoder()) is not loads[0]  # the process's copy is gone too
    embedder.release_model()  # nothing loaded: nothing to do
    assert np.array_equal(embedder.embed(["نیروها", "القوات"]), first)


def test_preload_loads_the_model_once_and_logs_a_failure_instead_of_raising(caplog: pytest.LogCaptureFixture) -> None:
    loads: list[int] = []
    embedder = Embedder("fake", lambda: loads.append(1) or FakeEncoder())
    embedder.preload()
    embedder.preload()
    assert embedder.model_loaded and loads == [1]

    def broken() -> FakeEncoder:
        raise ModelError("no model folder")

    failing = Embedder("fake", broken)
    failing.preload()
    assert not failing.model_loaded
    assert "could not be loaded in advance (ModelError: no model folder)" in caplog.text
    with pytest.raises(ModelError, match="no model folder"):
        failing.embed(["نص"])  # the text that needs it raises, where it is explained
