"""A hostile corpus in headless Chromium: its markup is shown as text, never rendered (issue 9, item 2).

Both articles' outlet is ``<b>Bold</b> <a href='https://evil.example'>x</a>`` and the text holds
``<script>`` and ``<img onerror>``. Plotly renders a subset of HTML in tick labels, legends and hover text (``<b>``
becomes a bold ``tspan``, ``<a>`` a link), so the test reads the charts' SVG after plotly drew it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import Page

from tests.e2e.dashboard import CHARTS, CHROMIUM, chromium_page, dashboard_server, server_log, wait_until_idle

pytestmark = pytest.mark.browser

OUTLET = "<b>Bold</b> <a href='https://evil.example'>x</a>"
PERSIAN = "نیروهای پیمان امنیت جمعی برای مقابله با تروریست‌ها وارد قزاقستان شدند و در آلماتی مستقر شدند."
ARABIC = "قال المتحدث إن القوات ستغادر كازاخستان فور انتهاء مهمتها المحدودة والمؤقتة بعد استقرار الوضع."
CORPUS = (
    pd.DataFrame(
        [
            {
                "outlet": OUTLET,
                "language": "fa",
                "date": "2022-01-07",
                "title": "<img src=x onerror=alert('title')>",
                "text": f"{PERSIAN} <script>alert('text')</script>\n\n<img src=x onerror=alert('img')> {PERSIAN} دوم\n\n<script>alert(3)</script>",
            },
            {"outlet": OUTLET, "language": "ar", "date": "2022-01-08", "title": "", "text": f"{ARABIC} <b>Bold</b>"},
        ]
    )
    .to_csv(index=False)
    .encode()
)
# Injected nodes: links and bold text inside the charts, images and scripts from the corpus anywhere.
INJECTED = f"""() => [
    ...document.querySelectorAll('{CHARTS} a, [href*="evil"], img[src="x"]'),
    ...[...document.querySelectorAll('script')].filter(node => node.textContent.includes('alert(')),
    ...[...document.querySelectorAll('{CHARTS} tspan')].filter(node => /font-weight:\\s*bold/.test(node.getAttribute('style') || '') && node.textContent.includes('Bold')),
].map(node => node.outerHTML.slice(0, 120))"""
CHART_TEXT = f"() => [...document.querySelectorAll('{CHARTS} svg')].map(svg => svg.textContent).join(' ')"


def upload(page: Page) -> None:
    """Upload the hostile corpus in the sidebar and wait for its charts."""
    page.locator("[data-testid='stSidebar'] input[type='file']").first.set_input_files(
        files=[{"name": "hostile.csv", "mimeType": "text/csv", "buffer": CORPUS}]
    )
    page.get_by_text("Analysing your upload").wait_for(timeout=180_000)
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 3", timeout=180_000)
    wait_until_idle(page)


def open_view(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_until_idle(page)


def hover_strip(page: Page) -> str:
    """Hover the first square of the article strip (through plotly's own hover call); return the hover label's markup."""
    strip = page.locator(CHARTS).nth(2)
    strip.scroll_into_view_if_needed()
    point = strip.locator(".barlayer .point").first.bounding_box()
    area = strip.locator(".nsewdrag").first.bounding_box()
    xpx, ypx = point["x"] + point["width"] / 2 - area["x"], point["y"] + point["height"] / 2 - area["y"]
    strip.evaluate(f"graph => window.Plotly.Fx.hover(graph, {{xpx: {xpx}, ypx: {ypx}}}, 'xy')")
    label = strip.locator(".hoverlayer .hovertext")
    label.first.wait_for(timeout=30_000)
    markup = label.first.inner_html()
    strip.evaluate("graph => window.Plotly.Fx.unhover(graph)")  # the label's own bold name must not linger into the next view
    return markup


def test_corpus_markup_is_shown_as_text_in_every_chart_and_view() -> None:
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium: run `make browser`"
    with dashboard_server() as (url, _, server), chromium_page() as (page, errors):
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url, timeout=180_000)
        page.wait_for_function(f"() => document.querySelectorAll('{CHARTS}').length >= 3", timeout=180_000)
        upload(page)

        assert page.evaluate(INJECTED) == []
        assert OUTLET.replace(" ", "") in page.evaluate(CHART_TEXT).replace(" ", "")  # tick labels show it as written (wrapped)
        hover = hover_strip(page)  # "<b>%{y}</b>" of the chart's own template bolds the label, which shows the markup as text
        assert "<a" not in hover and "&lt;b&gt;Bold&lt;/b&gt; &lt;a href='https://evil.example'&gt;" in hover

        for view in ("Evidence", "Dropped paragraphs", "Distinctive words"):
            open_view(page, view)
            assert page.evaluate(INJECTED) == [], view
            if view == "Dropped paragraphs":
                page.get_by_text("<script>alert(3)</script>").first.wait_for(timeout=60_000)  # the dropped paragraph, as text

        page.wait_for_timeout(500)
        assert dialogs == []
        assert errors == []
        assert "Traceback" not in server_log(server)
