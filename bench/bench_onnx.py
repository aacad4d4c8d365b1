"""ONNX Runtime against plain sentence-transformers: `.venv/bin/python bench/bench_onnx.py [--texts 600] [--int8]`.

Prints, for the embedded default model on this CPU, on two sets of texts, each in one run (interleaved
chunk by chunk, each encoder first in turn, so that other work on a shared machine weighs on all of them
alike): a fixed sample of the labelled paragraphs (short: about 50 tokens) and the seed articles' kept
paragraphs, the only real news text in the repository (longer; each used as often as it takes to reach
``--texts``):
1. paragraphs/s of plain `SentenceTransformer.encode` fp32 (batch size 32) and of the ONNX export as
   the pipeline runs it (one text per ONNX Runtime call, as many texts at once as threads), the ratio
   (goal ≥ 2.5×), the max vector difference and the min cosine; and the variants that were tried (one
   text at a time with each operator split over the threads, as before session 13; 8 texts of one
   length per call);
2. how many theme assignments change between the two backends, each with the themes fitted on its
   own vectors of the training texts (from FRAMING_HOME's cache, embedded now when missing), on these
   paragraphs (part of the themes' training set) and on the seeds' kept paragraphs;
3. with --int8, the same for ONNX Runtime's dynamic int8 quantisation (an explicit option only);
4. with --fused, the export after ONNX Runtime's offline transformer optimiser (`onnxruntime.transformers.optimizer`,
   BERT fusions: one Attention, SkipLayerNormalization and BiasGelu node per layer) as a variant in the race: a
   variant tried, not used by the pipeline.

The ONNX export is made first when missing (as `framing prepare` does).
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import framing_home
from analysis.corpus import read_corpus
from analysis.embed import CACHE_FILE, Embedder, EmbeddingCache, load_sentence_transformer
from analysis.model_setup import ensure_default_model, ensure_onnx_export
from analysis.onnx_backend import OnnxEncoder, default_threads
from analysis.scorer import ScorerStore, fitted_scorer
from analysis.text import normalize, split_paragraphs
from analysis.themes import load_themes

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=600, help="labelled paragraphs to embed (a fixed sample)")
    parser.add_argument("--int8", action="store_true", help="also measure ONNX Runtime's dynamic int8 quantisation")
    parser.add_argument("--fused", action="store_true", help="also race the export after ONNX Runtime's offline BERT fusions")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    labelled = pd.read_csv(ROOT / "analysis" / "data" / "labelled_paragraphs.csv").sample(args.texts, random_state=0)
    texts = [normalize(text, language) for text, language in zip(labelled["text"], labelled["language"], strict=True)]
    languages = labelled["language"].tolist()
    folder = ensure_default_model()
    export = ensure_onnx_export(folder)
    if export is None:
        raise SystemExit("no usable ONNX export: see the message above")

    started = time.perf_counter()
    plain = load_sentence_transformer(str(folder))
    torch_load = time.perf_counter() - started
    started = time.perf_counter()
    onnx = OnnxEncoder(export, folder)
    onnx_load = time.perf_counter() - started
    operators = OnnxEncoder(export, folder, parallel="operators")
    batched = OnnxEncoder(export, folder)
    batched.run_size = 8
    import torch

    print(
        f"model {folder.name}; torch threads {torch.get_num_threads()}, ONNX Runtime threads {default_threads()}; "
        f"load: PyTorch {torch_load:.1f} s, ONNX {onnx_load:.1f} s"
    )
    print(f"machine: {os.cpu_count()} CPUs, shared with other work (load average {os.getloadavg()[0]:.1f} at the start)")

    encoders: dict[str, Callable[[list[str]], np.ndarray]] = {
        "plain SentenceTransformer.encode fp32, batch 32": lambda chunk: plain.encode(chunk, batch_size=32),
        "ONNX fp32 as the pipeline runs it (1 text/call)": Embedder("onnx", lambda: onnx, backend="onnx-fp32").embed,
        "ONNX fp32, 1 text at a time, operators on all threads": Embedder("ops", lambda: operators, backend="onnx-fp32").embed,
        "ONNX fp32, 8 texts of one length per call": Embedder("onnx8", lambda: batched, backend="onnx-fp32").embed,
    }
    int8_folder = None
    if args.int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        int8_folder = tempfile.TemporaryDirectory()
        int8_path = Path(int8_folder.name) / "model_int8.onnx"
        logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's pre-processing hint
        quantize_dynamic(export, int8_path, weight_type=QuantType.QInt8)
        int8 = OnnxEncoder(int8_path, folder)
        encoders["ONNX int8 (explicit option only), 1 text/call"] = Embedder("int8", lambda: int8, backend="onnx-int8").embed
    fused_folder = None
    if args.fused:
        fused_folder = tempfile.TemporaryDirectory()
        fused_path = fused_export(export, Path(fused_folder.name))
        fused = OnnxEncoder(fused_path, folder)
        encoders["ONNX fp32 with offline BERT fusions, 1 text/call"] = Embedder("fused", lambda: fused, backend="onnx-fp32").embed
    for encode in encoders.values():
        encode(texts[:2])  # warm-up: one-off allocations

    seeds = split_paragraphs(read_corpus([ROOT / "seeds"]).documents).query("kept")
    real = seeds["clean_text"].tolist()
    repeats = -(-args.texts // len(real))
    timed = {
        f"{len(texts)} labelled paragraphs": texts,
        f"the seeds' {len(real)} real paragraphs, each {repeats} times": (real * repeats)[: args.texts],
    }
    for title, sample in timed.items():
        lengths = plain.preprocess(sample, prompt="query: ")["attention_mask"].sum(dim=1).numpy()
        print(f"\n{title}: {lengths.mean():.0f} tokens on average, longest {lengths.max()}")
        race(encoders, sample)

    sets = {"labelled": (texts, languages), "seeds": (seeds["clean_text"].tolist(), seeds["language"].tolist())}
    themes = load_themes()
    home = framing_home()
    cache = EmbeddingCache(home / "cache" / CACHE_FILE)
    backends = {"torch": (folder.name, plain), "onnx-fp32": (f"{folder.name}+onnx-fp32", onnx)}
    if args.int8:
        backends["onnx-int8"] = (f"{folder.name}+onnx-int8 (bench)", int8)
    assigned: dict[str, dict[str, pd.DataFrame]] = {}
    for backend, (model_id, encoder) in backends.items():
        embedder = Embedder(model_id, lambda e=encoder: e, cache, backend=backend)
        began = time.perf_counter()
        scorer = fitted_scorer(themes, model_id, embedder.embed, ScorerStore.default())
        print(
            f"\nthemes fitted on {backend} vectors ({embedder.computed} training texts embedded now, {time.perf_counter() - began:.0f} s)"
        )
        assigned[backend] = {name: scorer.predict(found, langs, embedder.embed) for name, (found, langs) in sets.items()}
    for backend in list(backends)[1:]:
        for name, (found, _) in sets.items():
            changed = int((assigned[backend][name] != assigned["torch"][name]).to_numpy().sum())
            total = assigned["torch"][name].size
            print(f"{backend} vs torch, {name} ({len(found)} paragraphs): {changed} of {total} theme assignments change")
    for temporary in (int8_folder, fused_folder):
        if temporary is not None:
            temporary.cleanup()


def fused_export(export: Path, folder: Path) -> Path:
    """Write the export after ONNX Runtime's offline transformer optimiser into ``folder``; print what it fused."""
    import json

    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((export.parent.parent / "config.json").read_text(encoding="utf-8"))
    optimized = optimize_model(
        str(export), model_type="bert", num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"], opt_level=0
    )
    fused = {name: count for name, count in optimized.get_fused_operator_statistics().items() if count}
    print(f"offline fusions: {fused}")
    target = folder / "model.onnx"
    optimized.save_model_to_file(str(target), use_external_data_format=True)
    return target


def race(encoders: dict[str, Callable[[list[str]], np.ndarray]], texts: list[str]) -> None:
    """Embed ``texts`` with every encoder, interleaved chunk by chunk, and print speed and agreement with the first."""
    seconds = dict.fromkeys(encoders, 0.0)
    vectors: dict[str, list[np.ndarray]] = {name: [] for name in encoders}
    names = list(encoders)
    for number, start in enumerate(range(0, len(texts), CHUNK)):
        chunk = texts[start : start + CHUNK]
        for name in names[number % len(names) :] + names[: number % len(names)]:
            began = time.perf_counter()
            vectors[name].append(np.asarray(encoders[name](chunk), dtype=np.float32))
            seconds[name] += time.perf_counter() - began
    reference_name = names[0]
    reference = np.concatenate(vectors[reference_name])
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    print(f"{'encoder':55} {'paragraphs/s':>12} {'× plain':>8} {'max |diff|':>11} {'min cosine':>11}")
    for name in names:
        found = np.concatenate(vectors[name])
        found /= np.linalg.norm(found, axis=1, keepdims=True)
        print(
            f"{name:55} {len(texts) / seconds[name]:12.1f} {seconds[reference_name] / seconds[name]:8.2f} "
            f"{np.abs(found - reference).max():11.2e} {(found * reference).sum(axis=1).min():11.7f}"
        )


if __name__ == "__main__":
    main()
