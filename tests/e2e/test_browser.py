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
    if path == "home":  # the gallery's pictures are files the server serves: all of them load
        page.wait_for_function(
            "(n) => [...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
            ".filter(i => i.complete && i.naturalWidth > 0).length === n",
            arg=len(ui.PAGES) - 2, timeout=20_000)  # not Home itself, not the lesson
    assert page_problems(page) == []  # no traceback, no section's error message
    # the app-wide settings are drawn by app.py on every page
    assert page.get_by_label("Random seed", exact=True).and_(page.locator("input")).count() == 1
    page.screenshot(path=str(shots / f"{path}.png"), full_page=False)
    assert (shots / f"{path}.png").stat().st_size > 10_000
    assert "Traceback" not in server.log()


