"""Does fine-tuning the model on the labelled paragraphs carry to new events? `.venv/bin/python bench/fine_tune_study.py`.

How the shipped theme adapter was made and chosen (``--rank 8 --write``), and the studies before it. The themes learn
from a model's vectors; the plain model (multilingual-e5-small) never saw a labelled paragraph. Here the model itself
(its 12 layers; the word embeddings stay frozen) is trained on the training paragraphs to tell the three themes apart:
mean-pooled, normalised vector times 20 into a linear layer of one output per theme, binary cross-entropy with each
theme's positives weighted by its negatives / positives, AdamW (2e-5 for the model, 1e-3 for the layer), 3 epochs of
batches of 16 (seed 0, linear warm-up over a tenth of the steps then decay), paragraphs cut at 256 tokens in training
(512 when embedding, as shipped), the pipeline's "query: " prompt. The result is saved as a sentence-transformers folder
in FRAMING_HOME's cache (`fine_tune_study-<digest>`, reused when present; about 15 minutes to make on 2 cores). With
``--rank R`` the layers' weights stay frozen and a low-rank adapter is trained instead (rank R, alpha 8, learning rate
5e-4, on the attention and feed-forward weights of the 12 layers): a change small enough to ship as data. It is folded
into the weights by :func:`analysis.model_setup.merge_adapter`, as the shipped build folds it, and saved as
``adapter.npz`` in the folder; ``--write`` copies it to analysis/data/theme_adapter.npz, the shipped adapter (a new
adapter is a new model: every vector is recomputed). ``--soup SEED...`` trains one adapter per seed and scores their
"soup": one adapter whose weight change is the mean of theirs (its factors stacked, so rank 8 times the seeds), which
costs what one model costs to embed with. ``--event-balance B`` weighs each training paragraph in the loss as the scorer
weighs it (``event_balance`` in the themes file: (N / (E n)) ** B for an event with n of the N paragraphs over E
events), so that one big event (Kazakhstan, a quarter of the paragraphs) teaches the model less of its own wording.

Then every measured fresh events set (events and writers the training text never had) is scored twice by the shipped
scorer, fitted on all training paragraphs: with the plain model's vectors, and with the fine-tuned model's. The
fine-tuned model saw every training event, so leave-events-out on the training paragraphs cannot choose its thresholds;
for both models alike, each set is judged at thresholds chosen on the other fresh sets' scores (leave-set-out). Also the
fine-tuned layer's own outputs, thresholded the same way. Prints macro-F1 all / fa / ar per set, pooled and the sets'
mean, and the thresholds chosen on all the measured sets pooled (bench/fresh_events.py chooses the shipped ones the same
way, on the shipped model's scores). ``--judge FILE`` adds a set measured once (a new fresh set): it is judged, per
event too, at thresholds chosen on all the measured fresh sets pooled, and takes no part in anything else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.config import framing_home  # noqa: E402
from analysis.embed import make_embedder  # noqa: E402
from analysis.evaluate import Evaluation, evaluate, score_labels  # noqa: E402
from analysis.fresh_events import pooled_thresholds  # noqa: E402
from analysis.labels import load_labels  # noqa: E402
from analysis.model_setup import THEME_ADAPTER_PATH, ensure_default_model, merge_adapter  # noqa: E402
from analysis.onnx_backend import default_threads  # noqa: E402
from analysis.scorer import ScorerStore  # noqa: E402
from analysis.themes import BUNDLED_LABELLED, DATA_FOLDER, load_themes  # noqa: E402
from bench.fresh_events import FRESH_SETS  # noqa: E402

TRAINING = DATA_FOLDER / BUNDLED_LABELLED
SETTINGS = {"epochs": 3, "batch": 16, "model_lr": 2e-5, "layer_lr": 1e-3, "scale": 20.0, "max_tokens": 256, "seed": 0, "warmup": 0.1}
ADAPTER = {"rank": 0, "alpha": 8.0, "lr": 5e-4}  # rank 0: every layer weight is trained, no adapter
BALANCE = {"event_balance": 0.0}  # 0: every training paragraph weighs 1 in the loss (as the shipped adapter was trained)
ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
PROMPT = "query: "


def low_rank(base: object, rank: int, alpha: float) -> object:
    """Wrap a frozen ``torch.nn.Linear`` with a trainable low-rank change: ``base(x) + alpha / rank * up(down(x))``."""
    import torch

    class LowRank(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            for parameter in base.parameters():  # type: ignore[attr-defined]
                parameter.requires_grad_(False)
            self.down = torch.nn.Linear(base.in_features, rank, bias=False)  # type: ignore[attr-defined]
            self.up = torch.nn.Linear(rank, base.out_features, bias=False)  # type: ignore[attr-defined]
            torch.nn.init.zeros_(self.up.weight)  # starts as the base model

        def forward(self, inputs: torch.Tensor) -> torch.Tensor:
            return self.base(inputs) + alpha / rank * self.up(self.down(inputs))  # type: ignore[operator]

    return LowRank()


def add_adapter(bert: object, rank: int, alpha: float) -> dict[str, object]:
    """Freeze ``bert`` and wrap its attention and feed-forward weights with low-rank changes; return them by weight name."""
    for parameter in bert.parameters():  # type: ignore[attr-defined]
        parameter.requires_grad_(False)
    wrapped = {}
    for index, layer in enumerate(bert.encoder.layer):  # type: ignore[attr-defined]
        for path in ADAPTED:
            owner_path, _, attribute = path.rpartition(".")
            owner = layer.get_submodule(owner_path)
            wrapped[f"encoder.layer.{index}.{path}.weight"] = module = low_rank(getattr(owner, attribute), rank, alpha)
            setattr(owner, attribute, module)
    return wrapped


def adapter_arrays(wrapped: dict[str, object], rank: int, alpha: float) -> dict[str, np.ndarray]:
    """The trained adapter as the arrays :func:`analysis.model_setup.merge_adapter` folds into the weights."""
    arrays = {"scale": np.array(alpha / rank, dtype=np.float32)}
    for name, module in wrapped.items():
        arrays[f"{name}.down"] = module.down.weight.detach().numpy().copy()  # type: ignore[attr-defined]
        arrays[f"{name}.up"] = module.up.weight.detach().numpy().copy()  # type: ignore[attr-defined]
    return arrays


def soup(adapters: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One adapter whose weight change is the mean of ``adapters``' (a "model soup" of runs from the same start).

    Each weight's factors are stacked along the rank (the ups divided by their number), so ``scale * up @ down`` is the
    mean of the changes exactly, and :func:`analysis.model_setup.merge_adapter` folds it in as any adapter. Same scale
    assumed (same rank and alpha).
    """
    if len({float(adapter["scale"]) for adapter in adapters}) != 1:
        raise ValueError("a soup needs adapters of one rank and alpha")
    mixed = {"scale": adapters[0]["scale"]}
    for key in adapters[0]:
        if key.endswith(".down"):
            mixed[key] = np.concatenate([adapter[key] for adapter in adapters], axis=0)
        elif key.endswith(".up"):
            mixed[key] = np.concatenate([adapter[key] / len(adapters) for adapter in adapters], axis=1)
    return mixed


def write_adapted_model(folder: Path, adapter: dict[str, np.ndarray], target: Path) -> None:
    """Copy the model folder to ``target`` with the adapter folded into its weights (as the shipped build would)."""
    from safetensors.numpy import load_file, save_file

    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("onnx"), dirs_exist_ok=True)
    state = merge_adapter(load_file(str(folder / "model.safetensors")), adapter)
    save_file(state, str(target / "model.safetensors"), metadata={"format": "pt"})
    np.savez(target / "adapter.npz", **adapter)  # type: ignore[arg-type]


def event_weights(events: pd.Series, balance: float) -> np.ndarray:
    """Each training paragraph's weight in the loss: (N / (E n)) ** balance for an event with n of the N paragraphs over
    E events, as the scorer weighs labelled paragraphs (``event_balance`` in the themes file), scaled to a mean of 1."""
    sizes = events.map(events.value_counts()).to_numpy(dtype=float)
    weights = (len(events) / (events.nunique() * sizes)) ** balance
    return weights / weights.mean()


def fine_tuned(folder: Path, training: pd.DataFrame, theme_ids: list[str], target: Path) -> tuple[Path, object]:
    """Train (or reuse) the fine-tuned model; return its folder and its theme layer."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(default_threads())
    torch.manual_seed(SETTINGS["seed"])
    random.seed(SETTINGS["seed"])
    layer = torch.nn.Linear(384, len(theme_ids))
    if (target / "theme_layer.pt").exists():
        layer.load_state_dict(torch.load(target / "theme_layer.pt"))
        return target, layer
    model = SentenceTransformer(str(folder), device="cpu")
    model.max_seq_length = int(SETTINGS["max_tokens"])
    rank = int(ADAPTER["rank"])
    wrapped = add_adapter(model[0].auto_model, rank, ADAPTER["alpha"]) if rank else {}
    model[0].auto_model.embeddings.word_embeddings.weight.requires_grad_(False)
    texts = [PROMPT + text for text in training["text"]]
    truth = torch.tensor(training[theme_ids].to_numpy(dtype=np.float32))
    positives = truth.sum(dim=0)
    balance = float(BALANCE["event_balance"])
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=(len(truth) - positives) / positives, reduction="none" if balance else "mean")
    weights = torch.tensor(event_weights(training["event"], balance), dtype=torch.float32)
    optimiser = torch.optim.AdamW(
        [
            {"params": [p for p in model.parameters() if p.requires_grad], "lr": ADAPTER["lr"] if rank else SETTINGS["model_lr"]},
            {"params": layer.parameters(), "lr": SETTINGS["layer_lr"]},
        ]
    )
    batch = int(SETTINGS["batch"])
    steps = int(SETTINGS["epochs"]) * -(-len(texts) // batch)
    warmup = max(1, int(steps * SETTINGS["warmup"]))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup)))
    )
    model.train()
    started, step = time.perf_counter(), 0
    for epoch in range(int(SETTINGS["epochs"])):
        order = list(range(len(texts)))
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            features = model.preprocess([texts[row] for row in rows])
            vectors = model(features)["sentence_embedding"]
            loss = loss_of(layer(vectors * SETTINGS["scale"]), truth[rows])
            if balance:
                loss = (loss.mean(dim=1) * weights[rows]).mean()
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += loss.item() * len(rows)
            step += 1
        print(f"epoch {epoch + 1}: loss {total / len(texts):.4f} ({time.perf_counter() - started:.0f} s, {step} steps)", flush=True)
    model.eval()
    if rank:
        write_adapted_model(folder, adapter_arrays(wrapped, rank, ADAPTER["alpha"]), target)
    else:
        model.max_seq_length = 512  # embedded as the shipped model embeds
        model.save(str(target))
    torch.save(layer.state_dict(), target / "theme_layer.pt")
    return target, layer


def trained(folder: Path, training: pd.DataFrame, tuned: list[str], sources: list[Path], seed: int) -> tuple[Path, object]:
    """Train (or reuse) the model of these settings and this seed, in a cache folder named after everything it depends on."""
    SETTINGS["seed"] = seed
    digest = hashlib.sha256(
        json.dumps(
            [SETTINGS, tuned] + ([ADAPTER, ADAPTED] if ADAPTER["rank"] else []) + ([BALANCE] if BALANCE["event_balance"] else []),
            sort_keys=True,
        ).encode()
        + b"".join(path.read_bytes() for path in sources)
        + folder.name.encode()
    ).hexdigest()[:12]
    return fine_tuned(folder, training, tuned, framing_home() / "cache" / f"fine_tune_study-{digest}")


def souped(folder: Path, parts: list[tuple[Path, object]]) -> tuple[Path, object]:
    """The soup of trained adapters (:func:`soup`) as a model folder (made once), and the mean of their theme layers."""
    import torch

    target = framing_home() / "cache" / f"fine_tune_study-soup-{'-'.join(path.name.rpartition('-')[2] for path, _ in parts)}"
    if not (target / "adapter.npz").exists():
        write_adapted_model(folder, soup([dict(np.load(path / "adapter.npz")) for path, _ in parts]), target)
    layer = torch.nn.Linear(384, parts[0][1].out_features)  # type: ignore[attr-defined]
    states = [part.state_dict() for _, part in parts]  # type: ignore[attr-defined]
    layer.load_state_dict({key: sum(state[key] for state in states) / len(states) for key in states[0]})
    return target, layer


def layer_scores(target: Path, layer: object, labels: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    """The fine-tuned layer's logits for each labelled paragraph, as ``score_<id>`` columns."""
    import torch

    vectors = make_embedder(str(target)).embed([str(text) for text in labels["text"]])
    with torch.no_grad():
        logits = layer(torch.tensor(vectors) * SETTINGS["scale"]).numpy()  # type: ignore[operator]
    return pd.DataFrame(logits, columns=[f"score_{theme_id}" for theme_id in theme_ids], index=labels.index)


def leave_set_out(
    sets: dict[str, pd.DataFrame],
    scores: dict[str, pd.DataFrame],
    theme_ids: list[str],
    judged: str | None = None,
    trained_on: Collection[str] = (),
) -> Evaluation:
    """Print each set's macro-F1 at thresholds chosen on the other sets' scores, the sets pooled and their mean; return the pooled.

    The ``judged`` set takes no part in choosing any thresholds nor in the pooled figure: it is judged at thresholds
    chosen on all the other sets, and printed apart, by event too. Sets in ``trained_on`` are printed as such: the
    fine-tuned model saw them, so their own figures (and the pooled one) are optimistic for it.
    """
    shifted, own = {}, []
    for name, labels in sets.items():
        thresholds = pooled_thresholds(sets, scores, theme_ids, [other for other in sets if other not in (name, judged)])
        shifted[name] = scores[name].assign(**{f"score_{t}": scores[name][f"score_{t}"] - thresholds[t] for t in theme_ids})
        if name != judged:
            own.append(evaluate(labels, shifted[name], dict.fromkeys(theme_ids, 0.0)))
            seen = " (trained on)" if name in trained_on else ""
            print(f"    {name:20} {own[-1].headline()}{seen}")
    pooled = pd.concat([labels.assign(set="pooled") for name, labels in sets.items() if name != judged], ignore_index=True)
    result = evaluate(
        pooled, pd.concat([table for name, table in shifted.items() if name != judged], ignore_index=True), dict.fromkeys(theme_ids, 0.0)
    )
    print(f"    {'pooled':20} {result.headline()}")
    firsts = [evaluation.macro_f1[evaluation.macro_f1["part"] == evaluation.macro_f1["part"].iloc[0]] for evaluation in own]
    means = pd.concat(firsts).groupby("language")["macro_f1"].mean().reindex(["all", "fa", "ar"])
    print(f"    {'mean of the sets':20} {' / '.join(f'{mean:.3f}' for mean in means)}")
    chosen = pooled_thresholds(sets, scores, theme_ids, [name for name in sets if name != judged])
    print(f"    thresholds chosen on them all: {', '.join(f'{t} {value:.4f}' for t, value in chosen.items())}")
    if judged is not None:
        print(f"    judged: {judged:12} {evaluate(sets[judged], shifted[judged], dict.fromkeys(theme_ids, 0.0)).headline()}")
        for event, labels in sets[judged].groupby("event", sort=True):
            table = shifted[judged].loc[labels.index].reset_index(drop=True)
            print(f"      {event:20} {evaluate(labels.reset_index(drop=True), table, dict.fromkeys(theme_ids, 0.0)).headline()}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", type=int, default=SETTINGS["seed"], help="the training's random seed (default 0): how much the result moves with it"
    )
    parser.add_argument(
        "--without",
        metavar="THEME",
        help="fine-tune without this theme's labels, as if it were a researcher's own theme, and print its F1 with both vectors",
    )
    parser.add_argument(
        "--rank",
        type=int,
        default=0,
        help="train a low-rank adapter of this rank on the layers' weights instead of the weights themselves "
        f"(alpha {ADAPTER['alpha']:g}, learning rate {ADAPTER['lr']:g}): a change small enough to ship as data",
    )
    parser.add_argument(
        "--judge",
        metavar="FILE",
        type=Path,
        help="a labelled set measured once: judged at thresholds chosen on all the measured fresh sets, kept out of the rest",
    )
    parser.add_argument(
        "--train-with",
        metavar="FILE",
        type=Path,
        nargs="+",
        default=[],
        help="labelled sets the model is also trained on (more events and writers); their own figures are then marked "
        "trained-on, and the shipped model's vectors are scored too, as the model to beat",
    )
    parser.add_argument(
        "--event-balance",
        type=float,
        default=0.0,
        metavar="B",
        help="weigh each training paragraph (N / (E n)) ** B in the loss, n the paragraphs of its event, as the scorer "
        "weighs them (the themes file's event_balance): one big event (Kazakhstan) teaches the model less of itself",
    )
    parser.add_argument(
        "--soup",
        metavar="SEED",
        type=int,
        nargs="+",
        help="with --rank: train (or reuse) one adapter per seed and score their soup, one adapter whose weight change is "
        "the mean of theirs (one model, so the cost of one), with the shipped model's vectors as the model to beat",
    )
    parser.add_argument(
        "--write", action="store_true", help=f"with --rank: copy the trained adapter to {THEME_ADAPTER_PATH.relative_to(ROOT)}"
    )
    args = parser.parse_args()
    if args.write and not args.rank:
        parser.error("--write ships an adapter: it needs --rank")
    if args.soup and not args.rank:
        parser.error("--soup mixes adapters: it needs --rank")
    ADAPTER["rank"] = args.rank
    BALANCE["event_balance"] = args.event_balance
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    themes = load_themes()
    if args.without is not None and args.without not in themes.ids:
        parser.error(f"--without: no theme {args.without!r}; the themes are {', '.join(themes.ids)}")
    tuned = [theme_id for theme_id in themes.ids if theme_id != args.without]
    columns = ["text", "language", "event", *themes.ids]
    training = pd.concat([load_labels(path, themes.ids)[columns] for path in [TRAINING, *args.train_with]], ignore_index=True)
    folder = ensure_default_model(adapted=False)  # the plain model: what an adapter is trained from and compared with
    sources = [TRAINING, *args.train_with]
    if args.soup:
        target, layer = souped(folder, [trained(folder, training, tuned, sources, seed) for seed in args.soup])
    else:
        target, layer = trained(folder, training, tuned, sources, args.seed)
    if args.write:
        shutil.copyfile(target / "adapter.npz", THEME_ADAPTER_PATH)
        print(f"the adapter is now the shipped one: {THEME_ADAPTER_PATH.relative_to(ROOT)}", flush=True)
    sets = {path.name: load_labels(path, themes.ids) for path in [*FRESH_SETS, *([args.judge] if args.judge else [])]}
    judged = args.judge.name if args.judge else None
    trained_on = {path.name for path in args.train_with}
    if judged in trained_on:
        parser.error(f"--judge {args.judge}: the model is trained on it (--train-with)")
    fits = tempfile.TemporaryDirectory(prefix="fine-tune-study-")  # removed at exit
    store = ScorerStore(Path(fits.name))
    models = [("plain model's vectors, shipped scorer", folder)]
    if args.train_with or args.soup:
        models.append(("shipped model's vectors (with its adapter), shipped scorer", ensure_default_model()))
    for title, model_folder in [*models, ("fine-tuned vectors, shipped scorer", target)]:
        embedder = make_embedder(str(model_folder))
        scores = {
            name: score_labels(labels, themes, embedder.embed, 10, model_id=embedder.model_id, by="event", store=store)
            for name, labels in sets.items()
        }
        print(f"{title}: macro-F1 all / fa / ar, thresholds chosen on the other sets", flush=True)
        pooled = leave_set_out(sets, scores, themes.ids, judged, trained_on if model_folder == target else ())
        if args.without is not None:
            metrics = pooled.metrics[pooled.metrics["part"] == pooled.metrics["part"].iloc[0]]
            f1 = metrics[metrics["theme"] == args.without].set_index("language")["f1"]
            print(f"    {args.without} alone, pooled F1: {' / '.join(f'{f1[language]:.3f}' for language in ('all', 'fa', 'ar'))}")
    print("fine-tuned theme layer alone: macro-F1 all / fa / ar, thresholds chosen on the other sets", flush=True)
    leave_set_out(sets, {name: layer_scores(target, layer, labels, tuned) for name, labels in sets.items()}, tuned, judged, trained_on)


if __name__ == "__main__":
    main()
