"""``ui.ensure_entrypoint`` by its behaviour: a fresh server whose very first request is a deep
link (a teacher's link to one page) still goes through ``app.py``.

With a ``pages/`` folder beside ``app.py`` Streamlit starts in its old multipage mode; without
the workaround the first visitor's ``/gan`` would run ``pages/gan.py`` alone — no sidebar
settings, a file-list menu — and so would every later visitor. Only a fresh real server shows
this (AppTest resets the mode per test), so this test starts one.
"""

from __future__ import annotations

import pytest

from gdm_app import ui
from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")


# /gan, and /vae-why: a url path the old mode only finds if the page's file has its name (it
# was vae_why.py, and a cold /vae-why opened a "Page not found" dialog over the page).
@pytest.mark.parametrize("path", ["gan", "vae-why"])
def test_a_cold_deep_link_reaches_the_page_through_app_py(path):
    heading = {p[2]: p[4] for p in ui.PAGES}[path]
    with streamlit_server() as server, playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.base}/{path}?units=nats&seed=3")  # the server's first request
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip() == heading
        assert page.url.split("?")[0] == f"{server.base}/{path}"
        assert page.locator("[role='dialog']").count() == 0  # no "Page not found"
        side = page.locator("[data-testid='stSidebar']")
        # app.py's settings, read from the link: units and seed
        seed = side.get_by_label("Random seed", exact=True).and_(page.locator("input"))
        assert seed.count() == 1 and seed.input_value() == "3"
        units = side.locator("[data-testid='stRadioOption'][data-selected='true']")
        assert units.count() == 1 and units.inner_text().strip() == "nats"
        # st.navigation's menu (titles), not the old mode's file list ("app", "gan", ...)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Information" in nav and "GAN training" in nav and "app" not in nav.split()
        assert page_problems(page) == []
        # and the server stays in app.py's mode for the next visitor
        second = browser.new_context().new_page()
        second.goto(f"{server.base}/minimax")
        wait_for_app(second)
        assert second.locator("[data-testid='stSidebar']").get_by_label(
            "Random seed", exact=True).and_(second.locator("input")).count() == 1
        browser.close()
        assert "Traceback" not in server.log()
