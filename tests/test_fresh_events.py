"""What the themes scored on unseen events: the record bench/fresh_events.py writes, and the sentence the dashboard quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.fresh_events import RESULTS_PATH, fresh_record, fresh_summary
from tests.helpers import bench_script

REPORT = {
    "at_file_thresholds": {
        "macro_f1": [
            {"part": "all", "language": "all", "labelled": 20, "macro_f1": 0.7, "low": 0.6, "high": 0.8},
            {"part": "all", "language": "fa", "labelled": 10, "macro_f1": 0.75, "low": 0.6, "high": 0.9},
            {"part": "all", "language": "ar", "labelled": 10, "macro_f1": 0.65, "low": 0.5, "high": 0.8},
            {"part": "b_event", "language": "all", "labelled": 12, "macro_f1": 0.9, "low": 0.8, "high": 1.0},
            {"part": "a_event", "language": "all", "labelled": 8, "macro_f1": 0.5, "low": 0.3, "high": 0.7},
        ]
    }
}


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


@pytest.mark.model
def test_the_shipped_record_is_what_the_bench_measures_now() -> None:
    """analysis/data/fresh_events.json is recomputed, not typed: a change of themes or model that moves a figure fails here
    until `python bench/fresh_events.py --write` records it."""
    assert bench_script("fresh_events").measure() == json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
