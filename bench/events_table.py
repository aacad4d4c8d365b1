"""Summarise a `framing evaluate --by event --json REPORT` report as README's per-event table.

    .venv/bin/framing evaluate analysis/data/labelled_paragraphs.csv --by event --json events.json
    .venv/bin/python bench/events_table.py events.json

Prints one Markdown row per event (paragraphs, positives per theme, macro-F1 overall and per
language with its 95 % interval), events with fewer than --min-positives positive labels marked
as too few to judge, then the share of judged events that reach the goal.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

GOAL = 0.85
GOAL_PER_LANGUAGE = 0.80


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--min-positives", type=int, default=15)
    parser.add_argument(
        "--thresholds", choices=["file", "held-out"], default="file", help="the file's thresholds, or thresholds chosen without each event"
    )
    args = parser.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    result = report["at_file_thresholds" if args.thresholds == "file" else "cross_validated"]
    macro, metrics = pd.DataFrame(result["macro_f1"]), pd.DataFrame(result["metrics"])
    themes = list(dict.fromkeys(metrics["theme"]))
    print("| event | paragraphs | positives (" + ", ".join(themes) + ") | macro-F1 | fa | ar |")
    print("|---|---|---|---|---|---|")
    judged = []
    for part in [part for part in dict.fromkeys(macro["part"]) if part != "all"] + ["all"]:
        rows = macro[macro["part"] == part].set_index("language")
        positives = metrics[(metrics["part"] == part) & (metrics["language"] == "all")].set_index("theme")["positives"]
        enough = positives.sum() >= args.min_positives

        def cell(language: str, rows: pd.DataFrame = rows) -> str:
            if language not in rows.index or pd.isna(rows.at[language, "low"]):
                return "–"
            row = rows.loc[language]
            return f"{row.macro_f1:.2f} ({row.low:.2f}–{row.high:.2f})"

        name = "**all events**" if part == "all" else part if enough else f"{part} (too few positives)"
        counts = ", ".join(str(int(positives.get(theme, 0))) for theme in themes)
        print(f"| {name} | {int(rows.iloc[0].labelled)} | {counts} | {cell('all')} | {cell('fa')} | {cell('ar')} |")
        if part != "all" and enough:
            judged.append(rows.at["all", "macro_f1"])
    reached = sum(value >= GOAL for value in judged)
    print(
        f"\n{reached} of {len(judged)} events with at least {args.min_positives} positive labels reach macro-F1 {GOAL}; median {pd.Series(judged).median():.3f}"
    )


if __name__ == "__main__":
    main()
