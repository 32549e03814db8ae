"""Pictures first, at a projector's 1280×720 with the sidebar open (issue 19): the measurement
as a command, for before/after comparisons of any checkout. The tests themselves walk every tab
in ``test_layout.py``; this file keeps the test of the die drawn above its tabs only.

- **The first screen.** On every page and tab listed in ``FIRST_SCREEN`` the open tab's first
  picture (a Plotly chart or an image) starts at most 720 − 200 px from the top, so at least
  200 px of it are on the first screen, and no formula there is cut at its column's edge.
- **No chart title over its legend**, on every page and tab: the bounding box of a chart's title
  (Plotly's ``.gtitle``) does not meet its legend's (``.legend``), nor does the legend meet an
  axis title; and no legend scrolls or takes more than ``LEGEND_SHARE`` of its figure's height
  (legends sit under the plot, so a long one squeezes the plot instead).

Screenshots go to a temporary directory. As a command, the same measurement for any checkout
(the "before" of a change, e.g. a ``git worktree`` of an older commit):

    python -m tests.e2e.test_first_screen [--app-dir DIR] [--shots DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1280, 720
MIN_VISIBLE = 200  # px of the picture on the first screen
LEGEND_SHARE = 0.3  # a legend taller than this share of its figure crowds the plot out

# (url path, tab key, tab label): the pages and tabs whose first screen this checks.
FIRST_SCREEN = [
    ("home", None, None),
    *[("information", "info_tab", t) for t in (
        "Yes/no questions", "Two rolls", "Coin", "Two variables", "KL: extra bits")],
    *[("divergences", "div_tab", t) for t in (
        "Parallel lines", "Gradients", "From samples", "Discriminator vs critic",
        "Plan and critic", "Support", "Heavy tails")],
    *[("minimax", "mm_tab", t) for t in (
        "Trajectories", "Theory vs measurement", "The saddle", "Why GANs")],
    ("gaussians", "g_tab", "Marginal and conditional"),
    *[("vae", "vae_tab", t) for t in (
        "Latent plane", "Encoded digits", "Generate", "Reconstruct", "ELBO", "Train your own")],
]

# Every tab of every page, for the title/legend check.
ALL_TABS = {
    "home": ("", []),
    "information": ("info_tab", ["Surprise", "Yes/no questions", "Two rolls", "Many rolls",
                                 "Coin", "Two variables", "KL: extra bits"]),
    "divergences": ("div_tab", ["Parallel lines", "Gradients", "From samples",
                                "Discriminator vs critic", "Plan and critic", "Two Gaussians",
                                "Support", "Heavy tails"]),
    "minimax": ("mm_tab", ["Trajectories", "Theory vs measurement", "The saddle", "Why GANs"]),
    "gan": ("gan_tab", []),  # its tabs are read from the page
    "vae": ("vae_tab", ["Latent plane", "Encoded digits", "Generate", "Reconstruct", "ELBO",
                        "Train your own"]),
    "vae-why": ("why_tab", []),
    "gaussians": ("g_tab", ["Marginal and conditional", "KL between Gaussians"]),
}

# The open tab's panel (or the main column on a page without tabs), its first picture, and
# where that starts, at the top of the page.
FIRST_PICTURE_JS = """() => {
  window.scrollTo(0, 0);
  const main = document.querySelector('[data-testid="stMain"]');
  const panels = [...main.querySelectorAll('[role="tabpanel"]')].filter(p => !p.hidden
      && p.getBoundingClientRect().height > 0);
  const root = panels.length ? panels[0] : main;
  const pic = root.querySelector('.js-plotly-plot, [data-testid="stImage"] img, '
                                 + '[data-testid="stImageContainer"] img, img');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const out = {sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
               kind: null, top: null, bottom: null};
  if (pic) {
    const r = pic.getBoundingClientRect();
    out.kind = pic.classList.contains('js-plotly-plot') ? 'plotly' : 'image';
    out.top = r.top; out.bottom = r.bottom;
  }
  return out;
}"""

# Formulas in the open tab (or the page) that do not fit their column: KaTeX draws the whole
# formula and the column clips it.
CUT_FORMULAS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const panels = [...main.querySelectorAll('[role="tabpanel"]')].filter(p => !p.hidden
      && p.getBoundingClientRect().height > 0);
  const root = panels.length ? panels[0] : main;
  const out = [];
  root.querySelectorAll('.katex-display').forEach(d => {
    const k = d.querySelector('.katex');
    const column = (d.closest('[data-testid="stElementContainer"]') || d).getBoundingClientRect();
    const r = k.getBoundingClientRect();
    // a few px of italic overhang scroll without hiding anything: more is a cut formula
    if (r.right > column.right + 6 || r.left < column.left - 6
        || d.scrollWidth > d.clientWidth + 6)
      out.push(k.textContent.slice(0, 60));
  });
  return out;
}"""

# Every drawn chart's title, legend and axis titles, as the browser placed them.
COLLISIONS_JS = """(LEGEND_SHARE) => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const meets = (a, b) => a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
  const out = [];
  document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot').forEach((plot, i) => {
    const title = plot.querySelector('.gtitle');
    const name = title ? title.textContent : `chart ${i + 1}`;
    const legend = plot.querySelector('.legend');
    if (!legend) return;
    const lb = legend.querySelector('.bg') || legend;
    const l = box(lb);
    if (l[2] - l[0] < 1 || l[3] - l[1] < 1) return;
    // a legend so long that it scrolls, or eats the plot, is a legend cut or in the way
    const bar = legend.querySelector('.scrollbar');
    if (bar && bar.getBoundingClientRect().height > 1) out.push(`${name}: the legend scrolls`);
    const figure = plot.getBoundingClientRect().height;
    if (l[3] - l[1] > LEGEND_SHARE * figure)
      out.push(`${name}: the legend takes ${Math.round(100 * (l[3] - l[1]) / figure)} % of ` +
               `the figure's height`);
    const others = [];
    plot.querySelectorAll('.gtitle').forEach(t => others.push(['title', t]));
    plot.querySelectorAll('.g-xtitle text, .g-x2title text, .g-ytitle text').forEach(
      t => others.push(['axis title', t]));
    for (const [what, el] of others) {
      const b = box(el);
      if (b[2] - b[0] < 1 || !el.textContent.trim()) continue;
      if (meets(l, b)) out.push(`${name}: legend meets ${what} "${el.textContent.trim()}"`);
    }
  });
  return out;
}"""


def url(base: str, path: str, key: str | None, label: str | None) -> str:
    where = base + "/" if path == "home" else f"{base}/{path}"
    return where + (f"?{key}={quote_plus(label)}" if key else "")


def open_view(page, base: str, path: str, key: str | None, label: str | None) -> None:
    page.goto(url(base, path, key, label))
    wait_for_app(page)
    if label:
        tab = page.locator('[data-testid="stMain"] [role="tab"]').filter(has_text=label).first
        if tab.get_attribute("aria-selected") != "true":  # an older checkout ignores the URL
            tab.click()
            wait_for_app(page)


def first_picture(page) -> dict:
    return page.evaluate(FIRST_PICTURE_JS)


def cut_formulas(page) -> list[str]:
    return page.evaluate(CUT_FORMULAS_JS)


def collisions(page) -> list[str]:
    return page.evaluate(COLLISIONS_JS, LEGEND_SHARE)


def shot_name(path: str, label: str | None) -> str:
    return f"{path}-{(label or 'page').lower().replace(' ', '-').replace('/', '-')}.png"


@pytest.fixture(scope="module")
def app():
    with streamlit_server() as server:
        with pytest.importorskip("playwright.sync_api").sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            yield server, page
            browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("first-screen")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--app-dir", type=Path, default=None, help="another checkout to measure")
    ap.add_argument("--shots", type=Path, default=None, help="save a screenshot per view here")
    ap.add_argument("--json", type=Path, default=None, help="write the measurements here")
    ap.add_argument("--only", default=None, help="only url paths containing this")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    kwargs = {"app_dir": args.app_dir} if args.app_dir else {}
    rows = []
    with streamlit_server(**kwargs) as server, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        for path, key, label in FIRST_SCREEN:
            if args.only and args.only not in path:
                continue
            open_view(page, server.base, path, key, label)
            pic = first_picture(page)
            hits = collisions(page) + [f"formula cut: {f}" for f in cut_formulas(page)]
            if args.shots:
                args.shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.shots / shot_name(path, label)))
            top = pic["top"]
            rows.append(dict(path=path, tab=label, top=top, kind=pic["kind"], collisions=hits))
            shown = "none" if top is None else f"{top:.0f} px"
            print(f"{path:12s} {label or '-':26s} {shown:>9s} {pic['kind'] or '':7s}"
                  f"{'  ' + '; '.join(hits) if hits else ''}", flush=True)
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()


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
