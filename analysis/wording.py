"""Counts and lists in words for the page and the command line: "1 article", "2 articles", "a, b and c"."""

from __future__ import annotations

from collections.abc import Sequence


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` followed by the noun in the number it takes.

    >>> counted(1, "article"), counted(0, "article"), counted(3, "kept paragraph")
    ('1 article', '0 articles', '3 kept paragraphs')
    >>> counted(2, "text", "texts embedded")
    '2 texts embedded'
    """
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The noun alone, in the number ``count`` takes: ``noun(1, "file")`` -> "file"."""
    return singular if count == 1 else plural or singular + "s"


def listed(items: Sequence[str]) -> str:
    """Items joined as a sentence joins them.

    >>> listed(["0.83"]), listed(["0.83", "0.67"]), listed(["0.83", "0.67", "0.79"])
    ('0.83', '0.83 and 0.67', '0.83, 0.67 and 0.79')
    """
    return " and ".join(item for item in (", ".join(items[:-1]), items[-1] if items else "") if item)
