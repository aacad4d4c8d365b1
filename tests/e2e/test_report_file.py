"""The shared HTML report in headless Chromium with the network blocked: every chart drawn, no console error."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Route

from analysis import cli
from analysis.embed import Embedder, EmbeddingCache
from tests.e2e.dashboard import CHARTS, CHROMIUM, chromium_page
from tests.helpers import SEEDS, FakeEncoder, write_small_bundled_themes

pytestmark = pytest.mark.browser

DRAWN = f"""() => Array.from(document.querySelectorAll('{CHARTS}')).map(
    chart => (chart.data || []).length > 0 && chart.querySelector('.main-svg') !== null)"""
RTL_PARAGRAPH = "div[dir='rtl'][lang='fa']"


def test_report_opens_offline_with_every_chart_drawn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make browser`"
    cache = EmbeddingCache(tmp_path / "cache.sqlite3")
    encoder = FakeEncoder()
    monkeypatch.setattr(cli, "make_embedder", lambda *_, **__: Embedder("fake", lambda: encoder, cache))
    report = tmp_path / "report.html"
    assert cli.main(["report", str(SEEDS), "--themes", str(write_small_bundled_themes(tmp_path)), "--out", str(report)]) == 0

    with chromium_page() as (page, errors):
        requested: list[str] = []

        def only_the_file(route: Route) -> None:
            requested.append(route.request.url)
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                route.abort()

        page.route("**/*", only_the_file)
        page.goto(report.as_uri())
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .main-svg').length >= 4", timeout=60_000)
        drawn = page.evaluate(DRAWN)
        assert len(drawn) == 4 and all(drawn), drawn
        assert page.locator(RTL_PARAGRAPH).first.evaluate("element => getComputedStyle(element).direction") == "rtl"
        page.wait_for_timeout(500)
        assert errors == []
        assert [url for url in requested if not url.startswith("file://")] == []
