from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import pytest

from analysis import views
from analysis.text import duplicate_of


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "c", "d"],
            "language": ["fa", "fa", "ar", "ar", "fa"],
            "outlet": ["Tasnim", "Tasnim", "RT", "RT", "Fars"],
            "date": ["2022-01-05", "2022-01-05", "2022-01-19", "", "not a date"],
        }
    )


def test_paragraph_number_counts_from_one_like_a_reader() -> None:
    assert views.paragraph_number(0) == "¶ 1"
    assert views.paragraph_number(10) == "¶ 11"


def test_drop_reasons_use_the_same_numbers_as_every_view() -> None:
    assert views.reason_for_reader(duplicate_of(0)) == "duplicate of ¶ 1"
    assert views.reason_for_reader(duplicate_of(12)) == "duplicate of ¶ 13"
    assert views.reason_for_reader("navigation menu") == "navigation menu"


def test_dropped_for_reader_labels_articles_and_numbers() -> None:
    dropped = pd.DataFrame({"outlet": ["RT"], "date": [""], "position": [3], "drop_reason": [duplicate_of(1)]})
    shown = views.dropped_for_reader(dropped).iloc[0]
    assert (shown["article"], shown["number"], shown["drop_reason"]) == ("RT · undated", "¶ 4", "duplicate of ¶ 2")


def test_date_bounds_ignore_undated_rows() -> None:
    assert views.date_bounds(_table()) == (dt.date(2022, 1, 5), dt.date(2022, 1, 19))
    assert views.date_bounds(_table().assign(date="")) is None


@pytest.mark.parametrize(
    ("date_range", "include_undated", "docs"),
    [
        (None, True, ["a", "a", "b", "c", "d"]),
        (None, False, ["a", "a", "b"]),
        ((dt.date(2022, 1, 1), dt.date(2022, 1, 10)), True, ["a", "a", "c", "d"]),
        ((dt.date(2022, 1, 1), dt.date(2022, 1, 10)), False, ["a", "a"]),
    ],
)
def test_select_dates_keeps_undated_rows_unless_excluded(
    date_range: tuple[dt.date, dt.date] | None, include_undated: bool, docs: list[str]
) -> None:
    assert views.select_dates(_table(), date_range, include_undated=include_undated)["doc_id"].tolist() == docs


def test_corpus_facts_are_what_the_filters_and_sliders_offer() -> None:
    table = _table().assign(
        kept=[True, True, True, False, True],
        score_terrorism=[0.2, -1.5, 0.9, float("nan"), 2.1],
        score_limited_mission=float("nan"),
        language=["fa", "ar", "ar", "other", "fa"],
    )
    facts = views.corpus_facts(table, ["terrorism", "limited_mission"])
    assert facts.languages == ["fa", "ar"]
    assert facts.outlet_languages == {"Fars": "fa", "RT": "ar", "Tasnim": "ar+fa"}
    assert facts.outlets_for(["fa"]) == ["Fars", "Tasnim"] and facts.outlets_for(["ar", "fa"]) == ["Fars", "RT", "Tasnim"]
    assert facts.outlets_for([]) == []
    assert facts.dates == (dt.date(2022, 1, 5), dt.date(2022, 1, 19)) and facts.undated
    assert (facts.articles, facts.kept, facts.dropped) == (4, 4, 1)
    assert facts.score_ranges == {"terrorism": (-2, 3), "limited_mission": None}
    assert not views.corpus_facts(table.assign(date="2022-01-05"), []).undated


def test_the_language_and_outlet_filters_keep_the_rows_they_offer_no_choice_for() -> None:
    table = _table().assign(kept=[True, True, True, False, True], language=["fa", "fa", "ar", "other", "fa"])
    facts = views.corpus_facts(table, [])
    assert views.select_languages_outlets(table, facts, ["fa"], ["Fars", "Tasnim"])["doc_id"].tolist() == ["a", "a", "d"]
    english = table.assign(outlet=["Tasnim", "Tasnim", "RT", "unknown", "Fars"])  # c: an English article, every paragraph dropped
    facts = views.corpus_facts(english, [])
    assert views.select_languages_outlets(english, facts, ["fa"], ["Tasnim"])["doc_id"].tolist() == ["a", "a", "c"]
    nothing_kept = table.assign(kept=False)
    assert len(views.select_languages_outlets(nothing_kept, views.corpus_facts(nothing_kept, []), [], [])) == len(table)


def test_select_dates_without_a_date_filter_is_the_table_itself() -> None:
    table = _table()
    assert views.select_dates(table, None, include_undated=True) is table


def test_selection_note_says_which_filter_removes_articles() -> None:
    table = _table().assign(kept=True)
    facts = views.corpus_facts(table, [])
    by_language = table[table["language"] == "fa"]
    selected = views.select_dates(by_language, None, include_undated=False)
    assert views.selection_note(facts, table, table) == ""
    assert views.selection_note(facts, table, table[table["doc_id"] != "b"]) == "Showing 3 of 4 articles: the date filter excludes 1."
    assert views.selection_note(facts, by_language, selected) == (
        "Showing 1 of 4 articles: the language and outlet filters exclude 2; the date filter excludes 1."
    )


def test_selection_note_does_not_blame_the_filters_for_articles_without_a_kept_paragraph() -> None:
    table = _table().assign(kept=[True, True, True, False, False])  # c and d: every paragraph dropped
    facts = views.corpus_facts(table, [])
    assert views.selection_note(facts, table, table) == "Showing 2 of 4 articles: 2 have no kept paragraph (see Dropped paragraphs)."
    by_language = table[table["language"] == "ar"]
    assert views.selection_note(facts, by_language, by_language) == (
        "Showing 1 of 4 articles: 2 have no kept paragraph (see Dropped paragraphs); the language and outlet filters exclude 1."
    )


def test_flagged_kept_lists_kept_paragraphs_with_a_note_or_a_copy() -> None:
    table = pd.DataFrame(
        {
            "kept": [True, True, True, False],
            "note": ["", "Persian paragraph in an Arabic document: counted as Persian", "", "x"],
            "duplicate_of": ["", "", "a:0", ""],
            "outlet": ["A", "B", "C", "D"],
            "date": ["2022-01-05", "", "2022-01-06", ""],
            "position": [0, 3, 1, 2],
            "text": list("wxyz"),
        }
    )
    flagged = views.flagged_kept(table)
    assert flagged["text"].tolist() == ["x", "y"]
    assert flagged["drop_reason"].tolist() == ["Persian paragraph in an Arabic document: counted as Persian", "same text as a:0"]
    assert flagged["number"].tolist() == [views.paragraph_number(3), views.paragraph_number(1)]


def test_an_empty_selection_says_why() -> None:
    table = _table().assign(kept=True)
    reason = partial(views.empty_reason, table, table, languages=["fa", "ar"], outlets=["Tasnim"], date_range=None)
    assert reason(languages=[]) == "Nothing to show: no language is chosen. Choose one in the sidebar's Languages filter."
    assert reason(outlets=[]) == "Nothing to show: no outlet is chosen. Choose one in the sidebar's Outlets filter."
    assert views.empty_reason(table, table.iloc[0:0], languages=["ar"], outlets=["Tasnim"], date_range=None) == (
        "Nothing to show: the chosen outlets have no kept Arabic paragraphs. Choose other outlets or languages."
    )
    assert reason(date_range=(dt.date(2022, 2, 1), dt.date(2022, 2, 3)), include_undated=False) == (
        "Nothing to show: none of the chosen outlets' articles is dated 2022-02-01 to 2022-02-03 and the 2 undated articles "
        "are left out. Widen the dates in the sidebar."
    )
    assert views.empty_reason(table.assign(kept=False), table, languages=["fa"], outlets=["Tasnim"], date_range=None).startswith(
        "No paragraph of this corpus was kept"
    )


def test_python_strings_keep_the_values_and_the_other_columns() -> None:
    table = pd.DataFrame({"text": pd.Series(["نیروها", None], dtype="str"), "kept": [True, False], "score": [0.5, 1.0]})
    held = views.with_python_strings(table)
    assert held["text"].dtype == object and held["text"].tolist()[0] == "نیروها" and pd.isna(held["text"].iloc[1])
    assert held["kept"].dtype == bool and held["score"].dtype == float
    assert table["text"].dtype != object  # the table given is not changed
    assert views.with_python_strings(held) is held  # nothing to convert: the same table
