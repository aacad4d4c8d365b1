"""The dashboard, driven with Streamlit's AppTest on the seed corpus and the real embedded model.

Expected numbers come from running the analysis directly (``reference``); the tests check that
the page shows them and that every filter, slider, upload and editor changes them as it should.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import uuid
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from analysis import language_memory, text, views
from analysis.corpus import read_corpus
from analysis.embed import Embedder, make_embedder
from analysis.fresh_events import fresh_summary
from analysis.pipeline import Analysis, analyze, corpus_hash
from analysis.themes import load_themes, parse_themes, themes_to_toml
from tests.helpers import ROOT, SEEDS, forget_identifications
from views import common

pytestmark = pytest.mark.model

THEME_IDS = ["terrorism", "foreign_interference", "limited_mission"]
PERSIAN = "نیروهای پیمان امنیت جمعی برای مقابله با تروریست‌ها وارد قزاقستان شدند."


@pytest.fixture(scope="module")
def reference() -> Analysis:
    """The seed analysis run directly with the library (what the page must show)."""
    return analyze(read_corpus([SEEDS]), load_themes(), make_embedder())


@pytest.fixture
def progress_values(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Values of every progress bar update."""
    values: list[float] = []
    original = DeltaGenerator.progress

    def spy(self: DeltaGenerator, value: float, *args: object, **kwargs: object) -> DeltaGenerator:
        values.append(value)
        return original(self, value, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "progress", spy)
    monkeypatch.setattr(streamlit, "progress", partial(spy, streamlit._main))
    return values


def run(at: AppTest) -> AppTest:
    """Run the page and fail on any exception shown in it."""
    at.run()
    assert not at.exception, [element.value for element in at.exception]
    return at


def dashboard(view: str | None = None) -> AppTest:
    """The dashboard after its first run, optionally on another view."""
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=180))
    if view:
        at.session_state["view"] = view
        run(at)
    return at


def table(at: AppTest, name: str) -> pd.DataFrame:
    """A table shown on the page, as displayed (theme labels, language names)."""
    return at.get_by_key(f"table_{name}").dataframe[0].value


def figure(at: AppTest, key: str) -> dict:
    """A plotly chart's figure JSON."""
    return json.loads(at.get_by_key(key).proto.spec)


def csv_download(downloads: dict[str, object], name: str) -> tuple[bytes, pd.DataFrame]:
    """Build a CSV download as a click would; return its bytes and the parsed table."""
    data = downloads[name]
    content = data() if callable(data) else data
    return content, pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", keep_default_na=False)


def kept(reference: Analysis) -> pd.DataFrame:
    return reference.table[reference.table["kept"]]


def median_threshold(reference: Analysis, theme_id: str) -> float:
    """A threshold on the slider's grid that splits the theme's kept scores about in half."""
    return round(float(kept(reference)[f"score_{theme_id}"].median()), 2)


def test_seeds_open_on_the_overview_with_shares_counts_verdicts_and_charts(reference: Analysis) -> None:
    at = dashboard()
    assert [header.value for header in at.subheader][:4] == [
        "How much space each theme gets, Persian vs Arabic",
        "Is the gap between Persian and Arabic outlets more than chance?",
        "Outlet by outlet",
        "Article by article",
    ]
    assert "5 articles, 104 paragraphs (66 kept, 38 dropped)" in at.markdown[0].value
    shares = table(at, "theme_shares_by_language").set_index(["language", "theme"])
    for language, name in (("fa", "Persian (fa)"), ("ar", "Arabic (ar)")):
        rows = kept(reference)[kept(reference)["language"] == language]
        for theme_id, label in zip(THEME_IDS, ["Terrorism", "Foreign interference", "Limited mission"], strict=True):
            row = shares.loc[(name, label)]
            assert row["paragraphs"] == len(rows)
            assert row["with_theme"] == rows[f"has_{theme_id}"].sum()
            assert row["share"] == pytest.approx(rows[f"has_{theme_id}"].mean())
            assert row["ci_low"] < row["share"] < row["ci_high"]
    difference = table(at, "persian_vs_arabic")
    assert list(difference["theme"]) == ["Terrorism", "Foreign interference", "Limited mission"]
    verdicts = at.markdown[1].value
    assert "**Terrorism**:" in verdicts and "too few articles to test" in verdicts and "could be chance" not in verdicts  # 2 and 3 articles
    bars = [trace for trace in figure(at, "shares_chart")["data"] if trace["type"] == "bar"]
    assert [trace["name"] for trace in bars] == ["Persian (fa)", "Arabic (ar)"]
    assert [point[:2] for point in bars[0]["customdata"]] == [[theme_id, "fa"] for theme_id in THEME_IDS]
    heatmap = figure(at, "outlet_chart")["data"][0]
    assert len(heatmap["y"]) == 5 and heatmap["x"] == ["Terrorism", "Foreign<br>interference", "Limited<br>mission"]
    assert [label.split("<br>")[-1].split(" · ")[0] for label in heatmap["y"]] == ["fa", "fa", "ar", "ar", "ar"]  # by language
    strip = figure(at, "strip_chart")["data"]
    assert sum(len(trace["customdata"]) for trace in strip) == len(kept(reference))


def test_a_long_article_strip_is_drawn_a_page_at_a_time(reference: Analysis, monkeypatch: pytest.MonkeyPatch) -> None:
    from views import overview

    monkeypatch.setattr(overview, "STRIP_PAGE_ARTICLES", 2)  # five seed articles: pages of 2, 2 and 1
    at = dashboard()
    pages = at.selectbox(key=overview.STRIP_PAGE_KEY)
    assert pages.options == ["articles 1–2 of 5", "articles 3–4 of 5", "articles 5–5 of 5"]
    strip = figure(at, "strip_chart")["data"]
    assert len({cell[1] for trace in strip for cell in trace["customdata"]}) == 2
    assert any("Articles 1–2 of 5 are drawn" in caption.value for caption in at.caption)
    pages.set_value((5, 5))
    run(at)
    strip = figure(at, "strip_chart")["data"]
    assert len({cell[1] for trace in strip for cell in trace["customdata"]}) == 1
    at.multiselect(key="filter_languages").set_value(["fa"])  # two Persian articles: one page, no chooser
    run(at)
    assert overview.STRIP_PAGE_KEY not in [widget.key for widget in at.selectbox]
    assert len({cell[1] for trace in figure(at, "strip_chart")["data"] for cell in trace["customdata"]}) == 2


def test_language_identifications_are_recalled_at_start_and_kept_for_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recalled: list[Path | None] = []
    monkeypatch.setattr(language_memory, "recall", lambda path=None: recalled.append(path) or 0)
    monkeypatch.setattr(language_memory, "memory_path", lambda home=None: tmp_path / "languages.json")
    forget_identifications(monkeypatch)
    streamlit.cache_data.clear()  # the seeds are read and split again (their scores come from the stores)
    streamlit.cache_resource.clear()
    dashboard()
    text.identify_language.cache_clear()
    kept = json.loads((tmp_path / "languages.json").read_text(encoding="utf-8"))
    made = {key: [language, confident] for key, (language, confident) in text.identifications_made().items()}
    assert recalled == [None] and kept == made and len(kept) >= 10  # the seeds' paragraphs lingua identified


def test_language_filter_keeps_one_language_everywhere(reference: Analysis) -> None:
    at = dashboard()
    at.multiselect(key="filter_languages").set_value(["fa"])
    run(at)
    shares = table(at, "theme_shares_by_language")
    assert set(shares["language"]) == {"Persian (fa)"}
    assert set(shares["paragraphs"]) == {int((kept(reference)["language"] == "fa").sum())}
    assert "Cannot compare: no kept Arabic paragraphs" in at.markdown[1].value
    assert {trace["name"] for trace in figure(at, "shares_chart")["data"]} == {"Persian (fa)"}
    assert set(table(at, "theme_shares_by_outlet")["outlet"]) == {"Tasnim News Agency", "Fars News Agency"}


def test_outlet_filter_counts_only_that_outlet(reference: Analysis) -> None:
    at = dashboard()
    at.multiselect(key="filter_outlets").set_value(["Tasnim News Agency"])
    run(at)
    tasnim = kept(reference)[kept(reference)["outlet"] == "Tasnim News Agency"]
    shares = table(at, "theme_shares_by_language")
    assert list(shares["paragraphs"]) == [len(tasnim)] * 3
    assert list(shares["with_theme"]) == [int(tasnim[f"has_{theme_id}"].sum()) for theme_id in THEME_IDS]
    assert set(table(at, "theme_shares_by_outlet")["outlet"]) == {"Tasnim News Agency"}


def test_theme_filter_limits_tables_and_charts_to_chosen_themes() -> None:
    at = dashboard()
    at.multiselect(key="filter_themes").set_value(["limited_mission"])
    run(at)
    assert set(table(at, "theme_shares_by_language")["theme"]) == {"Limited mission"}
    assert list(table(at, "persian_vs_arabic")["theme"]) == ["Limited mission"]
    assert figure(at, "shares_chart")["data"][0]["y"] == ["Limited<br>mission"]
    at.multiselect(key="filter_themes").set_value([])
    run(at)
    assert at.warning[0].value == "Choose at least one theme in the sidebar."


def test_date_filter_keeps_articles_in_the_range() -> None:
    at = dashboard()
    at.date_input(key="filter_dates").set_value((dt.date(2022, 1, 10), dt.date(2022, 1, 13)))
    run(at)
    shares = table(at, "theme_shares_by_language").drop_duplicates("language").set_index("language")
    assert shares["articles"].to_dict() == {"Arabic (ar)": 2, "Persian (fa)": 1}
    assert set(table(at, "theme_shares_by_outlet")["outlet"]) == {"Tasnim News Agency", "RT Arabic", "Sputnik Arabic (via UrduPoint)"}


def test_a_range_with_its_first_day_only_shows_every_date_and_says_so() -> None:
    at = dashboard()
    at.date_input(key="filter_dates").set_value((dt.date(2022, 1, 10),))
    run(at)
    assert "Pick the last day too: until then every date is shown." in [caption.value for caption in at.sidebar.caption]
    assert table(at, "theme_shares_by_language").drop_duplicates("language")["articles"].sum() == 5


def test_threshold_slider_reassigns_paragraphs(reference: Analysis) -> None:
    at = dashboard()
    scores = kept(reference).set_index("language")["score_terrorism"]
    slider = at.slider(key="threshold_terrorism")
    assert slider.min <= scores.min() and scores.max() <= slider.max
    counts = []
    for threshold in (median_threshold(reference, "terrorism"), slider.max):
        at.slider(key="threshold_terrorism").set_value(threshold)
        run(at)
        shares = table(at, "theme_shares_by_language")
        terrorism = shares[shares["theme"] == "Terrorism"].set_index("language")["with_theme"].to_dict()
        assert terrorism == {"Arabic (ar)": int((scores["ar"] >= threshold).sum()), "Persian (fa)": int((scores["fa"] >= threshold).sum())}
        counts.append(sum(terrorism.values()))
    assert counts[0] > counts[1]
    other = shares[shares["theme"] == "Foreign interference"]["with_theme"].tolist()
    assert other == [int(kept(reference).query(f"language == '{code}'")["has_foreign_interference"].sum()) for code in ("ar", "fa")]


def test_downloads_carry_bom_rows_and_run_metadata(reference: Analysis, downloads: dict[str, object]) -> None:
    at = dashboard()
    threshold = median_threshold(reference, "limited_mission")
    at.slider(key="threshold_limited_mission").set_value(threshold)
    run(at)
    content, paragraphs = csv_download(downloads, "paragraphs.csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert len(paragraphs) == len(reference.table) == 104
    assert (~paragraphs["kept"]).sum() == 38 and (paragraphs.loc[~paragraphs["kept"], "drop_reason"] != "").all()
    assert not [column for column in paragraphs.columns if column.startswith("run_")]  # the metadata once, in run.json
    stamp = json.loads(downloads["run.json"])
    assert stamp["corpus_hash"] == corpus_hash(read_corpus([SEEDS]).documents)
    assert stamp["model"] == make_embedder().model_id
    themes = load_themes().with_thresholds({"limited_mission": threshold})
    assert stamp["thresholds"] == themes.thresholds() and stamp["themes_hash"] == themes.digest()
    assert stamp["filters"]["languages"] == ["fa", "ar"] and stamp["inputs"] == ["seeds"]
    assert stamp["theme_labels"]["limited_mission"] == "Limited mission"

    _, shares = csv_download(downloads, "theme_shares_by_language.csv")
    arabic = kept(reference).query("language == 'ar'")
    assert shares[["language", "theme", "with_theme"]].values.tolist()[:3] == [
        ["ar", theme_id, int((arabic[f"score_{theme_id}"] >= themes.thresholds()[theme_id]).sum())] for theme_id in THEME_IDS
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(downloads["theme_shares_by_outlet.xlsx"]()))
    run_sheet = {key: value for key, value in workbook["run"].iter_rows(min_row=2, values_only=True)}
    assert run_sheet["corpus_hash"] == stamp["corpus_hash"] and workbook["data"].max_row == 16
    data_sheet = list(workbook["data"].iter_rows(values_only=True))
    assert data_sheet[0][:4] == ("Outlet", "Language", "Theme", "Kept paragraphs") and data_sheet[1][1:3] == ("Persian (fa)", "Terrorism")
    parquet = pq.read_table(io.BytesIO(downloads["persian_vs_arabic.parquet"]()))
    assert parquet.num_rows == 3 and parquet.schema.metadata[b"run_themes_hash"].decode() == themes.digest()

    at.multiselect(key="filter_languages").set_value(["fa"])
    run(at)
    _, persian = csv_download(downloads, "paragraphs.csv")
    assert len(persian) == int((reference.table["language"] == "fa").sum())
    assert json.loads(downloads["run.json"])["filters"]["languages"] == ["fa"]


def test_adding_a_theme_adds_its_score_column_and_bar(downloads: dict[str, object]) -> None:
    at = dashboard("Themes")
    at.text_input(key="add_id").input("economic_grievances")
    at.text_input(key="add_label").input("Economic grievances")
    at.text_area(key="add_examples_en").input(
        "Protesters demanded lower fuel prices.\nThe price of liquefied gas doubled and angered residents."
    )
    at.button(key="save_new_theme").click()
    run(at)
    assert at.success[0].value.startswith("Added “Economic grievances”")
    assert at.text_input(key="add_id").value == ""
    at.session_state["view"] = "Overview"
    run(at)
    assert "Economic grievances" in set(table(at, "theme_shares_by_language")["theme"])
    assert figure(at, "shares_chart")["data"][0]["y"][-1] == "Economic<br>grievances"
    _, paragraphs = csv_download(downloads, "paragraphs.csv")
    assert "score_economic_grievances" in paragraphs.columns
    assert at.slider(key="threshold_economic_grievances").value == 0.0


def test_invalid_new_theme_is_refused_with_a_message() -> None:
    at = dashboard("Themes")
    at.text_input(key="add_id").input("Bad Id")
    at.text_area(key="add_examples_en").input("Some example.")
    at.button(key="save_new_theme").click()
    run(at)
    assert "lowercase letters" in at.error[0].value
    assert at.text_input(key="add_id").value == "Bad Id"
    at.text_input(key="add_id").input("empty_theme")
    at.text_area(key="add_examples_en").input("")
    at.button(key="save_new_theme").click()
    run(at)
    assert "at least one description or example" in at.error[0].value


def test_renaming_and_editing_a_theme_updates_labels_and_scores(downloads: dict[str, object]) -> None:
    at = dashboard("Themes")
    at.text_input(key="edit_terrorism_label").input("Security threat")
    at.text_area(key="edit_terrorism_cues_en").input("militants")
    at.button(key="save_terrorism").click()
    run(at)
    assert at.success[0].value.startswith("Saved “Security threat”")
    # The page says what the edit did to the paragraphs, theme by theme, as after a mark.
    changed = [message.value for message in at.success if message.value.startswith("Saved “Security threat”. ")]
    assert changed and re.search(r"Security threat: (no change|[+−]\d+ paragraph)", changed[0]) and "Limited mission:" in changed[0]
    assert "1 paragraphs" not in changed[0]
    assert any("Ctrl+Enter" in caption.value for caption in at.caption)  # said once, not over the text
    themes = parse_themes(downloads["themes.toml"])
    assert themes.label("terrorism") == "Security threat" and themes.themes[0].cues["en"] == ("militants",)
    at.session_state["view"] = "Overview"
    run(at)
    assert figure(at, "shares_chart")["data"][0]["y"][0] == "Security<br>threat"
    assert at.slider(key="threshold_terrorism").label == "Security threat"


def test_themes_file_round_trips_and_a_bad_file_gets_a_clear_message(downloads: dict[str, object]) -> None:
    at = dashboard("Themes")
    at.slider(key="threshold_terrorism").set_value(0.03)
    run(at)
    downloaded = parse_themes(downloads["themes.toml"])
    assert downloaded.thresholds()["terrorism"] == 0.03 and downloaded.ids == THEME_IDS
    at.file_uploader(key="themes_file").set_value(("broken.toml", b"[[theme]\nid = ", "application/toml"))
    run(at)
    assert "not valid TOML" in at.error[0].value
    assert at.slider(key="threshold_terrorism").value == 0.03
    edited = themes_to_toml(load_themes().with_thresholds({"terrorism": 0.06}))
    at.file_uploader(key="themes_file").set_value(("mine.toml", edited.encode(), "application/toml"))
    run(at)
    assert at.success[0].value == "Loaded 3 themes from mine.toml."
    assert at.slider(key="threshold_terrorism").value == 0.06


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="corpus_files").set_value([(name, data, "application/octet-stream") for name, data in files])
    return run(at)


def test_uploaded_articles_are_analysed_with_progress_and_listed_problems(progress_values: list[float]) -> None:
    nonce = uuid.uuid4().hex[:8]
    persian = f"نیروهای پیمان امنیت جمعی برای مقابله با تروریست‌ها وارد قزاقستان شدند. گزارش {nonce}\n<script>alert(1)</script>\n"
    arabic = f"قال المتحدث إن القوات ستغادر كازاخستان فور انتهاء مهمتها المحدودة والمؤقتة. تقرير {nonce}\n"
    manifest = "file,outlet,language,date\nfa.txt,Outlet A,fa,2022-01-07\nar.txt,Outlet B,ar,2022-01-08\n"
    at = dashboard()
    _upload(at, ("fa.txt", persian.encode()), ("ar.txt", arabic.encode()), ("manifest.csv", manifest.encode()), ("scan.txt", b"\x00\x01"))
    assert "Analysing **your upload (4 files)**: 2 articles" in at.markdown[0].value
    assert progress_values and progress_values[-1] == 1.0
    assert at.multiselect(key="filter_outlets").value == ["Outlet A", "Outlet B"]
    problems = at.expander[0]
    assert problems.label.startswith("1 input problem")
    assert problems.dataframe[0].value.to_dict("records") == [
        {"source": "scan.txt", "message": "looks like a binary file (NUL bytes), not text"}
    ]
    at.session_state["view"] = "Dropped paragraphs"
    run(at)
    dropped_html = next(element.value for element in at.html if "<table" in element.value)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dropped_html and "<script>" not in dropped_html


def test_uploaded_table_and_invalid_uploads() -> None:
    rows = "text,outlet,language,date\n" + "\n".join(
        f'"{text}",{outlet},{language},2022-01-0{day}'
        for text, outlet, language, day in [
            ("پوتین گفت مأموریت نیروهای حافظ صلح در قزاقستان محدود و موقت است و آنها به زودی باز می‌گردند.", "Tasnim", "fa", 9),
            ("أكد الرئيس أن الإرهابيين المدربين في الخارج هاجموا المباني الحكومية في ألماتي.", "RT Arabic", "ar", 7),
        ]
    )
    at = dashboard()
    _upload(at, ("articles.csv", rows.encode()))
    assert ": 2 articles" in at.markdown[0].value and not at.error
    _upload(at, ("articles.csv", b"id,body\n1,hello\n"))
    assert "The corpus cannot be read: articles.csv: no 'text' column" in at.error[0].value
    _upload(at, ("photo.txt", b"\x00\x01binary"))
    assert "nothing to analyse in the upload (photo.txt: looks like a binary file" in at.error[0].value
    at.file_uploader(key="corpus_files").clear()
    run(at)
    assert "Analysing **seed articles**" in at.markdown[0].value


def test_run_json_lists_the_problems_of_the_files_uploaded_now(downloads: dict[str, object]) -> None:
    """A skipped file added beside the same articles leaves the corpus (and its hash) as it was: run.json must list it."""
    article = f"{PERSIAN} {uuid.uuid4().hex[:8]}".encode()
    at = dashboard()
    _upload(at, ("a.txt", article))
    assert json.loads(downloads["run.json"])["problems"] == []
    _upload(at, ("a.txt", article), ("b.txt", article), ("scan.txt", b"\x00\x01"))
    shown = [str(row["source"]) + ": " + str(row["message"]) for row in at.expander[0].dataframe[0].value.to_dict("records")]
    assert len(shown) == 2 and json.loads(downloads["run.json"])["problems"] == shown


def test_an_article_in_another_language_is_listed_in_dropped_paragraphs_and_the_download(downloads: dict[str, object]) -> None:
    english = f"The troops arrived in Almaty to restore order, {uuid.uuid4().hex[:8]}.\nThe president said the mission would be short.\n"
    at = dashboard("Dropped paragraphs")
    _upload(at, ("fa.txt", f"{PERSIAN} {uuid.uuid4().hex[:8]}".encode()), ("en.txt", english.encode()))
    assert "1 has no kept paragraph (see Dropped paragraphs)" in at.info[0].value
    assert table(at, "drop_reasons")["dropped"].tolist() == [2]  # the tab the header points to listed nothing
    assert csv_download(downloads, "paragraphs.csv")[1]["source"].tolist().count("en.txt") == 2
    _upload(at, ("en.txt", english.encode()))  # nothing kept at all: no language to choose
    assert table(at, "drop_reasons")["dropped"].tolist() == [2]


def test_thresholds_stay_where_they_were_when_the_corpus_changes() -> None:
    """A new corpus has other score ranges, so its sliders are new widgets; they must not start at their minimum."""
    at = dashboard()
    before = {slider.key: slider.value for slider in at.slider}
    at.slider(key="threshold_terrorism").set_value(round(before["threshold_terrorism"] + 0.5, 2))
    run(at)
    moved = {slider.key: slider.value for slider in at.slider}
    text = "پوتین گفت مأموریت نیروهای حافظ صلح در قزاقستان محدود و موقت است و آنها به زودی باز می‌گردند."
    _upload(at, ("one.csv", f'text,outlet,language\n"{text}",Tasnim,fa\n'.encode()))
    assert {slider.key: slider.value for slider in at.slider} == moved
    at.file_uploader(key="corpus_files").clear()
    run(at)
    assert {slider.key: slider.value for slider in at.slider} == moved


def test_evidence_lists_paragraphs_strongest_first_in_rtl_with_counterparts(reference: Analysis) -> None:
    at = dashboard("Evidence")
    at.selectbox(key="evidence_theme").set_value("terrorism")
    at.selectbox(key="evidence_language").set_value("fa")
    run(at)
    persian = kept(reference).query("language == 'fa' and has_terrorism")
    cards = [element.value for element in at.html if "score " in element.value]
    assert len(cards) == min(10, len(persian))
    scores = [float(re.search(r"score (-?[\d.]+)", card).group(1)) for card in cards]
    assert scores == sorted(scores, reverse=True) and scores[0] == pytest.approx(persian["score_terrorism"].max(), abs=0.005)
    assert all('<div dir="rtl" lang="fa" style="text-align:right' in card for card in cards)
    strongest = persian.sort_values("score_terrorism", ascending=False)["paragraph_id"].iloc[0]
    at.button(key=f"match_{strongest}").click()
    run(at)
    matches = [element.value for element in at.html if "similarity " in element.value]
    assert len(matches) == 3 and all('lang="ar"' in match for match in matches)
    at.selectbox(key="evidence_outlet").set_value("Fars News Agency")
    run(at)
    fars = persian[persian["outlet"] == "Fars News Agency"]
    assert len([element for element in at.html if "score " in element.value]) == len(fars)


def test_evidence_choices_survive_a_visit_to_another_view() -> None:
    at = dashboard("Evidence")
    at.selectbox(key="evidence_theme").set_value("limited_mission")
    run(at)
    at.session_state["view"] = "Overview"
    run(at)
    at.session_state["view"] = "Evidence"
    run(at)
    assert at.selectbox(key="evidence_theme").value == "limited_mission"


def test_distinctive_words_show_one_chart_per_language() -> None:
    at = dashboard("Distinctive words")
    assert any("informative Dirichlet prior" in caption.value for caption in at.caption)
    persian, arabic = figure(at, "terms_fa"), figure(at, "terms_ar")
    assert len(persian["data"][0]["y"]) == 15 and len(arabic["data"][0]["y"]) == 15
    assert "distinctive Persian words" in persian["layout"]["title"]["text"]


def test_accuracy_reports_f1_for_the_bundled_labels_at_current_thresholds() -> None:
    at = dashboard("Accuracy")
    assert at.warning[0].value == fresh_summary() and fresh_summary().startswith("On ")  # the record, first
    assert at.info[0].value.startswith("The themes learnt from other events, so on a new event they are less accurate")
    assert at.info[1].value.startswith("On 579 held-out test paragraphs")
    metrics = table(at, "accuracy")
    assert len(metrics) == 9 and set(metrics["labelled"]) == {579, 288, 291}
    assert [metric.label for metric in at.metric] == ["Macro-F1 · All languages", "Macro-F1 · Persian (fa)", "Macro-F1 · Arabic (ar)"]
    assert re.search(r"579 labelled paragraphs; 95 % interval 0\.\d\d–0\.\d\d", at.metric[0].help)
    disagreements = int(at.expander[0].label.split()[0])
    rows = next(element.value for element in at.html if "<table" in element.value)
    assert rows.count("<tr") == min(disagreements, 300) + 1 and '<div dir="rtl" lang="fa"' in rows
    before = metrics.loc[metrics["theme"] == "Terrorism", "predicted"].tolist()
    at.slider(key="threshold_terrorism").set_value(at.slider(key="threshold_terrorism").max)
    run(at)
    changed = table(at, "accuracy")
    after = changed.loc[changed["theme"] == "Terrorism", "predicted"].tolist()
    assert after[0] < before[0] and all(new <= old for new, old in zip(after, before, strict=True))
    assert (
        changed.loc[changed["theme"] != "Terrorism", "predicted"].tolist()
        == metrics.loc[metrics["theme"] != "Terrorism", "predicted"].tolist()
    )


def test_accuracy_with_an_uploaded_labels_file_and_a_bad_one() -> None:
    labels = (
        "text,language,terrorism\n"
        "نیروهای امنیتی با گروه‌های تروریستی مسلح در آلماتی درگیر شدند.,fa,1\n"
        "قیمت گاز مایع در آغاز سال دو برابر شد.,fa,0\n"
        "هاجم إرهابيون مسلحون المباني الحكومية في ألماتي.,ar,1\n"
        "ارتفعت أسعار الغاز المسال في بداية العام.,ar,0\n"
    )
    at = dashboard("Accuracy")
    at.file_uploader(key="labels_file").set_value(("mine.csv", labels.encode(), "text/csv"))
    run(at)
    metrics = table(at, "accuracy")
    assert metrics[["language", "theme", "labelled", "positives"]].values.tolist() == [
        ["All languages", "Terrorism", 4, 2],
        ["Persian (fa)", "Terrorism", 2, 1],
        ["Arabic (ar)", "Terrorism", 2, 1],
    ]
    captions = [caption.value for caption in at.caption]
    assert "Not evaluated (no column in mine.csv): Foreign interference, Limited mission." in captions
    assert not any("classifiers trained without those articles" in caption for caption in captions)
    training = pd.read_csv(ROOT / "analysis" / "data" / "labelled_paragraphs.csv").head(3)
    at.file_uploader(key="labels_file").set_value(("training.csv", training.to_csv(index=False).encode(), "text/csv"))
    run(at)
    assert any(caption.value.startswith("3 of these paragraphs belong to articles the themes also learn from") for caption in at.caption)
    at.file_uploader(key="labels_file").set_value(("bad.csv", b"text,terrorism\nx,1\n", "text/csv"))
    run(at)
    assert "The labelled paragraphs cannot be used: bad.csv: missing column(s) ['language']" in at.error[0].value


def test_dropped_view_lists_every_dropped_paragraph_with_its_reason(reference: Analysis) -> None:
    at = dashboard("Dropped paragraphs")
    reasons = table(at, "drop_reasons")
    dropped = reference.table[~reference.table["kept"]]
    assert reasons["dropped"].sum() == len(dropped) == 38
    assert (
        dict(zip(reasons["reason"], reasons["dropped"], strict=True))
        == dropped["drop_reason"].map(views.reason_for_reader).value_counts().to_dict()
    )
    rows = next(element.value for element in at.html if "<table" in element.value)
    assert rows.count("<tr") == len(dropped) + 1
    assert "duplicate of ¶ 1" in rows and "paragraph 0" not in rows  # one numbering in every view: ¶, counted from 1


def test_a_new_corpus_gets_its_own_date_range_and_keeps_undated_articles() -> None:
    at = dashboard()
    at.date_input(key="filter_dates").set_value((dt.date(2022, 1, 10), dt.date(2022, 1, 13)))
    run(at)
    assert at.info[0].value == "Showing 3 of 5 articles: the date filter excludes 2."
    text = "نیروهای پیمان امنیت جمعی برای مقابله با تروریست‌ها وارد قزاقستان شدند. گزارش شماره"
    rows = "text,outlet,language,date\n" + "\n".join(
        f'"{text} {number}",Outlet {number},fa,{date}' for number, date in enumerate(["2022-01-05", "2022-01-19", "", ""])
    )
    _upload(at, ("dated.csv", rows.encode()))
    for _ in range(2):  # the second run is "any click": the previous corpus's range must not come back
        assert at.date_input(key="filter_dates").value == (dt.date(2022, 1, 5), dt.date(2022, 1, 19))
        assert "keeps **4** paragraphs from **4** articles" in at.markdown[0].value
        assert not any(info.value.startswith("Showing") for info in at.info)
        run(at)
    at.checkbox(key="filter_undated").uncheck()
    run(at)
    assert at.info[0].value == "Showing 2 of 4 articles: the date filter excludes 2."


def test_marking_saves_refits_says_what_changed_and_survives_a_new_session(marks_home: Path) -> None:
    at = dashboard("Teach")
    assert "Teach the themes your event" in [header.value for header in at.subheader]
    assert len(at.segmented_control) >= 3
    marked_keys = []
    for _ in range(6):  # "no" on the first paragraph of the queue, six times: a marked paragraph leaves the queue
        control = at.segmented_control[0]
        marked_keys.append(control.key)
        control.set_value("no").run()
        assert not at.exception, [element.value for element in at.exception]
    assert len(set(marked_keys)) == 6
    saved = list((marks_home / "workspaces").glob("*/labels.csv"))
    assert len(saved) == 1
    marks = pd.read_csv(saved[0], encoding="utf-8-sig", keep_default_na=False)
    assert len(marks) >= 1 and (marks[THEME_IDS] == 0).to_numpy().sum() == 6
    notices = [element.value for element in at.success]
    assert any(notice.startswith("Relearnt from your marks.") for notice in notices), notices
    fresh = dashboard("Teach")  # a new session reads the saved marks: the marked paragraphs leave the queue
    fresh_keys = {control.key for control in fresh.segmented_control}
    assert fresh_keys and not fresh_keys & set(marked_keys)
    accuracy = dashboard("Accuracy")
    assert "##### On your marks" in [element.value for element in accuracy.markdown]
    assert accuracy.metric[0].label.startswith("Macro-F1")


def test_a_mark_clicked_off_is_taken_back(marks_home: Path) -> None:
    at = dashboard("Evidence")
    control = at.segmented_control[0]
    control.set_value("yes").run()
    saved = next((marks_home / "workspaces").glob("*/labels.csv"))
    assert pd.read_csv(saved, encoding="utf-8-sig", keep_default_na=False)[THEME_IDS].isin([1]).to_numpy().sum() == 1
    at.segmented_control(key=control.key).set_value(None).run()
    assert not at.exception, [element.value for element in at.exception]
    assert pd.read_csv(saved, encoding="utf-8-sig", keep_default_na=False).empty  # the page showed no mark; the file kept it
    assert any(message.value.startswith("Relearnt from your marks.") for message in at.success)
    at.session_state["view"] = "Teach"
    run(at)
    assert any(button.label.startswith("Download your marks (0 marks on 0 paragraphs") for button in at.get("download_button"))


def test_the_marks_download_counts_arguable_marks(marks_home: Path) -> None:
    at = dashboard("Teach")
    at.segmented_control[0].set_value("arguable").run()
    assert any(button.label.startswith("Download your marks (1 mark on 1 paragraph") for button in at.get("download_button"))


def test_unreadable_marks_are_set_aside_not_overwritten_by_the_next_mark(marks_home: Path) -> None:
    at = dashboard("Teach")
    at.segmented_control[0].set_value("no").run()
    saved = next((marks_home / "workspaces").glob("*/labels.csv"))
    unreadable = saved.read_bytes().replace(b",0,", b",maybe,", 1)  # hand-edited: a mark no reader understands
    saved.write_bytes(unreadable)
    fresh = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=180))
    warning = next(element.value for element in fresh.warning if "could not be read" in element.value)
    aside = [path for path in saved.parent.iterdir() if path.name != saved.name]
    assert len(aside) == 1 and aside[0].read_bytes() == unreadable  # kept whole, beside the marks
    assert aside[0].name in warning and "starting afresh" in warning
    fresh.session_state["view"] = "Teach"
    run(fresh).segmented_control[0].set_value("yes").run()
    assert not fresh.exception, [element.value for element in fresh.exception]
    assert aside[0].read_bytes() == unreadable  # the new mark did not overwrite the earlier ones
    assert pd.read_csv(saved, encoding="utf-8-sig", keep_default_na=False)[THEME_IDS].isin([1]).to_numpy().sum() == 1


def test_a_theme_added_in_the_dashboard_can_be_marked_at_once(marks_home: Path) -> None:
    at = dashboard("Themes")
    at.text_input(key="add_id").input("economic_grievances")
    at.text_input(key="add_label").input("Economic grievances")
    at.text_area(key="add_examples_en").input("Protesters demanded lower fuel prices.\nThe price of gas doubled and angered residents.")
    at.button(key="save_new_theme").click()
    run(at)
    at.session_state["view"] = "Teach"
    run(at)
    control = next(control for control in at.segmented_control if control.key.startswith("mark_economic_grievances_"))
    control.set_value("yes").run()
    assert not at.exception, [element.value for element in at.exception]
    saved = pd.read_csv(next((marks_home / "workspaces").glob("*/labels.csv")), encoding="utf-8-sig", keep_default_na=False)
    assert saved["economic_grievances"].tolist() == [1]


def test_the_dashboard_and_the_cli_give_the_same_paragraph_table_and_stamp(tmp_path: Path, downloads: dict[str, object]) -> None:
    from analysis import cli

    assert cli.main(["analyze", str(SEEDS), "--out", str(tmp_path)]) == 0
    written = pd.read_csv(tmp_path / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    stamp = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=180))
    _, shown = csv_download(downloads, "paragraphs.csv")
    pd.testing.assert_frame_equal(shown, written, check_dtype=False)  # the same table, and neither repeats the stamp on its rows
    dashboard_stamp = json.loads(downloads["run.json"])  # the stamp, once, as the CLI writes it
    cli_only = {"themes_file", "labels", "workspace"}  # what only a command line has: its files and output folder
    assert set(stamp) - cli_only <= set(dashboard_stamp)
    for key in ("model", "themes_hash", "corpus_hash", "documents", "paragraphs", "kept", "dropped", "thresholds", "versions"):
        assert dashboard_stamp[key] == stamp[key], key


def test_over_time_shows_each_day_per_language_switches_to_weeks_and_outlets(reference: Analysis, downloads: dict[str, object]) -> None:
    at = dashboard("Over time")
    assert "Frames over time" in [header.value for header in at.subheader]
    assert at.segmented_control(key="timeline_period").value == "day"  # the seeds span 6 to 13 January
    traces = figure(at, "timeline_chart")["data"]
    assert [trace["name"] for trace in traces] == ["Persian (fa)"] * 3 + ["Arabic (ar)"] * 3
    expected = kept(reference).groupby(["language", "date"])
    for trace in traces:
        for point, label in zip(trace["customdata"], trace["text"], strict=True):
            theme_id, language, _, day = point[:4]
            rows = expected.get_group((language, day))
            assert label == f"{int(rows[f'has_{theme_id}'].sum())}/{len(rows)}"
            assert (point[6] < 10) == point[11].startswith("<br>few")
    shown = table(at, "themes_by_date")
    assert len(shown) == 5 * 3 and shown["date"].tolist()[::3] == ["2022-01-06", "2022-01-07", "2022-01-10", "2022-01-10", "2022-01-13"]
    _, written = csv_download(downloads, "themes_by_date.csv")
    assert written["theme"].tolist()[:3] == THEME_IDS and written["paragraphs"].sum() == 3 * len(kept(reference))
    assert not at.info  # every seed article is dated

    at.segmented_control(key="timeline_period").set_value("week")
    run(at)
    weeks = table(at, "themes_by_date")
    assert weeks.drop_duplicates(["week", "language"])[["week", "language", "paragraphs"]].values.tolist() == [
        ["2022-01-03", "Persian (fa)", 12], ["2022-01-03", "Arabic (ar)", 13], ["2022-01-10", "Persian (fa)", 9], ["2022-01-10", "Arabic (ar)", 32],
    ]  # fmt: skip
    at.toggle(key="timeline_by_outlet").set_value(True)
    run(at)
    names = list(dict.fromkeys(trace["name"] for trace in figure(at, "timeline_chart")["data"]))
    assert names == [
        "Fars News Agency (fa)",
        "Tasnim News Agency (fa)",
        "Akhbar El-Yom (ar)",
        "RT Arabic (ar)",
        "Sputnik Arabic (via UrduPoint) (ar)",
    ]
    at.session_state["view"] = "Overview"
    run(at)
    at.session_state["view"] = "Over time"
    run(at)
    assert at.segmented_control(key="timeline_period").value == "week" and at.toggle(key="timeline_by_outlet").value


def test_a_timeline_point_opens_the_evidence_of_its_day(reference: Analysis) -> None:
    at = dashboard()
    at.session_state["evidence_theme"], at.session_state["evidence_language"] = "terrorism", "ar"
    at.session_state["evidence_dates"] = (dt.date(2022, 1, 10), dt.date(2022, 1, 10))  # what open_clicked_point sets
    at.session_state["view"] = "Evidence"
    run(at)
    that_day = kept(reference).query("language == 'ar' and date == '2022-01-10' and has_terrorism")
    assert len([element for element in at.html if "score " in element.value]) == min(10, len(that_day))
    assert "Only paragraphs dated 2022-01-10 (the timeline point you clicked)." in [caption.value for caption in at.caption]
    at.button(key="evidence_every_date").click()
    run(at)
    every_day = kept(reference).query("language == 'ar' and has_terrorism")
    assert at.markdown[-1].value.startswith(f"**{len(every_day)}** kept paragraphs carry **Terrorism**")


def test_outlets_follow_the_languages_and_an_empty_view_says_why() -> None:
    at = dashboard()
    at.multiselect(key="filter_languages").set_value(["fa"])
    run(at)
    outlets = at.multiselect(key="filter_outlets")
    assert outlets.options == ["Fars News Agency (fa)", "Tasnim News Agency (fa)"] and outlets.value == [
        "Fars News Agency",
        "Tasnim News Agency",
    ]
    outlets.set_value(["Tasnim News Agency"])
    run(at)
    at.multiselect(key="filter_languages").set_value(["fa", "ar"])
    run(at)  # the Arabic outlets come back; Fars, removed by hand, stays out
    assert at.multiselect(key="filter_outlets").value == [
        "Akhbar El-Yom",
        "RT Arabic",
        "Sputnik Arabic (via UrduPoint)",
        "Tasnim News Agency",
    ]
    at.multiselect(key="filter_languages").set_value([])
    run(at)
    assert at.multiselect(key="filter_outlets").options == []
    why = "Nothing to show: no language is chosen. Choose one in the sidebar's Languages filter."
    assert why in [info.value for info in at.info]
    assert not [element for element in at.subheader if element.value == "Outlet by outlet"]
    at.multiselect(key="filter_languages").set_value(["ar"])
    at.date_input(key="filter_dates").set_value((dt.date(2022, 1, 7), dt.date(2022, 1, 9)))
    run(at)
    assert "Nothing to show: none of the chosen outlets' articles is dated 2022-01-07 to 2022-01-09. Widen the dates in the sidebar." in [
        info.value for info in at.info
    ]


def test_one_article_one_paragraph_in_the_singular_and_undated_articles_counted_apart() -> None:
    nonce = uuid.uuid4().hex[:8]
    rows = pd.DataFrame(
        [
            {"text": f"نیروهای پیمان امنیت جمعی برای مقابله با تروریست‌ها وارد قزاقستان شدند. گزارش {nonce}", "outlet": "A", "language": "fa", "date": "2022-01-07"},
            {"text": f"قال المتحدث إن القوات ستغادر كازاخستان فور انتهاء مهمتها المحدودة والمؤقتة. تقرير {nonce}", "outlet": "B", "language": "ar", "date": ""},
        ]
    )  # fmt: skip
    at = dashboard("Over time")
    _upload(at, ("two.csv", rows.to_csv(index=False).encode()))
    assert "Analysing **your upload (1 file)**: 2 articles, 2 paragraphs (2 kept, 0 dropped)" in at.markdown[0].value
    assert "1 undated article (1 kept paragraph) is not on the timeline: its paragraphs are counted apart" in at.info[0].value
    assert table(at, "themes_by_date")["date"].tolist() == ["2022-01-07"] * 3 + ["undated"] * 3
    at.multiselect(key="filter_languages").set_value(["fa"])
    run(at)
    assert "The current selection keeps **1** paragraph from **1** article." in at.markdown[0].value


def test_report_button_writes_the_current_selection_as_one_html_file(downloads: dict[str, object]) -> None:
    at = dashboard()
    at.multiselect(key="filter_languages").set_value(["fa"])
    run(at)
    build = downloads["framing_report.html"]
    assert callable(build)  # built on click, outside the page's run
    report = build()
    assert report.count("Plotly.newPlot") == 4 and "<script src" not in report
    assert "languages: fa" in report and "Persian (fa): " in report and "Arabic (ar): " not in report
    assert "Measured on analysis/data/evaluation/labels.csv" in report and "macro-F1" in report


def test_the_view_lives_in_the_url_and_a_link_reopens_it(reference: Analysis) -> None:
    at = dashboard()
    assert at.query_params == {"corpus": "seeds"}  # the default view: nothing else to say
    at.multiselect(key="filter_languages").set_value(["ar"])
    at.date_input(key="filter_dates").set_value((dt.date(2022, 1, 10), dt.date(2022, 1, 13)))
    at.slider(key="threshold_terrorism").set_value(median_threshold(reference, "terrorism"))
    run(at)
    at.session_state["view"] = "Evidence"
    run(at)
    at.selectbox(key="evidence_theme").set_value("limited_mission")
    run(at)
    link = dict(at.query_params)
    assert link["view"] == "Evidence" and link["lang"] == "ar" and link["from"] == "2022-01-10" and link["ev_theme"] == "limited_mission"
    assert link["t_terrorism"] == f"{median_threshold(reference, 'terrorism'):.2f}"

    opened = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)  # a new session: the link pasted, or a reload
    opened.query_params = link
    run(opened)
    assert opened.session_state["view"] == "Evidence" and opened.selectbox(key="evidence_theme").value == "limited_mission"
    assert opened.multiselect(key="filter_languages").value == ["ar"]
    assert opened.date_input(key="filter_dates").value == (dt.date(2022, 1, 10), dt.date(2022, 1, 13))
    assert opened.slider(key="threshold_terrorism").value == median_threshold(reference, "terrorism")
    assert opened.markdown[0].value == at.markdown[0].value  # the same selection: same counts
    assert not opened.warning and dict(opened.query_params) == link


def test_a_link_with_invalid_values_opens_with_a_note_and_the_rest_applied() -> None:
    opened = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    opened.query_params = {
        "corpus": "seeds",
        "view": "Over time",
        "lang": ["fa", "xx"],
        "t_terrorism": "lots",
        "to": "2022-02-30",
        "x": "1",
    }
    run(opened)
    assert opened.session_state["view"] == "Over time" and opened.multiselect(key="filter_languages").value == ["fa"]
    [note] = [warning.value for warning in opened.warning]
    assert note == (
        "Part of this link could not be used and was ignored: lang=xx is not offered here (fa, ar); to=2022-02-30 is not a date "
        "(YYYY-MM-DD); t_terrorism=lots is not a threshold (a number between -100 and 100); x is not a parameter of this page."
    )
    assert opened.slider(key="threshold_terrorism").value == load_themes().thresholds()["terrorism"]
    run(opened)
    assert not opened.warning  # said once
    assert opened.query_params == {"corpus": "seeds", "view": "Over time", "lang": "fa", "period": "day"}


def test_a_link_made_on_an_upload_waits_for_that_corpus() -> None:
    opened = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    opened.query_params = {"corpus": "0123456789abcdef", "lang": "fa", "theme": "terrorism"}
    run(opened)
    assert "this link was made on an uploaded corpus (0123456789abcdef): its language, outlet and date filters apply when" in (
        opened.warning[0].value
    )
    assert opened.multiselect(key="filter_languages").value == ["fa", "ar"]  # waiting for the upload
    assert opened.multiselect(key="filter_themes").value == ["terrorism"]  # not tied to a corpus


def test_a_link_made_on_an_upload_keeps_its_evidence_outlet_until_the_upload() -> None:
    rows = f'text,outlet,language\n"{PERSIAN} {uuid.uuid4().hex[:8]}",Al Mayadeen,fa\n'.encode()
    at = dashboard("Evidence")
    _upload(at, ("x.csv", rows))
    at.selectbox(key="evidence_outlet").set_value("Al Mayadeen")
    run(at)
    opened = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    opened.query_params = dict(at.query_params)
    run(opened)
    assert "ev_outlet" not in opened.warning[0].value  # not an outlet of the seeds: it waits with the other filters
    _upload(opened, ("x.csv", rows))
    assert opened.selectbox(key="evidence_outlet").value == "Al Mayadeen" and opened.query_params["ev_outlet"] == "Al Mayadeen"


def test_a_link_made_on_the_seeds_applies_to_their_stored_analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import cli

    assert cli.main(["analyze", str(SEEDS), "--out", str(tmp_path)]) == 0
    monkeypatch.setattr("sys.argv", ["app.py", "--workspace", str(tmp_path)])
    opened = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    opened.query_params = {"corpus": "seeds", "lang": "fa"}  # a colleague's link, made on `make run`
    run(opened)
    assert opened.multiselect(key="filter_languages").value == ["fa"] and not opened.warning  # the filter waited for "seeds"
    assert opened.query_params == {"corpus": "seeds", "lang": "fa"}


def test_voices_split_each_theme_show_speakers_and_a_candidate_joins_the_actors_file(
    reference: Analysis, downloads: dict[str, object]
) -> None:
    at = dashboard("Voices")
    assert [header.value for header in at.subheader][:4] == [
        "Whose words carry each theme",
        "Who voices each theme",
        "The paragraphs, with their speaker",
        "Speakers not in the actors file",
    ]
    voices = table(at, "voices_by_language")
    arabic = kept(reference).query("language == 'ar' and has_terrorism")
    row = voices[(voices["language"] == "Arabic (ar)") & (voices["theme"] == "Terrorism")].set_index("voice")
    assert row.loc["attributed", "with_theme"] == int((arabic["voice"] == "attributed").sum())
    assert row["with_theme"].sum() == len(arabic)
    assert len(figure(at, "voices_chart")["data"]) == 4 and len(figure(at, "speakers_chart")["data"]) == 2
    top = arabic[arabic["voice"] == "attributed"]["speaker"].value_counts()
    assert f"In Arabic outlets, {int((arabic['voice'] == 'attributed').sum())} of the {len(arabic)} paragraphs carrying Terrorism" in (
        at.markdown[1].value
    )
    assert top.index[0] == "tokayev" and f"most often to Kassym-Jomart Tokayev ({top.iloc[0]} of {len(arabic)})" in at.markdown[1].value
    cards = [element.value for element in at.html if "score " in element.value]
    assert cards and all("attributed to" in card or "own words" in card for card in cards)

    at.multiselect(key="voices_speakers").set_value(["tokayev"])
    run(at)
    assert set(table(at, "speakers_by_language")["speaker"]) == {"Kassym-Jomart Tokayev"}
    cards = [element.value for element in at.html if "score " in element.value]
    assert len(cards) == int((arabic["speaker"] == "tokayev").sum()) and all(
        "attributed to Kassym-Jomart Tokayev" in card for card in cards
    )

    candidates = table(at, "speaker_candidates")
    assert "رئيس مجلس الأمن" in set(candidates["speaker"])
    prefix = next(element.key for element in at.text_input if element.value == "رئيس مجلس الأمن" and element.key.endswith("_alias"))[
        : -len("_alias")
    ]
    at.text_input(key=f"{prefix}_id").input("security_council_head")
    at.text_input(key=f"{prefix}_label").input("Head of the Security Council")
    at.button(key=f"{prefix}_add").click()
    run(at)
    assert at.success[0].value.startswith("Added Head of the Security Council (security_council_head)")
    assert "رئيس مجلس الأمن" not in set(table(at, "speaker_candidates")["speaker"])
    assert 'id = "security_council_head"' in downloads["actors.toml"]
    at.session_state["view"] = "Evidence"
    run(at)
    assert not at.error  # the page keeps working with the new actors file


def test_a_bad_actors_file_gets_a_clear_message() -> None:
    at = dashboard("Voices")
    at.file_uploader(key="actors_file").set_value(("actors.toml", b"[[actor]\nid = ", "application/toml"))
    run(at)
    assert at.error[0].value.startswith("actors.toml: not valid TOML")
    at.file_uploader(key="actors_file").set_value(
        ("actors.toml", b'[[actor]]\nid = "x"\nlabel = "X"\nkind = "celebrity"\nfa = ["x"]\n', "application/toml")
    )
    run(at)
    assert "has kind 'celebrity'" in at.error[0].value


def test_the_themes_tab_starts_loading_the_model_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    """A theme edit's new sentence needs the model: the Themes tab starts loading it, once per server (not the first
    page: loading beside the browser's first drawing delays the first chart)."""
    started: list[object] = []
    monkeypatch.setattr(common, "warm_up", started.append)
    common.preload_model.clear()  # as at a server start
    try:
        at = dashboard()
        time.sleep(0.5)
        assert started == []
        at.session_state["view"] = "Themes"
        run(run(at))
        deadline = time.monotonic() + 30
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(started) == 1 and started[0] is common.shared_embedder()  # a second run does not start it again
    finally:
        common.preload_model.clear()


def test_warming_up_loads_the_model_and_imports_the_fitting_code(fake_embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    imported: list[bool] = []
    monkeypatch.setattr(common, "import_fitting", lambda: imported.append(True))
    common.warm_up(fake_embedder)
    assert fake_embedder.model_loaded and imported == [True]

    def broken() -> None:
        raise ImportError("no sklearn")

    monkeypatch.setattr(common, "import_fitting", broken)
    common.warm_up(fake_embedder)  # logged, not raised: the page raises it where it needs scikit-learn
