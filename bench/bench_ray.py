"""Ray engine benchmark: `.venv/bin/python bench/bench_ray.py [--texts N]` (needs the ray extra).

Prints paragraphs per second of the embedding, on the same real paragraphs (the bundled labelled
paragraphs, normalised as the pipeline does; no cache), for:
1. one local process (the local engine) with 1 and with 2 torch threads (1 ONNX Runtime thread when the
   default model runs on ONNX Runtime: ``framing prepare`` exported it);
2. the Ray engine on a local Ray instance (``ray.init(num_cpus=2)``) with 1 and 2 actors of 1 CPU
   each, after their model load (timed apart): its per-actor rate is what one Ray worker CPU adds
   to a cluster; and whether its vectors are byte-identical to the local ones.
The load average is printed before and after: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import analysis
from analysis.embed import Embedder, resolve_model
from analysis.engines import RayEmbedder
from analysis.text import normalize
from analysis.themes import BUNDLED_LABELLED


def paragraphs(count: int) -> list[str]:
    """``count`` distinct labelled paragraphs, spread over the file (both languages, many events)."""
    table = pd.read_csv(Path(analysis.__file__).parent / "data" / BUNDLED_LABELLED)
    texts = list(dict.fromkeys(normalize(text, language) for text, language in zip(table["text"], table["language"], strict=True)))
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def rate(embedder: Embedder, texts: list[str]) -> tuple[float, np.ndarray]:
    """Paragraphs per second of one ``embed`` call over ``texts``, and the vectors."""
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    return len(texts) / (time.perf_counter() - started), vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=400, help="how many paragraphs to embed per configuration (default 400)")
    args = parser.parse_args()
    import ray

    texts = paragraphs(args.texts)
    words = sum(len(text.split()) for text in texts) / len(texts)
    print(f"{len(texts)} paragraphs ({words:.0f} words on average); {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    model_id, load = resolve_model(None)
    onnx = "+onnx" in model_id  # ONNX Runtime's threads are fixed when the model loads: 1, as in an actor of 1 CPU
    if onnx:
        os.environ["FRAMING_THREADS"] = "1"
    started = time.perf_counter()
    model = load()
    print(f"model {model_id}: local load {time.perf_counter() - started:.1f} s")
    model.encode(texts[:8])  # warm-up
    local_vectors = None
    for threads in (1,) if onnx else (1, 2):
        torch.set_num_threads(threads)
        speed, local_vectors = rate(Embedder(model_id=model_id, load=lambda: model), texts)
        print(
            f"local engine, 1 process, {threads} {'ONNX Runtime' if onnx else 'torch'} thread{'s' if threads > 1 else ''}: {speed:.1f} paragraphs/s"
        )

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    try:
        for actors in (1, 2):
            backend = {"backend": model_id.rpartition("+")[2]} if onnx else {}  # the ONNX backend's Embedder field
            embedder = RayEmbedder(model_id=model_id, load=load, actors=actors, **backend)
            started = time.perf_counter()
            embedder.start(wait=True)
            loaded = time.perf_counter() - started
            speed, vectors = rate(embedder, texts)
            same = local_vectors is not None and vectors.tobytes() == local_vectors.tobytes()
            print(
                f"Ray engine, {actors} actor{'s' if actors > 1 else ''} of 1 CPU: {speed:.1f} paragraphs/s "
                f"({speed / actors:.1f} per actor; actors started and models loaded in {loaded:.1f} s); "
                f"vectors byte-identical to the local engine's: {same}"
            )
            embedder.close()
    finally:
        ray.shutdown()
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
