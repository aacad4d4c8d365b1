"""Plotly figures for the dashboard: a DataFrame from :mod:`analysis.compare` in, a ``go.Figure`` out.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness. Figures are plain JSON-serialisable plotly objects (no kaleido needed).

Plotly renders a subset of HTML (``<a>``, ``<b>``, ``<span>``…) in tick labels, legends, titles and
hover text, so every corpus- or user-derived string passes through :func:`plain` on its way into a
figure, and none is pasted into a hover template (where ``%{…}`` would be read as a field).
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from analysis.compare import FEW_PARAGRAPHS, NO_THEME, SHARE_COLUMNS, UNDATED, require_columns
from analysis.languages import TARGET_LANGUAGES, language_label, language_name, language_order
from analysis.views import paragraph_number
from analysis.wording import counted

# Every chart is drawn on plotly's "plotly_white" template. It is made plotly's default here, once: a
# template named on each figure is deep-copied into it (about 20 ms a chart, at every rerun of a page).
pio.templates.default = "plotly_white"

# The palettes, the only place colours are chosen (the pages and the report take theirs from here too).
# Two families that never meet: languages are blue and vermillion; themes take none of their hues
# (no orange, no blue), so an Arabic bar never looks like a theme and a theme never looks like a language.
# All from Okabe & Ito's and Paul Tol's colour-blind-safe sets.
LANGUAGE_COLORS = {"fa": "#0072B2", "ar": "#D55E00"}
"""Persian blue, Arabic vermillion: bars, lines, words and cards of a language."""
OTHER_COLOR = "#999999"
"""Any other language, and what is not coloured (words that do not pass the line)."""
THEME_PALETTE = ["#009E73", "#CC79A7", "#999933", "#332288", "#882255", "#44AA99"]
"""Themes by position: bluish green, reddish purple, olive, indigo, wine, teal (then again)."""
NO_THEME_COLOR = "#D9D9D9"
SHARE_COLORSCALE = [[0.0, "#F7F7F7"], [1.0, "#3A3A3A"]]
"""Heatmaps of shares and counts: a neutral grey ramp, so no cell looks like a language or a theme."""
FEW_COLOR = "#FFFFFF"
"""A heatmap cell built on too few paragraphs for a share: left white, its count written in it."""
INK_COLOR = "#444444"
"""Whiskers and small text."""
LANGUAGE_ORDER = list(TARGET_LANGUAGES)
FONT_FAMILY = "Vazirmatn, 'Noto Naskh Arabic', 'Noto Sans Arabic', Tahoma, 'Segoe UI', sans-serif"
SNIPPET_LENGTH = 120
SNIPPET_WIDTH = 60  # characters per line of a hover box's snippet
SIGNIFICANT_Z = 1.96
OUTLET_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "pentagon", "star", "hexagon", "cross"]
TITLE_WIDTH = 44
"""Titles wrap at about this many characters (a phone shows about 45)."""
SUBTITLE_WIDTH = 58
LABEL_WIDTH = 22
"""Long tick labels (themes, outlets) wrap at about this many characters."""
FOLD_OUTLETS_AFTER = 20
"""A heatmap of more outlets than this folds the small ones (fewer than FEW_PARAGRAPHS kept paragraphs), per language."""
TIMELINE_LABELLED_PERIODS = 16
"""A timeline with at most this many periods writes the counts beside its points (more only on hover)."""


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


def clicked_point(points: Sequence[Mapping[str, object]]) -> dict[str, object] | None:
    """What the first clicked point of :func:`timeline_chart` counts, if any.

    Returns:
        ``{"theme", "language", "outlet" (None for a language series), "dates" (first and last day of its
        period, as dates)}``.
    """
    for point in points:
        customdata = point.get("customdata")
        if isinstance(customdata, Sequence) and len(customdata) >= 5:
            theme, language, outlet, start, end = (str(value) for value in customdata[:5])
            return {
                "theme": theme,
                "language": language,
                "outlet": outlet or None,
                "dates": (dt.date.fromisoformat(start), dt.date.fromisoformat(end)),
            }
    return None


def language_color(code: str) -> str:
    """The colour of a language ("fa" blue, "ar" vermillion, any other grey)."""
    return LANGUAGE_COLORS.get(code, OTHER_COLOR)


def theme_colors(theme_ids: Sequence[str]) -> dict[str, str]:
    """Fixed colour per theme (by position in ``theme_ids``, cycling), plus grey for ``"none"``."""
    colors = {theme: THEME_PALETTE[index % len(THEME_PALETTE)] for index, theme in enumerate(theme_ids)}
    return {**colors, NO_THEME: NO_THEME_COLOR}


def shares_by_language_chart(shares: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Grouped horizontal bars: per theme, the share of kept paragraphs carrying it in each language.

    Horizontal, so the theme names and the labels stay level and readable at any width (a phone's too).

    Args:
        shares: :func:`analysis.compare.theme_shares` with ``by="language"``.
        labels: display label per theme id (default: the id, underscores as spaces).

    Returns:
        One bar trace per language (Persian, then Arabic, then others), then one text trace per language
        that writes "share (with the theme/kept)" just beyond each whisker (the 95 % Wilson interval).
        Each bar's ``customdata`` is ``[theme, language, with_theme, paragraphs, articles, ci_low %,
        ci_high %, "in N articles"]``: the first two identify the clicked bar.
    """
    title = "Share of kept paragraphs carrying each theme, by language"
    require_columns(shares, ["language", "theme", *SHARE_COLUMNS])
    if shares.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    figure = go.Figure()
    themes = list(dict.fromkeys(shares["theme"]))
    names = {theme: _wrapped(theme_label(theme, labels), 14) for theme in themes}
    languages = language_order(shares["language"])
    for language in languages:
        rows = shares[shares["language"] == language]
        figure.add_bar(
            name=plain(language_label(language)),
            x=rows["share"] * 100,
            y=[names[theme] for theme in rows["theme"]],
            orientation="h",
            offsetgroup=plain(language),
            legendgroup=plain(language),
            error_x={
                "type": "data",
                "symmetric": False,
                "color": INK_COLOR,
                "thickness": 1.2,
                "array": (rows["ci_high"] - rows["share"]) * 100,
                "arrayminus": (rows["share"] - rows["ci_low"]) * 100,
            },
            marker_color=language_color(language),
            customdata=[
                [
                    row.theme,
                    language,
                    int(row.with_theme),
                    int(row.paragraphs),
                    int(row.articles),
                    row.ci_low * 100,
                    row.ci_high * 100,
                    f"in {counted(int(row.articles), 'article')}",
                ]
                for row in rows.itertuples(index=False)
            ],
            hovertemplate=(
                "<b>%{y}</b> · %{fullData.name}<br>%{x:.0f} % of kept paragraphs "
                "(%{customdata[2]} of %{customdata[3]}, %{customdata[7]})"
                "<br>95 % interval: %{customdata[5]:.0f}–%{customdata[6]:.0f} %<extra></extra>"
            ),
        )
    for language in languages:
        rows = shares[shares["language"] == language]
        figure.add_scatter(
            name=plain(language_label(language)),
            x=rows["ci_high"].fillna(rows["share"]) * 100,
            y=[names[theme] for theme in rows["theme"]],
            orientation="h",
            offsetgroup=plain(language),
            legendgroup=plain(language),
            showlegend=False,
            mode="text",
            text=[
                f"  {share * 100:.0f} % ({count}/{total})"
                for share, count, total in zip(rows["share"], rows["with_theme"], rows["paragraphs"], strict=True)
            ],
            textposition="middle right",
            textfont={"size": 12, "color": INK_COLOR},
            cliponaxis=False,
            hoverinfo="skip",
        )
    highest = float(shares["ci_high"].fillna(shares["share"]).max() * 100)
    figure.update_layout(
        barmode="group",
        scattermode="group",
        bargap=0.25,
        height=190 + 34 * len(themes) * len(languages) + 20 * len(themes),
        legend=_legend_on_top(""),
    )
    figure.update_yaxes(title_text="", categoryorder="array", categoryarray=list(names.values()), autorange="reversed")
    end = max(highest, 5) * 1.5  # room for the labels beyond the whiskers
    step = 20 if highest > 40 else 10 if highest > 15 else 5
    figure.update_xaxes(
        title_text="Share of kept paragraphs (%)", ticksuffix=" %", range=[0, end], tickvals=list(range(0, int(min(end, 100)) + 1, step))
    )
    return _styled(figure, title, "Label: share (paragraphs with the theme / kept paragraphs). Whiskers: 95 % interval.", legend=True)


def timeline_chart(timeline: pd.DataFrame, *, theme_ids: Sequence[str] | None = None, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Share of kept paragraphs carrying each theme over time: one panel per theme, one line per language (or outlet).

    Args:
        timeline: :func:`analysis.compare.themes_by_date` (per day or week; per outlet or not). Its undated
            rows are not drawn; the subtitle says how many paragraphs they hold.
        theme_ids: All theme ids, so each theme keeps its colour whatever the selection shows (default:
            the themes of ``timeline``).
        labels: display label per theme id (default: the id, underscores as spaces).

    Returns:
        A figure with one row per theme (its title in the theme's colour, a shared time axis). Lines keep
        their language's colour (outlets: the colour of their language, one marker shape each); whiskers
        show the 95 % Wilson interval; hollow points hold fewer than ``FEW_PARAGRAPHS`` kept paragraphs.
        Each point's ``customdata`` is ``[theme, language, outlet ("" for a language), first day, last day,
        with_theme, paragraphs, articles, ci_low %, ci_high %, period label, caution]``: the first five say
        what was clicked (:func:`clicked_point`).
    """
    period = "week" if "week" in timeline.columns else "date"
    by_outlet = "outlet" in timeline.columns
    require_columns(timeline, [period, "language", "theme", *SHARE_COLUMNS, "few"])
    title = f"Share of kept paragraphs carrying each theme, per {'week' if period == 'week' else 'day'}"
    dated = timeline[timeline[period] != UNDATED]
    undated = timeline[timeline[period] == UNDATED]
    undated_paragraphs = int(
        undated.drop_duplicates([column for column in undated.columns if column in ("language", "outlet")])["paragraphs"].sum()
    )
    undated_note = f" {counted(undated_paragraphs, 'undated paragraph')} not shown (see the table)." if undated_paragraphs else ""
    if dated.empty:
        return _empty_figure(title, "No dated kept paragraphs in this selection." + undated_note)
    themes = list(dict.fromkeys(dated["theme"]))
    colors = theme_colors(list(dict.fromkeys([*(theme_ids or []), *themes])))
    figure = make_subplots(
        rows=len(themes),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.12, 0.3 / len(themes)),
        subplot_titles=[plain(theme_label(theme, labels)) for theme in themes],
    )
    for annotation, theme in zip(figure.layout.annotations, themes, strict=True):
        annotation.update(font={"color": colors[theme], "size": 15}, x=0, xanchor="left")
    keys = ["language", "outlet"] if by_outlet else ["language"]
    series = dated[keys].drop_duplicates()
    series = series.assign(
        _order=series["language"].map({code: index for index, code in enumerate(LANGUAGE_ORDER)}).fillna(len(LANGUAGE_ORDER))
    )
    series = series.sort_values(["_order", *keys], kind="stable")[keys].itertuples(index=False)
    series = [tuple(values) for values in series]
    width = dt.timedelta(days=5 if period == "week" else 0.6)
    shapes: Counter[str] = Counter()
    periods = dated[period].nunique()
    for index, values in enumerate(series):
        language, outlet = values[0], values[1] if by_outlet else ""
        symbol = OUTLET_SYMBOLS[shapes[language] % len(OUTLET_SYMBOLS)] if by_outlet else "circle"
        shapes[language] += 1
        name = plain(f"{outlet} ({language})" if by_outlet else language_label(language))
        offset = width * ((index - (len(series) - 1) / 2) / max(len(series), 1)) if len(series) > 1 else dt.timedelta(0)
        color = language_color(language)
        for row_number, theme in enumerate(themes, start=1):
            rows = dated[(dated["theme"] == theme) & (dated["language"] == language)]
            if by_outlet:
                rows = rows[rows["outlet"] == outlet]
            if rows.empty:
                continue
            starts = pd.to_datetime(rows[period], format="%Y-%m-%d")
            ends = starts + pd.Timedelta(days=6 if period == "week" else 0)
            figure.add_scatter(
                row=row_number,
                col=1,
                name=name,
                legendgroup=name,
                showlegend=row_number == 1,
                x=starts + offset + (pd.Timedelta(days=3) if period == "week" else pd.Timedelta(0)),
                y=rows["share"] * 100,
                mode="lines+markers+text" if periods <= TIMELINE_LABELLED_PERIODS else "lines+markers",
                line={"color": color, "width": 1.5, "dash": "solid" if shapes[language] == 1 else "dot"},
                marker={
                    "color": color,
                    "size": 10,
                    "line": {"width": 2, "color": color},
                    "symbol": [f"{symbol}-open" if few else symbol for few in rows["few"]],
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "color": color,
                    "thickness": 1,
                    "width": 3,
                    "array": (rows["ci_high"] - rows["share"]) * 100,
                    "arrayminus": (rows["share"] - rows["ci_low"]) * 100,
                },
                text=[f"{count}/{total}" for count, total in zip(rows["with_theme"], rows["paragraphs"], strict=True)],
                textposition="middle left" if index < (len(series) - 1) / 2 else "middle right",
                textfont={"size": 10, "color": INK_COLOR},
                customdata=[
                    [
                        theme,
                        language,
                        outlet,
                        start.date().isoformat(),
                        end.date().isoformat(),
                        int(row.with_theme),
                        int(row.paragraphs),
                        int(row.articles),
                        row.ci_low * 100,
                        row.ci_high * 100,
                        _period_label(start, end),
                        f"<br>few paragraphs (fewer than {FEW_PARAGRAPHS}): read with care" if row.few else "",
                    ]
                    for start, end, row in zip(starts, ends, rows.itertuples(index=False), strict=True)
                ],
                hovertemplate=(
                    "<b>%{fullData.name}</b> · %{customdata[10]}<br>%{y:.0f} % of kept paragraphs "
                    "(%{customdata[5]} of %{customdata[6]}, in %{customdata[7]} articles)"
                    "<br>95 % interval: %{customdata[8]:.0f}–%{customdata[9]:.0f} %%{customdata[11]}"
                    "<br>Click to read its paragraphs<extra></extra>"
                ),
            )
    figure.update_yaxes(range=[-5, 105], ticksuffix=" %", title_text="Share", zeroline=False)
    figure.update_xaxes(type="date", tickformat="%-d %b %Y", showticklabels=True)
    if period == "week":  # one tick per week, its label in the middle of the week, where the points are
        figure.update_xaxes(tick0=min(dated[period]), dtick=7 * 24 * 3600 * 1000, ticklabelmode="period", tickformat="week of %-d %b %Y")
    figure.update_xaxes(title_text="Week starting (Monday)" if period == "week" else "Date", row=len(themes), col=1)
    figure.update_layout(
        height=170 + 230 * len(themes),
        legend_title_text="Outlet (language)" if by_outlet else "Language",
        hovermode="closest",
    )
    figure.update_traces(cliponaxis=False)
    unit = "week" if period == "week" else "day"
    subtitle = (
        f"Point: share of the {unit}'s kept paragraphs carrying the theme (label: with the theme/kept); whiskers: 95 % "
        f"interval; hollow: fewer than {FEW_PARAGRAPHS} paragraphs.{undated_note}"
    )
    return _styled(figure, title, subtitle).update_layout(margin={"t": 130})


def outlet_rows(matrix: pd.DataFrame, *, few: int = FEW_PARAGRAPHS, fold_after: int = FOLD_OUTLETS_AFTER) -> pd.DataFrame:
    """The rows of :func:`outlet_heatmap`: outlets by language (Persian, Arabic, others), then most paragraphs first.

    When there are more than ``fold_after`` outlets, those with fewer than ``few`` kept paragraphs are
    folded into one row per language ("12 other Persian outlets") holding their pooled counts; the
    table under the chart keeps every outlet.

    Args:
        matrix: :func:`analysis.compare.outlet_theme_matrix`.

    Returns:
        The matrix's columns in the heatmap's row order (``share`` recomputed for folded rows), plus
        ``outlets``: how many outlets the row holds (1 for an outlet itself).
    """
    require_columns(matrix, ["outlet", "language", "theme", "paragraphs", "with_theme", "share", "articles"])
    rows = matrix.assign(outlets=1)
    sizes = rows.drop_duplicates("outlet").set_index("outlet")["paragraphs"]
    if len(sizes) > fold_after:
        small = rows["outlet"].map(sizes) < few
        folded = (
            rows[small]
            .groupby(["language", "theme"], sort=False)
            .agg(
                paragraphs=("paragraphs", "sum"),
                with_theme=("with_theme", "sum"),
                articles=("articles", "sum"),
                outlets=("outlet", "nunique"),
            )
            .reset_index()
        )
        folded["outlet"] = [
            f"{counted(int(number), f'other {language_name(language)} outlet')} (fewer than {few} paragraphs each)"
            for language, number in zip(folded["language"], folded["outlets"], strict=True)
        ]
        folded["share"] = folded["with_theme"] / folded["paragraphs"]
        rows = pd.concat([rows[~small], folded], ignore_index=True)
    order = {code: index for index, code in enumerate(LANGUAGE_ORDER)}
    first_language = rows["language"].str.split("+").str[0]
    rows = rows.assign(
        _language=first_language.map(order).fillna(len(order)),
        _folded=rows["outlets"] > 1,
        _size=rows["outlet"].map(rows.drop_duplicates("outlet").set_index("outlet")["paragraphs"]),
        _theme=rows["theme"].map({theme: index for index, theme in enumerate(dict.fromkeys(matrix["theme"]))}),
    )
    rows = rows.sort_values(
        ["_language", "language", "_folded", "_size", "outlet", "_theme"], ascending=[True, True, True, False, True, True]
    )
    return rows.drop(columns=["_language", "_folded", "_size", "_theme"]).reset_index(drop=True)


def outlet_heatmap(matrix: pd.DataFrame, *, labels: Mapping[str, str] | None = None, few: int = FEW_PARAGRAPHS) -> go.Figure:
    """Outlet x theme heatmap of the share of kept paragraphs, with counts in the cells.

    Rows follow :func:`outlet_rows` (by language, then size; many small outlets folded), a line between
    languages. A cell whose outlet has fewer than ``few`` kept paragraphs is not painted (a 1/1 is not a
    confident 100 %): it is left white with its count only. The theme names sit on top, so they stay in
    view on a long chart, and the colour bar lies under the chart, so that one outlet or a phone's
    width does not squash it.

    Args:
        matrix: :func:`analysis.compare.outlet_theme_matrix` (tidy).
        labels: display label per theme id (default: the id, underscores as spaces).
        few: outlets with fewer kept paragraphs get counts, not shares.

    Returns:
        Two heatmaps: the shares (``customdata`` ``[with_theme, paragraphs, "N articles"]``), then the
        cells with too few paragraphs (white, counts only).
    """
    title = "Share of each outlet's kept paragraphs carrying each theme"
    require_columns(matrix, ["outlet", "language", "theme", "paragraphs", "with_theme", "share", "articles"])
    if matrix.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    rows = outlet_rows(matrix, few=few)
    outlets = rows.drop_duplicates("outlet")
    themes = list(dict.fromkeys(rows["theme"]))

    def grid(column: str) -> np.ndarray:
        wide = rows.pivot(index="outlet", columns="theme", values=column)
        return wide.reindex(index=outlets["outlet"], columns=themes).to_numpy()

    share, count, total, articles = (grid(name) for name in ("share", "with_theme", "paragraphs", "articles"))
    enough = total >= few
    x = [_wrapped(theme_label(theme, labels), 14) for theme in themes]
    y = [
        f"{_wrapped(outlet, LABEL_WIDTH)}<br>{plain(language)} · {counted(int(size), 'paragraph')}"
        for outlet, language, size in zip(outlets["outlet"], outlets["language"], outlets["paragraphs"], strict=True)
    ]
    article_text = np.vectorize(lambda number: counted(int(number), "article"), otypes=[object])(np.nan_to_num(articles))
    customdata = np.dstack([count, total, article_text]).astype(object)
    figure = go.Figure()
    figure.add_heatmap(
        z=np.where(enough, share * 100, np.nan),
        x=x,
        y=y,
        zmin=0,
        zmax=100,
        colorscale=SHARE_COLORSCALE,
        colorbar={
            "title": {"text": "Share", "side": "right"},
            "ticksuffix": " %",
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 0,
            "yanchor": "bottom",
            "yref": "container",
            "len": 220,
            "lenmode": "pixels",
            "thickness": 12,
        },
        text=[
            [f"{s * 100:.0f} %<br>{int(k)}/{int(n)}" if n >= few else "" for s, k, n in zip(*cells, strict=True)]
            for cells in zip(share, count, total, strict=True)
        ],
        texttemplate="%{text}",
        customdata=customdata,
        hovertemplate=(
            "<b>%{y}</b><br>%{x}: %{z:.0f} % of kept paragraphs<br>"
            "(%{customdata[0]} of %{customdata[1]} paragraphs, %{customdata[2]})<extra></extra>"
        ),
        xgap=2,
        ygap=2,
    )
    if not enough.all():
        figure.add_heatmap(
            z=np.where(enough, np.nan, 0.0),
            x=x,
            y=y,
            zmin=0,
            zmax=1,
            colorscale=[[0.0, FEW_COLOR], [1.0, FEW_COLOR]],
            showscale=False,
            text=[
                [f"{int(k)}/{int(n)}" if n < few else "" for k, n in zip(*cells, strict=True)] for cells in zip(count, total, strict=True)
            ],
            texttemplate="%{text}",
            textfont={"color": INK_COLOR},
            customdata=customdata,
            hovertemplate=(
                f"<b>%{{y}}</b><br>%{{x}}: %{{customdata[0]}} of %{{customdata[1]}} paragraphs (%{{customdata[2]}}): "
                f"too few for a share (fewer than {few})<extra></extra>"
            ),
            xgap=2,
            ygap=2,
        )
    boundaries = np.flatnonzero(outlets["language"].to_numpy()[1:] != outlets["language"].to_numpy()[:-1])
    for boundary in boundaries:
        figure.add_shape(type="line", xref="paper", x0=0, x1=1, y0=boundary + 0.5, y1=boundary + 0.5, line={"color": INK_COLOR, "width": 2})
    figure.update_xaxes(side="top", tickangle=0, showgrid=False)
    figure.update_yaxes(autorange="reversed", showgrid=False)
    figure.update_layout(height=max(330, 200 + 46 * len(outlets)), margin={"b": 80}, plot_bgcolor=FEW_COLOR)
    folded = int((outlets["outlets"] > 1).sum())
    subtitle = "Cell: share (paragraphs with the theme / kept paragraphs of the outlet)."
    if not enough.all():
        subtitle += f" White: fewer than {few} kept paragraphs, too few for a share; the count only."
    if folded:
        subtitle += f" Outlets with fewer than {few} paragraphs are folded into one row per language (the table lists each)."
    return _styled(figure, title, subtitle)


def article_strip_chart(
    strip: pd.DataFrame, *, theme_ids: Sequence[str] | None = None, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """One row per article, its kept paragraphs in reading order coloured by dominant theme.

    Every article of ``strip`` is drawn (the page puts a long chart in a scrolling box). A paragraph is a
    bar one ¶ wide, so the cells stretch with the chart's width: a phone shows the same strip, narrower.

    Args:
        strip: :func:`analysis.compare.article_strip`.
        theme_ids: All theme ids, so each theme keeps its colour whatever the selection shows;
            defaults to the themes present in ``strip``, in order of first appearance.
        labels: display label per theme id (default: the id, underscores as spaces).

    Returns:
        One horizontal bar trace per theme (plus "none", grey). A cell spans its paragraph number in the
        article as a reader counts it (¶ n, from n - 0.5 to n + 0.5, as in every view), so dropped
        paragraphs leave gaps. Each cell's ``customdata`` is ``[paragraph_id, doc_id, dominant_theme,
        article label on one line (escaped)]``; hovering shows the start of the paragraph.
    """
    title = "Themes paragraph by paragraph, per article"
    require_columns(strip, ["doc_id", "outlet", "date", "position", "paragraph_id", "dominant_theme", "text"])
    if strip.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    present = [theme for theme in strip["dominant_theme"] if theme != NO_THEME]
    colors = theme_colors(list(dict.fromkeys([*(theme_ids or []), *present])))
    article_labels = _article_labels(strip)
    hover_labels = _article_labels(strip, one_line=True)
    # Built once for every cell, as NumPy arrays: at 100,000 paragraphs, iterating pandas' Arrow-backed strings
    # and plotly's validation of nested lists took seconds.
    dominant = strip["dominant_theme"].to_numpy(dtype=object)
    customdata = np.empty((len(strip), 4), dtype=object)
    for column, values in enumerate((strip["paragraph_id"], strip["doc_id"], strip["dominant_theme"], hover_labels)):
        customdata[:, column] = values.to_numpy(dtype=object)
    hovertext = np.array(
        [
            f"{paragraph_number(position)} · {_snippet(text)}"
            for position, text in zip(strip["position"].tolist(), strip["text"].tolist(), strict=True)
        ],
        dtype=object,
    )
    figure = go.Figure()
    for theme, color in colors.items():
        chosen = dominant == theme
        if not chosen.any():
            continue
        rows = strip[chosen]
        figure.add_bar(
            name=plain(theme_label(theme, labels)),
            x=np.ones(len(rows)),
            base=rows["position"] + 0.5,
            y=article_labels[rows.index],
            orientation="h",
            width=0.7,
            marker={"color": color, "line": {"width": 1, "color": "#FFFFFF"}},
            customdata=customdata[chosen],
            hovertext=hovertext[chosen],
            hovertemplate="<b>%{customdata[3]}</b> · %{fullData.name}<br>%{hovertext}<extra></extra>",
        )
    last = int(strip["position"].max()) + 1
    figure.update_xaxes(title_text="¶ in the article", tickformat="d", range=[0.5, max(last, 5) + 0.5])
    figure.update_yaxes(title_text="", categoryorder="array", categoryarray=list(dict.fromkeys(article_labels)), autorange="reversed")
    figure.update_layout(
        barmode="overlay",
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"},
        margin={"b": 140},
        height=260 + 40 * article_labels.nunique(),
    )
    return _styled(
        figure,
        title,
        f"{counted(article_labels.nunique(), 'article')}. Each cell is one kept paragraph, coloured by its strongest assigned theme.",
        legend=True,
    )


def distinctive_terms_chart(terms: pd.DataFrame, *, title: str | None = None, language: str | None = None) -> go.Figure:
    """Horizontal bars of the z-scores of distinctive words, strongest at the top, with their counts.

    Each bar is labelled with its counts ("12 vs 3": in the theme's paragraphs vs the other kept
    paragraphs). Bars whose word passes the significance line (``|z| >= 1.96``, the ``significant``
    column, else computed from ``z``) are drawn in the language's colour and marked "✓"; the others
    are grey. When none passes, the figure says so. Each bar's ``customdata`` starts with the word's
    ``key`` (else its ``term``), for :func:`clicked_term`.

    Args:
        terms: :func:`analysis.words.distinctive_terms` (``term``, ``count_theme``, ``count_rest``,
            ``log_odds`` and ``z`` at least).
        title: Figure title, e.g. naming the theme and language.
        language: Language code, for the colour of the significant bars.
    """
    title = title or "Words distinctive of the theme's paragraphs"
    require_columns(terms, ["term", "count_theme", "count_rest", "log_odds", "z"])
    if terms.empty:
        return _empty_figure(title, "No distinctive words: the theme or the other paragraphs have no text here.")
    z = terms["z"].astype(float)
    significant = terms["significant"].astype(bool) if "significant" in terms.columns else z.abs() >= SIGNIFICANT_Z
    color = language_color(language) if language else INK_COLOR
    keys = terms["key"] if "key" in terms.columns else terms["term"]
    articles = terms["articles_theme"] if "articles_theme" in terms.columns else pd.Series("?", index=terms.index)
    variants = terms["variants"] if "variants" in terms.columns else terms["term"]
    labels = [f"{plain(term)} ✓" if passes else plain(term) for term, passes in zip(terms["term"], significant, strict=True)]
    figure = go.Figure(
        go.Bar(
            x=z,
            y=labels,
            orientation="h",
            marker_color=[color if passes else OTHER_COLOR for passes in significant],
            text=[f"{theme} vs {rest}" for theme, rest in zip(terms["count_theme"], terms["count_rest"], strict=True)],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [str(key), int(theme), int(rest), float(odds), str(count), plain(spellings), "passes" if passes else "does not pass"]
                for key, theme, rest, odds, count, spellings, passes in zip(
                    keys, terms["count_theme"], terms["count_rest"], terms["log_odds"], articles, variants, significant, strict=True
                )
            ],
            hovertemplate=(
                "<b>%{y}</b><br>z = %{x:.2f} (log-odds %{customdata[3]:.2f}): %{customdata[6]} the line<br>"
                "%{customdata[1]} times in the theme's paragraphs (%{customdata[4]} articles), %{customdata[2]} in the others<br>"
                "spellings: %{customdata[5]}<extra></extra>"
            ),
        )
    )
    figure.add_vline(
        x=SIGNIFICANT_Z, line_dash="dot", line_color=OTHER_COLOR, annotation_text=f"z = {SIGNIFICANT_Z}", annotation_position="top"
    )
    if (z < 0).any():
        figure.add_vline(x=-SIGNIFICANT_Z, line_dash="dot", line_color=OTHER_COLOR)
    highest = float(max(z.abs().max(), SIGNIFICANT_Z))
    figure.update_xaxes(
        title_text="z-score of weighted log-odds (theme paragraphs vs the others)",
        range=[min(0.0, float(z.min()) * 1.35), highest * 1.35],
    )
    figure.update_yaxes(title_text="Word (✓ passes the line)", autorange="reversed", type="category")
    figure.update_layout(height=160 + 24 * len(terms), showlegend=False)
    passing = int(significant.sum())
    counts = "Beside each bar: times in the theme's paragraphs vs in the others."
    if passing:
        line = f"{counted(passing, 'word')} of {len(terms)} {'passes' if passing == 1 else 'pass'} the line |z| ≥ 1.96 (✓)"
        subtitle = f"{counts}<br>{line}, one word at a time (not corrected for the many words compared)."
    else:
        subtitle = f"{counts}<br>No word passes the line |z| ≥ 1.96: these are the leading words, not established differences."
    return _styled(figure, title, subtitle)


def clicked_term(points: Sequence[Mapping[str, object]]) -> str | None:
    """The key of the first clicked bar of :func:`distinctive_terms_chart`, if any."""
    for point in points:
        customdata = point.get("customdata")
        if isinstance(customdata, Sequence) and not isinstance(customdata, str) and customdata:
            return str(customdata[0])
    return None


def _article_labels(strip: pd.DataFrame, *, one_line: bool = False) -> pd.Series:
    """Unique escaped label per article, numbered when two would share one.

    "outlet<br>date" (the outlet wrapped too, so a phone keeps room for the cells), or "outlet · date" with ``one_line``.
    """
    seen: Counter[str] = Counter()
    labels = {}
    articles = strip[["doc_id", "outlet", "date"]].drop_duplicates("doc_id")
    for doc_id, outlet, date in articles.itertuples(index=False):
        day = plain(date if isinstance(date, str) and date else "undated")
        base = f"{plain(outlet)} · {day}" if one_line else f"{_wrapped(outlet, LABEL_WIDTH)}<br>{day}"
        seen[base] += 1
        labels[doc_id] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return strip["doc_id"].map(labels)


def _period_label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """ "10 Jan 2022", or "week of 10–16 Jan 2022"."""
    day = f"{start.day} {start:%b %Y}"
    if start == end:
        return day
    first = f"{start.day}" if start.month == end.month else f"{start.day} {start:%b}" if start.year == end.year else day
    return f"week of {first}–{end.day} {end:%b %Y}"


def _snippet(text: str) -> str:
    """First characters of a paragraph, escaped with :func:`plain` and wrapped for a hover box."""
    flat = " ".join(str(text).split())
    cut = flat if len(flat) <= SNIPPET_LENGTH else flat[:SNIPPET_LENGTH].rstrip() + "…"
    return "<br>".join(plain(line) for line in _wrap_words(cut, SNIPPET_WIDTH))


def _wrap_words(text: str, width: int) -> list[str]:
    """``textwrap.wrap(text, width)``, the same lines, without its regular expressions in the usual case of
    :func:`_snippet`: words separated by single spaces, no hyphen, no word longer than ``width`` (3-4 times faster,
    which counts for the hover boxes of 100,000 paragraphs; tests/test_charts.py compares the two)."""
    words = text.split(" ")
    if not text or "-" in text or "  " in text or not words[0] or not words[-1] or max(map(len, words)) > width:
        return textwrap.wrap(text, width)
    lines, line = [], words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _styled(figure: go.Figure, title: str, subtitle: str, *, legend: bool = False) -> go.Figure:
    """The common layout; ``title`` may hold corpus or theme text, so it is escaped.

    Title and subtitle are wrapped so that a phone's width (390 px) shows them whole; the top margin
    makes room for them (and for a legend set on top with :func:`_legend_on_top`).
    """
    title_lines = textwrap.wrap(title, TITLE_WIDTH) or [""]
    subtitle_lines = [line for part in subtitle.split("<br>") for line in textwrap.wrap(part, SUBTITLE_WIDTH)]
    top = 24 + 24 * len(title_lines) + 17 * len(subtitle_lines) + (30 if legend else 0)
    figure.update_layout(
        title={
            "text": "<br>".join(plain(line) for line in title_lines),
            "subtitle": {"text": "<br>".join(subtitle_lines)},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 12, "l": 12},
        },
        font={"family": FONT_FAMILY},
        margin={"t": max(top, figure.layout.margin.t or 0), "l": 10, "r": 20},
    )
    return figure


def _legend_on_top(title: str) -> dict[str, object]:
    """A horizontal legend just above the plot, which leaves the plot the whole width on a phone."""
    return {"title_text": title, "orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}


def _wrapped(text: str, width: int) -> str:
    """Escaped text (:func:`plain`) broken into lines of about ``width`` characters, for a tick label."""
    lines = textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(plain(line) for line in lines) or plain(text)


def _empty_figure(title: str, message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _styled(figure, title, "")


VOICE_NAMES = {"outlet": "the outlet's own words", "attributed": "attributed (reported speech)"}
SPEAKERS_SHOWN = 10
"""The speakers chart shows this many speakers per language (the most frequent); the table has them all."""


def voice_shares_chart(voices: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> go.Figure:
    """Per theme and language, the share of kept paragraphs carrying the theme, split by voice (stacked).

    Args:
        voices: :func:`analysis.compare.theme_voices` with ``by="language"``.
        labels: display label per theme id.

    Returns:
        Bars grouped by language (Persian, then Arabic), each stacked: the outlet's own words (solid, in the
        language's colour) under the attributed ones (hatched), so the stack is the theme's whole share. Each
        bar's ``customdata`` is ``[theme, language, voice, with_theme, paragraphs, share of the theme's paragraphs %]``.
    """
    title = "Whose words carry each theme: the outlet's own or reported speech"
    require_columns(voices, ["language", "theme", "voice", "with_theme", "paragraphs", "share", "share_of_theme"])
    if voices.empty:
        return _empty_figure(title, "No kept paragraphs in this selection.")
    figure = go.Figure()
    themes = list(dict.fromkeys(voices["theme"]))
    names = [plain(theme_label(theme, labels)) for theme in themes]
    for language in language_order(voices["language"]):
        base = np.zeros(len(themes))
        for voice in ("outlet", "attributed"):
            rows = voices[(voices["language"] == language) & (voices["voice"] == voice)].set_index("theme").reindex(themes)
            shares = rows["share"].fillna(0).to_numpy(dtype=float) * 100
            figure.add_bar(
                name=plain(f"{language_label(language)}: {VOICE_NAMES[voice]}"),
                x=names,
                y=shares,
                base=base.copy(),
                offsetgroup=language,
                legendgroup=language,
                marker={
                    "color": language_color(language),
                    "pattern": {"shape": "/" if voice == "attributed" else "", "fgcolor": "white", "solidity": 0.45},
                },
                text=[
                    f"{int(k)}/{int(n)}" if k else ""
                    for k, n in zip(rows["with_theme"].fillna(0), rows["paragraphs"].fillna(0), strict=True)
                ],
                textposition="inside",
                customdata=[
                    [theme, language, voice, int(k), int(n), (of * 100 if of == of else 0.0)]
                    for theme, k, n, of in zip(
                        themes, rows["with_theme"].fillna(0), rows["paragraphs"].fillna(0), rows["share_of_theme"], strict=True
                    )
                ],
                hovertemplate=(
                    "<b>%{x}</b> · %{fullData.name}<br>%{y:.0f} % of kept paragraphs (%{customdata[3]} of %{customdata[4]})"
                    "<br>%{customdata[5]:.0f} % of the paragraphs carrying the theme<extra></extra>"
                ),
            )
            base = base + shares
    figure.update_layout(barmode="group", legend_title_text="Language: voice")
    figure.update_xaxes(title_text="Theme", categoryorder="array", categoryarray=names)
    figure.update_yaxes(title_text="Share of kept paragraphs (%)", ticksuffix=" %", rangemode="tozero")
    return _styled(figure, title, "Solid: the outlet's own words; hatched: attributed. Label: paragraphs / kept paragraphs.")


def speakers_chart(
    speakers: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    speaker_labels: Mapping[str, str] | None = None,
    top: int = SPEAKERS_SHOWN,
) -> go.Figure:
    """Theme x speaker: who voices each theme, one panel per language (Persian above Arabic).

    Args:
        speakers: :func:`analysis.compare.theme_speakers` with ``by="language"``.
        labels: display label per theme id.
        speaker_labels: display label per actor id (a raw span is shown as written).
        top: speakers per language, the most frequent over the themes.

    Returns:
        One heatmap per language: a cell holds the attributed paragraphs carrying the theme that the speaker
        voices, and its share of all the theme's paragraphs in that language. Its ``customdata`` is
        ``[paragraphs, share of the theme %, articles]``.
    """
    title = "Who voices each theme (attributed paragraphs), by language"
    require_columns(speakers, ["language", "theme", "speaker", "paragraphs", "articles", "share_of_theme"])
    if speakers.empty:
        return _empty_figure(title, "No attributed paragraph carries these themes in this selection.")
    languages = language_order(speakers["language"])
    themes = list(dict.fromkeys(speakers["theme"]))
    shown = [min(top, speakers.loc[speakers["language"] == code, "speaker"].nunique()) for code in languages]
    figure = make_subplots(
        rows=len(languages),
        cols=1,
        shared_xaxes=True,
        row_heights=[max(count, 1) for count in shown],
        vertical_spacing=0.08,
        subplot_titles=[plain(language_label(code)) for code in languages],
    )
    highest = float(speakers["paragraphs"].max())
    for column, language in enumerate(languages, start=1):
        rows = speakers[speakers["language"] == language]
        order = rows.groupby("speaker", sort=False)["paragraphs"].sum().sort_values(ascending=False, kind="stable").index[:top]

        def grid(values: str, rows: pd.DataFrame = rows, order: pd.Index = order) -> np.ndarray:
            return (
                rows.pivot_table(index="speaker", columns="theme", values=values, aggfunc="sum")
                .reindex(index=order, columns=themes)
                .to_numpy()
            )

        count, share, articles = grid("paragraphs"), grid("share_of_theme"), grid("articles")
        figure.add_trace(
            go.Heatmap(
                z=count,
                x=[plain(theme_label(theme, labels)) for theme in themes],
                y=[plain((speaker_labels or {}).get(speaker, speaker)) for speaker in order],
                zmin=0,
                zmax=highest,
                colorscale=SHARE_COLORSCALE,
                showscale=column == len(languages),
                colorbar={"title": {"text": "Paragraphs"}},
                text=[
                    [f"{int(k)} ({s * 100:.0f} %)" if k == k else "" for k, s in zip(*cells, strict=True)]
                    for cells in zip(count, share, strict=True)
                ],
                texttemplate="%{text}",
                customdata=np.dstack([np.nan_to_num(count), np.nan_to_num(share) * 100, np.nan_to_num(articles)]),
                hovertemplate=(
                    "<b>%{y}</b> · %{x}<br>%{customdata[0]:.0f} attributed paragraphs carrying the theme "
                    "(%{customdata[1]:.0f} % of the theme's paragraphs), %{customdata[2]:.0f} articles<extra></extra>"
                ),
                xgap=2,
                ygap=2,
            ),
            row=column,
            col=1,
        )
        figure.update_yaxes(autorange="reversed", row=column, col=1)
    figure.update_layout(height=220 + 34 * sum(shown))
    return _styled(
        figure, title, f"Cell: paragraphs (share of all the paragraphs carrying the theme). The {top} most frequent speakers per language."
    )
