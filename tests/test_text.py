"""Tests for analysis.text: normalisation steps, language identification, paragraphs, tokens."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import text
from analysis.text import (
    MODEL_WINDOW_CHARS,
    PARAGRAPH_COLUMNS,
    Identification,
    detect_language,
    drop_reasons,
    identify_language,
    load_boilerplate,
    long_paragraph_note,
    normalize,
    paragraph_language,
    split_paragraphs,
    tokenize,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ZWNJ = "\u200c"


def documents(*rows: dict[str, str]) -> pd.DataFrame:
    """A documents frame; each row gives ``text`` and optionally other columns."""
    defaults = {"doc_id": "d", "source": "s.txt", "outlet": "o", "language": "", "date": "", "url": "", "title": ""}
    return pd.DataFrame([{**defaults, **row} for row in rows], columns=[*defaults, "text"])


# --------------------------------------------------------------------------------------------
# Normalisation steps
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "text_in", "text_out"),
    [
        (text.fold_presentation_forms, "\ufefb \ufe91\ufede", "لا بل"),
        (text.fold_presentation_forms, "\ufdf2", "الله"),
        (text.normalize_unicode, "ا\u0654", "أ"),
        (text.remove_control_characters, "\u200fسلام\u200e \u202bدنیا\u202c\ufeff", "سلام دنیا"),
        (text.remove_control_characters, f"می{ZWNJ}شود", "میشود"),
        (text.remove_control_characters, "a\tb\nc\x00", "a\tb\nc"),
        (text.remove_tatweel, "كازاخـــستان", "كازاخستان"),
        (text.remove_diacritics, "أَيْضًا عَلَّمَ", "أيضا علم"),
        (text.remove_diacritics, "هٰذا", "هذا"),
        (text.normalize_zwnj, f"می{ZWNJ}{ZWNJ}شود", f"می{ZWNJ}شود"),
        (text.normalize_zwnj, f"{ZWNJ}کتاب {ZWNJ}ها{ZWNJ} ۲{ZWNJ}", "کتاب ها ۲"),
        (text.fold_persian_letters, "علي كتاب مصطفى", "علی کتاب مصطفی"),
        (text.fold_arabic_letters, "رئیس کازاخستان", "رئيس كازاخستان"),
        (text.normalize_digits, "۱۴۰۰ و ٢٠٢٢ and 1992", "1400 و 2022 and 1992"),
        (text.normalize_whitespace, "  a\u00a0\u00a0b\n\tc  ", "a b c"),
    ],
)
def test_normalisation_step(step, text_in: str, text_out: str) -> None:
    assert step(text_in) == text_out


@pytest.mark.parametrize("table", [text._PERSIAN_LETTERS, text._ARABIC_LETTERS, text._DIGITS, text._MATCHING_LETTERS])
def test_translations_by_substitution_equal_str_translate(table: dict[int, int | str]) -> None:
    """The letter and digit folds substitute only the characters their table changes: the same text as translate."""
    every_character = "".join(map(chr, table))
    mixed = f"ابي آ إ ٱ ۀ ة ي ى ك ی ک ۱۲ ٣٤ 56 a{every_character}b {every_character[::-1]}"
    assert text._Translation(table)(mixed) == mixed.translate(table)
    assert text._Translation(table)("no change here") == "no change here"


def test_remove_control_characters_keeps_zwnj_when_asked() -> None:
    assert text.remove_control_characters(f"\u200fمی{ZWNJ}شود", keep_zwnj=True) == f"می{ZWNJ}شود"


@pytest.mark.parametrize(
    ("text_in", "language", "text_out"),
    [
        (f"نیروهای  حافظ{ZWNJ}صلح  در كازاخستان ۲۰۲۲", "fa", f"نیروهای حافظ{ZWNJ}صلح در کازاخستان 2022"),
        ("رئيس جمهوري ــ علي", "fa", "رئیس جمهوری علی"),
        (f"رئیس کازاخستان في  ٢٠٢٢{ZWNJ}", "ar", "رئيس كازاخستان في 2022"),
        (f"الأمنُ الجماعيُّ{ZWNJ}على", "ar", "الأمن الجماعيعلى"),
        ("مصطفى على", "ar", "مصطفى على"),
        ("علي كتاب ۳", "other", "علي كتاب 3"),
        ("علي كتاب ۳", "", "علي كتاب 3"),
        ("\ufeffThe  CSTO\u200b", "other", "The CSTO"),
    ],
)
def test_normalize_per_language(text_in: str, language: str, text_out: str) -> None:
    assert normalize(text_in, language) == text_out


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name[:3])
@pytest.mark.parametrize("language", ["fa", "ar", "other"])
def test_normalize_is_idempotent(path: Path, language: str) -> None:
    once = normalize(path.read_text(encoding="utf-8"), language)
    assert normalize(once, language) == once


# --------------------------------------------------------------------------------------------
# Language identification
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text_in", "language"),
    [
        ("پوتین: مأموریت حفاظت از صلح در قزاقستان ضروری و محدود است", "fa"),
        ("رئيس كازاخستان يتعهد باتخاذ تدابير حاسمة ضد الإرهابيين", "ar"),
        ("رئیس جمهور چین", "fa"),
        ("رئيس الجمهورية", "ar"),
        ("امنیت جمعی", "fa"),
        ("الأمن الجماعي", "ar"),
        ("فلای تو دی", "fa"),
        ("رازی", "fa"),
        ("طاجيكستان", "ar"),
        ("صورة أرشيفية", "ar"),
        ("انتهای پیام/", "fa"),
        ("تبلیغات", "fa"),
        ("موافق", "ar"),
        ("صلح در قزاقستان", "fa"),
        ("في كازاخستان", "ar"),
        ("پاکستان پوائنٹ نیوز", "other"),
        ("ٹی وی", "other"),
        ("پاکستان ٹوڈے", "other"),
        ("Peacekeepers leave Kazakhstan", "other"),
        ("Миротворцы ОДКБ покидают Казахстан", "other"),
        ("", "other"),
        ("   ", "other"),
        ("2022 - 08:13", "other"),
        ("۱۴۰۰/۱۰/۲۰", "other"),
        ("«…»", "other"),
    ],
)
def test_detect_language(text_in: str, language: str) -> None:
    assert detect_language(text_in) == language


def test_detect_language_urdu_source_tag_paragraph_is_arabic() -> None:
    paragraph = (SEEDS / "004_21bd836bb6e819ae.txt").read_text(encoding="utf-8").splitlines()[2]
    assert paragraph.startswith("(پاکستان پوائنٹ نیوز")
    assert detect_language(paragraph) == "ar"


SORANI = "هێزەکانی ئاسایش لە شاری ئەلماتی دەستیان کرد بە گرتنی خۆپیشاندەران و حکومەت ڕایگەیاند کە بارودۆخەکە ئێستا لە ژێر کۆنتڕۆڵدایە."
URDU = "قازقستان میں پرتشدد مظاہروں کے بعد روسی قیادت والے اتحاد نے اپنے فوجی دستے بھیجنے کا اعلان کیا ہے۔"
PASHTO = "د قزاقستان حکومت وویل چې د سولې ساتونکي ځواکونه به ډېر ژر له هېواده ووځي او دا ماموریت لنډمهاله دی."
PERSIAN = "نیروهای حافظ صلح سازمان پیمان امنیت جمعی پس از پایان مأموریت خود از قزاقستان خارج می‌شوند."
ARABIC = "قالت وزارة الدفاع الروسية إن قوات حفظ السلام ستغادر كازاخستان بعد انتهاء مهمتها المحدودة."


@pytest.mark.parametrize(
    ("text_in", "expected"),
    [
        (SORANI, Identification("other", True)),
        (URDU, Identification("other", True)),
        (PASHTO, Identification("other", True)),
        (PERSIAN, Identification("fa", True)),
        (ARABIC, Identification("ar", True)),
        # one Urdu letter in a long Persian paragraph (a quoted name) does not make it Urdu
        (PERSIAN + " خبرگزاری پاکستان ٹوڈے این را گزارش داد و افزود که نیروها به زودی باز می‌گردند.", Identification("fa", True)),
        ("صلح در قزاقستان", Identification("fa", False)),
    ],
)
def test_identify_language_other_arabic_script_languages_and_confidence(text_in: str, expected: Identification) -> None:
    assert identify_language(text_in) == expected


def test_identification_reads_only_the_beginning_of_a_huge_paragraph() -> None:
    huge = ARABIC * 20_000 + PERSIAN * 20_000
    assert len(huge) > 3_000_000
    assert detect_language(huge) == "ar"


def test_detect_language_folds_presentation_forms() -> None:
    assert detect_language("\ufe8d\ufedf\ufe84\ufee3\ufee6 \ufe8d\ufedf\ufe9f\ufee4\ufe8e\ufecb\ufef2") == "ar"


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text_in", "language", "tokens"),
    [
        (f"نیروهای حافظ{ZWNJ}صلح وارد قزاقستان شدند", "fa", ["نیروهای", f"حافظ{ZWNJ}صلح", "وارد", "قزاقستان"]),
        (f"می{ZWNJ}شود که این کشور را", "fa", ["کشور"]),
        ("پوتین گفت: «ما در ۱۴۰۰ و 1992 آمدیم»", "fa", ["پوتین", "امدیم"]),
        ("خانۀ ملت و خانه ملت", "fa", ["خانه", "ملت", "خانه", "ملت"]),
        ("رئيس كازاخستان", "fa", ["رئیس", "کازاخستان"]),
        ("الأمن الجماعي في منظمة معاهدة إلى آسيا", "ar", ["الامن", "الجماعي", "منظمه", "معاهده", "اسيا"]),
        ("وقال إن الإرهابيين", "ar", ["الارهابيين"]),
        ("رئیس کازاخستان", "ar", ["رئيس", "كازاخستان"]),
        ("The CSTO and NATO, 2022", "other", ["the", "csto", "and", "nato"]),
        ("و ب ج", "ar", []),
        ("", "fa", []),
    ],
)
def test_tokenize(text_in: str, language: str, tokens: list[str]) -> None:
    assert tokenize(text_in, language) == tokens


def test_tokenize_matches_on_clean_text() -> None:
    raw = "«حافظان صلح» در قزاقستان، ۲۰۲۲"
    assert tokenize(normalize(raw, "fa"), "fa") == tokenize(raw, "fa") == ["حافظان", "صلح", "قزاقستان"]


def test_stopwords_include_zwnj_free_spellings() -> None:
    assert {f"می{ZWNJ}شود", "میشود", "در", "گفت"} <= text.stopwords("fa")
    assert {"في", "وقال", "ان"} <= text.stopwords("ar")


# --------------------------------------------------------------------------------------------
# Paragraphs and boilerplate on the five seeds
# --------------------------------------------------------------------------------------------

FOOTER_AFTER_ADS = "footer after advertisement"
SEED_LANGUAGES = {"000": "fa", "001": "ar", "002": "fa", "003": "ar", "004": "ar"}
SEED_PARAGRAPHS = {"000": 29, "001": 20, "002": 15, "003": 28, "004": 12}
SEED_DROPS = {
    "000": {
        1: "duplicate of paragraph 0",
        10: "end-of-article marker",
        11: "tag list",
        12: "tag list",
        13: "navigation",
        14: "navigation",
        15: "navigation",
        16: "footer after tag list",
        17: "advertisement",
        **{position: FOOTER_AFTER_ADS for position in range(18, 29)},
    },
    "001": {
        0: "photo caption",
        1: "photo caption",
        3: "dateline/byline",
        4: "dateline/byline",
        7: "read-also link",
        18: "tag list",
        19: "share/UI label",
    },
    "002": {12: "end-of-article marker", 13: "share/UI label", 14: "share/UI label"},
    "003": {
        1: "navigation",
        2: "share/UI label",
        11: "section label (too short)",
        15: "section label (too short)",
        19: "section label (too short)",
        25: "source line",
        26: "cookie notice",
        27: "cookie notice",
    },
    "004": {},
}


@pytest.fixture(scope="module")
def seed_paragraphs() -> pd.DataFrame:
    manifest = pd.read_csv(SEEDS / "manifest.csv", dtype=str).fillna("")
    rows = [
        {
            "doc_id": row.file[:3],
            "source": row.file,
            "outlet": row.outlet,
            "language": SEED_LANGUAGES[row.file[:3]],
            "date": row.date,
            "url": row.url,
            "title": row.title,
            "text": (SEEDS / row.file).read_text(encoding="utf-8"),
        }
        for row in manifest.itertuples()
    ]
    return split_paragraphs(documents(*rows))


def test_seed_paragraph_columns_and_ids(seed_paragraphs: pd.DataFrame) -> None:
    assert list(seed_paragraphs.columns) == list(PARAGRAPH_COLUMNS)
    assert seed_paragraphs.groupby("doc_id").size().to_dict() == SEED_PARAGRAPHS
    first = seed_paragraphs.iloc[0]
    assert (first.paragraph_id, first.position, first.outlet) == ("000:0", 0, "Tasnim News Agency")
    assert seed_paragraphs["paragraph_id"].is_unique
    assert seed_paragraphs["kept"].dtype == bool


@pytest.mark.parametrize("doc_id", sorted(SEED_DROPS))
def test_seed_kept_and_dropped_paragraphs(seed_paragraphs: pd.DataFrame, doc_id: str) -> None:
    document = seed_paragraphs[seed_paragraphs.doc_id == doc_id]
    dropped = document[~document.kept]
    assert dict(zip(dropped.position, dropped.drop_reason, strict=True)) == SEED_DROPS[doc_id]
    kept = document[document.kept]
    assert set(kept.position) == set(range(SEED_PARAGRAPHS[doc_id])) - set(SEED_DROPS[doc_id])
    assert (kept.drop_reason == "").all()


def test_seed_headlines_and_subheadings_are_kept(seed_paragraphs: pd.DataFrame) -> None:
    kept = set(seed_paragraphs.loc[seed_paragraphs.kept, "clean_text"])
    assert "توکایف ناآرامیها در قزاقستان را تلاش برای اجرای یک کودتای دولتی نامید" in kept
    assert "رئيس كازاخستان يتعهد باتخاذ تدابير حاسمة ضد الإرهابيين" in kept


def test_seed_kept_paragraphs_are_detected_in_their_document_language(seed_paragraphs: pd.DataFrame) -> None:
    kept = seed_paragraphs[seed_paragraphs.kept]
    assert (kept.detected_language == kept.language).all()
    assert (kept.clean_text == [normalize(paragraph, language) for paragraph, language in zip(kept.text, kept.language, strict=True)]).all()


# --------------------------------------------------------------------------------------------
# Paragraph split edge cases
# --------------------------------------------------------------------------------------------


def test_empty_documents_give_empty_paragraphs() -> None:
    paragraphs = split_paragraphs(documents())
    assert paragraphs.empty
    assert list(paragraphs.columns) == list(PARAGRAPH_COLUMNS)


def test_blank_and_invisible_lines_separate_paragraphs() -> None:
    body = f"بند اول این خبر است.\n\n \u00a0\n{ZWNJ}\u200f\nبند دوم این خبر است.\r\nبند سوم این خبر است."
    paragraphs = split_paragraphs(documents({"text": body, "language": "fa"}))
    assert list(paragraphs.text) == ["بند اول این خبر است.", "بند دوم این خبر است.", "بند سوم این خبر است."]
    assert list(paragraphs.paragraph_id) == ["d:0", "d:1", "d:2"]


def test_document_with_only_boilerplate_keeps_nothing() -> None:
    body = "انتهای پیام/\nتبلیغات\nهمراه اول\nرایتل"
    paragraphs = split_paragraphs(documents({"text": body, "language": "fa"}))
    assert list(paragraphs.drop_reason) == [
        "end-of-article marker",
        "advertisement",
        FOOTER_AFTER_ADS,
        FOOTER_AFTER_ADS,
    ]
    assert not paragraphs.kept.any()


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("رئيس كازاخستان يتعهد باتخاذ تدابير حاسمة ضد الإرهابيين\nوقال الرئيس إن الوضع مستقر.", "ar"),
        ("پوتین: مأموریت حفاظت از صلح در قزاقستان ضروری است\nرئیس جمهوری روسیه گفت.", "fa"),
        ("Peacekeepers begin to leave Kazakhstan\nThe CSTO said the mission was a success.", "other"),
    ],
)
def test_unknown_document_language_is_detected(body: str, language: str) -> None:
    paragraphs = split_paragraphs(documents({"text": body, "language": ""}))
    assert set(paragraphs.language) == {language}


def test_unknown_language_document_is_dropped_with_a_reason() -> None:
    paragraphs = split_paragraphs(documents({"text": "The CSTO said the mission was a success.", "language": ""}))
    assert list(paragraphs.drop_reason) == ["not Persian or Arabic (detected: other)"]


def test_document_language_by_characters() -> None:
    long_arabic = "وقال الرئيس إن الوضع في البلاد مستقر الآن بعد وصول القوات."
    body = f"پوتین در قزاقستان\n{long_arabic}"
    assert set(split_paragraphs(documents({"text": body})).language) == {"ar"}


@pytest.mark.parametrize(
    ("document_language", "identification", "expected"),
    [
        ("ar", Identification("fa", True), ("fa", "Persian paragraph in an Arabic document: counted as Persian")),
        ("fa", Identification("ar", True), ("ar", "Arabic paragraph in a Persian document: counted as Arabic")),
        (
            "ar",
            Identification("fa", False),
            ("ar", "Persian paragraph in an Arabic document? (unsure): counted as Arabic, like its document"),
        ),
        ("ar", Identification("ar", True), ("ar", "")),
        ("ar", Identification("other", True), ("ar", "")),
        ("other", Identification("fa", True), ("other", "")),
    ],
)
def test_paragraph_language(document_language: str, identification: Identification, expected: tuple[str, str]) -> None:
    assert paragraph_language(document_language, identification) == expected


def test_persian_paragraph_in_arabic_document_is_counted_as_persian_with_a_note() -> None:
    paragraphs = split_paragraphs(documents({"text": f"{ARABIC}\n{PERSIAN.replace('ی', 'ي')}", "language": "ar"}))
    assert list(paragraphs.language) == ["ar", "fa"]
    assert list(paragraphs.kept) == [True, True]
    assert paragraphs.loc[1, "note"] == "Persian paragraph in an Arabic document: counted as Persian"
    assert paragraphs.loc[1, "clean_text"] == normalize(PERSIAN, "fa")


def test_other_arabic_script_paragraphs_are_dropped_not_counted() -> None:
    paragraphs = split_paragraphs(documents({"text": f"{PERSIAN}\n{SORANI}\n{URDU}\n{PASHTO}", "language": "fa"}))
    assert list(paragraphs.kept) == [True, False, False, False]
    assert set(paragraphs.drop_reason[1:]) == {"not Persian or Arabic (detected: other)"}


def test_wire_copies_in_other_documents_are_marked_not_dropped() -> None:
    paragraphs = split_paragraphs(
        documents(
            {"doc_id": "a", "text": f"{ARABIC}\nوقال الرئيس إن الوضع مستقر الآن.", "language": "ar"},
            {"doc_id": "b", "text": f"خبر عاجل من ألماتي اليوم.\n{ARABIC.replace('قوات', 'قُوّـــات')}\n{ARABIC}", "language": "ar"},
            {"doc_id": "c", "text": ARABIC, "language": "ar"},
        )
    )
    assert list(paragraphs.kept) == [True, True, True, True, False, True]
    assert list(paragraphs.duplicate_of) == ["", "", "", "a:0", "", "a:0"]
    assert paragraphs.loc[4, "drop_reason"] == "duplicate of paragraph 1"


def test_long_paragraphs_get_a_note_and_keep_their_whole_text() -> None:
    assert long_paragraph_note(ARABIC) == ""
    long = " ".join([ARABIC] * 40)
    paragraphs = split_paragraphs(documents({"text": long, "language": "ar"}))
    assert paragraphs.loc[0, "kept"]
    assert paragraphs.loc[0, "clean_text"] == normalize(long, "ar")
    assert paragraphs.loc[0, "note"] == (
        f"long paragraph ({len(normalize(long, 'ar')):,} characters): the embedding model reads about its first "
        f"{MODEL_WINDOW_CHARS:,}; cue words and wording are matched in all of it"
    )


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"missing columns \['title', 'text'\]"):
        split_paragraphs(documents({"text": "x"}).drop(columns=["title", "text"]))


# --------------------------------------------------------------------------------------------
# Structural rules
# --------------------------------------------------------------------------------------------

SENTENCE_FA = "رئیس جمهوری روسیه در نشست امروز سخن گفت."


def reasons_for(*paragraphs: str, language: str = "fa", title: str = "") -> list[str]:
    clean = [normalize(paragraph, language) for paragraph in paragraphs]
    return drop_reasons(clean, [detect_language(paragraph) for paragraph in paragraphs], language, title)


@pytest.mark.parametrize(
    ("paragraphs", "language", "expected"),
    [
        ((SENTENCE_FA, "https://www.tasnimnews.com/fa/news/1400/10/20"), "fa", ["", "URL only"]),
        ((SENTENCE_FA, "۲۰ دی ۱۴۰۰ - ۱۲:۳۰"), "fa", ["", "dateline/byline"]),
        (("الخميس، 06 يناير 2022 - 08:13 م", "قال الرئيس إن الوضع مستقر."), "ar", ["dateline/byline", ""]),
        (("Thu 6 Jan 2022", "قال الرئيس إن الوضع مستقر."), "ar", ["dateline/byline", ""]),
        ((SENTENCE_FA, "ـــ", "…"), "fa", ["", "empty after cleaning", "empty after cleaning"]),
        ((SENTENCE_FA, SENTENCE_FA.replace("ی", "ي")), "fa", ["", "duplicate of paragraph 0"]),
        (("قزاقستان", SENTENCE_FA), "fa", ["", ""]),
        ((SENTENCE_FA, "قزاقستان", "روسیه!"), "fa", ["", "section label (too short)", ""]),
        ((SENTENCE_FA, "Read more on our site."), "fa", ["", "not Persian or Arabic (detected: other)"]),
        (
            (SENTENCE_FA, "برچسب‌ها: قزاقستان", "روسیه و چین", SENTENCE_FA + " دوباره", "همراه اول"),
            "fa",
            ["", "tag list", "footer after tag list", "", "section label (too short)"],
        ),
    ],
)
def test_structural_rules(paragraphs: tuple[str, ...], language: str, expected: list[str]) -> None:
    assert reasons_for(*paragraphs, language=language) == expected


def test_short_title_paragraph_is_a_headline() -> None:
    reasons = reasons_for("صورة أرشيفية", "احتجاجات كازاخستان", "قال الرئيس إن الوضع مستقر.", language="ar", title="احتجاجات كازاخستان")
    assert reasons == ["photo caption", "", ""]


# --------------------------------------------------------------------------------------------
# Boilerplate rule file
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "language", "reason"),
    [
        ("بیشتر بخوانید: خروج نیروها از قزاقستان", "fa", "read-also link"),
        ("اقرأ ايضاً: انسحاب القوات", "ar", "read-also link"),
        ("عکس: نیروهای حافظ صلح در آلماتی", "fa", "photo caption"),
        ("برچسب ها: قزاقستان، روسیه", "fa", "tag list"),
        ("الكلمات المفتاحية: كازاخستان", "ar", "tag list"),
        ("پربازدیدترین خبرها", "fa", "navigation"),
        ("الأكثر قراءة", "ar", "navigation"),
        ("إعلانات", "ar", "advertisement"),
        ("پایان خبر", "fa", "end-of-article marker"),
        ("-انتهى-", "ar", "end-of-article marker"),
        ("منبع: ایرنا", "fa", "source line"),
        ("شارك", "ar", "share/UI label"),
        ("این سایت از کوکی ها استفاده می کند", "fa", "cookie notice"),
        ("بقلم: أحمد علي", "ar", "dateline/byline"),
        ("استفاده از مطالب این سایت فقط با ذکر منبع مجاز است و تمامی حقوق برای خبرگزاری محفوظ است.", "fa", "copyright notice"),
        ("کلیه حقوق مادی و معنوی این سایت متعلق به خبرگزاری فارس است و محفوظ می‌باشد", "fa", "copyright notice"),
        ("جميع الحقوق محفوظة لموقع الأخبار ولا يجوز إعادة النشر دون إذن مسبق من إدارة الموقع.", "ar", "copyright notice"),
        ("© 2022 وكالة الأنباء", "ar", "copyright notice"),
        ("کلیه حقوق این سایت محفوظ است.", "fa", "copyright notice"),
        ("All rights reserved.", "other", "copyright notice"),
        ("ما را در اینستاگرام دنبال کنید", "fa", "channel/newsletter promotion"),
        ("تابعونا على تويتر", "ar", "channel/newsletter promotion"),
        ("برای دسترسی سریع به تازه‌ترین اخبار به کانال تلگرام خبرگزاری بپیوندید.", "fa", "channel/newsletter promotion"),
        ("تابعوا آخر الأخبار عبر قناتنا على تلغرام واشتركوا في نشرتنا البريدية اليومية", "ar", "channel/newsletter promotion"),
    ],
)
def test_packaged_rules_are_general(paragraph: str, language: str, reason: str) -> None:
    assert reasons_for(paragraph, language=language) == [reason]


@pytest.mark.parametrize(
    ("paragraph", "language"),
    [
        ("آخرین اخبار از ناآرامی‌های قزاقستان نشان می‌دهد که اوضاع آرام است", "fa"),
        ("شارك الرئيس في قمة منظمة معاهدة الأمن الجماعي عبر الفيديو", "ar"),
        ("أخبار سارة للمواطنين في ألماتي بعد عودة الهدوء", "ar"),
        ("وزیر ارشاد گفت حقوق مؤلفان در قانون جدید بهتر حفظ می‌شود و ناشران باید آن را رعایت کنند", "fa"),
        ("قالت المنظمة إن حقوق الإنسان في كازاخستان يجب أن تكون محفوظة ومصونة للجميع", "ar"),
        ("سخنگوی وزارت خارجه در کانال تلگرام خود نوشت ایران از ثبات در آسیای مرکزی حمایت می‌کند", "fa"),
        ("وتابع الوزير في تغريدة على تويتر أن القوات ستغادر خلال عشرة أيام", "ar"),
        ("تمام حقوق شهروندان باید محفوظ بماند و دولت باید به آن احترام بگذارد", "fa"),
        ("او در پاسخ گفت بله و از مردم خواست اخبار رسمی را دنبال کنید", "fa"),
        ("حمّل الوزير واشنطن المسؤولية عن الاضطرابات في تغريدة على تويتر", "ar"),
        ("تابع الرئيس حديثه في مقابلة بثت على يوتيوب قائلا إن الوضع مستقر", "ar"),
        ("انضم آلاف المحتجين إلى المسيرة بحسب مقاطع نشرت على فيسبوك", "ar"),
        ("عضویت ایران در سازمان همکاری شانگهای صفحه تازه‌ای در سیاست خارجی کشور گشود.", "fa"),
        ("کلیه حقوق متعلق به بازنشستگان باید تا پایان ماه جاری پرداخت شود.", "fa"),
        ("انتشار اخبار نادرست در فضای مجازی بدون ذکر منبع پیگرد قانونی دارد.", "fa"),
        ("سخنگوی وزارت بهداشت گفت: اطلاعیه‌ها را فقط از کانال رسمی وزارت در پیام‌رسان ایتا دنبال کنید.", "fa"),
        ("پلیس فتا هشدار داد: پیش از نصب اپلیکیشن‌های ناشناس، نرم‌افزار را فقط از منابع معتبر دانلود کنید.", "fa"),
        ("نخست‌وزیر ایتالیا از جوانان خواست به ارتش بپیوندید.", "fa"),
        ("وشدد البيان على أن جميع الحقوق محفوظة للشعب الفلسطيني ولن يتم التنازل عنها.", "ar"),
        ("حقوق النشر الرقمي باتت محل خلاف بين شركات التكنولوجيا والصحف، وفق تقرير جديد.", "ar"),
        ("قالت شركة ميتا إن copyright يمثل تحديا", "ar"),
        ("انضموا إلى المتظاهرين في الساحة بعد دعوات انتشرت عبر فيسبوك وتويتر.", "ar"),
        ("نزلوا إلى الشوارع مطالبين بتطبيق الإصلاحات التي وعدت بها الحكومة.", "ar"),
        ("تابعوا المفاوضات عن كثب، وقالوا إن تطبيق الاتفاق يحتاج وقتا.", "ar"),
    ],
)
def test_packaged_rules_spare_real_sentences(paragraph: str, language: str) -> None:
    assert reasons_for(paragraph, language=language) == [""]


def test_users_can_extend_rules(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nid = "promo"\nreason = "promotion"\nlanguages = ["ar"]\npatterns = [\'^اشترك في النشرة\']\n',
        encoding="utf-8",
    )
    table = split_paragraphs(
        documents({"text": "اشترك في النشرة البريدية اليومية الآن\nقال الرئيس إن الوضع مستقر.", "language": "ar"}),
        boilerplate=load_boilerplate(rules),
    )
    assert list(table.drop_reason) == ["promotion", ""]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('id = "x"\nreason = "r"\nlanguages = ["fa"]', "rule 'x' is missing patterns"),
        ('id = "x"\nreason = "r"\nlanguages = ["en"]\npatterns = ["a"]', r"rule 'x' names unknown languages \['en'\]"),
        ('id = "x"\nreason = "r"\nlanguages = ["fa"]\npatterns = ["(unclosed"]', "rule 'x' has an invalid regex"),
    ],
)
def test_bad_rule_files_are_explained(tmp_path: Path, rule: str, message: str) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(f"[[rules]]\n{rule}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_boilerplate(rules)


@pytest.mark.parametrize(
    ("text_in", "language", "surfaces"),
    [
        # a ZWNJ word stays whole; pieces written apart with a space are joined back with a ZWNJ
        (f"تهدیدات بین{ZWNJ}المللی", "fa", ["تهدیدات", f"بین{ZWNJ}المللی"]),
        ("تهدیدات بین المللی", "fa", ["تهدیدات", f"بین{ZWNJ}المللی"]),
        (f"بین{ZWNJ} المللی", "fa", [f"بین{ZWNJ}المللی"]),
        ("کشور ها می شود", "fa", [f"کشور{ZWNJ}ها", f"می{ZWNJ}شود"]),
        ("منطقه ای بزرگ تر", "fa", [f"منطقه{ZWNJ}ای", f"بزرگ{ZWNJ}تر"]),
        ("بین دو کشور", "fa", ["بین", "دو", "کشور"]),  # بین is a word of its own before a Persian word
        # an invisible separator (zero-width space, bidi mark) ends a word: nothing is glued
        ("رئیس\u200fجمهور\u200bقزاقستان", "fa", ["رئیس", "جمهور", "قزاقستان"]),
        ("الإرهاب\u200bفي", "ar", ["الإرهاب", "في"]),
        # diacritics, tatweel and presentation forms inside a word are part of it; the spelling is normalised
        ("الإِرْهَـاب", "ar", ["الإرهاب"]),
        ("رئيس كازاخستان", "fa", ["رئیس", "کازاخستان"]),
        ("١٢ يناير، 2022", "ar", ["يناير"]),
        ("", "fa", []),
    ],
)
def test_word_spans_surfaces(text_in: str, language: str, surfaces: list[str]) -> None:
    assert [span.surface for span in text.word_spans(text_in, language)] == surfaces


def test_word_spans_point_into_the_raw_text() -> None:
    raw = "«الإِرْهَـاب» و بين المللی"
    spans = text.word_spans(raw, "ar")
    assert [raw[span.start : span.end] for span in spans] == ["الإِرْهَـاب", "و", "بين", "المللی"]
    assert spans[0].form == "الارهاب"
    persian = "تروریسم بین المللی"
    joined = text.word_spans(persian, "fa")[1]
    assert persian[joined.start : joined.end] == "بین المللی"


@pytest.mark.parametrize(
    ("text_in", "language", "tokens"),
    [
        # news agencies, their desks and datelines are not words of a frame
        ("به گزارش گروه بین‌الملل خبرگزاری فارس به نقل از اینترفکس و ریا نووستی، پوتین", "fa", ["پوتین"]),
        ("خبرگزاری ایرنا: ایسنا و تسنیم ترور را گزارش دادند", "fa", ["ترور"]),
        ("موسكو (رويترز) - قالت وكالة سبوتنيك يوم الخميس 6 يناير إن الإرهابيين", "ar", ["موسكو", "الارهابيين"]),
        ("نقلا عن وكالة الأناضول وإنترفاكس", "ar", ["وانترفاكس"]),  # the clitic is the stemmer's job (analysis.words)
        ("گروه تروریستی", "fa", ["گروه", "تروریستی"]),  # گروه stays a word outside the phrase "گروه بین‌الملل"
    ],
)
def test_tokenize_drops_agencies_and_datelines(text_in: str, language: str, tokens: list[str]) -> None:
    assert tokenize(text_in, language) == tokens


def test_content_words_drop_extra_phrases() -> None:
    outlet = text.phrase_forms("Akhbar El-Yom", "ar")
    assert outlet == ("akhbar", "el", "yom")
    words = text.content_words("أخبار Akhbar El-Yom الإرهاب", "ar", [outlet])
    assert [span.surface for span in words] == ["أخبار", "الإرهاب"]


def test_a_worker_process_splits_half_the_documents_and_the_table_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """From PARALLEL_SPLIT_MIN_PARAGRAPHS paragraphs on, a worker splits the later half of the documents (their
    identifications given); the table is the one a single process makes."""
    from analysis.corpus import read_corpus
    from tests.helpers import SEEDS, worker_starts_on_two_cores

    documents = read_corpus([SEEDS]).documents
    alone = text.split_paragraphs(documents)
    monkeypatch.setattr(text, "PARALLEL_SPLIT_MIN_PARAGRAPHS", 1)
    started = worker_starts_on_two_cores(monkeypatch, text)
    pd.testing.assert_frame_equal(text.split_paragraphs(documents), alone)
    assert started == [text._split_part]
