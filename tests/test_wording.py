from __future__ import annotations

import pytest

from analysis.wording import counted, listed, noun


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 kept paragraphs"), (1, "1 kept paragraph"), (2, "2 kept paragraphs"), (21, "21 kept paragraphs")],
)
def test_counted_takes_the_singular_only_for_one(count: int, expected: str) -> None:
    assert counted(count, "kept paragraph") == expected


def test_irregular_plurals_and_the_noun_alone() -> None:
    assert counted(1, "analysis", "analyses") == "1 analysis"
    assert counted(3, "analysis", "analyses") == "3 analyses"
    assert (noun(1, "article"), noun(5, "article")) == ("article", "articles")


@pytest.mark.parametrize(("items", "expected"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")])
def test_listed_joins_the_last_item_with_and(items: list[str], expected: str) -> None:
    assert listed(items) == expected
