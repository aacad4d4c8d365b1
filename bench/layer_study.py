"""Do the model's intermediate layers carry the themes across events? `.venv/bin/python bench/layer_study.py [LAYERS ...]`.

A study, not the shipped method: the themes learn from the embedded default model's last layer (mean-pooled,
normalised). This script scores the labelled paragraphs under leave-events-out (10 folds of whole events, as
`framing evaluate analysis/data/labelled_paragraphs.csv --by event`) with the same scorer fed another vector: the
mean-pooled hidden states of the given layers (1–12; 0 is the token embeddings), each normalised, joined and
normalised again. Each LAYERS argument is a comma-separated list, e.g. `6,9,12`; `12` alone is the shipped vector
(up to the last bits: PyTorch here, texts of one token length per batch as the pipeline batches them).

Prints, per variant, macro-F1 at the shipped thresholds and with thresholds chosen without each event (all,
Persian, Arabic); with `--fresh FILE`, also macro-F1 on that file (events in no training file, scored by themes
fitted on every training paragraph) at the thresholds chosen on the training paragraphs' leave-events-out scores.
The first run embeds the themes' training texts with PyTorch (about 3,500 texts, a few minutes on 2 cores) and keeps every layer in FRAMING_HOME's cache folder (`layer_study-<model>.npz`); a variant then takes
about 20 s. Read differences of 0.01 as noise: the interval of the leave-events-out figure is about ±0.015.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from analysis.config import framing_home
from analysis.embed import exact_length_batches, load_sentence_transformer
from analysis.evaluate import cross_validate, evaluate, score_labels
from analysis.labels import load_labels
from analysis.model_setup import ensure_default_model
from analysis.onnx_backend import default_threads
from analysis.scorer import ScorerStore
from analysis.themes import load_themes

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VARIANTS = ["12", "8,12", "6,12", "6,9,12", "5,7,9,12", "3,6,9,12"]
BATCH = 16


class LayerVectors:
    """Every layer's mean-pooled hidden state of each text, computed once and kept on disk."""

    def __init__(self, folder: Path, cache: Path) -> None:
        import torch

        torch.set_num_threads(default_threads())
        self.model = load_sentence_transformer(str(folder))
        self.prompt = "query: "  # the model's default prompt, as the pipeline embeds paragraphs
        self.cache = cache
        self.pooled: dict[str, np.ndarray] = {}
        if cache.exists():
            stored = np.load(cache, allow_pickle=True)
            self.pooled = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))

    def layers(self, texts: Sequence[str]) -> np.ndarray:
        """``(texts, 13, 384)``: the mean-pooled token embeddings and the 12 layers' outputs."""
        import torch

        missing = [text for text in dict.fromkeys(texts) if text not in self.pooled]
        if missing:
            tokenizer, transformer = self.model.tokenizer, self.model[0].auto_model
            lengths = [
                len(ids) for ids in tokenizer([self.prompt + text for text in missing], truncation=True, max_length=512)["input_ids"]
            ]
            for batch in exact_length_batches(missing, lengths, BATCH):
                features = tokenizer([self.prompt + text for text in batch], truncation=True, max_length=512, return_tensors="pt")
                with torch.no_grad():
                    hidden = torch.stack(transformer(**features, output_hidden_states=True).hidden_states, dim=1)
                self.pooled.update(zip(batch, hidden.mean(dim=2).numpy().astype(np.float32), strict=True))
            np.savez(self.cache, texts=np.array(list(self.pooled), dtype=object), vectors=np.stack(list(self.pooled.values())))
        return np.stack([self.pooled[text] for text in texts])

    def embedding(self, chosen: Sequence[int]) -> Callable[[Sequence[str]], np.ndarray]:
        """An embed function: the chosen layers, each normalised, joined, normalised."""

        def embed(texts: Sequence[str]) -> np.ndarray:
            if not texts:
                return np.zeros((0, 384 * len(chosen)), dtype=np.float32)
            found = self.layers(list(texts))[:, list(chosen)]
            found /= np.linalg.norm(found, axis=2, keepdims=True)
            joined = found.reshape(len(texts), -1)
            return (joined / np.linalg.norm(joined, axis=1, keepdims=True)).astype(np.float32)

        return embed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=DEFAULT_VARIANTS, help="comma-separated layers, e.g. 6,9,12 (default: a few)")
    parser.add_argument(
        "--fresh",
        type=Path,
        help="also score this labelled file (events in no training file) at each variant's thresholds chosen under leave-events-out",
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = ensure_default_model()
    vectors = LayerVectors(folder, framing_home() / "cache" / f"layer_study-{folder.name}.npz")
    themes = load_themes()
    labels = load_labels(ROOT / "analysis" / "data" / "labelled_paragraphs.csv", themes.ids)
    fits = tempfile.TemporaryDirectory(prefix="layer-study-")  # removed at exit
    store = ScorerStore(Path(fits.name))  # the n-gram vocabularies are shared by the variants
    print(f"leave-events-out (10 folds) on {len(labels):,} labelled paragraphs, macro-F1 all / fa / ar")
    fresh = load_labels(args.fresh, themes.ids) if args.fresh else None
    print(
        f"{'layers':12} {'shipped thresholds':>22} {'thresholds without the event':>30}"
        + (f" {args.fresh.name:>30}" if fresh is not None else "")
    )
    for variant in args.variants:
        chosen = [int(layer) for layer in variant.split(",")]
        if not all(0 <= layer <= 12 for layer in chosen):
            parser.error(f"{variant}: layers are 0 to 12")
        started = time.perf_counter()
        scores = score_labels(labels, themes, vectors.embedding(chosen), 10, model_id=f"layer-study-{variant}", by="event", store=store)
        at = evaluate(labels, scores, themes.thresholds(), part="event")
        held = cross_validate(labels, scores, themes.ids, folds=10, part="event", by="event")
        measured = ""
        if fresh is not None:  # thresholds chosen on the training paragraphs' leave-events-out scores, as the shipped ones were
            fresh_scores = score_labels(
                fresh, themes, vectors.embedding(chosen), 5, model_id=f"layer-study-{variant}", by="event", store=store
            )
            measured = f" {evaluate(fresh, fresh_scores, held.thresholds).headline():>30}"
        print(f"{variant:12} {at.headline():>22} {held.headline():>30}{measured}   ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
