"""What the themes scored on unseen events: the record bench/fresh_events.py writes, and the sentence the dashboard quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.fresh_events import RESULTS_PATH, fresh_record, fresh_summary, judged_sets
from analysis.themes import load_themes
from tests.helpers import bench_script

REPORT = [
    {"part": "all", "language": "all", "labelled": 20, "macro_f1": 0.7, "low": 0.6, "high": 0.8},
    {"part": "all", "language": "fa", "labelled": 10, "macro_f1": 0.75, "low": 0.6, "high": 0.9},
    {"part": "all", "language": "ar", "labelled": 10, "macro_f1": 0.65, "low": 0.5, "high": 0.8},
    {"part": "b_event", "language": "all", "labelled": 12, "macro_f1": 0.9, "low": 0.8, "high": 1.0},
    {"part": "a_event", "language": "all", "labelled": 8, "macro_f1": 0.5, "low": 0.3, "high": 0.7},
]


def test_a_record_holds_the_sets_events_paragraphs_and_figures_per_language() -> None:
    record = fresh_record("set.csv", REPORT)
    assert record["events"] == ["a_event", "b_event"] and record["paragraphs"] == 20
    assert record["fa"] == {"macro_f1": 0.75, "low": 0.6, "high": 0.9} and record["all"]["macro_f1"] == 0.7


def test_the_summary_quotes_every_set_and_is_empty_without_a_record(tmp_path: Path) -> None:
    path = tmp_path / "fresh.json"
    assert fresh_summary(path) == ""
    path.write_text(json.dumps({"command": "python bench/x.py", "sets": [fresh_record("a.csv", REPORT), fresh_record("b.csv", REPORT)]}))
    summary = fresh_summary(path)
    assert summary.startswith("On 4 events the bundled themes had never seen (40 paragraphs in 2 sets")
    assert "macro-F1 was 0.70 and 0.70 (Persian 0.75 and 0.75, Arabic 0.65 and 0.65)" in summary and "`python bench/x.py`" in summary
    path.write_text(
        json.dumps({"command": "python bench/x.py", "sets": [fresh_record(name, REPORT) for name in ("a.csv", "b.csv", "c.csv")]})
    )
    assert "macro-F1 was 0.70, 0.70 and 0.70 (Persian 0.75, 0.75 and 0.75" in fresh_summary(path)
    path.write_text('{"sets": [{"all": {}}]}')
    assert fresh_summary(path) == ""  # unreadable: nothing quoted rather than a traceback


def _set(event: str, truth: list[int], scores: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    languages = ["fa", "ar"] * (len(truth) // 2)
    labels = pd.DataFrame({"event": event, "language": languages, "doc_id": "d", "text": "t", "alpha": truth})
    return labels.set_index(pd.RangeIndex(10, 10 + len(truth))), pd.DataFrame({"score_alpha": scores}, index=labels.index + 10)


def test_each_set_is_judged_at_thresholds_chosen_on_the_others_and_never_on_itself() -> None:
    a = _set("a_event", [1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1])  # separable at 0.5; a Persian and an Arabic paragraph each
    b = _set("b_event", [1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1])
    c = _set("c_event", [1, 1, 0, 0], [0.3, 0.25, 0.2, 0.1])  # separable only at ~0.22: the others' choice misses it
    sets = {"a.csv": a[0], "b.csv": b[0], "c.csv": c[0]}
    records, thresholds = judged_sets(sets, {"a.csv": a[1], "b.csv": b[1], "c.csv": c[1]}, ["alpha"])
    by_file = {record["file"]: record for record in records}
    assert by_file["a.csv"]["all"]["macro_f1"] == 1.0 and by_file["a.csv"]["events"] == ["a_event"]
    assert by_file["c.csv"]["all"]["macro_f1"] == 0.0  # chosen on a and b (0.5), c's positives fall below it
    assert by_file["c.csv"]["paragraphs"] == 4
    assert thresholds == {"alpha": 0.225}  # on every set pooled: between the lowest positive (0.25) and the highest negative


@pytest.mark.model
def test_the_shipped_record_is_what_the_bench_measures_now() -> None:
    """analysis/data/fresh_events.json is recomputed, not typed: a change of themes or model that moves a figure fails here
    until `python bench/fresh_events.py --write` records it. The themes file's thresholds are the ones chosen on every set."""
    record = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
    assert bench_script("fresh_events").measure() == record
    assert load_themes().thresholds() == record["thresholds"]
