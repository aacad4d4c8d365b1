"""Language identifications kept between runs: recalled, used without lingua, a damaged file ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import language_memory, text
from tests.helpers import forget_identifications


def test_kept_identifications_are_used_without_loading_lingua(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "languages.json"
    sentence = "نیروهای حافظ صلح پس از پایان مأموریت خود به کشورشان بازگشتند و فرودگاه بازگشایی شد."
    forget_identifications(monkeypatch)
    found = text.identify_language(sentence)
    assert found.language == "fa" and text.identification_key(sentence) in text.identifications_made()
    language_memory.keep(path)

    monkeypatch.setattr(text, "_KNOWN", {})
    text.identify_language.cache_clear()
    assert language_memory.recall(path) >= 1

    def no_lingua() -> None:
        raise AssertionError("lingua was loaded")

    monkeypatch.setattr(text, "_detector", no_lingua)
    assert text.identify_language(sentence) == found
    text.identify_language.cache_clear()


def test_a_damaged_or_missing_memory_is_ignored(tmp_path: Path) -> None:
    assert language_memory.recall(tmp_path / "missing.json") == 0
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert language_memory.recall(tmp_path / "bad.json") == 0
    (tmp_path / "odd.json").write_text("[1, 2]", encoding="utf-8")
    assert language_memory.recall(tmp_path / "odd.json") == 0


def test_an_unwritable_memory_only_means_identifying_again(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    text.identify_language.cache_clear()
    text.identify_language("هذه جملة عربية قصيرة عن القوات والمهمة المحدودة في البلاد.")
    language_memory.keep(blocked / "languages.json")  # no exception
    assert not (blocked / "languages.json").exists()
