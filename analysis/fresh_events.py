"""What the themes scored on events they had never seen, as `bench/fresh_events.py --write` records it.

A fresh events set is labelled paragraphs on events absent from the training text, by writers who read only
docs/labelling.md. Each is scored with leave events out (``framing evaluate FILE --by event``'s scores) and judged at
thresholds chosen on all the other fresh sets pooled (:func:`judged_sets`), never on itself; the shipped thresholds are
chosen on every set pooled, and a new set is measured once at them before it joins. The dashboard quotes the record
(the Accuracy tab), so that a researcher reads what the themes scored on unseen events before trusting them on their
own."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.evaluate import chosen_thresholds, evaluate
from analysis.themes import DATA_FOLDER
from analysis.wording import counted, listed

RESULTS_PATH = DATA_FOLDER / "fresh_events.json"
LANGUAGES = ("all", "fa", "ar")


def fresh_record(name: str, macro_f1: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One fresh set's figures from its macro-F1 rows by event (:attr:`analysis.evaluate.Evaluation.macro_f1`): its
    events, paragraphs, and macro-F1 with its 95 % interval over all its paragraphs, per language."""
    parts = {row["part"] for row in macro_f1}
    whole = "all" if "all" in parts else next(iter(parts))  # a set of one event has no "all" part
    overall = {row["language"]: row for row in macro_f1 if row["part"] == whole}
    return {
        "file": name,
        "events": sorted(parts - {"all"}),
        "paragraphs": int(overall["all"]["labelled"]),
        **{language: {key: overall[language][key] for key in ("macro_f1", "low", "high")} for language in LANGUAGES},
    }


def pooled_thresholds(
    sets: Mapping[str, pd.DataFrame], scores: Mapping[str, pd.DataFrame], theme_ids: Sequence[str], names: Sequence[str]
) -> dict[str, float]:
    """The thresholds chosen (:func:`analysis.evaluate.chosen_thresholds`) on the named sets' labels and scores pooled."""
    return chosen_thresholds(
        pd.concat([sets[name] for name in names], ignore_index=True),
        pd.concat([scores[name] for name in names], ignore_index=True),
        theme_ids,
    )


def judged_sets(
    sets: Mapping[str, pd.DataFrame], scores: Mapping[str, pd.DataFrame], theme_ids: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Each set's record at thresholds chosen on all the other sets pooled, and the thresholds chosen on every set.

    ``sets`` are labels with an ``event`` column, ``scores`` their ``score_<id>`` columns (aligned rows), by set name.
    """
    records = []
    for name, labels in sets.items():
        thresholds = pooled_thresholds(sets, scores, theme_ids, [other for other in sets if other != name])
        evaluation = evaluate(labels.reset_index(drop=True), scores[name].reset_index(drop=True), thresholds, part="event")
        records.append(fresh_record(name, evaluation.macro_f1.to_dict(orient="records")))
    return records, pooled_thresholds(sets, scores, theme_ids, list(sets))


def fresh_summary(path: Path = RESULTS_PATH) -> str:
    """One sentence on what the themes scored on unseen events; "" when the record is absent or unreadable."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        sets = data["sets"]
        figures = {language: [float(record[language]["macro_f1"]) for record in sets] for language in LANGUAGES}
        events = sum(len(record["events"]) for record in sets)
        paragraphs = sum(int(record["paragraphs"]) for record in sets)
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    if not sets:
        return ""

    def figures_of(language: str) -> str:
        return listed([f"{value:.2f}" for value in figures[language]])

    return (
        f"On {counted(events, 'event')} the bundled themes had never seen ({paragraphs:,} paragraphs in {counted(len(sets), 'set')} "
        f"by writers given only the labelling guidelines, each judged at thresholds chosen on the other sets; "
        f"`{data['command']}` recomputes them), "
        f"macro-F1 was {figures_of('all')} (Persian {figures_of('fa')}, Arabic {figures_of('ar')}). Expect "
        "about that on your own event until you mark paragraphs."
    )
