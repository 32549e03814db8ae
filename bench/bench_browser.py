"""Interaction latency in a real browser: the real server, headless Chromium, ~25 interactions.

    python bench/bench_browser.py                       # this checkout, 3 rounds, table + JSON
    python bench/bench_browser.py --app-dir /tmp/baseline --out /work/bench_baseline.json
    python bench/bench_browser.py --only "Minimax" --rounds 1

Starts `streamlit run app.py` (in --app-dir) on a free 127.0.0.1 port, and then the floor app
(bench/floor_app.py: one slider, one 200-point Plotly line) in the same run. Every interaction
of bench/interactions.py is performed --rounds times, each time in a fresh browser context on a
freshly loaded page (rounds go round-robin over the interactions, so a load spike is spread).

What is measured per interaction, from the action (the first keydown/pointerdown the page sees
after the bench armed it) to the page "painted again":

  * ms: time to the last DOM mutation before the page went quiet. Quiet = the script-run state
    of the app (`data-test-script-state` on stApp) is idle, no `stStatusWidget` is shown, and no
    DOM mutation for 100 ms (a MutationObserver installed in the page; mutations inside the
    header, where the status widget fades out for 200 ms, do not count). The quiet window is
    not included. For an action that should rerun the script, the bench waits (up to 2 s) for
    the run to start before it accepts quiet.
  * paint ms: the same, to two requestAnimationFrame callbacks after that last mutation.
  * CPU ms: user + system CPU time of the server process over the interaction (psutil), until
    the server has been idle for 100 ms (so the post-run garbage collection is included).
  * script / gc ms: server wall time inside the script run and in its postScriptGC (a
    sitecustomize hook on Streamlit's ScriptRunner: bench/hook/sitecustomize.py).
  * long ms: the browser main thread's Long Tasks (PerformanceObserver 'longtask', tasks
    > 50 ms) summed over the interaction: mostly Plotly drawing and React rendering.
  * KB: bytes received over the websocket (Playwright page.on("websocket") frame sizes).

Then an arrow key held on a slider: 100 presses with 30 ms between key down and up; the time
from the last press until the page is quiet (target ≤ 3 s). Same for the floor app.

The servers are started by harness.server; the page is driven by bench/browser_actions.py, whose
JavaScript is in bench/js/. A section error a server's boundaries caught is reported (and saved).

Output: a Markdown table on stdout and a JSON file (--out; default a temp file).
Wall-clock figures depend on the machine's load: the load average is printed and saved.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from browser_actions import (  # noqa: E402
    INIT_JS, NO_RERUN_KINDS, QUIET_MS, Skipped, WsCounter, open_tab_with, profile_summary,
    run_action, settle, wait_loaded,
)
from interactions import FLOOR, FLOOR_HOLD, HOLD, INTERACTIONS  # noqa: E402

from harness.browser import OFFLINE_ARGS, chromium_path, launch  # noqa: E402
from harness.server import streamlit_server  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}
PROFILE_BROWSER = False  # --profile-browser: a V8 CPU profile of each measured action


# ---- server -------------------------------------------------------------------------------------

@contextlib.contextmanager
def bench_server(app_dir: Path, script: str, workdir: Path, extra_args: tuple[str, ...] = ()):
    """Yield (server, psutil.Process, server-events path) for `streamlit run script` in app_dir,
    with bench/hook/sitecustomize.py timing its script runs and collections."""
    events = Path(tempfile.mkstemp(prefix="server-events-", suffix=".jsonl", dir=workdir)[1])
    with streamlit_server(script, app_dir=app_dir, env={"BENCH_SERVER_LOG": str(events)},
                          pythonpath=[HERE / "hook"], extra_args=extra_args,
                          workdir=Path(tempfile.mkdtemp(prefix="server-", dir=workdir))) as srv:
        yield srv, srv.process, events


def cpu_seconds(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def cpu_after_idle(proc: psutil.Process, idle_s: float = 0.1, max_s: float = 3.0) -> float:
    """The server's CPU seconds once it has used < 3 ms over idle_s (post-run GC included)."""
    deadline = time.perf_counter() + max_s
    last = cpu_seconds(proc)
    while time.perf_counter() < deadline:
        time.sleep(idle_s)
        now = cpu_seconds(proc)
        if now - last < 0.003:
            return now
        last = now
    return last


def browser_cpu_seconds() -> float:
    """User + system CPU seconds of every Chromium process this bench started (renderers too)."""
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "chrom" in proc.name().lower():
                t = proc.cpu_times()
                total += t.user + t.system
    return total


def server_events(path: Path, t0: float, t1: float) -> dict:
    """Script-run and GC wall/CPU seconds of the events that started in [t0, t1]."""
    out = {"runs": 0, "run_wall": 0.0, "run_cpu": 0.0, "gc_wall": 0.0, "gc_cpu": 0.0}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if not (t0 <= e["t"] <= t1):
            continue
        if e["kind"] == "run":
            out["runs"] += 1
            out["run_wall"] += e["wall"]
            out["run_cpu"] += e["cpu"]
        else:
            out["gc_wall"] += e["wall"]
            out["gc_cpu"] += e["cpu"]
    # a run's wall time includes its own postScriptGC: report the script part alone
    out["script_wall"] = max(0.0, out["run_wall"] - out["gc_wall"])
    return out


def measure_once(browser, base: str, server: psutil.Process, events: Path, interaction: dict) -> dict:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INIT_JS)
    page = context.new_page()
    ws = WsCounter(page)
    try:
        page.goto(base + interaction["page"], timeout=90_000)
        load_s = wait_loaded(page)
        for step in interaction.get("setup", []):
            with contextlib.suppress(Skipped):
                open_tab_with(page, {"action": step})
                _, _, needs = run_action(page, {"action": step})
                settle(page, needs)
                wait_loaded(page)
        opened_tab = open_tab_with(page, interaction)
        page.wait_for_timeout(200)
        ws.reset()
        if PROFILE_BROWSER:
            cdp = context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 500})
            cdp.send("Profiler.start")
        cpu0, bcpu0, t0 = cpu_seconds(server), browser_cpu_seconds(), time.time()
        action, info, needs_rerun = run_action(page, interaction)
        res = settle(page, needs_rerun)
        if PROFILE_BROWSER:
            info["js_profile_ms"] = profile_summary(cdp.send("Profiler.stop")["profile"])
        bcpu1 = browser_cpu_seconds()
        cpu1 = cpu_after_idle(server)
        t1 = time.time()
        if res.get("timeout"):
            raise TimeoutError(f"page not settled after {res['elapsed'] / 1000:.0f} s")
        page.wait_for_timeout(50)  # let the last websocket events reach Python
        srv = server_events(events, t0, t1)
        errors = page.locator("[data-testid='stException']").count()
        return {"ok": True, "ms": res["ms"], "paint_ms": res["paint_ms"],
                "dispatch_ms": res["dispatch_ms"], "longtask_ms": res["longtask_ms"],
                "longtask_n": res["longtask_n"], "ran": res["ran"],
                "input_seen": res["input_seen"], "cpu_ms": (cpu1 - cpu0) * 1000,
                "browser_cpu_ms": (bcpu1 - bcpu0) * 1000, "gc_cpu_ms": srv["gc_cpu"] * 1000,
                "script_ms": srv["script_wall"] * 1000, "gc_ms": srv["gc_wall"] * 1000,
                "script_cpu_ms": srv["run_cpu"] * 1000 - srv["gc_cpu"] * 1000,
                "runs": srv["runs"], "ws_kb": ws.received / 1024, "ws_sent_kb": ws.sent / 1024,
                "ws_frames": ws.frames, "load_s": load_s, "exceptions": errors,
                "action": action, "opened_tab": opened_tab, **info}
    finally:
        context.close()


# ---- statistics and report ----------------------------------------------------------------------

def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def summarise(samples: list[dict]) -> dict:
    ok = [s for s in samples if s.get("ok")]
    if not ok:
        return {"n": 0}
    keys = ("ms", "paint_ms", "cpu_ms", "browser_cpu_ms", "script_ms", "script_cpu_ms", "gc_ms",
            "gc_cpu_ms", "longtask_ms", "ws_kb")
    out = {"n": len(ok)}
    for k in keys:
        out[k] = med([s[k] for s in ok])
    out["p95_ms"] = pct([s["ms"] for s in ok], 0.95)
    out["first_ms"] = ok[0]["ms"]
    return out


def fmt_ms(x: float) -> str:
    return "–" if x != x else f"{x:.0f}"


def load_page(browser, url: str) -> float:
    """Seconds from navigation start to the last painted change of a fresh tab on ``url``
    (``window.__bench.lastPaint``: the page's own clock, so the bench's quiet waits are not
    counted)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.add_init_script(INIT_JS)
    page = ctx.new_page()
    page.goto(url, timeout=90_000)
    wait_loaded(page)
    painted = page.evaluate("() => Math.max(window.__bench.lastPaint, window.__bench.lastMut)")
    ctx.close()
    return painted / 1000


def page_loads(browser, base: str, paths) -> dict:
    return {path: round(load_page(browser, base + path), 3) for path in paths}


def report(results: dict, meta: dict) -> str:
    lines = []
    lines.append(f"App: {meta.get('label') or meta['app_dir']} ({meta.get('app_rev') or 'no git'}); "
                 f"{meta['rounds']} rounds in fresh browser contexts; {meta['cores']} cores; "
                 f"load average {meta['load_start'][0]:.2f} / {meta['load_start'][1]:.2f} / "
                 f"{meta['load_start'][2]:.2f} at start, {meta['load_end'][0]:.2f} at the end.")
    lines.append("")
    lines.append("| interaction | median ms | p95 ms | 1st round ms | paint ms | server CPU ms | "
                 "script / gc ms (wall) | browser CPU ms | long tasks ms | KB over ws |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results["interactions"]:
        s = r["summary"]
        if r["status"] != "ok":
            lines.append(f"| {r['name']} | {r['status']}: {r.get('reason', '')[:90]} |"
                         " | | | | | | | |")
            continue
        lines.append(f"| {r['name']} | {fmt_ms(s['ms'])} | {fmt_ms(s['p95_ms'])} | "
                     f"{fmt_ms(s['first_ms'])} | {fmt_ms(s['paint_ms'])} | {fmt_ms(s['cpu_ms'])} | "
                     f"{fmt_ms(s['script_ms'])} / {fmt_ms(s['gc_ms'])} | "
                     f"{fmt_ms(s['browser_cpu_ms'])} | {fmt_ms(s['longtask_ms'])} | "
                     f"{s['ws_kb']:.0f} |")
    o = results["overall"]
    lines.append("")
    if o.get("n"):
        lines.append(
            f"**Overall** ({o['n']} samples of {o['interactions']} interactions): median "
            f"{o['ms']:.0f} ms, p95 {o['p95_ms']:.0f} ms (median of the per-interaction medians "
            f"{o['median_of_medians']:.0f} ms); per interaction {o['cpu_ms']:.0f} ms server CPU "
            f"(mean {o['cpu_ms_mean']:.0f}), {o['ws_kb']:.0f} KB over the websocket "
            f"(mean {o['ws_kb_mean']:.0f}); long tasks {o['longtask_ms_mean']:.0f} ms per "
            f"interaction on average = {o['longtask_share'] * 100:.0f} % of the time to paint; "
            f"script run {o['script_ms_mean']:.0f} ms, postScriptGC {o['gc_ms_mean']:.0f} ms "
            f"(wall, means); browser CPU {o['browser_cpu_ms']:.0f} ms (median).")
    f = results.get("floor", {}).get("summary", {})
    if f.get("n"):
        ratio = o["ms"] / f["ms"] if o.get("n") and f["ms"] else float("nan")
        lines.append(f"**Floor** (bench/floor_app.py, {f['n']} samples): median {f['ms']:.0f} ms, "
                     f"p95 {f['p95_ms']:.0f} ms, {f['cpu_ms']:.0f} ms server CPU, "
                     f"{f['ws_kb']:.0f} KB; app / floor = {ratio:.1f}×.")
    loads = meta.get("page_load_s") or {}
    if loads:
        worst = max(loads, key=loads.get)
        lines.append(f"**Page load** (a fresh tab, warm server, navigation to the last painted "
                     f"change): median {statistics.median(loads.values()):.2f} s over "
                     f"{len(loads)} pages, slowest {worst} {loads[worst]:.2f} s; floor app "
                     f"{meta.get('floor_page_load_s', float('nan')):.2f} s.")
    if meta.get("cold_start_s"):
        lines.append(f"**Cold start** (`streamlit run` spawned to the home page painted): "
                     f"{meta['cold_start_s']:.2f} s; floor app "
                     f"{meta.get('floor_cold_start_s', float('nan')):.2f} s.")
    for key in ("hold", "floor_hold"):
        h = results.get(key)
        if h and h["status"] == "ok":
            s = h["samples"][0]
            verdict = "within" if s["ms"] <= 3000 else "OVER"
            lines.append(f"**{h['name']}**: {s['ms']:.0f} ms from the last press to the settled "
                         f"page ({verdict} the 3 s target); {s['runs']} script runs and "
                         f"{s['cpu_ms']:.0f} ms server CPU over the whole hold.")
        elif h:
            lines.append(f"**{h['name']}**: {h['status']} ({h.get('reason', '')})")
    for e in meta.get("section_errors") or []:
        lines.append(f"**Section error in the server**: {e['name']}: {e['error']}: {e['message']}")
    return "\n".join(lines)


# ---- main ---------------------------------------------------------------------------------------

def bench_interactions(browser, base, server, events, interactions, rounds, log) -> list[dict]:
    results = [{"name": it["name"], "page": it["page"], "samples": [], "status": "ok"}
               for it in interactions]
    for rnd in range(rounds):
        for it, res in zip(interactions, results):
            if res["status"] == "skipped":
                continue
            try:
                s = measure_once(browser, base, server, events, it)
            except Skipped as why:
                res["status"], res["reason"] = "skipped", str(why)
                log(f"  skipped  {it['name']}: {why}")
                continue
            except Exception as err:  # noqa: BLE001 - a broken interaction must not stop the run
                s = {"ok": False, "error": f"{type(err).__name__}: {str(err).splitlines()[0][:200]}"}
                log(f"  error    {it['name']}: {s['error']}")
            else:
                note = "" if s["ran"] or _kind(it) in NO_RERUN_KINDS else "  (no rerun seen)"
                log(f"  r{rnd + 1} {s['ms']:7.0f} ms  cpu {s['cpu_ms']:6.0f}  long "
                    f"{s['longtask_ms']:5.0f}  {s['ws_kb']:6.0f} KB  {it['name']}{note}")
                if s.get("js_profile_ms"):
                    log("      JS self time: " + ", ".join(f"{k} {v:.0f}" for k, v in
                                                       s["js_profile_ms"]))
            res["samples"].append(s)
    for res in results:
        res["summary"] = summarise(res["samples"])
        if res["status"] == "ok" and not res["summary"].get("n"):
            res["status"] = "error"
            res["reason"] = res["samples"][0].get("error", "") if res["samples"] else ""
    return results


def _kind(it):
    a = it["action"]
    return (a[0] if isinstance(a, list) else a)["kind"]


def overall(results: list[dict]) -> dict:
    ok = [s for r in results if r["status"] == "ok" for s in r["samples"] if s.get("ok")]
    if not ok:
        return {"n": 0}
    per = [r["summary"] for r in results if r["status"] == "ok" and r["summary"].get("n")]
    mean = lambda k: statistics.fmean(s[k] for s in ok)  # noqa: E731
    return {
        "n": len(ok), "interactions": len(per),
        "ms": med([s["ms"] for s in ok]), "p95_ms": pct([s["ms"] for s in ok], 0.95),
        "median_of_medians": med([p["ms"] for p in per]),
        "cpu_ms": med([s["cpu_ms"] for s in ok]), "cpu_ms_mean": mean("cpu_ms"),
        "ws_kb": med([s["ws_kb"] for s in ok]), "ws_kb_mean": mean("ws_kb"),
        "longtask_ms_mean": mean("longtask_ms"),
        "longtask_share": sum(s["longtask_ms"] for s in ok) / max(1e-9, sum(s["ms"] for s in ok)),
        "script_ms_mean": mean("script_ms"), "gc_ms_mean": mean("gc_ms"),
        "browser_cpu_ms": med([s["browser_cpu_ms"] for s in ok]),
    }


def git_rev(path: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        top = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        if out.returncode == 0 and Path(top).resolve() == path.resolve():
            dirty = subprocess.run(["git", "-C", str(path), "status", "--porcelain", "--",
                                    "app.py", "pages", "gdm_core"],
                                   capture_output=True, text=True, timeout=10).stdout.strip()
            return out.stdout.strip() + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--app-dir", type=Path, default=ROOT, help="directory holding app.py")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", help="run only interactions whose name matches (substring, "
                                   "case-insensitive, or a glob)")
    ap.add_argument("--out", type=Path, help="JSON output (default: a temp file)")
    ap.add_argument("--floor-rounds", type=int, default=5)
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--no-hold", action="store_true")
    ap.add_argument("--hold-only", action="store_true", help="only the held-key test (and floor)")
    ap.add_argument("--label", help="a name for this run in the report, e.g. 'baseline 5be41fd'")
    ap.add_argument("--profile-browser", action="store_true",
                    help="record a V8 CPU profile of each action (self time per script file "
                         "in the JSON and on stderr); slows the browser, so time separately")
    ap.add_argument("--server-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for `streamlit run` (both servers), e.g. "
                         "--server-arg=--runner.postScriptGC=false")
    ap.add_argument("--list", action="store_true", help="list the interactions and exit")
    args = ap.parse_args()
    global PROFILE_BROWSER
    PROFILE_BROWSER = args.profile_browser

    interactions = INTERACTIONS
    if args.only:
        pat = args.only.casefold()
        interactions = [it for it in INTERACTIONS if pat in it["name"].casefold()
                        or fnmatch.fnmatch(it["name"].casefold(), pat)]
    if args.list:
        for it in interactions:
            print(f"{it['page']:<28} {it['name']}")
        return
    app_dir = args.app_dir.resolve()
    try:
        chromium_path()
    except RuntimeError as err:
        sys.exit(str(err))
    out = args.out or Path(tempfile.mkstemp(prefix="bench_browser-", suffix=".json")[1])
    workdir = Path(tempfile.mkdtemp(prefix="bench_browser-"))

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    from playwright.sync_api import sync_playwright

    import playwright
    import streamlit
    meta = {"label": args.label, "server_args": args.server_arg, "app_dir": str(app_dir),
            "app_rev": git_rev(app_dir), "rounds": args.rounds,
            "host": platform.node(), "cores": psutil.cpu_count(),
            "python": platform.python_version(), "streamlit": streamlit.__version__,
            "playwright": playwright.__version__ if hasattr(playwright, "__version__") else None,
            "load_start": os.getloadavg(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "quiet_ms": QUIET_MS}
    log(f"load average at start: {meta['load_start']}")
    results: dict = {"meta": meta}
    with sync_playwright() as p:
        browser = launch(p, args=OFFLINE_ARGS)  # nothing but localhost resolves
        meta["chromium"] = browser.version
        spawned = time.perf_counter()
        with bench_server(app_dir, "app.py", workdir,
                          extra_args=tuple(args.server_arg)) as (running, server, events):
            base = running.base
            log(f"server {base} (pid {server.pid}); warming every page once")
            pages = list(dict.fromkeys(["/"] + [it["page"] for it in INTERACTIONS]))
            warm = {}
            for path in pages:
                t = time.perf_counter()
                warm[path] = round(load_page(browser, base + path), 3)
                if path == "/":   # the first page of a new server: its start counts too
                    meta["cold_start_s"] = round(t - spawned + warm[path], 3)
            meta["warmup_page_load_s"] = warm
            log(f"cold start {meta['cold_start_s']:.2f} s; first page loads (s): {warm}")
            results["interactions"] = [] if args.hold_only else bench_interactions(
                browser, base, server, events, interactions, args.rounds, log)
            results["overall"] = overall(results["interactions"])
            if not args.no_hold:
                h = bench_interactions(browser, base, server, events, [HOLD], 1, log)[0]
                results["hold"] = h
            meta["page_load_s"] = page_loads(browser, base, pages)
            log(f"page loads, warm (s): {meta['page_load_s']}")
            meta["server_rss_mb"] = server.memory_info().rss / 2**20
            meta["server_traceback"] = "Traceback" in running.log()
            meta["section_errors"] = running.section_errors()
            for e in meta["section_errors"]:
                log(f"  SECTION ERROR in the server: {e['name']}: {e['error']}: {e['message']}")
        if not args.no_floor:
            spawned = time.perf_counter()
            with bench_server(app_dir, str(HERE / "floor_app.py"), workdir,
                              extra_args=tuple(args.server_arg)) as (running, server, events):
                base = running.base
                log(f"floor server {base}")
                t = time.perf_counter()
                meta["floor_cold_start_s"] = round(t - spawned + load_page(browser, base + "/"), 3)
                meta["floor_page_load_s"] = round(load_page(browser, base + "/"), 3)
                floor = bench_interactions(browser, base, server, events, [FLOOR],
                                           args.floor_rounds, log)[0]
                results["floor"] = floor
                if not args.no_hold:
                    results["floor_hold"] = bench_interactions(
                        browser, base, server, events, [FLOOR_HOLD], 1, log)[0]
        browser.close()
    meta["load_end"] = os.getloadavg()
    text = report(results, meta)
    print(text)
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\nJSON: {out}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
