from __future__ import annotations

import codecs
import re
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.themes import (
    DEFAULT_THEMES_PATH,
    Theme,
    ThemeError,
    add_theme,
    cue_hits,
    denial_hits,
    lines_to_sentences,
    load_themes,
    parse_themes,
    replace_theme,
    split_sentences,
    themes_to_toml,
)
from tests.helpers import DENIALS, SMALL, themes_with_labelled


def test_default_themes_file_is_valid() -> None:
    themes = load_themes()
    assert themes.ids == ["terrorism", "foreign_interference", "limited_mission"]
    for theme in themes.themes:
        assert {"fa", "ar", "en"} <= set(theme.examples), theme.id
        assert {"fa", "ar", "en"} <= set(theme.near_misses), theme.id
    assert {"fa", "ar", "en"} <= set(themes.background)
    assert {"fa", "ar", "en"} <= set(themes.denials)
    assert themes.labelled is not None and len(themes.labelled.texts) > 500
    assert set(themes.labelled.labels) == set(themes.ids)
    assert load_themes(DEFAULT_THEMES_PATH).digest() == themes.digest()


def test_round_trip_through_toml() -> None:
    themes = parse_themes(SMALL)
    again = parse_themes(themes_to_toml(themes))
    assert again == themes
    assert again.themes[1].label == "Beta"
    assert again.themes[0].near_misses == {"en": ("red car engine",)}
    assert (again.scoring.c, again.scoring.cue_weight, again.scoring.units) == (1.0, 0.5, "paragraph")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("version = 1", "no \\[\\[theme\\]\\] tables"),
        ('[[theme]]\nid = "Bad Id"\nexamples.en = ["x"]', "lowercase letters"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\n[[theme]]\nid = "a"\nexamples.en = ["y"]', "duplicate theme ids"),
        (
            '[[theme]]\nid = "a"\nlabel = "Terror"\nexamples.en = ["x"]\n[[theme]]\nid = "b"\nlabel = " terror "\nexamples.en = ["y"]',
            r"theme #2 \(b\) has the label ' terror ', as theme #1 \(a\) has 'Terror'; .* give each its own",
        ),
        (
            '[[theme]]\nid = "a_b"\nexamples.en = ["x"]\n[[theme]]\nid = "c"\nlabel = "A  B"\nexamples.en = ["y"]',
            "as theme #1 \\(a_b\\) has 'A b'",
        ),
        ('[[theme]]\nid = "a"', "at least one description or example"),
        (
            '[[theme]]\nid = "a"\ntreshold = -0.28\nexamples.en = ["x"]',
            r"themes: theme #1 \(a\): unknown key 'treshold' \(known: id, label, threshold, descriptions, examples, cues, near_misses, ",
        ),
        ('[[theme]]\nid = "a"\nexample.en = ["x"]\nexamples.en = ["y"]', r"theme #1 \(a\): unknown key 'example' \(known: "),
        (
            '[[theme]]\nid = "a"\nexamples.en = ["x"]\n[scoring]\ncue_wieght = 1.0',
            r"\[scoring\]: unknown key 'cue_wieght' \(known: c, cue_weight, ",
        ),
        ('backgrond.en = ["x"]\n[[theme]]\nid = "a"\nexamples.en = ["x"]', r"themes: unknown key 'backgrond' \(known: version, scoring, "),
        ('[[theme]]\nid = "a"\nthreshold = "high"\nexamples.en = ["x"]', "threshold must be a number"),
        ('[[theme]]\nid = "a"\nexamples.en = [1, 2]', "must be a list of strings"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[scoring]\nc = 0', "c must be greater than 0"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[scoring]\nunits = "words"', "units must be one of"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]', "needs sentences that do not carry it"),
        ('[[theme]]\nid = "a"\ncue_weight = "big"\nexamples.en = ["x"]', "cue_weight must be a number"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[scoring]\nwording_weight = "x"', "numeric"),
        ('[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = "y"\n[denials]\nen = 1', "\\[denials\\]"),
    ],
)
def test_invalid_themes_get_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ThemeError, match=message):
        parse_themes(text)


def test_a_scoring_key_of_an_earlier_version_is_ignored() -> None:
    themes = parse_themes(
        '[[theme]]\nid = "a"\nexamples.en = ["x"]\nnear_misses.en = ["y"]\n[scoring]\nknn_weight = 0.5\nmarks_share = 0.25'
    )
    assert themes.ids == ["a"]


def test_cues_match_with_arabic_clitics_and_alef_variants() -> None:
    theme = parse_themes(SMALL).themes[0]
    assert cue_hits("هاجمت العصابات الإرهابية المدينة", "ar", theme) == ["ارهاب"]
    assert cue_hits("وبالإرهاب", "ar", theme) == ["ارهاب"]
    assert cue_hits("گروه‌های تروریستی", "fa", theme) == ["تروریست"]
    assert cue_hits("اعتراضات مسالمت‌آمیز", "fa", theme) == []
    assert cue_hits("ضدتروریست", "fa", theme) == []


def test_split_sentences_joins_short_pieces() -> None:
    text = "First sentence has words here. Short one. Third sentence also has words! و جملة عربية طويلة بما يكفي؟ نعم"
    assert split_sentences(text) == [
        "First sentence has words here. Short one.",
        "Third sentence also has words!",
        "و جملة عربية طويلة بما يكفي؟ نعم",
    ]


def test_add_and_replace_theme_validate_like_a_themes_file() -> None:
    themes = parse_themes(SMALL)
    gamma = Theme("gamma", "Gamma", 0.0, examples={"fa": lines_to_sentences("  یک جمله\n\nجمله دوم \n")})
    added = add_theme(themes, gamma)
    assert added.ids == ["alpha", "beta", "gamma"]
    assert added.themes[2].examples == {"fa": ("یک جمله", "جمله دوم")}
    renamed = replace_theme(added, replace(added.themes[0], label="Renamed"))
    assert renamed.label("alpha") == "Renamed" and renamed.themes[0].examples == themes.themes[0].examples
    with pytest.raises(ThemeError, match="already exists"):
        add_theme(themes, replace(gamma, id="alpha"))
    with pytest.raises(ThemeError, match="lowercase letters"):
        add_theme(themes, replace(gamma, id="Bad id"))
    with pytest.raises(ThemeError, match="at least one description or example"):
        replace_theme(themes, replace(themes.themes[1], descriptions={}))
    with pytest.raises(ThemeError, match="no theme with id 'gamma'"):
        replace_theme(themes, gamma)
    with pytest.raises(ThemeError, match="theme #2 \\(beta\\) has the label 'ALPHA', as theme #1 \\(alpha\\) has 'Alpha'"):
        replace_theme(themes, replace(themes.themes[1], label="ALPHA"))
    with pytest.raises(ThemeError, match="as theme #1 \\(alpha\\) has 'Alpha'"):
        add_theme(themes, replace(gamma, label="alpha"))


def test_denials_and_weights_round_trip_through_toml() -> None:
    text = SMALL.replace("cue_weight = 0.5", "cue_weight = 0.5\nwording_weight = 3.0\ndenial_weight = 0.25")
    text = text.replace('id = "beta"', 'id = "beta"\ncue_weight = 2.0\ndenial_weight = 1.5') + DENIALS
    themes = parse_themes(text)
    assert (themes.scoring.wording_weight, themes.scoring.denial_weight) == (3.0, 0.25)
    assert (themes.themes[0].cue_weight, themes.themes[1].cue_weight, themes.themes[1].denial_weight) == (None, 2.0, 1.5)
    assert themes.denials == {"en": ("denied",), "ar": ("نفى",)}
    assert parse_themes(themes_to_toml(themes)) == themes
    assert "denials" not in themes_to_toml(parse_themes(SMALL)) and "labelled" not in themes_to_toml(parse_themes(SMALL))


def test_denial_markers_match_only_in_their_own_language() -> None:
    themes = parse_themes(SMALL + DENIALS)
    assert denial_hits("ونفى المتحدث الاتهامات", "ar", themes) == ["نفى"]
    assert denial_hits("The spokesman denied it", "en", themes) == ["denied"]
    assert denial_hits("The spokesman denied it", "fa", themes) == []
    assert denial_hits("قيمة النفط", "ar", themes) == []


def test_labelled_paragraphs_are_read_beside_the_themes_file(tmp_path: Path) -> None:
    themes = themes_with_labelled(tmp_path)
    assert themes.labelled is not None
    assert themes.labelled.doc_ids == ("d1", "d1", "d2", "d2")
    assert themes.labelled.labels == {"alpha": (1, 0, 1, 0), "beta": (0, 0, 0, 1)}
    assert "labelled" in themes_to_toml(themes)
    assert themes.digest() != parse_themes(SMALL).digest()
    assert themes.labelled.without_documents({"d1"}).texts == ("green apple harvest ends early", "blue ocean waves")


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        (None, "no such file"),
        ("doc_id,language,text\nd1,en,x\n", "no column for any theme id"),
        ("doc_id,language,text,alpha\nd1,en,x,2\n", "must hold 0, 1 or nothing"),
    ],
)
def test_bad_labelled_paragraphs_get_clear_errors(tmp_path: Path, csv_text: str | None, message: str) -> None:
    if csv_text is None:
        (tmp_path / "themes.toml").write_text(
            SMALL.replace("cue_weight = 0.5", 'cue_weight = 0.5\nlabelled = "missing.csv"'), encoding="utf-8"
        )
        with pytest.raises(ThemeError, match=message):
            load_themes(tmp_path / "themes.toml")
    else:
        with pytest.raises(ThemeError, match=message):
            themes_with_labelled(tmp_path, csv_text)


@pytest.mark.parametrize("reference", ["/etc/hostname", "../secret.csv", "sub/../../secret.csv"])
def test_a_themes_file_cannot_name_files_outside_its_folder(tmp_path: Path, reference: str) -> None:
    (tmp_path / "secret.csv").write_text("SECRET-LINE,language\n", encoding="utf-8")
    folder = tmp_path / "themes"
    folder.mkdir()
    (folder / "themes.toml").write_text(SMALL.replace("cue_weight = 0.5", f"cue_weight = 0.5\nlabelled = {reference!r}"), encoding="utf-8")
    with pytest.raises(ThemeError, match="inside the themes file's folder") as error:
        load_themes(folder / "themes.toml")
    assert "SECRET" not in str(error.value) and "\n" not in str(error.value)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text("text,language,alpha\nx,fa,1\n", encoding="utf-8")
    folder = tmp_path / "themes"
    folder.mkdir()
    (folder / "labelled.csv").symlink_to(tmp_path / "outside.csv")
    (folder / "themes.toml").write_text(SMALL.replace("cue_weight = 0.5", 'cue_weight = 0.5\nlabelled = "labelled.csv"'), encoding="utf-8")
    with pytest.raises(ThemeError, match="leads outside"):
        load_themes(folder / "themes.toml")


def test_an_uploaded_themes_file_may_only_name_the_bundled_paragraphs() -> None:
    from analysis.themes import BUNDLED_LABELLED, themes_from_upload

    with pytest.raises(ThemeError, match="cannot name files on the server"):
        themes_from_upload(SMALL.replace("cue_weight = 0.5", 'cue_weight = 0.5\nlabelled = "/etc/hostname"'))
    bundled = themes_from_upload(themes_to_toml(load_themes()))
    assert bundled.scoring.labelled == BUNDLED_LABELLED and bundled.labelled == load_themes().labelled
    assert themes_from_upload(SMALL).labelled is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("threshold = 0.2", "threshold = nan"), "threshold must be a finite number, not nan"),
        (("threshold = 0.2", "threshold = inf"), "threshold must be a finite number, not inf"),
        (("cue_weight = 0.5", "cue_weight = nan"), r"\[scoring\] cue_weight must be a finite number"),
        (("c = 1.0", "c = -inf"), r"\[scoring\] c must be a finite number"),
        (("cue_weight = 0.5", "cue_weight = 0.5\nevent_balance = 2.0"), "event_balance must be between 0 and 1"),
        (("cue_weight = 0.5", 'cue_weight = 0.5\nmask_event_words = "yes"'), "mask_event_words must be true or false"),
    ],
)
def test_every_number_must_be_finite_and_settings_in_range(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ThemeError, match=message):
        parse_themes(SMALL.replace(*change))


@pytest.mark.parametrize("cue", ["ـ", "\u064e", "\u200c", "\u200f", " \u200c\u0640 "])
def test_a_cue_or_denial_marker_empty_once_normalised_is_refused(cue: str) -> None:
    """Tatweel, a lone diacritic, ZWNJ, RLM: a cue of none of them alone would match every paragraph."""
    written = re.escape(repr(cue.strip()))
    with pytest.raises(ThemeError, match=f"theme #1: cue {written} of theme alpha \\(fa\\) is empty once normalised"):
        parse_themes(SMALL.replace('cues.fa = ["تروریست"]', f'cues.fa = ["تروریست", "{cue}"]'))
    with pytest.raises(ThemeError, match=rf"\[denials\] marker {written} \(ar\) is empty once normalised"):
        parse_themes(SMALL + DENIALS.replace('ar = ["نفى"]', f'ar = ["نفى", "{cue}"]'))
    assert cue_hits("ـتروریست", "fa", parse_themes(SMALL).themes[0]) == ["تروریست"]  # a cue with a tatweel is fine


def test_a_themes_file_saved_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(codecs.BOM_UTF8 + DEFAULT_THEMES_PATH.read_bytes())
    assert load_themes(path).ids == load_themes().ids


@pytest.mark.parametrize("theme_id", ["text", "language", "doc_id", "kept", "event", "arguable", "note", "paragraph_id"])
def test_a_theme_id_may_not_be_a_column_name(theme_id: str) -> None:
    with pytest.raises(ThemeError, match=f"id '{theme_id}' is the name of a column"):
        parse_themes(SMALL.replace('id = "alpha"', f'id = "{theme_id}"', 1))
    with pytest.raises(ThemeError, match=f"id '{theme_id}' is the name of a column"):  # the dashboard's "Add a theme" form
        add_theme(parse_themes(SMALL), Theme(theme_id, "New", 0.0, examples={"en": ("a new sentence",)}))


def test_the_reserved_ids_cover_every_column_of_the_tables() -> None:
    from analysis.labels import EVALUATION_LABELS, RESERVED_THEME_IDS
    from analysis.marks import empty_marks
    from analysis.pipeline import OUTPUT_COLUMNS
    from analysis.text import PARAGRAPH_COLUMNS

    labels_header = EVALUATION_LABELS.read_text(encoding="utf-8-sig").partition("\n")[0].split(",")
    marks_header = list(empty_marks(["alpha"]).columns)
    themes = load_themes().ids
    assert {*OUTPUT_COLUMNS, *PARAGRAPH_COLUMNS, *marks_header, *labels_header} - {"alpha", *themes} <= RESERVED_THEME_IDS
