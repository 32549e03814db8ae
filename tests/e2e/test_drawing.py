"""Drawing with the mouse in a real browser: the GAN page's "your drawing" and the VAE page's
"Draw a digit" (``streamlit-drawable-canvas`` under the pinned Streamlit, headless Chromium).

GAN: two scribbled strokes and three clicks with the click tool make three clusters; the page
says so, the address bar carries the drawing, and a 500-step training through the queue is
refereed on those three clusters. VAE: an oval drawn with the mouse is encoded — the star and
q(z|x)'s ellipses on the plane beside the canvas, the −ELBO, the classifier's reading, the
autoencoder's code — at 1280×720, the canvas and the plane side by side on the first screen.
"""

from __future__ import annotations

import math
import re

import pytest

from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")

VIEWPORT = {"width": 1280, "height": 720}
TRAIN_TIMEOUT_MS = 240_000  # 500 generator steps and the drawing's floor, on a busy machine


def _canvas(page):
    """The canvas that takes the mouse (Fabric.js's upper canvas), scrolled into view."""
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    canvas.scroll_into_view_if_needed()
    return canvas


def _stroke(page, canvas, points) -> None:
    """Press, move through ``points`` (canvas pixels), release; then let the app rerun."""
    box = canvas.bounding_box()
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0], y0 + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x, y0 + y, steps=2)
    page.mouse.up()
    page.wait_for_timeout(400)
    wait_for_app(page)


def _scribble(cx, cy, r=10):
    """A small closed loop around (cx, cy): one blob of a few cells."""
    return [(cx + r * math.cos(t / 8 * 2 * math.pi), cy + r * math.sin(t / 8 * 2 * math.pi))
            for t in range(17)]


def test_draw_data_then_train_the_gan(tmp_path):
    with streamlit_server() as server, playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{server.base}/gan?gan_data=your+drawing&gan_steps=500")
        wait_for_app(page)
        assert page.get_by_text("Draw a few strokes").count() == 1
        canvas = _canvas(page)
        _stroke(page, canvas, _scribble(80, 80))     # cluster 1: top left
        page.get_by_text("in 1 cluster").first.wait_for(timeout=30_000)
        _stroke(page, canvas, _scribble(300, 96))    # cluster 2: top right
        page.get_by_text("in 2 clusters").first.wait_for(timeout=30_000)
        # the click tool: three clicks close together at the bottom, one cluster
        page.get_by_text("clicks", exact=True).click()
        wait_for_app(page)
        canvas = _canvas(page)
        box = canvas.bounding_box()
        for dx, dy in ((0, 0), (8, 0), (0, 8)):
            page.mouse.click(box["x"] + 190 + dx, box["y"] + 300 + dy)
            page.wait_for_timeout(400)
            wait_for_app(page)
        page.get_by_text("in 3 clusters").first.wait_for(timeout=30_000)
        assert "gan_drawn=" in page.url  # a small drawing rides in the address bar
        page.screenshot(path=str(tmp_path / "gan-drawn.png"))
        # train it (through the server's queue) and read the referee
        page.get_by_role("button", name="Train this run").first.click()
        modes = page.locator("[data-testid='stMetric']").filter(has_text="modes captured")
        modes.first.wait_for(timeout=TRAIN_TIMEOUT_MS)
        wait_for_app(page)
        value = modes.first.locator("[data-testid='stMetricValue']").inner_text().strip()
        assert re.fullmatch(r"[0-3] of 3", value), value
        w1 = page.locator("[data-testid='stMetric']").filter(has_text="W₁ (n = 2,000)")
        assert re.fullmatch(r"\d+\.\d{3}",
                            w1.first.locator("[data-testid='stMetricValue']").inner_text().strip())
        page.screenshot(path=str(tmp_path / "gan-drawn-trained.png"))
        assert page_problems(page) == []
        browser.close()
    assert "Traceback" not in server.log()


def test_draw_a_digit_and_see_where_the_vae_puts_it(tmp_path):
    with streamlit_server() as server, playwright_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{server.base}/vae?vae_tab=Draw+a+digit&units=nats")
        wait_for_app(page)
        canvas = _canvas(page)
        plane = page.locator("[data-testid='stPlotlyChart']").first
        cbox, pbox = canvas.bounding_box(), plane.bounding_box()
        # the picture first: the canvas and the plane side by side, both on the first screen
        assert pbox["x"] >= cbox["x"] + cbox["width"] - 5, (cbox, pbox)
        assert cbox["y"] < VIEWPORT["height"] - 200 and pbox["y"] < VIEWPORT["height"] - 200
        assert page.get_by_text("Draw a digit in the white square").count() == 1
        # a zero: an oval, drawn with the mouse in one stroke
        oval = [(140 + 60 * math.sin(t / 40 * 2 * math.pi),
                 140 - 95 * math.cos(t / 40 * 2 * math.pi)) for t in range(42)]
        _stroke(page, canvas, oval)
        metric = page.locator("[data-testid='stMetric']").filter(has_text="−ELBO")
        metric.first.wait_for(timeout=60_000)
        wait_for_app(page)
        elbo = float(metric.first.locator("[data-testid='stMetricValue']").inner_text()
                     .replace(",", "").strip())
        assert 20 < elbo < 2000  # nats: a digit the model can read, not a blank
        assert page.get_by_text("reads your digit as a").count() == 1
        assert page.get_by_text("Draw a digit in the white square").count() == 0
        # the plane now carries the digit and q(z|x)'s ellipses; the autoencoder's plane too
        legend = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
        assert "your digit" in legend and "q(z|x), 1σ" in legend
        titles = " ".join(page.locator("[data-testid='stPlotlyChart'] .gtitle").all_text_contents())
        assert "Your digit at μ(x)" in titles and "Autoencoder: f(x)" in titles
        page.screenshot(path=str(tmp_path / "vae-drawn.png"))
        assert page_problems(page) == []
        browser.close()
    assert "Traceback" not in server.log()
