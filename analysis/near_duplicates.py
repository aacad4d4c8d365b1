"""Near-duplicate paragraphs between two sets: character 5-gram Jaccard similarity.

Used to keep test text apart from training text (a test paragraph that nearly copies a training
paragraph would measure memory, not generalisation).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.text import normalize

SHINGLE = 5
NEAR_DUPLICATE = 0.6


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The set of character ``size``-grams of a text (whitespace runs count as one space)."""
    compact = " ".join(text.split())
    return {compact[start : start + size] for start in range(max(1, len(compact) - size + 1))}


def near_duplicates(
    texts: Sequence[str], languages: Sequence[str], others: Sequence[str], other_languages: Sequence[str], threshold: float = NEAR_DUPLICATE
) -> pd.DataFrame:
    """Pairs ``(row, other_row, jaccard)`` whose normalised texts have a 5-gram Jaccard of at least ``threshold``."""
    from scipy import sparse

    left = [shingles(normalize(text, language)) for text, language in zip(texts, languages, strict=True)]
    right = [shingles(normalize(text, language)) for text, language in zip(others, other_languages, strict=True)]
    columns: dict[str, int] = {}
    matrices = []
    for sets in (left, right):
        indptr: list[int] = [0]
        indices: list[int] = []
        for grams in sets:
            indices.extend(columns.setdefault(gram, len(columns)) for gram in grams)
            indptr.append(len(indices))
        matrices.append((indptr, indices))
    a, b = (
        sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(indptr) - 1, len(columns))) for indptr, indices in matrices
    )
    shared = (a @ b.T).tocoo()
    sizes_a, sizes_b = np.diff(a.indptr), np.diff(b.indptr)
    jaccard = shared.data / (sizes_a[shared.row] + sizes_b[shared.col] - shared.data)
    keep = jaccard >= threshold
    return pd.DataFrame({"row": shared.row[keep], "other_row": shared.col[keep], "jaccard": np.round(jaccard[keep], 3)})
