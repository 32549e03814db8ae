"""A classroom on the real server: N students, each its own browser context in one Chromium.

Used by ``tests/load/test_classroom.py`` (the pass/fail test) and ``bench/bench_load.py`` (the
memory and CPU fit over several class sizes). Nothing here is pytest-specific. The server comes
from :mod:`harness.server`; the section errors it logged are in the report.

Each student arrives (a fraction of a second after the previous one), sets its own seed and
units in the sidebar, then visits every page through the sidebar menu, starting at a page of its
own, opens tabs on each page, and moves the controls it finds there — sliders by keyboard,
number inputs by their +/− buttons, select boxes, radios, checkboxes, segmented controls and
buttons by clicking — with a human pause (``pause``) between actions. Controls are found by
their kind and label in the open tab at the time; the page files can change without breaking
this: a missing control is skipped, and buttons that start long jobs (training) are left alone.

An *interaction* is one navigation, tab click or control move. It is finished when the app
started a script run for it (a counter fed by a MutationObserver on ``stApp``'s
``data-test-script-state``) and is idle again; its time is measured from the action to then.
The server's resident memory and CPU time are sampled every half second.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from .browser import CHROMIUM_ARGS, PROBLEMS_JS, chromium_path, error_marker
from .server import streamlit_server

# Buttons a student in the load test does not press: long jobs, tested on their own.
SKIP_BUTTONS = re.compile(r"train|cancel|stop|download|deploy", re.I)
CONTROL_KINDS = ("stSlider", "stSelectSlider", "stNumberInput", "stSelectbox", "stRadio",
                 "stCheckbox", "stToggle", "stButtonGroup", "stSegmentedControl", "stButton")

# Counts the app's script runs (full and fragment; +1 each time stApp's state turns "running")
# and the messages the server sends over the app's WebSocket: a run too quick for React to
# show as "running" still sends its messages.
INIT_JS = """
(() => {
  window.__gdmRuns = 0; window.__gdmMsgs = 0; window.__gdmLast = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { window.__gdmMsgs++; window.__gdmLast = Date.now(); });
    }
  };
  const watch = () => new MutationObserver(ms => {
    for (const m of ms) {
      if (m.target.getAttribute('data-test-script-state') === 'running' && m.oldValue !== 'running')
        window.__gdmRuns++;
    }
  }).observe(document.documentElement, {subtree: true, attributes: true, attributeOldValue: true,
                                         attributeFilter: ['data-test-script-state']});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();
"""
STATE_JS = """() => {
  const a = document.querySelector('[data-testid="stApp"]');
  return [a ? a.getAttribute('data-test-script-state') : null,
          a ? a.getAttribute('data-test-connection-state') : null,
          (window.__gdmRuns || 0) + (window.__gdmMsgs || 0)];
}"""
# Finished: the server answered (a run or a message since the action), the app shows no run,
# and no message came for 250 ms.
IDLE_JS = """([r]) => {
  const a = document.querySelector('[data-testid="stApp"]');
  return (window.__gdmRuns || 0) + (window.__gdmMsgs || 0) > r && a
    && a.getAttribute('data-test-script-state') === 'notRunning' && Date.now() - window.__gdmLast > 250;
}"""
STARTED_JS = "([r]) => (window.__gdmRuns || 0) + (window.__gdmMsgs || 0) > r"
# The controls a student can see now: kind, label, and the index among those of that kind+label.
CONTROLS_JS = """(kinds) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return [];
  const seen = {}, out = [];
  for (const el of main.querySelectorAll(kinds.map(k => `[data-testid="${k}"]`).join(','))) {
    if (!el.offsetParent || el.closest('[hidden]')) continue;
    const kind = el.getAttribute('data-testid');
    const lab = el.querySelector('[data-testid="stWidgetLabel"]');
    // a button's text may start with its icon's name (":material/play_arrow: Train")
    // textContent: a collapsed label is hidden but still there
    const label = (lab ? lab.textContent : (el.innerText || '')).trim().replace(/\\s+/g, ' ').slice(0, 80);
    const k = kind + '|' + label;
    seen[k] = (seen[k] || 0);
    out.push([kind, label, seen[k]]);
    seen[k]++;
  }
  return out;
}"""
@dataclass
class Interaction:
    kind: str            # navigate | tab | a control kind
    label: str
    seconds: float       # from the action to the app idle again
    outcome: str         # done | noop (no script run followed) | timeout | error: ...
    rss_mb: float        # the server's last sampled resident memory
    at: float            # seconds since the class started


@dataclass
class Student:
    index: int
    seed: str
    units: str
    interactions: list[Interaction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    final_seed: str | None = None
    final_units: str | None = None
    pages_seen: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Sampler:
    pid: int
    t0: float
    samples: list[tuple[float, float, float]] = field(default_factory=list)  # (t, rss MB, cpu s)

    def sample(self) -> tuple[float, float, float]:
        p = psutil.Process(self.pid)
        c = p.cpu_times()
        s = (time.time() - self.t0, p.memory_info().rss / 2**20, c.user + c.system)
        self.samples.append(s)
        return s

    @property
    def rss(self) -> float:
        return self.samples[-1][1] if self.samples else float("nan")


class Classroom:
    def __init__(self, base: str, server_pid: int, pages: list, *, sessions: int,
                 pause: tuple[float, float] = (0.8, 2.0), tabs_per_page: int = 2,
                 controls_per_tab: int = 1, arrival: float = 0.3, timeout: float = 180.0,
                 deadline: float = 2400.0, seed: int = 0):
        self.base = base
        self.pages = pages  # gdm_app.ui.PAGES: (file, title, path, icon, heading)
        self.n = sessions
        self.pause = pause
        self.tabs_per_page = tabs_per_page
        self.controls_per_tab = controls_per_tab
        self.arrival = arrival
        self.timeout = timeout
        self.deadline = deadline  # seconds: no student starts an interaction after this
        self.seed = seed
        self.marker = error_marker()
        self.t0 = time.time()
        self.sampler = Sampler(server_pid, self.t0)
        self.students = [Student(i, str(1000 + i), "nats" if i % 2 else "bits")
                         for i in range(sessions)]

    # -- one interaction ------------------------------------------------------------------
    async def _wait_run(self, page, runs0: int, noop_after: float = 12.0) -> str:
        """Wait until a script run started after runs0 and the app is idle again."""
        deadline = time.time() + self.timeout
        try:
            await page.wait_for_function(STARTED_JS, arg=[runs0], polling=100,
                                         timeout=noop_after * 1000)
        except Exception:  # no run started: the action changed nothing, or the app is stuck
            state, conn, runs = await page.evaluate(STATE_JS)
            if runs == runs0 and state == "notRunning" and conn == "CONNECTED":
                return "noop"
        while True:
            left = deadline - time.time()
            if left <= 0:
                state, conn, runs = await page.evaluate(STATE_JS)
                return f"timeout (state {state}, connection {conn})"
            try:
                await page.wait_for_function(IDLE_JS, arg=[runs0], polling=100,
                                             timeout=left * 1000)
            except Exception:
                continue
            runs = (await page.evaluate(STATE_JS))[2]
            await asyncio.sleep(0.3)  # a run may chain another (a rerun, a fragment)
            state, conn, runs2 = await page.evaluate(STATE_JS)
            if state == "notRunning" and runs2 == runs:
                return "done" if conn == "CONNECTED" else f"disconnected ({conn})"

    async def _interact(self, page, student: Student, kind: str, label: str, act) -> str:
        if time.time() - self.t0 > self.deadline:
            raise TimeoutError(f"the class ran past its deadline of {self.deadline:.0f} s")
        runs0 = (await page.evaluate(STATE_JS))[2]
        t = time.time()
        try:
            changed = await act()
        except Exception as exc:  # noqa: BLE001 - a control that vanished under us
            student.interactions.append(Interaction(kind, label, time.time() - t,
                                                    f"skipped: {type(exc).__name__}",
                                                    self.sampler.rss, t - self.t0))
            return "skipped"
        if changed is False:
            return "skipped"
        outcome = await self._wait_run(page, runs0)
        student.interactions.append(Interaction(kind, label, time.time() - t, outcome,
                                                self.sampler.rss, t - self.t0))
        student.problems += await page.evaluate(PROBLEMS_JS, self.marker)
        return outcome

    async def _think(self, rng: random.Random) -> None:
        await asyncio.sleep(rng.uniform(*self.pause))

    # -- controls -----------------------------------------------------------------------
    def _control(self, page, kind: str, label: str, nth: int):
        main = page.locator('[data-testid="stMain"]')
        loc = main.locator(f'[data-testid="{kind}"]:visible')
        if kind == "stButton":
            loc = loc.filter(has_text=label)
        elif label:
            loc = loc.filter(has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
        return loc.nth(nth)

    async def _move(self, page, rng: random.Random, kind: str, label: str, nth: int):
        """Return a coroutine function that moves one control to another value."""
        w = self._control(page, kind, label, nth)

        async def act():
            await w.scroll_into_view_if_needed(timeout=10000)
            if kind in ("stSlider", "stSelectSlider"):
                # Streamlit 1.67 draws a react-aria slider: a visually hidden range input.
                thumb = w.locator('input[type="range"], [role="slider"]').first
                attr = thumb.get_attribute
                now = float(await attr("value") or await attr("aria-valuenow") or 0)
                lo = float(await attr("min") or await attr("aria-valuemin") or 0)
                hi = float(await attr("max") or await attr("aria-valuemax") or 0)
                up = now <= lo or (now < hi and rng.random() < 0.7)
                await thumb.focus()
                await thumb.press("ArrowRight" if up else "ArrowLeft")
            elif kind == "stNumberInput":
                up = w.locator('[data-testid="stNumberInputStepUp"]')
                down = w.locator('[data-testid="stNumberInputStepDown"]')
                order = [up, down] if rng.random() < 0.6 else [down, up]
                for b in order:
                    if await b.count() and await b.is_enabled():
                        await b.click(timeout=10000)
                        return True
                box = w.locator("input")
                await box.focus()
                await box.press("ArrowUp")
                await box.press("Enter")
            elif kind == "stSelectbox":
                opener = w.locator('button[aria-haspopup="listbox"], [role="combobox"]').first
                await opener.click(timeout=10000)
                options = page.locator('[role="option"]')
                await options.first.wait_for(timeout=10000)
                n = await options.count()
                picks = [i for i in range(n)
                         if await options.nth(i).get_attribute("aria-selected") != "true"]
                if not picks:
                    await page.keyboard.press("Escape")
                    return False
                await options.nth(rng.choice(picks)).click(timeout=10000)
            elif kind == "stRadio":
                labels = w.locator('[data-testid="stRadioOption"]')
                n = await labels.count()
                picks = [i for i in range(n)
                         if await labels.nth(i).get_attribute("data-selected") != "true"]
                if not picks:
                    return False
                await labels.nth(rng.choice(picks)).click(timeout=10000)
            elif kind in ("stCheckbox", "stToggle"):
                await w.locator("label").first.click(timeout=10000)
            elif kind in ("stButtonGroup", "stSegmentedControl"):
                buttons = w.locator("button")
                n = await buttons.count()
                picks = [i for i in range(n)
                         if await buttons.nth(i).get_attribute("aria-checked") != "true"
                         and "Active" not in (await buttons.nth(i).get_attribute("data-testid") or "")]
                if not picks:
                    return False
                await buttons.nth(rng.choice(picks)).click(timeout=10000)
            elif kind == "stButton":
                await w.locator("button").first.click(timeout=10000)
            else:
                return False
            return True

        return act

    async def _controls_round(self, page, rng: random.Random, student: Student) -> None:
        for _ in range(self.controls_per_tab):
            found = await page.evaluate(CONTROLS_JS, list(CONTROL_KINDS))
            found = [c for c in found if not (c[0] == "stButton" and SKIP_BUTTONS.search(c[1]))]
            if not found:
                return
            kind, label, nth = rng.choice(found)
            await self._interact(page, student, kind, label,
                                 await self._move(page, rng, kind, label, nth))
            await self._think(rng)

    # -- one student ---------------------------------------------------------------------
    async def _settings(self, page, student: Student) -> None:
        side = page.locator('[data-testid="stSidebar"]')
        seed_box = side.get_by_label("Random seed", exact=True)

        async def set_seed():
            await seed_box.fill(student.seed)
            await seed_box.press("Enter")

        await self._interact(page, student, "settings", "Random seed", set_seed)
        if student.units != "bits":
            async def set_units():
                await side.locator('[data-testid="stRadioOption"]').filter(
                    has_text=student.units).first.click(timeout=10000)

            await self._interact(page, student, "settings", "Units", set_units)

    async def _read_settings(self, page, student: Student) -> None:
        side = page.locator('[data-testid="stSidebar"]')
        student.final_seed = await side.get_by_label("Random seed", exact=True).input_value()
        radio = side.locator('[data-testid="stRadioOption"][data-selected="true"]')
        student.final_units = (await radio.first.inner_text()).strip() if await radio.count() else None

    async def student(self, browser, student: Student) -> None:
        rng = random.Random(self.seed * 1000 + student.index)
        await asyncio.sleep(student.index * self.arrival)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(20000)
        await context.add_init_script(INIT_JS)
        page = await context.new_page()
        try:
            t = time.time()
            await page.goto(self.base + "/", timeout=self.timeout * 1000)
            outcome = await self._wait_run(page, 0, noop_after=self.timeout)
            student.interactions.append(Interaction("navigate", "/", time.time() - t, outcome,
                                                    self.sampler.rss, t - self.t0))
            await self._think(rng)
            await self._settings(page, student)
            start = rng.randrange(len(self.pages))
            order = self.pages[start:] + self.pages[:start]
            if order[0][2] == self.pages[0][2]:  # already there (the address opened on arrival)
                order = order[1:] + order[:1]
            for _, title, path, _, heading in order:
                nav = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)

                async def go(nav=nav):
                    await nav.first.click(timeout=30000)

                await self._interact(page, student, "navigate", path, go)
                h1 = page.locator('[data-testid="stMain"] h1').filter(has_text=heading).first
                try:
                    await h1.wait_for(timeout=30000)
                except Exception:  # noqa: BLE001 - reported, and fails the test
                    shown = page.locator('[data-testid="stMain"] h1')
                    text = (await shown.first.inner_text()).strip() if await shown.count() else ""
                    student.problems.append(f"{path}: heading {text!r}, expected {heading!r}")
                student.pages_seen.append(path)
                await self._think(rng)
                tabs = page.locator('[data-testid="stMain"] [role="tab"]')
                names = [(await tabs.nth(i).inner_text()).strip() for i in range(await tabs.count())]
                visit = [None]  # the tab open on arrival
                if names:
                    others = names[1:]
                    visit += rng.sample(others, min(len(others), max(0, self.tabs_per_page - 1)))
                for name in visit:
                    if name is not None:
                        tab = tabs.filter(has_text=name).first

                        async def open_tab(tab=tab):
                            await tab.click(timeout=30000)

                        await self._interact(page, student, "tab", f"{path}:{name}", open_tab)
                        await self._think(rng)
                    await self._controls_round(page, rng, student)
            await self._read_settings(page, student)
        except Exception as exc:  # noqa: BLE001 - reported, and fails the test
            student.error = f"{type(exc).__name__}: {exc}"[:500]
        finally:
            await context.close()

    # -- the class ------------------------------------------------------------------------
    async def run(self, chromium: str, args: list[str]) -> dict:
        from playwright.async_api import async_playwright

        self.sampler.sample()
        stop = asyncio.Event()

        async def sample():
            while not stop.is_set():
                self.sampler.sample()
                try:
                    await asyncio.wait_for(stop.wait(), 0.5)
                except asyncio.TimeoutError:
                    pass

        sampler = asyncio.create_task(sample())
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium, args=args)
            try:
                await asyncio.gather(*(self.student(browser, s) for s in self.students))
            finally:
                await browser.close()
        await asyncio.sleep(2)  # what the server does once the class has left
        stop.set()
        await sampler
        return self.report()

    def report(self) -> dict:
        s = self.sampler.samples
        inter = [i for st in self.students for i in st.interactions]
        counted = [i for i in inter if not i.outcome.startswith("skipped")]
        done = [i.seconds for i in counted if i.outcome == "done"]
        cpu = s[-1][2] - s[0][2]
        done.sort()

        def q(xs, f):
            return xs[min(len(xs) - 1, int(f * len(xs)))] if xs else float("nan")

        return {
            "sessions": self.n,
            "seconds": s[-1][0],
            "rss_start_mb": s[0][1],
            "rss_peak_mb": max(x[1] for x in s),
            "rss_end_mb": s[-1][1],
            "server_cpu_s": cpu,
            "interactions": len(counted),
            "done": len(done),
            "noop": sum(i.outcome == "noop" for i in counted),
            "skipped": len(inter) - len(counted),
            "unfinished": [asdict(i) for i in counted if i.outcome not in ("done", "noop")],
            "cpu_per_interaction_s": cpu / max(1, len(counted)),
            "latency_median_s": q(done, 0.5),
            "latency_p90_s": q(done, 0.9),
            "latency_max_s": done[-1] if done else float("nan"),
            "problems": [f"student {st.index}: {p}" for st in self.students for p in st.problems],
            "errors": [f"student {st.index}: {st.error}" for st in self.students if st.error],
            "state_kept": {st.index: (st.final_seed, st.final_units) == (st.seed, st.units)
                           for st in self.students},
            "pages_seen": {st.index: st.pages_seen for st in self.students},
            "samples": s,
            "students": [asdict(st) for st in self.students],
        }


def run_class(sessions: int, *, env: dict | None = None, out: Path | None = None,
              **kwargs) -> tuple[dict, str]:
    """Start a fresh server, run a class of ``sessions`` students; return (report, server log)."""
    from gdm_app import ui

    with streamlit_server(env=env) as server:
        room = Classroom(server.base, server.pid, list(ui.PAGES), sessions=sessions, **kwargs)
        report = asyncio.run(room.run(chromium_path(), CHROMIUM_ARGS))
        report["section_errors"] = server.section_errors()
        log = server.log()
    if out:
        out.write_text(json.dumps(report, indent=1, default=str))
    return report, log


def summary(r: dict) -> str:
    return (f"{r['sessions']} sessions, {r['seconds']:.0f} s: {r['interactions']} interactions "
            f"({r['done']} done, {r['noop']} no-op, {len(r['unfinished'])} unfinished, "
            f"{r['skipped']} skipped), latency median {r['latency_median_s']:.2f} s, "
            f"p90 {r['latency_p90_s']:.2f} s, max {r['latency_max_s']:.2f} s; server RSS "
            f"{r['rss_start_mb']:.0f} → peak {r['rss_peak_mb']:.0f} → end {r['rss_end_mb']:.0f} MB; "
            f"server CPU {r['server_cpu_s']:.1f} s = {r['cpu_per_interaction_s'] * 1000:.0f} ms "
            "per interaction")
