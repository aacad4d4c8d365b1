"""Simulate a researcher teaching the themes each held-out event; print macro-F1 after 0-100 marks.

    python bench/relearn.py [LABELS ...] [--events ID ...] [--steps N ...] [--themes FILE] [--write]
    python bench/relearn.py [LABELS ...] [--events ID ...] --ceiling

LABELS: one or more labelled files, read as one (default: the bundled training paragraphs; the dashboard quotes the
run on the fresh events sets, whose events the default model's theme adapter never saw: README, "Accuracy").
For each event (default: the events of LABELS with at least 40 paragraphs, `other_*` aside), the
themes are fitted without that event, the Teach queue picks paragraphs from one half of its
articles, the labels answer, and macro-F1 is measured on the other half after 0, 10, 25, 50 and
100 marks (analysis/relearn.py). --write keeps the records in analysis/data/relearn.json, which the
dashboard quotes.

--ceiling measures instead what marking can reach at most with this scorer: one refit per event with
every labelled paragraph of the marking half marked for every theme (analysis.relearn.marked_half_ceiling).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis.embed import make_embedder
from analysis.labels import load_labels
from analysis.relearn import GOAL_MARKS, MARK_STEPS, marked_half_ceiling, pooled_curve, simulate_event, write_results
from analysis.scorer import ScorerStore
from analysis.themes import DATA_FOLDER, load_themes

MIN_PARAGRAPHS = 40


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="*", default=[str(DATA_FOLDER / "labelled_paragraphs.csv")])
    parser.add_argument("--events", nargs="*")
    parser.add_argument(
        "--steps", nargs="+", type=int, default=list(MARK_STEPS), help="numbers of marks to measure after (default: %(default)s)"
    )
    parser.add_argument("--themes", help="a themes file (default: the bundled one), e.g. a copy with another marks_weight")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--ceiling", action="store_true", help="mark every labelled paragraph of the marking half at once")
    args = parser.parse_args()
    if args.ceiling and args.write:
        parser.error("--ceiling is not the simulation the dashboard quotes: leave out --write")
    themes = load_themes(args.themes)
    labels = pd.concat([load_labels(path, themes.ids) for path in args.labels], ignore_index=True)
    sizes = labels["event"].value_counts()
    events = args.events or [event for event, size in sizes.items() if size >= MIN_PARAGRAPHS and not str(event).startswith("other")]
    embedder = make_embedder()
    records = []
    for event in events:
        if args.ceiling:
            measured = marked_half_ceiling(themes, labels, event, embedder.embed, embedder.model_id, ScorerStore.default())
        else:
            measured = simulate_event(
                themes, labels, event, embedder.embed, embedder.model_id, ScorerStore.default(), sorted(set(args.steps))
            )
        records += measured
        print(pd.DataFrame(measured).drop(columns=["labels", "scores"]).to_string(index=False), flush=True)
    table = pd.DataFrame([{key: value for key, value in record.items() if key not in ("labels", "scores")} for record in records])
    curve = table.pivot_table(index="event", columns="step", values="macro_f1")
    print("\nmacro-F1 on the unmarked half of each event, by number of marks (small halves: noisy):\n" + curve.round(3).to_string())
    pooled = pooled_curve(records, themes.thresholds())
    print("\nthe unmarked halves of all events together:\n" + pooled.round(3).to_string(index=False))
    reached = table[table["step"] == GOAL_MARKS]
    if not args.ceiling:
        print(f"events at >= 0.85 after {GOAL_MARKS} marks: {(reached['macro_f1'] >= 0.85).sum()} of {len(reached)}")
    if args.write:
        command = "python bench/relearn.py " + " ".join(sys.argv[1:])
        write_results(records, pooled, command.replace(" --write", "").strip())
        print(f"written to {Path(DATA_FOLDER / 'relearn.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
