from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.corpus import (
    CorpusError,
    DateError,
    day_first_order,
    decode_bytes,
    decode_text,
    documents_from_table,
    documents_from_text_files,
    documents_from_uploads,
    normalize_date,
    normalize_language_code,
    read_corpus,
)
from tests.helpers import SEEDS


def test_seed_folder_reads_five_documents_with_manifest_metadata() -> None:
    corpus = read_corpus([SEEDS])
    documents = corpus.documents
    assert corpus.problems == []
    assert documents["doc_id"].tolist() == [path.stem for path in sorted(SEEDS.glob("*.txt"))]
    assert documents["language"].tolist() == ["fa", "ar", "fa", "ar", "ar"]
    assert documents.loc[0, "outlet"] == "Tasnim News Agency"
    assert documents.loc[4, "date"] == "2022-01-13"
    assert documents.loc[1, "source"] == "001_f0cd279cab210bb7.txt"


def test_txt_without_manifest_gets_unknown_outlet_and_empty_language() -> None:
    corpus = documents_from_text_files({"a.txt": "سلام دنیا\nدومین بند".encode()})
    row = corpus.documents.iloc[0]
    assert (row["outlet"], row["language"], row["doc_id"]) == ("unknown", "", "a")


def test_manifest_problems_are_listed_not_fatal() -> None:
    manifest = b"file,outlet,language,date\nb.txt,X,klingon,yesterday-ish\nmissing.txt,Y,fa,2022-01-01\n"
    corpus = documents_from_text_files({"b.txt": "متن خبر".encode()}, manifest)
    messages = [str(problem) for problem in corpus.problems]
    assert any("missing.txt" in message for message in messages)
    assert any("unknown language 'klingon'" in message for message in messages)
    assert any("relative date 'yesterday-ish' refused" in message for message in messages)
    assert corpus.documents.loc[0, "outlet"] == "X"


def test_cp1256_arabic_is_decoded() -> None:
    text = "قوات حفظ السلام تنسحب من كازاخستان"
    decoded, encoding = decode_text(text.encode("cp1256"), "old.txt")
    assert (decoded, encoding) == (text, "cp1256")


PERSIAN_LINE = "نیروهای حافظ صلح سازمان پیمان امنیت جمعی پس از پایان مأموریت خود از قزاقستان خارج می‌شوند."
ARABIC_LINE = "قالت وزارة الدفاع الروسية إن قوات حفظ السلام ستغادر كازاخستان بعد انتهاء مهمتها."


def test_utf8_with_a_stray_byte_is_utf8_with_the_byte_replaced_and_listed() -> None:
    good = "\n".join([PERSIAN_LINE] * 9).encode()
    at = len(PERSIAN_LINE[:20].encode())
    data = good[:at] + b"\xff" + good[at:]
    decoded = decode_bytes(data, "a.txt")
    assert (decoded.encoding, decoded.bad_bytes, decoded.first_bad) == ("utf-8", 1, at)
    assert decoded.text == PERSIAN_LINE[:20] + "\ufffd" + good.decode()[20:]
    corpus = documents_from_text_files({"a.txt": data})
    assert corpus.documents.loc[0, "text"].count(PERSIAN_LINE) == 8
    assert [str(problem) for problem in corpus.problems] == [
        f"a.txt: 1 byte not valid UTF-8 (the first at byte offset {at}): read as UTF-8, each bad byte replaced by \ufffd"
    ]
    with pytest.raises(CorpusError, match="1 byte not valid UTF-8"):
        decode_text(data, "labels.csv")


def test_utf8_cut_inside_a_character_keeps_everything_before() -> None:
    decoded = decode_bytes(PERSIAN_LINE.encode()[:-2], "cut.txt")
    assert decoded.encoding == "utf-8"
    assert decoded.bad_bytes == 1
    assert decoded.text == PERSIAN_LINE[:-2] + "\ufffd"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [PERSIAN_LINE, ARABIC_LINE + "\n" + ARABIC_LINE, "The CSTO said the mission was over.\n"])
def test_utf16_without_bom_is_detected(encoding: str, text: str) -> None:
    assert decode_bytes(text.encode(encoding), "u.txt") == (text, encoding, 0, -1)


def test_utf16_with_bom_and_cp1256_read_like_utf8() -> None:
    assert decode_text(ARABIC_LINE.encode("utf-16"), "u.txt") == (ARABIC_LINE, "utf-16")
    assert decode_text(ARABIC_LINE.encode("cp1256"), "w.txt") == (ARABIC_LINE, "cp1256")
    assert decode_text(b"\xef\xbb\xbf" + ARABIC_LINE.encode(), "b.txt") == (ARABIC_LINE, "utf-8")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00", b"\x00\x01", b"\x00\x01binary", bytes(range(256)) * 4])
def test_binary_bytes_are_not_taken_for_utf16(data: bytes) -> None:
    with pytest.raises(CorpusError, match="binary"):
        decode_text(data, "image.txt")


def test_binary_and_undecodable_bytes_are_clear_errors() -> None:
    with pytest.raises(CorpusError, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "image.txt")
    with pytest.raises(CorpusError, match="cannot decode"):
        decode_text("café résumé naïve".encode("latin-1"), "latin.txt")


def test_binary_txt_in_folder_is_a_problem_and_others_still_load() -> None:
    corpus = documents_from_text_files({"good.txt": "متن".encode(), "bad.txt": b"\x00\x01\x02"})
    assert corpus.documents["doc_id"].tolist() == ["good"]
    assert [problem.source for problem in corpus.problems] == ["bad.txt"]


def test_empty_file_is_a_problem() -> None:
    corpus = documents_from_text_files({"empty.txt": b"  \n\n"})
    assert corpus.documents.empty
    assert "empty file" in corpus.problems[0].message


def test_csv_rows_become_documents_with_optional_columns() -> None:
    data = 'id,text,outlet,language,date\nr1,"بند اول\nبند دوم",Fars,Persian,2022-01-07\nr2,نص عربي,,ar,\n,,,,\n'.encode()
    corpus = documents_from_table("corpus.csv", data)
    documents = corpus.documents
    assert documents["doc_id"].tolist() == ["r1", "r2"]
    assert documents.loc[0, "language"] == "fa"
    assert documents.loc[1, "outlet"] == "unknown"
    assert documents.loc[0, "text"] == "بند اول\nبند دوم"
    assert [problem.message for problem in corpus.problems] == ["empty text, skipped"]


def test_csv_without_text_column_is_an_error() -> None:
    with pytest.raises(CorpusError, match="no 'text' column"):
        documents_from_table("bad.csv", b"id,body\n1,hello\n")


def test_jsonl_skips_bad_lines_with_their_line_numbers() -> None:
    lines = [json.dumps({"text": "نص أول", "language": "ar"}), "{not json", "[1, 2]", json.dumps({"id": "x", "text": "متن"})]
    corpus = documents_from_table("c.jsonl", "\n".join(lines).encode())
    assert corpus.documents["doc_id"].tolist() == ["c:1", "x"]
    assert [problem.source for problem in corpus.problems] == ["c.jsonl:2", "c.jsonl:3"]


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        read_corpus([tmp_path / "nope"])
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match="unsupported file type"):
        read_corpus([tmp_path / "a.pdf"])


def test_the_same_document_twice_is_analysed_once(tmp_path: Path) -> None:
    corpus = read_corpus([SEEDS, SEEDS])
    assert len(corpus.documents) == 5
    assert len(corpus.problems) == 5
    assert all("a duplicate, analysed once" in problem.message for problem in corpus.problems)
    copy = ARABIC_LINE.replace("قوات", "قُوّـــات") + "\n\n"
    corpus = documents_from_uploads({"a.txt": ARABIC_LINE.encode(), "b.txt": copy.encode(), "c.txt": "متن دیگر".encode()})
    assert corpus.documents["doc_id"].tolist() == ["a", "c"]
    assert [str(problem) for problem in corpus.problems] == ["b.txt: same outlet and text as document 'a': a duplicate, analysed once"]


def test_the_same_text_from_two_outlets_stays() -> None:
    manifest = b"file,outlet\na.txt,RT Arabic\nb.txt,Sputnik Arabic\n"
    corpus = documents_from_uploads({"a.txt": ARABIC_LINE.encode(), "b.txt": ARABIC_LINE.encode(), "manifest.csv": manifest})
    assert corpus.documents["outlet"].tolist() == ["RT Arabic", "Sputnik Arabic"]
    assert corpus.problems == []


def test_csv_fields_over_the_csv_modules_limit_are_read() -> None:
    long_text = "\n".join([ARABIC_LINE] * 2500)
    assert len(long_text) > 200_000
    data = f'id,text\nlong,"{long_text}"\nshort,{ARABIC_LINE}\n'.encode()
    documents = documents_from_table("big.csv", data).documents
    assert documents["doc_id"].tolist() == ["long", "short"]
    assert documents.loc[0, "text"] == long_text


@pytest.mark.parametrize(
    ("declared", "text", "message"),
    [
        ("fa", PERSIAN_LINE, None),
        ("ar", ARABIC_LINE, None),
        ("fa", ARABIC_LINE, "declared Persian, but most of its text reads as Arabic"),
        (
            "fa",
            "هێزەکانی ئاسایش لە شاری ئەلماتی دەستیان کرد بە گرتنی خۆپیشاندەران و حکومەت ڕایگەیاند کە بارودۆخەکە ئێستا لە ژێر کۆنتڕۆڵدایە.",
            "declared Persian, but most of its text reads as neither Persian nor Arabic",
        ),
    ],
)
def test_a_declared_language_the_text_does_not_bear_out_is_flagged(declared: str, text: str, message: str | None) -> None:
    manifest = f"file,language\na.txt,{declared}\n".encode()
    corpus = documents_from_text_files({"a.txt": text.encode()}, manifest)
    assert corpus.documents.loc[0, "language"] == declared
    assert [problem.message.split(":")[0] for problem in corpus.problems] == ([message] if message else [])


def test_clashing_doc_ids_are_made_unique(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("id,text\nsame,یک\n", encoding="utf-8")
    (tmp_path / "y.jsonl").write_text(json.dumps({"id": "same", "text": "دو"}) + "\n", encoding="utf-8")
    corpus = read_corpus([tmp_path / "x.csv", tmp_path / "y.jsonl"])
    assert corpus.documents["doc_id"].tolist() == ["same", "same~2"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("fa", "fa"), ("Persian", "fa"), ("FARSI", "fa"), ("ar", "ar"), ("Arabic", "ar"), ("", ""), (None, ""), ("en", None)],
)
def test_language_codes(value: object, expected: str | None) -> None:
    assert normalize_language_code(value) == expected


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        ("2022-01-10", {}, "2022-01-10"),
        ("2022-01-07T10:00:00+03:00", {}, "2022-01-07"),
        ("10 January 2022", {}, "2022-01-10"),
        ("Jan 6, 2022 8:13 PM", {}, "2022-01-06"),
        ("", {}, ""),
        # Solar Hijri: Persian digits, Latin digits in a Persian document, month names
        ("۱۴۰۰/۱۰/۲۰", {}, "2022-01-10"),
        ("1400-10-20", {"language": "fa"}, "2022-01-10"),
        ("«۲۰ دی ۱۴۰۰»", {}, "2022-01-10"),
        ("پنجشنبه ۲۳ دی\u200cماه ۱۴۰۰", {}, "2022-01-13"),
        ("۱۵ ژانویه ۲۰۲۲", {}, "2022-01-15"),
        ("۲۰ دی ۱۴۰۰ - ۱۰:۳۰ پیش از ظهر", {}, "2022-01-10"),
        # lunar Hijri (Umm al-Qura): month names, Arabic-Indic digits, Latin digits in an Arabic document
        ("10 جمادى الآخرة 1443 هـ", {}, "2022-01-13"),
        ("١٠ جمادى الآخرة ١٤٤٣", {}, "2022-01-13"),
        ("1443/06/10", {"language": "ar"}, "2022-01-13"),
        ("الخميس، 13 يناير 2022 - 08:13 م", {}, "2022-01-13"),
        ("13 كانون الثاني 2022", {}, "2022-01-13"),
        # day and month: unambiguous alone, else by the file's order
        ("13/01/2022", {}, "2022-01-13"),
        ("01/13/2022", {}, "2022-01-13"),
        ("06/01/2022", {"day_first": True}, "2022-01-06"),
        ("06/01/2022", {"day_first": False}, "2022-06-01"),
    ],
)
def test_dates(value: str, options: dict[str, object], expected: str) -> None:
    assert normalize_date(value, **options) == expected


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        ("now", {}, "relative date 'now' refused"),
        ("today", {}, "relative date"),
        ("امروز", {}, "relative date"),
        ("اليوم", {}, "relative date"),
        ("2 hours ago", {}, "relative date"),
        ("06/01/2022", {}, "ambiguous date '06/01/2022'"),
        ("1400-10-20", {}, "year 1400 is Solar Hijri in Persian and lunar Hijri in Arabic"),
        ("31/02/2022", {}, "not a day of the Gregorian calendar"),
        ("1400/12/30", {"language": "fa"}, "not a day of the Solar Hijri calendar"),
        ("2022", {}, "unreadable date '2022'"),
        ("January 2022", {}, "unreadable date"),
        ("soon", {}, "unreadable date 'soon'"),
        ("1700-01-01", {}, "outside 1800–2100"),
    ],
)
def test_dates_that_are_refused(value: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(DateError, match=message):
        normalize_date(value, **options)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["06/01/2022", "13/01/2022"], True),
        (["06/01/2022", "01/13/2022"], False),
        (["06/01/2022", "13/01/2022", "01/13/2022"], None),
        (["06/01/2022", "2022-01-13", "", None], None),
    ],
)
def test_day_first_order_of_a_file(values: list[object], expected: bool | None) -> None:
    assert day_first_order(values) is expected


def test_a_files_unambiguous_dates_order_its_ambiguous_ones() -> None:
    table = "id,text,date\na,متن یک,06/01/2022\nb,متن دو,13/01/2022\nc,متن سه,now\n".encode()
    corpus = documents_from_table("c.csv", table)
    assert corpus.documents["date"].tolist() == ["2022-01-06", "2022-01-13", ""]
    assert [str(problem) for problem in corpus.problems] == [
        "c: relative date 'now' refused (it would become the day of the run); give the date itself; date left empty"
    ]


def test_uploads_mix_articles_manifest_and_tables() -> None:
    manifest = b"file,outlet,language,date\nnews.txt,Tasnim,fa,2022-01-07\n"
    table = "id,text,outlet,language\nr1,متن عربي,RT Arabic,ar\n".encode()
    corpus = documents_from_uploads({"news.txt": "متن فارسی".encode(), "manifest.csv": manifest, "rows.csv": table})
    documents = corpus.documents.set_index("doc_id")
    assert sorted(documents.index) == ["news", "r1"]
    assert documents.loc["news", ["outlet", "language", "date"]].tolist() == ["Tasnim", "fa", "2022-01-07"]
    assert documents.loc["r1", ["outlet", "language"]].tolist() == ["RT Arabic", "ar"]
    assert corpus.problems == []


def test_upload_errors_are_fatal_alone_and_problems_among_others() -> None:
    with pytest.raises(CorpusError, match="no file uploaded"):
        documents_from_uploads({})
    with pytest.raises(CorpusError, match=r"unsupported file type '\.pdf'"):
        documents_from_uploads({"paper.pdf": b"%PDF-1.4"})
    with pytest.raises(CorpusError, match="no 'text' column"):
        documents_from_uploads({"rows.csv": b"id,body\n1,x\n"})
    corpus = documents_from_uploads({"paper.pdf": b"%PDF-1.4", "ok.txt": "متن".encode()})
    assert corpus.documents["doc_id"].tolist() == ["ok"]
    assert [problem.source for problem in corpus.problems] == ["paper.pdf"]
