from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.evaluate import Evaluation, trust_summary


def _evaluation(rows: list[tuple[str, str, int, float]]) -> Evaluation:
    macro = pd.DataFrame(rows, columns=["part", "language", "labelled", "macro_f1"])
    return Evaluation(metrics=pd.DataFrame(), macro_f1=macro, errors=pd.DataFrame(), thresholds={})


def test_trust_summary_uses_the_held_out_set_and_names_a_language_gap() -> None:
    summary = trust_summary(
        _evaluation(
            [
                ("all", "all", 365, 0.9),
                ("all", "fa", 172, 0.9),
                ("all", "ar", 193, 0.9),
                ("test", "all", 147, 0.68),
                ("test", "fa", 76, 0.75),
                ("test", "ar", 71, 0.6),
            ]
        )
    )
    assert summary.startswith("On 147 held-out test paragraphs")
    assert "macro-F1 0.68 (Persian 0.75, Arabic 0.60)" in summary
    assert "fair agreement" in summary
    assert "better on Persian than on Arabic" in summary


def test_the_headline_is_the_first_parts_macro_f1_per_language() -> None:
    evaluation = _evaluation([("all", "all", 20, 0.8123), ("all", "fa", 10, 0.9), ("all", "ar", 10, 0.7), ("test", "all", 5, 0.1)])
    assert evaluation.headline() == "0.812 / 0.900 / 0.700"
    assert _evaluation([("mine", "all", 4, 0.5), ("mine", "fa", 4, 0.5)]).headline() == "0.500 / 0.500 / nan"


def test_trust_summary_without_a_test_set_uses_all_labels() -> None:
    good = trust_summary(_evaluation([("mine", "fa", 40, 0.85)]))
    assert good.startswith("On 40 labelled paragraphs") and "good agreement" in good and "better on" not in good
    assert "weak agreement" in trust_summary(_evaluation([("mine", "all", 40, 0.4), ("mine", "fa", 20, 0.45), ("mine", "ar", 20, 0.35)]))


import json  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from analysis import cli  # noqa: E402
from analysis.embed import Embedder  # noqa: E402
from analysis.evaluate import FAIR_F1, best_threshold, cross_validate, evaluate, score_labels  # noqa: E402
from analysis.fresh_events import RESULTS_PATH as FRESH_RECORD  # noqa: E402
from analysis.labels import EVALUATION_LABELS, LabelsError, read_labels  # noqa: E402
from analysis.scorer import ThemeScorer  # noqa: E402
from analysis.themes import ThemeSet, load_themes  # noqa: E402

IDS = ["alpha", "beta"]
LABELS_CSV = (
    "set,doc_id,language,text,alpha,beta\n"
    "s,d1,fa,یک,1,0\ns,d1,fa,دو,0,1\ns,d2,ar,ثلاثة,1,1\ns,d2,ar,أربعة,0,0\n"
    "s,d3,fa,پنج,1,0\ns,d3,ar,ستة,0,0\n"
).encode()


def _labels() -> pd.DataFrame:
    return read_labels(LABELS_CSV, "labels.csv", IDS)


def test_precision_recall_f1_per_theme_and_language() -> None:
    labels = _labels()
    scores = pd.DataFrame({"score_alpha": [0.9, 0.1, 0.8, 0.7, 0.2, 0.1], "score_beta": [0.0, 0.9, 0.9, 0.0, 0.0, 0.0]})
    result = evaluate(labels, scores, {"alpha": 0.5, "beta": 0.5})
    alpha = result.metrics.set_index(["language", "theme"]).loc[("all", "alpha")]
    # predicted alpha: rows 0, 2, 3; truth: rows 0, 2, 4 -> tp 2, fp 1, fn 1
    assert (alpha["tp"], alpha["fp"], alpha["fn"], alpha["labelled"], alpha["positives"]) == (2, 1, 1, 6, 3)
    assert alpha["precision"] == pytest.approx(0.667, abs=1e-3) and alpha["f1"] == pytest.approx(0.667, abs=1e-3)
    beta_fa = result.metrics.set_index(["language", "theme"]).loc[("fa", "beta")]
    assert (beta_fa["f1"], beta_fa["labelled"]) == (1.0, 3)
    macro = result.macro_f1.set_index("language")["macro_f1"]
    assert macro["all"] == pytest.approx((0.667 + 1.0) / 2, abs=1e-3)
    assert sorted(result.errors["error"]) == ["false alarm", "missed"]


def test_best_threshold_maximises_f1() -> None:
    scores = pd.Series([0.1, 0.2, 0.6, 0.7, 0.9])
    truth = pd.Series([0, 0, 1, 1, 1])
    threshold = best_threshold(scores, truth)
    assert threshold == 0.4  # the midpoint between 0.2 and 0.6: every F1-best cut lies between them


def test_cross_validation_never_uses_the_judged_article() -> None:
    labels = _labels()
    # Each article alone would want a different threshold; held-out predictions must differ from
    # predictions at the thresholds fitted on everything.
    scores = pd.DataFrame({"score_alpha": [0.9, 0.1, 0.35, 0.2, 0.6, 0.3], "score_beta": [0.0, 0.9, 0.9, 0.0, 0.0, 0.0]})
    held_out = cross_validate(labels, scores, IDS, folds=3)
    fitted = evaluate(labels, scores, held_out.thresholds)
    held_f1 = held_out.metrics.set_index(["language", "theme"]).loc[("all", "alpha"), "f1"]
    fitted_f1 = fitted.metrics.set_index(["language", "theme"]).loc[("all", "alpha"), "f1"]
    assert fitted_f1 == 1.0
    assert held_f1 < fitted_f1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"text,alpha\nx,1\n", "missing column"),
        (b"text,language,gamma\nx,fa,1\n", "no column for any theme"),
        (b"text,language,alpha\nx,fa,yes\n", "must hold 0, 1 or nothing"),
        (b"text,language,alpha\nx,klingon,1\n", "unknown language"),
        (b"\x00\x01", "binary"),
        (b"text,language,Alpha,alpha\nx,fa,1,0\n", "the column 'alpha' appears more than once"),
        (b"text, text,language,alpha\nx,y,fa,1\n", "the column 'text' appears more than once"),
        (b"text,language,alpha\nx,fa,\n", "no labelled paragraph \\(every theme cell is blank\\)"),
    ],
)
def test_bad_labels_get_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(LabelsError, match=message):
        read_labels(data, "bad.csv", IDS)


# The goal (issue 8): macro-F1 >= 0.85 on text the method never saw, each language >= 0.80. A CI floor
# is the goal minus GOAL_MARGIN, the half-width of a 95 % interval on about 120 paragraphs per
# language: fixed, derived from the goal, never moved to a measurement. README reports the figures.
GOAL_MACRO_F1 = 0.85
GOAL_PER_LANGUAGE = 0.80
GOAL_MARGIN = 0.10


@pytest.mark.model
def test_framing_evaluate_on_the_bundled_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = EVALUATION_LABELS
    report_path = tmp_path / "eval.json"
    assert cli.main(["evaluate", str(labels), "--json", str(report_path)]) == 0
    out = capsys.readouterr().out
    assert "Thresholds chosen on held-out folds" in out and "misclassified" in out
    report = json.loads(report_path.read_text(encoding="utf-8"))
    macro = {(row["part"], row["language"]): row for row in report["at_file_thresholds"]["macro_f1"]}
    assert macro[("test", "fa")]["labelled"] + macro[("test", "ar")]["labelled"] == 596 - 17  # 17 near-copies of training text removed
    assert macro[("test", "all")]["macro_f1"] >= GOAL_MACRO_F1 - GOAL_MARGIN
    for language in ("fa", "ar"):
        assert macro[("test", language)]["macro_f1"] >= GOAL_PER_LANGUAGE - GOAL_MARGIN


FRESH_EVENTS = {
    "fresh_events.csv": {"sierra_leone_2000", "cote_divoire_2011", "chechnya_1999", "marawi_2017", "cyprus_1974"},
    "fresh_events3.csv": {"hungary_1956", "grenada_1983", "comoros_2008", "east_timor_1999", "liberia_2003"},
    "fresh_events4.csv": {"lebanon_1958", "dominican_republic_1965", "congo_1960", "panama_1989", "nigeria_2015"},
    "fresh_events5.csv": {"jordan_1970", "oman_1973", "zaire_1978", "gambia_1981", "vanuatu_1980"},
    "fresh_events6.csv": {"rwanda_1990", "guinea_bissau_1998", "uzbekistan_2005", "chad_2008", "eswatini_2021"},
    "fresh_events7.csv": {"macedonia_2001", "kyrgyzstan_1999", "maldives_1988", "car_1996", "bahrain_1981"},
    "fresh_events8.csv": {"kuwait_1961", "tanganyika_1964", "sri_lanka_1971", "gabon_1964", "saudi_arabia_1979"},
}
"""The fresh events sets (README, "Accuracy"): each by two writers on five events in no training file, measured once
(the second at debae6c: 0.83; the third to sixth with the same method and thresholds, in sessions 10, 11, 13 and 14:
0.67, 0.785, 0.767 and 0.793; the seventh in session 15: 0.762 so, and 0.804 with the theme adapter at thresholds
chosen on the five before it). Since the theme adapter (0.17.0) the themes file's thresholds are chosen on them all,
so the figure that judges a set is at thresholds chosen on the others (analysis/data/fresh_events.json)."""


def fresh_events_report(folder: Path, name: str) -> dict:
    """``framing evaluate tests/data/NAME --by event``, as its JSON report."""
    labels = Path(__file__).parent / "data" / name
    report_path = folder / "events.json"
    assert cli.main(["evaluate", str(labels), "--by", "event", "--json", str(report_path)]) == 0
    return json.loads(report_path.read_text(encoding="utf-8"))


def at_file_thresholds(report: dict) -> dict[tuple[str, str], dict]:
    """Macro-F1 rows of a report, by (part, language)."""
    return {(row["part"], row["language"]): row for row in report["at_file_thresholds"]["macro_f1"]}


@pytest.mark.model
@pytest.mark.parametrize("name", FRESH_EVENTS)
def test_framing_evaluate_on_fresh_events_by_event(tmp_path: Path, name: str) -> None:
    """Events no training writer was given, each scored without any training article of its event."""
    report = fresh_events_report(tmp_path, name)
    assert report["scored_by"] == "leave-events-out"
    macro = at_file_thresholds(report)
    assert {part for part, _ in macro} == {"all", *FRESH_EVENTS[name]}
    # On events the themes never saw, the goal is not met (README, "Accuracy"): this floor guards the
    # product's own "fair agreement" boundary (evaluate.FAIR_F1), and the next test says the goal is open.
    for language in ("all", "fa", "ar"):
        assert macro[("all", language)]["macro_f1"] >= FAIR_F1


@pytest.mark.parametrize("name", FRESH_EVENTS)
@pytest.mark.xfail(strict=True, reason="goal not met on events the themes never saw (README, Accuracy): remove this mark when it is")
def test_the_goal_holds_on_fresh_events(name: str) -> None:
    """Judged at thresholds chosen on the other sets: the record tests/test_fresh_events.py keeps equal to a rerun."""
    record = {entry["file"]: entry for entry in json.loads(FRESH_RECORD.read_text(encoding="utf-8"))["sets"]}[name]
    assert record["all"]["macro_f1"] >= GOAL_MACRO_F1
    assert min(record["fa"]["macro_f1"], record["ar"]["macro_f1"]) >= GOAL_PER_LANGUAGE


CROSS_FIT_THEMES = """
[scoring]
c = 1.0
labelled = "labelled.csv"

[background]
en = ["weather sunny today", "cold rain tomorrow morning"]

[[theme]]
id = "alpha"
examples.en = ["red apple fruit", "ripe red apple"]

[[theme]]
id = "beta"
examples.en = ["blue sky ocean"]
"""
TRAINING_CSV = (
    "doc_id,language,text,alpha,beta\n"
    "t1,fa,juicy red apple pie,1,0\nt1,fa,quiet sunny street,0,0\n"
    "t2,fa,green apple harvest,1,0\nt2,fa,deep blue ocean waves,0,1\n"
    "t3,fa,apple orchard in bloom,1,0\nt3,fa,grey rain clouds,0,0\n"
)


def test_paragraphs_the_themes_learn_from_are_scored_without_their_articles(tmp_path: Path, fake_embedder: Embedder) -> None:
    (tmp_path / "labelled.csv").write_text(TRAINING_CSV, encoding="utf-8")
    (tmp_path / "themes.toml").write_text(CROSS_FIT_THEMES, encoding="utf-8")
    themes = load_themes(tmp_path / "themes.toml")
    labels = read_labels((TRAINING_CSV + "n1,fa,an apple a day,1,0\n").encode(), "labels.csv", IDS)
    scores = score_labels(labels, themes, fake_embedder.embed, folds=3)
    assert scores["cross_fitted"].tolist() == [True] * 6 + [False]
    # a cross-fitted row gets exactly the score of classifiers trained without its article
    without_t2 = replace(themes, labelled=themes.labelled.without_documents({"t2"}))
    expected = _scores(["green apple harvest"], without_t2, fake_embedder)
    assert scores.loc[2, "score_alpha"] == pytest.approx(expected.loc[0, "score_alpha"], abs=1e-3)
    seen = _scores(["green apple harvest"], themes, fake_embedder)
    assert scores.loc[2, "score_alpha"] < seen.loc[0, "score_alpha"]  # the classifier that saw it is more confident
    unseen = _scores(["an apple a day"], themes, fake_embedder)
    assert scores.loc[6, "score_alpha"] == pytest.approx(unseen.loc[0, "score_alpha"], abs=1e-3)


def test_macro_f1_has_a_bootstrap_interval_over_articles() -> None:
    labels = _labels()
    perfect = evaluate(labels, labels[IDS].rename(columns=lambda t: f"score_{t}").astype(float), {"alpha": 0.5, "beta": 0.5})
    assert (perfect.macro_f1[["macro_f1", "low", "high"]] == 1.0).all().all()
    noisy = evaluate(
        labels,
        pd.DataFrame({"score_alpha": [0.9, 0.1, 0.8, 0.7, 0.2, 0.1], "score_beta": [0.0, 0.9, 0.9, 0.0, 0.0, 0.0]}),
        {"alpha": 0.5, "beta": 0.5},
    )
    macro = noisy.macro_f1.set_index("language").loc["all"]
    assert macro["low"] <= macro["macro_f1"] <= macro["high"] and macro["low"] < macro["high"]


def _scores(texts: list[str], themes: ThemeSet, embedder: Embedder) -> pd.DataFrame:
    scorer = ThemeScorer(themes, embedder.model_id).fit(embedder.embed)
    return scorer.decision_function(texts, ["fa"] * len(texts), embedder.embed)


EVENT_TRAINING_CSV = (
    "doc_id,event,language,text,alpha,beta\n"
    "t1,orchard,fa,juicy red apple pie,1,0\nt1,orchard,fa,quiet sunny street,0,0\n"
    "t2,orchard,fa,green apple harvest,1,0\nt2,orchard,fa,deep blue ocean waves,0,1\n"
    "t3,sea,fa,apple orchard in bloom,1,0\nt3,sea,fa,grey rain clouds,0,0\n"
)


def test_leave_one_event_out_scores_each_event_without_its_training_paragraphs(tmp_path: Path, fake_embedder: Embedder) -> None:
    (tmp_path / "labelled.csv").write_text(EVENT_TRAINING_CSV, encoding="utf-8")
    (tmp_path / "themes.toml").write_text(CROSS_FIT_THEMES, encoding="utf-8")
    themes = load_themes(tmp_path / "themes.toml")
    labels = read_labels(
        (b"doc_id,event,language,text,alpha,beta\nn1,orchard,fa,an apple a day,1,0\nn2,desert,fa,dry sand dunes,0,0\n"),
        "labels.csv",
        IDS,
    )
    scores = score_labels(labels, themes, fake_embedder.embed, by="event")
    without_orchard = replace(themes, labelled=themes.labelled.without_documents({"t1", "t2"}))
    assert scores.loc[0, "score_alpha"] == pytest.approx(_scores(["an apple a day"], without_orchard, fake_embedder).loc[0, "score_alpha"])
    assert scores.loc[1, "score_alpha"] == pytest.approx(_scores(["dry sand dunes"], themes, fake_embedder).loc[0, "score_alpha"])
    assert scores["cross_fitted"].tolist() == [True, False]
    by_event = cross_validate(labels, scores, IDS, part="event", by="event")
    assert set(by_event.macro_f1["part"]) == {"all", "orchard", "desert"}


def test_leave_one_event_out_needs_an_event_column(fake_embedder: Embedder) -> None:
    labels = _labels()
    with pytest.raises(LabelsError, match="event"):
        score_labels(labels, load_themes(), fake_embedder.embed, by="event")


def test_the_leave_set_out_study_reads_variants_as_typed_scoring_settings() -> None:
    """bench/leave_set_out.py: `shipped`, `+sets` and KEY=VALUE changes of [scoring], typed as the settings are."""
    from tests.helpers import bench_script

    bench = bench_script("leave_set_out")
    assert bench.scoring_changes("shipped") == {} and bench.scoring_changes("+sets") == {}
    assert bench.scoring_changes("wording_weight=3,units=sentences,mask_event_words=false,+sets") == {
        "wording_weight": 3.0,
        "units": "sentences",
        "mask_event_words": False,
    }
    for bad in ("colour=red", "c=", "wording"):
        with pytest.raises(SystemExit, match="a variant is"):
            bench.scoring_changes(bad)


def test_the_leave_set_out_study_refuses_fresh_thresholds_with_added_sets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--thresholds fresh` chooses a set's thresholds on the other sets, which `+sets` would have trained on."""
    from tests.helpers import bench_script

    bench = bench_script("leave_set_out")
    monkeypatch.setattr("sys.argv", ["leave_set_out.py", "shipped", "c=3,+sets", "--thresholds", "fresh"])
    with pytest.raises(SystemExit) as stopped:
        bench.main()
    assert stopped.value.code == 2 and "+sets trains on them" in capsys.readouterr().err


def test_the_fine_tune_study_judges_each_set_at_thresholds_chosen_on_the_others(capsys: pytest.CaptureFixture[str]) -> None:
    """bench/fine_tune_study.py: a set's own labels never choose its threshold."""
    from tests.helpers import bench_script

    bench = bench_script("fine_tune_study")

    def one_set(name: str, scores: list[float]) -> tuple[pd.DataFrame, pd.DataFrame]:
        labels = pd.DataFrame(
            {"set": name, "doc_id": [f"{name}{row}" for row in range(4)], "language": ["fa", "ar"] * 2, "text": "…", "alpha": [1, 1, 0, 0]}
        )
        return labels, pd.DataFrame({"score_alpha": scores})

    parts = {"a": one_set("a", [0.9, 0.8, 0.2, 0.1]), "b": one_set("b", [0.7, 0.6, 0.3, 0.2]), "odd": one_set("odd", [5.0, 4.0, 3.0, 2.0])}
    sets, scores = {name: part[0] for name, part in parts.items()}, {name: part[1] for name, part in parts.items()}
    pooled = bench.leave_set_out(sets, scores, ["alpha"])
    lines = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()}
    assert lines["a"] == lines["b"] == "1.000"  # thresholds from the others separate these sets too
    assert lines["odd"] == "0.667"  # its own labels would separate it; the others' thresholds call all four positive
    assert pooled.headline().startswith("0.857")
    bench.leave_set_out(sets, scores, ["alpha"], trained_on={"odd"})  # --train-with: the tuned model saw that set
    marked = [line for line in capsys.readouterr().out.splitlines() if line.endswith("(trained on)")]
    assert [line.split()[0] for line in marked] == ["odd"]


def test_a_soup_of_adapters_changes_each_weight_by_the_mean_of_their_changes() -> None:
    """bench/fine_tune_study.py --soup: the stacked factors fold in as the mean of the adapters' own changes."""
    from analysis.model_setup import merge_adapter
    from tests.helpers import bench_script

    bench = bench_script("fine_tune_study")
    rng = np.random.default_rng(0)
    state = {"w": rng.normal(size=(5, 4)).astype(np.float32)}
    adapters = [
        {
            "scale": np.array(0.5, dtype=np.float32),
            "w.down": rng.normal(size=(2, 4)).astype(np.float32),
            "w.up": rng.normal(size=(5, 2)).astype(np.float32),
        }
        for _ in range(3)
    ]
    mixed = bench.soup(adapters)
    assert mixed["w.down"].shape == (6, 4) and mixed["w.up"].shape == (5, 6)
    mean = np.mean([merge_adapter(state, adapter)["w"] for adapter in adapters], axis=0)
    assert np.allclose(merge_adapter(state, mixed)["w"], mean, atol=1e-5)
    assert not np.allclose(mean, merge_adapter(state, adapters[0])["w"], atol=1e-3)
    with pytest.raises(ValueError, match="one rank and alpha"):
        bench.soup([adapters[0], {**adapters[1], "scale": np.array(1.0, dtype=np.float32)}])


def test_the_fine_tune_study_can_weigh_events_as_the_scorer_does() -> None:
    """bench/fine_tune_study.py --event-balance B: (N / (E n)) ** B per paragraph, mean 1; B 0 weighs all alike."""
    from tests.helpers import bench_script

    bench = bench_script("fine_tune_study")
    events = pd.Series(["big"] * 6 + ["small", "other"])
    weights = bench.event_weights(events, 1.0)
    assert weights.mean() == pytest.approx(1.0)
    assert weights[0] * 6 == pytest.approx(weights[6])  # an event's paragraphs weigh together what another's do
    assert np.allclose(bench.event_weights(events, 0.0), 1.0)


@pytest.mark.parametrize(("fresh", "rows"), [(False, 320), (True, 530)])
def test_second_annotators_labels_pair_with_the_first(fresh: bool, rows: int) -> None:
    """bench/agreement.py pairs each blind second labelling with the first, row by row, and an annotator agrees with
    itself: the figures README quotes (0.98 on the round-1 paragraphs, 0.97 on the fresh events) come from it."""
    from analysis.labels import load_labels
    from analysis.themes import load_themes
    from tests.helpers import bench_script

    bench = bench_script("agreement")
    ids = load_themes().ids
    first_paths, second_path = (bench.FRESH_FIRST, bench.FRESH_SECOND) if fresh else (bench.FIRST, bench.SECOND)
    first = pd.concat([load_labels(path, ids) for path in first_paths], ignore_index=True)
    second = load_labels(second_path, ids)
    merged = bench.paired(first, second)
    assert len(merged) == rows
    table = bench.agreement(merged, ids)
    assert set(table["group"]) == {"all", "fa", "ar"} and table["f1"].between(0, 1).all()
    itself = bench.agreement(bench.paired(second, second), ids)
    assert (itself["f1"] == 1).all() and (itself["kappa"] == 1).all()
