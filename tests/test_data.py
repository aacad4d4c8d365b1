"""The labelled data: training and test text kept apart, every article with one event."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.near_duplicates import near_duplicates, shingles
from analysis.themes import DATA_FOLDER

TRAINING = DATA_FOLDER / "labelled_paragraphs.csv"
TESTS = [Path(__file__).parent / "data" / "labels.csv", Path(__file__).parent / "data" / "fresh_events.csv"]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_near_duplicates_are_found_by_character_5_gram_jaccard() -> None:
    assert shingles("abcdef") == {"abcde", "bcdef"}
    pairs = near_duplicates(
        ["نیروهای حافظ صلح از شهر خارج شدند", "a completely different sentence"],
        ["fa", "en"],
        ["نیروهای حافظ صلح از شهر خارج شدند.", "unrelated"],
        ["fa", "en"],
    )
    assert pairs[["row", "other_row"]].to_numpy().tolist() == [[0, 0]]
    assert pairs["jaccard"].iloc[0] >= 0.6


@pytest.mark.parametrize("path", TESTS, ids=lambda path: path.name)
def test_no_test_paragraph_nearly_copies_a_training_paragraph(path: Path) -> None:
    training, test = read(TRAINING), read(path)
    pairs = near_duplicates(test["text"], test["language"], training["text"], training["language"])
    assert pairs.empty, [
        (test.at[row, "doc_id"], training.at[other, "doc_id"], jaccard) for row, other, jaccard in pairs.itertuples(index=False)
    ][:5]


@pytest.mark.parametrize("path", [TRAINING, *TESTS], ids=lambda path: path.name)
def test_every_article_has_one_event(path: Path) -> None:
    table = read(path)
    assert (table["event"].str.strip() != "").all()
    assert (table.groupby("doc_id")["event"].nunique() == 1).all()


def test_the_fresh_test_events_are_absent_from_training_or_left_out_by_event() -> None:
    """The fresh set is measured with --by event: any training article of its events is left out when it is scored."""
    training, fresh = read(TRAINING), read(TESTS[1])
    shared = set(fresh["event"]) & set(training["event"])
    assert shared <= {"haiti_2024", "kyrgyzstan_2010"}
