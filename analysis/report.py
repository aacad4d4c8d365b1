"""One self-contained HTML report of an analysis: opens offline, in any browser, and can be shared as one file.

:func:`build_report` is pure: a scored paragraphs table (the selection to report), the themes and the run
metadata in, an HTML string out. Plotly's JavaScript is inlined once (no ``<script src>``, no fetch), the
figures come from :mod:`analysis.charts` and the paragraphs from :mod:`analysis.html`, which escape every
corpus-derived string; Persian and Arabic text is laid out right-to-left (``dir="rtl"`` with its ``lang``).
The accuracy figures are those of an :class:`~analysis.evaluate.Evaluation` passed in; without one the
report says where the figures come from (``framing evaluate``) instead of quoting any.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from analysis import charts, compare
from analysis.evaluate import HELD_OUT_SET, Evaluation, trust_summary
from analysis.fresh_events import fresh_summary
from analysis.html import paragraph_card, paragraphs_table_html
from analysis.languages import language_label, language_order
from analysis.themes import ThemeSet, themes_to_toml
from analysis.wording import counted

EVIDENCE_PER_GROUP = 5
"""Evidence paragraphs shown per theme and language, strongest first."""
CHART_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}
ACCURACY_CAVEAT = (
    "These figures compare the theme assignment with paragraphs labelled by people. They hold for text like the "
    "labelled paragraphs: on an event unlike the ones the themes learnt from, expect lower agreement until paragraphs "
    "of that event are marked (the dashboard's Teach tab). A share in this report is an estimate: read the evidence "
    "paragraphs behind any gap before reporting it. The README's Accuracy section gives the figures measured on "
    "held-out events and how to reproduce them (`framing evaluate LABELS.csv --by event`)."
)
NO_EVALUATION = (
    "No accuracy figure was computed for this report. Measure the themes with `framing evaluate LABELS.csv` "
    "(or `framing report --accuracy LABELS.csv`, or the dashboard's Accuracy tab); the README's Accuracy section "
    "lists the figures measured on the bundled labelled paragraphs and on held-out events."
)
STYLE = """
body { font-family: system-ui, 'Segoe UI', sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 2rem 4rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #eee; padding-bottom: .3rem; } h3 { margin-top: 1.6rem; }
.note { color: #555; font-size: .9rem; } .caveat { background: #fff8e1; border-left: 4px solid #E69F00; padding: .6rem 1rem; }
.card { border: 1px solid #e6e6e6; border-radius: 6px; padding: .6rem .9rem; margin: .5rem 0; }
td, th { unicode-bidi: plaintext; } pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .8rem; }
dl.stamp { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dl.stamp dt { font-weight: 600; }
dl.stamp dd { margin: 0; unicode-bidi: plaintext; }
"""


# Headings of the share tables (overview, outlets, timeline), after their grouping columns.
SHARE_HEADINGS = {
    "theme": "Theme",
    "paragraphs": "Kept paragraphs",
    "with_theme": "With the theme",
    "share": "Share",
    "ci_low": "95 % low",
    "ci_high": "95 % high",
    "articles": "Articles",
}


def build_report(
    table: pd.DataFrame,
    themes: ThemeSet,
    metadata: Mapping[str, object],
    *,
    theme_ids: Sequence[str] | None = None,
    evaluation: Evaluation | None = None,
    evaluation_source: str = "",
    evidence_per_group: int = EVIDENCE_PER_GROUP,
    title: str = "Framing report: Persian- vs Arabic-language coverage",
) -> str:
    """The report of an analysis as one self-contained HTML document.

    Args:
        table: the scored, assigned paragraphs table of the selection to report (kept and dropped rows).
        themes: the themes (with the thresholds used); written out in full as the themes file.
        metadata: the run metadata stamp (``run.json``, or the dashboard's, with ``corpus`` and ``filters``).
        theme_ids: the themes to report (default: all of ``themes``).
        evaluation: accuracy of the themes against labelled paragraphs; without it the report says where
            the figures come from instead.
        evaluation_source: what ``evaluation`` was measured on (a file name), said beside the figures.
        evidence_per_group: at most this many evidence paragraphs per theme and language.
        title: the document's title (escaped).

    Returns:
        An HTML document with plotly's JavaScript inlined once and no external resource.
    """
    ids = list(theme_ids if theme_ids is not None else themes.ids)
    labels = {theme.id: theme.label for theme in themes.themes}
    figures: list[go.Figure] = []
    sections = [
        _corpus_section(table, metadata),
        _overview_section(table, ids, labels, figures),
        _timeline_section(table, ids, themes.ids, labels, figures),
        _evidence_section(table, ids, labels, evidence_per_group),
        _accuracy_section(evaluation, evaluation_source, labels),
        _themes_section(themes, str(metadata.get("themes_hash") or themes.digest())),
        _stamp_section(metadata),
    ]
    body = "\n".join(sections)
    for index, figure in enumerate(figures):
        body = body.replace(_chart_slot(index), _figure_html(figure, index))
    return (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n</head>\n<body>\n'
        f"<h1>{escape(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def _corpus_section(table: pd.DataFrame, metadata: Mapping[str, object]) -> str:
    kept = table[table["kept"].astype(bool)]
    inputs = metadata.get("inputs")
    filters = metadata.get("filters")
    rows = {
        "Corpus": metadata.get("corpus") or (", ".join(map(str, inputs)) if isinstance(inputs, list) else ""),
        "In the corpus": (
            f"{counted(int(metadata.get('documents', 0)), 'article')}, {counted(int(metadata.get('paragraphs', 0)), 'paragraph')} "  # type: ignore[call-overload]
            f"({metadata.get('kept', '?')} kept, {metadata.get('dropped', '?')} dropped)"
        ),
        "In this report": (
            f"{counted(kept['doc_id'].nunique(), 'article')}, {counted(len(kept), 'kept paragraph')}, "
            f"{counted(kept['outlet'].nunique(), 'outlet')}"
        ),
        "Filters": _describe_filters(filters),
        "Created": metadata.get("created", ""),
        "Model": metadata.get("model", ""),
    }
    per_language = (
        kept.groupby("language")
        .agg(articles=("doc_id", "nunique"), paragraphs=("paragraph_id", "size"), outlets=("outlet", "nunique"))
        .reset_index()
        .assign(language=lambda frame: frame["language"].map(language_label))
    )
    return (
        '<section id="corpus"><h2>The corpus and the filters</h2>'
        + _definition_list(rows)
        + _table(per_language, {"language": "Language", "articles": "Articles", "paragraphs": "Kept paragraphs", "outlets": "Outlets"})
        + "</section>"
    )


def _overview_section(table: pd.DataFrame, ids: list[str], labels: Mapping[str, str], figures: list[go.Figure]) -> str:
    shares = compare.theme_shares(table, ids, by="language")
    difference = compare.language_difference(table, ids)
    matrix = compare.outlet_theme_matrix(table, ids)
    strip = compare.article_strip(table, ids)
    verdicts = "".join(
        f"<li><b>{escape(charts.theme_label(row.theme, labels))}</b>: {escape(str(row.verdict))}</li>"
        for row in difference.itertuples(index=False)
    )
    return (
        '<section id="overview"><h2>Overview</h2>'
        "<h3>How much space each theme gets, Persian vs Arabic</h3>"
        + _chart(charts.shares_by_language_chart(shares, labels=labels), figures)
        + _note(
            "Of all kept paragraphs in a language, the share that carries the theme (a paragraph may carry several themes, "
            "or none). Whiskers: 95 % Wilson intervals."
        )
        + _table(_readable(shares, labels), {"language": "Language", **SHARE_HEADINGS})
        + "<h3>Is the gap between Persian and Arabic outlets more than chance?</h3>"
        + _note(
            "One permutation test over whole articles (paragraphs of one article are not independent) gives the p-value and the "
            "95 % interval of the gap, so the interval leaves out 0 exactly when p < 0.05; with too few articles no gap could pass."
        )
        + f"<ul>{verdicts}</ul>"
        + _table(
            _readable(difference, labels),
            {
                "theme": "Theme",
                "share_a": "Persian share",
                "share_b": "Arabic share",
                "difference": "Difference",
                "ci_low": "95 % low",
                "ci_high": "95 % high",
                "p_value": "p",
                "articles_a": "Persian articles",
                "articles_b": "Arabic articles",
            },
        )
        + "<h3>Outlet by outlet</h3>"
        + _chart(charts.outlet_heatmap(matrix, labels=labels), figures)
        + _table(_readable(matrix, labels), {"outlet": "Outlet", "language": "Language", **SHARE_HEADINGS})
        + "<h3>Article by article</h3>"
        + _chart(charts.article_strip_chart(strip, theme_ids=ids, labels=labels), figures)
        + _note(
            f"All {counted(strip['doc_id'].nunique(), 'article')}: each square is one kept paragraph at its ¶ number in the "
            "article (gaps are dropped paragraphs), coloured by its strongest assigned theme."
        )
        + "</section>"
    )


def _timeline_section(table: pd.DataFrame, ids: list[str], all_ids: list[str], labels: Mapping[str, str], figures: list[go.Figure]) -> str:
    period = compare.timeline_period(table)
    timeline = compare.themes_by_date(table, ids, period)
    undated_articles, undated_paragraphs = compare.undated_counts(table)
    undated = (
        _note(
            f"{counted(undated_articles, 'undated article')} ({counted(undated_paragraphs, 'kept paragraph')}) "
            "not on the timeline: counted apart, in the table's “undated” rows."
        )
        if undated_articles
        else ""
    )
    return (
        f'<section id="timeline"><h2>Over time (per {period})</h2>'
        + _chart(charts.timeline_chart(timeline, theme_ids=all_ids, labels=labels), figures)
        + _note(
            f"Each point: of the kept paragraphs of one {period} in one language, the share that carries the theme. "
            f"Whiskers: 95 % Wilson intervals. Hollow points hold fewer than {compare.FEW_PARAGRAPHS} paragraphs."
        )
        + undated
        + _table(
            _readable(timeline, labels),
            {
                period if period in timeline else "date": "Week starting" if period == "week" else "Date",
                "language": "Language",
                **SHARE_HEADINGS,
            },
        )
        + "</section>"
    )


def _evidence_section(table: pd.DataFrame, ids: list[str], labels: Mapping[str, str], limit: int) -> str:
    languages = language_order(table.loc[table["kept"].astype(bool), "language"])
    parts = ['<section id="evidence"><h2>The paragraphs behind the numbers</h2>']
    parts.append(_note(f"Per theme and language, the {limit} kept paragraphs carrying the theme with the strongest scores."))
    for theme in ids:
        parts.append(f"<h3>{escape(charts.theme_label(theme, labels))}</h3>")
        for language in languages:
            found = compare.evidence(table, theme, language=language)
            parts.append(f"<h4>{escape(language_label(language))}: {counted(len(found), 'paragraph')} with the theme</h4>")
            parts.extend(
                f'<div class="card">{paragraph_card(row, f"score {row.score:.2f}")}</div>' for row in found.head(limit).itertuples()
            )
    parts.append("</section>")
    return "".join(parts)


def _accuracy_section(evaluation: Evaluation | None, source: str, labels: Mapping[str, str]) -> str:
    head = '<section id="accuracy"><h2>How far to trust the charts</h2>'
    caveat = "".join(f'<p class="caveat">{escape(text)}</p>' for text in (ACCURACY_CAVEAT, fresh_summary()) if text)
    if evaluation is None:
        return head + f"<p>{escape(NO_EVALUATION)}</p>" + caveat + "</section>"
    macro = evaluation.macro_f1.assign(
        language=lambda frame: frame["language"].map(_language_or_all),
        interval=lambda frame: [f"{low:.2f}–{high:.2f}" for low, high in zip(frame["low"], frame["high"], strict=True)],
        macro_f1=lambda frame: frame["macro_f1"].map("{:.2f}".format),
    )
    metrics = evaluation.metrics
    chosen = HELD_OUT_SET if HELD_OUT_SET in set(metrics["part"]) else None
    shown = metrics if chosen is None else metrics[metrics["part"] == chosen]
    shown = shown.assign(
        theme=shown["theme"].map(lambda theme: charts.theme_label(theme, labels)),
        language=shown["language"].map(_language_or_all),
        **{column: shown[column].map("{:.2f}".format) for column in ("precision", "recall", "f1")},
    )
    return (
        head
        + f"<p>{escape(trust_summary(evaluation))}</p>"
        + (_note(f"Measured on {source}, at the thresholds of this report.") if source else "")
        + "<h3>Macro-F1</h3>"
        + _table(
            macro,
            {
                "part": "Labelled set",
                "language": "Language",
                "labelled": "Labelled paragraphs",
                "macro_f1": "Macro-F1",
                "interval": "95 % interval",
            },
        )
        + f"<h3>Per theme and language{' (the held-out test set)' if chosen else ''}</h3>"
        + _table(
            shown,
            {
                "language": "Language",
                "theme": "Theme",
                "labelled": "Labelled",
                "positives": "Labelled with theme",
                "predicted": "Assigned",
                "precision": "Precision",
                "recall": "Recall",
                "f1": "F1",
            },
        )
        + caveat
        + "</section>"
    )


def _themes_section(themes: ThemeSet, digest: str) -> str:
    """The themes and their file; ``digest`` is the run's themes hash (a stored run's themes are read without their labelled paragraphs)."""
    thresholds = "".join(
        f"<li>{escape(theme.label)} (<code>{escape(theme.id)}</code>): threshold {theme.threshold:.2f}</li>" for theme in themes.themes
    )
    return (
        '<section id="themes"><h2>The themes</h2>'
        f"<ul>{thresholds}</ul>"
        + _note(
            f"Themes file hash {digest}. The whole file (TOML, with the thresholds used), to reload in the dashboard or pass to --themes:"
        )
        + f'<details><summary>themes.toml</summary><pre dir="auto">{escape(themes_to_toml(themes))}</pre></details></section>'
    )


def _stamp_section(metadata: Mapping[str, object]) -> str:
    stamp = json.dumps(dict(metadata), ensure_ascii=False, indent=2, default=str)
    return f'<section id="run"><h2>Run metadata</h2><pre dir="auto">{escape(stamp)}</pre></section>'


def _figure_html(figure: go.Figure, index: int) -> str:
    """A figure's ``<div>`` and drawing script, without plotly's JavaScript (inlined once in the head)."""
    return figure.to_html(full_html=False, include_plotlyjs=False, config=CHART_CONFIG, div_id=f"chart-{index}")


def _chart(figure: go.Figure, figures: list[go.Figure]) -> str:
    figures.append(figure)
    return _chart_slot(len(figures) - 1)


def _chart_slot(index: int) -> str:
    """A placeholder no escaped text can contain (it holds a raw ``<``), replaced by the figure's HTML."""
    return f"<!--chart:{index}-->"


def _note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def _definition_list(rows: Mapping[str, object]) -> str:
    items = "".join(f"<dt>{escape(name)}</dt><dd>{escape(str(value))}</dd>" for name, value in rows.items())
    return f'<dl class="stamp">{items}</dl>'


def _table(frame: pd.DataFrame, headings: Mapping[str, str]) -> str:
    """An escaped HTML table of ``headings``' columns (those ``frame`` has); empty tables say so."""
    present = {column: heading for column, heading in headings.items() if column in frame}
    if frame.empty:
        return _note("(no rows)")
    return paragraphs_table_html(frame, present)


def _readable(frame: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Theme labels, language names, shares as percentages and p-values rounded, for reading."""
    shown = frame.copy()
    if "theme" in shown:
        shown["theme"] = shown["theme"].map(lambda theme: charts.theme_label(theme, labels))
    if "language" in shown:
        shown["language"] = shown["language"].map(_language_or_all)
    points = ("difference", "ci_low", "ci_high") if "difference" in shown else ()
    for column in points:
        shown[column] = shown[column].map(lambda value: "–" if pd.isna(value) else f"{value * 100:+.0f} points")
    for column in ("share", "share_a", "share_b", "ci_low", "ci_high"):
        if column in shown and column not in points:
            shown[column] = shown[column].map(_percent)
    if "p_value" in shown:
        shown["p_value"] = shown["p_value"].map(lambda value: "–" if pd.isna(value) else f"{value:.3f}")
    return shown


def _percent(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value) * 100:.0f} %"  # type: ignore[arg-type]


def _language_or_all(code: object) -> str:
    return "All languages" if code == "all" else language_label(str(code))


def _describe_filters(filters: object) -> str:
    if not isinstance(filters, Mapping) or not filters:
        return "none: the whole corpus"
    return "; ".join(f"{name}: {', '.join(map(str, value)) if isinstance(value, list) else value}" for name, value in filters.items())
