from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analysis import compare
from analysis.voices import add_voices

THEMES = ["terrorism", "foreign_interference"]
THRESHOLD = 0.5

# (paragraph_id, doc_id, outlet, language, date, position, text, score_terrorism, score_fi, drop_reason)
PARAGRAPHS = [
    ("fa1-0", "fa1", "Tasnim", "fa", "2022-01-10", 0, "پوتین: مأموریت حفاظت از صلح در قزاقستان محدود است", 0.2, 0.1, ""),
    ("fa1-1", "fa1", "Tasnim", "fa", "2022-01-10", 1, "تهدیدات تروریسم بین‌المللی علیه قزاقستان", 0.9, 0.3, ""),
    ("fa1-2", "fa1", "Tasnim", "fa", "2022-01-10", 2, "عکس", None, None, "too_short"),
    ("fa1-3", "fa1", "Tasnim", "fa", "2022-01-10", 3, "دخالت خارجی و انقلاب رنگی", 0.6, 0.8, ""),
    ("fa2-0", "fa2", "Fars", "fa", "2022-01-07", 0, "رئیس جمهور چین: با انقلاب رنگی مخالفیم", 0.1, 0.7, ""),
    ("fa2-1", "fa2", "Fars", "fa", "2022-01-07", 1, "نیروهای حافظ صلح به قزاقستان رسیدند", 0.3, 0.2, ""),
    ("fa2-2", "fa2", "Fars", "fa", "2022-01-07", 2, "گروه‌های تروریستی آموزش‌دیده از خارج", 0.7, 0.6, ""),
    ("ar1-0", "ar1", "RT Arabic", "ar", "2022-01-10", 0, "منظمة معاهدة الأمن الجماعي تدعو إلى العمل ضد الإرهاب", 0.8, 0.1, ""),
    ("ar1-1", "ar1", "RT Arabic", "ar", "2022-01-10", 1, "مهمة قوات حفظ السلام محدودة", 0.2, 0.1, ""),
    ("ar1-2", "ar1", "RT Arabic", "ar", "2022-01-10", 2, "الإرهابيون هاجموا المباني الحكومية", 0.75, 0.2, ""),
    ("ar2-0", "ar2", "Akhbar El-Yom", "ar", "2022-01-06", 0, "رئيس كازاخستان يتعهد بتدابير حاسمة ضد الإرهابيين", 0.9, 0.2, ""),
    ("ar2-1", "ar2", "Akhbar El-Yom", "ar", "2022-01-06", 1, "اقرأ أيضا", None, None, "boilerplate"),
    ("ar2-2", "ar2", "Akhbar El-Yom", "ar", "2022-01-06", 2, "تدخل أجنبي في الأحداث", 0.1, 0.55, ""),
    ("ar3-0", "ar3", "RT Arabic", "ar", "", 0, "الرئيسان الروسي والأوزبكستاني يبحثان الأحداث", 0.2, 0.3, ""),
]


def _table(paragraphs: list[tuple]) -> pd.DataFrame:
    rows = []
    for pid, doc, outlet, language, date, position, text, terrorism, interference, reason in paragraphs:
        kept = reason == ""
        scores = {"terrorism": terrorism if kept else math.nan, "foreign_interference": interference if kept else math.nan}
        flags = {theme: kept and scores[theme] >= THRESHOLD for theme in THEMES}
        rows.append(
            {
                "paragraph_id": pid,
                "doc_id": doc,
                "source": f"{doc}.txt",
                "outlet": outlet,
                "language": language,
                "date": date,
                "url": "",
                "title": f"title {doc}",
                "position": position,
                "text": text,
                "clean_text": text,
                "detected_language": language,
                "kept": kept,
                "drop_reason": reason,
                **{f"score_{theme}": scores[theme] for theme in THEMES},
                **{f"has_{theme}": flags[theme] for theme in THEMES},
                "themes": "|".join(theme for theme in THEMES if flags[theme]),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def table() -> pd.DataFrame:
    return _table(PARAGRAPHS)


def _articles_table(flags_by_language: dict[str, list[list[bool]]]) -> pd.DataFrame:
    """One row per paragraph; each inner list is an article, each flag says whether it carries 'terrorism'."""
    rows = []
    for language, articles in flags_by_language.items():
        for article_number, flags in enumerate(articles):
            doc = f"{language}{article_number}"
            for position, flag in enumerate(flags):
                score = 0.9 if flag else 0.1
                rows.append((f"{doc}-{position}", doc, f"outlet {language}", language, "2022-01-08", position, "متن", score, 0.1, ""))
    return _table(rows)


def test_wilson_interval_matches_hand_computed_values() -> None:
    low, high = compare.wilson_interval([2, 3, 0], [6, 6, 0])
    assert low[0] == pytest.approx(0.0968, abs=1e-4) and high[0] == pytest.approx(0.7000, abs=1e-4)
    assert low[1] == pytest.approx(0.1876, abs=1e-4) and high[1] == pytest.approx(0.8124, abs=1e-4)
    assert math.isnan(low[2]) and math.isnan(high[2])


def test_theme_shares_by_language_counts_kept_paragraphs_only(table: pd.DataFrame) -> None:
    shares = compare.theme_shares(table, THEMES).set_index(["language", "theme"])
    assert list(shares.columns) == ["paragraphs", "with_theme", "share", "ci_low", "ci_high", "articles"]
    arabic_interference = shares.loc[("ar", "foreign_interference")]
    assert arabic_interference["paragraphs"] == 6
    assert arabic_interference["with_theme"] == 1
    assert arabic_interference["articles"] == 3
    assert arabic_interference["share"] == pytest.approx(1 / 6)
    assert arabic_interference["ci_low"] == pytest.approx(0.0301, abs=1e-4)
    assert arabic_interference["ci_high"] == pytest.approx(0.5635, abs=1e-4)
    assert shares.loc[("fa", "terrorism"), "share"] == pytest.approx(0.5)


def test_theme_shares_by_outlet_and_empty_table(table: pd.DataFrame) -> None:
    by_outlet = compare.theme_shares(table, THEMES, by="outlet").set_index(["outlet", "theme"])
    assert by_outlet.loc[("RT Arabic", "terrorism"), ["paragraphs", "with_theme", "articles"]].tolist() == [4, 2, 2]
    empty = compare.theme_shares(table.assign(kept=False), THEMES)
    assert empty.empty
    assert list(empty.columns) == ["language", "theme", "paragraphs", "with_theme", "share", "ci_low", "ci_high", "articles"]


def test_theme_shares_rejects_unknown_theme_and_column(table: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="has_sanctions"):
        compare.theme_shares(table, ["sanctions"])
    with pytest.raises(ValueError, match="country"):
        compare.theme_shares(table, THEMES, by="country")


def test_outlet_theme_matrix_carries_language_and_counts(table: pd.DataFrame) -> None:
    matrix = compare.outlet_theme_matrix(table, THEMES)
    assert matrix["outlet"].drop_duplicates().tolist() == ["Akhbar El-Yom", "RT Arabic", "Fars", "Tasnim"]
    assert matrix["theme"].tolist()[:2] == THEMES
    fars = matrix[matrix["outlet"] == "Fars"].set_index("theme")
    assert fars.loc["foreign_interference", ["language", "with_theme", "paragraphs"]].tolist() == ["fa", 2, 3]


def test_language_difference_clear_gap_is_called_clear() -> None:
    table = _articles_table(
        {
            "fa": [[True, True], [True, False], [True, True], [True, True], [False, True], [True, True]],
            "ar": [[False, False], [False, False], [True, False], [False, False], [False, False], [False, False]],
        }
    )
    row = compare.language_difference(table, ["terrorism"], n_resamples=2000).iloc[0]
    assert row["share_a"] == pytest.approx(10 / 12) and row["share_b"] == pytest.approx(1 / 12)
    assert row["difference"] == pytest.approx(9 / 12)
    assert (row["articles_a"], row["articles_b"]) == (6, 6)
    assert 0 < row["ci_low"] < row["difference"] < row["ci_high"]  # the interval leaves out 0, as p < 0.05 says
    # Exact permutation test over the 924 relabellings: |difference| >= 9/12 needs 10 or 1 theme
    # paragraphs in one group; 3 groups of 6 articles reach 10 (the four 2s plus two of the three 1s)
    # and their 3 complements reach 1.
    assert row["p_value"] == pytest.approx(6 / 924)
    assert row["clear"]
    assert row["verdict"] == (
        "Persian outlets give this theme more space (83 % vs 8 % of paragraphs): a gap of 75 points (95 % interval "
        f"+{round(row['ci_low'] * 100)} to +{round(row['ci_high'] * 100)} points), unlikely to be chance "
        "(p = 0.006; 6 Persian articles and 6 Arabic articles)."
    )


def test_language_difference_sampled_permutations_never_give_zero_p() -> None:
    table = _articles_table({"fa": [[True, True]] * 6, "ar": [[False, False]] * 6})
    first = compare.language_difference(table, ["terrorism"], n_resamples=50, seed=3)
    second = compare.language_difference(table, ["terrorism"], n_resamples=50, seed=3)
    pd.testing.assert_frame_equal(first, second)
    # 924 relabellings > 50 resamples: sampled, so p = (1 + as extreme) / 51, never 0.
    p_value = first["p_value"].iloc[0]
    assert 1 / 51 <= p_value <= 3 / 51
    assert p_value * 51 == pytest.approx(round(p_value * 51))


@pytest.mark.parametrize(
    ("persian", "arabic", "counts"),
    [
        (1, 1, "1 Persian article and 1 Arabic article"),
        (2, 2, "2 Persian articles and 2 Arabic articles"),  # 6 relabellings: p is at least 2/6
        (3, 3, "3 Persian articles and 3 Arabic articles"),  # 20 relabellings: p is at least 2/20
        (1, 30, "1 Persian article and 30 Arabic articles"),  # a single article cannot speak for a language
    ],
)
def test_language_difference_with_too_few_articles_says_so(persian: int, arabic: int, counts: str) -> None:
    table = _articles_table({"fa": [[True]] * persian, "ar": [[False]] * arabic})
    row = compare.language_difference(table, ["terrorism"]).iloc[0]
    assert not row["testable"] and not row["clear"]
    assert math.isnan(row["p_value"]) and math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert row["verdict"] == (
        "Persian outlets give this theme more space (100 % vs 0 % of paragraphs); too few articles to test "
        f"whether a gap is more than chance ({counts})."
    )


def test_language_difference_three_and_four_articles_can_be_tested() -> None:
    table = _articles_table({"fa": [[True]] * 3, "ar": [[False]] * 4})
    row = compare.language_difference(table, ["terrorism"]).iloc[0]
    assert row["testable"] and row["clear"]
    assert row["p_value"] == pytest.approx(1 / 35)  # the observed split is the only one of 35 as extreme
    assert 0 < row["ci_low"] <= 1 <= row["ci_high"]


def test_language_difference_interval_and_p_value_never_disagree() -> None:
    rng = np.random.default_rng(5)
    for _ in range(30):
        articles = {
            language: [list(rng.random(rng.integers(1, 6)) < share) for _ in range(rng.integers(3, 9))]
            for language, share in (("fa", rng.uniform(0.1, 0.9)), ("ar", rng.uniform(0.1, 0.9)))
        }
        for row in compare.language_difference(_articles_table(articles), ["terrorism"], n_resamples=300).itertuples():
            if not row.testable:
                continue
            excludes_zero = row.ci_low > 0 or row.ci_high < 0
            assert excludes_zero == (row.p_value < 0.05) == row.clear, row
            assert row.ci_low <= row.difference <= row.ci_high
            assert ("could be chance" in row.verdict) == (not row.clear)


def test_language_difference_small_gap_with_enough_articles_could_be_chance() -> None:
    table = _articles_table(
        {
            "fa": [[True, False], [False, False], [True, False], [False, True]],
            "ar": [[True, False], [False, False], [False, True], [False, False]],
        }
    )
    row = compare.language_difference(table, ["terrorism"]).iloc[0]
    # Every article has 2 paragraphs and 5 of 16 carry the theme, so any relabelling gives
    # |difference| = |2 k_a - 5| / 8 >= 1/8, the observed value: all 70 are as extreme.
    assert row["p_value"] == pytest.approx(1.0)
    assert not row["clear"]
    assert row["verdict"] == (
        "Persian outlets give this theme more space (38 % vs 25 % of paragraphs), but the gap could be chance: its 95 % interval "
        "−50 to +50 points includes 0 (p = 1.00; 4 Persian articles and 4 Arabic articles)."
    )


def test_language_difference_is_deterministic_and_article_level(table: pd.DataFrame) -> None:
    first = compare.language_difference(table, THEMES, n_resamples=300, seed=7)
    second = compare.language_difference(table, THEMES, n_resamples=300, seed=7)
    pd.testing.assert_frame_equal(first, second)
    interference = first.set_index("theme").loc["foreign_interference"]
    assert interference["share_a"] == pytest.approx(0.5) and interference["share_b"] == pytest.approx(1 / 6)
    assert (interference["articles_a"], interference["articles_b"]) == (2, 3)
    assert interference["verdict"].endswith(
        "too few articles to test whether a gap is more than chance (2 Persian articles and 3 Arabic articles)."
    )


def test_language_difference_without_one_language_says_so(table: pd.DataFrame) -> None:
    persian_only = table[table["language"] == "fa"]
    result = compare.language_difference(persian_only, THEMES)
    assert result["difference"].isna().all()
    assert set(result["verdict"]) == {"Cannot compare: no kept Arabic paragraphs in this selection."}


def test_article_strip_reading_order_and_dominant_theme(table: pd.DataFrame) -> None:
    strip = compare.article_strip(table, THEMES)
    tasnim = strip[strip["doc_id"] == "fa1"]
    assert tasnim["paragraph_id"].tolist() == ["fa1-0", "fa1-1", "fa1-3"]
    assert tasnim["cell"].tolist() == [0, 1, 2]
    assert tasnim["dominant_theme"].tolist() == ["none", "terrorism", "foreign_interference"]
    assert tasnim["dominant_score"].iloc[2] == pytest.approx(0.8)
    assert math.isnan(tasnim["dominant_score"].iloc[0])
    assert strip.loc[strip["paragraph_id"] == "fa2-2", "dominant_theme"].item() == "terrorism"
    assert len(strip) == 12


def test_strip_pages_cover_every_article_once(table: pd.DataFrame) -> None:
    strip = compare.article_strip(table, THEMES)
    order = list(pd.unique(strip["doc_id"]))
    assert len(order) == 5
    pages = compare.strip_pages(strip, 3)
    assert pages == [(1, 3), (4, 5)]
    drawn = [compare.strip_page(strip, first, last) for first, last in pages]
    assert [list(pd.unique(page["doc_id"])) for page in drawn] == [order[:3], order[3:]]
    assert sum(len(page) for page in drawn) == len(strip)  # every paragraph of an article on its page
    assert compare.strip_pages(strip, 10) == [(1, 5)] and compare.strip_pages(strip.iloc[0:0], 10) == []


def test_evidence_strongest_first_with_filters(table: pd.DataFrame) -> None:
    found = compare.evidence(table, "terrorism")
    assert found["paragraph_id"].tolist() == ["ar2-0", "fa1-1", "ar1-0", "ar1-2", "fa2-2", "fa1-3"]
    assert found["score"].is_monotonic_decreasing
    arabic = compare.evidence(table, "terrorism", language="ar", limit=2)
    assert arabic["paragraph_id"].tolist() == ["ar2-0", "ar1-0"]
    assert arabic["text"].iloc[0] == "رئيس كازاخستان يتعهد بتدابير حاسمة ضد الإرهابيين"
    assert compare.evidence(table, "terrorism", outlet="Fars")["paragraph_id"].tolist() == ["fa2-2"]
    with pytest.raises(ValueError, match="score_sanctions"):
        compare.evidence(table, "sanctions")


def test_counterparts_picks_most_similar_paragraphs_in_other_language() -> None:
    table = _table(
        [
            ("p", "d1", "Tasnim", "fa", "", 0, "الف", 0.1, 0.1, ""),
            ("twin", "d1", "Tasnim", "fa", "", 1, "ب", 0.1, 0.1, ""),
            ("gone", "d2", "RT Arabic", "ar", "", 0, "ج", None, None, "boilerplate"),
            ("a1", "d2", "RT Arabic", "ar", "", 1, "د", 0.1, 0.1, ""),
            ("a2", "d2", "RT Arabic", "ar", "", 2, "ه", 0.1, 0.1, ""),
            ("a3", "d3", "Akhbar El-Yom", "ar", "", 0, "و", 0.1, 0.1, ""),
        ]
    )
    vectors = np.array([[1, 0, 0], [1, 0, 0], [0.6, 0.8, 0], [0, 1, 0], [0.8, 0.6, 0]], dtype=np.float32)
    found = compare.counterparts(table, vectors, "p", k=2)
    assert found["paragraph_id"].tolist() == ["a3", "a1"]
    assert found["similarity"].tolist() == pytest.approx([0.8, 0.6])
    assert compare.counterparts(table, vectors, "a2", k=1)["paragraph_id"].tolist() == ["p"]
    with pytest.raises(ValueError, match="Unknown paragraph id 'nope'"):
        compare.counterparts(table, vectors, "nope")
    with pytest.raises(ValueError, match="dropped \\(boilerplate\\)"):
        compare.counterparts(table, vectors, "gone")
    with pytest.raises(ValueError, match="4 rows but the table has 5 kept"):
        compare.counterparts(table, vectors[:4], "p")


def test_filter_table_rows(table: pd.DataFrame) -> None:
    assert set(compare.filter_table(table, languages=["ar"])["language"]) == {"ar"}
    assert set(compare.filter_table(table, outlets=["Fars", "Tasnim"])["doc_id"]) == {"fa1", "fa2"}
    assert compare.filter_table(table, languages=[]).empty
    assert len(compare.filter_table(table)) == len(table)
    dated = compare.filter_table(table, date_range=(dt.date(2022, 1, 7), dt.date(2022, 1, 9)))
    assert set(dated["doc_id"]) == {"fa2"}
    everything_dated = compare.filter_table(table, date_range=(dt.date(2022, 1, 1), dt.date(2022, 1, 31)))
    assert "ar3" not in set(everything_dated["doc_id"])
    with pytest.raises(compare.SelectionError, match="starts after it ends"):
        compare.filter_table(table, date_range=(dt.date(2022, 2, 1), dt.date(2022, 1, 1)))


def test_themes_by_date_counts_each_day_and_language_with_intervals_and_undated_apart(table: pd.DataFrame) -> None:
    timeline = compare.themes_by_date(table, THEMES, few=3)
    assert list(timeline.columns) == [
        "date",
        "language",
        "theme",
        "paragraphs",
        "with_theme",
        "share",
        "ci_low",
        "ci_high",
        "articles",
        "few",
    ]
    terrorism = timeline[timeline["theme"] == "terrorism"]
    assert terrorism[["date", "language", "paragraphs", "with_theme", "articles", "few"]].values.tolist() == [
        ["2022-01-06", "ar", 2, 1, 1, True],
        ["2022-01-07", "fa", 3, 1, 1, False],
        ["2022-01-10", "fa", 3, 2, 1, False],
        ["2022-01-10", "ar", 3, 2, 1, False],
        ["undated", "ar", 1, 0, 1, True],
    ]
    assert timeline["theme"].tolist()[:2] == THEMES
    interference = timeline[timeline["theme"] == "foreign_interference"].set_index(["date", "language"])
    assert interference.loc[("2022-01-07", "fa"), "with_theme"] == 2 and interference.loc[("2022-01-10", "ar"), "with_theme"] == 0
    row = terrorism.iloc[2]
    low, high = compare.wilson_interval([2], [3])
    assert row["share"] == pytest.approx(2 / 3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low[0], high[0]))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.2077, 0.9385), abs=1e-4)


def test_themes_by_date_per_week_and_per_outlet(table: pd.DataFrame) -> None:
    weeks = compare.themes_by_date(table, THEMES, "week")
    terrorism = weeks[weeks["theme"] == "terrorism"]
    assert terrorism[["week", "language", "paragraphs", "with_theme", "articles"]].values.tolist() == [
        ["2022-01-03", "fa", 3, 1, 1],  # Monday 3 January: the Persian article of the 7th
        ["2022-01-03", "ar", 2, 1, 1],
        ["2022-01-10", "fa", 3, 2, 1],
        ["2022-01-10", "ar", 3, 2, 1],
        ["undated", "ar", 1, 0, 1],
    ]
    assert terrorism["few"].all()  # fewer than FEW_PARAGRAPHS (10) kept paragraphs everywhere
    outlets = compare.themes_by_date(table, THEMES, "week", by_outlet=True)
    assert list(outlets.columns[:4]) == ["week", "language", "outlet", "theme"]
    rows = outlets[outlets["theme"] == "foreign_interference"]
    assert rows[["week", "outlet", "paragraphs", "with_theme"]].values.tolist() == [
        ["2022-01-03", "Fars", 3, 2],
        ["2022-01-03", "Akhbar El-Yom", 2, 1],
        ["2022-01-10", "Tasnim", 3, 1],
        ["2022-01-10", "RT Arabic", 3, 0],
        ["undated", "RT Arabic", 1, 0],
    ]
    with pytest.raises(compare.SelectionError, match="period must be one of day, week"):
        compare.themes_by_date(table, THEMES, "month")


def test_timeline_period_turns_weekly_after_six_weeks_and_undated_counts(table: pd.DataFrame) -> None:
    assert compare.timeline_period(table) == "day"
    six_weeks = table.assign(date=table["date"].replace({"2022-01-07": "2022-01-06", "2022-01-10": "2022-02-17"}))
    assert compare.timeline_period(six_weeks) == "day"  # 6 January to 17 February: 42 days
    assert compare.timeline_period(table.assign(date=table["date"].replace("2022-01-10", "2022-02-18"))) == "week"
    assert compare.timeline_period(table.assign(date="")) == "day"
    assert compare.undated_counts(table) == (1, 1)
    assert compare.undated_counts(table.assign(date="")) == (5, 12)


def test_evidence_of_one_day(table: pd.DataFrame) -> None:
    day = (dt.date(2022, 1, 10), dt.date(2022, 1, 10))
    assert compare.evidence(table, "terrorism", date_range=day)["paragraph_id"].tolist() == ["fa1-1", "ar1-0", "ar1-2", "fa1-3"]
    week = (dt.date(2022, 1, 3), dt.date(2022, 1, 9))
    assert compare.evidence(table, "terrorism", language="ar", date_range=week)["paragraph_id"].tolist() == ["ar2-0"]


def test_theme_voices_split_each_share_into_the_outlets_words_and_attributed_ones(table: pd.DataFrame) -> None:
    voiced = compare.theme_voices(add_voices(table), THEMES)
    rows = voiced.set_index(["language", "theme", "voice"])
    # Arabic terrorism: the CSTO and Tokayev (attributed), one paragraph in the outlet's words; 6 kept paragraphs
    assert rows.loc[("ar", "terrorism", "attributed"), ["with_theme", "paragraphs", "theme_paragraphs"]].tolist() == [2, 6, 3]
    assert rows.loc[("ar", "terrorism", "outlet"), "with_theme"] == 1
    assert rows.loc[("fa", "foreign_interference", "attributed"), "share_of_theme"] == pytest.approx(1 / 3)
    # the two voices add up to the theme's share
    shares = compare.theme_shares(table, THEMES).set_index(["language", "theme"])["share"]
    summed = voiced.groupby(["language", "theme"])["share"].sum()
    pd.testing.assert_series_equal(summed.sort_index(), shares.sort_index(), check_names=False)
    assert voiced["voice"].tolist()[:2] == ["outlet", "attributed"]


def test_theme_speakers_count_who_voices_each_theme(table: pd.DataFrame) -> None:
    speakers = compare.theme_speakers(add_voices(table), THEMES)
    arabic = speakers[(speakers["language"] == "ar") & (speakers["theme"] == "terrorism")]
    assert set(arabic["speaker"]) == {"csto", "tokayev"}
    assert arabic["paragraphs"].tolist() == [1, 1]
    assert arabic["share_of_theme"].tolist() == pytest.approx([1 / 3, 1 / 3])
    persian = speakers[speakers["language"] == "fa"]
    assert persian[["theme", "speaker", "paragraphs"]].values.tolist() == [["foreign_interference", "xi_jinping", 1]]


def test_voice_tables_of_an_empty_selection_keep_their_columns(table: pd.DataFrame) -> None:
    empty = add_voices(table).iloc[0:0]
    assert list(compare.theme_voices(empty, THEMES).columns)[:3] == ["language", "theme", "voice"]
    assert list(compare.theme_speakers(empty, THEMES).columns)[:3] == ["language", "theme", "speaker"]


def test_group_sums_give_the_float64_products_bit_for_bit() -> None:
    """The permutation test's one float32 product of counts gives exactly the numbers of the two float64 products."""
    rng = np.random.default_rng(0)
    labels = rng.random((300, 500)) < 0.4
    for values in (rng.integers(0, 40, size=(500, 5)).astype(float), rng.random((500, 3)), np.full((500, 2), 2.0**20)):
        sums_a, sums_b = compare._group_sums(labels, values)
        assert np.array_equal(sums_a, labels.astype(float) @ values) and np.array_equal(sums_b, (~labels).astype(float) @ values)


@pytest.mark.parametrize(
    "dates",
    [
        ["2022-01-05", "", None, "2022-01-05", "5 Jan 2022", "2021-12-31"],
        pd.Series(["2022-01-05", "2022-02-01"], dtype="str"),
        pd.Series([], dtype=object),
        [None, None],
    ],
)
def test_parsed_dates_parse_each_date_once_and_give_what_pandas_gives(dates: object) -> None:
    table = pd.DataFrame({"date": dates})
    expected = pd.to_datetime(table["date"], format="%Y-%m-%d", errors="coerce")
    pd.testing.assert_series_equal(compare.parsed_dates(table), expected)


def test_the_sampled_relabellings_are_drawn_once_per_number_of_articles() -> None:
    from analysis.compare import _relabellings

    labels, exact = _relabellings(40, 15, 200, 0)
    assert not exact and labels.shape == (200, 40) and (labels.sum(axis=1) == 15).all()
    assert _relabellings(40, 15, 200, 0)[0] is labels  # remembered: a rerun with the same numbers draws nothing
    assert not np.array_equal(_relabellings(40, 16, 200, 0)[0], labels)
    with pytest.raises(ValueError):
        labels[0, 0] = not labels[0, 0]  # shared, so read-only
