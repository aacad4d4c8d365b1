"""Bad, odd and hostile text input through the real command line: one row per case (issue 9).

Each row builds an input in a temporary folder, runs ``framing analyze`` on it and says the exit
status, a message that must be printed (stderr or stdout; "" for none), and what must be kept in
``paragraphs.csv``. No row may print a traceback. The model is a fake that, like the real one,
reads only the first ``MODEL_WINDOW_CHARS`` characters of a text; the themes are a small file, so
the suite runs in seconds.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import random
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cli
from analysis.embed import Embedder
from analysis.text import MODEL_WINDOW_CHARS
from tests.helpers import SEEDS, SMALL, FakeEncoder

PERSIAN = [
    "نیروهای حافظ صلح سازمان پیمان امنیت جمعی پس از پایان مأموریت خود از قزاقستان خارج می‌شوند.",
    "رئیس‌جمهور قزاقستان گفت ناآرامی‌ها تلاشی برای کودتا بود و تروریست‌ها از خارج آموزش دیده بودند.",
    "پوتین در نشست اضطراری گفت مأموریت نیروها محدود و موقت است و به زودی پایان می‌یابد.",
    "وزارت خارجه ایران از ثبات در آسیای مرکزی حمایت کرد و خواستار گفت‌وگو میان طرفین شد.",
    "گزارش‌ها حاکی است که صدها نفر در درگیری‌های آلماتی بازداشت شده‌اند و اینترنت قطع است.",
    "سخنگوی دولت اعلام کرد که قیمت سوخت به سطح پیشین بازمی‌گردد تا اعتراض‌ها فروکش کند.",
    "تحلیلگران می‌گویند حضور نیروهای روسی می‌تواند نفوذ مسکو را در منطقه افزایش دهد.",
    "فرودگاه آلماتی پس از چند روز تعطیلی دوباره به روی پروازهای داخلی و خارجی باز شد.",
    "دبیرکل سازمان پیمان امنیت جمعی گفت خروج نیروها ظرف ده روز انجام خواهد شد.",
]
ARABIC = [
    "قالت وزارة الدفاع الروسية إن قوات حفظ السلام ستغادر كازاخستان بعد انتهاء مهمتها المحدودة.",
    "وصف رئيس كازاخستان الاحتجاجات بأنها محاولة انقلاب نفذها إرهابيون تلقوا تدريبا في الخارج.",
    "وأكد المتحدث أن القوات لن تشارك في العمليات الأمنية وأن دورها يقتصر على حماية المنشآت.",
    "أعلنت السلطات إعادة فتح مطار ألماتي بعد أيام من الإغلاق بسبب أعمال العنف.",
]
SORANI = "هێزەکانی ئاسایش لە شاری ئەلماتی دەستیان کرد بە گرتنی خۆپیشاندەران و حکومەت ڕایگەیاند کە بارودۆخەکە ئێستا لە ژێر کۆنتڕۆڵدایە."
URDU = "قازقستان میں پرتشدد مظاہروں کے بعد روسی قیادت والے اتحاد نے اپنے فوجی دستے بھیجنے کا اعلان کیا ہے۔"
PASHTO = "د قزاقستان حکومت وویل چې د سولې ساتونکي ځواکونه به ډېر ژر له هېواده ووځي او دا ماموریت لنډمهاله دی."
ARTICLE_FA = "\n".join(PERSIAN)
ARTICLE_AR = "\n".join(ARABIC)

Check = Callable[[pd.DataFrame, dict], None]


@dataclass(frozen=True)
class Case:
    """One row: how the input is built, the exit status, a message that must appear, what must be kept.

    ``build`` writes files into a folder and returns the command-line paths. ``keep`` lists texts
    that must be kept paragraphs of ``paragraphs.csv`` (exactly, once each); ``check`` asserts
    anything more on the table and ``run.json``.
    """

    name: str
    build: Callable[[Path], list[str]]
    status: int
    message: str
    keep: tuple[str, ...] = ()
    check: Check | None = None


# ---------------------------------------------------------------------------------------------
# Input builders
# ---------------------------------------------------------------------------------------------


def txt(data: bytes | str, name: str = "article.txt", manifest: str | None = None) -> Callable[[Path], list[str]]:
    """One article file (in a folder when a manifest is given)."""

    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
        if manifest is None:
            return [str(folder / name)]
        (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
        return [str(folder)]

    return build


def files(contents: dict[str, bytes | str]) -> Callable[[Path], list[str]]:
    """A folder of files (articles, manifest)."""

    def build(folder: Path) -> list[str]:
        for name, data in contents.items():
            (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
        return [str(folder)]

    return build


def table(name: str, rows: list[dict[str, str]]) -> Callable[[Path], list[str]]:
    """A .csv or .jsonl articles file."""

    def build(folder: Path) -> list[str]:
        path = folder / name
        if name.endswith(".csv"):
            pd.DataFrame(rows).to_csv(path, index=False)
        else:
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        return [str(path)]

    return build


def inputs(*builds: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    """Several inputs on one command line."""

    def build(folder: Path) -> list[str]:
        return [path for one in builds for path in one(folder)]

    return build


def raw(name: str, data: bytes) -> Callable[[Path], list[str]]:
    """Any file, as bytes."""

    def build(folder: Path) -> list[str]:
        (folder / name).write_bytes(data)
        return [str(folder / name)]

    return build


def dated(*dates: str, language: str = "") -> Callable[[Path], list[str]]:
    """One article per date (two paragraphs each), described by a manifest."""
    contents: dict[str, bytes | str] = {f"a{number}.txt": f"{PERSIAN[number]}\n{PERSIAN[number + 1]}" for number in range(len(dates))}
    lines = [f"a{number}.txt,Tasnim,{language},{date}" for number, date in enumerate(dates)]
    contents["manifest.csv"] = "file,outlet,language,date\n" + "\n".join(lines) + "\n"
    return files(contents)


def with_byte(text: str, byte: bytes, after_chars: int) -> bytes:
    """UTF-8 text with a stray byte inserted after some characters."""
    return text[:after_chars].encode() + byte + text[after_chars:].encode()


def wrong_seed_copies(folder: Path) -> list[str]:
    """``framing analyze seeds seeds``."""
    return [str(SEEDS), str(SEEDS)]


def missing(folder: Path) -> list[str]:
    return [str(folder / "nope")]


def traversal(folder: Path) -> list[str]:
    """A manifest naming a file outside its folder, whose content must never be read."""
    (folder / "secret.txt").write_text("SECRET-CONTENT کلمه رمز", encoding="utf-8")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE_FA, encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "file,outlet,language\na.txt,Tasnim,fa\n../secret.txt,Evil,fa\n/etc/hostname,Evil,fa\n", encoding="utf-8"
    )
    return [str(corpus)]


def not_files(folder: Path) -> list[str]:
    """A folder with an article, a broken link, a link to itself and a named pipe."""
    (folder / "a.txt").write_text(ARTICLE_FA, encoding="utf-8")
    (folder / "dangling.txt").symlink_to("nothere.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    os.mkfifo(folder / "pipe.txt")
    return [str(folder)]


HTML_FIXTURES = Path(__file__).parent.parent / "data" / "html"
PERSIAN_PAGE = (HTML_FIXTURES / "tasnim_kazakhstan.html").read_bytes()


HEADLINE = "خروج نیروها از قزاقستان آغاز شد"


def paragraphs_html(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def page(paragraphs: list[str], lang: str = "fa", headline: str = HEADLINE) -> bytes:
    """A saved news page: navigation, a cookie banner, the article, related links, comments, scripts."""
    body = f"<h1>{headline}</h1>" + paragraphs_html(paragraphs)
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{headline}</title>"
        "<script>var ads = 1;</script></head><body><div class='cookie-banner'>We use cookies. <button>OK</button></div>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article>{body}</article><aside class='related'><a href='/x'>Related story one</a> <a href='/y'>Related story two</a></aside>"
        "<section id='comments'><p>A reader's comment, not part of the story at all.</p></section><script>track();</script></body></html>"
    ).encode()


def zipped(members: dict[str, bytes | str], name: str = "corpus.zip", declare: int | None = None) -> Callable[[Path], list[str]]:
    """A zip archive of files; ``declare`` overwrites the first file's declared unpacked size (a zip bomb's header)."""

    def build(folder: Path) -> list[str]:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        data = bytearray(buffer.getvalue())
        if declare is not None:
            header = data.index(b"PK\x01\x02")
            data[header + 24 : header + 28] = struct.pack("<I", declare)
        (folder / name).write_bytes(bytes(data))
        return [str(folder / name)]

    return build


def legacy_zip(members: dict[bytes, str], name: str = "legacy.zip") -> Callable[[Path], list[str]]:
    """A zip whose names are raw bytes without the UTF-8 flag, as tools writing a legacy code page leave them."""

    def build(folder: Path) -> list[str]:
        placeholders = {f"{number:0{len(raw)}d}".encode(): raw for number, raw in enumerate(members)}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for placeholder, text in zip(placeholders, members.values(), strict=True):
                archive.writestr(placeholder.decode(), text)
        data = buffer.getvalue()
        for placeholder, raw in placeholders.items():
            data = data.replace(placeholder, raw)
        (folder / name).write_bytes(data)
        return [str(folder / name)]

    return build


def page_record(source: str, kept: int) -> Check:
    """The page's characters: ``kept`` kept, the rest of its visible text dropped, in ``run.json``'s pages."""

    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        record = next(row for row in run["pages"] if row["source"] == source)
        assert record["kept_characters"] == kept and record["dropped_characters"] > 0
        assert record["kept_characters"] + record["dropped_characters"] == record["page_characters"]

    return check


def no_secret(paragraphs: pd.DataFrame, run: dict) -> None:
    assert "SECRET" not in paragraphs.to_csv() + json.dumps(run, ensure_ascii=False)


def outlets(*expected: str) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert paragraphs.drop_duplicates("doc_id")["outlet"].tolist() == list(expected)

    return check


# ---------------------------------------------------------------------------------------------
# Checks on the output
# ---------------------------------------------------------------------------------------------


def column(name: str, expected: list[object]) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert paragraphs[name].tolist() == expected

    return check


def dates(*expected: str) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert paragraphs.drop_duplicates("doc_id")["date"].tolist() == list(expected)

    return check


def problem(start: str) -> Check:
    """A problem listed in ``run.json`` starts so."""

    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert any(line.startswith(start) for line in run["problems"]), run["problems"]

    return check


def documents(count: int, paragraphs_count: int | None = None) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert run["documents"] == count
        assert paragraphs_count is None or len(paragraphs) == paragraphs_count

    return check


def all_of(*checks: Check) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        for one in checks:
            one(paragraphs, run)

    return check


def dropped_as(text: str, reason: str) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        row = paragraphs[paragraphs.text == text]
        assert row["kept"].tolist() == [False] and row["drop_reason"].tolist() == [reason]

    return check


def counted_as(text: str, language: str, note: str) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        row = paragraphs[paragraphs.text == text].iloc[0]
        assert (row.kept, row.language, row.note) == (True, language, note)

    return check


def wire_copies(paragraphs: pd.DataFrame, run: dict) -> None:
    first, second = paragraphs[paragraphs.doc_id == "a"], paragraphs[paragraphs.doc_id == "b"]
    assert second["kept"].all()
    assert second["duplicate_of"].tolist() == first["paragraph_id"].tolist()
    assert (first["duplicate_of"] == "").all()
    assert set(paragraphs.drop_duplicates("doc_id")["outlet"]) == {"RT Arabic", "Sputnik Arabic"}


def long_paragraph(length: int) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        row = paragraphs[paragraphs.text.str.len() == length].iloc[0]
        assert row.kept and row.note.startswith(f"long paragraph ({length:,} characters)")

    return check


def nothing_secret(paragraphs: pd.DataFrame, run: dict) -> None:
    assert not paragraphs.text.str.contains("SECRET").any()
    assert "SECRET" not in json.dumps(run, ensure_ascii=False)
    assert paragraphs.outlet.unique().tolist() == ["Tasnim"]


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------

FIVE_MB = "\n".join(PERSIAN * 4) + "\n"
FIVE_MB = FIVE_MB * (5_000_000 // len(FIVE_MB.encode()) + 1)
LONG_FIELD = " ".join(ARABIC * 700)
CUT = len(PERSIAN[0]) // 2
BROKEN_JSONL = "\n".join(
    [
        json.dumps({"text": ARABIC[0]}, ensure_ascii=False),
        "{not json",
        "[1, 2]",
        json.dumps({"text": PERSIAN[0]}, ensure_ascii=False),
    ]
).encode()


def html_page(article: str, head: str = "", lang: str = "fa", after: str = "") -> bytes:
    """A saved page around an article's markup: ``head`` goes in <head>, ``after`` after the article."""
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{HEADLINE}</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{HEADLINE}</h1>{article}</article>{after}</body></html>"
    ).encode()


def web_archive(html: bytes) -> bytes:
    """A browser's "single file" save (MHTML) of a page, quoted-printable as Chromium writes it."""
    import quopri

    return (
        b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.tasnimnews.com/fa/news/1\r\nSubject: x\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="----B"\r\n\r\n\r\n'
        b"------B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        b"Content-Location: https://www.tasnimnews.com/fa/news/1\r\n\r\n" + quopri.encodestring(html) + b"\r\n------B--\r\n"
    )


def kept_count(count: int) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert int(paragraphs["kept"].sum()) == count

    return check


CP1256_PAGE = (
    "<html lang='ar'><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'></head><body><article>"
    + paragraphs_html(ARABIC)
    + "</article></body></html>"
).encode("cp1256")
BR_LAYOUT = (
    f"<div class='story'>{PERSIAN[0]}<br><br><div class='ad-slot' id='div-gpt-ad-1'></div>{PERSIAN[1]}<br><br>"
    f"<div class='photo'><img src='/a.jpg'></div>{PERSIAN[2]}<br><br>{PERSIAN[3]}</div>"
)
OPEN_FONTS = "".join(f"<font size='2'><p>{PERSIAN[number % 9]} ({number})</p>" for number in range(300))
OPEN_FONTS_BR = (  # no <article> nor a class naming the story: trafilatura's fallback reads it, and stops at depth 255
    f"<!DOCTYPE html><html lang='fa'><head><meta charset='utf-8'><title>{HEADLINE}</title></head><body>"
    "<nav><a href='/'>Home</a></nav><div>"
    + "".join(f"<font face='Tahoma'><b>{PERSIAN[number % 9]} ({number})<br><br>" for number in range(300))
    + "</div></body></html>"
).encode()
OPEN_DIVS = "".join(f"<div>{text}<br><br>" for text in PERSIAN[:4])
TEXT_AD = "تبلیغات: بلیت هواپیما به آلماتی را با بهترین قیمت از ما بخرید و تخفیف بگیرید"
COMMENT_FA = "به نظر من این تصمیم بسیار اشتباه بود و مردم قزاقستان باید خودشان تصمیم بگیرند که چه کسی بر آنها حکومت کند"
CARD_AR = "عقد قادة الدول الأعضاء في منظمة معاهدة الأمن الجماعي قمة طارئة عبر الفيديو لبحث الأوضاع في كازاخستان"
COPYRIGHT_AR = "جميع الحقوق محفوظة لموقع الأخبار ولا يجوز إعادة النشر دون إذن مسبق من إدارة الموقع."
ABOUT_FA = "خبرگزاری نمونه در سال ۱۳۸۱ تأسیس شد و اخبار سیاسی، اقتصادی، فرهنگی و ورزشی ایران و جهان را شبانه‌روز پوشش می‌دهد."
ABOUT_AR = "وكالة الأنباء مؤسسة إعلامية مستقلة تأسست عام ألفين وتقدم الأخبار العاجلة والتحليلات من العالم العربي على مدار الساعة."
COMMENT_AR = "هذا القرار خاطئ تماما ويجب على شعب كازاخستان أن يقرر مصيره بنفسه دون أي تدخل خارجي"


def no_kept_text_holds(part: str) -> Check:
    def check(paragraphs: pd.DataFrame, run: dict) -> None:
        assert not paragraphs.loc[paragraphs["kept"], "text"].str.contains(part).any()

    return check


DEEP = "<div>" * 3000 + paragraphs_html(PERSIAN[:3]) + "</div>" * 3000

PAGE_FA = page(PERSIAN[:4])
CASES = [
    # issue 11: saved web pages and zip archives
    Case(
        "saved Persian page: the article only, outlet from og:site_name, Solar Hijri date from the text",
        raw("tasnim.html", PERSIAN_PAGE),
        0,
        "",
        (
            "به گزارش خبرگزاری تسنیم به نقل از خبرگزاری‌های روسی، نخستین گروه از نیروهای حافظ صلح سازمان پیمان امنیت جمعی امروز پس از پایان مأموریت خود خاک قزاقستان را ترک کردند.",
        ),
        all_of(dates("2022-01-13"), outlets("خبرگزاری تسنیم"), documents(1, 6)),
    ),
    Case(
        "saved pages in a folder with a manifest",
        files({"a.html": PAGE_FA, "manifest.csv": "file,outlet\na.html,Fars\n"}),
        0,
        "",
        tuple(PERSIAN[:4]),
        outlets("Fars"),
    ),
    Case(
        "an .html file that is not HTML",
        txt(ARTICLE_FA, name="a.html"),
        1,
        "a.html: not an HTML page (no HTML markup found); save plain text as .txt",
    ),
    Case("an empty .html page", raw("e.html", b""), 1, "e.html: empty file, nothing to analyse"),
    Case(
        "a page that is only a script",
        files({"s.html": "<html><head><script>document.write('<p>خبر</p>')</script></head><body></body></html>", "a.txt": ARTICLE_AR}),
        0,
        "s.html: nothing extracted: the page has no visible text, only markup or scripts; skipped",
        tuple(ARABIC),
    ),
    Case(
        "a page in English",
        files(
            {
                "en.html": page(
                    ["The first peacekeepers left Kazakhstan on Thursday after their mission ended, officials said."] * 3,
                    "en",
                    "Troops leave",
                ),
                "a.txt": ARTICLE_AR,
            }
        ),
        0,
        "en.html: the article text is not in Arabic script (the page says lang='en'): its paragraphs are dropped",
        tuple(ARABIC),
    ),
    Case(
        "a binary file named .html",
        raw("p.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        1,
        "p.html: looks like a binary file (NUL bytes), not text",
    ),
    Case(
        "a zip of pages, text, CSV and JSONL, read like a folder; macOS and hidden files skipped silently",
        zipped(
            {
                "news/": "",
                "news/a.html": PAGE_FA,
                "news/b.txt": ARTICLE_AR,
                "news/manifest.csv": "file,outlet\na.html,Fars\nb.txt,RT Arabic\n",
                "rows.csv": f"id,text\nr1,{PERSIAN[4]}\n",
                "rows.jsonl": json.dumps({"id": "j1", "text": PERSIAN[5]}, ensure_ascii=False) + "\n",
                "__MACOSX/news/._a.html": "x",
                "news/.DS_Store": "x",
            }
        ),
        0,
        "",
        (*PERSIAN[:6], *ARABIC),
        all_of(outlets("Fars", "RT Arabic", "unknown", "unknown"), page_record("news/a.html", len(" ".join([HEADLINE, *PERSIAN[:4]])))),
    ),
    Case(
        "a zip naming ../ or absolute paths",
        zipped({"a.txt": ARTICLE_FA, "../evil.txt": "SECRET-CONTENT", "/etc/hostname.txt": "SECRET-CONTENT"}),
        0,
        "corpus.zip: refused '../evil.txt': an absolute name or one with '..' (outside the archive)",
        tuple(PERSIAN),
        no_secret,
    ),
    Case(
        "a zip bomb (declares 4 GB)",
        zipped({"a.txt": ARTICLE_FA}, declare=0xFFFFFFF0),
        1,
        "corpus.zip: refused: its files would unpack to 4.0 GB, more than the 2.0 GB allowed (a zip bomb?)",
    ),
    Case(
        "a broken zip", raw("cut.zip", b"PK\x03\x04\x14\x00 cut short"), 1, "cut.zip: not a readable zip archive (File is not a zip file)"
    ),
    Case(
        "a zip with an unsupported file and a zip inside",
        zipped({"a.txt": ARTICLE_FA, "photo.jpg": b"\xff\xd8\xff", "inner.zip": b"PK\x05\x06" + bytes(18)}),
        0,
        "photo.jpg: unsupported file type '.jpg'",
        tuple(PERSIAN),
    ),
    # 4. UTF-8 with a few bad bytes, and real Windows-1256
    Case(
        "utf8 with one 0xFF byte",
        txt(with_byte(ARTICLE_FA, b"\xff", CUT)),
        0,
        f"1 byte not valid UTF-8 (the first at byte offset {len(PERSIAN[0][:CUT].encode())}): read as UTF-8",
        tuple(PERSIAN[1:]),
        column("language", ["fa"] * 9),
    ),
    Case(
        "utf8 cut inside a character",
        txt(ARTICLE_FA[:-1].encode()[:-1]),
        0,
        "1 byte not valid UTF-8",
        tuple(PERSIAN[:-1]),
        column("text", [*PERSIAN[:-1], PERSIAN[-1][:-2] + "\ufffd"]),
    ),
    Case(
        "utf8 with bad bytes in every paragraph",
        txt("\n".join(p[:10] + "\udcff" + p[10:] for p in PERSIAN).encode("utf-8", "surrogateescape")),
        0,
        "9 bytes not valid UTF-8",
        (),
        documents(1, 9),
    ),
    Case("windows-1256 Arabic file, identical to UTF-8", txt(ARTICLE_AR.encode("cp1256")), 0, "", tuple(ARABIC)),
    Case(
        "latin-1 file is refused, not garbled",
        txt("Café, résumé et naïveté: les troupes partent.".encode("latin-1")),
        1,
        "cannot decode the bytes as UTF-8 or Windows-1256",
    ),
    # 5. UTF-16
    Case("utf-16 LE without BOM", txt(ARTICLE_FA.encode("utf-16-le")), 0, "", tuple(PERSIAN)),
    Case("utf-16 BE without BOM", txt(ARTICLE_AR.encode("utf-16-be")), 0, "", tuple(ARABIC)),
    Case("utf-16 with BOM, identical to UTF-8", txt(ARTICLE_FA.encode("utf-16")), 0, "", tuple(PERSIAN)),
    Case("utf-8 with BOM, identical to UTF-8", txt(b"\xef\xbb\xbf" + ARTICLE_AR.encode()), 0, "", tuple(ARABIC)),
    # 6. duplicates
    Case(
        "the same article under two names",
        files({"a.txt": ARTICLE_AR, "b.txt": ARTICLE_AR.replace("قوات", "قُوّـات") + "\n\n"}),
        0,
        "b.txt: same outlet and text as a.txt: a duplicate, analysed once",
        tuple(ARABIC),
        documents(1, 4),
    ),
    Case("framing analyze seeds seeds", wrong_seed_copies, 0, "a duplicate, analysed once", (), documents(5, 104)),
    Case(
        "a wire copy in two outlets stays, marked",
        files(
            {
                "a.txt": ARTICLE_AR,
                "b.txt": ARTICLE_AR,
                "manifest.csv": "file,outlet,language\na.txt,RT Arabic,ar\nb.txt,Sputnik Arabic,ar\n",
            }
        ),
        0,
        "",
        (),
        wire_copies,
    ),
    # 7. other Arabic-script languages
    Case(
        "a Sorani paragraph in a Persian article",
        txt(f"{ARTICLE_FA}\n{SORANI}"),
        0,
        "",
        tuple(PERSIAN),
        dropped_as(SORANI, "not Persian or Arabic (detected: other)"),
    ),
    Case(
        "an Urdu paragraph in an Arabic article",
        txt(f"{ARTICLE_AR}\n{URDU}"),
        0,
        "",
        tuple(ARABIC),
        dropped_as(URDU, "not Persian or Arabic (detected: other)"),
    ),
    Case(
        "a Pashto paragraph in a Persian article",
        txt(f"{ARTICLE_FA}\n{PASHTO}"),
        0,
        "",
        tuple(PERSIAN),
        dropped_as(PASHTO, "not Persian or Arabic (detected: other)"),
    ),
    Case(
        "a Sorani article declared Persian",
        files(
            {
                "ku.txt": f"{SORANI}\n{SORANI.replace('ئاسایش', 'پۆلیس')}",
                "fa.txt": ARTICLE_FA,
                "manifest.csv": "file,language\nku.txt,fa\nfa.txt,fa\n",
            }
        ),
        0,
        "ku.txt: declared Persian, but most of its text reads as neither Persian nor Arabic",
        tuple(PERSIAN),
    ),
    # 8. a Persian paragraph in an Arabic article
    Case(
        "a Persian paragraph in an Arabic article",
        txt(f"{ARTICLE_AR}\n{PERSIAN[0]}", manifest="file,language\narticle.txt,ar\n"),
        0,
        "",
        (*ARABIC, PERSIAN[0]),
        counted_as(PERSIAN[0], "fa", "Persian paragraph in an Arabic document: counted as Persian"),
    ),
    # 9. dates
    Case("Solar Hijri in Persian digits", dated("۱۴۰۰/۱۰/۲۰"), 0, "", (), dates("2022-01-10")),
    Case("Solar Hijri in Latin digits, Persian declared", dated("1400-10-20", language="fa"), 0, "", (), dates("2022-01-10")),
    Case("Solar Hijri with a month name", dated("«۲۰ دی ۱۴۰۰»", "پنجشنبه ۲۳ دی‌ماه ۱۴۰۰"), 0, "", (), dates("2022-01-10", "2022-01-13")),
    Case("lunar Hijri with an Arabic month name", dated("10 جمادى الآخرة 1443 هـ"), 0, "", (), dates("2022-01-13")),
    Case(
        "Hijri year of unknown calendar",
        dated("1400-10-20"),
        0,
        "year 1400 is Solar Hijri in Persian and lunar Hijri in Arabic",
        (),
        dates(""),
    ),
    Case("'now' is refused", dated("now", "2022-01-07"), 0, "relative date 'now' refused", (PERSIAN[0],), dates("", "2022-01-07")),
    Case("'امروز' is refused", dated("امروز"), 0, "relative date 'امروز' refused", (), dates("")),
    Case("day-first file", dated("06/01/2022", "13/01/2022"), 0, "", (), dates("2022-01-06", "2022-01-13")),
    Case("month-first file", dated("06/01/2022", "01/13/2022"), 0, "", (), dates("2022-06-01", "2022-01-13")),
    Case(
        "an impossible date does not order the file's day and month",
        dated("06/01/2022", "10.01.2022", "2/30/2022"),
        0,
        "ambiguous date '06/01/2022'",
        (),
        dates("", "", ""),
    ),
    Case("ambiguous date", dated("06/01/2022", "07/01/2022"), 0, "ambiguous date '06/01/2022'", (PERSIAN[0],), dates("", "")),
    Case("impossible date", dated("31/02/2022"), 0, "is not a day of the Gregorian calendar", (), dates("")),
    Case(
        "ISO timestamps in a day-first file keep their month",
        dated("13/01/2022", "2022-01-07T23:30:00Z", "2022-01-08T01:00:00+03:30"),
        0,
        "",
        (),
        dates("2022-01-13", "2022-01-07", "2022-01-08"),
    ),
    Case(
        "a time of day before the date (as Fars and Akhbar El-Yom print it)",
        dated("۱۳:۰۷ - ۲۳ دی ۱۴۰۰", "08:13 م - 13 يناير 2022", "۰۸:۱۳ - ۱۴۰۰/۱۰/۲۳"),
        0,
        "",
        (),
        dates("2022-01-13", "2022-01-13", "2022-01-13"),
    ),
    Case(
        "a date after the day of the run (a lunar Hijri date read as Solar Hijri, 2099)",
        dated("۱۴۴۳/۰۶/۰۷", "2099-01-01", "2022-01-13"),
        0,
        "a1.txt: date '2099-01-01' reads as 2099-01-01 (Gregorian), after the day of the run",
        (),
        all_of(
            dates("", "", "2022-01-13"), problem("a0.txt: date '۱۴۴۳/۰۶/۰۷' reads as 2064-08-28 (Solar Hijri), after the day of the run")
        ),
    ),
    Case("a month without a day", dated("01/2022", "2022-02"), 0, "date '01/2022' names a month, not a day", (), dates("", "")),
    Case(
        "languages with a region or in Persian",
        table(
            "regions.csv",
            [{"text": ARABIC[0], "language": "ar-SA"}, {"text": PERSIAN[0], "language": "fa_IR"}, {"text": ARABIC[1], "language": "عربی"}],
        ),
        0,
        "",
        (ARABIC[0], PERSIAN[0], ARABIC[1]),
        column("language", ["ar", "fa", "ar"]),
    ),
    # hostile tables and archives (session 17)
    Case(
        "a CSV row with more cells than the header",
        raw("comma.csv", f"id,outlet,text\nr1,Tasnim,{PERSIAN[0]}, {PERSIAN[1]}\nr2,Tasnim,{PERSIAN[2]}\n".encode()),
        0,
        "comma.csv: row 1 has 4 cells under a header of 3 (an unquoted comma in the text?); quote the text, skipped",
        (PERSIAN[2],),
        documents(1, 1),
    ),
    Case(
        "a CSV naming its text column twice",
        raw("twice.csv", f"id,text,Text\nr1,{PERSIAN[0]},{ARABIC[0]}\n".encode()),
        2,
        "twice.csv: the column 'text' appears more than once; rename or remove one",
    ),
    Case(
        "a JSONL line escaping half a character",
        raw("half.jsonl", ('{"id": "a", "text": "' + PERSIAN[0] + ' \\ud800"}\n{"id": "b", "text": "' + ARABIC[0] + '"}\n').encode()),
        0,
        "half.jsonl:1: an escape for half a character (a lone surrogate such as \\ud800), replaced by \ufffd",
        (PERSIAN[0] + " \ufffd", ARABIC[0]),
    ),
    Case(
        "zip entries named ./a.txt and c/./d.txt",
        zipped({"./a.txt": PERSIAN[0], "c/./d.txt": ARABIC[0], "ok.txt": PERSIAN[1]}, name="dots.zip"),
        0,
        "",
        (PERSIAN[0], ARABIC[0], PERSIAN[1]),
        documents(3),
    ),
    Case(
        "a saved page laid out in a table",
        raw(
            "table.htm",
            (
                "<html lang='fa'><body><article><h1>"
                + HEADLINE
                + "</h1><table><tr><td>"
                + PERSIAN[0]
                + "</td></tr><tr><td>"
                + PERSIAN[1]
                + "</td><td>"
                + PERSIAN[2]
                + "</td></tr></table></article></body></html>"
            ).encode(),
        ),
        0,
        "",
        (HEADLINE, PERSIAN[0], PERSIAN[1], PERSIAN[2]),
    ),
    Case(
        "a manifest listing one file twice",
        txt(ARTICLE_FA, name="a.txt", manifest="file,outlet,language\na.txt,Tasnim,fa\na.txt,Fars,ar\n"),
        0,
        "manifest.csv: row 2 lists 'a.txt' again; its first row is used",
        tuple(PERSIAN[:4]),
        outlets("Tasnim"),
    ),
    Case(
        "a broken link, a looping link and a pipe in a folder",
        not_files,
        0,
        "dangling.txt: not a readable file (a broken link, a pipe…), skipped",
        tuple(PERSIAN[:4]),
    ),
    # saved web pages, a second audit (session 18)
    Case(
        "a UTF-8 page with one stray byte stays UTF-8",
        raw("a.html", html_page(paragraphs_html(PERSIAN[:3])).replace(PERSIAN[1].encode(), with_byte(PERSIAN[1], b"\xff", 10))),
        0,
        "a.html: 1 byte not valid UTF-8",
        (PERSIAN[0], PERSIAN[2]),
    ),
    Case(
        "a Windows-1256 page declaring a Latin charset",
        raw("a.html", CP1256_PAGE),
        0,
        "a.html: declares the charset 'iso-8859-1' but reads as Windows-1256 (Arabic script): read as Windows-1256",
        tuple(ARABIC),
    ),
    Case(
        "a <br><br> page with an empty ad slot and a photo between paragraphs",
        raw("a.html", html_page(BR_LAYOUT)),
        0,
        "",
        tuple(PERSIAN[:4]),
    ),
    Case("a page of 300 <font> tags left open (deeper than 256)", raw("a.html", html_page(OPEN_FONTS)), 0, "", (), kept_count(301)),
    Case(
        "a <br><br> page of 300 paragraphs, each opening a <font> and a <b> never closed (600 deep)",
        raw("a.html", OPEN_FONTS_BR),
        0,
        "",
        (),
        kept_count(301),
    ),
    Case("a <br><br> page whose paragraphs each open a <div> never closed", raw("a.html", html_page(OPEN_DIVS)), 0, "", tuple(PERSIAN[:4])),
    Case(
        'a text ad in a <div class="advert"> or <div class="top-ad"> between paragraphs (<p> and <br><br> pages)',
        files(
            {
                "a.html": html_page(
                    f"{paragraphs_html(PERSIAN[:1])}<div class='advert'><p>{TEXT_AD}</p></div>{paragraphs_html(PERSIAN[1:3])}"
                ),
                "b.html": html_page(
                    f"<div class='story'>{PERSIAN[3]}<br><br><div class='top-ad'>{TEXT_AD}</div>{PERSIAN[4]}<br><br></div>"
                ),
            }
        ),
        0,
        "",
        tuple(PERSIAN[:5]),
        no_kept_text_holds("تبلیغات"),
    ),
    Case(
        'ads in a Drupal <div class="block block-ads">, a sponsored box with its own <h4>, a promo box of two <p>',
        raw(
            "a.html",
            html_page(
                f"{paragraphs_html(PERSIAN[:1])}<div id='block-ads-inarticle' class='block block-ads'><p>{TEXT_AD}</p></div>"
                f"{paragraphs_html(PERSIAN[1:2])}<div class='sponsored-content'><h4>تبلیغات</h4><p>{TEXT_AD}</p></div>"
                f"{paragraphs_html(PERSIAN[2:3])}<div class='promo-box'><p>{TEXT_AD}</p><p>تبلیغات ویژه برای خوانندگان</p></div>"
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:3]),
        no_kept_text_holds("تبلیغات"),
    ),
    Case(
        'a one-paragraph news item in <div class="story show-ads">, no <article>: what its class calls an ad is the article',
        raw(
            "a.html",
            (
                f"<!DOCTYPE html><html lang='fa'><head><meta charset='utf-8'><title>{HEADLINE}</title></head><body>"
                f"<nav><a href='/'>Home</a></nav><div class='story show-ads'>{paragraphs_html(PERSIAN[7:8])}</div></body></html>"
            ).encode(),
        ),
        0,
        "",
        tuple(PERSIAN[7:8]),
    ),
    Case(
        'a short article in <div class="story no-ads"> (a class saying there are no ads)',
        raw(
            "a.html",
            (
                f"<!DOCTYPE html><html lang='fa'><head><meta charset='utf-8'><title>{HEADLINE}</title></head><body>"
                f"<nav><a href='/'>Home</a></nav><div class='story no-ads'><h2>{HEADLINE}</h2>{paragraphs_html(PERSIAN[5:7])}</div>"
                "</body></html>"
            ).encode(),
        ),
        0,
        "",
        tuple(PERSIAN[5:7]),
    ),
    Case(
        "a page nested 3,000 elements deep",
        raw("a.html", html_page(DEEP)),
        0,
        "a.html: nested more than 2,048 elements deep: the parser stops there, so the text below that depth and after it is not read",
    ),
    Case(
        "a page date from its meta tag, not from its URL, headline, text, comments or last change",
        raw(
            "a.html",
            html_page(
                f"<p>{PERSIAN[0]} در تاریخ 2021-12-20</p><h2>رویدادها از 2022/01/02</h2><p>{PERSIAN[1]}</p>",
                head="<link rel='canonical' href='https://www.tasnimnews.com/fa/news/2021/12/31/1/'>"
                "<meta property='article:modified_time' content='2022-03-01T08:00:00Z'>"
                "<meta property='article:published_time' content='2022-01-13T10:00:00+03:30'>",
                after="<section id='comments'><span class='cm-time'>2022-02-20 10:22</span><p>نظر یک خواننده</p></section>",
            ),
        ),
        0,
        "",
        (PERSIAN[1],),
        dates("2022-01-13"),
    ),
    Case(
        "a page whose only date is its last change, with a visible date",
        raw(
            "a.html",
            html_page(
                f"<div class='date'>۲۳ دی ۱۴۰۰</div>{paragraphs_html(PERSIAN[:2])}",
                head="<meta property='article:modified_time' content='2022-03-01'>",
                after="<div class='comments'><span class='date'>2022-02-20</span></div>",
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:2]),
        dates("2022-01-13"),
    ),
    Case(
        "a Persian page marked lang=ar with a numeric Solar Hijri date",
        raw("a.html", html_page(paragraphs_html(PERSIAN[:3]), head="<meta name='date' content='1400/10/23'>", lang="ar")),
        0,
        "",
        tuple(PERSIAN[:3]),
        dates("2022-01-13"),
    ),
    Case(
        "a page date that cannot be a day",
        raw("a.html", html_page(paragraphs_html(PERSIAN[:2]), head="<meta property='article:published_time' content='2022-02-30'>")),
        0,
        "; date left empty",
        tuple(PERSIAN[:2]),
        dates(""),
    ),
    Case(
        "a page whose publisher meta is a copyright line",
        raw("a.html", html_page(paragraphs_html(ARABIC), head="<meta name='copyright' content='جميع الحقوق محفوظة © 2022'>", lang="ar")),
        0,
        "",
        tuple(ARABIC),
        outlets("unknown"),
    ),
    Case(
        "two pages of one site, one without a site name: one outlet",
        files(
            {
                "a.html": html_page(
                    paragraphs_html(ARABIC[:2]),
                    head="<link rel='canonical' href='https://arabic.rt.com/world/1/'><meta property='og:site_name' content='RT Arabic'>",
                    lang="ar",
                ),
                "b.html": html_page(
                    paragraphs_html(ARABIC[2:]), head="<link rel='canonical' href='https://arabic.rt.com/world/2/'>", lang="ar"
                ),
            }
        ),
        0,
        "",
        tuple(ARABIC),
        outlets("RT Arabic", "RT Arabic"),
    ),
    Case(
        "pages of one site on its www, m. and bare hosts, one naming the site",
        files(
            {
                "a.html": html_page(
                    paragraphs_html(PERSIAN[:2]),
                    head="<link rel='canonical' href='https://www.farsnews.ir/news/1'><meta property='og:site_name' content='Fars'>",
                ),
                "b.html": html_page(paragraphs_html(PERSIAN[2:4]), head="<link rel='canonical' href='https://m.farsnews.ir/news/2'>"),
                "c.html": html_page(paragraphs_html(PERSIAN[4:6]), head="<link rel='canonical' href='https://WWW.farsnews.ir:443/news/3'>"),
            }
        ),
        0,
        "",
        tuple(PERSIAN[:6]),
        outlets("Fars", "Fars", "Fars"),
    ),
    Case(
        "a page declaring UTF-8 with one Latin-1 byte, and one declaring the codec hex",
        files(
            {
                "a.html": b"<html><head><meta charset='utf-8'></head><body><article><p>"
                + PERSIAN[0].encode()
                + b" caf\xe9</p></article></body></html>",
                "b.html": b"<html><head><meta charset='hex'></head><body><article><p>"
                + PERSIAN[1].encode()
                + b" caf\xe9</p></article></body></html>",
            }
        ),
        0,
        "b.html: 1 byte not valid UTF-8",
        (PERSIAN[0] + " caf\ufffd", PERSIAN[1] + " caf\ufffd"),
    ),
    Case(
        "a page with a control-character reference inside a paragraph, a human-rights outlet and a publisher URL",
        raw(
            "a.html",
            html_page(
                paragraphs_html([PERSIAN[0] + "&#1;", PERSIAN[1]]),
                head="<meta property='og:site_name' content='المرصد السوري لحقوق الإنسان'>"
                "<meta property='article:publisher' content='https://www.facebook.com/profile.php?id=100064539190123'>",
            ),
        ),
        0,
        "a.html: 1 character reference to characters that are not text",
        (PERSIAN[0], PERSIAN[1]),
        all_of(outlets("المرصد السوري لحقوق الإنسان"), dates("")),
    ),
    Case(
        "a page with 40 header-like lines before its markup, and JSON-LD nested 100,000 deep",
        raw(
            "a.html",
            b"a: b\r\n" * 40
            + html_page(
                paragraphs_html(PERSIAN[:2]), head='<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:2]),
    ),
    Case(
        "a share bar and a 'news code | date' line as loose text before the paragraphs are not kept",
        raw(
            "a.html",
            html_page(
                "<div class='content'>اشتراک گذاری: <a href='#'>تلگرام</a> <a href='#'>واتساپ</a> <a href='#'>توییتر</a>"
                + paragraphs_html(PERSIAN[:2])
                + "</div><div class='content'>کد خبر: ۱۲۳۴۵۶۷ <span>|</span> ۲۳ دی ۱۴۰۰ - ۱۴:۳۰"
                + paragraphs_html(PERSIAN[2:4])
                + "</div>"
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:4]),
        kept_count(5),
    ),
    Case(
        "a <br><br> paragraph holding an invisible <meta> or Word's <o:p> stays one paragraph",
        raw(
            "a.html",
            html_page(
                f"<div class='text'>{PERSIAN[0]}<br><br>{PERSIAN[1][:30]}<meta itemprop='wordCount' content='300'>{PERSIAN[1][30:]}"
                f"<br><br>{PERSIAN[2][:30]}<o:p></o:p>{PERSIAN[2][30:]}<br><br><div class='ad'></div>{PERSIAN[3]}</div>"
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:4]),
        kept_count(5),
    ),
    Case(
        "dates: the site header's day, a sidebar, an update line, a comment's microdata, a WordPress category «تعليقات»",
        raw(
            "a.html",
            html_page(
                "<time>۱۴:۳۰ - ۲۳ دی ۱۴۰۰</time>" + paragraphs_html(PERSIAN[:2]),
                head="",
                after="<aside class='most-read'><span class='date'>۱۴۰۰/۰۹/۱۲</span></aside>"
                "<section id='comments'><meta itemprop='datePublished' content='2022-02-20'></section>",
            )
            .replace(
                b"<body>",
                b"<body><header><div class='header-date'>\xd8\xb4\xd9\x86\xd8\xa8\xd9\x87 \xdb\xb2\xdb\xb5 \xd8\xaf\xdb\x8c \xdb\xb1\xdb\xb4\xdb\xb0\xdb\xb0</div></header>",
            )
            .replace(
                b"<article>",
                "<article class='post category-تعليقات-سياسية'><div class='date'><span>به‌روزرسانی: ۲۵ دی ۱۴۰۰</span></div>".encode(),
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:2]),
        dates("2022-01-13"),
    ),
    Case(
        "dates in two calendars, and a JSON-LD graph listing related articles first",
        files(
            {
                "a.html": html_page(paragraphs_html(ARABIC[:2]), lang="ar").replace(
                    b"<article>", "<article><span class='date'>الخميس، 13 يناير 2022 - 10 جمادى الآخرة 1443 هـ</span>".encode()
                ),
                "b.html": html_page(
                    paragraphs_html(ARABIC[2:]),
                    head='<script type="application/ld+json">{"@graph": [{"@type": "ItemList", "itemListElement": [{"@type": "ListItem", '
                    '"item": {"@type": "NewsArticle", "datePublished": "2021-11-02"}}]}, {"@type": "NewsArticle", "datePublished": '
                    '"2022-01-14T09:00:00+03:00"}]}</script>',
                    lang="ar",
                ),
            }
        ),
        0,
        "",
        tuple(ARABIC),
        dates("2022-01-13", "2022-01-14"),
    ),
    Case(
        "a web archive whose root part is named by 'start' after an ad frame, labelled windows-1256 but in UTF-8",
        raw(
            "a.mhtml",
            b'MIME-Version: 1.0\r\nContent-Type: multipart/related; type="text/html"; start="<main>"; boundary="B"\r\n\r\n'
            b"--B\r\nContent-Type: text/html; charset=utf-8\r\nContent-ID: <ad>\r\n\r\n"
            + html_page(paragraphs_html(["إعلان: اشترك الآن واحصل على خصم كبير على جميع الرحلات الجوية هذا الشهر"]), lang="ar")
            + b"\r\n--B\r\nContent-Type: text/html; charset=windows-1256\r\nContent-ID: <main>\r\n\r\n"
            + html_page(paragraphs_html(ARABIC), lang="ar")
            + b"\r\n--B--\r\n",
        ),
        0,
        "",
        tuple(ARABIC),
        kept_count(len(ARABIC) + 1),
    ),
    Case(
        "a page laid out in a table whose one cell holds the paragraphs",
        files(
            {
                "a.html": html_page("<table><tr><td>" + paragraphs_html(PERSIAN[:3]) + "</td></tr></table>"),
                "b.html": html_page("<table><tr><td><font>" + "<br><br>".join(ARABIC) + "</font></td></tr></table>", lang="ar"),
            }
        ),
        0,
        "",
        (*PERSIAN[:3], *ARABIC),
    ),
    Case(
        'a zip of a "save as complete" page: its _files folder is not read',
        zipped(
            {
                "news.html": html_page(paragraphs_html(PERSIAN[:2])),
                "news_files/ad.html": html_page(paragraphs_html(ARABIC[:2]), lang="ar"),
                "news_files/s.css": "p{}",
            }
        ),
        0,
        "news_files/: the files saved with the page news.html (its images, styles and frames), not articles; 2 files skipped",
        tuple(PERSIAN[:2]),
        documents(1),
    ),
    Case(
        "a page whose article is in an iframe srcdoc",
        raw("a.html", html_page("<iframe srcdoc='" + paragraphs_html(PERSIAN[:3]) + "'></iframe>")),
        0,
        "a.html: an inline frame (iframe srcdoc) holds",
    ),
    Case(
        "a page with character references to a lone surrogate and a control character",
        raw("a.html", html_page(paragraphs_html([PERSIAN[0][:10] + "&#xD800;" + PERSIAN[0][10:], PERSIAN[1] + "&#x1F;"]))),
        0,
        "a.html: 2 character references to characters that are not text",
        (PERSIAN[1],),
    ),
    Case(
        "a page without <article> whose site header is a <div id='header'> showing the day's date; an article's own header",
        files(
            {
                "a.html": "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body>"
                "<div id='header'><div class='logo'>خبرگزاری نمونه</div><span class='date'>یکشنبه ۲۶ دی ۱۴۰۰</span></div>"
                "<div class='top_bar'><span class='time'>۲۶ دی ۱۴۰۰</span></div><div class='news-body'><h1>" + HEADLINE + "</h1>"
                "<div class='news-date'>پنجشنبه ۲۳ دی ۱۴۰۰</div>" + paragraphs_html(PERSIAN[:2]) + "</div></body></html>",
                "b.html": "<html lang='fa'><head><meta charset='utf-8'></head><body><div class='news'><div class='header'><h1>"
                + HEADLINE
                + "</h1><span class='date'>۲۴ دی ۱۴۰۰</span></div>"
                + paragraphs_html(PERSIAN[2:4])
                + "</div></body></html>",
            }
        ),
        0,
        "",
        tuple(PERSIAN[:4]),
        dates("2022-01-13", "2022-01-14"),
    ),
    Case(
        "readers' comments under «نظرات کاربران» or «التعليقات (8)» in a section not named 'comments' (nazarat, ta3liqat)",
        files(
            {
                "a.html": html_page(
                    paragraphs_html(PERSIAN[:2]),
                    after="<div class='nazarat'><h3>نظرات کاربران</h3>"
                    + "".join(f"<div class='cm'><b>کاربر {number}</b><p>{COMMENT_FA} {number}</p></div>" for number in range(8))
                    + "</div>",
                ),
                "b.html": html_page(
                    paragraphs_html(ARABIC[:2]),
                    lang="ar",
                    after="<div id='ta3liqat'><div class='box'><h4>التعليقات (8)</h4></div>"
                    + "".join(f"<div class='item'><b>زائر</b><p>{COMMENT_AR} {number}</p></div>" for number in range(8))
                    + "</div>",
                ),
            }
        ),
        0,
        "",
        (*PERSIAN[:2], *ARABIC[:2]),
        all_of(kept_count(6), no_kept_text_holds(COMMENT_FA), no_kept_text_holds(COMMENT_AR)),
    ),
    Case(
        "an article with a part headed «دیدگاه‌ها» (views), which is no comments heading",
        files({"a.html": html_page(paragraphs_html(PERSIAN[:1]) + "<h3>دیدگاه‌ها</h3>" + paragraphs_html(PERSIAN[1:3]))}),
        0,
        "",
        PERSIAN[:3],
        kept_count(4),  # the headline and the three paragraphs
    ),
    Case(
        "pages the rules that take boxes out must leave whole: a WordPress post (a linked <h2>, no <h1>), comments linked "
        "from the article's header, a related list in the body's box, sidebar cards with <h1>s before the story, a date in "
        "the article's own header (review of the rules above)",
        files(
            {
                "card.html": "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body><main>"
                "<article class='post'><h2 class='entry-title'><a href='https://example.ir/news/1'>" + HEADLINE + "</a></h2>"
                "<div class='entry-content'>" + paragraphs_html(PERSIAN[:2]) + "</div></article></main>"
                "<div class='about'><p>" + ABOUT_FA + "</p></div></body></html>",
                "meta.html": "<html lang='ar'><head><meta charset='utf-8'><title>عنوان</title></head><body><div class='post'>"
                "<h1>عنوان الخبر</h1><div class='post-meta'><h5><a href='#comments'>التعليقات (3)</a></h5></div>"
                "<div class='entry'>" + paragraphs_html(ARABIC[:3]) + "</div><div id='comments'><h3>التعليقات</h3>"
                "<p>" + COMMENT_AR + "</p></div></div></body></html>",
                "related.html": "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body>"
                "<div class='container'><h1>"
                + HEADLINE
                + "</h1><p class='lead'>"
                + PERSIAN[3]
                + "</p><div class='news-body'>"
                + paragraphs_html(PERSIAN[4:6])
                + "<h3>اخبار مرتبط</h3><ul><li><a href='/1'>دیدار لاوروف</a></li></ul></div></div></body></html>",
                "sidebar.html": "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body>"
                "<aside><section class='most-read'>"
                + "".join(f"<article class='card'><h1><a href='/n/{n}'>خبر {n}</a></h1><p>{PERSIAN[8]}</p></article>" for n in (7, 8))
                + "</section></aside><main><article class='news'><h1>"
                + HEADLINE
                + "</h1>"
                + paragraphs_html(PERSIAN[6:8])
                + "</article></main></body></html>",
                "header.html": "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body>"
                "<div class='news'><div class='header'><span class='date'>۱۲ آبان ۱۴۰۲</span></div><h1>" + HEADLINE + "</h1>"
                "<div class='body'>" + paragraphs_html(PERSIAN[2:3]) + "</div></div><div class='latest'><h3>آخرین اخبار</h3>"
                "<ul><li><a href='/n/9'>بارش برف</a> <span class='date'>۱۵ آبان ۱۴۰۲</span></li></ul></div></body></html>",
            }
        ),
        0,
        "",
        (*PERSIAN[:8], *ARABIC[:3]),
        all_of(no_kept_text_holds(COMMENT_AR), dates("", "2023-11-03", "", "", "")),  # card, header, meta, related, sidebar
    ),
    Case(
        "a page saved with the next article loaded by scrolling (two <article>s with an <h1> each)",
        raw(
            "a.html",
            (
                "<html lang='ar'><head><meta charset='utf-8'><title>انسحاب القوات</title></head><body>"
                + "".join(
                    f"<article><h1>{headline}</h1><time datetime='{date}'>{date}</time>{paragraphs_html(texts)}</article>"
                    for headline, date, texts in (
                        ("بدء انسحاب القوات من كازاخستان", "2022-01-13", ARABIC[:2]),
                        ("وزير الخارجية الروسي يزور طهران", "2022-01-20", ARABIC[2:]),
                    )
                )
                + "</body></html>"
            ).encode(),
        ),
        0,
        "a.html: holds 2 articles, each an <article> with its own headline (a page that loads the next article as it is "
        "scrolled): the first is read, the next 1 left out; save each article as a page of its own",
        tuple(ARABIC[:2]),
        all_of(kept_count(3), column("title", ["بدء انسحاب القوات من كازاخستان"] * 3), dates("2022-01-13")),
    ),
    Case(
        "a page whose article is in <main> and cards of other articles are <article>s ('more on')",
        raw(
            "a.html",
            (
                "<html lang='ar'><head><meta charset='utf-8'><title>انسحاب القوات</title></head><body><main><h1>بدء انسحاب القوات</h1>"
                f"<div class='wysiwyg'>{paragraphs_html(ARABIC)}</div></main><div class='more-on'><h2>المزيد من سياسة</h2>"
                + "".join(f"<article class='gc'><h3><a href='/{n}'>قمة طارئة {n}</a></h3><p>{CARD_AR} {n}</p></article>" for n in range(2))
                + "</div></body></html>"
            ).encode(),
        ),
        0,
        "",
        tuple(ARABIC),
        all_of(kept_count(5), no_kept_text_holds(CARD_AR)),
    ),
    Case(
        "pages saved from the Wayback Machine (every link on web.archive.org), one naming its site, one not",
        files(
            {
                "a.html": html_page(
                    paragraphs_html(PERSIAN[:2]),
                    head="<link rel='canonical' href='https://web.archive.org/web/20220113101010/https://www.tasnimnews.com/fa/news/1'>"
                    "<meta property='og:site_name' content='خبرگزاری تسنیم'>",
                ),
                "b.html": html_page(
                    paragraphs_html(PERSIAN[2:4]),
                    head="<link rel='canonical' href='https://web.archive.org/web/20220114093000id_/http://www.farsnews.ir/news/2'>",
                ),
            }
        ),
        0,
        "",
        tuple(PERSIAN[:4]),
        all_of(
            outlets("خبرگزاری تسنیم", "farsnews.ir"),
            column("url", ["https://www.tasnimnews.com/fa/news/1"] * 3 + ["http://www.farsnews.ir/news/2"] * 3),
        ),
    ),
    Case(
        "a one-paragraph brief above a copyright notice in a <div> (trafilatura reads short pages more widely)",
        raw(
            "a.html",
            (
                "<html lang='ar'><head><meta charset='utf-8'><title>عنوان الخبر</title></head><body><div class='content'><h1>عنوان الخبر</h1>"
                f"{paragraphs_html(ARABIC[:1])}</div><div id='foot'><p>{COPYRIGHT_AR}</p></div></body></html>"
            ).encode(),
        ),
        0,
        "",
        tuple(ARABIC[:1]),
        all_of(kept_count(2), dropped_as(COPYRIGHT_AR, "copyright notice")),
    ),
    Case(
        "pages whose scripts write the article, saved without it: its text only in JSON-LD articleBody, or in <noscript>",
        files(
            {
                "a.html": (
                    "<html lang='ar'><head><meta charset='utf-8'><title>انسحاب القوات</title><script type='application/ld+json'>"
                    + json.dumps({"@type": "NewsArticle", "datePublished": "2022-01-13", "articleBody": "\n\n".join(ARABIC[:2])})
                    + "</script></head><body><div id='root'></div><script src='/app.js'></script></body></html>"
                ).encode(),
                "b.html": (
                    "<html lang='fa'><head><meta charset='utf-8'><title>"
                    + HEADLINE
                    + "</title></head><body><noscript>"
                    + paragraphs_html(PERSIAN[:2])
                    + "</noscript><div id='app'></div></body></html>"
                ).encode(),
            }
        ),
        0,
        "a.html: the page shows no article text (its scripts write it): read from its JSON-LD articleBody",
        (*ARABIC[:2], *PERSIAN[:2]),
        all_of(documents(2), dates("2022-01-13", "")),
    ),
    Case(
        "a page whose article holds a list (<ul><li>, <ol><li>)",
        raw(
            "a.html",
            html_page(paragraphs_html(PERSIAN[:2]) + f"<ul><li>{PERSIAN[2]}</li><li>{PERSIAN[3]}</li></ul><ol><li>{PERSIAN[4]}</li></ol>"),
        ),
        0,
        "",
        tuple(PERSIAN[:5]),
        kept_count(6),
    ),
    Case(
        "a page without <article> listing the latest news with their dates before its own headline and date",
        raw(
            "a.html",
            (
                "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body><div class='right-col'>"
                "<div class='last-news'><ul><li><a href='/1'>افزایش قیمت دلار</a> <span class='date'>۱۴۰۰/۰۹/۱۲</span></li></ul></div></div>"
                "<div class='left-col'><div class='news'><div class='title'><h1>" + HEADLINE + "</h1></div><div class='info'>"
                "<span class='news-date'>پنجشنبه ۲۳ دی ۱۴۰۰</span></div>" + paragraphs_html(PERSIAN[:3]) + "</div></div></body></html>"
            ).encode(),
        ),
        0,
        "",
        tuple(PERSIAN[:3]),
        dates("2022-01-13"),
    ),
    Case(
        "a one-paragraph brief beside boxes headed «درباره ما», «پربازدیدترین», «من نحن», «النشرة البريدية»",
        files(
            {
                "a.html": (
                    "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body><div class='col-md-8 news'>"
                    f"<h1>{HEADLINE}</h1><p>{PERSIAN[0]}</p></div><div class='col-md-4 box'><h3>درباره ما</h3><p>{ABOUT_FA}</p></div>"
                    f"<div class='col-md-4 box'><div class='box-title'><h3>پربازدیدترین‌ها</h3></div><p>{PERSIAN[8]}</p></div></body></html>"
                ).encode(),
                "b.html": (
                    "<html lang='ar'><head><meta charset='utf-8'><title>عنوان الخبر</title></head><body><div class='col-md-8 news'>"
                    f"<h1>عنوان الخبر</h1><p>{ARABIC[0]}</p></div><div class='col-md-4 box'><h3>من نحن</h3><p>{ABOUT_AR}</p></div>"
                    "<div class='col-md-4 box'><h3>النشرة البريدية</h3><p>احصل على أهم الأخبار يوميا في بريدك الإلكتروني مجانا وكن أول من "
                    "يعرف بالأحداث.</p></div></body></html>"
                ).encode(),
            }
        ),
        0,
        "",
        (PERSIAN[0], ARABIC[0]),
        kept_count(4),
    ),
    Case(
        "an Internet Explorer .mht (base64, Windows-1256, the page's address only in its part's Content-Location)",
        raw(
            "a.mht",
            b'From: <Saved by Windows Internet Explorer 8>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html";'
            b'\r\n\tboundary="----=_NextPart_000"\r\n\r\n------=_NextPart_000\r\nContent-Type: text/html;\r\n\tcharset="windows-1256"\r\n'
            b"Content-Transfer-Encoding: base64\r\nContent-Location: http://www.akhbarelyom.com/news/1\r\n\r\n"
            + base64.encodebytes(CP1256_PAGE)
            + b"\r\n------=_NextPart_000--\r\n",
        ),
        0,
        "",
        tuple(ARABIC),
        all_of(outlets("akhbarelyom.com"), column("url", ["http://www.akhbarelyom.com/news/1"] * 4)),
    ),
    Case(
        "a page saved gzip-compressed, as the server sent it",
        raw("a.html", gzip.compress(html_page(paragraphs_html(PERSIAN[:3])))),
        0,
        "",
        tuple(PERSIAN[:3]),
    ),
    Case(
        "a page whose one <h1> is the site's logo, and one titled «site - headline» without an <h1>",
        files(
            {
                "a.html": "<html lang='fa'><head><meta charset='utf-8'><title>" + HEADLINE + " | خبرگزاری فارس</title>"
                "<meta property='og:site_name' content='خبرگزاری فارس'></head><body><div class='header'><h1 class='logo'>"
                "<a href='/'>خبرگزاری فارس</a></h1></div><div class='body'>" + paragraphs_html(PERSIAN[:2]) + "</div></body></html>",
                "b.html": "<html lang='fa'><head><meta charset='utf-8'><title>خبرگزاری فارس - " + HEADLINE + "</title>"
                "<meta property='og:site_name' content='خبرگزاری فارس'></head><body><div class='body'>"
                + paragraphs_html(PERSIAN[2:4])
                + "</div></body></html>",
            }
        ),
        0,
        "",
        tuple(PERSIAN[:4]),
        all_of(column("text", [HEADLINE, *PERSIAN[:2], HEADLINE, *PERSIAN[2:4]]), column("title", [HEADLINE] * 6)),
    ),
    Case(
        "an Afghan (Dari) page dated «۲۳ جدی ۱۴۰۰», an Algerian one «13 جانفي 2022»",
        files(
            {
                "a.html": html_page("<span class='date'>پنجشنبه ۲۳ جدی ۱۴۰۰</span>" + paragraphs_html(PERSIAN[:2])),
                "b.html": html_page("<span class='date'>الخميس 13 جانفي 2022</span>" + paragraphs_html(ARABIC[:2]), lang="ar"),
            }
        ),
        0,
        "",
        (*PERSIAN[:2], *ARABIC[:2]),
        all_of(dates("2022-01-13", "2022-01-13"), dropped_as("پنجشنبه ۲۳ جدی ۱۴۰۰", "dateline/byline")),
    ),
    Case(
        "a Persian page writing its ZWNJs as character references (&zwnj;, &#8204;, &#x200C;)",
        raw(
            "a.html",
            html_page(
                paragraphs_html([PERSIAN[0].replace("\u200c", "&zwnj;"), PERSIAN[1].replace("\u200c", "&#8204;")])
                + paragraphs_html([PERSIAN[2].replace("\u200c", "&#x200C;")])
            ),
        ),
        0,
        "",
        tuple(PERSIAN[:3]),
    ),
    Case(
        "a zip whose file name is decomposed (macOS) and its manifest's composed",
        zipped(
            {
                unicodedata.normalize("NFD", "آخرین_أخبار.html"): html_page(paragraphs_html(ARABIC), lang="ar"),
                "manifest.csv": "file,outlet,date\n" + unicodedata.normalize("NFC", "آخرین_أخبار.html") + ",روسيا اليوم,2022-01-14\n",
            }
        ),
        0,
        "",
        tuple(ARABIC),
        all_of(outlets("روسيا اليوم"), dates("2022-01-14")),
    ),
    Case(
        "saved web archives (MHTML), as .mhtml and named .html",
        files(
            {
                "a.mhtml": web_archive(html_page(paragraphs_html(PERSIAN[:2]))),
                "b.html": web_archive(html_page(paragraphs_html(PERSIAN[2:4]))),
            }
        ),
        0,
        "",
        tuple(PERSIAN[:4]),
        all_of(documents(2), outlets("tasnimnews.com", "tasnimnews.com")),
    ),
    # 10. long text
    Case(
        "CSV with a 200,000-character field",
        table(
            "big.csv",
            [
                {"id": "long", "text": LONG_FIELD, "language": "ar"},
                {"id": "short", "text": ARABIC[0], "language": "ar"},
            ],
        ),
        0,
        "",
        (LONG_FIELD, ARABIC[0]),
        long_paragraph(len(LONG_FIELD)),
    ),
    Case(
        "JSONL with a 200,000-character field",
        table("big.jsonl", [{"text": LONG_FIELD}]),
        0,
        "",
        (LONG_FIELD,),
        long_paragraph(len(LONG_FIELD)),
    ),
    Case("5 MB text file, read whole", txt(FIVE_MB), 0, "", tuple(PERSIAN), documents(1, FIVE_MB.count("\n"))),
    # keep right
    Case(
        "JSONL strings holding a raw U+2028 or U+0085 (json.dumps writes them so)",
        table("breaks.jsonl", [{"id": "ls", "text": ARABIC[0] + "\u2028" + ARABIC[1]}, {"id": "nel", "text": PERSIAN[0] + "\u0085"}]),
        0,
        "",
        (ARABIC[0], ARABIC[1], PERSIAN[0]),
        documents(2),
    ),
    Case(
        "JSONL values that are not text (a list, an object, true) and a key given twice (text, TEXT)",
        raw(
            "values.jsonl",
            "\n".join(
                [
                    json.dumps({"id": "list", "outlet": "Tasnim", "text": [PERSIAN[0], PERSIAN[1]]}, ensure_ascii=False),
                    json.dumps({"id": "obj", "outlet": {"name": "RT Arabic"}, "text": ARABIC[0]}, ensure_ascii=False),
                    json.dumps({"id": "twice", "text": PERSIAN[2], "TEXT": ARABIC[1]}, ensure_ascii=False),
                    json.dumps({"id": 7, "outlet": "Fars", "date": 20220113, "language": True, "text": PERSIAN[3]}, ensure_ascii=False),
                ]
            ).encode(),
        ),
        0,
        "values.jsonl:1: 'text' is a list, not a string; skipped",
        (ARABIC[0], PERSIAN[3]),
        all_of(
            column("doc_id", ["obj", "7"]),
            outlets("unknown", "Fars"),
            dates("", "2022-01-13"),
            problem("values.jsonl:2: 'outlet' is an object, not a string; left empty"),
            problem("values.jsonl:3: the key 'text' appears more than once; rename or remove one; skipped"),
            problem("values.jsonl:4: 'language' is true, not a string; left empty"),
        ),
    ),
    Case(
        "a zip with backslash paths (a Windows tool): folders, the manifest read",
        zipped(
            {
                "corpus\\a.txt": ARTICLE_FA,
                "corpus\\b.txt": ARTICLE_AR,
                "corpus\\manifest.csv": "file,outlet,language,date\na.txt,Tasnim,fa,2022-01-10\nb.txt,RT Arabic,ar,2022-01-11\n",
            },
            name="windows.zip",
        ),
        0,
        "",
        (*PERSIAN, *ARABIC),
        all_of(
            outlets("Tasnim", "RT Arabic"), dates("2022-01-10", "2022-01-11"), column("source", ["corpus/a.txt"] * 9 + ["corpus/b.txt"] * 4)
        ),
    ),
    Case(
        "a zip whose names are in a legacy code page: UTF-8 bytes recovered, others listed",
        legacy_zip({"مقاله.txt".encode(): ARTICLE_FA, "خبر.txt".encode("cp1256"): ARTICLE_AR}),
        0,
        "legacy.zip:\u256c\u255a\u2564.txt: a file name in a legacy code page (not UTF-8), read as that code page (cp437) spells it",
        (*PERSIAN, *ARABIC),
        column("doc_id", ["مقاله"] * 9 + ["\u256c\u255a\u2564"] * 4),
    ),
    Case(
        "a manifest with columns it does not know, and a file it does not list",
        files(
            {
                "a.txt": ARTICLE_FA,
                "b.txt": ARTICLE_AR,
                "manifest.csv": "file,Outlet Name,Lang,Published,title\na.txt,Tasnim,fa,2022-01-10,T1\n",
            }
        ),
        0,
        "manifest.csv: the column 'outlet name' is not read (those read: file, outlet, language, date, url, title); "
        "rename it if it holds one of them",
        (*PERSIAN, *ARABIC),
        all_of(
            problem("manifest.csv: the column 'lang' is not read"),
            problem("manifest.csv: the column 'published' is not read"),
            problem("b.txt: not listed in manifest.csv: outlet 'unknown', language detected, no date"),
            column("title", ["T1"] * 9 + [""] * 4),
        ),
    ),
    Case(
        "a table with columns it does not know",
        table("t.jsonl", [{"text": PERSIAN[0], "source": "Tasnim", "published": "2022-01-10"}]),
        0,
        "t.jsonl: the key 'source' is not read (those read: id, text, outlet, language, date, url, title); "
        "rename it if it holds one of them",
        (PERSIAN[0],),
        problem("t.jsonl: the key 'published' is not read"),
    ),
    Case(
        "row ids repeated within and across inputs, one already like a renamed id",
        inputs(
            table("jan.csv", [{"id": "1", "outlet": "Tasnim", "text": PERSIAN[0]}, {"id": "1", "outlet": "Tasnim", "text": PERSIAN[1]}]),
            table("feb.csv", [{"id": "1", "outlet": "Fars", "text": PERSIAN[2]}, {"id": "1~2", "outlet": "Fars", "text": PERSIAN[3]}]),
        ),
        0,
        "ids: 2 articles given an id already used, renamed: '1' of jan.csv row 2 → '1~3', '1' of feb.csv row 1 → '1~4'",
        tuple(PERSIAN[:4]),
        all_of(column("doc_id", ["1", "1~3", "1~4", "1~2"]), documents(4)),
    ),
    Case(
        "the same row in two inputs with the same id",
        inputs(
            table("one.jsonl", [{"id": "j1", "outlet": "X", "text": PERSIAN[0]}]),
            table("two.csv", [{"id": "k", "outlet": "X", "text": PERSIAN[1]}, {"id": "j1", "outlet": "X", "text": PERSIAN[0]}]),
        ),
        0,
        "two.csv row 2: same outlet and text as one.jsonl line 1: a duplicate, analysed once",
        (PERSIAN[0], PERSIAN[1]),
        column("doc_id", ["j1", "k"]),
    ),
    Case(
        "one outlet written with invisible characters, double spaces, letter variants and case",
        table(
            "outlets.csv",
            [
                {"outlet": outlet, "text": PERSIAN[number]}
                for number, outlet in enumerate(
                    [
                        "Tasnim",
                        "Tasnim\u200b",
                        "\u200eTasnim\u200f",
                        "TASNIM",
                        "خبرگزاری تسنیم",
                        "خبرگزاري  تسنيم\ufeff",
                        "كيهان",
                        "کیهان",
                        "Tasnim News",
                    ]
                )
            ],
        ),
        0,
        "outlet 'Tasnim': also written 'TASNIM', the same name but for letter case or ي/ی, ك/ک: counted as one outlet",
        tuple(PERSIAN),
        all_of(
            outlets(*["Tasnim"] * 4, "خبرگزاری تسنیم", "خبرگزاری تسنیم", "كيهان", "كيهان", "Tasnim News"),
            problem("outlet 'خبرگزاری تسنیم': also written 'خبرگزاري تسنيم'"),
            problem("outlet 'كيهان': also written 'کیهان'"),
        ),
    ),
    Case("missing path", missing, 2, "no such file or folder"),
    Case("empty file", txt(b""), 1, "empty file"),
    Case("whitespace-only file", txt(" \n\t\n\u00a0\n".encode()), 1, "empty file"),
    Case("binary file (PNG)", txt(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), 1, "binary file (NUL bytes)"),
    Case("random bytes", txt(random.Random(9).randbytes(4096)), 1, "binary file (NUL bytes)"),
    Case("random bytes without NUL", txt(bytes(byte for byte in random.Random(9).randbytes(4096) if byte)), 1, "cannot decode"),
    Case("CSV without a text column", table("t.csv", [{"id": "1", "body": ARABIC[0]}]), 2, "no 'text' column"),
    Case(
        "broken JSONL lines skipped and listed",
        raw("c.jsonl", BROKEN_JSONL),
        0,
        "c.jsonl:2: invalid JSON",
        (ARABIC[0], PERSIAN[0]),
        documents(2),
    ),
    Case(
        "manifest path traversal refused",
        traversal,
        0,
        "lists '../secret.txt', which is not among the files",
        tuple(PERSIAN),
        nothing_secret,
    ),
    Case(
        "unknown declared language is detected",
        txt(ARTICLE_AR, manifest="file,language\narticle.txt,klingon\n"),
        0,
        "unknown language 'klingon'",
        tuple(ARABIC),
        column("language", ["ar"] * 4),
    ),
]


class WindowEncoder(FakeEncoder):
    """The fake encoder, reading only the first ``MODEL_WINDOW_CHARS`` characters like the real model."""

    def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
        return super().encode([sentence[:MODEL_WINDOW_CHARS] for sentence in sentences], batch_size, **kwargs)


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, framing_home: Path) -> None:
    encoder = WindowEncoder()
    monkeypatch.setattr(cli, "make_embedder", lambda *args, **kwargs: Embedder("fake", lambda: encoder, None))


def test_the_table_has_every_case() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    themes = tmp_path / "themes.toml"
    themes.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    status = cli.main(["analyze", *case.build(inputs), "--out", str(out), "--themes", str(themes)])
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err + printed.out
    assert status == case.status, printed.err
    assert case.message in printed.err + printed.out
    if not case.message and status == 0:
        assert "framing: input:" not in printed.err, printed.err
    if status != 0:
        assert case.keep == () and case.check is None
        return
    paragraphs = pd.read_csv(out / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    paragraphs["kept"] = paragraphs["kept"] == "True"
    kept = paragraphs.loc[paragraphs.kept, "text"].tolist()
    for text in case.keep:
        assert kept.count(text) == 1, text[:60]
    if case.check is not None:
        case.check(paragraphs, json.loads((out / "run.json").read_text(encoding="utf-8")))
