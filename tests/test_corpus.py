from __future__ import annotations

import datetime
import gzip
import io
import json
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from analysis import corpus as corpus_module
from analysis.corpus import (
    CorpusError,
    DateError,
    day_first_order,
    decode_bytes,
    decode_text,
    documents_from_table,
    documents_from_text_files,
    documents_from_uploads,
    documents_from_zip,
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


def test_jsonl_lines_end_at_cr_too_and_a_nested_objects_keys_are_not_checked() -> None:
    lines = [
        json.dumps({"id": "a", "text": "نص أول\u2028سطر"}, ensure_ascii=False),
        '{"id": "b", "text": "متن", "meta": {"url": 1, "URL": 2}}',
    ]
    corpus = documents_from_table("c.jsonl", "\r".join(lines).encode())  # an old Mac's line ends
    assert corpus.documents["doc_id"].tolist() == ["a", "b"]
    assert [problem.message for problem in corpus.problems] == [
        "the key 'meta' is not read (those read: id, text, outlet, language, date, url, title); rename it if it holds one of them"
    ]


def test_a_spreadsheets_empty_columns_and_cells_beyond_the_header_are_nothing() -> None:
    for table in ("id,text,outlet,,\na,متن,T,,\n", "id,text,outlet\na,متن,T,,\n"):
        corpus = documents_from_table("c.csv", table.encode())
        assert corpus.documents["outlet"].tolist() == ["T"] and corpus.problems == [], table


def test_an_empty_unnamed_column_is_not_listed_a_filled_one_is() -> None:
    assert documents_from_table("c.csv", "id,text,outlet,\na,متن,T,\n".encode()).problems == []  # a header's trailing comma
    [problem] = documents_from_table("c.csv", "id,text,outlet,\na,متن,T,x\n".encode()).problems
    assert problem.message.startswith("the column '' is not read")


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
    assert [str(problem) for problem in corpus.problems] == ["b.txt: same outlet and text as a.txt: a duplicate, analysed once"]


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
        ("20220113", {}, "2022-01-13"),
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
        # Afghan (Dari) Solar Hijri months; Algerian, Tunisian and Moroccan Gregorian ones («names a month, not a day» before)
        ("پنجشنبه ۲۳ جدی ۱۴۰۰", {}, "2022-01-13"),
        ("خبرگزاری میزان - ۱۲ آبان ۱۴۰۲", {}, "2023-11-03"),  # Mizan, the agency, is a month's name only next to a number
        ("۱۴۰۲/۰۸/۱۲ - ۱۰:۳۰ | میزان", {}, "2023-11-03"),
        ("۱۵ حمل ۱۴۰۱", {}, "2022-04-04"),
        ("الخميس 13 جانفي 2022", {}, "2022-01-13"),
        ("13 فيفري 2022", {}, "2022-02-13"),
        ("5 غشت 2022", {}, "2022-08-05"),
        # a time of day before the date (Fars, Tasnim, Akhbar El-Yom) or after it: its hour is not the day
        ("۱۳:۰۷ - ۲۳ دی ۱۴۰۰", {}, "2022-01-13"),
        # a weekday or an AM/PM before a numeric date: the file's order reads it (pandas guessed month first)
        ("Wed, 02/03/2022", {"day_first": True}, "2022-03-02"),
        ("9:00 AM 02/03/2022", {"day_first": True}, "2022-03-02"),
        ("الأربعاء 02/03/2022", {"day_first": True}, "2022-03-02"),
        ("08:13 م - 13 يناير 2022", {}, "2022-01-13"),
        ("۰۸:۱۳ - ۱۴۰۰/۱۰/۲۳", {}, "2022-01-13"),
        ("08:13 - 13/01/2022", {}, "2022-01-13"),
        ("20220113 08:13", {}, "2022-01-13"),
        # day and month: unambiguous alone, else by the file's order
        ("13/01/2022", {}, "2022-01-13"),
        ("01/13/2022", {}, "2022-01-13"),
        ("06/01/2022", {"day_first": True}, "2022-01-06"),
        ("06/01/2022", {"day_first": False}, "2022-06-01"),
        ("2022-01-14", {"today": datetime.date(2022, 1, 13)}, "2022-01-14"),
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
        ("1700-01-01", {}, "reads as 1700-01-01 \\(Gregorian\\), before 1800"),
        # after the day of the run (a day's margin: it is already the next day east of the machine)
        (
            "2022-01-15",
            {"today": datetime.date(2022, 1, 13)},
            "reads as 2022-01-15 \\(Gregorian\\), after the day of the run \\(2022-01-13\\)",
        ),
        ("2099-01-01", {}, "after the day of the run"),
        # a lunar Hijri date in Persian digits is read as Solar Hijri: 2064
        (
            "۱۴۴۳/۰۶/۰۷",
            {"today": datetime.date(2025, 1, 1)},
            "reads as 2064-08-28 \\(Solar Hijri\\), after the day of the run \\(2025-01-01\\); as a lunar Hijri date it would be 2022-01-10",
        ),
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
        # a date that is no day says nothing (2/30); one after the run is still written day first (no clock)
        (["06/01/2022", "10.01.2022", "2/30/2022"], None),
        (["06/01/2022", "13/01/2022", "2/30/2022"], True),
        (["06/01/2022", "13/01/2099"], True),
        # Hijri years in Latin digits: a day of either Hijri calendar (a Solar month has 31 days, 1443 as Solar is 2064)
        (["05/06/1443", "13/06/1443"], True),
        (["05/06/1400", "31/06/1400"], True),
        (["9:00 AM 02/03/2022", "2:30 PM 13/01/2022"], True),
        (["Wed, 02/03/2022", "Thu, 13/01/2022"], True),
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


# ---------------------------------------------------------------------------------------------
# Saved web pages and zip archives (issue 11, part 1)
# ---------------------------------------------------------------------------------------------

HTML = Path(__file__).parent / "data" / "html"
TASNIM = [
    "خروج نیروهای پیمان امنیت جمعی از قزاقستان آغاز شد",
    "به گزارش خبرگزاری تسنیم به نقل از خبرگزاری‌های روسی، نخستین گروه از نیروهای حافظ صلح سازمان پیمان امنیت جمعی امروز پس از پایان مأموریت خود خاک قزاقستان را ترک کردند.",
    "وزارت دفاع روسیه اعلام کرد که هواپیماهای ترابری نظامی این کشور نیروها و تجهیزات را از فرودگاه آلماتی به پایگاه‌های خود در روسیه بازمی‌گردانند و روند خروج تا ده روز آینده به پایان می‌رسد.",
    "قاسم جومارت توکایف، رئیس‌جمهور قزاقستان، پیش‌تر گفته بود که مأموریت اصلی این نیروها با موفقیت انجام شده و حضور آن‌ها محدود و موقت بوده است.",
    "ناآرامی‌های قزاقستان در آغاز ژانویه با اعتراض به افزایش قیمت گاز مایع آغاز شد و به درگیری‌های خشونت‌آمیز در چند شهر از جمله آلماتی انجامید که ده‌ها کشته بر جای گذاشت.",
    "تحلیلگران می‌گویند این نخستین بار است که سازمان پیمان امنیت جمعی از سازوکار دفاع جمعی خود برای اعزام نیرو به یکی از کشورهای عضو استفاده کرده است.",
]
PAGE_BOILERPLATE = ("کوکی", "سیاسی", "بیشتر بخوانید", "اخبار مرتبط", "نظر", "کلیه حقوق", "تبلیغ", "gtag", "برچسب", "اشتراک")
ARABIC_BOILERPLATE = ("ملفات تعريف", "الشرق الأوسط", "اقرأ المزيد", "الأكثر قراءة", "تعليق", "جميع الحقوق", "إعلان", "loadAds", "المصدر")


def zipped(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def html_folder_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(HTML.iterdir())}


def test_saved_pages_come_out_as_clean_paragraphs_with_title_date_and_outlet() -> None:
    corpus = read_corpus([HTML])
    assert corpus.problems == []
    documents = corpus.documents.set_index("doc_id")
    tasnim, rt, akhbar = documents.loc["tasnim_kazakhstan"], documents.loc["rt_arabic_kazakhstan"], documents.loc["akhbar_elyom_cp1256"]
    # Persian: the date only in Persian words (Solar Hijri), the site name from og:site_name, ZWNJ kept.
    assert tasnim["text"].split("\n") == TASNIM
    assert (tasnim["title"], tasnim["outlet"], tasnim["date"], tasnim["language"]) == (TASNIM[0], "خبرگزاری تسنیم", "2022-01-13", "")
    assert tasnim["url"] == "https://www.tasnimnews.com/fa/news/1400/10/23/2640000/"
    # Arabic: the date from article:published_time, the headline first, then the four paragraphs.
    lines = rt["text"].split("\n")
    assert (lines[0], len(lines), rt["outlet"], rt["date"]) == (rt["title"], 5, "RT Arabic", "2022-01-13")
    assert lines[1].startswith("أعلنت وزارة الدفاع الروسية") and lines[-1].startswith("واندلعت الاحتجاجات")
    # Windows-1256, no site name (the manifest gives the outlet), a lunar Hijri date in the text.
    assert (akhbar["outlet"], akhbar["date"], akhbar["title"]) == (
        "Akhbar El-Yom",
        "2022-01-13",
        "قمة طارئة لمنظمة الأمن الجماعي بشأن كازاخستان",
    )
    assert len(akhbar["text"].split("\n")) == 5
    for text, words in (
        (tasnim["text"], PAGE_BOILERPLATE),
        (rt["text"], ARABIC_BOILERPLATE),
        (akhbar["text"], ("عاجل", "موضوعات ذات صلة", "كلمات البحث", "حقوق النشر")),
    ):
        assert not [word for word in words if word in text]


def test_each_page_records_the_characters_kept_and_dropped() -> None:
    pages = read_corpus([HTML]).pages.set_index("source")
    assert sorted(pages.index) == ["akhbar_elyom_cp1256.html", "rt_arabic_kazakhstan.html", "tasnim_kazakhstan.html"]
    assert (pages["kept_characters"] + pages["dropped_characters"] == pages["page_characters"]).all()
    assert pages.loc["tasnim_kazakhstan.html", "kept_characters"] == len(" ".join(TASNIM))
    assert (pages["dropped_characters"] > 250).all()
    assert read_corpus([SEEDS]).pages.empty


def test_the_manifest_wins_over_what_the_page_says() -> None:
    files = html_folder_files()
    files["manifest.csv"] = (
        "file,outlet,language,date,title\ntasnim_kazakhstan.html,Tasnim,fa,۱۴۰۰/۱۰/۲۰,عنوان\nmissing.html,X,,,\n".encode()
    )
    corpus = documents_from_uploads(files)
    row = corpus.documents.set_index("doc_id").loc["tasnim_kazakhstan"]
    assert (row["outlet"], row["language"], row["date"], row["title"]) == ("Tasnim", "fa", "2022-01-10", "عنوان")
    assert [str(problem) for problem in corpus.problems] == ["manifest.csv: lists 'missing.html', which is not among the files"]


def test_a_manifest_row_for_a_table_or_a_file_in_an_archive_says_why_it_applies_to_nothing() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("a.txt", "نیروهای حافظ صلح وارد قزاقستان شدند و در آلماتی مستقر شدند.")
    manifest = b"file,outlet\nrows.csv,Tasnim\na.txt,Fars\n"
    rows = "text,outlet\nقال المتحدث إن القوات ستغادر كازاخستان فور انتهاء مهمتها.,RT\n".encode()
    corpus = documents_from_uploads({"manifest.csv": manifest, "rows.csv": rows, "texts.zip": archive.getvalue()})
    assert [str(problem) for problem in corpus.problems] == [
        "manifest.csv: lists 'a.txt', which is not among the files (a manifest applies to the files beside it: the files of "
        "texts.zip take the manifest in their folder of the archive)",
        "manifest.csv: lists 'rows.csv', a .csv file: a manifest describes .txt files and saved pages; a table's rows give their "
        "own outlet, language and date (its columns), an archive's files the manifest inside it; not applied",
    ]  # both were "which is not among the files", beside the files uploaded with it


PERSIAN_PAGE = (HTML / "tasnim_kazakhstan.html").read_bytes()
ENGLISH_PAGE = (
    "<html lang='en'><head><title>Troops leave</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Troops leave</h1>"
    + "<p>The first peacekeepers left Kazakhstan on Thursday after their mission ended, the Russian defence ministry said.</p>" * 4
    + "</article></body></html>"
).encode()


@pytest.mark.parametrize(
    ("name", "data", "message", "documents"),
    [
        (
            "plain.html",
            "یک متن ساده بدون هیچ برچسبی".encode(),
            "plain.html: not an HTML page (no HTML markup found); save plain text as .txt",
            0,
        ),
        ("empty.html", b"", "empty.html: empty file, nothing to analyse", 0),
        (
            "blank.htm",
            b"<html><body>\n</body></html>",
            "blank.htm: nothing extracted: the page has no visible text, only markup or scripts; skipped",
            0,
        ),
        (
            "script.html",
            b"<html><body><script>document.write('<p>news</p>')</script></body></html>",
            "script.html: nothing extracted: the page has no visible text",
            0,
        ),
        ("png.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "png.html: looks like a binary file (NUL bytes), not text", 0),
        (
            "pdf.html",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "pdf.html: a PDF document, not text; save its text as .txt, or the web page itself as .html",
            0,
        ),
        ("cut.html", gzip.compress(PERSIAN_PAGE)[:200], "cut.html: gzip-compressed, but cut short (an unfinished download?); skipped", 0),
        ("english.html", ENGLISH_PAGE, "english.html: the article text is not in Arabic script (the page says lang='en')", 1),
    ],
)
def test_a_bad_page_is_one_line_and_the_others_are_read(name: str, data: bytes, message: str, documents: int) -> None:
    corpus = documents_from_uploads({name: data, "good.html": PERSIAN_PAGE})
    assert len(corpus.problems) == 1 and str(corpus.problems[0]).startswith(message)
    assert sorted(corpus.documents["doc_id"])[: documents + 1] == sorted(["good", *([Path(name).stem] if documents else [])])


def test_a_gzip_file_of_several_members_is_read_whole() -> None:
    half = len(PERSIAN_PAGE) // 2
    two_members = gzip.compress(PERSIAN_PAGE[:half]) + gzip.compress(PERSIAN_PAGE[half:])  # as `cat a.gz b.gz` writes it
    read = documents_from_uploads({"page.html": two_members}).documents
    whole = documents_from_uploads({"page.html": PERSIAN_PAGE}).documents
    assert read["text"].tolist() == whole["text"].tolist()  # it was cut after the first member, without a word


def test_a_zip_is_read_like_a_folder() -> None:
    members: dict[str, bytes | str] = {f"news/{name}": data for name, data in html_folder_files().items()}
    members |= {"news/": "", "__MACOSX/news/._tasnim_kazakhstan.html": "x", "news/.DS_Store": "x", "Thumbs.db": "x"}
    members |= {"seeds/" + path.name: path.read_bytes() for path in SEEDS.iterdir() if path.suffix in (".txt", ".csv")}
    members |= {"rows.jsonl": json.dumps({"id": "j1", "text": ARABIC_LINE}, ensure_ascii=False) + "\n", "photo.jpg": b"\xff\xd8"}
    corpus = documents_from_uploads({"corpus.zip": zipped(members)})
    folder = read_corpus([HTML, SEEDS])
    assert [str(problem) for problem in corpus.problems] == [
        "photo.jpg: unsupported file type '.jpg'; use .txt, .html, .htm, .mhtml, .mht, .csv, .jsonl, .ndjson, .zip; skipped"
    ]
    documents = corpus.documents.set_index("doc_id")
    expected = folder.documents.set_index("doc_id")
    assert sorted(documents.index) == sorted([*expected.index, "j1"])
    columns = ["outlet", "language", "date", "title", "text"]
    assert documents.loc[expected.index, columns].equals(expected[columns])
    assert documents.loc["tasnim_kazakhstan", "source"] == "news/tasnim_kazakhstan.html"
    assert sorted(corpus.pages["source"]) == sorted(f"news/{name}" for name in folder.pages["source"])


def test_a_zip_path_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "pages.zip"
    path.write_bytes(zipped({"a.html": PERSIAN_PAGE}))
    corpus = read_corpus([path])
    assert (corpus.documents["doc_id"].tolist(), corpus.problems) == (["a"], [])


def test_a_name_twice_in_a_zip_is_read_once_and_listed() -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        archive.writestr("a.txt", PERSIAN_LINE)
        archive.writestr("a.txt", ARABIC_LINE)
    corpus = documents_from_uploads({"twice.zip": buffer.getvalue()})
    assert corpus.documents["text"].tolist() == [PERSIAN_LINE]
    assert [str(problem) for problem in corpus.problems] == [
        "twice.zip:a.txt: in the archive twice; the first copy is read, the other skipped"
    ]


def test_zip_safety(monkeypatch: pytest.MonkeyPatch) -> None:
    page = {"ok.html": PERSIAN_PAGE}
    refused = documents_from_zip("x.zip", zipped({**page, "../evil.txt": "متن", "/etc/passwd.txt": "متن", "C:/w.txt": "متن"}))
    assert refused.documents["doc_id"].tolist() == ["ok"]
    assert [str(problem) for problem in refused.problems] == [
        f"x.zip: refused {name!r}: an absolute name or one with '..' (outside the archive)"
        for name in ("../evil.txt", "/etc/passwd.txt", "C:/w.txt")
    ]
    assert [str(problem) for problem in documents_from_zip("b.zip", b"PK\x03\x04 cut short").problems] == [
        "b.zip: not a readable zip archive (File is not a zip file), skipped"
    ]
    inner = documents_from_zip("o.zip", zipped({**page, "in.zip": zipped(page)}))
    assert [str(problem) for problem in inner.problems] == [
        "in.zip: an archive inside an archive is not read; unpack it and give its files"
    ]
    assert [str(problem) for problem in documents_from_zip("e.zip", zipped({})).problems] == ["e.zip: empty archive, nothing to analyse"]
    # A size declared far beyond the limit (a zip bomb) refuses the archive before anything is unpacked.
    data = bytearray(zipped(page))
    header = data.index(b"PK\x01\x02")
    data[header + 24 : header + 28] = struct.pack("<I", 0xFFFFFFF0)
    bomb = documents_from_zip("bomb.zip", bytes(data))
    assert bomb.documents.empty
    assert [str(problem) for problem in bomb.problems] == [
        "bomb.zip: refused: its files would unpack to 4.0 GB, more than the 2.0 GB allowed (a zip bomb?); unpack it yourself and give the folder"
    ]
    monkeypatch.setattr(corpus_module, "MAX_ARCHIVE_FILES", 2)
    many = documents_from_zip("many.zip", zipped({f"{number}.txt": ARABIC_LINE for number in range(3)}))
    assert [str(problem) for problem in many.problems] == ["many.zip: refused: holds 3 files, more than the 2 allowed"]
    monkeypatch.setattr(corpus_module, "MAX_ARCHIVE_MEMBER_BYTES", 1000)
    big = documents_from_zip("big.zip", zipped({"big.txt": "ا" * 2000, "small.txt": ARABIC_LINE}))
    assert big.documents["doc_id"].tolist() == ["small"]
    assert [str(problem) for problem in big.problems] == ["big.txt: unpacks to 3.9 KB, more than the 1000 bytes allowed per file, skipped"]


def test_two_uploads_of_one_name_are_both_read_and_listed() -> None:
    corpus = documents_from_uploads([("a.txt", PERSIAN_LINE.encode()), ("a.txt", ARABIC_LINE.encode())])
    assert sorted(corpus.documents["text"]) == sorted([PERSIAN_LINE, ARABIC_LINE])
    assert [str(problem) for problem in corpus.problems] == ["a.txt: another uploaded file has this name; this one is read as 'a (2).txt'"]
