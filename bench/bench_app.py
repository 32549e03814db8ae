"""Benchmark the whole app: per-page script runs (AppTest), cold start in Chromium, memory.

    python bench/bench_app.py            # everything, prints a Markdown report
    python bench/bench_app.py --quick    # fewer repeats

Per page: a full run with default inputs on cold caches (st.cache_data/resource cleared) and warm
caches, and a rerun after each kind of widget change (each widget on the page nudged once),
median and worst of several runs. Then the real server: process start to the first page
rendered in headless Chromium, resident memory after every page was opened once, and its growth
per extra browser session.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gdm_app import ui  # noqa: E402

APP = str(ROOT / "app.py")
KINDS = ("slider", "number_input", "selectbox", "radio", "checkbox", "toggle",
         "segmented_control", "select_slider", "button")


def page_app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if page != "home.py":
        at.switch_page(f"pages/{page}").run()
    return at


def timed_run(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    return elapsed


def nudge(w) -> str | None:
    """Change a widget to a neighbouring value, as a student's single move would."""
    kind = w.type
    if kind == "slider" and isinstance(w.value, (int, float)):
        step = w.step or 1
        w.set_value(w.value + step if w.value + step <= w.max else w.value - step)
    elif kind == "number_input" and isinstance(w.value, (int, float)):
        step = w.step or 1
        up = w.max is None or w.value + step <= w.max
        w.set_value(w.value + step if up else w.value - step)
    elif kind in ("selectbox", "radio", "select_slider", "button_group") and len(w.options) > 1:
        before = w.value
        current = before if isinstance(before, str) else None
        options = list(w.options)
        nxt = options[(options.index(current) + 1) % len(options)] if current in options else options[-1]
        w.set_value(nxt if kind != "button_group" or isinstance(before, (str, type(None))) else [nxt])
        if kind in ("selectbox", "radio"):
            try:
                w.index  # AppTest knows only the shown labels of a format_func widget
            except ValueError:
                w.set_value(before)
                return None  # measured by the page's own bench script
    elif kind in ("checkbox", "toggle"):
        w.set_value(not w.value)
    elif kind == "button":
        w.click()
    else:
        return None
    return f"{kind}: {getattr(w, 'label', '')}"


def bench_page(page: str, repeats: int) -> dict:
    cold, warm = [], []
    for _ in range(repeats):
        st.cache_data.clear()
        st.cache_resource.clear()
        t = time.perf_counter()
        at = page_app(page)
        cold.append(time.perf_counter() - t)
        warm.append(timed_run(at))
    at = page_app(page)
    n_widgets = sum(len(getattr(at.main, k)) for k in KINDS)
    reruns: dict[str, list[float]] = {}
    for i in range(n_widgets):
        for _ in range(repeats):
            widgets = [w for k in KINDS for w in getattr(at.main, k)]
            if i >= len(widgets):
                break
            label = nudge(widgets[i])
            if label is None:
                break
            reruns.setdefault(f"{i}. {label}", []).append(timed_run(at))
    return {"cold": cold, "warm": warm, "reruns": reruns}


def fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:.0f} ms / {max(xs) * 1000:.0f} ms"


def bench_server(extra_sessions: int) -> dict:
    from playwright.sync_api import sync_playwright

    from harness.browser import launch, wait_for_app
    from harness.server import streamlit_server

    t0 = time.perf_counter()
    with streamlit_server() as running, sync_playwright() as p:
        base = running.base
        browser = launch(p)
        page = browser.new_context().new_page()
        page.goto(base + "/")
        wait_for_app(page)
        cold_start = time.perf_counter() - t0
        server = running.process
        first_page_rss = server.memory_info().rss
        for _, _, path, _, _ in ui.PAGES[1:]:
            page.goto(f"{base}/{path}")
            wait_for_app(page)
        all_pages_rss = server.memory_info().rss
        for _ in range(extra_sessions):
            extra = browser.new_context().new_page()
            for _, _, path, _, _ in ui.PAGES:
                extra.goto(f"{base}/" if path == "home" else f"{base}/{path}")
                wait_for_app(extra)
        more_rss = server.memory_info().rss
        browser.close()
    return {"cold_start": cold_start, "rss_first": first_page_rss, "rss_all": all_pages_rss,
            "rss_more": more_rss, "extra": extra_sessions}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pages", nargs="*", default=[p[0] for p in ui.PAGES])
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    print(f"Measured on: {platform.node()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, "
          f"load average {psutil.getloadavg()[0]:.2f} at start; {repeats} repeats; "
          "figures are median / worst.\n")
    print("| page | full run, cold caches | full run, warm | rerun after a widget change (median / worst) |")
    print("| --- | --- | --- | --- |")
    for page in args.pages:
        r = bench_page(page, repeats)
        rerun_all = [x for xs in r["reruns"].values() for x in xs]
        detail = fmt(rerun_all) if rerun_all else "no widgets"
        print(f"| {page} | {fmt(r['cold'])} | {fmt(r['warm'])} | {detail} |", flush=True)
        for label, xs in r["reruns"].items():
            print(f"|  | | | {label}: {fmt(xs)} |", flush=True)
    if not args.no_server:
        s = bench_server(extra_sessions=5)
        mb = 2**20
        print(f"\nCold start (process start to the home page rendered in headless Chromium): "
              f"{s['cold_start']:.1f} s")
        print(f"Server resident memory: {s['rss_first'] / mb:.0f} MB after the first page, "
              f"{s['rss_all'] / mb:.0f} MB after every page was opened once, "
              f"{s['rss_more'] / mb:.0f} MB after {s['extra']} more sessions opened every page "
              f"({(s['rss_more'] - s['rss_all']) / mb / s['extra']:.1f} MB per extra session).")


if __name__ == "__main__":
    main()
