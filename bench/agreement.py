"""Agreement between two annotators: rerun with `.venv/bin/python bench/agreement.py`.

`tests/data/second_annotator.csv` holds a second, blind labelling of the round-1 test paragraphs
(now the `train_c` rows of `analysis/data/labelled_paragraphs.csv`): a second annotator read only
docs/labelling.md and the texts. Agreement is reported per theme and language as F1 (one
annotator's labels taken as the truth; F1 is symmetric) and Cohen's kappa. It is the ceiling to
compare the scorer's macro-F1 with: a scorer cannot be expected to agree with one annotator more
than a second careful annotator does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from analysis.evaluate import f1_score
from analysis.labels import load_labels
from analysis.themes import load_themes

ROOT = Path(__file__).resolve().parent.parent
FIRST = ROOT / "analysis" / "data" / "labelled_paragraphs.csv"
SECOND = ROOT / "tests" / "data" / "second_annotator.csv"


def main() -> None:
    ids = load_themes().ids
    first = load_labels(FIRST, ids)
    second = load_labels(SECOND, ids)
    merged = second.merge(first, on=["doc_id", "text"], suffixes=("_second", "_first"), validate="one_to_one")
    if len(merged) != len(second):
        raise SystemExit(f"only {len(merged)} of {len(second)} second-annotator rows match a labelled paragraph")
    rows = []
    for language, group in [("all", merged), *merged.groupby("language_first")]:
        for theme_id in ids:
            a, b = group[f"{theme_id}_first"].astype(bool), group[f"{theme_id}_second"].astype(bool)
            f1 = f1_score((a & b).sum(), (a & ~b).sum(), (~a & b).sum())  # the first annotator as the truth; F1 is symmetric
            rows.append(
                {
                    "language": language,
                    "theme": theme_id,
                    "paragraphs": len(group),
                    "first": int(a.sum()),
                    "second": int(b.sum()),
                    "f1": round(float(f1), 3),
                    "kappa": round(float(cohen_kappa_score(a, b)), 3),
                }
            )
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    macro = table.groupby("language", sort=False)["f1"].mean().round(3)
    print("\nmacro-F1 between the annotators:", ", ".join(f"{language} {value}" for language, value in macro.items()))
    arguable = np.mean([bool(value) for value in second["arguable"]]) if "arguable" in second else 0.0
    print(f"paragraphs the second annotator marked arguable for some theme: {arguable:.0%}")


if __name__ == "__main__":
    main()
