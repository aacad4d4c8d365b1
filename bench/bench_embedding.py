"""Embedding benchmark: rerun with `make bench` (or `.venv/bin/python bench/bench_embedding.py`).

Prints, for the kept paragraphs of the seed corpus, with the embedded default model on this CPU:
1. paragraphs per second of the pipeline's embedder (cold cache) against a plain
   `SentenceTransformer.encode` of the same texts with the same model object, in the same run;
2. the warm-cache re-run time of the whole analysis (every vector cached: the model is not loaded);
3. int8 dynamic quantisation: its speed and whether it changes any theme assignment on the seeds
   and the labelled set (adopted only if it changes none).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import torch

from analysis.corpus import read_corpus
from analysis.embed import Embedder, EmbeddingCache, load_sentence_transformer
from analysis.evaluate import score_labels
from analysis.labels import EVALUATION_LABELS, load_labels
from analysis.model_setup import ensure_default_model
from analysis.pipeline import analyze
from analysis.text import split_paragraphs
from analysis.themes import load_themes

ROOT = Path(__file__).resolve().parent.parent


def timed(function, repeats: int) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus = read_corpus([ROOT / "seeds"])
    themes = load_themes()
    texts = split_paragraphs(corpus.documents).query("kept")["clean_text"].tolist()
    folder = ensure_default_model()
    started = time.perf_counter()
    model = load_sentence_transformer(str(folder))
    load_seconds = time.perf_counter() - started
    print(f"model: {folder.name}; load {load_seconds:.2f} s; {len(texts)} kept seed paragraphs; torch threads {torch.get_num_threads()}")

    model.encode(texts[:8])  # warm-up: the first call pays one-off allocation costs
    plain_seconds, _ = timed(lambda: model.encode(texts, batch_size=32), args.repeats)

    def pipeline_cold() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            Embedder("bench", lambda: model, EmbeddingCache(Path(tmp) / "c.sqlite3")).embed(texts)

    pipeline_seconds, _ = timed(pipeline_cold, args.repeats)
    print(f"plain SentenceTransformer.encode: {len(texts) / plain_seconds:6.1f} paragraphs/s ({plain_seconds:.2f} s)")
    print(f"pipeline embedder, cold cache:    {len(texts) / pipeline_seconds:6.1f} paragraphs/s ({pipeline_seconds:.2f} s)")

    with tempfile.TemporaryDirectory() as tmp:
        cache_path = Path(tmp) / "c.sqlite3"
        cold = Embedder("bench", lambda: model, EmbeddingCache(cache_path))
        cold_seconds, _ = timed(lambda: analyze(corpus, themes, cold), 1)

        def never_load() -> None:
            raise AssertionError("warm run loaded the model")

        warm = Embedder("bench", never_load, EmbeddingCache(cache_path))
        warm_seconds, _ = timed(lambda: analyze(corpus, themes, warm), args.repeats)
        print(
            f"whole analysis of the seeds (kept paragraphs + theme sentences: {cold.computed} texts): "
            f"cold {cold_seconds:.2f} s, warm-cache re-run {warm_seconds:.2f} s (model not loaded: {not warm.model_loaded})"
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated but still the stock CPU int8 path
        quantized = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear}, dtype=torch.qint8)
    quantized.encode(texts[:8])
    int8_seconds, _ = timed(lambda: quantized.encode(texts, batch_size=32), args.repeats)
    print(f"int8 dynamic quantisation:        {len(texts) / int8_seconds:6.1f} paragraphs/s ({int8_seconds:.2f} s)")
    changed, total = 0, 0
    labels = load_labels(EVALUATION_LABELS, themes.ids)
    thresholds = themes.thresholds()
    for encoder in (model, quantized):
        encoder_scores = score_labels(labels, themes, Embedder("x", lambda e=encoder: e).embed)
        assigned = {t: encoder_scores[f"score_{t}"] >= thresholds[t] for t in themes.ids}
        if encoder is model:
            reference = assigned
        else:
            for theme_id in themes.ids:
                changed += int((assigned[theme_id] != reference[theme_id]).sum())
                total += len(labels)
    print(f"int8 changes {changed} of {total} theme assignments on the labelled paragraphs -> {'adopt' if changed == 0 else 'not adopted'}")


if __name__ == "__main__":
    main()
