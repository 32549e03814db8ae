"""Refresh the README's screenshots: every page at 1280×720, at 1920×1080, and in presentation
mode (1280×720, the dark theme).

    python -m tests.e2e.screenshots            # writes docs/screenshots/<page>.png (1280×720),
                                               # docs/screenshots/1920x1080/<page>.png and
                                               # docs/screenshots/present/<page>.png
    python -m tests.e2e.screenshots --out DIR  # somewhere else

A separate command on purpose: the tests write screenshots only to temporary directories.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from gdm_app import ui
from harness.browser import launch, page_problems, wait_for_app
from harness.server import ROOT, streamlit_server

# folder: (width, height, query, colour scheme)
SIZES = {"": (1280, 720, "", "light"), "1920x1080": (1920, 1080, "", "light"),
         "present": (1280, 720, "?present=true", "dark")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    with streamlit_server() as server, sync_playwright() as p:
        base = server.base
        browser = launch(p)
        for sub, (w, h, query, scheme) in SIZES.items():
            folder = args.out / sub if sub else args.out
            folder.mkdir(parents=True, exist_ok=True)
            page = browser.new_context(viewport={"width": w, "height": h},
                                       color_scheme=scheme).new_page()
            for _, _, path, _, _ in ui.PAGES:
                page.goto((base + "/" if path == "home" else f"{base}/{path}") + query)
                wait_for_app(page)
                if path == "home":  # the gallery's pictures (PNG files), every one loaded
                    page.wait_for_function(
                        f"[...document.querySelectorAll('[data-testid=\"stImage\"] img')]"
                        f".filter(i => i.complete && i.naturalWidth > 0).length >= "
                        f"{len(ui.PAGES) - 2}", timeout=120_000)  # not Home, not the lesson
                    page.wait_for_timeout(500)
                elif path == "lesson":  # the teacher's script: words and links, no chart
                    page.wait_for_timeout(1000)
                else:  # the open tab's picture, however long its first build takes
                    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
                    page.wait_for_timeout(1000)
                if page_problems(page):
                    raise SystemExit(f"{path}: {page_problems(page)}; not saving it")
                page.screenshot(path=str(folder / f"{path}.png"))
                print(folder / f"{path}.png")
            page.context.close()
        browser.close()


if __name__ == "__main__":
    main()
