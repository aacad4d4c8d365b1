"""Counts in words for the page and the command line: "1 article", "2 articles"."""

from __future__ import annotations


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
