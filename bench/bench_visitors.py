"""What a class exploring on its own costs the server's memory: N students visiting the pages.

    python bench/bench_visitors.py --students 1 40     # one visitor, then a class of 40
    python bench/bench_visitors.py --students 3 --visits 5 --dwell 1   # quick (< 1 min)
    python bench/bench_visitors.py --out /tmp/visitors.json            # also the JSON

No browser (forty Chromium contexts would starve the 2-core server they measure): each student
is a websocket client speaking Streamlit's protocol (:class:`bench_followers.Tab`, which
documents it) to a fresh ``streamlit run app.py`` per class size. Each student opens the home
page, then visits ``--visits`` views one after the other, ``--dwell`` s apart (± half, at
random): every page's default view, then the lesson's steps' views (each a page with the tab and
inputs of its URL, ``gdm_core.lesson``), in an order of its own. A visit is a full run of that page
with that query string, as a browser opening the step's link (the URL defines the view on
arrival, ``ui.url_wins_on_arrival``). With ``--moves K``, after each visit the student moves K
of the view's sliders, one at a time, each to a value of its own grid at random (a full rerun
with that slider's new value, as a browser sends it: heavier than the fragment rerun a browser
would ask for, so the memory is not underestimated); the figure caches then fill as a class that
explores fills them. What it does not do: press training buttons.

Reported per class size: server RSS at the start, its peak during the visits (sampled, and
VmHWM), and at the end with everyone still connected; server CPU; visits finished; each visit's
server time (rerun sent to ``script_finished``); errors (an exception or an error alert drawn, a
visit that never finished, a traceback or section error in the server's log) and, apart, the
warnings drawn (the lesson's KL = ∞ view shows one on purpose). With two
sizes or more, the memory per further student is the slope of the peaks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_followers import Tab  # noqa: E402
from server_meter import Sampler, memory_mb  # noqa: E402

from gdm_core import lesson  # noqa: E402
from harness.server import streamlit_server  # noqa: E402

TARGET_PEAK_MB, TARGET_PER_STUDENT_MB = 600, 5     # issue 20, for 40 students


def views() -> list[tuple[str, str]]:
    """(page url path, query string): every lesson page's default view, then each step's."""
    pages = sorted({s.page for s in lesson.all_steps()})
    return [(p, "") for p in pages] + [(s.page, urlencode(s.params)) for s in lesson.all_steps()]


async def visit(tab: Tab, page: str, query: str, timeout: float) -> float | None:
    """Open ``page?query`` in the tab (a full run on that page); the server's seconds, or None."""
    hashes = {path: h for h, path in tab.pages.items()}
    tab.page_hash, tab.url_path, tab.query = hashes.get(page, ""), page, query
    runs, sent = tab.full_runs, time.monotonic()
    await tab.rerun()
    ok = await tab.until(lambda: tab.full_runs > runs and tab.idle(), timeout, f"/{page}?{query}")
    if ok and tab.url_path != page:
        tab.error(f"opened /{page}?{query}, landed on /{tab.url_path}")
        return None
    return time.monotonic() - sent if ok else None


def slider_value(slider, rng: random.Random) -> list[float]:
    """A value on the slider's own grid (min + k·step), at random; a range slider keeps its
    width."""
    lo, hi, step = slider.min, slider.max, slider.step or (slider.max - slider.min) / 100 or 1
    k = int(round((hi - lo) / step))
    v = lo + step * rng.randint(0, max(k, 0))
    if len(slider.value or slider.default) == 2:
        width = abs(slider.default[1] - slider.default[0])
        a = min(v, hi - width)
        return [a, a + width]
    return [min(v, hi)]


async def move(tab: Tab, rng: random.Random, timeout: float) -> float | None:
    """Move one of the view's sliders (:func:`slider_value`); the server's seconds, or None."""
    widget_id = rng.choice(sorted(tab.sliders))
    slider = tab.sliders[widget_id]
    value = slider_value(slider, rng)
    if slider.query_param_key:      # the frontend writes a bound widget's value to the address
        params = [(k, v) for k, v in parse_qsl(tab.query) if k != slider.query_param_key]
        shown = [int(v) if slider.data_type == slider.INT else v for v in value]
        params += [(slider.query_param_key, str(v)) for v in shown]
        tab.query = urlencode(params)
    runs, sent = tab.full_runs, time.monotonic()
    await tab.rerun(values={widget_id: value})
    ok = await tab.until(lambda: tab.full_runs > runs and tab.idle(), timeout,
                         f"a slider on /{tab.url_path}")
    return time.monotonic() - sent if ok else None


async def student(i: int, base: str, args, rng: random.Random, out: list,
                  moves: list) -> Tab:
    tab = Tab(f"student-{i + 1}", base, "")
    tab.warnings = []   # a view may warn on purpose (KL = ∞ when Q misses a face)
    await tab.open()
    await tab.rerun()
    await tab.until(tab.idle, args.timeout, "the home page")
    defaults = [v for v in views() if not v[1]]        # every page at least once, if it can
    steps = [v for v in views() if v[1]]
    rng.shuffle(steps)
    order = (defaults + steps)[:args.visits]
    rng.shuffle(order)
    for page, query in order:
        await asyncio.sleep(args.dwell * rng.uniform(0.5, 1.5))
        out.append(await visit(tab, page, query, args.timeout))
        for _ in range(args.moves):
            await asyncio.sleep(args.dwell / 4 * rng.uniform(0.5, 1.5))
            if tab.sliders:                     # a view without sliders: nothing to move
                moves.append(await move(tab, rng, args.timeout))
    return tab


async def one_class(base: str, pid: int, n: int, args) -> dict:
    sampler = Sampler(pid, args.sample_seconds)
    start = sampler.sample()
    sampling = asyncio.create_task(sampler.run())
    cpu0 = start[1]
    times: list = []
    moved: list = []
    rngs = [random.Random(args.seed * 1000 + i) for i in range(n)]
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(student(i, base, args, rngs[i], times, moved)))
        await asyncio.sleep(args.arrival)
    tabs = [t for t in await asyncio.gather(*tasks, return_exceptions=True)
            if isinstance(t, Tab)]
    end = sampler.sample()
    memory = memory_mb(pid)
    sampling.cancel()
    await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
    done = [t for t in times if t is not None]
    moves_done = [m for m in moved if m is not None]
    kb = sum(t.bytes_in for t in tabs) / 1024
    errors = [e for t in tabs for e in t.errors]
    errors += [f"student task failed: {t!r}" for t in tasks if t.exception() is not None]
    return {
        "students": n, "visits_per_student": args.visits,
        "visits_finished": len(done), "visits_sent": len(times),
        "rss_start_mb": round(start[2], 1),
        "rss_peak_mb": round(max(s[2] for s in sampler.samples), 1),
        "rss_hwm_mb": round(memory["VmHWM"], 1),
        "rss_end_connected_mb": round(end[2], 1),
        "cpu_cores": round((end[1] - cpu0) / (end[0] - start[0]), 3),
        "seconds": round(end[0] - start[0], 1),
        "visit_server_s": {"p50": round(statistics.median(done), 3) if done else None,
                           "p95": round(sorted(done)[int(0.95 * (len(done) - 1))], 3)
                           if done else None},
        "moves_per_visit": args.moves,
        "moves_finished": len(moves_done), "moves_sent": len(moved),
        "move_server_s": {"p50": round(statistics.median(moves_done), 3) if moves_done else None},
        "kb_received_per_visit": round(kb / max(len(done), 1), 1),
        "warnings_shown": dict(Counter(w for t in tabs for w in t.warnings)),
        "errors": errors,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, nargs="+", default=[1, 40])
    ap.add_argument("--visits", type=int, default=20, help="views each student opens")
    ap.add_argument("--dwell", type=float, default=8.0, help="mean seconds on a view")
    ap.add_argument("--moves", type=int, default=0,
                    help="sliders moved after each visit (0: the URL's values only)")
    ap.add_argument("--arrival", type=float, default=0.25, help="seconds between arrivals")
    ap.add_argument("--sample-seconds", type=float, default=0.5)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    report = {"classes": [], "views": len(views()),
              "machine": {"node": platform.node(), "cores": os.cpu_count(),
                          "python": platform.python_version()}}
    for n in args.students:
        with streamlit_server() as server:     # a fresh server per size: nothing cached before
            result = asyncio.run(one_class(server.base, server.pid, n, args))
            result["errors"] += [f"server: section error {e}" for e in server.section_errors()]
            result["errors"] += [f"server log: {line[:200]}" for line in server.log().splitlines()
                                 if "Traceback" in line or "ERROR" in line]
        result["errors_count"] = len(result["errors"])
        report["classes"].append(result)
        print(json.dumps(result, indent=1), flush=True)
    classes = report["classes"]
    if len(classes) >= 2:
        a, b = classes[0], classes[-1]
        report["mb_per_further_student"] = round(
            (b["rss_hwm_mb"] - a["rss_hwm_mb"]) / (b["students"] - a["students"]), 2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1))
    for c in classes:
        print(f"{c['students']:>3} students: {c['visits_finished']}/{c['visits_sent']} visits, "
              f"RSS {c['rss_start_mb']:.0f} MB at start, peak {c['rss_hwm_mb']:.0f} MB "
              f"(target {TARGET_PEAK_MB} at 40), {c['rss_end_connected_mb']:.0f} MB at the end; "
              f"{c['cpu_cores']:.2f} cores; visit p50 {c['visit_server_s']['p50']} s; "
              f"{c['errors_count']} error(s)")
    if "mb_per_further_student" in report:
        print(f"per further student: {report['mb_per_further_student']} MB "
              f"(target {TARGET_PER_STUDENT_MB})")
    return 1 if any(c["errors_count"] for c in classes) else 0


if __name__ == "__main__":
    sys.exit(main())
