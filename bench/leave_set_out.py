"""Which scoring choices carry to new writers on new events? `.venv/bin/python bench/leave_set_out.py [VARIANT ...]`.

A study, not the shipped method. The fresh events sets (README, "Accuracy") were each written by two writers who
read only the guidelines, on five events in no training file, and measured once. Here they serve as a development
set: each set is scored whole by themes that never saw its events or its writers, under each variant of the
scoring, so that a choice is judged on text unlike the training text before a new set measures it once.

A VARIANT is `shipped` or a comma-separated list of changes:
- `KEY=VALUE` sets one of the themes file's `[scoring]` settings (`c=3`, `wording_weight=0`, `units=sentences`);
- `+sets` adds the other fresh sets to the training paragraphs (each set held out whole, both its writers and
  all its events: leaving out one event at a time would let the themes learn a writer's way of framing from the
  same writer's other events).

For each variant the thresholds are chosen on its training paragraphs' leave-events-out scores (10 folds), as the
shipped ones were until 0.16.0 (`framing evaluate analysis/data/labelled_paragraphs.csv --by event`, "Thresholds
fitted on all labels"). Prints macro-F1 (all / fa / ar): under leave-events-out on the training paragraphs
(thresholds chosen without each event), then per set and over the sets pooled, at the chosen thresholds and, for
the record, at the shipped ones. Since the theme adapter (0.17.0) saw every training event, those scores are
optimistic: `--thresholds fresh` instead judges each set at thresholds chosen on the other sets pooled, as the
shipped record does (analysis.fresh_events.judged_sets; not with `+sets`), and prints each set and the sets' mean.
Vectors come from the embedding cache (FRAMING_HOME); fits are kept in a temporary folder. A variant takes one to
four minutes on the 2-core machine. Read differences below 0.03 on one set as noise (each set's
interval is about ±0.06; the pooled one about ±0.03).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.embed import make_embedder  # noqa: E402
from analysis.evaluate import cross_validate, evaluate, score_labels  # noqa: E402
from analysis.fresh_events import LANGUAGES, judged_sets  # noqa: E402
from analysis.labels import load_labels  # noqa: E402
from analysis.scorer import ScorerStore  # noqa: E402
from analysis.themes import BUNDLED_LABELLED, DATA_FOLDER, LabelledParagraphs, ScoringSettings, ThemeSet, load_themes  # noqa: E402
from bench.fresh_events import FRESH_SETS  # noqa: E402

TRAINING = DATA_FOLDER / BUNDLED_LABELLED
EVENT_FOLDS = 10
ADD_SETS = "+sets"


def scoring_changes(variant: str) -> dict[str, object]:
    """The ``[scoring]`` settings a variant changes, typed like :class:`ScoringSettings`' fields."""
    types = {field.name: field.type for field in dataclasses.fields(ScoringSettings)}
    changes: dict[str, object] = {}
    for change in variant.split(","):
        if change in ("shipped", ADD_SETS):
            continue
        key, _, value = change.partition("=")
        if key not in types or not value:
            raise SystemExit(f"{change}: a variant is `shipped`, `{ADD_SETS}` or KEY=VALUE with KEY one of {', '.join(types)}")
        kind = types[key]
        changes[key] = value.lower() == "true" if kind in (bool, "bool") else float(value) if kind in (float, "float") else value
    return changes


def variant_themes(shipped: ThemeSet, variant: str) -> ThemeSet:
    """The shipped themes with the variant's ``[scoring]`` changes."""
    return dataclasses.replace(shipped, scoring=dataclasses.replace(shipped.scoring, **scoring_changes(variant)))  # type: ignore[arg-type]


def with_added(themes: ThemeSet, added: pd.DataFrame) -> ThemeSet:
    """The themes learning from their labelled paragraphs and ``added``."""
    assert themes.labelled is not None
    return dataclasses.replace(
        themes, labelled=LabelledParagraphs.concat([themes.labelled, LabelledParagraphs.from_table(added, themes.ids)])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=["shipped", ADD_SETS], help="variants (default: shipped +sets)")
    parser.add_argument("--sets", nargs="+", type=Path, default=FRESH_SETS, help="the fresh sets (default: every measured one)")
    parser.add_argument(
        "--thresholds",
        choices=("training", "fresh"),
        default="training",
        help="choose thresholds on the training paragraphs' leave-events-out scores (default) or on the other fresh sets",
    )
    args = parser.parse_args()
    if args.thresholds == "fresh" and any(ADD_SETS in variant.split(",") for variant in args.variants):
        parser.error(f"--thresholds fresh chooses on the other sets: a variant with {ADD_SETS} trains on them")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    shipped = load_themes()
    training = load_labels(TRAINING, shipped.ids)
    sets = {path.name: load_labels(path, shipped.ids) for path in args.sets}
    embedder = make_embedder()
    fits = tempfile.TemporaryDirectory(prefix="leave-set-out-")  # removed at exit
    store = ScorerStore(Path(fits.name))

    def scored(labels: pd.DataFrame, themes: ThemeSet) -> pd.DataFrame:
        return score_labels(labels, themes, embedder.embed, EVENT_FOLDS, model_id=embedder.model_id, by="event", store=store)

    def chosen_thresholds(variant: str, themes: ThemeSet, taught: pd.DataFrame) -> dict[str, float]:
        """Thresholds chosen on the themes' labelled paragraphs (``taught``) scored under leave-events-out."""
        held = cross_validate(taught, scored(taught, themes), themes.ids, folds=EVENT_FOLDS, part="event", by="event")
        print(f"{variant:36} {f'training ({len(taught):,}), by event':20} {held.headline():>24}", flush=True)
        return held.thresholds

    if args.thresholds == "fresh":
        for variant in args.variants:
            themes = variant_themes(shipped, variant)
            records, _ = judged_sets(sets, {name: scored(labels, themes) for name, labels in sets.items()}, shipped.ids)
            for record in records:
                figures = " / ".join(f"{record[language]['macro_f1']:.3f}" for language in LANGUAGES)
                print(f"{variant:36} {record['file']:20} {figures}")
            means = " / ".join(f"{sum(record[language]['macro_f1'] for record in records) / len(records):.3f}" for language in LANGUAGES)
            print(f"{variant:36} {'mean of the sets':20} {means}  (each at thresholds chosen on the other sets)", flush=True)
        return
    print(f"{'variant':36} {'set':20} {'chosen thresholds':>24} {'shipped thresholds':>24}")
    for variant in args.variants:
        started = time.perf_counter()
        base = variant_themes(shipped, variant)
        adds_sets = ADD_SETS in variant.split(",")
        base_thresholds = None if adds_sets else chosen_thresholds(variant, base, training)
        pooled: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
        for name, held_out in sets.items():
            themes, thresholds = base, base_thresholds
            if adds_sets:
                others = pd.concat([labels for other, labels in sets.items() if other != name], ignore_index=True)
                themes = with_added(base, others)
                thresholds = chosen_thresholds(variant, themes, pd.concat([training, others], ignore_index=True))
            assert thresholds is not None
            scores = scored(held_out, themes)
            chosen = scores.assign(**{f"score_{t}": scores[f"score_{t}"] - thresholds[t] for t in shipped.ids})
            pooled.append((held_out, scores, chosen))
            on_set = evaluate(held_out, chosen, dict.fromkeys(shipped.ids, 0.0)).headline()
            on_set_shipped = evaluate(held_out, scores, shipped.thresholds()).headline()
            print(f"{variant:36} {name:20} {on_set:>24} {on_set_shipped:>24}", flush=True)
        labels = pd.concat([held_out.assign(set="pooled") for held_out, _, _ in pooled], ignore_index=True)
        at_chosen = evaluate(labels, pd.concat([chosen for *_, chosen in pooled], ignore_index=True), dict.fromkeys(shipped.ids, 0.0))
        at_shipped = evaluate(labels, pd.concat([scores for _, scores, _ in pooled], ignore_index=True), shipped.thresholds())
        print(
            f"{variant:36} {'pooled':20} {at_chosen.headline():>24} {at_shipped.headline():>24}"
            f"   ({time.perf_counter() - started:.0f} s; thresholds {base_thresholds or 'per held-out set'})",
            flush=True,
        )


if __name__ == "__main__":
    main()
