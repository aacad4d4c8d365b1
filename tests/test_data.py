"""The labelled data: training and test text kept apart, every article with one event, the evaluation set shipped."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from analysis.labels import EVALUATION_LABELS, load_labels
from analysis.near_duplicates import near_duplicates, shingles
from analysis.themes import DATA_FOLDER, DEFAULT_THEMES_PATH, load_themes
from tests.helpers import ROOT, bench_script

TRAINING = DATA_FOLDER / "labelled_paragraphs.csv"
UNMEASURED = [ROOT / "tests" / "data" / "fresh_events9.csv"]  # written, committed, not yet measured (docs/labelling.md)
TESTS = [EVALUATION_LABELS, *bench_script("fresh_events").FRESH_SETS, *UNMEASURED]  # the measured sets, as the bench has them


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


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (TESTS[1], "test_events2"),
        (TESTS[2], "test_events3"),
        (TESTS[3], "test_events4"),
        (TESTS[4], "test_events5"),
        (TESTS[5], "test_events6"),
        (TESTS[6], "test_events7"),
        (TESTS[7], "test_events8"),
        (TESTS[8], "test_events9"),
    ],
    ids=["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"],
)
def test_the_fresh_test_events_are_absent_from_training(path: Path, name: str) -> None:
    """A fresh set's events are in no training file (it is also measured with --by event, which would leave them out)."""
    training, fresh = read(TRAINING), read(path)
    assert set(fresh["event"]).isdisjoint(training["event"])
    assert set(fresh["set"]) == {name}


def test_the_evaluation_labels_ship_with_the_package() -> None:
    """The dashboard's Accuracy tab reads the bundled evaluation set from the package, found as package data."""
    found = resources.files("analysis").joinpath("data", "evaluation", "labels.csv")
    assert found.is_file() and Path(str(found)) == EVALUATION_LABELS
    labels = load_labels(EVALUATION_LABELS, load_themes(DEFAULT_THEMES_PATH).ids)
    assert set(labels["set"]) == {"seed", "test"}
    assert (labels["set"] == "seed").sum() == 66


def test_the_package_data_patterns_install_the_evaluation_labels() -> None:
    """pyproject.toml's packages and package data name every file under analysis/data, the evaluation set included."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    files = [path.relative_to(ROOT).as_posix() for path in DATA_FOLDER.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    assert "analysis/data/evaluation/labels.csv" in files
    unshipped = []
    for name in files:
        folder, file_name = name.rsplit("/", 1)
        package = folder.replace("/", ".")
        if package not in setuptools["packages"] or not any(
            fnmatch(file_name, glob) for glob in setuptools["package-data"].get(package, [])
        ):
            unshipped.append(name)
    assert unshipped == []
