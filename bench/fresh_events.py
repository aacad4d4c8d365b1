"""The themes on events they had never seen: rerun with `.venv/bin/python bench/fresh_events.py [--write]`.

Scores each fresh events set (labelled paragraphs on five events absent from the training text, by writers who read
only docs/labelling.md; README, "Accuracy") as ``framing evaluate FILE --by event`` does, judges it at thresholds
chosen on all the other sets pooled (analysis.fresh_events.judged_sets), and prints macro-F1 with its 95 % interval
per language, and the thresholds chosen on every set: the themes file's thresholds. ``--write`` keeps the figures in
analysis/data/fresh_events.json, which the dashboard's Accuracy tab quotes. The newest set was measured once, at the
thresholds the others chose, before it joined; rerunning recomputes the same figures while the themes, the model and
the sets are unchanged (tests/test_fresh_events.py checks that the record and the themes file's thresholds do).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.cli import EVENT_FOLDS, EVENTS, effective_folds  # noqa: E402
from analysis.embed import make_embedder  # noqa: E402
from analysis.evaluate import score_labels  # noqa: E402
from analysis.fresh_events import LANGUAGES, RESULTS_PATH, judged_sets  # noqa: E402
from analysis.labels import load_labels  # noqa: E402
from analysis.scorer import ScorerStore  # noqa: E402
from analysis.speaker_groups import base_model  # noqa: E402
from analysis.themes import load_themes  # noqa: E402

FRESH_SETS = [
    ROOT / "tests" / "data" / name
    for name in (
        "fresh_events.csv",
        "fresh_events3.csv",
        "fresh_events4.csv",
        "fresh_events5.csv",
        "fresh_events6.csv",
        "fresh_events7.csv",
        "fresh_events8.csv",
    )
]
COMMAND = "python bench/fresh_events.py"


def measure(paths: list[Path] = FRESH_SETS) -> dict[str, Any]:
    """The record of every fresh set: ``{"command", "model", "thresholds", "sets": [fresh_record, ...]}``."""
    themes = load_themes()
    embedder = make_embedder()
    store = ScorerStore.default()
    sets = {path.name: load_labels(path, themes.ids) for path in paths}
    scores = {
        name: score_labels(
            labels,
            themes,
            embedder.embed,
            effective_folds(EVENT_FOLDS, labels["event"].nunique(), EVENTS),
            model_id=embedder.model_id,
            by="event",
            store=store,
        )
        for name, labels in sets.items()
    }
    records, thresholds = judged_sets(sets, scores, themes.ids)
    return {"command": COMMAND, "model": base_model(embedder.model_id), "thresholds": thresholds, "sets": records}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"keep the figures in {RESULTS_PATH.relative_to(ROOT)}")
    args = parser.parse_args()
    data = measure()
    for record in data["sets"]:
        print(
            f"{record['file']} ({record['paragraphs']} paragraphs; {', '.join(record['events'])}), at thresholds chosen on the other sets"
        )
        for language in LANGUAGES:
            figure = record[language]
            print(f"  {language:>3}: macro-F1 {figure['macro_f1']:.3f} (95 % interval {figure['low']:.3f}-{figure['high']:.3f})")
    print(f"thresholds chosen on every set ({data['model']}): {', '.join(f'{t} {value:.4f}' for t, value in data['thresholds'].items())}")
    if args.write:
        RESULTS_PATH.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written to {RESULTS_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
