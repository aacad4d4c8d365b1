"""Marking a paragraph from the Evidence tab in headless Chromium: saved, relearnt, the change said."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.config import framing_home
from tests.e2e.dashboard import (
    CHARTS,
    CHROMIUM,
    chromium_page,
    dashboard_server,
    open_first_bar,
    save_full_page,
    server_log,
    wait_until_idle,
)

pytestmark = pytest.mark.browser


def test_a_mark_from_the_evidence_tab_is_saved_and_relearnt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make browser`"
    real, home = framing_home(), tmp_path / "home"
    home.mkdir()
    for name in ("models", "cache", "scorers"):
        (real / name).mkdir(parents=True, exist_ok=True)
        (home / name).symlink_to(real / name)
    monkeypatch.setenv("FRAMING_HOME", str(home))
    assert os.environ["FRAMING_HOME"] == str(home)
    with dashboard_server() as (url, _, server), chromium_page() as (page, errors):
        page.goto(url, timeout=180_000)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 3", timeout=180_000)
        wait_until_idle(page)
        open_first_bar(page)
        no = page.get_by_role("radio", name="No", exact=True).first
        no.wait_for(timeout=60_000)
        no.click()
        page.get_by_text("Relearnt from your marks.").first.wait_for(timeout=120_000)
        wait_until_idle(page)
        save_full_page(page, tmp_path / "marked.png")
        seen_errors = list(errors)
        log = server_log(server)
    saved = list((home / "workspaces").glob("*/labels.csv"))
    assert len(saved) == 1 and saved[0].read_text(encoding="utf-8-sig").count("\n") == 2  # header + one marked paragraph
    assert seen_errors == []
    assert "Traceback" not in log
