from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import pipeline
from analysis.corpus import read_corpus
from analysis.embed import Embedder, EmbeddingCache
from analysis.pipeline import analyze, corpus_hash, output_table
from analysis.speaker_groups import SpeakerGroup
from analysis.themes import load_themes
from analysis.voices import default_actors
from tests.helpers import SEEDS, FakeEncoder, worker_starts_on_two_cores, write_small_bundled_themes


def test_seed_analysis_keeps_every_paragraph_row(fake_embedder: Embedder, tmp_path) -> None:
    corpus = read_corpus([SEEDS])
    themes = load_themes(write_small_bundled_themes(tmp_path))
    analysis = analyze(corpus, themes, fake_embedder)
    table = analysis.table
    non_blank = sum(1 for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(table) == non_blank
    assert table.loc[~table["kept"], "drop_reason"].str.len().gt(0).all()
    assert table.loc[table["kept"], "drop_reason"].eq("").all()
    for theme_id in themes.ids:
        assert table.loc[~table["kept"], f"score_{theme_id}"].isna().all()
        assert table.loc[table["kept"], f"score_{theme_id}"].notna().all()
        assert not table.loc[~table["kept"], f"has_{theme_id}"].any()
    assert analysis.vectors.shape[0] == int(table["kept"].sum())
    assert list(output_table(table, themes.ids).columns)[-3:] == [f"score_{t}" for t in themes.ids]


def test_assignment_follows_scores_and_thresholds(fake_embedder: Embedder, tmp_path) -> None:
    themes = load_themes(write_small_bundled_themes(tmp_path))
    table = analyze(read_corpus([SEEDS]), themes, fake_embedder).table
    kept = table[table["kept"]]
    for theme_id, threshold in themes.thresholds().items():
        expected = kept[f"score_{theme_id}"] >= threshold
        pd.testing.assert_series_equal(kept[f"has_{theme_id}"], expected, check_names=False)
        carries = kept["themes"].str.split("|").apply(lambda ids, t=theme_id: t in ids)
        pd.testing.assert_series_equal(carries, expected, check_names=False)


def test_metadata_records_run(fake_embedder: Embedder, tmp_path) -> None:
    corpus = read_corpus([SEEDS])
    metadata = analyze(corpus, load_themes(write_small_bundled_themes(tmp_path)), fake_embedder).metadata
    assert metadata["model"] == "fake"
    assert metadata["corpus_hash"] == corpus_hash(corpus.documents)
    assert metadata["documents"] == 5
    assert metadata["kept"] + metadata["dropped"] == metadata["paragraphs"]
    assert set(metadata["timings_seconds"]) == {"text", "embed_and_score", "total"}


def test_warm_run_does_not_load_the_model(tmp_path) -> None:
    corpus, themes = read_corpus([SEEDS]), load_themes(write_small_bundled_themes(tmp_path))
    encoder = FakeEncoder()
    first = analyze(corpus, themes, Embedder("fake", lambda: encoder, EmbeddingCache(tmp_path / "c.sqlite3")))
    warm = Embedder("fake", lambda: (_ for _ in ()).throw(AssertionError("loaded")), EmbeddingCache(tmp_path / "c.sqlite3"))
    second = analyze(corpus, themes, warm)
    assert warm.computed == 0 and not warm.model_loaded
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_a_one_off_run_lets_go_of_the_model_after_the_paragraphs_and_a_server_keeps_it(tmp_path) -> None:
    """framing analyze (keep_model False) gives the scoring the model's memory; the dashboard's embedder keeps it."""
    corpus, themes = read_corpus([SEEDS]), load_themes(write_small_bundled_themes(tmp_path))
    kept = analyze(corpus, themes, Embedder("fake", FakeEncoder))
    one_off = Embedder("fake", FakeEncoder, keep_model=False)
    released = analyze(corpus, themes, one_off)
    assert not one_off.model_loaded and one_off.computed > 0
    server = Embedder("fake", FakeEncoder)
    analyze(corpus, themes, server)
    assert server.model_loaded
    pd.testing.assert_frame_equal(released.table, kept.table)
    np.testing.assert_array_equal(released.vectors, kept.vectors)


def test_seed_paragraphs_get_a_voice_and_a_speaker(fake_embedder: Embedder, tmp_path) -> None:
    table = output_table(analyze(read_corpus([SEEDS]), load_themes(write_small_bundled_themes(tmp_path)), fake_embedder).table, [])
    assert list(table.columns)[-2:] == ["voice", "speaker"]
    kept = table[table["kept"]]
    assert set(kept["voice"]) == {"outlet", "attributed"}
    assert table.loc[~table["kept"], ["voice", "speaker"]].eq("").all().all()
    assert kept.loc[kept["voice"] == "outlet", "speaker"].eq("").all()
    # Tasnim's headline «پوتین: …» is Putin's; its own «به گزارش … تسنیم» is not a speaker
    assert {"putin", "tokayev", "lukashenko"} <= set(kept["speaker"])
    assert "tasnim" not in set(kept["speaker"])


def test_the_speaker_group_of_the_embedders_model_claims_speakers_the_actors_file_lacks(
    fake_embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the rules, the model's speaker group (analysis.speaker_groups) decides who of the speakers the actors file
    lacks speaks for the protesters; here one that claims them all. The actors of the file keep their ids."""
    corpus, themes = read_corpus([SEEDS]), load_themes(write_small_bundled_themes(tmp_path))
    rules = analyze(corpus, themes, fake_embedder).table
    claims_all = SpeakerGroup("protesters", "fake", np.zeros(2 * FakeEncoder.dimension), 10.0, 0.7)
    monkeypatch.setattr(pipeline, "shipped_group", lambda model_id: claims_all if model_id == "fake" else None)
    grouped = analyze(corpus, themes, fake_embedder).table
    known = {actor.id for actor in default_actors()}
    unknown = rules["speaker"].ne("") & ~rules["speaker"].isin(known)
    assert unknown.any()
    assert (grouped.loc[unknown, "speaker"] == "protesters").all()
    pd.testing.assert_series_equal(grouped.loc[~unknown, "speaker"], rules.loc[~unknown, "speaker"])


def test_voices_found_in_worker_processes_while_scoring_are_the_same(
    fake_embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PARALLEL_MIN_PARAGRAPHS kept paragraphs on, worker processes find the voices while the scores are computed."""
    corpus, themes = read_corpus([SEEDS]), load_themes(write_small_bundled_themes(tmp_path))
    alone = analyze(corpus, themes, fake_embedder).table
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PARAGRAPHS", 1)
    started = worker_starts_on_two_cores(monkeypatch, pipeline)
    pd.testing.assert_frame_equal(analyze(corpus, themes, fake_embedder).table, alone)
    assert len(started) == 2
