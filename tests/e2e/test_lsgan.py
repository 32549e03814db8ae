"""End to end: a student picks the least-squares GAN in Chromium at 1280×720 and sees its
shipped run refereed, its picture on the first screen, and its maths (issue 23)."""

from __future__ import annotations

import pytest

from gdm_core import gan
from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")


def test_pick_the_least_squares_gan():
    shipped = gan.load_preset_run("compare-lsgan").final_metrics()
    with streamlit_server() as server, playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{server.base}/gan")
        wait_for_app(page)
        page.get_by_label("Objective", exact=True).click()
        page.get_by_role("option", name=gan.LOSS_LABELS["lsgan"]).click()
        wait_for_app(page)
        # the shipped run opens (no training) and is refereed like the others
        metric = page.locator("[data-testid='stMetric']").filter(has_text="modes captured").first
        assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == \
            f"{shipped['modes_captured']} of {shipped['n_modes']}"
        frame = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
        assert frame["y"] < 720 - 200  # the picture on the first screen
        page.locator("[data-testid='stMain'] [role='tab']").filter(has_text="The maths").click()
        wait_for_app(page)
        assert "Least-squares GAN" in page.locator("[data-testid='stMain']").inner_text()
        assert page_problems(page) == []
        browser.close()
        assert "Traceback" not in server.log()
