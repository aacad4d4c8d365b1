from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis.themes import BUNDLED_LABELLED, DATA_FOLDER
from tests.helpers import SEEDS, FakeEncoder, fake_cli_model, write_small_bundled_themes


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeEncoder:
    return fake_cli_model(monkeypatch, tmp_path)


def run(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture
def themes(tmp_path: Path) -> str:
    """The bundled themes, shortened: these tests are about the command line, not the bundled themes."""
    return str(write_small_bundled_themes(tmp_path))


def test_analyze_seeds_writes_all_tables(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(SEEDS), "--themes", themes, "--out", str(out)) == 0
    paragraphs = pd.read_csv(out / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    for column in [
        "source",
        "doc_id",
        "outlet",
        "language",
        "date",
        "position",
        "text",
        "kept",
        "drop_reason",
        "themes",
        "score_terrorism",
        "score_foreign_interference",
        "score_limited_mission",
    ]:
        assert column in paragraphs.columns
    assert (out / "paragraphs.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    by_language = pd.read_csv(out / "themes_by_language.csv", encoding="utf-8-sig")
    assert set(by_language["language"]) == {"fa", "ar"}
    assert set(pd.read_csv(out / "themes_by_outlet.csv", encoding="utf-8-sig")["outlet"]) >= {"Tasnim News Agency", "RT Arabic"}
    run_json = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {"model", "themes_hash", "thresholds", "corpus_hash", "versions", "timings_seconds"} <= set(run_json)
    assert "kept" in capsys.readouterr().out


def test_second_run_embeds_nothing(tmp_path: Path, themes: str, fake_model: FakeEncoder, capsys: pytest.CaptureFixture[str]) -> None:
    run("analyze", str(SEEDS), "--themes", themes, "--out", str(tmp_path / "a"))
    seen = fake_model.texts_seen
    run("analyze", str(SEEDS), "--themes", themes, "--out", str(tmp_path / "b"))
    assert fake_model.texts_seen == seen
    assert "0 texts embedded" in capsys.readouterr().out


def test_csv_and_jsonl_corpora(tmp_path: Path, themes: str) -> None:
    (tmp_path / "c.csv").write_text(
        'id,text,outlet,language\nx,"پوتین گفت نیروها پس از پایان مأموریت خارج می‌شوند.",Mehr,fa\n', encoding="utf-8"
    )
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"text": "قالت الوزارة إن القوات ستعود إلى بلادها خلال أيام.", "outlet": "RT"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert run("analyze", str(tmp_path / "c.csv"), str(tmp_path / "c.jsonl"), "--themes", themes, "--out", str(tmp_path / "out")) == 0
    table = pd.read_csv(tmp_path / "out" / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    assert table["source"].tolist() == ["x", "c:1"]
    assert table["language"].tolist() == ["fa", "ar"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing", "no such file or folder"),
        (lambda d: (d / "t.csv").write_text("id,body\n1,x\n") and d / "t.csv", "no 'text' column"),
        (lambda d: (d / "b.jsonl").write_bytes(b"\x00\x01binary") and d / "b.jsonl", "binary"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], setup, message: str) -> None:
    path = setup(tmp_path)
    assert run("analyze", str(path), "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_nothing_analysable_is_non_zero_but_partial_input_is_zero(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_text("", encoding="utf-8")
    assert run("analyze", str(empty), "--themes", themes, "--out", str(tmp_path / "o1")) == 1
    assert "empty file" in capsys.readouterr().err
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "bad.txt").write_bytes(b"\x00\x00")
    (mixed / "good.txt").write_text("قالت الحكومة إن قوات حفظ السلام ستغادر البلاد بعد انتهاء مهمتها المحدودة.", encoding="utf-8")
    assert run("analyze", str(mixed), "--themes", themes, "--out", str(tmp_path / "o2")) == 0
    assert "bad.txt" in capsys.readouterr().err


def test_cp1256_input_and_unknown_language(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "a.txt").write_bytes("أعلنت وزارة الدفاع أن القوات بدأت الانسحاب من المدينة اليوم.".encode("cp1256"))
    (folder / "manifest.csv").write_text("file,outlet,language\na.txt,Old Site,xx\n", encoding="utf-8")
    assert run("analyze", str(folder), "--themes", themes, "--out", str(tmp_path / "o")) == 0
    assert "unknown language 'xx'" in capsys.readouterr().err
    table = pd.read_csv(tmp_path / "o" / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    assert table.loc[0, "language"] == "ar"
    assert table.loc[0, "text"].startswith("أعلنت")


def test_bad_themes_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "themes.toml"
    bad.write_text("[[theme]]\nid = 'x'\n", encoding="utf-8")
    assert run("analyze", "--themes", str(bad), "--out", str(tmp_path / "o")) == 2
    assert "at least one description or example" in capsys.readouterr().err


def test_info(capsys: pytest.CaptureFixture[str], framing_home: Path) -> None:
    assert run("info") == 0
    out = capsys.readouterr().out
    assert str(framing_home) in out and "embedding cache" in out and "torch" in out


def test_prepare_embeds_the_training_texts_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_model: FakeEncoder, framing_home: Path
) -> None:
    from analysis.themes import training_texts
    from tests.helpers import themes_with_labelled

    expected = len(set(training_texts(themes_with_labelled(tmp_path))))
    assert expected == 10  # six theme sentences and four labelled paragraphs
    assert run("prepare", "--model", "fake", "--themes", str(tmp_path / "themes.toml")) == 0
    assert f"{expected} training texts of the themes ({expected} embedded now, 0 already cached)" in capsys.readouterr().out
    assert run("prepare", "--model", "fake", "--themes", str(tmp_path / "themes.toml")) == 0
    assert f"(0 embedded now, {expected} already cached)" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("--version")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("framing 0.")


def test_shared_options_have_one_help_text() -> None:
    commands = cli._parser()._subparsers._group_actions[0].choices
    for option in ("--themes", "--model", "--no-cache"):
        helps = {
            action.help
            for name in ("analyze", "report", "evaluate", "prepare")
            for action in commands[name]._actions
            if option in action.option_strings
        }
        assert len(helps) == 1, option
    assert not any("--no-cache" in action.option_strings for action in commands["prepare"]._actions)


@pytest.mark.parametrize(("requested", "articles", "used"), [(5, 40, 5), (5, 2, 2), (50, 3, 3), (2, 2, 2)])
def test_effective_folds_uses_at_most_one_fold_per_article(requested: int, articles: int, used: int) -> None:
    assert cli.effective_folds(requested, articles) == used


@pytest.mark.parametrize(
    ("requested", "articles", "message"), [(0, 10, "at least 2 folds"), (1, 10, "at least 2 folds"), (5, 1, "at least 2 articles")]
)
def test_effective_folds_refuses_impossible_cross_validation(requested: int, articles: int, message: str) -> None:
    with pytest.raises(cli.OptionError, match=message):
        cli.effective_folds(requested, articles)


def test_destinations_are_checked(tmp_path: Path) -> None:
    assert cli.writable_folder(tmp_path / "new" / "out", "--out").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(cli.OptionError, match="is a file"):
        cli.writable_folder(tmp_path / "file", "--out")
    with pytest.raises(cli.OptionError, match="cannot be written"):
        cli.writable_folder(tmp_path / "file" / "sub", "--out")
    with pytest.raises(cli.OptionError, match="is a folder"):
        cli.writable_file(tmp_path, "--json")
    assert list((tmp_path / "new" / "out").iterdir()) == []  # the write probe leaves nothing behind


def test_analyze_refuses_to_write_into_its_input_folder(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("نیروهای حافظ صلح به قزاقستان رسیدند.\n", encoding="utf-8")
    assert run("analyze", str(corpus), "--out", str(tmp_path / "corpus" / "."), "--themes", themes) == 2
    assert "is an input folder: its tables would be read as articles by the next run" in capsys.readouterr().err
    assert sorted(path.name for path in corpus.iterdir()) == ["a.txt"]


def test_analyze_learns_from_a_labels_file(tmp_path: Path) -> None:
    from tests.helpers import SMALL

    (tmp_path / "themes.toml").write_text(SMALL, encoding="utf-8")
    corpus = tmp_path / "corpus.csv"
    corpus.write_text(
        "id,language,text\na,fa,برداشت سیب سبز امسال زودتر از همیشه تمام شد\nb,fa,هوای تهران امروز سرد و بارانی است\n", encoding="utf-8"
    )
    labels = tmp_path / "marks.csv"
    labels.write_text("doc_id,language,text,alpha,beta\nm1,fa,برداشت سیب سبز امسال زودتر از همیشه تمام شد,1,\n", encoding="utf-8")
    common = [str(corpus), "--themes", str(tmp_path / "themes.toml")]
    assert run("analyze", *common, "--out", str(tmp_path / "plain")) == 0
    assert run("analyze", *common, "--labels", str(labels), "--out", str(tmp_path / "taught")) == 0
    plain = pd.read_csv(tmp_path / "plain" / "paragraphs.csv", encoding="utf-8-sig").set_index("doc_id")
    taught = pd.read_csv(tmp_path / "taught" / "paragraphs.csv", encoding="utf-8-sig").set_index("doc_id")
    assert taught.loc["a", "score_alpha"] > plain.loc["a", "score_alpha"]
    assert taught.loc["a", "score_beta"] == plain.loc["a", "score_beta"]  # a blank cell teaches beta nothing
    assert json.loads((tmp_path / "taught" / "run.json").read_text(encoding="utf-8"))["labels"] == str(labels)
    assert run("analyze", *common, "--labels", str(tmp_path / "none.csv"), "--out", str(tmp_path / "x")) == 2


@pytest.mark.parametrize("command", ["evaluate", "analyze --labels", "report --accuracy"])
def test_a_labels_column_named_after_no_theme_is_said_not_ignored_silently(
    tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    labels = tmp_path / "typo.csv"
    rows = ["a,fa,نیروهای حافظ صلح به قزاقستان رسیدند.,1,1", "b,ar,استقالت الحكومة بعد الاحتجاجات.,0,0"]
    labels.write_text("doc_id,language,text,terrorism,foreign_interferance\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = {
        "evaluate": ["evaluate", str(labels), "--folds", "2"],
        "analyze --labels": ["analyze", str(SEEDS), "--labels", str(labels), "--out", str(tmp_path / "out")],
        "report --accuracy": ["report", str(SEEDS), "--accuracy", str(labels), "--out", str(tmp_path / "r.html")],
    }[command]
    assert run(*args, "--themes", themes) == 0
    assert (
        "typo.csv: column 'foreign_interferance' is not a theme id (themes: terrorism, foreign_interference, limited_mission): ignored\n"
        in capsys.readouterr().err
    )


def test_analyze_writes_the_themes_by_date_table(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(SEEDS), "--themes", themes, "--out", str(out)) == 0
    by_date = pd.read_csv(out / "themes_by_date.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(by_date.columns) == [
        "date",
        "language",
        "theme",
        "paragraphs",
        "with_theme",
        "share",
        "ci_low",
        "ci_high",
        "articles",
        "few",
    ]
    days = by_date.drop_duplicates(["date", "language"])
    assert days[["date", "language", "paragraphs", "articles"]].values.tolist() == [
        ["2022-01-06", "ar", 13, 1], ["2022-01-07", "fa", 12, 1], ["2022-01-10", "fa", 9, 1], ["2022-01-10", "ar", 20, 1], ["2022-01-13", "ar", 12, 1],
    ]  # fmt: skip
    assert by_date["few"].tolist() == [False] * 6 + [True] * 3 + [False] * 6
    paragraphs = pd.read_csv(out / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    assert by_date["paragraphs"].sum() == by_date["theme"].nunique() * int(paragraphs["kept"].sum())
    assert "framing: 5 documents, 104 paragraphs: 66 kept" in capsys.readouterr().out


def test_report_writes_one_self_contained_html_file(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shared" / "report.html"
    assert run("report", str(SEEDS), "--themes", themes, "--out", str(out)) == 0
    report = out.read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and report.count("Plotly.newPlot") == 4
    assert '<div dir="rtl" lang="fa"' in report and '<div dir="rtl" lang="ar"' in report
    assert "Tasnim News Agency" in report and "No accuracy figure was computed" in report
    assert "report written to" in capsys.readouterr().out


def test_report_checks_its_destination_and_labels_first(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("report", str(SEEDS), "--themes", themes, "--out", str(tmp_path)) == 2
    assert "is a folder" in capsys.readouterr().err
    assert run("report", str(SEEDS), "--themes", themes, "--out", str(tmp_path / "r.html"), "--accuracy", str(tmp_path / "none.csv")) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_evaluate_reports_voices_when_the_labels_have_them(tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "doc_id,language,text,terrorism,voice,speaker\n"
        "a,ar,وقال توكاييف إن الإرهابيين هاجموا المدينة.,1,attributed,tokayev\n"
        "a,ar,استقالت الحكومة بعد الاحتجاجات.,0,outlet,\n"
        "b,fa,پوتین گفت که مأموریت محدود است.,0,attributed,putin\n"
        "b,fa,نیروهای حافظ صلح به قزاقستان رسیدند.,0,outlet,\n",
        encoding="utf-8",
    )
    report = tmp_path / "eval.json"
    assert run("evaluate", str(labels), "--themes", themes, "--json", str(report)) == 0
    out = capsys.readouterr().out
    assert "== Voices: 4 paragraphs with a labelled voice ==" in out
    voices = json.loads(report.read_text(encoding="utf-8"))["voices"]
    assert {row["language"]: row["voice_accuracy"] for row in voices["metrics"]} == {"ar": 1.0, "fa": 1.0, "all": 1.0}


def test_evaluate_leaves_a_theme_without_labels_out_of_the_macro_f1(
    tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank theme column (a Teach-tab export marks some themes only) has no F1; it is not a perfect 1.0."""
    labels = tmp_path / "labels.csv"
    rows = [
        "a,fa,نیروهای حافظ صلح به قزاقستان رسیدند.,1,",
        "b,ar,استقالت الحكومة بعد الاحتجاجات.,0,",
        "c,fa,پوتین گفت که مأموریت محدود است.,0,",
    ]
    labels.write_text("doc_id,language,text,terrorism,limited_mission\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = tmp_path / "eval.json"
    assert run("evaluate", str(labels), "--themes", themes, "--folds", "2", "--json", str(report)) == 0
    figures = json.loads(report.read_text(encoding="utf-8"))["at_file_thresholds"]
    terrorism, limited = (
        next(row for row in figures["metrics"] if row["theme"] == theme and row["language"] == "all")
        for theme in ("terrorism", "limited_mission")
    )
    assert limited["labelled"] == 0 and limited["f1"] is None
    overall = next(row for row in figures["macro_f1"] if row["language"] == "all")
    assert overall["macro_f1"] == terrorism["f1"]
    blank = tmp_path / "blank.csv"
    blank.write_text("doc_id,language,text,terrorism\n" + "\n".join(row.rsplit(",", 2)[0] + "," for row in rows) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert run("evaluate", str(blank), "--themes", themes, "--folds", "2") == 2
    assert "blank.csv: no labelled paragraph (every theme cell is blank)" in capsys.readouterr().err


def test_evaluate_says_when_the_theme_adapter_was_trained_on_the_labels(
    tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str]
) -> None:
    training = pd.read_csv(DATA_FOLDER / BUNDLED_LABELLED, dtype=str, keep_default_na=False).iloc[:1]
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "doc_id,language,text,terrorism\n"
        f'a,{training.at[0, "language"]},"{training.at[0, "text"]}",1\n'
        "b,fa,نیروهای حافظ صلح به قزاقستان رسیدند.,0\n",
        encoding="utf-8",
    )
    assert run("evaluate", str(labels), "--themes", themes) == 0
    assert "theme adapter was trained on 1 of these 2 labelled paragraphs: figures on them are optimistic" in capsys.readouterr().err
    (tmp_path / "fresh.csv").write_text(
        labels.read_text(encoding="utf-8").replace(training.at[0, "text"], "متن تازه‌ای دربارهٔ رویدادی دیگر.")
    )
    assert run("evaluate", str(tmp_path / "fresh.csv"), "--themes", themes) == 0
    assert "theme adapter" not in capsys.readouterr().err


def test_analyze_writes_the_voice_tables(tmp_path: Path, themes: str) -> None:
    out = tmp_path / "out"
    assert run("analyze", str(SEEDS), "--themes", themes, "--out", str(out)) == 0
    voices = pd.read_csv(out / "voices_by_language.csv", encoding="utf-8-sig", keep_default_na=False)
    assert set(voices["voice"]) == {"outlet", "attributed"}
    speakers = pd.read_csv(out / "speakers_by_language.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(speakers.columns)[:3] == ["language", "theme", "speaker"]
    paragraphs = pd.read_csv(out / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(paragraphs.columns)[-5:-3] == ["voice", "speaker"]


def test_analyze_says_its_stages_on_stderr_for_a_large_corpus(
    tmp_path: Path, themes: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("analyze", str(SEEDS), "--themes", themes, "--out", str(tmp_path / "small")) == 0
    assert "framing: [" not in capsys.readouterr().err  # the seeds are small: no stage lines
    monkeypatch.setattr(cli, "PROGRESS_MIN_PARAGRAPHS", 10)  # the seeds taken for a large corpus
    assert run("analyze", str(SEEDS), "--themes", themes, "--out", str(tmp_path / "large")) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("framing: [")]
    paragraphs = len(pd.read_csv(tmp_path / "large" / "paragraphs.csv", encoding="utf-8-sig"))
    kept = int(pd.read_csv(tmp_path / "large" / "paragraphs.csv", encoding="utf-8-sig")["kept"].sum())
    stages = [line.split("] ", 1)[1] for line in lines]
    assert stages[0].startswith("split ") and f"into {paragraphs:,} paragraphs, {kept:,} kept" in stages[0]
    assert stages[1:] == [
        f"embedding and scoring {kept:,} kept paragraphs",
        f"finding who voices {kept:,} kept paragraphs",
        "assigning themes",
        "scored; writing the results",
    ]
    assert all(line.split("]")[0].removeprefix("framing: [").removesuffix(" s").isdigit() for line in lines)  # seconds so far
