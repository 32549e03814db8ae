"""Headless Debian Chromium for the browser tests, the load test and the benchmarks."""

from __future__ import annotations

import shutil
import time

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
# Nothing but localhost can be resolved: no request leaves the machine (the benchmarks).
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium).")
    return path


def launch(playwright, *, args: list[str] | None = None):
    """Debian's Chromium, headless, through a Playwright (sync) instance."""
    return playwright.chromium.launch(executable_path=chromium_path(),
                                      args=CHROMIUM_ARGS + list(args or ()))


def wait_for_app(page, timeout_ms: int = 60000) -> None:
    """Wait until Streamlit has finished running the script for the current page.

    "Finished" is: a heading shown and no "running" status twice in a row, 0.45 s apart (a page
    may rerun itself once, e.g. ui.ensure_entrypoint), then every Plotly chart drawn.
    """
    # attached, not visible: presentation mode hides the page title
    page.wait_for_selector("[data-testid='stApp'] h1", timeout=timeout_ms, state="attached")
    idle = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:
        page.wait_for_function(idle, timeout=timeout_ms)
        page.wait_for_timeout(450)
        if page.evaluate(idle) and page.locator("[data-testid='stSkeleton']").count() == 0:
            break
    # every Plotly chart drawn (the charts load their library lazily), within reason
    try:
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
            ".every(c => c.querySelector('.main-svg'))",
            timeout=20000,
        )
    except Exception:  # a slow chart must not fail the test; the screenshot shows it
        pass
    page.wait_for_timeout(200)


# What is wrong on the page now: Streamlit's exception boxes, and the app's section errors
# (alerts holding the error boundary's message; its marker is the argument).
PROBLEMS_JS = """(marker) => {
  const out = [];
  for (const e of document.querySelectorAll('[data-testid="stException"]'))
    out.push('exception: ' + e.innerText.slice(0, 300));
  for (const e of document.querySelectorAll('[data-testid="stAlert"]'))
    if (e.innerText.includes(marker)) out.push('section error: ' + e.innerText.slice(0, 300));
  return out;
}"""


def error_marker() -> str:
    """The start of the app's error-boundary message (``gdm_app.ui.sections.ERROR_MARKER``)."""
    try:
        from gdm_app.ui.sections import ERROR_MARKER
    except ImportError:  # a checkout without it
        return "This section could not be shown"
    return ERROR_MARKER


def page_problems(page) -> list[str]:
    """Tracebacks and section errors shown on a (sync Playwright) page; [] if none."""
    return page.evaluate(PROBLEMS_JS, error_marker())
