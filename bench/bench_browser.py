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
    sitecustomize hook on Streamlit's ScriptRunner; see _SITECUSTOMIZE below).
  * long ms: the browser main thread's Long Tasks (PerformanceObserver 'longtask', tasks
    > 50 ms) summed over the interaction: mostly Plotly drawing and React rendering.
  * KB: bytes received over the websocket (Playwright page.on("websocket") frame sizes).

Then an arrow key held on a slider: 100 presses with 30 ms between key down and up; the time
from the last press until the page is quiet (target ≤ 3 s). Same for the floor app.

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
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from interactions import FLOOR, FLOOR_HOLD, HOLD, INTERACTIONS  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic",
                 # nothing but localhost can be resolved: no request leaves the machine
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1400, "height": 1000}
QUIET_MS = 100          # no DOM mutation for this long = settled
RUN_GRACE_MS = 2000     # how long to wait for a rerun to start after an action that needs one
TAB_GRACE_MS = 600      # a tab or expander may rerun too (st.tabs bound to the URL): wait this long
SETTLE_TIMEOUT_MS = 90_000
NO_RERUN_KINDS = {"tab", "expander"}

# Installed in every page before its own scripts: mutation clock, script-run state, long tasks,
# and the time of the first input event after the bench "arms" a measurement.
INIT_JS = r"""
(() => {
  if (window.__bench) return;
  const B = window.__bench = {lastMut: 0, lastPaint: 0, nMut: 0, runs: [], longtasks: [],
                              armed: null, tAction: null, lastKey: 0};
  const IGNORE = '[data-testid="stHeader"],[data-testid="stStatusWidget"],' +
                 '[data-testid="stToolbar"],[data-testid="stDecoration"]';
  const ignored = (n) => {
    const el = n && (n.nodeType === 1 ? n : n.parentElement);
    return !!(el && el.closest && el.closest(IGNORE));
  };
  const obs = new MutationObserver((muts) => {
    const now = performance.now();
    let counted = false;
    for (const m of muts) {
      if (m.type === 'attributes' && m.attributeName === 'data-test-script-state') {
        B.runs.push([m.target.getAttribute('data-test-script-state'), now]);
        continue;
      }
      if (!ignored(m.target)) counted = true;
    }
    if (counted) {
      B.lastMut = now; B.nMut++;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        B.lastPaint = Math.max(B.lastPaint, performance.now());
      }));
    }
  });
  const start = () => obs.observe(document, {subtree: true, childList: true, attributes: true,
                                             characterData: true});
  start();
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { B.noLongtask = String(e); }
  const onInput = (ev) => {
    const now = performance.now();
    if (B.armed !== null && B.tAction === null) B.tAction = now;
    if (ev.type === 'keydown') B.lastKey = now;
  };
  for (const t of ['keydown', 'pointerdown', 'mousedown', 'click'])
    window.addEventListener(t, onInput, true);
})();
"""

BUSY_JS = r"""
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const s = app ? app.getAttribute('data-test-script-state') : 'none';
  return s === 'running' || s === 'rerunRequested' || s === 'stopRequested' ||
         !!document.querySelector('[data-testid="stStatusWidget"]');
}
"""

# Resolves once the page is settled (see the module docstring); times are relative to the
# action (or to the arming, if no input event reached the page).
SETTLE_JS = r"""
async ({quiet, grace, needRun, timeout}) => {
  const B = window.__bench;
  const busy = """ + BUSY_JS + r""";
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const started = () => B.runs.some(([s, t]) => t >= B.armed &&
                                     (s === 'running' || s === 'rerunRequested'));
  while (true) {
    const now = performance.now();
    const t0 = B.tAction === null ? B.armed : B.tAction;
    if (now - B.armed > timeout) return {timeout: true, elapsed: now - t0};
    const ran = started();
    if ((!needRun || ran || now - B.armed > grace) && !busy() &&
        now - Math.max(B.lastMut, t0) >= quiet) {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const lt = B.longtasks.filter(([s, d]) => s + d >= B.armed && s <= Math.max(B.lastMut, t0));
      return {
        ms: Math.max(0, B.lastMut - t0),
        paint_ms: Math.max(0, Math.max(B.lastPaint, B.lastMut) - t0),
        dispatch_ms: t0 - B.armed,
        longtask_ms: lt.reduce((a, [s, d]) => a + d, 0),
        longtask_n: lt.length,
        ran: ran,
        input_seen: B.tAction !== null,
      };
    }
    await sleep(10);
  }
}
"""

QUIET_JS = r"""
async ({quiet, timeout}) => {
  const B = window.__bench;
  const busy = """ + BUSY_JS + r""";
  const t0 = performance.now();
  while (performance.now() - t0 < timeout) {
    if (!busy() && performance.now() - B.lastMut >= quiet) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
"""

CHARTS_DRAWN_JS = r"""
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter((c) => c.checkVisibility ? c.checkVisibility() : c.offsetParent !== null)
        .every((c) => c.querySelector('.main-svg'))
"""

# Show a control hidden in an inactive tab or a closed expander; returns what it clicked.
REVEAL_JS = r"""
(el) => {
  const vis = (n) => n.checkVisibility ? n.checkVisibility() : n.offsetParent !== null;
  const steps = [];  // innermost first; clicked outermost first
  for (let n = el; n && n !== document.body; n = n.parentElement) {
    const tid = n.getAttribute && n.getAttribute('data-testid');
    if (tid === 'stTabPanel' || (n.getAttribute && n.getAttribute('role') === 'tabpanel')) {
      const tabs = n.parentElement && n.parentElement.closest('[data-testid="stTabs"]');
      if (!tabs) continue;
      const own = (x) => x.closest('[data-testid="stTabs"]') === tabs;
      const panels = [...tabs.querySelectorAll('[data-testid="stTabPanel"]')].filter(own);
      const buttons = [...tabs.querySelectorAll('[role="tab"]')].filter(own);
      const tab = buttons[panels.indexOf(n)];
      if (tab) steps.push(['tab', tab]);
    }
    if (n.tagName === 'DETAILS' && !n.open) {
      const s = n.querySelector('summary');
      if (s) steps.push(['expander', s]);
    }
  }
  const clicked = [];
  for (const [kind, node] of steps.reverse()) {
    if (kind === 'tab' && node.getAttribute('aria-selected') === 'true') continue;
    node.click();
    clicked.push(kind + ' ' + node.innerText.trim());
  }
  return clicked;
}
"""

# A sitecustomize for the server: times each script run and its postScriptGC, one JSON line
# per event, to $BENCH_SERVER_LOG. Patches lazily, once Streamlit's script runner is imported.
_SITECUSTOMIZE = r'''
import json, os, sys, threading, time

def _bench_patch():
    for _ in range(2400):
        mod = sys.modules.get("streamlit.runtime.scriptrunner.script_runner")
        if mod is not None and hasattr(mod, "ScriptRunner"):
            break
        time.sleep(0.025)
    else:
        return
    path = os.environ["BENCH_SERVER_LOG"]
    lock = threading.Lock()

    def log(kind, t, wall, cpu):
        with lock, open(path, "a") as f:
            f.write(json.dumps({"kind": kind, "t": t, "wall": wall, "cpu": cpu}) + "\n")

    SR = mod.ScriptRunner
    orig_run = SR._run_script

    def _run_script(self, rerun_data):
        t, w, c = time.time(), time.perf_counter(), time.thread_time()
        try:
            return orig_run(self, rerun_data)
        finally:
            log("run", t, time.perf_counter() - w, time.thread_time() - c)

    SR._run_script = _run_script
    real_gc = mod.gc

    class _GC:
        def __getattr__(self, name):
            return getattr(real_gc, name)

        def collect(self, *a, **k):
            t, w, c = time.time(), time.perf_counter(), time.thread_time()
            try:
                return real_gc.collect(*a, **k)
            finally:
                log("gc", t, time.perf_counter() - w, time.thread_time() - c)

    mod.gc = _GC()

if os.environ.get("BENCH_SERVER_LOG"):
    threading.Thread(target=_bench_patch, daemon=True, name="bench-patch").start()
'''


# ---- server -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(app_dir: Path, script: str, workdir: Path, timeout: float = 90.0,
                     extra_args: tuple[str, ...] = ()):
    """Yield (base_url, psutil.Process, server_log_path) for `streamlit run script` in app_dir."""
    port = free_port()
    hook_dir = workdir / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    events = workdir / f"server-events-{port}.jsonl"
    log_path = workdir / f"streamlit-{port}.log"
    env = dict(os.environ, BENCH_SERVER_LOG=str(events),
               PYTHONPATH=os.pathsep.join([str(hook_dir)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", *extra_args],
        cwd=app_dir, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; log:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base, psutil.Process(proc.pid), events, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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


# ---- page helpers -------------------------------------------------------------------------------

class Skipped(Exception):
    """The control is not on this page (a page was rebuilt): reported, never a crash."""


CONTAINERS = {
    "slider_keys": '[data-testid="stSlider"]',
    "number": '[data-testid="stNumberInput"]',
    "select": '[data-testid="stSelectbox"]',
    "radio": '[data-testid="stRadio"]',
    "pills": '[data-testid="stButtonGroup"]',
    "checkbox": '[data-testid="stCheckbox"]',
    "toggle": '[data-testid="stCheckbox"]',
    "button": ('[data-testid="stButton"] button, [data-testid="stFormSubmitButton"] button, '
               '[data-testid="stPopover"] button'),
    "tab": '[role="tab"]',
    "expander": '[data-testid="stExpander"] summary',
}
SCOPES = {None: "", "sidebar": '[data-testid="stSidebar"] ', "main": '[data-testid="stMain"] '}

LABELS_JS = r"""
(els) => els.map((el) => {
  const lab = el.querySelector('[data-testid="stWidgetLabel"]');
  let text = lab ? lab.innerText : (el.getAttribute('aria-label') || el.innerText || '');
  const visible = el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  return [text, visible];
})
"""


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def strip_icon(s: str) -> str:
    # a Material icon is drawn from a ligature: its name is part of the button's text
    return re.sub(r"^[a-z_]+\s+(?=[A-Z0-9])", "", norm(s))


def find_control(page, action: dict):
    """The locator of the control an action names, or raise Skipped."""
    kind = action["kind"]
    if kind not in CONTAINERS:
        raise ValueError(f"unknown action kind {kind!r}")
    sel = ",".join(SCOPES[action.get("scope")] + part.strip()
                   for part in CONTAINERS[kind].split(","))
    loc = page.locator(sel)
    labels = loc.evaluate_all(LABELS_JS)
    want = norm(action["label"]).casefold()
    texts = [strip_icon(t).casefold() if kind in ("button", "tab", "expander") else norm(t).casefold()
             for t, _ in labels]
    tiers = [[i for i, t in enumerate(texts) if t == want]]
    if action.get("exact", True) is False or not tiers[0]:
        tiers.append([i for i, t in enumerate(texts) if t.startswith(want)])
        tiers.append([i for i, t in enumerate(texts) if want in t])
    if action.get("exact", True) is True:
        tiers = tiers[:1]
    for tier in tiers:
        if tier:
            visible = [i for i in tier if labels[i][1]]
            return loc.nth((visible or tier)[0])
    raise Skipped(f"no {kind} labelled {action['label']!r}")


def wait_quiet(page, quiet_ms: int = 300, timeout_ms: int = 60_000) -> bool:
    return page.evaluate(QUIET_JS, {"quiet": quiet_ms, "timeout": timeout_ms})


def wait_loaded(page, timeout_ms: int = 90_000) -> float:
    """Wait until the page is fully drawn; return the seconds it took."""
    t = time.perf_counter()
    page.wait_for_selector("[data-testid='stApp'] h1", timeout=timeout_ms)
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:  # a page may rerun itself once (ui.ensure_entrypoint)
        wait_quiet(page, 500, timeout_ms)
        if not page.evaluate(BUSY_JS) and page.locator("[data-testid='stSkeleton']").count() == 0:
            break
    with contextlib.suppress(Exception):  # a slow chart must not stop the bench
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
    wait_quiet(page, 300, timeout_ms)
    return time.perf_counter() - t


def reveal(page, loc) -> list[str]:
    clicked = loc.evaluate(REVEAL_JS)
    if clicked:
        wait_quiet(page, 300)
        with contextlib.suppress(Exception):
            page.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
        wait_quiet(page, 300)
    return clicked


def arm(page) -> None:
    page.evaluate("() => { const B = window.__bench; B.armed = performance.now(); B.tAction = null; }")


def prepare_and_fire(page, action: dict):
    """Find the control, reveal it, do the unmeasured part, then arm and fire the measured part.
    Returns (what was done, needs_rerun)."""
    kind = action["kind"]
    loc = find_control(page, action)
    revealed = reveal(page, loc)
    if revealed:  # the DOM changed: the n-th match may now be another control
        loc = find_control(page, action)
    loc.scroll_into_view_if_needed(timeout=10_000)
    wait_quiet(page, QUIET_MS)
    if kind == "slider_keys":
        thumb = loc.locator('input[type="range"], [role="slider"]').first
        thumb.focus()
        presses = int(action.get("presses", 1))
        delay = action.get("delay_ms")
        wait_quiet(page, QUIET_MS)
        for i in range(presses):
            if i == presses - 1:
                arm(page)  # measured from the last press
            page.keyboard.press(action.get("key", "ArrowRight"),
                                delay=delay if delay is not None else 0)
    elif kind == "number":
        inp = loc.locator("input").first
        inp.fill(str(action["value"]))
        wait_quiet(page, QUIET_MS)
        arm(page)
        inp.press("Enter")
    elif kind == "select":
        box = loc.locator('[role="combobox"]').first
        (box if box.count() else loc).click()
        option = page.get_by_role("option", name=action["option"], exact=True)
        try:
            option.first.wait_for(timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")
            raise Skipped(f"no option {action['option']!r} in {action['label']!r}")
        wait_quiet(page, QUIET_MS)
        arm(page)
        option.first.click()
    elif kind in ("radio", "pills"):
        target = (loc.locator("label").filter(has_text=action["option"]) if kind == "radio"
                  else loc.locator("button").filter(has_text=action["option"]))
        exact = [i for i, t in enumerate(target.all_inner_texts())
                 if norm(t) == norm(action["option"])]
        if not target.count():
            raise Skipped(f"no option {action['option']!r} in {action['label']!r}")
        arm(page)
        target.nth(exact[0] if exact else 0).click()
    elif kind in ("checkbox", "toggle"):
        arm(page)
        loc.locator("label").first.click()
    elif kind in ("button", "tab", "expander"):
        arm(page)
        loc.click()
    return {"revealed": revealed}, kind not in NO_RERUN_KINDS


def _try_actions(page, actions: list[dict], reasons: list[str]):
    for action in actions:
        try:
            info, needs_rerun = prepare_and_fire(page, action)
            return action, info, needs_rerun
        except Skipped as why:
            reasons.append(str(why))
    return None


def settle(page, needs_rerun: bool = True) -> dict:
    return page.evaluate(SETTLE_JS, {"quiet": QUIET_MS,
                                     "grace": RUN_GRACE_MS if needs_rerun else TAB_GRACE_MS,
                                     "needRun": True, "timeout": SETTLE_TIMEOUT_MS})


def _present(page, actions: list[dict]) -> bool:
    for action in actions:
        with contextlib.suppress(Skipped):
            find_control(page, action)
            return True
    return False


def open_tab_with(page, interaction: dict) -> str | None:
    """If no alternative's control is on the page but the page has tabs, open each tab in turn
    until one shows it (unmeasured): tabs drawn only when open (st.tabs bound to the URL) keep
    their controls out of the DOM. Returns the tab opened, if any."""
    actions = interaction["action"]
    actions = actions if isinstance(actions, list) else [actions]
    if any(a["kind"] == "tab" for a in actions) or _present(page, actions):
        return None
    tabs = page.locator('[role="tab"]')
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") == "true" or not tab.is_visible():
            continue
        name = norm(tab.inner_text())
        arm(page)
        tab.click()
        settle(page, needs_rerun=False)
        wait_loaded(page)
        if _present(page, actions):
            return name
    return None


def run_action(page, interaction: dict):
    """Try the action and its alternatives in order; returns (action used, info, needs_rerun)."""
    actions = interaction["action"]
    actions = actions if isinstance(actions, list) else [actions]
    reasons: list[str] = []
    found = _try_actions(page, actions, reasons)
    if found:
        return found
    raise Skipped("; ".join(reasons))


class WsCounter:
    def __init__(self, page):
        self.received = self.sent = self.frames = 0
        page.on("websocket", self._on_ws)

    def _on_ws(self, ws):
        ws.on("framereceived", self._rx)
        ws.on("framesent", self._tx)

    def _rx(self, payload):
        self.received += len(payload)
        self.frames += 1

    def _tx(self, payload):
        self.sent += len(payload)

    def reset(self):
        self.received = self.sent = self.frames = 0


PROFILE_BROWSER = False  # --profile-browser: a V8 CPU profile of each measured action


def profile_summary(profile: dict, top: int = 8) -> list[tuple[str, float]]:
    """Self time (ms) of a V8 CPU profile, by script file (hash stripped) or V8 pseudo-node."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: dict[int, float] = {}
    for node_id, dt in zip(profile.get("samples", []), profile.get("timeDeltas", [])):
        self_us[node_id] = self_us.get(node_id, 0.0) + dt
    by: dict[str, float] = {}
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url") or ""
        if url:
            name = re.sub(r"\.[A-Za-z0-9_-]{8}\.js$", ".js", url.rsplit("/", 1)[-1])
        else:
            name = frame.get("functionName") or "(anonymous)"
        by[name] = by.get(name, 0.0) + us / 1000
    by.pop("(idle)", None)
    return sorted(by.items(), key=lambda kv: -kv[1])[:top]


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
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("Debian's chromium is not installed (apt-get install chromium).")
    out = args.out or Path(tempfile.mkstemp(prefix="bench_browser-", suffix=".json")[1])
    workdir = Path(tempfile.mkdtemp(prefix="bench_browser-"))

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    from playwright.sync_api import sync_playwright

    import playwright
    import streamlit
    meta = {"label": args.label, "server_args": args.server_arg, "app_dir": str(app_dir), "app_rev": git_rev(app_dir), "rounds": args.rounds,
            "host": platform.node(), "cores": psutil.cpu_count(),
            "python": platform.python_version(), "streamlit": streamlit.__version__,
            "playwright": playwright.__version__ if hasattr(playwright, "__version__") else None,
            "load_start": os.getloadavg(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "quiet_ms": QUIET_MS}
    log(f"load average at start: {meta['load_start']}")
    results: dict = {"meta": meta}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        meta["chromium"] = browser.version
        with streamlit_server(app_dir, "app.py", workdir,
                              extra_args=tuple(args.server_arg)) as (base, server, events, slog):
            log(f"server {base} (pid {server.pid}); warming every page once")
            warm = {}
            for path in dict.fromkeys([it["page"] for it in INTERACTIONS] + ["/"]):
                ctx = browser.new_context(viewport=VIEWPORT)
                ctx.add_init_script(INIT_JS)
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto(base + path, timeout=90_000)
                wait_loaded(page)
                warm[path] = time.perf_counter() - t
                ctx.close()
            meta["warmup_page_load_s"] = warm
            log(f"warm-up page loads (s): { {k: round(v, 1) for k, v in warm.items()} }")
            results["interactions"] = [] if args.hold_only else bench_interactions(
                browser, base, server, events, interactions, args.rounds, log)
            results["overall"] = overall(results["interactions"])
            if not args.no_hold:
                h = bench_interactions(browser, base, server, events, [HOLD], 1, log)[0]
                results["hold"] = h
            meta["server_rss_mb"] = server.memory_info().rss / 2**20
            traceback_in_log = "Traceback" in slog.read_text()
            meta["server_traceback"] = traceback_in_log
        if not args.no_floor:
            with streamlit_server(app_dir, str(HERE / "floor_app.py"), workdir,
                                  extra_args=tuple(args.server_arg)) as (
                    base, server, events, _):
                log(f"floor server {base}")
                ctx = browser.new_context(viewport=VIEWPORT)
                ctx.add_init_script(INIT_JS)
                page = ctx.new_page()
                page.goto(base + "/")
                wait_loaded(page)
                ctx.close()
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
