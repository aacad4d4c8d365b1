"""The default model on ONNX Runtime: same vectors as PyTorch, used only when its export passed its check.

The fast tests fake the export (its status file and a file of the recorded size); the tests marked
``model`` export the real embedded model once, into a temporary copy of its folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import embed, onnx_backend
from analysis.embed import Embedder, EmbeddingCache, ModelError, default_backend, make_embedder
from analysis.model_setup import default_model_dir
from tests.helpers import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent


def _fake_export(folder: Path, content: bytes = b"not an onnx model", passed: bool = True) -> Path:
    """Write an export file, its weights file and a status that says it passed its check (a fake: no model needed)."""
    path = onnx_backend.onnx_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    onnx_backend.weights_path(path).write_bytes(b"weights")
    entry = {
        "passed": passed,
        "min_cosine": 1.0,
        **onnx_backend._signature(path),
        "reason": "min cosine 0.9 below 0.9999",
    }
    (path.parent / onnx_backend.STATUS_FILE).write_text(json.dumps({"fp32": entry}), encoding="utf-8")
    return path


def _tiny_model_files(folder: Path) -> None:
    """The files OnnxEncoder reads besides the export: settings and a one-word tokenizer."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel

    (folder / "config_sentence_transformers.json").write_text(json.dumps({"prompts": {"query": "query: "}, "default_prompt_name": "query"}))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 8}))
    Tokenizer(WordLevel({"<unk>": 0}, unk_token="<unk>")).save(str(folder / "tokenizer.json"))


@pytest.fixture
def folder(framing_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("FRAMING_BACKEND", "FRAMING_PRECISION"):
        monkeypatch.delenv(variable, raising=False)
    return default_model_dir(framing_home)


def test_no_export_means_pytorch_without_a_word(folder: Path) -> None:
    messages: list[str] = []
    assert default_backend(folder, messages.append) == ("torch", None)
    assert messages == []


def test_a_checked_export_is_used_and_its_backend_is_in_every_cache_key(folder: Path) -> None:
    export = _fake_export(folder)
    assert default_backend(folder) == ("onnx-fp32", export)
    onnx = make_embedder()
    assert onnx.model_id == f"{folder.name}+onnx-fp32"
    assert onnx.backend == "onnx-fp32"
    assert not onnx.model_loaded
    os.environ["FRAMING_BACKEND"] = "torch"
    try:
        torch = make_embedder()
    finally:
        del os.environ["FRAMING_BACKEND"]
    assert (torch.model_id, torch.backend) == (folder.name, "torch")
    assert EmbeddingCache.key(onnx.model_id, "text") != EmbeddingCache.key(torch.model_id, "text")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda path: path.unlink(), "is missing"),
        (lambda path: path.write_bytes(b"truncated"), "changed since its check"),
        (lambda path: os.utime(path, ns=(0, 0)), "changed since its check"),
        (lambda path: onnx_backend.weights_path(path).unlink(), "weights"),
        (lambda path: onnx_backend.weights_path(path).write_bytes(b"other weights"), "changed since its check"),
    ],
)
def test_a_missing_or_changed_export_falls_back_to_pytorch_with_a_message(folder: Path, damage, message: str) -> None:
    damage(_fake_export(folder))
    messages: list[str] = []
    assert default_backend(folder, messages.append) == ("torch", None)
    assert len(messages) == 1
    assert message in messages[0]
    assert messages[0].endswith("embedding with PyTorch")


def test_an_export_that_failed_its_check_is_not_used(folder: Path) -> None:
    _fake_export(folder, passed=False)
    messages: list[str] = []
    assert default_backend(folder, messages.append) == ("torch", None)
    assert messages == ["the ONNX fp32 export failed its check at set-up (min cosine 0.9 below 0.9999): embedding with PyTorch"]


@pytest.mark.parametrize(("variable", "value"), [("FRAMING_BACKEND", "tensorflow"), ("FRAMING_PRECISION", "fp8")])
def test_unknown_settings_are_a_clear_error(folder: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ModelError, match="choose one of"):
        default_backend(folder)


def test_int8_is_used_only_when_asked_for(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_export(folder)
    monkeypatch.setenv("FRAMING_PRECISION", "int8")
    messages: list[str] = []
    assert default_backend(folder, messages.append) == ("torch", None)  # asked for, but not exported
    assert "int8 export is not built yet" in messages[0]


def test_an_export_that_cannot_be_loaded_falls_back_and_caches_nothing(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_export(folder)  # passes the cheap check, but onnxruntime cannot read it
    _tiny_model_files(folder)
    fake = FakeEncoder()
    monkeypatch.setattr(embed, "load_sentence_transformer", lambda name: fake)
    monkeypatch.setattr("analysis.model_setup.ensure_default_model", lambda home, log: folder)
    messages: list[str] = []
    embedder = make_embedder(warn=messages.append)
    vectors = embedder.embed(["one text", "another text"])
    assert vectors.shape == (2, FakeEncoder.dimension)
    assert any(
        "cannot run the ONNX export" in message and "(InvalidProtobuf)" in message and "embedding with PyTorch" in message
        for message in messages
    )
    assert embedder.cache is not None
    assert len(embedder.cache) == 0  # PyTorch's vectors are never stored under the ONNX model id


def test_a_failed_export_is_recorded_said_once_and_not_retried(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder.mkdir(parents=True)
    attempts: list[Path] = []

    def failing(target: Path) -> dict[str, object]:
        attempts.append(target)
        return {"passed": False, "reason": "min cosine 0.990000 to PyTorch on 9 check texts, below 0.9999"}

    monkeypatch.setattr(onnx_backend, "_export_fp32", failing)
    messages: list[str] = []
    assert onnx_backend.export_onnx(folder, log=messages.append) is None
    assert messages == [
        "the ONNX fp32 export was not kept (min cosine 0.990000 to PyTorch on 9 check texts, below 0.9999): embedding with PyTorch"
    ]
    assert onnx_backend.export_onnx(folder, log=messages.append) is None
    assert len(attempts) == 1  # the same libraries would fail the same way
    assert "failed its check at set-up" in messages[1]
    assert default_backend(folder) == ("torch", None)


def test_an_exporter_error_falls_back_with_one_line(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder.mkdir(parents=True)

    def broken(target: Path) -> dict[str, object]:
        raise RuntimeError("Module onnx is not installed!\nmore detail")

    monkeypatch.setattr(onnx_backend, "_export_fp32", broken)
    messages: list[str] = []
    assert onnx_backend.export_onnx(folder, log=messages.append) is None
    assert messages == [
        "the ONNX fp32 export was not kept (export failed: RuntimeError: Module onnx is not installed!): embedding with PyTorch"
    ]


def test_only_transformer_mean_pooling_normalise_is_exported(tmp_path: Path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    modules = [{"type": t} for t in onnx_backend._PIPELINE]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    assert onnx_backend.pipeline_problem(tmp_path) == ""
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    assert "not mean pooling" in onnx_backend.pipeline_problem(tmp_path)
    (tmp_path / "modules.json").write_text(json.dumps(modules[:2]))
    assert "not transformer, pooling, normalisation" in onnx_backend.pipeline_problem(tmp_path)


def test_vectors_of_another_backend_are_not_cached(tmp_path: Path) -> None:
    fake = FakeEncoder()
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    Embedder("m+onnx-fp32", lambda: fake, cache, backend="onnx-fp32").embed(["a"])
    assert len(cache) == 0
    Embedder("m", lambda: fake, cache).embed(["a"])
    assert len(cache) == 1


def test_an_unknown_parallel_mode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="choose texts or operators"):
        onnx_backend.OnnxEncoder(Path("model.onnx"), Path("folder"), parallel="fast")


# --- with the real embedded model -------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """The embedded model folder (from FRAMING_HOME, built by `make model`) linked into a temporary folder and exported there."""
    from analysis.model_setup import ensure_default_model

    source = ensure_default_model(log=lambda message: None)
    folder = tmp_path_factory.mktemp("onnx") / source.name
    for file in source.rglob("*"):
        if file.is_file() and onnx_backend.ONNX_FOLDER not in file.relative_to(source).parts:
            (folder / file.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (folder / file.relative_to(source)).symlink_to(file)
    messages: list[str] = []
    export = onnx_backend.export_onnx(folder, log=messages.append)
    assert export is not None, messages
    return folder, export, messages


@pytest.fixture(scope="module")
def models(exported: tuple[Path, Path, list[str]]):
    folder, export, _ = exported
    return embed.load_sentence_transformer(str(folder)), onnx_backend.OnnxEncoder(export, folder)


@pytest.fixture(scope="module")
def labelled() -> list[str]:
    return pd.read_csv(ROOT / "analysis" / "data" / "labelled_paragraphs.csv").sample(80, random_state=3)["text"].tolist()


@pytest.mark.model
def test_the_export_passes_its_check_and_says_so(exported: tuple[Path, Path, list[str]]) -> None:
    folder, export, messages = exported
    status = onnx_backend.read_status(folder)["fp32"]
    assert status["passed"] and status["min_cosine"] >= onnx_backend.MIN_COSINE
    assert messages[-1].startswith("exported the embedded model to ONNX fp32")
    assert onnx_backend.usable_export(folder) == (export, "")
    assert onnx_backend.export_onnx(folder, log=messages.append) == export  # not redone
    assert len(messages) == 1
    # The weights live apart from the graph, so that ONNX Runtime maps them instead of parsing them.
    assert export.stat().st_size < 5_000_000 < onnx_backend.weights_path(export).stat().st_size
    assert sorted(path.name for path in export.parent.iterdir()) == ["export.json", "model.onnx", "model.onnx.data"]


@pytest.mark.model
def test_onnx_vectors_equal_pytorch_vectors(models, labelled: list[str]) -> None:
    plain, onnx = models
    texts = [*onnx_backend.CHECK_TEXTS, *labelled]
    for prompt_name in ("query", "passage"):
        reference = plain.encode(texts, prompt_name=prompt_name, batch_size=1)
        vectors = onnx.encode(texts, prompt_name=prompt_name)
        assert vectors.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
        assert float((vectors * reference).sum(axis=1).min()) >= 0.9999
        assert float(np.abs(vectors - reference).max()) < 1e-5


@pytest.mark.model
def test_onnx_tokens_equal_sentence_transformers_tokens(models, labelled: list[str]) -> None:
    plain, onnx = models
    texts = [*labelled, "  spaces  around ", "", "x " * 700]
    features = plain.preprocess(texts, prompt="query: ")
    expected = [ids[mask.bool()].tolist() for ids, mask in zip(features["input_ids"], features["attention_mask"], strict=True)]
    assert onnx.token_ids(texts, "query: ") == expected
    assert embed.token_lengths(onnx, texts) == embed.token_lengths(plain, texts)


@pytest.mark.model
def test_an_onnx_vector_does_not_depend_on_its_neighbours(models, labelled: list[str]) -> None:
    _, onnx = models
    together = onnx.encode(labelled)
    alone = np.stack([onnx.encode([text])[0] for text in labelled])
    assert together.tobytes() == alone.tobytes()


@pytest.mark.model
def test_texts_at_once_or_operators_over_threads_give_the_same_vectors_bit_for_bit(
    exported: tuple[Path, Path, list[str]], labelled: list[str]
) -> None:
    folder, export, _ = exported
    texts = [*onnx_backend.CHECK_TEXTS, *labelled]
    reference = onnx_backend.OnnxEncoder(export, folder, threads=1).encode(texts)
    at_once = onnx_backend.OnnxEncoder(export, folder, threads=2)
    assert at_once.texts_at_once == 2
    for encoder in (at_once, onnx_backend.OnnxEncoder(export, folder, threads=2, parallel="operators")):
        assert encoder.encode(texts).tobytes() == reference.tobytes()
    assert at_once.encode([]).shape == (0, 0)


@pytest.mark.model
def test_a_failing_cosine_check_is_not_kept(exported: tuple[Path, Path, list[str]]) -> None:
    folder, export, _ = exported
    rng = np.random.default_rng(0)
    entry = onnx_backend._checked(folder, export, rng.normal(size=(len(onnx_backend.CHECK_TEXTS), 384)), required=onnx_backend.MIN_COSINE)
    assert not entry["passed"]
    assert "below 0.9999" in entry["reason"]
