"""Agreement between two annotators: rerun with `.venv/bin/python bench/agreement.py [--fresh]`.

Two blind second labellings, each by annotators who read only docs/labelling.md and the texts:
- `tests/data/second_annotator.csv`: the round-1 test paragraphs (now the `train_c` rows of
  `analysis/data/labelled_paragraphs.csv`), 320 paragraphs on Kazakhstan 2022 mostly (the default);
- `tests/data/fresh_events_second_annotator.csv` (`--fresh`): the two fresh events sets
  (`tests/data/fresh_events.csv`, `fresh_events3.csv`), 530 paragraphs on ten events in no training file.

Agreement is reported per theme and language as F1 (one annotator's labels taken as the truth; F1 is
symmetric) and Cohen's kappa, then macro-F1 per language, and per set when the first labels carry one.
It is the ceiling to compare the scorer's macro-F1 with: a scorer cannot be expected to agree with one
annotator more than a second careful annotator does.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from analysis.evaluate import f1_score
from analysis.labels import load_labels
from analysis.themes import load_themes

ROOT = Path(__file__).resolve().parent.parent
FIRST = (ROOT / "analysis" / "data" / "labelled_paragraphs.csv",)
SECOND = ROOT / "tests" / "data" / "second_annotator.csv"
FRESH_FIRST = (ROOT / "tests" / "data" / "fresh_events.csv", ROOT / "tests" / "data" / "fresh_events3.csv")
FRESH_SECOND = ROOT / "tests" / "data" / "fresh_events_second_annotator.csv"


def paired(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The second labelling's rows with the first's labels beside them (``<theme>_first`` / ``<theme>_second``).

    Raises:
        SystemExit: a second-annotator row matches no first-labelled paragraph.
    """
    merged = second.merge(first, on=["doc_id", "text"], suffixes=("_second", "_first"), validate="one_to_one")
    if len(merged) != len(second):
        raise SystemExit(f"only {len(merged)} of {len(second)} second-annotator rows match a labelled paragraph")
    return merged


def agreement(merged: pd.DataFrame, ids: Sequence[str], by: str = "language_first") -> pd.DataFrame:
    """F1 and Cohen's kappa between the two labellings per theme, for all rows and per value of ``by``."""
    rows = []
    for group_name, group in [("all", merged), *merged.groupby(by, sort=True)]:
        for theme_id in ids:
            a, b = group[f"{theme_id}_first"].astype(bool), group[f"{theme_id}_second"].astype(bool)
            f1 = f1_score((a & b).sum(), (a & ~b).sum(), (~a & b).sum())  # the first annotator as the truth; F1 is symmetric
            rows.append(
                {
                    "group": group_name,
                    "theme": theme_id,
                    "paragraphs": len(group),
                    "first": int(a.sum()),
                    "second": int(b.sum()),
                    "f1": round(float(f1), 3),
                    "kappa": round(float(cohen_kappa_score(a, b)), 3),
                }
            )
    return pd.DataFrame(rows)


def macro_f1(table: pd.DataFrame) -> pd.Series:
    """Macro-F1 over the themes per group of :func:`agreement`'s table (NaN F1 of a theme nobody marked aside)."""
    return table.groupby("group", sort=False)["f1"].mean().round(3)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="the fresh events sets' second labelling")
    arguments = parser.parse_args(argv)
    ids = load_themes().ids
    first_paths, second_path = (FRESH_FIRST, FRESH_SECOND) if arguments.fresh else (FIRST, SECOND)
    first = pd.concat([load_labels(path, ids) for path in first_paths], ignore_index=True)
    second = load_labels(second_path, ids)
    merged = paired(first, second)
    table = agreement(merged, ids)
    print(table.rename(columns={"group": "language"}).to_string(index=False))
    macro = macro_f1(table)
    print("\nmacro-F1 between the annotators:", ", ".join(f"{language} {value}" for language, value in macro.items()))
    set_column = "set_first" if "set_first" in merged else "set"  # suffixed only when the second labels carry a set too
    if set_column in merged and merged[set_column].nunique() > 1:
        merged["set_language"] = merged[set_column].astype(str) + " " + merged["language_first"].astype(str)
        by_set = macro_f1(agreement(merged, ids, by="set_language")).drop("all")
        print("per set and language:", ", ".join(f"{group} {value}" for group, value in by_set.items()))
    arguable = np.mean([bool(value) for value in second["arguable"]]) if "arguable" in second else 0.0
    print(f"paragraphs the second annotator marked arguable for some theme: {arguable:.0%}")


if __name__ == "__main__":
    main()
