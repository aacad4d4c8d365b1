from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis import export

PERSIAN = "پوتین: مأموریت حفاظت از صلح در قزاقستان محدود است"
ARABIC = "رئيس كازاخستان يتعهد باتخاذ تدابير حاسمة ضد الإرهابيين"
METADATA = {
    "model": "multilingual-e5-small",
    "themes_hash": "a1b2c3",
    "thresholds": {"terrorism": 0.42, "foreign_interference": 0.4},
    "corpus_hash": "d4e5f6",
    "created": dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC),
}


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "paragraph_id": ["fa1-0", "ar1-0", "x-1"],
            "outlet": ["تسنیم", "RT Arabic", "@evil"],
            "text": [PERSIAN, ARABIC, '=HYPERLINK("http://example.com","click")'],
            "note": ["+1", "-2", "\tcmd"],
            "score": [0.9, -0.25, 0.1],
            "kept": [True, True, False],
        }
    )


def test_neutralize_formulas_quotes_only_dangerous_text(frame: pd.DataFrame) -> None:
    neutral = export.neutralize_formulas(frame)
    assert neutral["outlet"].tolist() == ["تسنیم", "RT Arabic", "'@evil"]
    assert neutral["text"].tolist()[2] == '\'=HYPERLINK("http://example.com","click")'
    assert neutral["note"].tolist() == ["'+1", "'-2", "'\tcmd"]
    assert neutral["score"].tolist() == [0.9, -0.25, 0.1]
    assert neutral["kept"].tolist() == [True, True, False]
    assert frame["outlet"].iloc[2] == "@evil"  # input untouched
    assert list(export.neutralize_formulas(pd.DataFrame({"=cmd": [1]})).columns) == ["'=cmd"]


def test_restoring_neutralised_text_gives_every_text_back() -> None:
    texts = ["=1+1", "-2 °C", "'quoted", "'=not a formula", "''@x", "'", "+", PERSIAN, ""]
    neutral = export.neutralize_formulas(pd.DataFrame({"text": texts}))
    assert neutral["text"].tolist()[:6] == ["'=1+1", "'-2 °C", "'quoted", "''=not a formula", "'''@x", "'"]
    assert export.restore_formulas(neutral)["text"].tolist() == texts


def test_csv_has_bom_text_intact_neutralised_and_no_run_columns(frame: pd.DataFrame) -> None:
    data = export.to_csv_bytes(frame, METADATA)
    assert data.startswith(b"\xef\xbb\xbf")
    read = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert read["text"].tolist()[:2] == [PERSIAN, ARABIC]
    assert read["outlet"].tolist()[2] == "'@evil"
    assert read["score"].tolist() == [0.9, -0.25, 0.1]
    assert list(read.columns) == list(frame.columns)  # the metadata is written once, to run.json, not on every row
    assert data == export.to_csv_bytes(frame)


def test_run_json_holds_the_metadata_once() -> None:
    run = json.loads(export.to_run_json_bytes(METADATA).decode("utf-8"))
    assert run["created"] == "2024-05-01T12:30:00+00:00" and run["thresholds"] == METADATA["thresholds"]


def test_xlsx_has_data_and_run_sheets(frame: pd.DataFrame) -> None:
    dirty = frame.assign(text=[PERSIAN, "'=HYPERLINK", "\x01=1+1"])
    workbook = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(dirty, METADATA)))
    assert workbook.sheetnames == ["data", "run"]
    rows = list(workbook["data"].iter_rows(values_only=True))
    assert rows[0] == ("Paragraph id", "Outlet", "Text", "Note", "Score", "Kept")
    assert rows[1][2] == PERSIAN and rows[2][2] == "'=HYPERLINK"  # a text cell already: no second quote (a CSV has one)
    assert rows[3][2] == "'=1+1"  # control character removed, then neutralised: no formula
    assert rows[2][4] == -0.25 and rows[3][5] is False
    run = dict(list(workbook["run"].iter_rows(values_only=True))[1:])
    assert run["model"] == "multilingual-e5-small" and run["corpus_hash"] == "d4e5f6"
    assert json.loads(run["thresholds"])["terrorism"] == 0.42


def test_xlsx_is_for_reading_labels_names_percentages_right_to_left_and_widths() -> None:
    table = pd.DataFrame(
        {
            "language": ["fa", "ar"],
            "theme": ["terrorism", "foreign_interference"],
            "share": [0.25, 0.5],
            "themes": ["terrorism|foreign_interference", ""],
            "text": [PERSIAN, ARABIC],
            "score_terrorism": [0.1, 0.2],
        }
    )
    labels = {"terrorism": "Terrorism", "foreign_interference": "Foreign interference"}
    workbook = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(table, {**METADATA, "theme_labels": labels})))
    sheet = workbook["data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Language", "Theme", "Share", "Themes", "Text", "Score: Terrorism")
    assert rows[1][:4] == ("Persian (fa)", "Terrorism", 0.25, "Terrorism; Foreign interference")
    assert rows[2][:2] == ("Arabic (ar)", "Foreign interference")
    assert sheet["C2"].number_format == "0.0 %"  # a percentage in Excel, the fraction as its value
    assert sheet["E2"].alignment.readingOrder == 2 and sheet["E2"].alignment.horizontal == "right"  # right to left
    assert sheet["A2"].alignment.readingOrder != 2
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["C"].width >= len("Share")
    assert sheet.freeze_panes == "A2"
    assert export.heading("ci_low") == "95 % interval, low" and export.heading("has_x_y") == "Carries: x y"


def test_parquet_round_trips_data_and_metadata(frame: pd.DataFrame) -> None:
    data = export.to_parquet_bytes(frame, METADATA)
    read = pd.read_parquet(io.BytesIO(data))
    pd.testing.assert_frame_equal(read, frame, check_dtype=False)
    metadata = pq.read_schema(io.BytesIO(data)).metadata
    assert metadata[b"run_themes_hash"] == b"a1b2c3"
    assert metadata[b"run_created"].decode() == "2024-05-01T12:30:00+00:00"
    assert json.loads(metadata[b"run_thresholds"]) == METADATA["thresholds"]
    assert b"pandas" in metadata


def test_xlsx_of_a_large_table_is_capped_and_says_so(frame: pd.DataFrame) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, METADATA, max_rows=2)))
    assert workbook.sheetnames == ["capped", "data", "run"]  # it opens on the sentence saying it is capped
    note = workbook["capped"]["A1"].value
    assert note == export.xlsx_capped_message(3, 2) and "first 2 of the 3 rows" in note and "CSV and Parquet" in note
    rows = list(workbook["data"].iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][2] == PERSIAN  # the heading and the first two rows
    assert dict(list(workbook["run"].iter_rows(values_only=True))[1:])["xlsx_rows"].startswith("2 of 3")
    assert openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, METADATA, max_rows=3))).sheetnames == ["data", "run"]
    assert len(pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)))) == 3  # CSV is never capped
    assert export.XLSX_MAX_ROWS == 20_000


def test_download_buttons_say_when_xlsx_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import pandas as pd

        from views.common import download_buttons

        download_buttons(pd.DataFrame({"a": range(5)}), "table", {})

    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 4)
    captions = [caption.value for caption in AppTest.from_function(page).run(timeout=60).caption]
    assert export.xlsx_capped_message(5, 4) in captions
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 5)
    captions = [caption.value for caption in AppTest.from_function(page).run(timeout=60).caption]
    assert not any("XLSX holds" in caption for caption in captions)
