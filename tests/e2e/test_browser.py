"""End to end: the real server, every page in headless Chromium, one screenshot per page.

Screenshots go to a temporary directory: the tests leave the tree clean. The README's pictures
in docs/screenshots/ are refreshed on purpose, with ``python -m tests.e2e.screenshots``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gdm_app import ui
from tests.e2e.server import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")


def test_a_deep_link_as_the_first_request_still_goes_through_app_py():
    # A fresh server whose very first visitor follows a teacher's link to one page.
    with streamlit_server() as (base, proc, log_path):
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/minimax?preset=spiral")
            wait_for_app(page)
            assert page.locator("h1").first.inner_text().strip() == "Minimax"
            assert page.get_by_label("Random seed", exact=True).and_(page.locator("input")).count() == 1
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            assert "Information" in nav and "app" not in nav.split()  # st.navigation's menu
            assert page.locator("[data-testid='stException']").count() == 0
            browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser_page():
    with streamlit_server() as (base, proc, log_path):
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            yield base, page, log_path
            browser.close()


@pytest.mark.parametrize("file,title,path,icon,heading", ui.PAGES, ids=[p[2] for p in ui.PAGES])
def test_page_renders_in_chromium(browser_page, shots, file, title, path, icon, heading):
    base, page, log_path = browser_page
    url = base + "/" if path == "home" else f"{base}/{path}"
    page.goto(url)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == heading
    assert page.locator("[data-testid='stException']").count() == 0
    # the app-wide settings are drawn by app.py on every page
    assert page.get_by_label("Random seed", exact=True).and_(page.locator("input")).count() == 1
    page.screenshot(path=str(shots / f"{path}.png"), full_page=False)
    assert (shots / f"{path}.png").stat().st_size > 10_000
    assert "Traceback" not in log_path.read_text()


# Every tick label of every Plotly chart, in every tab of every page, as the browser draws it.
TICKS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stPlotlyChart"] .xtick text, '
    + '[data-testid="stMain"] [data-testid="stPlotlyChart"] .ytick text')]
  .filter(t => t.textContent.trim() !== '')
  .map(t => { const cs = getComputedStyle(t); return [t.textContent, cs.fontSize, cs.fill]; })"""


def contrast_on_white(rgb: str) -> float:
    """WCAG contrast ratio of an ``rgb(r, g, b)`` colour against white."""
    r, g, b = (int(float(x)) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])

    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return 1.05 / (lum + 0.05)


def test_every_chart_tick_label_is_projector_readable(browser_page):
    # Readable from the back of a classroom: tick labels at least 16 px, dark on white
    # (contrast at least 7:1, WCAG AAA).
    base, page, log_path = browser_page
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
            for text, size, fill in page.evaluate(TICKS_JS):
                seen += 1
                if float(size.removesuffix("px")) < 16 or contrast_on_white(fill) < 7:
                    bad.append(f"{path}/{name}: {text!r} {size} {fill}")
    assert seen, "no Plotly tick labels found"
    assert not bad, f"{len(bad)} of {seen} tick labels too small or too light, e.g. {bad[:8]}"
