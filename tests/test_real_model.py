"""The pipeline with the real embedded model (built once into FRAMING_HOME by `make model`)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.corpus import read_corpus
from analysis.embed import Embedder, make_embedder
from analysis.pipeline import analyze
from analysis.text import normalize
from analysis.themes import load_themes
from tests.helpers import SEEDS

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return make_embedder(use_cache=False)


def test_translations_are_closer_than_an_unrelated_sentence(embedder: Embedder) -> None:
    persian = normalize("نیروهای حافظ صلح پس از پایان مأموریت خود قزاقستان را ترک خواهند کرد.", "fa")
    arabic = normalize("ستغادر قوات حفظ السلام كازاخستان بعد انتهاء مهمتها.", "ar")
    unrelated_fa = normalize("قیمت گوجه‌فرنگی در بازار تهران امروز کاهش یافت.", "fa")
    unrelated_ar = normalize("فاز الفريق المحلي بالمباراة النهائية لكرة القدم مساء أمس.", "ar")
    fa, ar, other_fa, other_ar = embedder.embed([persian, arabic, unrelated_fa, unrelated_ar])
    assert fa.shape == (384,)
    assert float(fa @ ar) > float(fa @ other_ar) + 0.05
    assert float(ar @ fa) > float(ar @ other_fa) + 0.05


def test_seed_analysis_with_the_real_model(embedder: Embedder) -> None:
    themes = load_themes()
    analysis = analyze(read_corpus([SEEDS]), themes, embedder)
    table = analysis.table.set_index("paragraph_id")
    assert embedder.model_loaded
    np.testing.assert_allclose(np.linalg.norm(analysis.vectors, axis=1), 1.0, rtol=1e-5)
    # Putin: "the deployment ... is limited ... will leave after completing its tasks" (Tasnim).
    assert "limited_mission" in table.loc["000_dcd6f80b3848b4cc:3", "themes"].split("|")
    # Tokayev: "these terrorist gangs are international and trained abroad" (Akhbar El-Yom).
    assert {"terrorism", "foreign_interference"} <= set(table.loc["001_f0cd279cab210bb7:11", "themes"].split("|"))
    # Sputnik: withdrawal to start on 13 January, completed within ten days.
    assert "limited_mission" in table.loc["004_21bd836bb6e819ae:11", "themes"].split("|")
