"""The timeline in headless Chromium: the Over time tab draws a point per day and language, and a click on a point
opens the Evidence tab on that point's theme, language and day."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.dashboard import CHARTS, CHROMIUM, PARAGRAPH, chromium_page, dashboard_server, save_full_page, server_log, wait_until_idle

pytestmark = pytest.mark.browser

TIMELINE_POINTS = f"{CHARTS} .scatterlayer .points path"
CARRY_SUMMARY = re.compile(r"(\d+) kept paragraphs? carr(?:y|ies) Terrorism here")


def test_a_click_on_a_timeline_point_opens_its_paragraphs(tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make browser`"
    screenshot = Path(os.environ.get("FRAMING_TIMELINE_SCREENSHOT", tmp_path / "timeline.png"))
    with dashboard_server() as (url, _, server), chromium_page() as (page, errors):
        page.goto(url, timeout=180_000)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 3", timeout=180_000)
        wait_until_idle(page)
        page.get_by_role("tab", name="Over time").click()
        page.locator(TIMELINE_POINTS).first.wait_for(timeout=60_000)
        wait_until_idle(page)
        points = page.locator(TIMELINE_POINTS)
        assert points.count() == 15  # 5 (day, language) pairs of the seeds x 3 themes
        save_full_page(page, screenshot)
        box = points.first.bounding_box()  # Terrorism, Persian, 7 January (Fars)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.get_by_text("Only paragraphs dated 2022-01-07 (the timeline point you clicked).").wait_for(timeout=60_000)
        page.locator(PARAGRAPH).first.wait_for(timeout=60_000)
        view = page.locator("[role='tab'][aria-selected='true']").inner_text()
        cards = page.locator(PARAGRAPH).count()
        summary = page.get_by_text(CARRY_SUMMARY).first.inner_text()
        seen_errors = list(errors)
        log = server_log(server)
    assert view == "Evidence"
    found = int(CARRY_SUMMARY.search(summary).group(1))  # type: ignore[union-attr]
    # Only the clicked day: Fars's 7 January, where 2 of 12 kept paragraphs carry terrorism at 0.19.0's thresholds
    # (`framing analyze seeds`, paragraphs.csv); every Persian day together has 5.
    assert found == 2
    assert cards >= 1
    assert seen_errors == []
    assert "Traceback" not in log
