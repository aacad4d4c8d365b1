"""What the themes scored on events they had never seen, as `bench/fresh_events.py --write` records it.

A fresh events set is labelled paragraphs on events absent from the training text, by writers who read only
docs/labelling.md, measured once with ``framing evaluate FILE --by event``. The dashboard quotes the record (the
Accuracy tab), so that a researcher reads what the themes scored on unseen events before trusting them on their own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.themes import DATA_FOLDER
from analysis.wording import counted, listed

RESULTS_PATH = DATA_FOLDER / "fresh_events.json"
LANGUAGES = ("all", "fa", "ar")


def fresh_record(name: str, report: Mapping[str, Any]) -> dict[str, Any]:
    """One fresh set's figures from the JSON report of ``framing evaluate NAME --by event``: its events, paragraphs,
    and macro-F1 with its 95 % interval over all its paragraphs, per language, at the themes file's thresholds."""
    rows = report["at_file_thresholds"]["macro_f1"]
    overall = {row["language"]: row for row in rows if row["part"] == "all"}
    return {
        "file": name,
        "events": sorted({row["part"] for row in rows if row["part"] != "all"}),
        "paragraphs": int(overall["all"]["labelled"]),
        **{language: {key: overall[language][key] for key in ("macro_f1", "low", "high")} for language in LANGUAGES},
    }


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
        f"by writers given only the labelling guidelines, each set measured once; `{data['command']}` recomputes them), "
        f"macro-F1 was {figures_of('all')} (Persian {figures_of('fa')}, Arabic {figures_of('ar')}). Expect "
        "about that on your own event until you mark paragraphs."
    )
