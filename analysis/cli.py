"""The ``framing`` command line: the same analysis as the dashboard, headless.

Library errors become one-line messages here (``framing: error: ...``), never tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.compare import theme_shares
from analysis.config import framing_home
from analysis.corpus import CorpusError, read_corpus
from analysis.embed import CACHE_FILE, DEFAULT_MODEL, EmbeddingCache, ModelError, make_embedder
from analysis.evaluate import cross_validate, evaluate, score_labels
from analysis.labels import LabelsError, load_labels
from analysis.export import to_csv_bytes
from analysis.model_setup import default_model_dir, ensure_default_model
from analysis.pipeline import analyze, output_table, versions
from analysis.scorer import ScorerStore, fitted_scorer
from analysis.themes import DEFAULT_THEMES_PATH, ThemeError, load_themes, training_texts

DEFAULT_CORPUS = Path("seeds")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (CorpusError, ThemeError, ModelError, LabelsError) as error:
        print(f"framing: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return 130


def run_analyze(args: argparse.Namespace) -> int:
    """``framing analyze``: write paragraphs.csv, the theme tables and run.json."""
    themes = load_themes(args.themes)
    corpus = read_corpus(args.paths or [DEFAULT_CORPUS])
    for problem in corpus.problems:
        print(f"framing: skipped {problem}", file=sys.stderr)
    if corpus.documents.empty:
        print("framing: error: nothing to analyse: no readable document in the input", file=sys.stderr)
        return 1
    embedder = make_embedder(args.model, use_cache=not args.no_cache)
    with _ProgressBar() as progress:
        analysis = analyze(corpus, themes, embedder, progress=progress)
    table = analysis.table
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _write_csv(output_table(table, themes.ids), out / "paragraphs.csv")
    _write_csv(theme_shares(table, themes.ids, by="language"), out / "themes_by_language.csv")
    _write_csv(theme_shares(table, themes.ids, by="outlet"), out / "themes_by_outlet.csv")
    metadata = {**analysis.metadata, "themes_file": str(args.themes or DEFAULT_THEMES_PATH), "inputs": [str(p) for p in args.paths or [DEFAULT_CORPUS]]}
    (out / "run.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    kept = int(table["kept"].sum())
    print(
        f"framing: {metadata['documents']} documents, {len(table)} paragraphs: {kept} kept, "
        f"{len(table) - kept} dropped (see drop_reason); {embedder.computed} texts embedded, "
        f"{embedder.reused} from cache; tables in {out}/"
    )
    if kept == 0:
        print("framing: error: no paragraph could be analysed (all were dropped)", file=sys.stderr)
        return 1
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """``framing evaluate``: precision, recall and F1 of theme assignment against labels."""
    themes = load_themes(args.themes)
    labels = load_labels(args.labels, themes.ids)
    embedder = make_embedder(args.model, use_cache=not args.no_cache)
    with _ProgressBar() as progress:
        scores = score_labels(
            labels, themes, lambda texts: embedder.embed(texts, progress=progress),
            model_id=embedder.model_id, by=args.by, store=ScorerStore.default(),
        )
    part = "event" if args.by == "event" else "set"
    at_thresholds = evaluate(labels, scores, themes.thresholds(), part=part)
    held_out = cross_validate(labels, scores, themes.ids, folds=args.folds, part=part, by=args.by)
    grouping = "one event each: leave-one-event-out" if args.by == "event" else f"{args.folds} folds grouped by article"
    report = {
        "labels": str(args.labels),
        "model": embedder.model_id,
        "themes_hash": themes.digest(),
        "at_file_thresholds": at_thresholds.to_dict(),
        "scored_by": "leave-one-event-out" if args.by == "event" else "cross-fitted by article",
        "cross_validated": {"folds": args.folds, "grouped_by": args.by, **held_out.to_dict()},
    }
    for title, result in (("At the themes file's thresholds", at_thresholds), (f"Thresholds chosen on held-out folds ({grouping})", held_out)):
        print(f"\n== {title} ==")
        print(result.macro_f1.to_string(index=False))
        print(result.metrics.to_string(index=False))
    print(f"\nThresholds fitted on all labels: {held_out.thresholds}")
    errors = at_thresholds.errors
    print(f"\n== {len(errors)} misclassified (at the file's thresholds) ==")
    for row in errors.itertuples(index=False):
        print(f"[{row.part} {row.language} {row.doc_id}] {row.theme} {row.error} (score {row.score:+.3f}): {row.text[:110]}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nframing: report written to {args.json}")
    return 0


def run_prepare(args: argparse.Namespace) -> int:
    """``framing prepare``: build the embedded model if missing and embed the themes' training texts once."""
    if args.model == DEFAULT_MODEL:
        ensure_default_model(log=lambda message: print(f"framing: {message}", file=sys.stderr))
    themes = load_themes(args.themes)
    embedder = make_embedder(args.model)
    with _ProgressBar() as progress:
        embedder.embed(training_texts(themes), progress=progress)
    fitted_scorer(themes, embedder.model_id, embedder.embed, ScorerStore.default())
    print(
        f"framing: ready: {embedder.computed + embedder.reused} training texts of the themes "
        f"({embedder.computed} embedded now, {embedder.reused} already cached) with {embedder.model_id}"
    )
    return 0


def run_info(args: argparse.Namespace) -> int:
    """``framing info``: model path, cache location and versions."""
    home = framing_home()
    model_dir = default_model_dir(home)
    cache_path = home / "cache" / CACHE_FILE
    cached = len(EmbeddingCache(cache_path)) if cache_path.exists() else 0
    print(f"framing home:   {home}  (set FRAMING_HOME to move it)")
    print(f"default model:  {model_dir}  ({'built' if model_dir.exists() else 'not built yet: make model'})")
    print(f"embedding cache: {cache_path}  ({cached} vectors)")
    print(f"themes file:    {DEFAULT_THEMES_PATH}")
    for package, found in versions().items():
        print(f"{package + ':':16}{found}")
    return 0


class _ProgressBar:
    """A tqdm bar on stderr for embedding, shown only when there is something to embed."""

    def __enter__(self) -> _ProgressBar:
        self._bar = None
        return self

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(total=total, desc="embedding", unit="text", file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.close()


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write a table as the dashboard's CSV download does; run metadata goes to run.json instead."""
    path.write_bytes(to_csv_bytes(table, {}))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="How Persian- and Arabic-language outlets frame the same event.")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze_cmd = commands.add_parser("analyze", help="analyse a corpus and write the tables")
    analyze_cmd.add_argument("paths", nargs="*", help="folders of .txt (+ manifest.csv), .txt, .csv or .jsonl files (default: seeds/)")
    analyze_cmd.add_argument("--out", required=True, help="output folder")
    analyze_cmd.add_argument("--themes", help="themes TOML file (default: the bundled themes)")
    analyze_cmd.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or path (default: the embedded multilingual-e5-small)")
    analyze_cmd.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    analyze_cmd.set_defaults(run=run_analyze)

    evaluate_cmd = commands.add_parser("evaluate", help="precision/recall/F1 of theme assignment against a labelled CSV")
    evaluate_cmd.add_argument("labels", help="CSV with text, language and one 0/1 column per theme (optional: set, doc_id)")
    evaluate_cmd.add_argument("--themes", help="themes TOML file (default: the bundled themes)")
    evaluate_cmd.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or path")
    evaluate_cmd.add_argument("--folds", type=int, default=5, help="cross-validation folds, grouped by doc_id (default 5)")
    evaluate_cmd.add_argument(
        "--by", choices=["doc_id", "event"], default="doc_id",
        help="what a paragraph is held out with: its article (default) or its event (leave-one-event-out; needs an `event` column)",
    )
    evaluate_cmd.add_argument("--json", help="also write the full report as JSON to this file")
    evaluate_cmd.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    evaluate_cmd.set_defaults(run=run_evaluate)

    prepare_cmd = commands.add_parser("prepare", help="build the embedded model and embed the themes' training texts (once)")
    prepare_cmd.add_argument("--themes", help="themes TOML file (default: the bundled themes)")
    prepare_cmd.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or path")
    prepare_cmd.set_defaults(run=run_prepare)

    info_cmd = commands.add_parser("info", help="show the model path, the cache location and versions")
    info_cmd.set_defaults(run=run_info)
    return parser


if __name__ == "__main__":
    sys.exit(main())
