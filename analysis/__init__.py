"""framing: how Persian- and Arabic-language outlets frame the same event.

Stages (each a plain function over DataFrames): ``corpus`` reads documents, ``text`` cleans and
splits them into paragraphs, ``embed`` embeds them (cached), ``themes`` defines the themes, ``scorer`` fits and
scores them, ``compare``
aggregates, ``charts`` draws, ``export`` writes downloads, ``evaluate`` measures accuracy.
"""

from analysis.corpus import Corpus, CorpusError, Problem, read_corpus
from analysis.embed import Embedder, EmbeddingCache, ModelError, make_embedder
from analysis.evaluate import cross_validate, evaluate, score_labels
from analysis.labels import LabelsError, load_labels
from analysis.pipeline import Analysis, analyze, score_table
from analysis.scorer import ScorerStore, ThemeScorer, assign_themes
from analysis.text import detect_language, normalize, split_paragraphs, tokenize
from analysis.themes import Theme, ThemeError, ThemeSet, load_themes, parse_themes, themes_to_toml

__all__ = [
    "Analysis",
    "Corpus",
    "CorpusError",
    "Embedder",
    "EmbeddingCache",
    "LabelsError",
    "ModelError",
    "Problem",
    "ScorerStore",
    "Theme",
    "ThemeError",
    "ThemeScorer",
    "ThemeSet",
    "analyze",
    "assign_themes",
    "cross_validate",
    "detect_language",
    "evaluate",
    "load_labels",
    "load_themes",
    "make_embedder",
    "normalize",
    "parse_themes",
    "read_corpus",
    "score_labels",
    "score_table",
    "split_paragraphs",
    "themes_to_toml",
    "tokenize",
]
