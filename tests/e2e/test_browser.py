"""End to end: the real server, every page in headless Chromium, one screenshot per page.

Screenshots go to a temporary directory: the tests leave the tree clean. The README's pictures
in docs/screenshots/ are refreshed on purpose, with ``python -m tests.e2e.screenshots``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gdm_app import ui
from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server
from tests.conftest import contrast_on_white

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser_page():
    with streamlit_server() as server:
        with playwright_api.sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            yield server.base, page, server
            browser.close()


@pytest.mark.parametrize("file,title,path,icon,heading", ui.PAGES, ids=[p[2] for p in ui.PAGES])
def test_page_renders_in_chromium(browser_page, shots, file, title, path, icon, heading):
    base, page, server = browser_page
    url = base + "/" if path == "home" else f"{base}/{path}"
    page.goto(url)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == heading
    assert page_problems(page) == []  # no traceback, no section's error message
    # the app-wide settings are drawn by app.py on every page
    assert page.get_by_label("Random seed", exact=True).and_(page.locator("input")).count() == 1
    page.screenshot(path=str(shots / f"{path}.png"), full_page=False)
    assert (shots / f"{path}.png").stat().st_size > 10_000
    assert "Traceback" not in server.log()


# Every tick label of every Plotly chart, in every tab of every page, as the browser draws it.
TICKS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stPlotlyChart"] .xtick text, '
    + '[data-testid="stMain"] [data-testid="stPlotlyChart"] .ytick text')]
  .filter(t => t.textContent.trim() !== '')
  .map(t => { const cs = getComputedStyle(t); return [t.textContent, cs.fontSize, cs.fill]; })"""


def test_every_chart_tick_label_is_projector_readable(browser_page):
    # Readable from the back of a classroom: tick labels at least 16 px, dark on white
    # (contrast at least 7:1, WCAG AAA).
    base, page, server = browser_page
    bad, seen = [], 0
    for _, _, path, _, _ in ui.PAGES:
        page.goto(base + "/" if path == "home" else f"{base}/{path}")
        wait_for_app(page)
        tabs = page.locator('[data-testid="stMain"] [role="tab"]')
        names = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())] or [None]
        for name in names:
            if name is not None:
                tabs.filter(has_text=name).first.click()
                wait_for_app(page)
            assert page_problems(page) == [], (path, name)
            for text, size, fill in page.evaluate(TICKS_JS):
                seen += 1
                if float(size.removesuffix("px")) < 16 or contrast_on_white(fill) < 7:
                    bad.append(f"{path}/{name}: {text!r} {size} {fill}")
    assert seen, "no Plotly tick labels found"
    assert not bad, f"{len(bad)} of {seen} tick labels too small or too light, e.g. {bad[:8]}"
