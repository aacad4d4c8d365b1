from __future__ import annotations

import math
import re

import pandas as pd
import plotly.offline
import pytest

from analysis.evaluate import METRIC_COLUMNS, Evaluation
from analysis.report import NO_EVALUATION, build_report
from analysis.themes import parse_themes
from tests.helpers import SMALL

HOSTILE_OUTLET = "<img src=x onerror=alert(1)>Tasnim"
HOSTILE_TEXT = "</script><script>alert(2)</script> تروریست‌ها به <b>قزاقستان</b> حمله کردند"
HOSTILE_LABEL = "<i>Alpha</i>"
THEMES = parse_themes(SMALL.replace('label = "Alpha"', f'label = "{HOSTILE_LABEL}"'))

# (doc_id, outlet, language, date, position, text, score_alpha, score_beta, drop_reason)
PARAGRAPHS = [
    ("fa1", HOSTILE_OUTLET, "fa", "2022-01-06", 0, HOSTILE_TEXT, 0.9, 0.0, ""),
    ("fa1", HOSTILE_OUTLET, "fa", "2022-01-06", 1, "نیروهای حافظ صلح به قزاقستان رسیدند", 0.0, 0.5, ""),
    ("fa1", HOSTILE_OUTLET, "fa", "2022-01-06", 2, "عکس", math.nan, math.nan, "too_short"),
    ("ar1", "RT Arabic", "ar", "2022-01-07", 0, "الإرهابيون هاجموا المباني الحكومية", 0.8, 0.0, ""),
    ("ar1", "RT Arabic", "ar", "2022-01-07", 1, "مهمة قوات حفظ السلام محدودة", 0.0, 0.3, ""),
    ("ar2", "Akhbar El-Yom", "ar", "", 0, "تدخل أجنبي في الأحداث", 0.1, 0.6, ""),
]


def _table() -> pd.DataFrame:
    rows = []
    for index, (doc, outlet, language, date, position, text, alpha, beta, reason) in enumerate(PARAGRAPHS):
        kept = reason == ""
        flags = {"alpha": kept and alpha >= 0.2, "beta": kept and beta >= 0.1}
        rows.append(
            {
                "paragraph_id": f"p{index}",
                "doc_id": doc,
                "source": f"{doc}.txt",
                "outlet": outlet,
                "language": language,
                "date": date,
                "url": "javascript:alert(3)" if doc == "fa1" else "https://example.org/a",
                "title": f"<u>title</u> {doc}",
                "position": position,
                "text": text,
                "kept": kept,
                "drop_reason": reason,
                "score_alpha": alpha,
                "score_beta": beta,
                **{f"has_{theme}": flag for theme, flag in flags.items()},
                "themes": "|".join(theme for theme, flag in flags.items() if flag),
            }
        )
    return pd.DataFrame(rows)


METADATA = {"corpus": "<script>alert(4)</script>.zip", "documents": 3, "paragraphs": 6, "kept": 5, "dropped": 1, "model": "fake"}


@pytest.fixture(scope="module")
def report() -> str:
    return build_report(_table(), THEMES, METADATA)


def test_plotly_is_inlined_once_and_nothing_is_fetched(report: str) -> None:
    assert report.count(plotly.offline.get_plotlyjs()[:200]) == 1
    assert not re.search(r"<script[^>]*\ssrc=", report)
    assert not re.search(r"<link[^>]*href=", report)
    assert not re.search(r"""\ssrc=["']?https?:""", report)
    assert report.count('class="plotly-graph-div"') == 4  # shares, outlets, articles, timeline
    assert "Plotly.newPlot" in report


def test_corpus_strings_are_escaped_everywhere(report: str) -> None:
    for raw in ("<img src=x", "<script>alert(2)", "<script>alert(4)", "<b>قزاقستان", "<u>title", "<i>Alpha", 'href="javascript'):
        assert raw not in report
    assert "&lt;img src=x onerror=alert(1)&gt;Tasnim" in report
    assert "&lt;b&gt;قزاقستان&lt;/b&gt;" in report
    assert "&lt;i&gt;Alpha&lt;/i&gt;" in report


def test_persian_and_arabic_text_is_right_to_left(report: str) -> None:
    assert '<div dir="rtl" lang="fa"' in report and '<div dir="rtl" lang="ar"' in report
    assert re.search(r'<div dir="rtl" lang="fa"[^>]*>[^<]*تروریست', report)


def test_report_has_every_section_and_the_themes_file(report: str) -> None:
    for section in ("corpus", "overview", "timeline", "evidence", "accuracy", "themes", "run"):
        assert f'<section id="{section}">' in report
    assert "1 undated article" in report
    assert "id = &quot;alpha&quot;" in report  # the themes file, escaped
    assert NO_EVALUATION[:30] in report
    assert "bundled themes had never seen" in report  # analysis/data/fresh_events.json, with or without an evaluation
    assert THEMES.digest() in report


def test_accuracy_figures_come_from_the_evaluation_passed_in() -> None:
    macro = pd.DataFrame(
        {
            "part": ["test"] * 3,
            "language": ["all", "fa", "ar"],
            "labelled": [10, 5, 5],
            "macro_f1": [0.713, 0.70, 0.72],
            "low": 0.5,
            "high": 0.9,
        }
    )
    metrics = pd.DataFrame([["test", "fa", "alpha", 5, 2, 2, 2, 0, 0, 1.0, 1.0, 0.987]], columns=METRIC_COLUMNS)
    evaluation = Evaluation(metrics, macro, pd.DataFrame(), {"alpha": 0.2, "beta": 0.1})
    report = build_report(_table(), THEMES, METADATA, evaluation=evaluation, evaluation_source="labels.csv")
    assert "macro-F1 0.71" in report and "0.99" in report and "labels.csv" in report
    assert NO_EVALUATION[:30] not in report and "bundled themes had never seen" in report


def test_an_empty_selection_still_makes_a_report() -> None:
    table = _table()
    report = build_report(table[~table["kept"]], THEMES, METADATA, theme_ids=["beta"])
    assert "No kept paragraphs in this selection." in report
    assert "0 kept paragraphs" in report
