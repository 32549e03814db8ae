"""End to end: the real server, every page in headless Chromium, one screenshot per page."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdm_core import ui
from tests.e2e.server import CHROMIUM_ARGS, ROOT, chromium_path, streamlit_server, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")
SHOTS = ROOT / "docs" / "screenshots"


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
def browser_page():
    with streamlit_server() as (base, proc, log_path):
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            yield base, page, log_path
            browser.close()


@pytest.mark.parametrize("file,title,path,icon,heading", ui.PAGES, ids=[p[2] for p in ui.PAGES])
def test_page_renders_in_chromium(browser_page, file, title, path, icon, heading):
    base, page, log_path = browser_page
    url = base + "/" if path == "home" else f"{base}/{path}"
    page.goto(url)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() == heading
    assert page.locator("[data-testid='stException']").count() == 0
    # the app-wide settings are drawn by app.py on every page
    assert page.get_by_label("Random seed", exact=True).and_(page.locator("input")).count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path}.png"), full_page=False)
    assert (SHOTS / f"{path}.png").stat().st_size > 10_000
    assert "Traceback" not in log_path.read_text()
