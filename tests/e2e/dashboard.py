"""Drive the dashboard in headless Chromium and time it: one flow, used by the browser test and the bench.

The flow starts ``streamlit run app.py`` on a free port (on the seeds, or on a stored workspace: ``streamlit run app.py
-- --workspace DIR``), opens it in Debian's Chromium (through
playwright, never a downloaded browser), waits for the plotly charts, changes a sidebar filter, opens
the paragraphs behind a bar, and records console errors and the text direction of a paragraph.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 1000}
CHARTS = ".js-plotly-plot"
# one bar trace per language (the count labels are scatter traces)
WATCH_REDRAW = """() => {
    window.framingPressed = null;
    window.framingRedrawn = null;
    document.addEventListener("pointerdown", () => { window.framingPressed ??= performance.now(); }, {capture: true, once: true});
    const watch = () => {
        if (window.framingPressed !== null && CONDITION) { window.framingRedrawn = performance.now(); } else { requestAnimationFrame(watch); }
    };
    requestAnimationFrame(watch);
}"""
"""Page script: the page's clock when the pointer presses (``framingPressed``) and at the first frame where CONDITION
holds after it (``framingRedrawn``)."""
RECORD_SOCKET = """
window.framingSocket = [];
const PageSocket = window.WebSocket;
window.WebSocket = function (...args) {
    const socket = new PageSocket(...args);
    socket.addEventListener("message", () => window.framingSocket.push(["received", performance.now()]));
    const send = socket.send.bind(socket);
    socket.send = (data) => { window.framingSocket.push(["sent", performance.now()]); return send(data); };
    return socket;
};
window.WebSocket.prototype = PageSocket.prototype;
Object.assign(window.WebSocket, PageSocket);
"""
"""Page script run before the page's own: the page's clock at each message Streamlit's websocket sends or receives."""
SOCKET_TIMES = """() => {
    const after = window.framingSocket.filter(([, time]) => time >= window.framingPressed && time <= window.framingRedrawn);
    const sent = after.find(([kind]) => kind === "sent");
    const received = after.filter(([kind]) => kind === "received");
    return [sent ? sent[1] - window.framingPressed : -1, received.length ? received[received.length - 1][1] - window.framingPressed : -1];
}"""
"""Page script: after a filter change, when the change was sent and when the last message before the redrawn frame
(the one that carries the chart, or a later one) arrived, both from the pointer's press, in milliseconds."""
SHARES_CHART_TRACES = f"(document.querySelector('{CHARTS}')?.data || []).filter(trace => trace.type === 'bar').length"
PARAGRAPH = "div[dir='rtl']"


@dataclass
class Measurement:
    """What one pass over the dashboard observed."""

    first_chart_seconds: float
    filter_change_seconds: float
    view_after_click: str
    paragraph_direction: str
    console_errors: list[str] = field(default_factory=list)
    server_log: str = ""
    shares_chart_seconds: float = 0.0
    """From the server's start to the shares chart alone (both languages' bars), before the rest of the overview."""
    filter_change_in_page_seconds: float = 0.0
    """The filter change by the page's own clock: from the pointer pressing the button to the frame that shows the
    redrawn chart (without the time Playwright takes to find, check and press the button, and to poll)."""
    change_sent_in_page_seconds: float = 0.0
    """By the page's clock, from the press to the change's message to the server."""
    chart_received_in_page_seconds: float = 0.0
    """By the page's clock, from the press to the last message received before the redrawn frame (the chart's)."""
    page_busy_ms: dict[str, float] = field(default_factory=dict)
    """With ``profile_page``: the page's main thread during the filter change (from just before the press to the
    redrawn frame, sampled by Chromium's CPU profiler), milliseconds per script file (its hash removed) or native
    activity ("(program)": style, layout, paint; "(idle)"; "(garbage collector)")."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def dashboard_server(timeout: float = 120, workspace: Path | None = None) -> Iterator[tuple[str, float, subprocess.Popen[str]]]:
    """Run the dashboard (on the seeds, or on the stored ``workspace``); yield its URL, the time it was started and the
    process. Always stops it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
    ]
    if workspace is not None:
        command += ["--", "--workspace", str(workspace)]
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(url, server, timeout)
        yield url, started, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()  # else the pipe is closed by the garbage collector, during another test


@contextmanager
def chromium_page() -> Iterator[tuple[Page, list[str]]]:
    """A page in a fresh headless Chromium profile, and the list its console and page errors go to."""
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="framing-chromium-") as profile, sync_playwright() as playwright:
        context: BrowserContext = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            yield page, errors
        finally:
            context.close()


def server_log(server: subprocess.Popen[str], timeout: float = 60) -> str:
    """Stop the dashboard and return what it printed (killed when it has not exited within ``timeout`` seconds)."""
    server.terminate()
    try:
        return server.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        server.kill()
        return server.communicate()[0] + f"\n(the server did not stop within {timeout:g} s of SIGTERM: killed)"


def measure(screenshot: Path, timeout: float = 180, workspace: Path | None = None, profile_page: bool = False) -> Measurement:
    """Open the dashboard, time the first chart and a filter change, check RTL, save a full-page screenshot.

    On the seeds, or on the stored ``workspace`` (which must hold Persian and Arabic paragraphs: the filter change
    removes Arabic). ``profile_page`` also samples the page's main thread during the filter change (``page_busy_ms``).
    """
    with dashboard_server(workspace=workspace) as (url, started, server), chromium_page() as (page, errors):
        page.add_init_script(RECORD_SOCKET)
        page.goto(url, timeout=timeout * 1000)
        page.wait_for_function(f"() => {SHARES_CHART_TRACES} === 2", timeout=timeout * 1000)
        shares_chart = time.perf_counter() - started
        page.wait_for_function(
            f"() => document.querySelectorAll('{CHARTS}').length >= 3 && {SHARES_CHART_TRACES} === 2", timeout=timeout * 1000
        )
        first_chart = time.perf_counter() - started
        wait_until_idle(page, timeout)
        save_full_page(page, screenshot)

        page.evaluate(WATCH_REDRAW.replace("CONDITION", f"{SHARES_CHART_TRACES} === 1"))
        profiler = page.context.new_cdp_session(page) if profile_page else None
        if profiler is not None:
            for method, params in (("Profiler.enable", {}), ("Profiler.setSamplingInterval", {"interval": 200}), ("Profiler.start", {})):
                profiler.send(method, params)
        filter_started = time.perf_counter()
        remove_language(page, "Arabic")
        page.wait_for_function(f"() => {SHARES_CHART_TRACES} === 1", timeout=timeout * 1000)
        filter_change = time.perf_counter() - filter_started
        page.wait_for_function("() => window.framingRedrawn !== null", timeout=timeout * 1000)
        busy = busy_by_script(profiler.send("Profiler.stop")["profile"], filter_change) if profiler is not None else {}
        in_page = page.evaluate("() => (window.framingRedrawn - window.framingPressed) / 1000")
        sent, received = page.evaluate(SOCKET_TIMES)
        wait_until_idle(page, timeout)

        open_first_bar(page)
        page.locator(PARAGRAPH).first.wait_for(timeout=timeout * 1000)
        view = page.locator("[role='tab'][aria-selected='true']").inner_text()
        direction = page.locator(PARAGRAPH).first.evaluate("element => getComputedStyle(element).direction")
        seen_errors = list(errors)  # before the server stops: the page then logs failed reconnections
        log = server_log(server)
        return Measurement(
            round(first_chart, 2),
            round(filter_change, 2),
            view,
            direction,
            seen_errors,
            log,
            round(shares_chart, 2),
            round(in_page, 2),
            round(sent / 1000, 3),
            round(received / 1000, 3),
            busy,
        )


def busy_by_script(profile: dict[str, Any], seconds: float) -> dict[str, float]:
    """Milliseconds of the first ``seconds`` of a Chromium CPU profile per script file (``react-dom.Dzbslgj4.js`` ->
    ``react-dom.js``) or native activity, most first."""
    frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    busy: Counter[str] = Counter()
    elapsed = 0.0
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        elapsed += delta / 1e6
        if elapsed > seconds:
            break
        frame = frames[sample]
        name = re.sub(r"\.[\w-]{8}\.js$", ".js", frame["url"].rsplit("/", 1)[-1]) if frame["url"] else frame["functionName"]
        busy[name or "(anonymous)"] += delta / 1000
    return {name: round(ms, 1) for name, ms in busy.most_common()}


def wait_until_idle(page: Page, timeout: float = 60) -> None:
    """Wait until Streamlit has finished the current run (its status widget disappears)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout * 1000)
    page.wait_for_timeout(300)


def remove_language(page: Page, name: str) -> None:
    """Remove a language from the sidebar's Languages filter."""
    languages = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="Languages")
    languages.locator(f"button[aria-label^='Remove {name}']").first.click()


def open_first_bar(page: Page) -> None:
    """Click the first bar of the shares chart, which opens the paragraphs behind it.

    Plotly listens on a drag layer above the bars, so the mouse clicks at the bar's centre.
    """
    box = page.locator(f"{CHARTS} .bars .point path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def save_full_page(page: Page, path: Path) -> None:
    """Screenshot the whole scrolled page (Streamlit scrolls inside its main block, not the window)."""
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], [data-testid="stAppViewContainer"]\')]'
        ".map(element => element.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(height)})
    page.wait_for_timeout(800)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


def _wait_until_healthy(url: str, server: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}: {server.stdout.read() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")
