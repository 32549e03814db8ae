"""A page's shared inputs in Chromium (issue 19): the Information page's die is drawn above the
tabs that use it only, and a die set there survives a visit to the others.

Where each tab's picture lands, and that nothing collides, is ``test_layout.py``'s walk of every
tab (``layout_probe``; ``python -m tests.e2e.layout_probe --app-dir DIR`` measures any checkout).
"""

from __future__ import annotations

from urllib.parse import quote_plus

import pytest

from harness.browser import launch, wait_for_app
from harness.server import streamlit_server

pytestmark = pytest.mark.e2e


def open_view(page, base: str, path: str, key: str | None, label: str | None) -> None:
    page.goto(f"{base}/{path}" + (f"?{key}={quote_plus(label)}" if key else ""))
    wait_for_app(page)
    if label:
        tab = page.locator('[data-testid="stMain"] [role="tab"]').filter(has_text=label).first
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
            wait_for_app(page)


@pytest.fixture(scope="module")
def app():
    with streamlit_server() as server:
        with pytest.importorskip("playwright.sync_api").sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            yield server, page
            browser.close()


def test_the_die_is_drawn_only_above_its_tabs_and_kept_across_the_others(app):
    # Shared inputs a tab does not use are not drawn above it: the Information page's die is
    # above Surprise … Many rolls only, and a die set there survives a visit to Coin.
    server, page = app
    open_view(page, server.base, "information", "info_tab", "Two rolls")
    box = page.get_by_label("P(1)", exact=True)
    box.fill("0.9")
    box.press("Enter")
    wait_for_app(page)
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    for name, drawn in (("Coin", 0), ("KL: extra bits", 0), ("Two variables", 0),
                        ("Surprise", 1)):
        tabs.filter(has_text=name).first.click()
        wait_for_app(page)
        assert page.get_by_label("P(1)", exact=True).count() == drawn, name
    assert page.get_by_label("P(1)", exact=True).input_value() == "0.9000"
    assert "add up to 1" in page.locator("[data-testid='stAlert']").first.inner_text()
