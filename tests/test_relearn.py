"""The relearning simulation on a tiny labelled file with the fake encoder."""

from __future__ import annotations

from pathlib import Path

from analysis.embed import Embedder
from analysis.labels import read_labels
from analysis.relearn import EVERY_MARK, marked_half_ceiling, pooled_curve, relearn_summary, simulate_event, split_event, write_results
from tests.helpers import themes_with_labelled

ROWS = [
    ("a1", "fresh", "red apple harvest starts", 1, 0),
    ("a1", "fresh", "blue ocean waves rise", 0, 1),
    ("a2", "fresh", "ripe red apple market", 1, 0),
    ("a2", "fresh", "cold rain all week", 0, 0),
    ("a3", "fresh", "red apple pie recipe", 1, 0),
    ("a3", "fresh", "deep blue ocean", 0, 1),
    ("a4", "fresh", "sunny weather today", 0, 0),
    ("a4", "fresh", "apple orchard in bloom", 1, 0),
    ("b1", "old", "green apple harvest ends early", 1, 0),
    ("b1", "old", "weather sunny in the orchard", 0, 0),
]
CSV = "doc_id,event,language,text,alpha,beta\n" + "".join(f"{d},{e},fa,{t},{a},{b}\n" for d, e, t, a, b in ROWS)


def test_the_marking_half_and_the_evaluation_half_share_no_article() -> None:
    labels = read_labels(CSV.encode(), "labels.csv", ["alpha", "beta"])
    pool, held_out = split_event(labels[labels["event"] == "fresh"])
    assert set(pool["doc_id"]) == {"a1", "a3"} and set(held_out["doc_id"]) == {"a2", "a4"}


def test_simulation_marks_from_the_labels_and_measures_the_unmarked_half(tmp_path: Path, fake_embedder: Embedder) -> None:
    themes = themes_with_labelled(tmp_path, CSV)
    labels = read_labels(CSV.encode(), "labels.csv", themes.ids)
    records = simulate_event(themes, labels, "fresh", fake_embedder.embed, "fake", steps=(0, 2, 50))
    assert [record["marks"] for record in records] == [0, 2, 8]  # the pool has 4 paragraphs x 2 themes: 8 marks at most
    assert all(record["evaluated"] == 4 for record in records)
    pooled = pooled_curve(records, themes.thresholds())
    assert pooled["marks"].tolist() == [0, 2, 50] and pooled["mean_marks_made"].tolist() == [0, 2, 8]
    assert pooled["paragraphs"].tolist() == [4, 4, 4]
    assert pooled["all"].tolist() == [record["macro_f1"] for record in records]  # one event: pooled = its own figure
    path = tmp_path / "relearn.json"
    write_results(records, pooled.assign(marks=[0, 10, 50]), "python bench/relearn.py --events fresh", path)
    summary = relearn_summary(path)
    assert (
        summary.startswith("In a simulation on 1 event the themes had never seen") and "python bench/relearn.py --events fresh" in summary
    )
    before, after = pooled["all"].iloc[0], pooled["all"].iloc[-1]
    goal = "not reached" if after < 0.85 else "reached"
    assert f"from {before:.3f} (no marks) to {after:.3f}" in summary and summary.endswith(f"(the goal, 0.85: {goal}).")
    assert "(`python bench/relearn.py --events fresh`)" in summary
    assert relearn_summary(tmp_path / "missing.json") == ""


def test_ceiling_marks_every_labelled_cell_of_the_marking_half_and_pools_after_the_steps(tmp_path: Path, fake_embedder: Embedder) -> None:
    csv = CSV.replace("a3,fresh,fa,deep blue ocean,0,1", "a3,fresh,fa,deep blue ocean,0,")  # one blank cell: not a mark
    themes = themes_with_labelled(tmp_path, csv)
    labels = read_labels(csv.encode(), "labels.csv", themes.ids)
    records = marked_half_ceiling(themes, labels, "fresh", fake_embedder.embed, "fake")
    assert [(record["step"], record["marks"]) for record in records] == [(0, 0), (EVERY_MARK, 7)]
    simulated = simulate_event(themes, labels, "fresh", fake_embedder.embed, "fake", steps=(0,))
    assert records[0]["macro_f1"] == simulated[0]["macro_f1"]  # step 0 is the untaught scorer, as in the simulation
    pooled = pooled_curve(records + simulated, themes.thresholds())
    assert pooled["marks"].tolist() == [0, EVERY_MARK] and pooled["events"].tolist() == [2, 1]
