"""The embedded default model served by ONNX Runtime: exported once at set-up, checked, then used when identical.

``framing prepare`` exports the converted model folder (see :mod:`analysis.model_setup`) with a plain
``torch.onnx.export`` (TorchScript exporter, opset 17, eager attention), the transformer followed by the
folder's own mean pooling and L2 normalisation, into ``<model folder>/onnx/model.onnx`` with its weights beside
it in ``model.onnx.data`` (ONNX's external data, which ONNX Runtime maps into memory instead of parsing: the same
graph and weights, opened faster). It then embeds a
fixed set of Persian, Arabic and English texts with both PyTorch (sentence-transformers) and ONNX Runtime
and keeps the export only when every cosine is at least :data:`MIN_COSINE`; the result is recorded in
``onnx/export.json`` with the files' sizes and modification times, so a file changed or lost since its
check is noticed without reading it. Anything else falls back to PyTorch with a one-line message.

sentence-transformers stays the model's home: the folder's tokenizer, prompts ("query: ", "passage: ")
and maximum length are read from it, and any other model (``--model``) is run by sentence-transformers.

int8 (ONNX Runtime's dynamic quantisation of the fp32 export) is only an explicit option
(``FRAMING_PRECISION=int8``): its vectors are not identical (``bench/bench_onnx.py`` prints how many theme
assignments it changes).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17
MIN_COSINE = 0.9999
EXPORT_VERSION = 2  # bump when the export itself changes: every export is redone and rechecked (2: weights in a separate file)
PRECISIONS = ("fp32", "int8")
BACKENDS = ("auto", "torch", "onnx")
ONNX_FOLDER = "onnx"
STATUS_FILE = "export.json"
NOT_EXPORTED = "the ONNX export is not built yet"
_FILES = {"fp32": "model.onnx", "int8": "model_int8.onnx"}
_SIGNATURE = ("size", "mtime_ns", "weights_size", "weights_mtime_ns")  # what a status records of an export's files
_PIPELINE = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"]

# The fixed check: Persian, Arabic and English, short and long, with digits, punctuation and a ZWNJ.
CHECK_TEXTS = (
    "نیروهای پاسدار صلح سازمان پیمان امنیت جمعی وارد قزاقستان شدند.",
    "اعتراض‌ها پس از افزایش قیمت گاز مایع در ژانویه ۲۰۲۲ آغاز شد؛ «توطئه‌ای خارجی»؟",
    "به گزارش خبرگزاری تسنیم، وزیر امور خارجه روسیه گفت که مأموریت نیروهای پاسدار صلح محدود است و پس از"
    " تثبیت اوضاع، این نیروها به کشورهای خود بازمی‌گردند؛ او افزود که گروه‌های تروریستی آموزش‌دیده در خارج"
    " از کشور در ناآرامی‌ها نقش داشته‌اند و دولت قزاقستان از سازمان پیمان امنیت جمعی کمک خواسته است.",
    "دخلت قوات حفظ السلام التابعة لمنظمة معاهدة الأمن الجماعي إلى كازاخستان.",
    "قالت موسكو إن مهمة قواتها مؤقتة، وأُرسل ٢٠٣٠ جندياً!",
    "وأكد الرئيس الكازاخستاني قاسم جومرت توكاييف أن العصابات الإرهابية التي هاجمت المباني الحكومية في ألماتي"
    " تلقت تدريبها في الخارج، مشيرا إلى أن قوات المنظمة ستغادر البلاد فور انتهاء مهمتها خلال عشرة أيام.",
    "Russia says the mission is temporary: 2,030 troops were sent (Jan. 6).",
    "  Tokayev:\tstate of emergency,\n\u00a0internet cut — Almaty's mayor's office burned.  ",
    "CSTO",
)

Log = Callable[[str], None]


def onnx_path(folder: Path, precision: str = "fp32") -> Path:
    """Return where the ONNX export of a model folder in ``precision`` lives."""
    return folder / ONNX_FOLDER / _FILES[precision]


def weights_path(export: Path) -> Path:
    """Return where an export's weights live when they are kept apart from its graph (ONNX's external data)."""
    return export.with_name(f"{export.name}.data")


def _signature(export: Path) -> dict[str, int]:
    """The sizes and modification times of an export's files (its weights file too, when it has one).

    Raises:
        OSError: the export is missing.
    """
    stat = export.stat()
    signature = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    weights = weights_path(export)
    if weights.exists():
        weights_stat = weights.stat()
        signature |= {"weights_size": weights_stat.st_size, "weights_mtime_ns": weights_stat.st_mtime_ns}
    return signature


def _remove(export: Path) -> None:
    """Delete an export and its weights file."""
    export.unlink(missing_ok=True)
    weights_path(export).unlink(missing_ok=True)


def read_status(folder: Path) -> dict[str, Any]:
    """Return ``onnx/export.json`` (per precision: passed, cosines, file size and time, versions), or ``{}``."""
    try:
        status = json.loads((folder / ONNX_FOLDER / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}


def usable_export(folder: Path, precision: str = "fp32") -> tuple[Path | None, str]:
    """Return ``(path, "")`` when the export in ``precision`` passed its check and is unchanged since, else ``(None, why not)``.

    Cheap: reads the status file and the export's size and modification time, never the export itself.
    """
    entry = read_status(folder).get(precision)
    path = onnx_path(folder, precision)
    if not isinstance(entry, dict):
        return (
            None,
            NOT_EXPORTED
            if precision == "fp32"
            else f"the ONNX {precision} export is not built yet (FRAMING_PRECISION={precision} framing prepare builds it)",
        )
    if not entry.get("passed"):
        return None, f"the ONNX {precision} export failed its check at set-up ({entry.get('reason', 'no reason recorded')})"
    try:
        signature = _signature(path)
    except OSError:
        return None, f"the ONNX {precision} export {path} is missing (framing prepare exports it again)"
    if "weights_size" in entry and not weights_path(path).exists():
        return None, f"the ONNX {precision} export's weights {weights_path(path)} are missing (framing prepare exports it again)"
    if signature != {key: entry[key] for key in _SIGNATURE if key in entry}:
        return None, f"the ONNX {precision} export {path} changed since its check (framing prepare exports it again)"
    return path, ""


def onnx_status(folder: Path) -> str:
    """Say in a few words what embeds with the default model (``framing info``), without loading anything."""
    backend = os.environ.get("FRAMING_BACKEND", "auto").strip().lower() or "auto"
    precision = os.environ.get("FRAMING_PRECISION", "fp32").strip().lower() or "fp32"
    if backend == "torch":
        return "PyTorch (FRAMING_BACKEND=torch)"
    if precision not in PRECISIONS:
        return f"unknown FRAMING_PRECISION {precision!r}"
    path, reason = usable_export(folder, precision)
    if path is None:
        return f"PyTorch: {reason}{' (framing prepare builds it)' if reason == NOT_EXPORTED else ''}"
    cosine = read_status(folder)[precision].get("min_cosine", float("nan"))
    return f"ONNX Runtime {precision}, {path} (min cosine {cosine:.7f} to PyTorch at its check)"


def _versions() -> dict[str, object]:
    found: dict[str, object] = {"export": EXPORT_VERSION, "opset": OPSET}
    for package in ("torch", "onnxruntime", "transformers", "sentence-transformers"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def _write_status(folder: Path, precision: str, entry: dict[str, Any]) -> None:
    status = read_status(folder)
    status[precision] = entry
    target = folder / ONNX_FOLDER / STATUS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    staging.write_text(json.dumps(status, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    staging.replace(target)


def pipeline_problem(folder: Path) -> str:
    """Say why the folder's sentence-transformers pipeline is not transformer + mean pooling + normalisation ("" when it is)."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"cannot read its modules ({error})"
    if [module.get("type") for module in modules] != _PIPELINE:
        return "its modules are not transformer, pooling, normalisation"
    modes = sorted(key for key, value in pooling.items() if key.startswith("pooling_mode") and value)
    if modes != ["pooling_mode_mean_tokens"]:
        return f"its pooling is {', '.join(modes) or 'none'}, not mean pooling"
    return ""


def _check(reference: np.ndarray, candidate: np.ndarray) -> tuple[float, float]:
    """Return ``(min cosine, max absolute difference)`` between two row-aligned sets of vectors."""
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    candidate = candidate / np.linalg.norm(candidate, axis=1, keepdims=True)
    return float((reference * candidate).sum(axis=1).min()), float(np.abs(reference - candidate).max())


def export_onnx(folder: Path, precision: str = "fp32", log: Log = print, force: bool = False) -> Path | None:
    """Export the model folder to ONNX in ``precision`` (once), check it against PyTorch and record the result.

    Returns the export's path when it can be used, else ``None`` after one line through ``log`` saying
    that PyTorch embeds instead. An export that passed its check and is unchanged, or that failed it with
    the same versions of the libraries, is not redone unless ``force``.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}: choose one of {', '.join(PRECISIONS)}")
    path, _ = usable_export(folder, precision)
    entry = read_status(folder).get(precision)
    if not force and isinstance(entry, dict) and entry.get("versions") == _versions():
        if path is not None:
            return path
        if not entry.get("passed"):
            log(f"the ONNX {precision} export failed its check at set-up ({entry.get('reason')}): embedding with PyTorch")
            return None
    started = time.perf_counter()
    try:
        if precision == "fp32":
            entry = _export_fp32(folder)
        else:
            source = export_onnx(folder, "fp32", log=log, force=False)
            if source is None:
                return None
            entry = _export_int8(folder, source)
    except Exception as error:  # any failure of the exporter or of onnxruntime means: PyTorch
        reason = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        entry = {"passed": False, "reason": f"export failed: {reason}"}
    entry["versions"] = _versions()
    entry["seconds"] = round(time.perf_counter() - started, 1)
    _write_status(folder, precision, entry)
    if not entry["passed"]:
        _remove(onnx_path(folder, precision))
        log(f"the ONNX {precision} export was not kept ({entry['reason']}): embedding with PyTorch")
        return None
    log(
        f"exported the embedded model to ONNX {precision} in {entry['seconds']:.0f} s: min cosine "
        f"{entry['min_cosine']:.7f} to PyTorch on {entry['texts']} check texts"
        + ("" if precision == "fp32" else " (int8 is not identical: theme assignments may change)")
    )
    return onnx_path(folder, precision)


def _export_fp32(folder: Path) -> dict[str, Any]:
    """Write ``onnx/model.onnx`` and check it; return its status entry."""
    problem = pipeline_problem(folder)
    if problem:
        return {"passed": False, "reason": problem}
    import torch

    from analysis.embed import load_sentence_transformer

    model: Any = load_sentence_transformer(str(folder))
    transformer = model[0].auto_model
    transformer.set_attn_implementation("eager")
    wrapped = _mean_pooled_normalised(transformer).eval()
    target = onnx_path(folder, "fp32")
    target.parent.mkdir(parents=True, exist_ok=True)
    example = model.tokenizer(["query: export", "query: a longer example text"], padding=True, return_tensors="pt")
    with tempfile.TemporaryDirectory(prefix=".export.", dir=target.parent) as staging_folder:
        staging = Path(staging_folder) / "traced.onnx"
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer warnings
            torch.onnx.export(
                wrapped,
                (example["input_ids"], example["attention_mask"]),
                str(staging),
                input_names=["input_ids", "attention_mask"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
        _save_with_weights_apart(staging, target)
    reference = model.encode(list(CHECK_TEXTS), batch_size=1)
    return _checked(folder, target, reference, required=MIN_COSINE)


def _save_with_weights_apart(source: Path, target: Path) -> None:
    """Write the ONNX file ``source`` to ``target`` with its weights in :func:`weights_path` (replacing both at the end)."""
    import onnx

    staged = source.with_name(target.name)
    onnx.save_model(
        onnx.load(str(source)),
        str(staged),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=weights_path(target).name,
        size_threshold=1024,
    )
    for file in (weights_path(staged), staged):  # the weights first: a graph never points at weights that are not there yet
        file.chmod(0o644)
        file.replace(target.parent / file.name)


def _export_int8(folder: Path, source: Path) -> dict[str, Any]:
    """Write ``onnx/model_int8.onnx`` (dynamic int8 quantisation of the fp32 export); record its agreement."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    from analysis.embed import load_sentence_transformer

    target = onnx_path(folder, "int8")
    handle, staging_name = tempfile.mkstemp(prefix=".model_int8.onnx.", dir=target.parent)
    os.close(handle)
    staging = Path(staging_name)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint on the root logger
    try:
        quantize_dynamic(source, staging, weight_type=QuantType.QInt8)
        staging.chmod(0o644)
        staging.replace(target)
    finally:
        root.setLevel(level)
        staging.unlink(missing_ok=True)
    reference = load_sentence_transformer(str(folder)).encode(list(CHECK_TEXTS), batch_size=1)
    return _checked(folder, target, reference, required=0.95)  # explicit option: a sanity bound only


def _checked(folder: Path, target: Path, reference: np.ndarray, required: float) -> dict[str, Any]:
    """Embed the check texts with the export and compare with PyTorch's vectors."""
    vectors = OnnxEncoder(target, folder).encode(list(CHECK_TEXTS))
    min_cosine, max_difference = _check(np.asarray(reference, dtype=np.float32), vectors)
    entry: dict[str, Any] = {
        "passed": bool(min_cosine >= required),
        "min_cosine": min_cosine,
        "max_difference": max_difference,
        "texts": len(CHECK_TEXTS),
        "required_cosine": required,
        **_signature(target),
    }
    if not entry["passed"]:
        entry["reason"] = f"min cosine {min_cosine:.6f} to PyTorch on {len(CHECK_TEXTS)} check texts, below {required}"
    return entry


def _mean_pooled_normalised(transformer: Any) -> Any:
    """The transformer followed by sentence-transformers' mean pooling (over the attention mask) and L2 normalisation."""
    import torch

    class MeanPooledNormalised(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    return MeanPooledNormalised()


def default_threads() -> int:
    """The CPUs this process may use (``FRAMING_THREADS`` overrides)."""
    configured = os.environ.get("FRAMING_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class OnnxEncoder:
    """An ONNX export run by ONNX Runtime, with the tokenizer, prompts and maximum length of its model folder.

    Its ``encode`` has ``SentenceTransformer.encode``'s core signature and returns L2-normalised float32
    vectors. Each text is run on its own (``run_size`` 1): ONNX Runtime's result for a text changes in
    the last bits with the other texts of its batch, even unpadded ones of the same length, so a batch
    would make a vector depend on its neighbours (see :mod:`analysis.embed`). ``bench/bench_onnx.py`` measures
    what larger runs would gain.

    ``parallel`` says how the ``threads`` are used: ``"texts"`` (the default) runs that many texts at once, each
    on one thread of one shared session (ONNX Runtime releases Python's lock while it runs); ``"operators"`` runs
    one text at a time with each operator split over the threads. Both give the same vectors bit for bit; on
    short texts, whose operators are too small to split well, ``"texts"`` is faster (``bench/bench_onnx.py``).

    Attributes:
        embedding_backend: ``"onnx-fp32"`` or ``"onnx-int8"``, part of the model id and so of the cache keys.
        run_size: texts per ONNX Runtime call (texts of one token length only, never padded).
        runs_texts_alone: a text's vector never depends on the other texts of an ``encode`` call, so
            :class:`analysis.embed.Embedder` need not group texts by length for it.
    """

    runs_texts_alone = True

    def __init__(self, model_path: Path, folder: Path, threads: int | None = None, parallel: str = "texts") -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        if parallel not in ("texts", "operators"):
            raise ValueError(f"unknown parallel mode {parallel!r}: choose texts or operators")
        settings = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self.prompts: dict[str, str] = dict(settings.get("prompts", {}))
        self.default_prompt_name: str | None = settings.get("default_prompt_name")
        max_length = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8")).get("max_seq_length", 512)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        threads = threads or default_threads()
        self.texts_at_once = threads if parallel == "texts" else 1
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1 if parallel == "texts" else threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle operator threads sleep instead of spinning: on a shared 2-core machine spinning took CPU from the
        # thread doing the work (measured: about 2x slower under load, bench/bench_onnx.py)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.embedding_backend = "onnx-int8" if model_path.name == _FILES["int8"] else "onnx-fp32"
        self.run_size = 1

    def _prompt(self, prompt_name: str | None, prompt: str | None) -> str:
        if prompt is not None:
            return prompt
        name = prompt_name or self.default_prompt_name
        if name is None:
            return ""
        if name not in self.prompts:
            raise ValueError(f"unknown prompt name {name!r}: choose one of {', '.join(self.prompts)}")
        return self.prompts[name]

    def token_ids(self, texts: Sequence[str], prompt: str | None = None) -> list[list[int]]:
        """Each text's token ids, prompt included, truncated as sentence-transformers truncates."""
        return [encoding.ids for encoding in self.tokenizer.encode_batch([(prompt or "") + text for text in texts])]

    def preprocess(self, texts: Sequence[str], prompt: str | None = None) -> dict[str, np.ndarray]:
        """Padded ``input_ids`` and ``attention_mask`` (what :func:`analysis.embed.token_lengths` reads)."""
        ids = self.token_ids(texts, prompt)
        width = max((len(row) for row in ids), default=0)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, values in enumerate(ids):
            input_ids[row, : len(values)] = values
            mask[row, : len(values)] = 1
        return {"input_ids": input_ids, "attention_mask": mask}

    def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
        """Return one L2-normalised float32 vector per text.

        ``prompt_name`` and ``prompt`` work as in sentence-transformers; ``batch_size`` is accepted and
        ignored (see ``run_size``); other keyword arguments are ignored.
        """
        prompt_name, prompt = kwargs.get("prompt_name"), kwargs.get("prompt")
        ids = self.token_ids(
            sentences, self._prompt(prompt_name if isinstance(prompt_name, str) else None, prompt if isinstance(prompt, str) else None)
        )
        if not ids:
            return np.zeros((0, 0), dtype=np.float32)
        groups: dict[int, list[int]] = {}
        for index, row in enumerate(ids):
            groups.setdefault(len(row), []).append(index)
        runs = [
            indices[start : start + self.run_size]
            for length in sorted(groups, reverse=True)  # longest first: the threads finish together
            for indices in (groups[length],)
            for start in range(0, len(indices), self.run_size)
        ]
        outputs: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(runs)
        pending = iter(range(len(runs)))
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    number = next(pending, None)
                if number is None:
                    return
                input_ids = np.array([ids[index] for index in runs[number]], dtype=np.int64)
                (outputs[number],) = self.session.run(None, {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})

        workers = min(self.texts_at_once, len(runs))
        if workers > 1:
            with ThreadPoolExecutor(workers - 1) as pool:
                helpers = [pool.submit(work) for _ in range(workers - 1)]
                work()
                for helper in helpers:
                    helper.result()
        else:
            work()
        vectors = np.zeros((len(ids), outputs[0].shape[1]), dtype=np.float32)
        for run, output in zip(runs, outputs, strict=True):
            vectors[run] = output
        return vectors
