"""The dashboard in headless Chromium: charts load, a sidebar filter updates them, a bar opens its paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.dashboard import CHROMIUM, measure

pytestmark = pytest.mark.browser


def test_dashboard_loads_filters_and_shows_paragraphs_right_to_left(tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make browser`"
    screenshot = tmp_path / "dashboard.png"
    result = measure(screenshot)
    print(f"first chart {result.first_chart_seconds} s after server start; filter change {result.filter_change_seconds} s")
    assert result.console_errors == []
    assert result.view_after_click == "Evidence"
    assert result.paragraph_direction == "rtl"
    assert screenshot.stat().st_size > 50_000
    assert "Traceback" not in result.server_log
