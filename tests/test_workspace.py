"""The workspace (issue 11 §3): written by ``framing analyze --out``, read by ``framing report`` and the dashboard
without recomputing; a damaged one gets one clear line. And an interrupted run resumes where it stopped."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import cli
from analysis.corpus import read_corpus
from analysis.embed import Embedder, EmbeddingCache
from analysis.pipeline import Analysis, analyze
from analysis.scorer import ScorerStore, fitted_scorer
from analysis.themes import load_themes
from analysis.workspace import PARAGRAPHS_FILE, RUN_FILE, THEMES_FILE, VECTORS_FILE, WorkspaceError, read_workspace, write_workspace
from tests.helpers import ROOT, SEEDS, FakeEncoder, fake_cli_model, write_small_bundled_themes


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeEncoder:
    """The CLI's model is the fake encoder, with its cache in the test's folder."""
    return fake_cli_model(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Analysis]:
    """The seeds analysed once for this module (fake encoder, shortened bundled themes) and stored as a workspace."""
    folder = tmp_path_factory.mktemp("analysed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRAMING_HOME", str(folder / "home"))
        themes = load_themes(write_small_bundled_themes(folder))
        analysis = analyze(read_corpus([SEEDS]), themes, Embedder("fake", FakeEncoder, EmbeddingCache(folder / "cache.sqlite3")))
    write_workspace(folder / "workspace", analysis.table, analysis.vectors, themes, analysis.metadata)
    return folder, analysis


@pytest.fixture
def workspace(analysed: tuple[Path, Analysis], tmp_path: Path) -> Path:
    """A copy of the module's workspace, for the test to read or damage."""
    return Path(shutil.copytree(analysed[0] / "workspace", tmp_path / "workspace"))


def test_write_then_read_gives_the_same_tables_vectors_and_themes(analysed: tuple[Path, Analysis], workspace: Path) -> None:
    analysis = analysed[1]
    stored = read_workspace(workspace)
    pd.testing.assert_frame_equal(stored.table, analysis.table.reset_index(drop=True))
    assert np.array_equal(stored.vectors, analysis.vectors) and stored.vectors.dtype == np.float32
    assert stored.themes.ids == analysis.themes.ids and stored.themes.thresholds() == analysis.themes.thresholds()
    assert stored.metadata["corpus_hash"] == analysis.metadata["corpus_hash"]
    assert stored.metadata["workspace"] == {"format": 1, "rows": 104, "kept": 66, "vectors": list(analysis.vectors.shape)}


def test_analyze_out_is_a_workspace_beside_the_csv_exports(tmp_path: Path, fake_model: FakeEncoder, framing_home: Path) -> None:
    out = tmp_path / "out"
    assert cli.main(["analyze", str(SEEDS), "--themes", str(write_small_bundled_themes(tmp_path)), "--out", str(out)]) == 0
    for name in (PARAGRAPHS_FILE, VECTORS_FILE, THEMES_FILE, RUN_FILE, "paragraphs.csv", "themes_by_language.csv"):
        assert (out / name).is_file(), name
    stored = read_workspace(out)
    exported = pd.read_csv(out / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(stored.table["paragraph_id"]) == list(exported["paragraph_id"])
    assert np.allclose(stored.table["score_terrorism"].fillna(0), exported["score_terrorism"].replace("", 0).astype(float))
    assert {"themes_file", "inputs", "corpus_hash"} <= set(stored.metadata)


def test_report_of_a_workspace_recomputes_nothing(
    analysed: tuple[Path, Analysis], workspace: Path, tmp_path: Path, fake_model: FakeEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[pd.DataFrame] = []
    import analysis.report

    original = analysis.report.build_report
    monkeypatch.setattr(
        analysis.report, "build_report", lambda table, *args, **kwargs: built.append(table) or original(table, *args, **kwargs)
    )
    monkeypatch.setattr(cli, "read_corpus", lambda paths: pytest.fail("the workspace report read the corpus"))
    assert cli.main(["report", str(workspace), "--out", str(tmp_path / "b.html")]) == 0
    assert fake_model.texts_seen == 0
    pd.testing.assert_frame_equal(built[0], analysed[1].table.reset_index(drop=True))  # what reporting the corpus would draw
    assert "Themes file hash " + json.loads((workspace / RUN_FILE).read_text())["themes_hash"] in (tmp_path / "b.html").read_text()


def damage(folder: Path, how: str) -> None:
    if how == "run.json not JSON":
        (folder / RUN_FILE).write_text("{not json", encoding="utf-8")
    elif how == "run.json of an old analyze":
        metadata = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        del metadata["workspace"]
        (folder / RUN_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    elif how == "parquet cut":
        data = (folder / PARAGRAPHS_FILE).read_bytes()
        (folder / PARAGRAPHS_FILE).write_bytes(data[: len(data) // 2])
    elif how == "no parquet":
        (folder / PARAGRAPHS_FILE).unlink()
    elif how == "vectors garbage":
        (folder / VECTORS_FILE).write_bytes(b"\x00garbage")
    elif how == "vectors of another run":
        np.save(folder / VECTORS_FILE, np.zeros((3, 64), dtype=np.float32))
    elif how == "themes not TOML":
        (folder / THEMES_FILE).write_text("[[theme", encoding="utf-8")
    elif how in ("kept as text", "scores as text"):
        table = pd.read_parquet(folder / PARAGRAPHS_FILE)
        column = "kept" if how == "kept as text" else next(name for name in table.columns if name.startswith("score_"))
        table[column] = table[column].astype(str)
        table.to_parquet(folder / PARAGRAPHS_FILE)


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("run.json not JSON", "run.json cannot be read"),
        ("run.json of an old analyze", "not a workspace of this version"),
        ("parquet cut", "paragraphs.parquet cannot be read"),
        ("no parquet", "paragraphs.parquet is missing"),
        ("vectors garbage", "vectors.npy cannot be read"),
        ("vectors of another run", "do not belong together"),
        ("themes not TOML", "themes.toml is damaged"),
        ("kept as text", "its kept column holds"),
        ("scores as text", "hold no numbers"),
    ],
)
def test_a_damaged_workspace_gets_one_line(
    workspace: Path, tmp_path: Path, how: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(workspace, how)
    with pytest.raises(WorkspaceError, match=said):
        read_workspace(workspace)
    capsys.readouterr()
    assert cli.main(["report", str(workspace), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("framing: error: ") and said in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_workspace_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no such workspace folder"):
        read_workspace(tmp_path / "nowhere")


def test_workspace_with_themes_option_is_refused(
    analysed: tuple[Path, Analysis], workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", str(workspace), "--themes", str(analysed[0] / "themes.toml"), "--out", str(tmp_path / "r.html")]) == 2
    assert "reported as it was analysed" in capsys.readouterr().err


def test_dashboard_opens_a_workspace_without_recomputing(workspace: Path, monkeypatch: pytest.MonkeyPatch, framing_home: Path) -> None:
    from analysis import pipeline, text

    monkeypatch.setattr(sys, "argv", ["app.py", "--workspace", str(workspace)])
    monkeypatch.setattr(text, "split_paragraphs", lambda *args, **kwargs: pytest.fail("the dashboard split the corpus again"))
    monkeypatch.setattr(pipeline, "score_table", lambda *args, **kwargs: pytest.fail("the dashboard scored the paragraphs again"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [element.value for element in at.exception]
    page = " ".join(str(element.value) for element in at.markdown)
    assert "the stored analysis workspace" in page and "5 articles, 104 paragraphs (66 kept, 38 dropped)" in page
    assert any("Showing the stored analysis" in str(caption.value) for caption in at.caption)


def test_dashboard_says_when_a_workspace_cannot_be_opened(workspace: Path, monkeypatch: pytest.MonkeyPatch, framing_home: Path) -> None:
    damage(workspace, "parquet cut")
    monkeypatch.setattr(sys, "argv", ["app.py", "--workspace", str(workspace)])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert any(
        "The stored analysis cannot be opened" in str(error.value) and "paragraphs.parquet" in str(error.value) for error in at.error
    )


class Interrupted(FakeEncoder):
    """The fake encoder, stopped (as by Ctrl+C) when asked for its ``stop_at``-th batch."""

    def __init__(self, stop_at: int) -> None:
        super().__init__()
        self.stop_at = stop_at

    def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
        if len(self.calls) + 1 == self.stop_at:
            raise KeyboardInterrupt
        return super().encode(sentences, batch_size, **kwargs)


def test_an_interrupted_embedding_resumes_where_it_stopped(tmp_path: Path) -> None:
    texts = [f"paragraph number {number} of a long corpus" for number in range(50)]
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    stopped = Interrupted(stop_at=4)
    with pytest.raises(KeyboardInterrupt):
        Embedder("fake", lambda: stopped, cache, batch_size=8).embed(texts)
    assert stopped.texts_seen == 24  # three batches of 8 were embedded, and kept, before the interruption
    resumed = FakeEncoder()
    embedder = Embedder("fake", lambda: resumed, cache, batch_size=8)
    vectors = embedder.embed(texts)
    assert resumed.texts_seen == 26 and embedder.reused == 24  # only the rest
    assert np.array_equal(vectors, Embedder("fake", FakeEncoder, None, batch_size=8).embed(texts))


def test_an_interrupted_analyze_resumes_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, framing_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = EmbeddingCache(tmp_path / "cli-cache.sqlite3")
    themes = str(write_small_bundled_themes(tmp_path))
    # The themes are fitted first (as `framing prepare` does), so that the run's batches are the paragraphs'.
    fitted_scorer(load_themes(themes), "fake", Embedder("fake", FakeEncoder, cache).embed, ScorerStore.default())
    encoders = [Interrupted(stop_at=2), FakeEncoder()]
    monkeypatch.setattr(cli, "make_embedder", lambda *args, **kwargs: Embedder("fake", lambda: encoders[0], cache, batch_size=8))
    args = ["analyze", str(SEEDS), "--themes", themes, "--out", str(tmp_path / "out")]
    assert cli.main(args) == 130
    assert "framing: interrupted" in capsys.readouterr().err
    first = encoders[0].texts_seen
    assert first == 8
    encoders.pop(0)
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert f"{66 - first} texts embedded, {first} from cache" in out


def test_progress_bar_shows_the_time_left_and_starts_afresh_for_each_embedding(capsys: pytest.CaptureFixture[str]) -> None:
    with cli._ProgressBar() as progress:  # the themes' training texts, then the paragraphs
        for done in (8, 16):
            progress(done, 16)
        for done in (4, 10):
            progress(done, 10)
    err = capsys.readouterr().err
    assert "16/16" in err and "10/10" in err and "<" in err  # tqdm's elapsed<remaining
