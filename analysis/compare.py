"""Compare how languages and outlets frame each theme, from the scored paragraphs table.

Every function is pure: a scored paragraphs table (one row per input paragraph, see the pipeline)
in, a new DataFrame out. Aggregations count kept paragraphs only. Theme ids are always passed in
explicitly because themes are user-editable.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from analysis.languages import TARGET_LANGUAGES, language_name, other_language
from analysis.wording import counted

NO_THEME = "none"
CONFIDENCE = 0.95
MIN_ARTICLES_FOR_VERDICT = 2
"""A language needs this many articles for the Persian-vs-Arabic test (and enough for p < 0.05 to be reachable)."""
INTERVAL_STEPS = 400
"""The test's interval is found on a grid of gaps from -1 to 1 in steps of 1 / INTERVAL_STEPS (0.25 points)."""
SIGNIFICANCE_LEVEL = 0.05
FEW_PARAGRAPHS = 10
"""A timeline point with fewer kept paragraphs is marked ``few``: one paragraph moves its share by more than 10 points."""
WEEKLY_AFTER_DAYS = 42
"""A corpus whose dates span more than this many days (about six weeks) is shown per week by default."""
UNDATED = "undated"
"""The period of the undated paragraphs' rows in :func:`themes_by_date`."""
PERIODS = ("day", "week")


class SelectionError(ValueError):
    """A view choice that cannot be applied (a date range that ends before it starts, an unknown period); the message says why."""


SHARE_COLUMNS = ["paragraphs", "with_theme", "share", "ci_low", "ci_high", "articles"]
DIFFERENCE_COLUMNS = [
    "theme",
    "language_a",
    "language_b",
    "share_a",
    "share_b",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "articles_a",
    "articles_b",
    "paragraphs_a",
    "paragraphs_b",
    "testable",
    "clear",
    "verdict",
]
TIMELINE_COLUMNS = [*SHARE_COLUMNS, "few"]
STRIP_COLUMNS = [
    "doc_id",
    "outlet",
    "language",
    "date",
    "title",
    "cell",
    "position",
    "paragraph_id",
    "dominant_theme",
    "dominant_score",
    "themes",
    "text",
]
EVIDENCE_COLUMNS = [
    "paragraph_id",
    "doc_id",
    "outlet",
    "language",
    "date",
    "title",
    "url",
    "position",
    "score",
    "text",
]
COUNTERPART_COLUMNS = [
    "paragraph_id",
    "doc_id",
    "outlet",
    "language",
    "date",
    "title",
    "position",
    "similarity",
    "text",
]


def require_columns(table: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise ValueError naming every column of ``columns`` that ``table`` lacks."""
    missing = [column for column in dict.fromkeys(columns) if column not in table.columns]
    if missing:
        raise ValueError(f"The table lacks column(s): {', '.join(missing)}")


def wilson_interval(
    successes: np.ndarray | Sequence[float],
    trials: np.ndarray | Sequence[float],
    confidence: float = CONFIDENCE,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions, element-wise.

    Args:
        successes: Number of successes per group.
        trials: Number of trials per group (0 gives a NaN interval, never a division by zero).
        confidence: Two-sided confidence level.

    Returns:
        ``(low, high)`` arrays of proportions.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    has_trials = n > 0
    safe_n = np.where(has_trials, n, 1.0)
    p = k / safe_n
    denominator = 1 + z**2 / safe_n
    centre = (p + z**2 / (2 * safe_n)) / denominator
    half_width = z / denominator * np.sqrt(p * (1 - p) / safe_n + z**2 / (4 * safe_n**2))
    low = np.where(has_trials, np.clip(centre - half_width, 0.0, 1.0), np.nan)
    high = np.where(has_trials, np.clip(centre + half_width, 0.0, 1.0), np.nan)
    return low, high


def theme_shares(table: pd.DataFrame, theme_ids: Sequence[str], by: str = "language") -> pd.DataFrame:
    """Share of kept paragraphs carrying each theme, per group.

    Args:
        table: Scored paragraphs table.
        theme_ids: Theme ids to report, in display order.
        by: Grouping column, e.g. "language" or "outlet".

    Returns:
        One row per (group, theme), groups sorted, themes in ``theme_ids`` order, with columns
        ``<by>``, ``theme``, ``paragraphs`` (kept paragraphs in the group), ``with_theme``,
        ``share``, ``ci_low``, ``ci_high`` (95 % Wilson interval) and ``articles`` (documents with
        at least one kept paragraph in the group). Groups without kept paragraphs do not appear.
    """
    require_columns(table, ["kept", "doc_id", by, *_has_columns(theme_ids)])
    kept = _kept(table)
    grouped = kept.groupby(by, sort=True)
    counts = grouped[_has_columns(theme_ids)].sum()
    counts.columns = list(theme_ids)
    long = counts.rename_axis(index=by, columns="theme").stack().rename("with_theme").reset_index()
    long["paragraphs"] = long[by].map(grouped.size())
    long["articles"] = long[by].map(grouped["doc_id"].nunique())
    return _with_share_and_interval(long)[[by, "theme", *SHARE_COLUMNS]]


def timeline_period(table: pd.DataFrame) -> str:
    """The default period of a timeline: ``"week"`` when the dated kept paragraphs span more than
    :data:`WEEKLY_AFTER_DAYS` days, else ``"day"``."""
    require_columns(table, ["kept", "date"])
    dates = parsed_dates(_kept(table)).dropna()
    if dates.empty:
        return "day"
    return "week" if (dates.max() - dates.min()).days > WEEKLY_AFTER_DAYS else "day"


def themes_by_date(
    table: pd.DataFrame,
    theme_ids: Sequence[str],
    period: str = "day",
    *,
    by_outlet: bool = False,
    few: int = FEW_PARAGRAPHS,
) -> pd.DataFrame:
    """Share of kept paragraphs carrying each theme per day (or week) and language (and outlet).

    Args:
        table: Scored paragraphs table.
        theme_ids: Theme ids to report, in display order.
        period: ``"day"`` or ``"week"`` (weeks start on Monday and are named by that Monday).
        by_outlet: One series per outlet (within its language) instead of per language.
        few: A point with fewer kept paragraphs than this is marked ``few``.

    Returns:
        One row per (period, language[, outlet], theme) with kept paragraphs, with columns ``date``
        (``YYYY-MM-DD``; named ``week`` when ``period="week"``), ``language``, [``outlet``,] ``theme``,
        ``paragraphs``, ``with_theme``, ``share``, ``ci_low``, ``ci_high`` (95 % Wilson interval),
        ``articles`` and ``few``. Dated rows come first, oldest first; the undated paragraphs are
        counted apart, in rows whose period is ``"undated"``, last.
    """
    if period not in PERIODS:
        raise SelectionError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if few < 1:
        raise ValueError(f"few must be at least 1, got {few}")
    require_columns(table, ["kept", "doc_id", "date", "language", *(["outlet"] if by_outlet else []), *_has_columns(theme_ids)])
    kept = _kept(table)
    dates = parsed_dates(kept)
    if period == "week":
        dates = dates - pd.to_timedelta(dates.dt.weekday, unit="D")
    column = "date" if period == "day" else "week"
    groups = [column, "language", *(["outlet"] if by_outlet else [])]
    labelled = kept.assign(**{column: dates.dt.strftime("%Y-%m-%d").fillna(UNDATED)})
    grouped = labelled.groupby(groups, sort=True)
    counts = grouped[_has_columns(theme_ids)].sum()
    counts.columns = list(theme_ids)
    long = counts.rename_axis(index=groups, columns="theme").stack().rename("with_theme").reset_index()
    keys = pd.MultiIndex.from_frame(long[groups])
    long["paragraphs"] = grouped.size().reindex(keys).to_numpy()
    long["articles"] = grouped["doc_id"].nunique().reindex(keys).to_numpy()
    result = _with_share_and_interval(long)
    result["few"] = result["paragraphs"] < few
    theme_order = {theme: index for index, theme in enumerate(theme_ids)}
    languages = {code: index for index, code in enumerate(TARGET_LANGUAGES)}
    result = result.assign(
        _undated=result[column] == UNDATED,
        _language=result["language"].map(languages).fillna(len(languages)),
        _theme=result["theme"].map(theme_order),
    ).sort_values(["_undated", column, "_language", "language", *groups[2:], "_theme"], kind="stable")
    return result[[*groups, "theme", *TIMELINE_COLUMNS]].reset_index(drop=True)


def undated_counts(table: pd.DataFrame) -> tuple[int, int]:
    """``(articles, kept paragraphs)`` without a readable date: they are not on a timeline."""
    require_columns(table, ["kept", "doc_id", "date"])
    undated = _kept(table)[parsed_dates(_kept(table)).isna()]
    return int(undated["doc_id"].nunique()), len(undated)


def outlet_languages(table: pd.DataFrame) -> pd.Series:
    """Each outlet of a kept paragraph with its languages joined by "+" ("fa", or "ar+fa"), indexed by outlet."""
    require_columns(table, ["kept", "outlet", "language"])
    pairs = _kept(table)[["outlet", "language"]].drop_duplicates().sort_values(["language", "outlet"])  # a few rows
    return pairs.groupby("outlet")["language"].agg("+".join)


def outlet_theme_matrix(table: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Outlet x theme shares and counts, in tidy (long) form.

    Returns:
        :func:`theme_shares` by outlet plus a ``language`` column (the outlet's languages joined
        by "+", usually one), sorted by language, outlet, then theme order.
    """
    require_columns(table, ["language"])
    shares = theme_shares(table, theme_ids, by="outlet")
    shares.insert(1, "language", shares["outlet"].map(outlet_languages(table)))
    theme_order = {theme: index for index, theme in enumerate(theme_ids)}
    return (
        shares.assign(_theme_order=shares["theme"].map(theme_order))
        .sort_values(["language", "outlet", "_theme_order"], kind="stable")
        .drop(columns="_theme_order")
        .reset_index(drop=True)
    )


VOICE_ORDER = ("outlet", "attributed")
UNNAMED_SPEAKER = "(unnamed)"
"""The speaker of an attributed paragraph whose speaker was not found (a quotation alone)."""


def theme_voices(table: pd.DataFrame, theme_ids: Sequence[str], by: str = "language") -> pd.DataFrame:
    """Each theme's share split by voice: the outlet's own words vs attributed (reported) ones.

    Returns:
        One row per (group, theme, voice), voices in :data:`VOICE_ORDER`, with ``paragraphs`` (kept
        paragraphs in the group), ``with_theme`` (those carrying the theme in this voice), ``share``
        (of the group's kept paragraphs: the two voices add up to the theme's share), ``ci_low``,
        ``ci_high`` (95 % Wilson), ``articles`` (articles with such a paragraph), ``theme_paragraphs``
        (paragraphs carrying the theme in the group) and ``share_of_theme`` (this voice's part of them).
    """
    require_columns(table, ["kept", "doc_id", "voice", by, *_has_columns(theme_ids)])
    kept = _kept(table)
    sizes = kept.groupby(by).size()
    rows = []
    for group, paragraphs in kept.groupby(by, sort=True):
        for theme in theme_ids:
            carrying = paragraphs[paragraphs[f"has_{theme}"].astype(bool)]
            for voice in VOICE_ORDER:
                voiced = carrying[carrying["voice"] == voice]
                rows.append(
                    {
                        by: group,
                        "theme": theme,
                        "voice": voice,
                        "paragraphs": int(sizes[group]),
                        "with_theme": len(voiced),
                        "articles": voiced["doc_id"].nunique(),
                        "theme_paragraphs": len(carrying),
                    }
                )
    columns = [by, "theme", "voice", *SHARE_COLUMNS, "theme_paragraphs", "share_of_theme"]
    if not rows:
        return pd.DataFrame(columns=columns)
    result = _with_share_and_interval(pd.DataFrame(rows))
    of_theme = result["theme_paragraphs"].to_numpy(dtype=float)
    result["share_of_theme"] = np.divide(
        result["with_theme"].to_numpy(dtype=float), of_theme, out=np.full_like(of_theme, np.nan), where=of_theme > 0
    )
    return result[columns]


def theme_speakers(table: pd.DataFrame, theme_ids: Sequence[str], by: str = "language") -> pd.DataFrame:
    """Who voices each theme: the attributed paragraphs carrying it, counted per speaker.

    Returns:
        One row per (group, theme, speaker) with at least one paragraph, ``speaker`` an actor id or
        the raw words found (:data:`UNNAMED_SPEAKER` when none), ``paragraphs`` (attributed paragraphs
        carrying the theme with this speaker), ``articles``, ``theme_paragraphs`` (all paragraphs
        carrying the theme in the group, the outlet's own included) and ``share_of_theme``; sorted
        by group, theme order, then most paragraphs first.
    """
    require_columns(table, ["kept", "doc_id", "voice", "speaker", by, *_has_columns(theme_ids)])
    kept = _kept(table)
    rows = []
    for group, paragraphs in kept.groupby(by, sort=True):
        for order, theme in enumerate(theme_ids):
            carrying = paragraphs[paragraphs[f"has_{theme}"].astype(bool)]
            attributed = carrying[carrying["voice"] == "attributed"]
            speakers = attributed["speaker"].fillna("").replace("", UNNAMED_SPEAKER)
            for speaker, voiced in attributed.groupby(speakers, sort=False):
                rows.append(
                    {
                        by: group,
                        "theme": theme,
                        "speaker": speaker,
                        "paragraphs": len(voiced),
                        "articles": voiced["doc_id"].nunique(),
                        "theme_paragraphs": len(carrying),
                        "_order": order,
                    }
                )
    columns = [by, "theme", "speaker", "paragraphs", "articles", "theme_paragraphs", "share_of_theme"]
    if not rows:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(rows)
    result["share_of_theme"] = result["paragraphs"] / result["theme_paragraphs"]
    result = result.sort_values([by, "_order", "paragraphs", "speaker"], ascending=[True, True, False, True], kind="stable")
    return result[columns].reset_index(drop=True)


def language_difference(
    table: pd.DataFrame,
    theme_ids: Sequence[str],
    a: str = "fa",
    b: str = "ar",
    n_resamples: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Per theme, how much more space language ``a`` gives it than language ``b``, and how sure we are.

    Paragraphs of one article are not independent, so the test works on whole articles: one method, a
    permutation test that relabels which articles belong to which language (exactly, over all
    relabellings, when there are no more than ``n_resamples`` of them), gives both the two-sided
    p-value and the 95 % interval. The interval is the set of gaps the same test does not reject (test
    inversion with a shift model, as in Ernst 2004, "Permutation methods: a basis for exact
    inference"), so it leaves out 0 exactly when p < 0.05: the interval and the p-value never disagree.
    When even the most lopsided split of so few articles could not reach p < 0.05 (e.g. 2 and 3
    articles), or a language has a single article, the theme is *not testable*: p-value and interval
    are NaN and the verdict says there are too few articles to test. Shares are pooled over
    paragraphs, as in :func:`theme_shares`.

    Args:
        table: Scored paragraphs table.
        theme_ids: Themes to compare.
        a: First language code.
        b: Second language code.
        n_resamples: Permutations drawn when there are more relabellings than this.
        seed: Random seed; the result is deterministic given it.

    Returns:
        One row per theme with ``DIFFERENCE_COLUMNS``: ``difference`` is ``share_a - share_b``,
        ``testable`` whether there are enough articles to test, ``clear`` whether the difference is
        unlikely to be chance (testable and p < 0.05, so the interval excludes zero), and ``verdict``
        says it in words. When a language has no kept paragraphs the numbers are NaN and the verdict says so.
    """
    if a == b:
        raise ValueError(f"language_difference needs two different languages, got {a!r} twice")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    require_columns(table, ["kept", "doc_id", "language", *_has_columns(theme_ids)])
    kept = _kept(table)
    per_article = kept.groupby(["language", "doc_id"], sort=True)
    paragraphs = per_article.size()
    with_theme = per_article[_has_columns(theme_ids)].sum()
    n_a, k_a = _article_counts(paragraphs, with_theme, a)
    n_b, k_b = _article_counts(paragraphs, with_theme, b)
    result = pd.DataFrame(
        {
            "theme": list(theme_ids),
            "language_a": a,
            "language_b": b,
            "articles_a": len(n_a),
            "articles_b": len(n_b),
            "paragraphs_a": int(n_a.sum()),
            "paragraphs_b": int(n_b.sum()),
        }
    )
    missing = [code for code, counts in ((a, n_a), (b, n_b)) if len(counts) == 0]
    if missing:
        names = " or ".join(language_name(code) for code in missing)
        return result.assign(
            share_a=np.nan,
            share_b=np.nan,
            difference=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            p_value=np.nan,
            testable=False,
            clear=False,
            verdict=f"Cannot compare: no kept {names} paragraphs in this selection.",
        )[DIFFERENCE_COLUMNS]
    share_a = k_a.sum(axis=0) / n_a.sum()
    share_b = k_b.sum(axis=0) / n_b.sum()
    observed = share_a - share_b
    testable = (
        min(len(n_a), len(n_b)) >= MIN_ARTICLES_FOR_VERDICT and _smallest_p_value(len(n_a), len(n_b), n_resamples) < SIGNIFICANCE_LEVEL
    )
    if testable:
        labels, exact = _relabellings(len(n_a) + len(n_b), len(n_a), n_resamples, seed)
        p_value, ci_low, ci_high = _permutation_test(np.concatenate([n_a, n_b]), np.vstack([k_a, k_b]), labels, exact, observed)
    else:
        p_value = ci_low = ci_high = np.full(len(theme_ids), np.nan)
    result = result.assign(
        share_a=share_a,
        share_b=share_b,
        difference=observed,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        testable=testable,
        clear=testable & (p_value < SIGNIFICANCE_LEVEL),
    )
    result["verdict"] = [_verdict(row) for row in result.itertuples(index=False)]
    return result[DIFFERENCE_COLUMNS]


def article_strip(table: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Kept paragraphs in reading order per article, each with its dominant theme.

    Returns:
        ``STRIP_COLUMNS``, sorted by language, outlet, date, article and position. ``cell`` is the
        0-based index of the paragraph among its article's kept paragraphs; ``dominant_theme`` is
        the assigned theme with the highest score, or ``"none"`` (NaN ``dominant_score``).
    """
    require_columns(
        table,
        [
            "kept",
            "doc_id",
            "outlet",
            "language",
            "date",
            "title",
            "position",
            "paragraph_id",
            "themes",
            "text",
            *_has_columns(theme_ids),
            *_score_columns(theme_ids),
        ],
    )
    needed = [column for column in STRIP_COLUMNS if column in table] + [*_has_columns(theme_ids), *_score_columns(theme_ids)]
    kept = _kept(table)[needed].sort_values(["language", "outlet", "date", "doc_id", "position"], kind="stable")  # the
    # columns the strip needs only: sorting a wide table moves every column
    assigned_scores = np.where(
        kept[_has_columns(theme_ids)].to_numpy(dtype=bool),
        kept[_score_columns(theme_ids)].to_numpy(dtype=float),
        -np.inf,
    )
    any_assigned = np.isfinite(assigned_scores).any(axis=1)
    best = assigned_scores.argmax(axis=1)
    best_score = assigned_scores.max(axis=1, initial=-np.inf)
    strip = kept.assign(
        cell=kept.groupby("doc_id").cumcount(),
        dominant_theme=np.where(any_assigned, np.asarray(theme_ids, dtype=object)[best], NO_THEME),
        dominant_score=np.where(any_assigned, best_score, np.nan),
    )
    return strip[STRIP_COLUMNS].reset_index(drop=True)


def strip_pages(strip: pd.DataFrame, per_page: int) -> list[tuple[int, int]]:
    """The article ranges of a strip's pages, 1-based and inclusive, in the strip's order: ``[(1, 200), (201, 400), …]``."""
    articles = strip["doc_id"].nunique() if "doc_id" in strip.columns else 0
    return [(first, min(first + per_page - 1, articles)) for first in range(1, articles + 1, per_page)]


def strip_page(strip: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The rows of a strip's articles ``first`` to ``last`` (1-based, inclusive, in the strip's order)."""
    chosen = pd.unique(strip["doc_id"])[first - 1 : last]
    return strip[strip["doc_id"].isin(chosen)].reset_index(drop=True)


def evidence(
    table: pd.DataFrame,
    theme: str,
    *,
    language: str | None = None,
    outlet: str | None = None,
    date_range: tuple[dt.date, dt.date] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Kept paragraphs carrying ``theme``, strongest score first.

    Args:
        table: Scored paragraphs table.
        theme: Theme id.
        language: Keep only this language (None = all).
        outlet: Keep only this outlet (None = all).
        date_range: Keep only paragraphs dated within these inclusive dates (None = any date, or none).
        limit: At most this many rows (None = all).

    Returns:
        ``EVIDENCE_COLUMNS``; ``score`` is the paragraph's score for the theme.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be non-negative, got {limit}")
    shown = [column for column in EVIDENCE_COLUMNS if column != "score"]
    require_columns(table, ["kept", f"has_{theme}", f"score_{theme}", *shown])
    rows = _kept(table)
    mask = rows[f"has_{theme}"].astype(bool)
    if language is not None:
        mask &= rows["language"] == language
    if outlet is not None:
        mask &= rows["outlet"] == outlet
    if date_range is not None:
        dates = parsed_dates(rows)
        mask &= (dates >= pd.Timestamp(date_range[0])) & (dates <= pd.Timestamp(date_range[1]))
    found = (
        rows[mask]
        .assign(score=rows.loc[mask, f"score_{theme}"].astype(float))
        .sort_values(["score", "paragraph_id"], ascending=[False, True], kind="stable")
    )
    return found[EVIDENCE_COLUMNS].head(limit if limit is not None else len(found)).reset_index(drop=True)


def counterparts(table: pd.DataFrame, vectors: np.ndarray, paragraph_id: str, k: int = 3) -> pd.DataFrame:
    """The ``k`` kept paragraphs in the other language (fa <-> ar) most similar to one paragraph.

    Args:
        table: The full scored paragraphs table the vectors were computed for (not a filtered one).
        vectors: L2-normalised embeddings aligned with ``table[table.kept]`` in table order.
        paragraph_id: The paragraph to match.
        k: Number of counterparts.

    Returns:
        ``COUNTERPART_COLUMNS``, most similar first; ``similarity`` is the cosine similarity.

    Raises:
        ValueError: unknown or dropped paragraph, a language other than fa/ar, misaligned vectors.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    require_columns(table, ["kept", "drop_reason", *(column for column in COUNTERPART_COLUMNS if column != "similarity")])
    kept = _kept(table)
    if len(vectors) != len(kept):
        raise ValueError(
            f"vectors has {len(vectors)} rows but the table has {len(kept)} kept paragraphs; "
            "pass the full table the vectors were computed for"
        )
    match = table[table["paragraph_id"] == paragraph_id]
    if match.empty:
        raise ValueError(f"Unknown paragraph id {paragraph_id!r}")
    if not bool(match["kept"].iloc[0]):
        raise ValueError(
            f"Paragraph {paragraph_id!r} was dropped ({match['drop_reason'].iloc[0] or 'no reason given'}) and has no embedding"
        )
    source_language = match["language"].iloc[0]
    counterpart_language = other_language(source_language)
    if counterpart_language is None:
        raise ValueError(f"Counterparts are defined for Persian (fa) and Arabic (ar) paragraphs; {paragraph_id!r} is {source_language!r}")
    source_row = int(np.flatnonzero(kept["paragraph_id"].to_numpy() == paragraph_id)[0])
    similarity = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors[source_row], dtype=np.float64)
    candidates = kept.assign(similarity=similarity)[kept["language"].to_numpy() == counterpart_language]
    return (
        candidates.sort_values(["similarity", "paragraph_id"], ascending=[False, True], kind="stable")
        .head(k)[COUNTERPART_COLUMNS]
        .reset_index(drop=True)
    )


def filter_table(
    table: pd.DataFrame,
    *,
    languages: Iterable[str] | None = None,
    outlets: Iterable[str] | None = None,
    date_range: tuple[dt.date, dt.date] | None = None,
) -> pd.DataFrame:
    """Apply the sidebar row filters; None means no filter on that field.

    Args:
        table: Scored paragraphs table.
        languages: Language codes to keep.
        outlets: Outlets to keep.
        date_range: Inclusive ``(start, end)`` dates. Rows with an empty or unparsable date are
            kept only when no date filter is set.

    Returns:
        The matching rows, original index preserved (a new frame: under pandas' copy-on-write, changing it never
        changes ``table``, so no eager copy of every column is made: a 100,000-row filter took 40 ms with it, 18 without).

    Raises:
        SelectionError: a date range that ends before it starts.
    """
    mask = pd.Series(True, index=table.index)
    if languages is not None:
        require_columns(table, ["language"])
        mask &= table["language"].isin(list(languages))
    if outlets is not None:
        require_columns(table, ["outlet"])
        mask &= table["outlet"].isin(list(outlets))
    if date_range is not None:
        require_columns(table, ["date"])
        start, end = date_range
        if start > end:
            raise SelectionError(f"date_range starts after it ends: {start} > {end}")
        dates = parsed_dates(table)
        mask &= (dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))
    return table[mask]


def _verdict(row: Any) -> str:
    """Word one row of :func:`language_difference` for non-statisticians (one method: the interval and p agree)."""
    name_a, name_b = language_name(row.language_a), language_name(row.language_b)
    counts = f"{counted(row.articles_a, f'{name_a} article')} and {counted(row.articles_b, f'{name_b} article')}"
    if row.share_a == row.share_b:
        claim = f"{name_a} and {name_b} outlets give this theme the same space ({_percent(row.share_a)} of paragraphs)"
    else:
        lead, high, low = (name_a, row.share_a, row.share_b) if row.share_a > row.share_b else (name_b, row.share_b, row.share_a)
        claim = f"{lead} outlets give this theme more space ({_percent(high)} vs {_percent(low)} of paragraphs)"
    if not row.testable:
        return f"{claim}; too few articles to test whether a gap is more than chance ({counts})."
    interval = f"95 % interval {_points(row.ci_low)} to {_points(row.ci_high)} points"
    if row.clear:
        gap = f"{abs(row.difference) * 100:.0f} points"
        return f"{claim}: a gap of {gap} ({interval}), unlikely to be chance ({_p_text(row.p_value)}; {counts})."
    if row.share_a == row.share_b:
        return f"{claim} ({interval}, {_p_text(row.p_value)}; {counts})."
    return f"{claim}, but the gap could be chance: its {interval} includes 0 ({_p_text(row.p_value)}; {counts})."


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def _points(difference: float) -> str:
    """A gap in percentage points, signed: "+12", "−3", "0"."""
    points = round(difference * 100)
    return "0" if points == 0 else f"+{points}" if points > 0 else f"−{-points}"


def _p_text(p_value: float) -> str:
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.01 else f"p = {p_value:.2f}"


def _article_counts(paragraphs: pd.Series, with_theme: pd.DataFrame, language: str) -> tuple[np.ndarray, np.ndarray]:
    """Kept paragraphs per article (vector) and theme paragraphs per article (articles x themes)."""
    selected = paragraphs.index.get_level_values("language") == language
    return paragraphs[selected].to_numpy(dtype=float), with_theme[selected].to_numpy(dtype=float)


def _smallest_p_value(size_a: int, size_b: int, n_resamples: int) -> float:
    """The smallest p-value the permutation test can give with this many articles, whatever the data.

    Exactly, the observed split is one of C(total, size_a) relabellings (two, with its mirror, when the
    sizes are equal); sampled, p is never below 1 / (n_resamples + 1).
    """
    relabellings = math.comb(size_a + size_b, size_a)
    if relabellings > n_resamples:
        return 1 / (n_resamples + 1)
    return (2 if size_a == size_b else 1) / relabellings


@lru_cache(maxsize=2)
def _relabellings(total: int, size_a: int, n_resamples: int, seed: int) -> tuple[np.ndarray, bool]:
    """Which articles each relabelling puts in language a (relabellings x articles, read-only), and whether they are
    all of them.

    Remembered: they depend on the numbers of articles alone, and a dashboard rerun that keeps them (a threshold, a
    theme, a language back) need not draw them again (``bench/scale.py 100000 --dashboard``).
    """
    if math.comb(total, size_a) <= n_resamples:
        labels = np.zeros((math.comb(total, size_a), total), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(total), size_a)):
            labels[row, list(chosen)] = True
        exact = True
    else:
        labels = np.random.default_rng(seed).permuted(np.tile(np.arange(total) < size_a, (n_resamples, 1)), axis=1)
        exact = False
    labels.flags.writeable = False
    return labels, exact


def _permutation_test(
    n: np.ndarray, k: np.ndarray, labels: np.ndarray, exact: bool, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two-sided p-value and 95 % interval per theme, from one permutation test over articles.

    Articles ``0..size_a-1`` of ``n`` (kept paragraphs per article) and ``k`` (theme paragraphs, articles
    x themes) are language a's. The p-value tests "no gap". The interval holds every gap ``d`` (on a
    grid of 0.25 points) that the same test does not reject at the 5 % level once ``d`` is taken out of
    each language-a paragraph (the shift model): a relabelling's gap is then ``gap - d * c`` with ``c``
    its share of language-a paragraphs in group a minus that in group b (1 for the observed labelling).
    So 0 is outside the interval exactly when p < 0.05.
    """
    size_a = int(labels[0].sum())
    from_a = n * (np.arange(len(n)) < size_a)
    themes = k.shape[1]
    sums_a, sums_b = _group_sums(labels, np.column_stack([k, n, from_a]))  # relabellings x (themes, n, from_a)
    paragraphs_a, paragraphs_b = sums_a[:, themes], sums_b[:, themes]
    gaps = sums_a[:, :themes] / paragraphs_a[:, None] - sums_b[:, :themes] / paragraphs_b[:, None]  # relabellings x themes
    shift = sums_a[:, themes + 1] / paragraphs_a - sums_b[:, themes + 1] / paragraphs_b  # relabellings
    grid = np.arange(-INTERVAL_STEPS, INTERVAL_STEPS + 1) / INTERVAL_STEPS  # gaps from -1 to 1, 0 exactly in the middle

    def p_values(column: np.ndarray, gap: float, deltas: np.ndarray) -> np.ndarray:
        as_extreme = (np.abs(column[:, None] - np.outer(shift, deltas)) >= np.abs(gap - deltas)[None, :] - 1e-12).sum(axis=0)
        return as_extreme / len(labels) if exact else (as_extreme + 1) / (len(labels) + 1)

    p_value, low, high = (np.empty(k.shape[1]) for _ in range(3))
    for theme in range(k.shape[1]):
        p_value[theme] = p_values(gaps[:, theme], observed[theme], np.zeros(1))[0]
        kept = p_values(gaps[:, theme], observed[theme], grid) >= SIGNIFICANCE_LEVEL
        if p_value[theme] >= SIGNIFICANCE_LEVEL:  # 0 is in: the interval spans every gap kept
            accepted = grid[kept]
        else:  # 0 is out: the run of kept gaps around the observed one
            centre = int(np.argmin(np.abs(grid - observed[theme])))
            kept[centre] = True
            edges = np.flatnonzero(~kept)
            left, right = edges[edges < centre], edges[edges > centre]
            accepted = grid[(left.max() + 1 if len(left) else 0) : (right.min() if len(right) else len(grid))]
        low[theme], high[theme] = min(accepted.min(), observed[theme]), max(accepted.max(), observed[theme])
    return p_value, low, high


def _group_sums(labels: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per relabelling (a row of ``labels``), the column sums of ``values`` (articles x columns) over the articles in
    group a and over the others, in float64.

    The values are counts, so every partial sum is a whole number and exact in any order: group b's sums are the
    totals minus group a's, and while the totals stay below 2**24 float32 holds them exactly too, so one float32
    product (a quarter of the memory of two float64 ones, at 15,000 articles and 2,000 relabellings) gives the very
    numbers the float64 products gave. Values that are not whole numbers are summed in float64, both groups apart.
    """
    values = np.asarray(values, dtype=float)
    if not np.array_equal(values, np.round(values)) or (values < 0).any():
        return labels.astype(float) @ values, (~labels).astype(float) @ values
    totals = values.sum(axis=0)
    dtype = np.float32 if totals.max(initial=0.0) < 2**24 else np.float64
    values = values.astype(dtype)
    sums_a = np.empty((len(labels), values.shape[1]))
    for start in range(0, len(labels), _GROUP_ROWS):  # a few rows at a time: no 130 MB copy of the labels at 15,000 articles
        sums_a[start : start + _GROUP_ROWS] = labels[start : start + _GROUP_ROWS].astype(dtype) @ values
    return sums_a, totals - sums_a


_GROUP_ROWS = 128


def _with_share_and_interval(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``share``, ``ci_low`` and ``ci_high`` to a frame with ``with_theme`` and ``paragraphs``."""
    with_theme = counts["with_theme"].to_numpy(dtype=float)
    paragraphs = counts["paragraphs"].to_numpy(dtype=float)
    low, high = wilson_interval(with_theme, paragraphs)
    share = np.divide(with_theme, paragraphs, out=np.full_like(with_theme, np.nan), where=paragraphs > 0)
    return counts.astype({"with_theme": "int64", "paragraphs": "int64", "articles": "int64"}).assign(share=share, ci_low=low, ci_high=high)


def parsed_dates(table: pd.DataFrame) -> pd.Series:
    """The ``date`` column as timestamps (NaT for undated or unreadable dates), each distinct date parsed once."""
    column = table["date"]
    codes, dates = pd.factorize(column, use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(dates, dtype=column.dtype), format="%Y-%m-%d", errors="coerce")
    return pd.Series(parsed.array.take(codes, allow_fill=True), index=table.index, name="date")


def _kept(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["kept"].astype(bool)]


def _has_columns(theme_ids: Sequence[str]) -> list[str]:
    return _theme_columns("has", theme_ids)


def _score_columns(theme_ids: Sequence[str]) -> list[str]:
    return _theme_columns("score", theme_ids)


def _theme_columns(prefix: str, theme_ids: Sequence[str]) -> list[str]:
    if not theme_ids:
        raise ValueError("At least one theme id is required")
    return [f"{prefix}_{theme}" for theme in theme_ids]
