"""Where things land in the browser: collisions and cuts, measured from bounding boxes.

One JavaScript probe, run on the open view (page and tab), returns every problem it sees:

- a chart's title meeting its legend, an axis title, or the chart's toolbar;
- a chart's title wider than its chart (cut at the chart's edge);
- a legend that scrolls or takes more than ``LEGEND_SHARE`` of its figure's height;
- a display formula, a metric (value or label) or a table wider than its column (cut, or
  scrolling with part of it hidden — except a formula in a box of its own that scrolls sideways,
  which is how a phone shows a formula wider than the screen);
- the page heading under Streamlit's header bar, or the page wider than the window (sideways
  scrolling);
- a tab of the open page out of the window's width (unreachable without scrolling the tab row).

Used by ``test_layout.py`` at 1280×720, 1920×1080 and a 390×844 phone, and as a command:

    python -m tests.e2e.layout_probe [--sizes 1280x720,390x844] [--only gan] [--present]
    python -m tests.e2e.layout_probe --sizes 1280x720 --app-dir /tmp/old --json before.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from harness.browser import launch, page_problems, wait_for_app
from harness.server import streamlit_server

SIZES = [(1280, 720), (1920, 1080), (390, 844)]
LEGEND_SHARE = 0.3  # a legend taller than this share of its figure crowds the plot out
# On a phone a chart is ~365 px wide and a legend of six entries needs six rows: half the
# figure, at most, still leaves the plot readable.
PHONE_LEGEND_SHARE = 0.5

# Streamlit scrolls its main area, not the window: back to the top before measuring.
TOP = """for (const e of [document.scrollingElement, ...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stAppScrollToBottomContainer"]')])
    if (e) e.scrollTop = 0;"""

PROBE_JS = """(LEGEND_SHARE) => {
  """ + TOP + """
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const meets = (a, b) => a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1;
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1
      && getComputedStyle(e).visibility !== 'hidden' && e.offsetParent !== null; };
  const out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  const panels = [...main.querySelectorAll('[role="tabpanel"]')].filter(p => !p.hidden
      && p.getBoundingClientRect().height > 0);
  const root = panels.length ? panels[0] : main;
  // charts: title, legend, axis titles, toolbar
  root.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    if (!shown(plot)) return;
    const title = plot.querySelector('.gtitle');
    const name = title && title.textContent.trim() ? title.textContent.trim() : `chart ${i + 1}`;
    const svg = plot.querySelector('.main-svg');
    const frame = box(svg || plot);
    const titles = [...plot.querySelectorAll('.gtitle')].filter(t => t.textContent.trim());
    for (const t of titles) {
      const b = box(t);
      if (b[2] > frame[2] + 2 || b[0] < frame[0] - 2) out.push(`${name}: the title is cut`);
    }
    const bar = plot.querySelector('.modebar');
    if (bar && getComputedStyle(plot.querySelector('.modebar-container') || bar).display !== 'none') {
      const m = box(bar);
      for (const t of titles) if (m[2] - m[0] > 1 && meets(m, box(t)))
        out.push(`${name}: the toolbar sits on the title`);
    }
    const legend = plot.querySelector('.legend');
    if (legend) {
      const l = box(legend.querySelector('.bg') || legend);
      if (l[2] - l[0] >= 1 && l[3] - l[1] >= 1) {
        const scroll = legend.querySelector('.scrollbar');
        if (scroll && scroll.getBoundingClientRect().height > 1) out.push(`${name}: the legend scrolls`);
        const h = plot.getBoundingClientRect().height;
        if (l[3] - l[1] > LEGEND_SHARE * h)
          out.push(`${name}: the legend takes ${Math.round(100 * (l[3] - l[1]) / h)} % of the figure`);
        const others = titles.map(t => ['title', t]);
        plot.querySelectorAll('.g-xtitle text, .g-x2title text, .g-ytitle text').forEach(
          t => others.push(['axis title', t]));
        for (const [what, el] of others) {
          const b = box(el);
          if (b[2] - b[0] < 1 || !el.textContent.trim()) continue;
          if (meets(l, b)) out.push(`${name}: legend meets ${what} "${el.textContent.trim()}"`);
        }
      }
    }
  });
  // display formulas
  root.querySelectorAll('.katex-display').forEach(d => {
    if (!shown(d)) return;
    const k = d.querySelector('.katex');
    const column = (d.closest('[data-testid="stElementContainer"]') || d).getBoundingClientRect();
    const r = k.getBoundingClientRect();
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(d).overflowX);
    const box = d.getBoundingClientRect();
    if (scrolls ? (box.right > column.right + 1 || box.left < column.left - 1)
        : (r.right > column.right + 6 || r.left < column.left - 6 || d.scrollWidth > d.clientWidth + 6))
      out.push(`formula cut: ${k.textContent.slice(0, 50)}`);
  });
  // metrics: value and label shown whole (Streamlit ends a long one in "…")
  root.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]').forEach(m => {
    if (!shown(m)) return;
    const cut = [m, ...m.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1
        && getComputedStyle(e).overflowX !== 'visible');
    if (cut) out.push(`metric cut: ${m.textContent.trim().slice(0, 50)}`);
  });
  // tables: as wide as their column, at most
  root.querySelectorAll('[data-testid="stTable"], [data-testid="stDataFrame"]').forEach(t => {
    if (!shown(t)) return;
    const inner = t.querySelector('table') || t.querySelector('canvas') || t;
    const col = (t.closest('[data-testid="stElementContainer"]') || t).getBoundingClientRect();
    if (inner.getBoundingClientRect().right > col.right + 2 || t.scrollWidth > t.clientWidth + 2)
      out.push(`table cut: ${t.innerText.trim().slice(0, 40).replace(/\\n/g, ' ')}`);
  });
  // the heading clear of the header bar; no sideways scrolling; every tab in reach
  const h1 = main.querySelector('h1');
  const header = document.querySelector('[data-testid="stHeader"]');
  if (h1 && shown(h1) && header && h1.getBoundingClientRect().top < header.getBoundingClientRect().bottom - 2)
    out.push(`the page title is under the header bar`);
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide)`);
  main.querySelectorAll('[role="tab"]').forEach(t => {
    const r = t.getBoundingClientRect();
    if (shown(t) && (r.right > window.innerWidth + 1 || r.left < -1))
      out.push(`tab "${t.textContent.trim()}" is out of the window`);
  });
  return out;
}"""

# The open tab's first picture (a chart or an image), and the share of the first screen that
# pictures fill (the union of their boxes clipped to the window, counted on a 10-px grid).
PICTURE_JS = """() => {
  """ + TOP + """
  const main = document.querySelector('[data-testid="stMain"]');
  const panels = [...main.querySelectorAll('[role="tabpanel"]')].filter(p => !p.hidden
      && p.getBoundingClientRect().height > 0);
  const root = panels.length ? panels[0] : main;
  const pics = [...root.querySelectorAll('.js-plotly-plot, [data-testid="stImage"] img, '
                + '[data-testid="stImageContainer"] img')].filter(p => p.getBoundingClientRect().height > 1);
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const W = window.innerWidth, H = window.innerHeight;
  const out = {sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
               kind: null, top: null, bottom: null, share: 0};
  if (pics.length) {
    const r = pics[0].getBoundingClientRect();
    out.kind = pics[0].classList.contains('js-plotly-plot') ? 'plotly' : 'image';
    out.top = r.top; out.bottom = r.bottom;
  }
  let filled = 0, cells = 0;
  const boxes = pics.map(p => p.getBoundingClientRect());
  for (let y = 5; y < H; y += 10) for (let x = 5; x < W; x += 10) {
    cells++;
    if (boxes.some(b => x >= b.left && x < b.right && y >= b.top && y < b.bottom)) filled++;
  }
  out.share = filled / cells;
  return out;
}"""


def tab_views(page, base: str, paths: list[str], query: str = ""):
    """Open every tab of every page in turn; yield (path, tab label or None) with it open."""
    for path in paths:
        where = base + "/" if path == "home" else f"{base}/{path}"
        page.goto(where + query)
        wait_for_app(page)
        tabs = page.locator('[data-testid="stMain"] [role="tab"]')
        names = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
        if not names:
            yield path, None
        for name in names:
            tab = tabs.filter(has_text=name).first
            if tab.get_attribute("aria-selected") != "true":
                tab.click()
                wait_for_app(page)
            yield path, name


def problems(page) -> list[str]:
    phone = page.viewport_size["width"] < 640
    return (page.evaluate(PROBE_JS, PHONE_LEGEND_SHARE if phone else LEGEND_SHARE)
            + page_problems(page))


def picture(page) -> dict:
    return page.evaluate(PICTURE_JS)


def url_paths() -> list[str]:
    from gdm_app.ui.pages import PAGES
    return [p[2] for p in PAGES]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    ap.add_argument("--only", default=None, help="only url paths containing this")
    ap.add_argument("--present", action="store_true", help="in presentation mode")
    ap.add_argument("--dark", action="store_true", help="in the dark theme")
    ap.add_argument("--shots", default=None, help="save a screenshot per view in this folder")
    ap.add_argument("--app-dir", default=None, help="another checkout to measure (a before)")
    ap.add_argument("--json", default=None, help="also write the measurements here")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    paths = [p for p in url_paths() if not args.only or args.only in p]
    bad, rows = 0, []
    server_args = {"app_dir": Path(args.app_dir)} if args.app_dir else {}
    with streamlit_server(**server_args) as server, sync_playwright() as p:
        browser = launch(p)
        for size in args.sizes.split(","):
            w, h = map(int, size.split("x"))
            ctx = browser.new_context(viewport={"width": w, "height": h},
                                      color_scheme="dark" if args.dark else "light")
            page = ctx.new_page()
            query = "?present=true" if args.present else ""
            for path, tab in tab_views(page, server.base, paths, query):
                found, pic = problems(page), picture(page)
                bad += len(found)
                rows.append(dict(size=size, path=path, tab=tab, top=pic["top"],
                                 share=pic["share"], problems=found))
                top = "-" if pic["top"] is None else f"{pic['top']:.0f}"
                print(f"{size:9s} {path:12s} {tab or '-':28s} top {top:>5s} "
                      f"share {pic['share']:.0%}  " + "; ".join(found), flush=True)
                if args.shots:
                    Path(args.shots).mkdir(parents=True, exist_ok=True)
                    name = f"{size}-{path}-{(tab or 'page').replace(' ', '-').replace('/', '-')}"
                    page.screenshot(path=str(Path(args.shots) / f"{name}.png"))
            ctx.close()
        browser.close()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
