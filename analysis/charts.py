"""Plotly figures for the dashboard: a DataFrame from :mod:`analysis.compare` in, a ``go.Figure`` out.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness. Figures are plain JSON-serialisable plotly objects (no kaleido needed).

Plotly renders a subset of HTML (``<a>``, ``<b>``, ``<span>``…) in tick labels, legends, titles and
hover text, so every corpus- or user-derived string passes through :func:`plain` on its way into a
figure, and none is pasted into a hover template (where ``%{…}`` would be read as a field).
"""

from __future__ import annotations

import html
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.compare import NO_THEME, SHARE_COLUMNS, require_columns
from analysis.languages import TARGET_LANGUAGES, language_label
from analysis.views import paragraph_number

LANGUAGE_COLORS = {"fa": "#0072B2", "ar": "#D55E00"}
THEME_PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#000000"]
NO_THEME_COLOR = "#D9D9D9"
OTHER_COLOR = "#999999"
ACCENT_COLOR = "#0072B2"
LANGUAGE_ORDER = list(TARGET_LANGUAGES)
FONT_FAMILY = "Vazirmatn, 'Noto Naskh Arabic', 'Noto Sans Arabic', Tahoma, 'Segoe UI', sans-serif"
SNIPPET_LENGTH = 120
SIGNIFICANT_Z = 1.96


def plain(text: object) -> str:
    """Text for a plotly figure, shown as written: ``<``, ``>`` and ``&`` are escaped, so no tag is rendered.

    >>> plain("<b>Bold</b> & co")
    '&lt;b&gt;Bold&lt;/b&gt; &amp; co'
    """
    return html.escape(str(text), quote=False)


def theme_label(theme: str, labels: Mapping[str, str] | None = None) -> str:
    """Display label of a theme id: its entry in ``labels``, else "foreign_interference" -> "foreign interference"."""
    return (labels or {}).get(theme) or theme.replace("_", " ")


def clicked_bar(points: Sequence[Mapping[str, object]]) -> tuple[str, str] | None:
    """``(theme, language)`` of the first clicked bar of :func:`shares_by_language_chart`, if any.

    Args:
        points: the ``selection.points`` of a plotly selection event (each may carry ``customdata``).
    """
    for point in points:
        customdata = point.get("customdata")
        if isinstance(customdata, Sequence) and len(customdata) >= 2:
            return str(customdata[0]), str(customdata[1])
    return None


def theme_colors(theme_ids: Sequence[str]) -> dict[str, str]:
    """Fixed colour per theme (by position in ``theme_ids``, cycling), plus grey for ``"none"``."""
    colors = {theme: THEME_PALETTE[index % len(THEME_PALETTE)] for index, theme in enumerate(theme_ids)}
    return {**colors, NO_THEME: NO_THEME_COLOR}


def shares_by_language_chart(shares: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Grouped bars: per theme, the share of kept paragraphs carrying it in each language.

    Args:
        shares: :func:`analysis.compare.theme_shares` with ``by="language"``.
        labels: display label per theme id (default: the id, underscores as spaces).

    Returns:
        One bar trace per language (Persian, then Arabic, then others). Whiskers show the 95 %
        Wilson interval. Each bar's ``customdata`` is ``[theme, language, with_theme, paragraphs,
        articles, ci_low %, ci_high %]``: the first two identify the clicked bar.
    """
    title = "Share of kept paragraphs carrying each theme, by language"
    require_columns(shares, ["language", "theme", *SHARE_COLUMNS])
    if shares.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    figure = go.Figure()
    for language in language_order(shares["language"]):
        rows = shares[shares["language"] == language]
        figure.add_bar(
            name=plain(language_label(language)),
            x=[plain(theme_label(theme, labels)) for theme in rows["theme"]],
            y=rows["share"] * 100,
            error_y={
                "type": "data",
                "symmetric": False,
                "color": "#444444",
                "thickness": 1.2,
                "array": (rows["ci_high"] - rows["share"]) * 100,
                "arrayminus": (rows["share"] - rows["ci_low"]) * 100,
            },
            text=[
                f"{share * 100:.0f} % ({count}/{total})"
                for share, count, total in zip(rows["share"], rows["with_theme"], rows["paragraphs"], strict=True)
            ],
            textposition="auto",
            marker_color=LANGUAGE_COLORS.get(language, OTHER_COLOR),
            customdata=[
                [row.theme, language, int(row.with_theme), int(row.paragraphs), int(row.articles), row.ci_low * 100, row.ci_high * 100]
                for row in rows.itertuples(index=False)
            ],
            hovertemplate=(
                "<b>%{x}</b> · %{fullData.name}<br>%{y:.0f} % of kept paragraphs "
                "(%{customdata[2]} of %{customdata[3]}, in %{customdata[4]} articles)"
                "<br>95 % interval: %{customdata[5]:.0f}–%{customdata[6]:.0f} %<extra></extra>"
            ),
        )
    themes = list(dict.fromkeys(plain(theme_label(theme, labels)) for theme in shares["theme"]))
    figure.update_layout(barmode="group", legend_title_text="Language")
    figure.update_xaxes(title_text="Theme", categoryorder="array", categoryarray=themes)
    figure.update_yaxes(title_text="Share of kept paragraphs (%)", ticksuffix=" %", rangemode="tozero")
    return _styled(figure, title, "Label: share (paragraphs with the theme / kept paragraphs). Whiskers: 95 % interval.")


def outlet_heatmap(matrix: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Outlet x theme heatmap of the share of kept paragraphs, with counts in the cells.

    Args:
        matrix: :func:`analysis.compare.outlet_theme_matrix` (tidy; outlets in its row order).
        labels: display label per theme id (default: the id, underscores as spaces).
    """
    title = "Share of each outlet's kept paragraphs carrying each theme"
    require_columns(matrix, ["outlet", "language", "theme", "paragraphs", "with_theme", "share", "articles"])
    if matrix.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    outlets = matrix[["outlet", "language"]].drop_duplicates("outlet")
    themes = list(dict.fromkeys(matrix["theme"]))

    def grid(column: str) -> np.ndarray:
        wide = matrix.pivot(index="outlet", columns="theme", values=column)
        return wide.reindex(index=outlets["outlet"], columns=themes).to_numpy()

    share, count, total, articles = (grid(name) for name in ("share", "with_theme", "paragraphs", "articles"))
    figure = go.Figure(
        go.Heatmap(
            z=share * 100,
            x=[plain(theme_label(theme, labels)) for theme in themes],
            y=[plain(f"{outlet} ({language})") for outlet, language in zip(outlets["outlet"], outlets["language"], strict=True)],
            zmin=0,
            zmax=100,
            colorscale="Blues",
            colorbar={"title": {"text": "Share"}, "ticksuffix": " %"},
            text=[
                [f"{s * 100:.0f} %<br>{int(k)}/{int(n)}" for s, k, n in zip(*cells, strict=True)]
                for cells in zip(share, count, total, strict=True)
            ],
            texttemplate="%{text}",
            customdata=np.dstack([count, total, articles]),
            hovertemplate=(
                "<b>%{y}</b><br>%{x}: %{z:.0f} % of kept paragraphs<br>"
                "(%{customdata[0]} of %{customdata[1]} paragraphs, %{customdata[2]} articles)<extra></extra>"
            ),
            xgap=2,
            ygap=2,
        )
    )
    figure.update_xaxes(title_text="Theme")
    figure.update_yaxes(title_text="Outlet (language)", autorange="reversed")
    figure.update_layout(height=160 + 45 * len(outlets))
    return _styled(figure, title, "Cell: share (paragraphs with the theme / kept paragraphs of the outlet).")


def article_strip_chart(
    strip: pd.DataFrame, *, theme_ids: Sequence[str] | None = None, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """One row per article, its kept paragraphs in reading order coloured by dominant theme.

    Args:
        strip: :func:`analysis.compare.article_strip`.
        theme_ids: All theme ids, so each theme keeps its colour whatever the selection shows;
            defaults to the themes present in ``strip``, in order of first appearance.
        labels: display label per theme id (default: the id, underscores as spaces).

    Returns:
        One marker trace per theme (plus "none", grey). A cell's x is its paragraph number in the
        article as a reader counts it (¶, as in every view), so dropped paragraphs leave gaps. Each
        cell's ``customdata`` is ``[paragraph_id, doc_id, dominant_theme]``; hovering shows the start
        of the paragraph.
    """
    title = "Themes paragraph by paragraph, per article"
    require_columns(strip, ["doc_id", "outlet", "date", "position", "paragraph_id", "dominant_theme", "text"])
    if strip.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    present = [theme for theme in strip["dominant_theme"] if theme != NO_THEME]
    colors = theme_colors(list(dict.fromkeys([*(theme_ids or []), *present])))
    article_labels = _article_labels(strip)
    figure = go.Figure()
    for theme, color in colors.items():
        rows = strip[strip["dominant_theme"] == theme]
        if rows.empty:
            continue
        figure.add_scatter(
            name=plain(theme_label(theme, labels)),
            x=rows["position"] + 1,
            y=article_labels[rows.index],
            mode="markers",
            marker={"symbol": "square", "size": 16, "color": color, "line": {"width": 1, "color": "#FFFFFF"}},
            customdata=rows[["paragraph_id", "doc_id", "dominant_theme"]].to_numpy().tolist(),
            hovertext=[
                f"{paragraph_number(position)} · {_snippet(text)}" for position, text in zip(rows["position"], rows["text"], strict=True)
            ],
            hovertemplate="<b>%{y}</b> · %{fullData.name}<br>%{hovertext}<extra></extra>",
        )
    figure.update_xaxes(title_text="Paragraph of the article (¶; gaps are dropped paragraphs)", tickformat="d", rangemode="tozero")
    figure.update_yaxes(
        title_text="Article (outlet · date)",
        categoryorder="array",
        categoryarray=list(dict.fromkeys(article_labels)),
        autorange="reversed",
    )
    figure.update_layout(legend_title_text="Dominant theme", height=160 + 30 * article_labels.nunique())
    return _styled(figure, title, "Each square is one kept paragraph, coloured by its strongest assigned theme.")


def distinctive_terms_chart(terms: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Horizontal bars of the z-scores of distinctive terms, strongest at the top.

    Args:
        terms: :func:`analysis.compare.distinctive_terms`.
        title: Figure title, e.g. naming the theme and language.
    """
    title = title or "Words distinctive of the theme's paragraphs"
    require_columns(terms, ["term", "count_theme", "count_rest", "log_odds", "z"])
    if terms.empty:
        return _empty_figure(title, "No distinctive terms: the theme or the other paragraphs have no text here.")
    figure = go.Figure(
        go.Bar(
            x=terms["z"],
            y=[plain(term) for term in terms["term"]],
            orientation="h",
            marker_color=[ACCENT_COLOR if z >= 0 else OTHER_COLOR for z in terms["z"]],
            customdata=terms[["count_theme", "count_rest", "log_odds"]].to_numpy().tolist(),
            hovertemplate=(
                "<b>%{y}</b><br>z = %{x:.2f} (log-odds %{customdata[2]:.2f})<br>"
                "%{customdata[0]} times in the theme's paragraphs, %{customdata[1]} in the others<extra></extra>"
            ),
        )
    )
    figure.add_vline(
        x=SIGNIFICANT_Z, line_dash="dot", line_color=OTHER_COLOR, annotation_text=f"z = {SIGNIFICANT_Z}", annotation_position="top"
    )
    figure.update_xaxes(title_text="z-score of weighted log-odds (theme paragraphs vs the others)")
    figure.update_yaxes(title_text="Term", autorange="reversed", type="category")
    figure.update_layout(height=160 + 24 * len(terms), showlegend=False)
    return _styled(figure, title, "Counts over kept paragraphs of one language; |z| above 1.96 is notable.")


def language_order(languages: Iterable[str]) -> list[str]:
    """The distinct languages, Persian and Arabic first, then the others alphabetically."""
    present = list(dict.fromkeys(languages))
    return [code for code in LANGUAGE_ORDER if code in present] + sorted(set(present) - set(LANGUAGE_ORDER))


def _article_labels(strip: pd.DataFrame) -> pd.Series:
    """Unique "outlet · date" label per article, numbered when two articles would share one."""
    seen: Counter[str] = Counter()
    labels = {}
    articles = strip[["doc_id", "outlet", "date"]].drop_duplicates("doc_id")
    for doc_id, outlet, date in articles.itertuples(index=False):
        base = plain(f"{outlet} · {date if isinstance(date, str) and date else 'undated'}")
        seen[base] += 1
        labels[doc_id] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return strip["doc_id"].map(labels)


def _snippet(text: str) -> str:
    """First characters of a paragraph, escaped with :func:`plain` and wrapped for a hover box."""
    flat = " ".join(str(text).split())
    cut = flat if len(flat) <= SNIPPET_LENGTH else flat[:SNIPPET_LENGTH].rstrip() + "…"
    return "<br>".join(plain(line) for line in textwrap.wrap(cut, 60))


def _styled(figure: go.Figure, title: str, subtitle: str) -> go.Figure:
    """The common layout; ``title`` may hold corpus or theme text, so it is escaped."""
    figure.update_layout(
        title={"text": plain(title), "subtitle": {"text": subtitle}},
        template="plotly_white",
        font={"family": FONT_FAMILY},
        margin={"t": 90},
    )
    return figure


def _empty_figure(title: str, message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _styled(figure, title, "")
