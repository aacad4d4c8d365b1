"""Do the themes' fits depend on the last bits of the vectors? `.venv/bin/python bench/solver_agreement.py [--plain]`.

PyTorch and ONNX Runtime embed the same texts to within about 1e-7 (`bench/bench_onnx.py`). For each theme, the
classifier on embeddings is fitted twice, on each backend's vectors of the theme's training texts (FRAMING_HOME's
cache; the missing ones are embedded now, a few minutes with PyTorch), and the two fits' scores of those texts are
compared, in units of the score's spread: with scikit-learn's lbfgs at its default tolerance (how the themes were fitted
until 0.17.0) and as the themes are fitted now (:meth:`analysis.scorer.LinearScore.fit`: Newton steps to the optimum).
Prints the largest difference and the iterations. ``--plain``: the plain model (no theme adapter).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.config import framing_home  # noqa: E402
from analysis.embed import CACHE_FILE, Embedder, EmbeddingCache, load_sentence_transformer  # noqa: E402
from analysis.model_setup import ensure_default_model, ensure_onnx_export  # noqa: E402
from analysis.onnx_backend import OnnxEncoder  # noqa: E402
from analysis.scorer import LBFGS, NEWTON, LinearScore, logistic_regression  # noqa: E402
from analysis.themes import load_themes, training_set, training_weights  # noqa: E402


def fitted(vectors: np.ndarray, target: np.ndarray, c: float, weights: np.ndarray, solver: dict[str, Any]) -> tuple[LinearScore, int]:
    """A theme's classifier on embeddings fitted with ``solver`` (as :meth:`LinearScore.fit` does), and its iterations."""
    model = logistic_regression(vectors, target, c, weights, solver)
    return LinearScore.of(model, vectors), int(model.n_iter_[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", action="store_true", help="the plain model, without the theme adapter")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = ensure_default_model(adapted=not args.plain)
    export = ensure_onnx_export(folder)
    if export is None:
        raise SystemExit("no usable ONNX export: see the message above")
    cache = EmbeddingCache(framing_home() / "cache" / CACHE_FILE)
    backends = {
        "PyTorch": Embedder(str(folder), lambda: load_sentence_transformer(str(folder)), cache, backend="torch"),
        "ONNX Runtime": Embedder(f"{folder.name}+onnx-fp32", lambda: OnnxEncoder(export, folder), cache, backend="onnx-fp32"),
    }
    themes = load_themes()
    print(f"model {folder.name}; largest score difference between fits on PyTorch's and ONNX Runtime's vectors")
    for theme in themes.themes:
        texts, target = training_set(themes, theme)
        weights = training_weights(themes, theme)
        vectors = [embedder.embed(texts).astype(np.float64) for embedder in backends.values()]
        old = [fitted(found, target, themes.scoring.c, weights, LBFGS) for found in vectors]
        started = time.perf_counter()
        new = [fitted(found, target, themes.scoring.c, weights, NEWTON) for found in vectors]
        seconds = (time.perf_counter() - started) / 2
        old_gap = np.abs(old[0][0](vectors[0]) - old[1][0](vectors[0])).max()  # both fits score the same vectors
        new_gap = np.abs(new[0][0](vectors[0]) - new[1][0](vectors[0])).max()
        print(
            f"  {theme.id:22} vectors {np.abs(vectors[0] - vectors[1]).max():.1e} apart; "
            f"lbfgs (until 0.17.0): {old_gap:.1e} ({old[0][1]} and {old[1][1]} iterations); "
            f"shipped: {new_gap:.1e} ({new[0][1]} and {new[1][1]} iterations, {seconds:.2f} s per fit)"
        )


if __name__ == "__main__":
    main()
