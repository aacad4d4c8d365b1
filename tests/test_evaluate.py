from __future__ import annotations

import pandas as pd

from analysis.evaluate import Evaluation, trust_summary


def _evaluation(rows: list[tuple[str, str, int, float]]) -> Evaluation:
    macro = pd.DataFrame(rows, columns=["set", "language", "labelled", "macro_f1"])
    return Evaluation(metrics=pd.DataFrame(), macro_f1=macro, errors=pd.DataFrame(), thresholds={})


def test_trust_summary_uses_the_held_out_set_and_names_a_language_gap() -> None:
    summary = trust_summary(_evaluation([
        ("all", "all", 365, 0.9), ("all", "fa", 172, 0.9), ("all", "ar", 193, 0.9),
        ("test", "all", 147, 0.68), ("test", "fa", 76, 0.75), ("test", "ar", 71, 0.6),
    ]))
    assert summary.startswith("On 147 held-out test paragraphs")
    assert "macro-F1 0.68 (Persian 0.75, Arabic 0.60)" in summary
    assert "fair agreement" in summary
    assert "better on Persian than on Arabic" in summary


def test_trust_summary_without_a_test_set_uses_all_labels() -> None:
    good = trust_summary(_evaluation([("mine", "fa", 40, 0.85)]))
    assert good.startswith("On 40 labelled paragraphs") and "good agreement" in good and "better on" not in good
    assert "weak agreement" in trust_summary(_evaluation([("mine", "all", 40, 0.4), ("mine", "fa", 20, 0.45), ("mine", "ar", 20, 0.35)]))
