"""The ``framing`` command line: the same analysis as the dashboard, headless.

Library errors become one-line messages here (``framing: error: ...``), never tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import engines, language_memory
from analysis.compare import theme_shares, theme_speakers, theme_voices, themes_by_date, timeline_period
from analysis.config import framing_home
from analysis.corpus import MANIFEST_NAME, CorpusError, read_corpus
from analysis.embed import CACHE_FILE, DEFAULT_MODEL, Embedder, EmbeddingCache, ModelError, make_embedder
from analysis.evaluate import cross_validate, evaluate, score_labels, seen_by_adapter
from analysis.export import to_csv_bytes
from analysis.labels import LabelsError, ignored_columns_note, load_labels
from analysis.marks import load_marks, with_marks
from analysis.model_setup import default_model_dir, ensure_default_model, ensure_onnx_export, model_status
from analysis.onnx_backend import onnx_status
from analysis.pipeline import Analysis, analyze, output_table, versions
from analysis.scorer import ScorerStore, fitted_scorer
from analysis.themes import DEFAULT_THEMES_PATH, ThemeError, ThemeSet, load_themes, training_texts, with_labelled
from analysis.voice_evaluation import has_voice_labels, labelled_voices, voice_report
from analysis.wording import counted
from analysis.workspace import Workspace, WorkspaceError, looks_like_workspace, read_workspace, write_workspace

DEFAULT_CORPUS = Path("seeds")
ARTICLE_FOLDS = 5
EVENT_FOLDS = 10
ARTICLES = "articles (doc_id)"
EVENTS = "events"


class OptionError(ValueError):
    """A command-line option names something that cannot be used (checked before any work is done)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (CorpusError, ThemeError, ModelError, LabelsError, OptionError, WorkspaceError, engines.EngineError) as error:
        print(f"framing: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a disk that fills up or a file that vanishes mid-run
        print(f"framing: error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return 130
    finally:
        engines.stop()  # the Ray engine's actors, if any were started


def run_analyze(args: argparse.Namespace) -> int:
    """``framing analyze``: write the workspace (paragraphs.parquet, vectors.npy, themes.toml, run.json) and the CSV tables."""
    out = writable_folder(output_path(args.out, "--out", _other_inputs(args), _corpus_paths(args), folder=True), "--out")
    analysed = _analysed(args)
    if analysed is None:
        return 1
    analysis, themes, embedder, metadata = analysed
    table = analysis.table
    _write_csv(output_table(table, themes.ids), out / "paragraphs.csv")
    _write_csv(theme_shares(table, themes.ids, by="language"), out / "themes_by_language.csv")
    _write_csv(theme_shares(table, themes.ids, by="outlet"), out / "themes_by_outlet.csv")
    _write_csv(themes_by_date(table, themes.ids, timeline_period(table)), out / "themes_by_date.csv")
    _write_csv(theme_voices(table, themes.ids), out / "voices_by_language.csv")
    _write_csv(theme_speakers(table, themes.ids), out / "speakers_by_language.csv")
    write_workspace(out, table, analysis.vectors, themes, metadata)  # paragraphs.parquet, vectors.npy, themes.toml, run.json
    kept = int(table["kept"].sum())
    print(
        f"framing: {counted(metadata['documents'], 'document')}, {counted(len(table), 'paragraph')}: {kept} kept, "
        f"{len(table) - kept} dropped (see drop_reason); {counted(embedder.computed, 'text')} embedded, "
        f"{embedder.reused} from cache; tables and workspace in {out}/"
    )
    if kept == 0:
        print("framing: error: no paragraph could be analysed (all were dropped)", file=sys.stderr)
        return 1
    return 0


def run_report(args: argparse.Namespace) -> int:
    """``framing report``: the analysis as one self-contained HTML file (charts, tables, evidence, accuracy, themes).

    Given a workspace (a folder ``framing analyze --out`` wrote), the report is made from it: nothing is recomputed.
    """
    out = writable_file(output_path(args.out, "--out", _other_inputs(args), _corpus_paths(args)), "--out")
    if args.accuracy and not Path(args.accuracy).is_file():
        raise OptionError(f"--accuracy {args.accuracy}: no such file")
    stored = _stored_workspace(args)
    if stored is not None:
        table, themes, metadata = stored.table, stored.themes, stored.metadata
        embedder = make_embedder(args.model, use_cache=not args.no_cache, warn=_warn) if args.accuracy else None
    else:
        analysed = _analysed(args)
        if analysed is None:
            return 1
        analysis, themes, embedder, metadata = analysed
        table = analysis.table
    if not table["kept"].any():
        print("framing: error: no paragraph could be analysed (all were dropped)", file=sys.stderr)
        return 1
    evaluation = None
    if args.accuracy and embedder is not None:
        labels = load_labels(args.accuracy, themes.ids)
        _note_ignored_columns(labels, themes.ids, args.accuracy)
        folds = effective_folds(ARTICLE_FOLDS, labels["doc_id"].nunique())
        if stored is not None:  # the themes the workspace was scored with, with their labelled paragraphs
            themes = with_labelled(themes, None, source=str(stored.folder))
        evaluation = evaluate(labels, _labels_scored(labels, themes, embedder, folds, "doc_id"), themes.thresholds())
    from analysis.report import build_report  # plotly is imported only for a report (0.2 s of every other run)

    report = build_report(table, themes, metadata, evaluation=evaluation, evaluation_source=args.accuracy or "")
    out.write_text(report, encoding="utf-8")
    print(f"framing: report written to {out} ({len(report.encode('utf-8')) // 1024} KB, opens offline in any browser)")
    return 0


def _stored_workspace(args: argparse.Namespace) -> Workspace | None:
    """The workspace ``framing report WORKSPACE`` names (read, not recomputed), or None when the paths are a corpus."""
    workspaces = [path for path in args.paths if looks_like_workspace(Path(path))]
    if not workspaces:
        return None
    if len(args.paths) > 1:
        raise OptionError(f"{workspaces[0]} is a workspace (framing analyze --out): report it alone, not with other inputs")
    if args.themes or args.labels:
        raise OptionError(
            f"{workspaces[0]} is a workspace, reported as it was analysed: --themes and --labels apply to framing analyze, "
            "so analyse the corpus again with them"
        )
    return read_workspace(Path(workspaces[0]))


def _labels_scored(labels: pd.DataFrame, themes: ThemeSet, embedder: Embedder, folds: int, by: str) -> pd.DataFrame:
    """Cross-fitted scores of labelled paragraphs (held out ``by`` article or event), with a progress bar."""
    with _ProgressBar() as progress:
        return score_labels(
            labels,
            themes,
            lambda texts: embedder.embed(texts, progress=progress),
            folds,
            model_id=embedder.model_id,
            by=by,
            store=ScorerStore.default(),
        )


def _analysed(args: argparse.Namespace) -> tuple[Analysis, ThemeSet, Embedder, dict[str, Any]] | None:
    """Read, embed and score the corpus the arguments name; None (said on stderr) when nothing can be read."""
    engines.check(args.engine, args.address)  # before any work: Ray installed, --address only with it
    stages = _StageLines()
    themes = load_themes(themes_file(args.themes))
    if args.labels:
        marks = load_marks(Path(args.labels), themes.ids, required=True)
        _note_ignored_columns(marks, themes.ids, args.labels)
        themes = with_marks(themes, marks)
    if not args.no_cache:
        language_memory.recall()
    corpus = read_corpus(args.paths or [DEFAULT_CORPUS])
    for problem in corpus.problems:
        print(f"framing: input: {problem}", file=sys.stderr)
    if corpus.documents.empty:
        print("framing: error: nothing to analyse: no readable document in the input", file=sys.stderr)
        return None
    local = make_embedder(args.model, use_cache=not args.no_cache, warn=_warn)
    local.keep_model = False  # one analysis per process: its scoring gets the model's memory
    embedder = engines.with_engine(local, args.engine, model=args.model, address=args.address)
    with _ProgressBar() as progress:
        analysis = analyze(corpus, themes, embedder, progress=progress, stage=stages)
    stages("scored; writing the results", len(analysis.table))
    if not args.no_cache:
        language_memory.keep()
    metadata = {
        **analysis.metadata,
        "themes_file": str(args.themes or DEFAULT_THEMES_PATH),
        "labels": args.labels,
        "inputs": [str(p) for p in args.paths or [DEFAULT_CORPUS]],
        **engines.run_metadata(embedder),
    }
    return analysis, themes, embedder, metadata


def run_evaluate(args: argparse.Namespace) -> int:
    """``framing evaluate``: precision, recall and F1 of theme assignment against labels."""
    if args.json is not None:
        writable_file(output_path(args.json, "--json", [args.labels, args.themes]), "--json")
    themes = load_themes(themes_file(args.themes))
    labels = load_labels(args.labels, themes.ids)
    _note_ignored_columns(labels, themes.ids, args.labels)
    with_voices = has_voice_labels(labels)
    if with_voices:
        labelled_voices(labels)  # before embedding: a bad voice cell fails fast
    if args.by == "event" and "event" not in labels.columns:
        raise LabelsError(f"{args.labels}: --by event needs an `event` column (see docs/labelling.md)")
    unit = EVENTS if args.by == "event" else ARTICLES
    requested = args.folds if args.folds is not None else (EVENT_FOLDS if args.by == "event" else ARTICLE_FOLDS)
    folds = effective_folds(requested, labels[args.by].nunique(), unit)
    if folds != requested:
        print(f"framing: {folds} folds used, not {requested}: the labels hold only {folds} {unit}", file=sys.stderr)
    embedder = make_embedder(args.model, use_cache=not args.no_cache, warn=_warn)
    seen = seen_by_adapter(labels) if args.model in (None, "", DEFAULT_MODEL) else 0
    if seen:
        print(
            f"framing: note: the default model's theme adapter was trained on {seen:,} of these {len(labels):,} labelled "
            "paragraphs: figures on them are optimistic (README, Accuracy)",
            file=sys.stderr,
        )
    voices = voice_report(labels, embedder) if with_voices else None
    scores = _labels_scored(labels, themes, embedder, folds, args.by)
    part = "event" if args.by == "event" else "set"
    at_thresholds = evaluate(labels, scores, themes.thresholds(), part=part)
    held_out = cross_validate(labels, scores, themes.ids, folds=folds, part=part, by=args.by)
    grouping = (
        f"{folds} folds of whole events: each event scored and thresholded without it"
        if args.by == "event"
        else f"{folds} folds grouped by article"
    )
    report = {
        "labels": str(args.labels),
        "model": embedder.model_id,
        "themes_hash": themes.digest(),
        "at_file_thresholds": at_thresholds.to_dict(),
        "scored_by": "leave-events-out" if args.by == "event" else "cross-fitted by article",
        "cross_validated": {"folds": folds, "grouped_by": args.by, **held_out.to_dict()},
    }
    for title, result in (
        ("At the themes file's thresholds", at_thresholds),
        (f"Thresholds chosen on held-out folds ({grouping})", held_out),
    ):
        print(f"\n== {title} ==")
        print(result.macro_f1.to_string(index=False))
        print(result.metrics.to_string(index=False))
    print(f"\nThresholds fitted on all labels: {held_out.thresholds}")
    errors = at_thresholds.errors
    print(f"\n== {len(errors)} misclassified (at the file's thresholds) ==")
    for row in errors.itertuples(index=False):
        print(f"[{row.part} {row.language} {row.doc_id}] {row.theme} {row.error} (score {row.score:+.3f}): {row.text[:110]}")
    if voices is not None:
        print(voices[0])
        report["voices"] = voices[1]
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nframing: report written to {args.json}")
    return 0


def run_prepare(args: argparse.Namespace) -> int:
    """``framing prepare``: build the embedded model if missing and embed the themes' training texts once."""
    themes = load_themes(themes_file(args.themes))
    if args.model == DEFAULT_MODEL:
        ensure_onnx_export(ensure_default_model(log=_note), log=_note)
    embedder = make_embedder(args.model, warn=_warn)
    with _ProgressBar() as progress:
        embedder.embed(training_texts(themes), progress=progress)
    computed, reused = embedder.computed, embedder.reused  # before fitting, which looks the same texts up again
    fitted_scorer(themes, embedder.model_id, embedder.embed, ScorerStore.default())
    print(
        f"framing: ready: {counted(computed + reused, 'training text')} of the themes "
        f"({computed} embedded now, {reused} already cached) with {embedder.model_id}"
    )
    return 0


def run_info(args: argparse.Namespace) -> int:
    """``framing info``: model path, cache location and versions."""
    home = framing_home()
    model_dir = default_model_dir(home)
    cache_path = home / "cache" / CACHE_FILE
    cached = len(EmbeddingCache(cache_path, warn=_warn)) if cache_path.exists() else 0
    print(f"framing home:   {home}  (set FRAMING_HOME to move it)")
    print(f"default model:  {model_dir}  ({model_status(model_dir)})")
    print(f"embedding with: {onnx_status(model_dir)}")
    print(f"embedding cache: {cache_path}  ({counted(cached, 'vector')})")
    print(f"themes file:    {DEFAULT_THEMES_PATH}")
    for package, found in versions().items():
        print(f"{package + ':':16}{found}")
    return 0


PROGRESS_MIN_PARAGRAPHS = 10_000
"""From this many paragraphs on, ``framing analyze`` says on stderr which stage it is in (reading and splitting a large
corpus, scoring it and finding its voices take minutes)."""


class _StageLines:
    """A :data:`analysis.pipeline.StageCallback` printing one line per stage on stderr, seconds since the command started
    first (``framing: [95 s] finding who voices 98,000 kept paragraphs``), for a corpus of more than
    :data:`PROGRESS_MIN_PARAGRAPHS` paragraphs only: a small one is done before a line could help."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, what: str, paragraphs: int) -> None:
        if paragraphs > PROGRESS_MIN_PARAGRAPHS:
            from tqdm import tqdm

            tqdm.write(f"framing: [{time.perf_counter() - self.started:.0f} s] {what}", file=sys.stderr)  # not through a bar


class _ProgressBar:
    """A tqdm bar on stderr for embedding (with the time left), shown only when there is something to embed.

    Each call of ``Embedder.embed`` that embeds something (the themes' training texts when a fit is
    missing, then the paragraphs) gets its own bar.
    """

    _bar: Any  # a tqdm bar once there is something to embed

    def __enter__(self) -> _ProgressBar:
        self._bar = None
        return self

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._bar is not None and (total != self._bar.total or done < self._bar.n):  # another embed call
            self._bar.close()
            self._bar = None
        if self._bar is None:
            self._bar = tqdm(total=total, desc="embedding", unit="text", file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()


def themes_file(path: str | None) -> str | None:
    """Return ``--themes`` as given, refusing a folder or an empty name."""
    if path is not None and not path.strip():
        raise OptionError("--themes is empty: give a themes TOML file, or leave --themes out for the bundled themes")
    if path and Path(path).is_dir():
        raise OptionError(f"--themes {path} is a folder: give a themes TOML file")
    return path


def _corpus_paths(args: argparse.Namespace) -> list[str]:
    """The corpus a command reads (default: the seeds)."""
    return list(args.paths or [str(DEFAULT_CORPUS)])


def _other_inputs(args: argparse.Namespace) -> list[str | None]:
    """The files a corpus command reads besides the corpus: the themes, the labels, the accuracy labels."""
    return [args.themes, args.labels, getattr(args, "accuracy", None)]


def output_path(value: str, option: str, files: Sequence[str | None], corpus: Sequence[str] = (), *, folder: bool = False) -> Path:
    """The output ``option`` names (a ``folder`` or a file), refused when empty, when it is an input (one of ``files`` or
    of the ``corpus`` paths), or when it would land where a run on the corpus reads it as an article: in a corpus
    folder (folders are read one level deep; a workspace is read as one), or, for a folder of tables, beside a corpus
    file."""
    kind = "folder" if folder else "file"
    if not value.strip():
        raise OptionError(f"{option} is empty: give a {kind} name")
    out, target = Path(value), Path(value).resolve()
    for given in (Path(path) for path in [*files, *corpus] if path):
        if given.is_file() and target == given.resolve():
            raise OptionError(f"{option} {out} is an input file: it would be overwritten; give another {kind}")
    for given in map(_read_as, corpus):
        source = given.resolve()
        if given.is_dir() and folder and target == source:
            raise OptionError(
                f"{option} {out} is an input folder: its tables would be read as articles by the next run; give another folder"
            )
        if given.is_dir() and not folder and target.parent == source and not looks_like_workspace(given):
            raise OptionError(
                f"{option} {out} is in the input folder {given}: the next run on it would read the file as an article; write it elsewhere"
            )
        if given.is_file() and folder and target == source.parent:
            raise OptionError(
                f"{option} {out} holds the input {given}: its tables would be read as articles by a run on that folder; give another folder"
            )
    return out


def _read_as(path: str) -> Path:
    """What a corpus path is read as: a ``manifest.csv`` is read as its folder."""
    given = Path(path)
    return given.parent if given.name.lower() == MANIFEST_NAME and given.is_file() else given


def writable_folder(path: Path, option: str) -> Path:
    """Create the folder ``option`` names if needed and check that a file can be written in it."""
    if path.exists() and not path.is_dir():
        raise OptionError(f"{option} {path} is a file: give a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise OptionError(f"{option} {path} cannot be written: {error.strerror or error}") from error
    return path


def writable_file(path: Path, option: str) -> Path:
    """Check that the file ``option`` names can be written (its folder is created if needed)."""
    if path.is_dir():
        raise OptionError(f"{option} {path} is a folder: give a file name")
    writable_folder(path.parent, option)
    return path


def effective_folds(requested: int, groups: int, unit: str = ARTICLES) -> int:
    """Return the cross-validation folds to use: at most one per group (``unit``: articles or events); fewer than 2 is refused."""
    if requested < 2:
        raise OptionError(f"--folds {requested}: cross-validation needs at least 2 folds")
    if groups < 2:
        raise OptionError(f"cross-validation needs at least 2 {unit}; the labels hold {groups}")
    return min(requested, groups)


def _note_ignored_columns(labels: pd.DataFrame, theme_ids: list[str], name: str) -> None:
    """Say on stderr which columns of a labels file are read for nothing (a misspelt theme id)."""
    if note := ignored_columns_note(labels.columns, theme_ids, name):
        _note(note)


def _warn(message: str) -> None:
    print(f"framing: warning: {message}", file=sys.stderr)


def _note(message: str) -> None:
    print(f"framing: {message}", file=sys.stderr)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write a table as the dashboard's CSV download does; run metadata goes to run.json instead."""
    path.write_bytes(to_csv_bytes(table, {}))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="How Persian- and Arabic-language outlets frame the same event.")
    parser.add_argument("--version", action="version", version=f"framing {version('framing')}")
    commands = parser.add_subparsers(dest="command", required=True)
    themes_and_model = argparse.ArgumentParser(add_help=False)
    themes_and_model.add_argument("--themes", help="themes TOML file (default: the bundled themes)")
    themes_and_model.add_argument(
        "--model", default=DEFAULT_MODEL, help="sentence-transformers model name or path (default: the embedded multilingual-e5-small)"
    )
    cache = argparse.ArgumentParser(add_help=False)
    cache.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")

    corpus_input = argparse.ArgumentParser(add_help=False)
    corpus_input.add_argument("paths", nargs="*", help="folders of .txt (+ manifest.csv), .txt, .csv or .jsonl files (default: seeds/)")
    corpus_input.add_argument(
        "--labels",
        help="your marks or labelled paragraphs (a labels CSV, e.g. downloaded from the Teach tab): the themes learn from them too",
    )
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument(
        "--engine",
        choices=engines.ENGINES,
        default="local",
        help="where the embedding runs: in this process (default) or on a Ray cluster (needs: pip install 'framing[ray]')",
    )
    engine.add_argument(
        "--address", help="the Ray cluster for --engine ray (ray://HOST:10001, or HOST:6379 on a node); default: a local Ray instance"
    )
    analyze_cmd = commands.add_parser(
        "analyze", parents=[corpus_input, themes_and_model, cache, engine], help="analyse a corpus and write the tables"
    )
    analyze_cmd.add_argument(
        "--out",
        required=True,
        help="output folder (checked before the analysis starts): the workspace (paragraphs.parquet, vectors.npy, themes.toml, "
        "run.json) that framing report and the dashboard open, and the CSV tables",
    )
    analyze_cmd.set_defaults(run=run_analyze)

    report_cmd = commands.add_parser(
        "report",
        parents=[corpus_input, themes_and_model, cache, engine],
        help="analyse a corpus and write one self-contained HTML report (opens offline)",
    )
    report_cmd.add_argument("--out", required=True, help="the HTML file to write (checked before the analysis starts)")
    report_cmd.epilog = (
        "PATH may also be a workspace, the folder framing analyze --out wrote: the report is then made from it, nothing recomputed."
    )
    report_cmd.add_argument(
        "--accuracy",
        metavar="LABELS",
        help="a labelled CSV to measure the themes against: its precision, recall and F1 go into the report",
    )
    report_cmd.set_defaults(run=run_report)

    evaluate_cmd = commands.add_parser(
        "evaluate", parents=[themes_and_model, cache], help="precision/recall/F1 of theme assignment against a labelled CSV"
    )
    evaluate_cmd.add_argument("labels", help="CSV with text, language and one 0/1 column per theme (optional: set, doc_id)")
    evaluate_cmd.add_argument(
        "--folds",
        type=int,
        default=None,
        help="cross-validation folds of whole articles (default 5), or of whole events with --by event (default 10); at least 2, at most one per article or event",
    )
    evaluate_cmd.add_argument(
        "--by",
        choices=["doc_id", "event"],
        default="doc_id",
        help="what a paragraph is held out with: its article (default) or its event (leave-one-event-out; needs an `event` column)",
    )
    evaluate_cmd.add_argument("--json", help="also write the full report as JSON to this file (checked before the evaluation starts)")
    evaluate_cmd.set_defaults(run=run_evaluate)

    prepare_cmd = commands.add_parser(
        "prepare", parents=[themes_and_model], help="build the embedded model and embed the themes' training texts (once)"
    )
    prepare_cmd.set_defaults(run=run_prepare)

    info_cmd = commands.add_parser("info", help="show the model path, the cache location and versions")
    info_cmd.set_defaults(run=run_info)
    return parser


if __name__ == "__main__":
    sys.exit(main())
