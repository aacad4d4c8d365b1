"""What the dashboard shows about a selection: paragraph numbers as a reader counts them, and the date filter.

Pure functions over the paragraphs table, so the page (``app.py``) only draws widgets.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.compare import filter_table, outlet_languages, parsed_dates
from analysis.languages import language_name, language_order
from analysis.wording import counted

DUPLICATE_REASON = re.compile(r"\bduplicate of paragraph (\d+)\b")


def paragraph_number(position: int) -> str:
    """A paragraph's number as a reader counts it in its article (1-based): position 0 -> "¶ 1"."""
    return f"¶ {int(position) + 1}"


def reason_for_reader(reason: str) -> str:
    """A drop reason with paragraph positions counted like :func:`paragraph_number`.

    ``"duplicate of paragraph 0"`` (0-based, as in the CSV's ``position`` column) -> ``"duplicate of ¶ 1"``.
    """
    return DUPLICATE_REASON.sub(lambda match: f"duplicate of {paragraph_number(int(match.group(1)))}", reason)


def with_python_strings(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its string columns held as Python objects rather than pandas' Arrow-backed strings.

    Selecting rows of Arrow strings copies their text; of Python objects, pointers only: a boolean
    filter of 100,000 paragraphs takes about a fifth of the time, and the dashboard filters the whole
    table at every rerun. The values are the same.
    """
    text_columns = [column for column in table.columns if pd.api.types.is_string_dtype(table[column]) and table[column].dtype != object]
    return table.astype(dict.fromkeys(text_columns, object)) if text_columns else table


@dataclass(frozen=True)
class CorpusFacts:
    """What the filters and sliders offer, read once from the whole paragraphs table (not at every filter change).

    Attributes:
        languages: the kept paragraphs' languages, Persian and Arabic first.
        outlet_languages: each outlet of a kept paragraph with its languages ("fa", or "fa+ar"), by outlet.
        outlets_by_language: per language, its outlets (sorted).
        dates: the first and last dates, or None when nothing is dated.
        undated: whether some paragraph has no date.
        articles: the number of articles, kept and dropped paragraphs.
        kept_articles: the number of articles with a kept paragraph.
        score_ranges: per theme id, the whole numbers around its scores (a slider's span), or None when it has none.
    """

    languages: list[str]
    outlet_languages: dict[str, str]
    outlets_by_language: dict[str, list[str]]
    dates: tuple[dt.date, dt.date] | None
    undated: bool
    articles: int
    kept_articles: int
    kept: int
    dropped: int
    score_ranges: dict[str, tuple[int, int] | None]

    def outlets_for(self, languages: Sequence[str]) -> list[str]:
        """The outlets with kept paragraphs in any of ``languages``, sorted."""
        return sorted({outlet for language in languages for outlet in self.outlets_by_language.get(language, [])})


def corpus_facts(table: pd.DataFrame, theme_ids: Sequence[str]) -> CorpusFacts:
    """The :class:`CorpusFacts` of a paragraphs table (kept and dropped rows; ``score_<theme>`` columns)."""
    kept = table[table["kept"].astype(bool)]
    outlets = outlet_languages(table).to_dict()
    by_language: dict[str, list[str]] = {}
    for outlet, languages in outlets.items():
        for language in languages.split("+"):
            by_language.setdefault(language, []).append(outlet)  # outlets come sorted
    ranges: dict[str, tuple[int, int] | None] = {}
    for theme in theme_ids:
        scores = table[f"score_{theme}"].dropna() if f"score_{theme}" in table else pd.Series(dtype=float)
        ranges[theme] = (math.floor(scores.min()), math.ceil(scores.max())) if len(scores) else None
    return CorpusFacts(
        languages=language_order(kept["language"]),
        outlet_languages=outlets,
        outlets_by_language=by_language,
        dates=date_bounds(table),
        undated=bool(parsed_dates(table).isna().any()),
        articles=int(table["doc_id"].nunique()),
        kept_articles=int(kept["doc_id"].nunique()),
        kept=len(kept),
        dropped=len(table) - len(kept),
        score_ranges=ranges,
    )


def date_bounds(table: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """The first and last dates of the table, or None when nothing is dated."""
    dates = parsed_dates(table).dropna()
    return (dates.min().date(), dates.max().date()) if len(dates) else None


def select_languages_outlets(table: pd.DataFrame, facts: CorpusFacts, languages: Sequence[str], outlets: Sequence[str]) -> pd.DataFrame:
    """Rows of the chosen languages and outlets, and the rows no filter offers a choice for: the dropped paragraphs of a
    language or an outlet without a kept paragraph (an English article's), which the Dropped paragraphs tab and the
    paragraph table must still list."""
    offered_outlets = facts.outlets_for(facts.languages)
    languages_kept = table["language"].isin(list(languages)) | ~table["language"].isin(facts.languages)
    outlets_kept = table["outlet"].isin(list(outlets)) | ~table["outlet"].isin(offered_outlets)
    return table[languages_kept & outlets_kept]


def select_dates(table: pd.DataFrame, date_range: tuple[dt.date, dt.date] | None, *, include_undated: bool = True) -> pd.DataFrame:
    """Rows dated within ``date_range`` (None: any date), plus the undated rows unless excluded."""
    if date_range is None and include_undated:
        return table  # no date filter: every row (the usual case, at every rerun)
    undated = parsed_dates(table).isna()
    dated = table[~undated]
    if date_range is not None:
        dated = filter_table(dated, date_range=date_range)
    return table[table.index.isin(dated.index) | (undated & include_undated)]


def selection_note(facts: CorpusFacts, before_dates: pd.DataFrame, selected: pd.DataFrame) -> str:
    """Says how many articles are not shown, and why ("" when all are): no kept paragraph, or a filter.

    Args:
        facts: the corpus's :class:`CorpusFacts` (its articles, and those with a kept paragraph).
        before_dates: the rows left by the language and outlet filters (kept and dropped).
        selected: the rows left by every filter, the date filter last.
    """
    shown = _kept_articles(selected)
    if shown == facts.articles:
        return ""
    without_kept, before = facts.articles - facts.kept_articles, _kept_articles(before_dates)
    by_filters, by_dates = facts.kept_articles - before, before - shown
    reasons = [
        *([f"{without_kept} {'has' if without_kept == 1 else 'have'} no kept paragraph (see Dropped paragraphs)"] if without_kept else []),
        *([f"the language and outlet filters exclude {by_filters}"] if by_filters else []),
        *([f"the date filter excludes {by_dates}"] if by_dates else []),
    ]
    return f"Showing {shown} of {counted(facts.articles, 'article')}: {'; '.join(reasons)}."


def _kept_articles(table: pd.DataFrame) -> int:
    """The number of articles with a kept paragraph in ``table``."""
    return int(table.loc[table["kept"].astype(bool), "doc_id"].nunique())


def dropped_for_reader(dropped: pd.DataFrame) -> pd.DataFrame:
    """Dropped paragraphs with what the Dropped view shows: ``article``, the ¶ ``number``, the reason as a reader counts."""
    return dropped.assign(
        article=dropped["outlet"] + " · " + dropped["date"].replace("", "undated"),
        number=dropped["position"].map(paragraph_number),
        drop_reason=dropped["drop_reason"].map(reason_for_reader),
    )


def flagged_kept(table: pd.DataFrame) -> pd.DataFrame:
    """Kept paragraphs with a note or a wire-copy link, with the Dropped view's columns (the flag in ``drop_reason``)."""
    kept = table[table["kept"].astype(bool)]
    notes = kept.get("note", pd.Series("", index=kept.index)).fillna("").astype(str)
    copies = kept.get("duplicate_of", pd.Series("", index=kept.index)).fillna("").astype(str)
    flagged = kept[(notes != "") | (copies != "")]
    flags = [
        "; ".join(part for part in (note, f"same text as {copy}" if copy else "") if part)
        for note, copy in zip(notes[flagged.index], copies[flagged.index], strict=True)
    ]
    return dropped_for_reader(flagged.assign(drop_reason=flags)) if len(flagged) else flagged.assign(article=[], number=[])


def empty_reason(
    table: pd.DataFrame,
    before_dates: pd.DataFrame,
    *,
    languages: list[str],
    outlets: list[str],
    date_range: tuple[dt.date, dt.date] | None,
    include_undated: bool = True,
) -> str:
    """Why a selection holds no kept paragraph, in one sentence for the page.

    Args:
        table: every paragraph of the corpus.
        before_dates: the rows left by the language and outlet filters.
        languages: the chosen language codes.
        outlets: the chosen outlets.
        date_range: the chosen dates (None: any).
        include_undated: whether undated articles are kept.
    """
    if not table["kept"].astype(bool).any():
        return "No paragraph of this corpus was kept: the Dropped paragraphs tab says why each was left out."
    if not languages:
        return "Nothing to show: no language is chosen. Choose one in the sidebar's Languages filter."
    if not outlets:
        return "Nothing to show: no outlet is chosen. Choose one in the sidebar's Outlets filter."
    kept = before_dates[before_dates["kept"].astype(bool)]
    if kept.empty:
        names = " or ".join(language_name(code) for code in languages)
        return f"Nothing to show: the chosen outlets have no kept {names} paragraphs. Choose other outlets or languages."
    undated = parsed_dates(kept).isna()
    reasons = []
    if date_range is not None and (~undated).any():
        start, end = date_range
        reasons.append(f"none of the chosen outlets' articles is dated {start.isoformat()} to {end.isoformat()}")
    if undated.any() and not include_undated:
        reasons.append(
            f"the {counted(int(kept.loc[undated, 'doc_id'].nunique()), 'undated article')} {'is' if kept.loc[undated, 'doc_id'].nunique() == 1 else 'are'} left out"
        )
    reason = " and ".join(reasons) or "the date filter leaves no article"
    return f"Nothing to show: {reason}. Widen the dates in the sidebar."
