"""End to end: nothing collides and nothing is cut, on every page and tab, at a projector's
1280×720, a big screen's 1920×1080 and a 390×844 phone; the picture comes first; presentation
mode fills the screen with it, also in the dark theme (issue 19).

The measurements are ``layout_probe``'s (bounding boxes in Chromium). One walk per size opens
every tab of every page in ``gdm_app.ui.PAGES``:

- at every size: nothing fetched from another host (the favicon and every asset come from the
  app itself), no chart title over its legend, axis titles or toolbar, no title, formula,
  metric or table cut, the page title clear of the header bar, no sideways scrolling, every tab
  in reach;
- at 1280×720 with the sidebar open: the open tab's first picture starts at most
  720 − 200 px down, so at least 200 px of it are on the first screen; and every chart's tick
  labels are readable from the back of a classroom (at least 16 px, dark on white: contrast at
  least 7:1, WCAG AAA);
- in presentation mode (``?present=true``) at 1280×720, in the dark theme: the sidebar is
  closed, text is 1.5× larger, chart ticks are at least 20 px, charts are on dark ground with
  light ink, and on the tabs whose picture is the point, pictures fill at least 60 % of the
  screen.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from harness.browser import launch
from harness.server import streamlit_server
from tests.conftest import contrast_on_white
from tests.e2e.layout_probe import SIZES, picture, problems, tab_views, url_paths

pytestmark = pytest.mark.e2e

LOCAL = {"127.0.0.1", "localhost", "::1"}
MIN_VISIBLE = 200  # px of the first picture on a 720-px first screen

# Every tick label of every Plotly chart in the open view, as the browser draws it.
TICKS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stPlotlyChart"] .xtick text, '
    + '[data-testid="stMain"] [data-testid="stPlotlyChart"] .ytick text')]
  .filter(t => t.textContent.trim() !== '')
  .map(t => { const cs = getComputedStyle(t); return [t.textContent, cs.fontSize, cs.fill]; })"""
PRESENT_SHARE = 0.6  # of 1280×720 filled by pictures in presentation mode
# Tabs that are not one picture: formulas first, or a control panel with a small chart
# beside it. They still have no collisions; they are just not held to the 60 %.
NOT_ONE_PICTURE = {("gan", "The maths"), ("vae", "Train your own"),
                   # a student's activity: its canvas is the component's fixed 280 px square
                   ("vae", "Draw a digit"),
                   # two pictures with the two W₁ numbers, its point, between them (57 %)
                   ("divergences", "Plan and critic"),
                   # a menu of eight small pictures, one per page, not one picture
                   ("home", None)}
# The lesson is the teacher's script (a step's words and a link to its view), not a view itself.
NO_PICTURE = {("lesson", None)}


@pytest.fixture(scope="module")
def browser():
    with streamlit_server() as server:
        with pytest.importorskip("playwright.sync_api").sync_playwright() as p:
            b = launch(p)
            yield server, b
            b.close()


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_nothing_collides_or_is_cut(browser, width, height):
    server, b = browser
    ctx = b.new_context(viewport={"width": width, "height": height})
    outside = []  # every request the pages make that is not to the app itself
    ctx.on("request", lambda r: None if urlparse(r.url).hostname in LOCAL
           or r.url.startswith(("data:", "blob:", "about:")) else outside.append(r.url))
    page = ctx.new_page()
    bad, late, views, ticks = [], [], 0, 0
    try:
        for path, tab in tab_views(page, server.base, url_paths()):
            views += 1
            bad += [f"{path}/{tab}: {p}" for p in problems(page)]
            if (width, height) == (1280, 720):
                pic = picture(page)
                if pic["top"] is None and (path, tab) not in NO_PICTURE:
                    # a cold cache under load (Reparameterisation's first run takes ~20 s): the
                    # picture may come after the run that drew the rest of the tab
                    page.locator('[role="tabpanel"]:not([hidden]) .js-plotly-plot, '
                                 '[role="tabpanel"]:not([hidden]) [data-testid="stImage"] img'
                                 ).first.wait_for(timeout=60_000)
                    pic = picture(page)
                assert pic["sidebar"] > 200, "the sidebar is not open"
                for text, size, fill in page.evaluate(TICKS_JS):
                    ticks += 1
                    if float(size.removesuffix("px")) < 16 or contrast_on_white(fill) < 7:
                        bad.append(f"{path}/{tab}: tick {text!r} {size} {fill}")
                if (path, tab) not in NO_PICTURE:
                    if pic["top"] is None or pic["top"] > height - MIN_VISIBLE:
                        late.append(f"{path}/{tab}: picture at {pic['top']}")
    finally:
        ctx.close()
    assert views >= 40, f"only {views} views walked"
    assert outside == [], f"assets fetched from other hosts: {sorted(set(outside))[:10]}"
    assert (width, height) != (1280, 720) or ticks > 500, f"only {ticks} tick labels seen"
    assert not bad, "\n".join(bad)
    assert not late, "the picture is not on the first screen:\n" + "\n".join(late)


TYPE_JS = """() => {
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const p = document.querySelector('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p');
  const ticks = [...document.querySelectorAll('[data-testid="stMain"] .xtick text, '
                 + '[data-testid="stMain"] .ytick text')].map(px);
  const bg = [...document.querySelectorAll('[data-testid="stMain"] .main-svg .bg')]
      .map(r => r.style.fill || r.getAttribute('fill'));
  const ink = [...document.querySelectorAll('[data-testid="stMain"] .xtick text')]
      .map(t => t.style.fill || t.getAttribute('fill'));
  const side = document.querySelector('[data-testid="stSidebar"]');
  return {root: px(document.documentElement), text: p ? px(p) : null,
          smallest_tick: ticks.length ? Math.min(...ticks) : null, bg, ink,
          sidebar: side ? side.getBoundingClientRect().width : 0,
          sidebar_open: side ? side.getAttribute('aria-expanded') : null};
}"""


def luminance(css: str) -> float:
    """Relative luminance of an ``rgb(...)``/``#rrggbb`` colour (sRGB, WCAG)."""
    css = css.strip()
    if css.startswith("#"):
        rgb = [int(css[i:i + 2], 16) for i in (1, 3, 5)]
    else:
        rgb = [float(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    lin = [(c / 255 / 12.92) if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
           for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_presentation_mode_in_the_dark(browser):
    server, b = browser
    ctx = b.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    page = ctx.new_page()
    small, thin, bad, light = [], [], [], []
    try:
        for path, tab in tab_views(page, server.base, url_paths(), "?present=true"):
            seen = page.evaluate(TYPE_JS)
            assert seen["sidebar"] < 50, f"{path}/{tab}: the sidebar is open in presentation mode"
            assert seen["root"] >= 1.5 * 16 - 0.1, seen
            if seen["smallest_tick"] is not None and seen["smallest_tick"] < 20:
                small.append(f"{path}/{tab}: ticks at {seen['smallest_tick']} px")
            if any(luminance(c) > 0.2 for c in seen["bg"] if c):
                light.append(f"{path}/{tab}: a chart on light ground {seen['bg']}")
            if any(luminance(c) < 0.4 for c in seen["ink"] if c):
                light.append(f"{path}/{tab}: dark tick labels on a dark chart")
            pic = picture(page)
            if pic["kind"] and (path, tab) not in NOT_ONE_PICTURE \
                    and pic["share"] < PRESENT_SHARE:
                thin.append(f"{path}/{tab}: pictures fill {pic['share']:.0%}")
            bad += [f"{path}/{tab}: {p}" for p in problems(page)]
    finally:
        ctx.close()
    assert not small, "\n".join(small)
    assert not light, "\n".join(light)
    assert not bad, "\n".join(bad)
    assert not thin, "\n".join(thin)


# A lecture run on the views: the lesson bar sits above the page. Step 27 is the GAN's "Step
# by hand" (a tab of controls and a chart; no question, so its card opens the view at once).
BAR_STEP = 27
BAR_JS = """() => {
  const bar = document.querySelector('.st-key-lesson_bar');
  if (!bar) return null;
  const W = document.documentElement.clientWidth;
  // a button with a help text has a second, empty one for its tooltip; a label is markdown
  const buttons = [...bar.querySelectorAll('button')].map(b => b.getBoundingClientRect())
      .filter(r => r.width > 0);
  const title = [...bar.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .filter(e => !e.closest('button')).map(e => e.getBoundingClientRect());
  const boxes = [...buttons, ...title].filter(r => r.width > 0);
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) overlaps++;
  }
  return {buttons: buttons.length, overlaps,
          cut: buttons.filter(r => r.left < 0 || r.right > W + 0.5).length,
          bottom: bar.getBoundingClientRect().bottom};
}"""


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_lesson_bar_fits_above_a_view(browser, width, height):
    from harness.browser import wait_for_app

    server, b = browser
    ctx = b.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    try:
        page.goto(f"{server.base}/lesson?step={BAR_STEP}")
        wait_for_app(page)
        page.locator(".st-key-lesson_view button:visible").first.click()
        page.wait_for_url("**/gan?**", timeout=20_000)
        wait_for_app(page)
        bar = page.evaluate(BAR_JS)
        assert bar is not None, "no lesson bar on the view"
        assert bar["buttons"] == 4 and bar["overlaps"] == 0 and bar["cut"] == 0, bar
        assert problems(page) == []
        if (width, height) == (1280, 720):   # the bar does not push the picture off screen
            pic = picture(page)
            assert pic["top"] is not None and pic["top"] <= height - MIN_VISIBLE, pic
    finally:
        ctx.close()
