"""Downstream of embedding at 1,000, 10,000 and 100,000 paragraphs: time and peak memory per stage.

Rerun with `.venv/bin/python bench/scale.py` (default sizes 1000 10000; add 100000 for the large
one: `.venv/bin/python bench/scale.py 100000`). Each size runs in a fresh process, so its peak
memory is its own. Run `framing prepare` first: the themes' fitted classifiers are read from the
framing home's store (copied, never written to).

What is measured, and what is not:
- The corpus is synthesised from analysis/data/labelled_paragraphs.csv: its 418 articles, repeated
  with each copy varied (a word of the same language, drawn from all the paragraphs, appended to each
  paragraph; another outlet and date), so nearly every paragraph is new to the language
  identification and the duplicate detection. It is written as one CSV and read by `read_corpus`.
- **The embedding cache is prefilled** (in a temporary FRAMING_HOME, never the real one): each
  varied paragraph gets the real vector of the paragraph it was made from (from the real cache;
  `framing prepare` put them there) or, when that is missing, a fixed pseudo-random unit vector. So
  "embed" below is the cache lookup only: embedding itself (the model) is measured by
  bench/bench_embedding.py. The speaker group's other texts, the words of speakers the actors file lacks (found
  as the pipeline finds them, before the timing), are prefilled the same way. Language identifications start cold
  (lingua runs on every paragraph).
  With `--embed` the cache starts empty instead and the model embeds every kept paragraph (the
  real home's model, ONNX Runtime when `framing prepare` exported it): the run end to end
  (`.venv/bin/python bench/scale.py 100000 --embed`, goal 40 minutes).
- Stages are timed with wall-clock time; cue and denial matching, the TF-IDF transform, the language
  identification and the voices are timed inside the reading, splitting and scoring stages (their time
  is part of those stages' figures). CPU is the CPU time of the process and of its worker processes (on
  both cores it may exceed the wall time; on a shared machine the wall time grows, the CPU time much
  less). Peak memory is the process's resident set (VmRSS, sampled every 20 ms) during each stage, and
  VmHWM for the whole run; worker processes (the voices, from 20,000 kept paragraphs on) have their
  own, not counted.
- "Downstream of embedding" sums what `framing analyze` does: reading, splitting, cache lookups and
  scoring, the tables, writing the workspace and the CSV export; not reading the workspace back, the
  report or the dashboard (`--dashboard`: its first page on the workspace, then Arabic only and both languages
  again, in Streamlit's AppTest, the server side only).
- `--keep-workspace DIR` (one size only) writes that run's workspace into DIR instead of a temporary
  folder, to open it again later (`bench/bench_dashboard.py --workspace DIR`, `streamlit run app.py --
  --workspace DIR`); the corpus, the CSV export and the temporary FRAMING_HOME are removed as usual.
The machine this runs on may be shared: say so when quoting the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELLED = ROOT / "analysis" / "data" / "labelled_paragraphs.csv"
OUTLETS = {
    "fa": ["Tasnim", "Fars", "IRNA", "Mehr", "ISNA"],
    "ar": ["RT Arabic", "Sputnik Arabic", "Akhbar El-Yom", "Al Mayadeen", "Asharq"],
}
GOALS = {"downstream": 60.0, "memory_gb": 3.0, "end_to_end": 40 * 60.0}
# What framing analyze does after embedding (the rest opens the stored result: not counted as downstream).
ANALYSIS_STAGES = ("read the corpus", "clean, split", "embed", "theme tables", "write")


class RssSampler:
    """Samples the process's resident set every 20 ms; ``peak()`` since the last ``reset()``."""

    def __init__(self) -> None:
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._peak = max(self._peak, self.rss())

    def reset(self) -> None:
        self._peak = self.rss()

    def peak(self) -> int:
        return max(self._peak, self.rss())


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished worker processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def high_water_mark() -> int:
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith("VmHWM"))
    return int(line.split()[1]) * 1024


def synthesise(paragraphs: int, seed: int = 0) -> pd.DataFrame:
    """Articles (one row each: id, outlet, language, date, text) with about ``paragraphs`` paragraphs in all."""
    labelled = pd.read_csv(LABELLED, keep_default_na=False)
    rng = np.random.default_rng(seed)
    articles = [(doc_id, group["language"].iloc[0], group["text"].tolist()) for doc_id, group in labelled.groupby("doc_id", sort=True)]
    words = {language: " ".join(labelled.loc[labelled["language"] == language, "text"]).split() for language in ("fa", "ar")}
    rows, total, copy = [], 0, 0
    while total < paragraphs:
        for doc_id, language, texts in articles:
            if total >= paragraphs:
                break
            texts = texts[: paragraphs - total]
            if copy:
                texts = [vary(text, rng, words.get(language, ["x"])) for text in texts]
            day = 1 + int(rng.integers(0, 28))
            rows.append(
                {
                    "id": f"{doc_id}-{copy}",
                    "outlet": OUTLETS.get(language, ["Other"])[int(rng.integers(0, 5))],
                    "language": language,
                    "date": f"2022-{1 + copy % 12:02d}-{day:02d}",
                    "text": "\n".join(texts),
                }
            )
            total += len(texts)
        copy += 1
    return pd.DataFrame(rows)


def vary(text: str, rng: np.random.Generator, words: list[str]) -> str:
    """The paragraph with one word of its language (drawn from the whole set) appended."""
    return f"{text} {words[int(rng.integers(0, len(words)))]}"


@contextmanager
def isolated_home(real: Path, copy_cache: bool = True) -> Iterator[Path]:
    """A temporary FRAMING_HOME holding copies of the real home's fitted themes and embedding cache.

    The real home's models are linked in, not copied: without them the model would resolve to another
    id (no ONNX export), and the stored fits, keyed by the model id, would be refitted in the timed stage.
    """
    with tempfile.TemporaryDirectory(prefix="framing-scale-") as folder:
        home = Path(folder)
        (home / "cache").mkdir()
        if (real / "models").is_dir():
            (home / "models").symlink_to(real / "models", target_is_directory=True)
        if (real / "scorers").is_dir():
            shutil.copytree(real / "scorers", home / "scorers")
        source = real / "cache" / "embeddings.sqlite3"
        if copy_cache and source.is_file():
            shutil.copy(source, home / "cache" / "embeddings.sqlite3")
        os.environ["FRAMING_HOME"] = str(home)
        yield home


class Timer:
    """Accumulated wall time of some functions, wrapped in place."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)


def measure(paragraphs: int, dashboard: bool = False, keep_workspace: Path | None = None, embed: bool = False) -> dict[str, Any]:
    """One size, in this process: every stage's seconds and peak memory (the workspace written into ``keep_workspace``
    when given, else into a temporary folder)."""
    from analysis import corpus as corpus_module
    from analysis import language_memory, pipeline, scorer, text
    from analysis.compare import theme_shares, theme_speakers, theme_voices, themes_by_date, timeline_period
    from analysis.config import framing_home
    from analysis.corpus import read_corpus
    from analysis.embed import make_embedder
    from analysis.export import to_csv_bytes
    from analysis.report import build_report
    from analysis.scorer import ScorerStore
    from analysis.speaker_groups import group_candidates, speaker_texts
    from analysis.themes import load_themes
    from analysis.voices import add_voices

    try:
        from analysis import workspace as workspaces
    except ImportError:  # a checkout from before the workspace (to compare): its stages are left out
        workspaces = None  # type: ignore[assignment]

    real_home = framing_home()
    results: dict[str, Any] = {"paragraphs": paragraphs, "stages": [], "embedded": embed}
    sampler = RssSampler()
    timer = Timer()
    timer.wrap(text, "identify_language", "language identification")
    if hasattr(text, "prefetch_identifications"):
        timer.wrap(text, "prefetch_identifications", "language identification")
        timer.wrap(corpus_module, "prefetch_identifications", "language identification")
    timer.wrap(scorer.ThemeScorer, "_cue_adjustment", "cue and denial matching")
    if hasattr(scorer, "denial_flags"):
        timer.wrap(scorer, "denial_flags", "cue and denial matching")
    else:
        timer.wrap(scorer, "denial_hits", "cue and denial matching")
    timer.wrap(scorer.NgramVocabulary, "transform", "TF-IDF transform")
    # The voices: found in this process for a small table; for a large one, worker processes find them while the
    # scores are computed, and what is timed is the wait for them after the scoring.
    for name in ("add_voices", "_collect_voices"):
        if hasattr(pipeline, name):
            timer.wrap(pipeline, name, "voices (here, or the wait for the workers)")

    with isolated_home(real_home, copy_cache=not embed) as home, tempfile.TemporaryDirectory(prefix="framing-scale-out-") as out_folder:
        out = Path(out_folder)
        documents = synthesise(paragraphs)
        corpus_file = out / "corpus.csv"
        documents.to_csv(corpus_file, index=False)
        themes = load_themes()

        def stage(name: str, action: Callable[[], Any]) -> Any:
            sampler.reset()
            started, cpu = time.perf_counter(), cpu_seconds()
            value = action()
            results["stages"].append(
                {"stage": name, "seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu, "peak_rss": sampler.peak()}
            )
            return value

        language_memory.recall()  # the temporary home's: empty, so lingua identifies every paragraph
        corpus = stage("read the corpus (CSV)", lambda: read_corpus([corpus_file]))
        table = stage("clean, split, identify languages", lambda: text.split_paragraphs(corpus.documents))
        kept = table[table["kept"]]
        # Prefill (not timed): the source paragraph's real vector, else a fixed pseudo-random one.
        embedder = make_embedder(use_cache=True, warn=lambda message: print(f"warning: {message}", file=sys.stderr))
        embedder.keep_model = False  # as framing analyze: the model is let go once the paragraphs are embedded
        if not embed:
            prefill(embedder.cache, embedder.model_id, kept["clean_text"].tolist(), kept["language"].tolist())
            # the speaker group's other texts: the words of speakers the actors file lacks, found as the pipeline finds them
            prefill(embedder.cache, embedder.model_id, speaker_texts(group_candidates(add_voices(table))), [])
        store = ScorerStore(home / "scorers")
        stored_fits = set(store.folder.glob("*")) if store.folder.is_dir() else set()
        scored, vectors = stage(
            "embed (the model, empty cache) and score" if embed else "embed (cache lookups) and score",
            lambda: pipeline.score_table(table, themes, embedder, store=store),
        )
        if embedder.model_loaded or embedder.computed:
            print(f"note: {embedder.computed} texts were embedded by the model (not prefilled)", file=sys.stderr)
        if set(store.folder.glob("*")) - stored_fits:
            print("note: the themes were fitted in the timed stage (run `framing prepare` first)", file=sys.stderr)

        def tables() -> None:
            ids = themes.ids
            theme_shares(scored, ids, by="language")
            theme_shares(scored, ids, by="outlet")
            themes_by_date(scored, ids, timeline_period(scored))
            theme_voices(scored, ids)
            theme_speakers(scored, ids)

        stage("theme tables (language, outlet, date, voices, speakers)", tables)
        metadata = pipeline.run_metadata(corpus, scored, themes, embedder, {})
        workspace = keep_workspace if keep_workspace is not None else out / "workspace"
        if workspaces is not None:
            stage(
                "write the workspace (Parquet + vectors)", lambda: workspaces.write_workspace(workspace, scored, vectors, themes, metadata)
            )
        stage(
            "write paragraphs.csv (export)",
            lambda: (out / "paragraphs.csv").write_bytes(to_csv_bytes(pipeline.output_table(scored, themes.ids), {})),
        )
        if workspaces is not None:
            stored = stage("read the workspace", lambda: workspaces.read_workspace(workspace))
            stage("HTML report from the workspace", lambda: build_report(stored.table, stored.themes, stored.metadata))
            if dashboard:
                del stored
                page = stage("dashboard: first page on the workspace (AppTest, server side)", lambda: open_dashboard(workspace))
                stage("dashboard: language filter changed, page redrawn", lambda: change_language(page, ["ar"]))
                stage("dashboard: both languages again (their permutation test)", lambda: change_language(page, ["fa", "ar"]))
        else:
            stage("HTML report", lambda: build_report(scored, themes, metadata))
        results["inner"] = timer.seconds
        results["vm_hwm"] = high_water_mark()
        results["kept"] = int(scored["kept"].sum())
        results["workspace_bytes"] = sum(path.stat().st_size for path in workspace.iterdir()) if workspace.is_dir() else 0
    sampler._stop.set()
    return results


def open_dashboard(workspace: Path) -> Any:
    """The dashboard's first run on a workspace (`streamlit run app.py -- --workspace DIR`), in Streamlit's AppTest."""
    from streamlit.testing.v1 import AppTest

    sys.argv = ["app.py", "--workspace", str(workspace)]
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    page.run()
    if page.exception:
        raise SystemExit(f"the dashboard failed: {[(element.message, element.stack_trace) for element in page.exception]}")
    return page


def change_language(page: Any, languages: list[str]) -> None:
    """One filter change, as a researcher makes it."""
    page.multiselect(key="filter_languages").set_value(languages).run()
    if page.exception:
        raise SystemExit(f"the dashboard failed: {[(element.message, element.stack_trace) for element in page.exception]}")


def prefill(cache: Any, model_id: str, texts: list[str], languages: list[str]) -> None:
    """Put a vector for every text into the cache: its source paragraph's real vector when cached, else a pseudo-random one."""
    from analysis.embed import EmbeddingCache

    if cache is None:
        raise SystemExit("the embedding cache cannot be used: the downstream part needs it")
    keys = [EmbeddingCache.key(model_id, text) for text in texts]
    found = cache.get_many(keys)
    missing = [(key, text) for key, text in zip(keys, texts, strict=True) if key not in found]
    if not missing:
        return
    sources = {}
    for text in missing:
        source = " ".join(text[1].split()[:-1])  # the appended word removed: the paragraph it was made from
        sources[text[0]] = EmbeddingCache.key(model_id, source)
    real = cache.get_many(list(set(sources.values())))
    dimension = next(iter(real.values())).shape[0] if real else 384
    items = []
    for key, _ in missing:
        vector = real.get(sources[key])
        if vector is None:
            rng = np.random.default_rng(int(key[:8], 16))
            vector = rng.standard_normal(dimension).astype(np.float32)
            vector /= np.linalg.norm(vector)
        items.append((key, vector))
    for start in range(0, len(items), 5000):
        cache.put_many(items[start : start + 5000])
    print(f"prefilled {len(items):,} vectors, {sum(key in real for key in sources.values()):,} of them real", file=sys.stderr)


def report(results: dict[str, Any]) -> None:
    paragraphs = results["paragraphs"]
    how = "every kept paragraph embedded by the model" if results.get("embedded") else "embedding cache prefilled"
    print(f"\n== {paragraphs:,} paragraphs ({results['kept']:,} kept), {how} ==")
    width = 64
    print(f"{'stage':{width}} {'wall':>8}   {'CPU':>8}   peak memory")
    downstream = cpu = 0.0
    for row in results["stages"]:
        if row["stage"].startswith(ANALYSIS_STAGES):
            downstream += row["seconds"]
            cpu += row["cpu"]
        print(f"{row['stage']:{width}} {row['seconds']:6.1f} s   {row['cpu']:6.1f} s   {row['peak_rss'] / 2**30:5.2f} GB")
    for name, seconds in sorted(results["inner"].items()):
        print(f"  of which {name:{width - 10}} {seconds:6.1f} s")
    gb = results["vm_hwm"] / 2**30
    what = "end to end, embedding included" if results.get("embedded") else "downstream of embedding"
    print(f"{what + ' (what framing analyze does)':{width}} {downstream:6.1f} s   {cpu:6.1f} s")
    print(f"{'peak memory of the whole process (VmHWM)':{width}} {'':8}   {'':8}   {gb:5.2f} GB")
    print(f"workspace on disk: {results['workspace_bytes'] / 2**20:.1f} MB")
    if paragraphs >= 100_000 and results.get("embedded"):
        goal = GOALS["end_to_end"]
        print(f"goal at 100k: end to end <= {goal / 60:.0f} min: {'met' if downstream <= goal else 'NOT met'}")
    elif paragraphs >= 100_000:
        print(
            f"goals at 100k: downstream <= {GOALS['downstream']:.0f} s: {'met' if downstream <= GOALS['downstream'] else 'NOT met'}; "
            f"peak memory <= {GOALS['memory_gb']:.0f} GB: {'met' if gb <= GOALS['memory_gb'] else 'NOT met'}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="numbers of paragraphs (default: 1000 10000)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size in this process (the parent starts one per size)
    parser.add_argument(
        "--dashboard", action="store_true", help="also time the dashboard opening the workspace and a filter change (Streamlit's AppTest)"
    )
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    parser.add_argument(
        "--embed",
        action="store_true",
        help="embed every paragraph with the model (an empty embedding cache) instead of prefilling the cache: end to end",
    )
    parser.add_argument(
        "--keep-workspace",
        type=Path,
        metavar="DIR",
        help="write the workspace of the (single) size run into DIR instead of a temporary folder, to reuse it",
    )
    args = parser.parse_args()
    if args.keep_workspace is not None:
        args.keep_workspace = args.keep_workspace.resolve()
        if not args.one and len(args.sizes) != 1:
            parser.error("--keep-workspace keeps the workspace of one size: give exactly one size")
        folder = args.keep_workspace
        if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / "run.json").is_file())):
            parser.error(f"--keep-workspace {folder}: not an empty folder nor a workspace (it would be overwritten)")
    if args.one:
        print(json.dumps(measure(args.one, dashboard=args.dashboard, keep_workspace=args.keep_workspace, embed=args.embed)))
        return 0
    print(f"bench/scale.py on {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} (other work on the machine slows it)")
    everything = []
    for size in args.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            str(size),
            *(["--dashboard"] if args.dashboard else []),
            *(["--embed"] if args.embed else []),
        ]
        if args.keep_workspace is not None:
            command += ["--keep-workspace", str(args.keep_workspace)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        results = json.loads(done.stdout.strip().splitlines()[-1])
        report(results)
        everything.append(results)
        if args.keep_workspace is not None:
            print(f"workspace kept in {args.keep_workspace}")
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
