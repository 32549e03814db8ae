"""In the real browser: a widget reruns its own section only; the URL holds the view;
chart text is large and dark."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server
from tests.conftest import contrast_on_white

pytestmark = pytest.mark.e2e
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    log = Path(tmp_path_factory.mktemp("sections")) / "calls.log"
    log.touch()
    # the server appends every section run to GDM_SECTION_LOG
    with streamlit_server(env={"GDM_SECTION_LOG": str(log)}) as server:
        with playwright_api.sync_playwright() as p:
            browser = launch(p)
            yield server.base, browser, log
            browser.close()


def _calls_after(log: Path, action, page) -> list[str]:
    log.write_text("")
    action()
    time.sleep(0.3)
    wait_for_app(page)
    return [line for line in log.read_text().splitlines() if line]


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_a_slider_reruns_only_its_own_section(app):
    base, browser, log = app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{base}/information?info_tab=Coin")
    wait_for_app(page)
    before = _metric(page, "H(1/2)")
    slider = page.locator("[data-testid='stSlider']").filter(has_text="P(heads)")
    calls = _calls_after(log, lambda: (slider.get_by_role("slider").focus(),
                                       page.keyboard.press("ArrowRight")), page)
    assert calls == ["Coin"], calls  # no "page:info_tab": the page itself did not rerun
    assert _metric(page, "H(0.21)") == "0.741 bits"
    assert _metric(page, "H(1/2)") == before
    # a page-level input (the die, drawn above the tabs that use it, so not above Coin) reruns
    # the page and the open section
    assert page.get_by_label("P(1)", exact=True).count() == 0
    page.goto(f"{base}/information?info_tab=Two+rolls")
    wait_for_app(page)
    box = page.get_by_label("P(1)", exact=True)
    calls = _calls_after(log, lambda: (box.fill("0.9"), box.press("Enter")), page)
    assert calls == ["page:info_tab", "Two rolls"], calls
    assert "add up to 1" in page.locator("[data-testid='stAlert']").first.inner_text()
    page.close()


def test_a_url_copied_from_one_session_opens_the_same_view(app):
    base, browser, log = app
    first = browser.new_page(viewport={"width": 1280, "height": 720})
    first.goto(f"{base}/minimax")
    wait_for_app(first)
    first.get_by_role("combobox", name="Preset").click()
    first.get_by_role("option", name="Alternating steps orbit").click()
    wait_for_app(first)
    lr = first.get_by_role("spinbutton", name="Step size η")
    lr.fill("0.35")
    lr.press("Enter")
    wait_for_app(first)
    first.get_by_role("tab", name="Theory vs measurement").click()
    wait_for_app(first)
    table = first.locator("table").first.inner_text()
    url = first.url
    assert "mm_lr=0.35" in url and "mm_tab=" in url, url
    first.close()
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # a new session
    second = context.new_page()
    second.goto(url)
    wait_for_app(second)
    assert second.locator("table").first.inner_text() == table
    assert "0.35" in second.get_by_role("spinbutton", name="Step size η").input_value()
    context.close()


@pytest.mark.parametrize("path", ["information", "divergences?div_tab=Two+Gaussians",
                                  "minimax", "vae"])
def test_chart_text_is_large_and_dark(app, path):
    base, browser, log = app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{base}/{path}")
    wait_for_app(page)
    ticks = page.evaluate("""() => [...document.querySelectorAll(
        '.stPlotlyChart .xtick text, .stPlotlyChart .ytick text, [data-testid="stPlotlyChart"] .xtick text, [data-testid="stPlotlyChart"] .ytick text')]
        .map(t => [parseFloat(getComputedStyle(t).fontSize), getComputedStyle(t).fill])""")
    titles = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stPlotlyChart"] .gtitle')]
        .map(t => parseFloat(getComputedStyle(t).fontSize))""")
    page.close()
    assert ticks, "no chart ticks found"
    for size, fill in ticks:
        assert size >= 16, (path, size)
        assert contrast_on_white(fill) >= 7, (path, fill)  # WCAG AAA: readable when washed out
    assert all(size >= 18 for size in titles), (path, titles)


@pytest.mark.parametrize("end", ["Home", "End"])
def test_step_slider_at_an_end_then_other_inputs_at_theirs_never_raise(app, end):
    # Issue 9: the old page raised KeyError on mm_k after the step slider was pushed to an end
    # and then η, Steps or the seed were set to theirs — the browser sends the slider's own
    # value back, which AppTest does not, so this regression test runs in Chromium.
    base, browser, log = app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{base}/minimax")
    wait_for_app(page)
    page.locator("[data-testid='stSlider']").filter(has_text="up to step k") \
        .get_by_role("slider").focus()
    page.keyboard.press(end)
    wait_for_app(page)
    for label, value in (("Step size η", "10"), ("Steps", "5000"), ("Steps", "1")):
        box = page.get_by_role("spinbutton", name=label)
        box.fill(value)
        box.press("Enter")
        wait_for_app(page)
        assert page_problems(page) == [], (end, label, value)
    seed = page.get_by_role("spinbutton", name="Random seed")
    seed.fill(str(2**31 - 1))
    seed.press("Enter")
    wait_for_app(page)
    assert page_problems(page) == []  # no traceback, no section's error message
    page.close()
