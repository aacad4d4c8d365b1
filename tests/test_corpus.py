from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.corpus import (
    CorpusError,
    decode_text,
    documents_from_table,
    documents_from_text_files,
    documents_from_uploads,
    normalize_date,
    normalize_language_code,
    read_corpus,
)
from tests.conftest import SEEDS


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
    manifest = "file,outlet,language,date\nb.txt,X,klingon,yesterday-ish\nmissing.txt,Y,fa,2022-01-01\n".encode()
    corpus = documents_from_text_files({"b.txt": "متن خبر".encode()}, manifest)
    messages = [str(problem) for problem in corpus.problems]
    assert any("missing.txt" in message for message in messages)
    assert any("unknown language 'klingon'" in message for message in messages)
    assert any("unreadable date" in message for message in messages)
    assert corpus.documents.loc[0, "outlet"] == "X"


def test_cp1256_arabic_is_decoded() -> None:
    text = "قوات حفظ السلام تنسحب من كازاخستان"
    decoded, encoding = decode_text(text.encode("cp1256"), "old.txt")
    assert (decoded, encoding) == (text, "cp1256")


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
    data = "id,text,outlet,language,date\nr1,\"بند اول\nبند دوم\",Fars,Persian,2022-01-07\nr2,نص عربي,,ar,\n,,,,\n".encode()
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


@pytest.mark.parametrize(("value", "expected"), [("2022-01-10", "2022-01-10"), ("10 January 2022", "2022-01-10"), ("", ""), ("soon", None)])
def test_dates(value: str, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_uploads_mix_articles_manifest_and_tables() -> None:
    manifest = "file,outlet,language,date\nnews.txt,Tasnim,fa,2022-01-07\n".encode()
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
    with pytest.raises(CorpusError, match="unsupported file type '.pdf'"):
        documents_from_uploads({"paper.pdf": b"%PDF-1.4"})
    with pytest.raises(CorpusError, match="no 'text' column"):
        documents_from_uploads({"rows.csv": b"id,body\n1,x\n"})
    corpus = documents_from_uploads({"paper.pdf": b"%PDF-1.4", "ok.txt": "متن".encode()})
    assert corpus.documents["doc_id"].tolist() == ["ok"]
    assert [problem.source for problem in corpus.problems] == ["paper.pdf"]
