"""The view in the URL, in headless Chromium: a link opens its tab and filters, a reload keeps them, and the URL
follows what the reader changes."""

from __future__ import annotations

import pytest

from tests.e2e.dashboard import CHARTS, CHROMIUM, chromium_page, dashboard_server, server_log, wait_until_idle

pytestmark = pytest.mark.browser

SELECTED_TAB = "[role='tab'][aria-selected='true']"
LANGUAGES = "[data-testid='stSidebar'] [data-testid='stMultiSelect']"


def test_a_link_opens_its_view_and_a_reload_keeps_it() -> None:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make browser`"
    with dashboard_server() as (url, _, server), chromium_page() as (page, errors):
        page.goto(f"{url}?corpus=seeds&view=Voices&lang=fa", timeout=180_000)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 1", timeout=180_000)
        wait_until_idle(page)
        opened = (page.locator(SELECTED_TAB).inner_text(), page.locator(LANGUAGES).first.inner_text())

        page.reload(timeout=180_000)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 1", timeout=180_000)
        wait_until_idle(page)
        reloaded = (page.locator(SELECTED_TAB).inner_text(), page.locator(LANGUAGES).first.inner_text())

        page.get_by_role("tab", name="Evidence").click()
        page.wait_for_function("() => location.search.includes('view=Evidence')", timeout=60_000)
        wait_until_idle(page)
        followed = page.evaluate("() => location.search")
        seen_errors = list(errors)
        log = server_log(server)
    assert opened[0] == "Voices" and "Persian" in opened[1] and "Arabic" not in opened[1]
    assert reloaded == opened
    assert "view=Evidence" in followed and "lang=fa" in followed
    assert seen_errors == []
    assert "Traceback" not in log
