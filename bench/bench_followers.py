"""What a live class costs the server: one teacher and N students following a lesson room.

    python bench/bench_followers.py                  # 40 students, 10 moves, 30 s on each step
    python bench/bench_followers.py --students 3 --steps 2 --step-seconds 5   # quick (< 1 min)
    python bench/bench_followers.py --views          # the lecture on the views (below)

No browser: each participant is a websocket client speaking Streamlit's protocol to a real
``streamlit run app.py`` (``harness.server.streamlit_server``; ``GDM_ROOM_IDLE_SECONDS`` as the
environment has it): forty Chromium contexts would starve the 2-core server they measure.

The teacher opens ``/lesson``, presses "Start a class" (``lesson_start``) and reads the room
code from the student link; students open ``/lesson?room=CODE`` ``--arrival`` s apart. Once all
show step 1 the class starts (t0). A screen is (page, step): the card (page ``lesson``, caption
"Step N of M") or a view page (the lesson bar's markdown "Lesson · step N of M", a student's
after "Following the class · "). Cards (default): Next (``lesson_next``) ``--steps`` times from
t0 + ``--step-seconds``; students' ``student_live`` fragment (1 s poll) reruns the page on the
new step. ``--views`` (``gdm_app/sections/lesson/bar.py``): "Show the view" (``lesson_view``)
at t0 opens the step's page with the lesson bar, then ``--steps`` times Next (the bar's: the
next step's view, or first its card if it asks a question; a card's in views mode: its view);
students' bar ``_follow`` fragment or card ``student_live`` switch page (``st.switch_page``).
Presses are ``--step-seconds`` apart, then one more dwell. Per move: the key, the screen landed
on (the teacher's URL), each student's delay from the press to drawing that screen (p50, max).
Also: server CPU (``/proc/PID/stat``) as cores over the class (target <= 0.25 for 40), while
joining and in the busiest 5 s; RSS (sampled) and VmHWM; errors (:meth:`Tab.error`); traffic.

The protocol, as Streamlit 1.67 speaks it (``site-packages/streamlit``)
------------------------------------------------------------------------
``/_stcore/stream`` takes the subprotocol ``streamlit`` (a new session), then binary frames:
``BackMsg``s in, ``ForwardMsg``s out. ``BackMsg.rerun_script`` is a ``ClientState``: the query
string, widget states, the page (``page_script_hash``, or ``page_name`` = the URL path before the
client knows it), ``fragment_id`` + ``is_auto_rerun`` for one fragment, ``cached_message_hashes``
(then sent as ``ref_hash``). A run opens with ``new_session`` (its page's hash; ``fragment_ids``
empty for a full run) and ends with ``script_finished``; ``navigation`` lists the pages (hash,
``url_pathname``) and names the current one; ``page_info_changed`` carries the query string the
script set (``st.switch_page`` sets its ``query_params``); ``auto_rerun`` asks for a fragment
every ``interval`` s, ``stop_auto_rerun`` stops some.

:class:`Tab` does what the frontend does (``frontend/app/src/App.tsx``): each rerun sends the
page, the query string and a ``context_info``; a full run's ``new_session`` and ``navigation``
put the tab on the page run (later reruns and fragment timers go there, as after a browser's
page switch) and clear the timers and drawn buttons; ``page_info_changed`` sets the query;
``auto_rerun`` starts a ``setInterval`` per fragment (kept for the same id and interval) that
reruns it, run in progress or not; a press is a rerun with ``trigger_value`` for the button's
id (a keyed element's id ends with ``-<key>``); ``metadata.cacheable`` messages are kept by hash
(aged by runs). Unlike a browser, a client sends only the widget states it set (the server keeps
the others' last values), fetches no static or media file, and sends no websocket pings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streamlit.proto.Alert_pb2 import Alert  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402  (a Streamlit dependency)
from websockets.exceptions import ConnectionClosed  # noqa: E402
from websockets.typing import Origin, Subprotocol  # noqa: E402

from harness.server import streamlit_server  # noqa: E402
from server_meter import Sampler, memory_mb  # noqa: E402

TARGET_CORES = 0.25               # for 40 followers
STEP_RE = re.compile(r"^Step (\d+) of (\d+)\b")          # card.header's caption
BAR_RE = re.compile(r"Lesson · step (\d+) of (\d+)\b")   # bar.show's markdown (a view page)
ROOM_RE = re.compile(r"lesson\?room=([A-Z2-9]{6})\b")    # live.teacher_panel's student link
JOINED_RE = re.compile(r"^(\d+) student\(s\) in the class")  # live.teacher_live's caption
START_KEY, NEXT_KEY = "lesson_start", "lesson_next"      # live.start_button, card.navigation
VIEW_KEY, CARD = "lesson_view", "lesson"                   # card.header's "Show the view"; its page
FINISHED = ForwardMsg.ScriptFinishedStatus


# --- one browser tab, emulated ------------------------------------------------------------------

class Tab:
    """A browser tab on one page, driven as Streamlit's frontend drives it (module docstring).
    Read: ``seen`` (screen (page path, step) -> when it was drawn), ``shown`` (the last screen
    drawn), ``room_code``, ``class_size``, ``buttons`` (key -> widget id), ``disabled``,
    ``errors`` and the counters."""

    def __init__(self, name: str, base: str, url_path: str, query: str = ""):
        self.name, self.base, self.query, self.page_hash = name, base, query, ""
        self.url_path = url_path           # sent as page_name until the page's hash is known
        self.ws, self.closing = None, False
        self.running = False               # a full run started and has not finished
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}   # fragment id -> (interval, task)
        self.cache: dict[str, list] = {}   # hash -> [ForwardMsg, run count when last used]
        self.max_cache_age, self.run_count = 2, 0
        self.pages: dict[str, str] = {}    # page hash -> url path (from ``navigation``)
        self.buttons: dict[str, str] = {}
        self.disabled: set[str] = set()
        self.sliders: dict[str, object] = {}   # widget id -> its Slider proto (numeric, enabled)
        self.seen: dict[tuple[str, int], list[float]] = {}
        self.shown: tuple[str, int] | None = None
        self.step_total: int | None = None
        self.room_code: str | None = None
        self.class_size: int | None = None  # students in the room, as the teacher's page says
        self.errors: list[str] = []
        self.warnings: list[str] | None = None   # a list: warning alerts kept apart, not errors
        self.full_runs = self.fragment_runs = self.reruns_sent = 0
        self.messages = self.bytes_in = 0
        self._changed = asyncio.Event()
        self._reader: asyncio.Task | None = None

    # -- connection ------------------------------------------------------------------------------

    async def open(self) -> None:
        ws_url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.ws = await connect(ws_url, subprotocols=[Subprotocol("streamlit")],
                                origin=Origin(self.base), max_size=None, ping_interval=None)
        self._reader = asyncio.create_task(self._read(), name=f"read-{self.name}")

    async def close(self) -> None:
        self.closing = True
        self._cancel_timers(list(self.timers))
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    def error(self, what: str) -> None:
        """Something a participant would see go wrong (an exception, an error alert...)."""
        self.errors.append(f"{self.name}: {what}")

    # -- BackMsgs --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{self.base}/{self.url_path}" + (f"?{self.query}" if self.query else "")

    async def rerun(self, fragment_id: str = "", auto: bool = False,
                    triggers: tuple[str, ...] = (), values: dict | None = None) -> None:
        """``sendRerunBackMsg``: the page (by hash once known, else by name), the query string,
        the widget states (here: the button triggers), the cached hashes, the browser context."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_script_hash = self.query, self.page_hash
        state.page_name = "" if self.page_hash else self.url_path
        state.fragment_id, state.is_auto_rerun = fragment_id, auto
        state.widget_states.SetInParent()
        for widget_id in triggers:
            state.widget_states.widgets.add(id=widget_id, trigger_value=True)
        for widget_id, value in (values or {}).items():   # a slider: its value(s), as doubles
            state.widget_states.widgets.add(id=widget_id).double_array_value.data.extend(value)
        state.cached_message_hashes.extend(self.cache)
        ctx = state.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "UTC", 0, "en-US"
        ctx.url, ctx.is_embedded, ctx.color_scheme = self.url, False, "light"
        try:
            await self.ws.send(msg.SerializeToString())
            self.reruns_sent += 1
        except ConnectionClosed:
            if not self.closing:
                self.error("websocket closed early (while sending)")

    async def press(self, key: str) -> None:
        """Click the button whose key is ``key`` (as last drawn)."""
        await self.rerun(triggers=(self.buttons[key],))

    # -- ForwardMsgs -----------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.messages += 1
                self.bytes_in += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self.handle(msg)
        except ConnectionClosed:
            pass
        except Exception as exc:  # noqa: BLE001 - a message this client mishandles: say so
            self.error(f"client error: {exc!r}")
        if not self.closing:
            self.error("websocket closed early (by the server)")
        self._notify()

    def handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            msg = self._from_cache(msg)
            if msg is None:
                return
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = [msg, self.run_count]
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(msg)
        self._notify()

    def _from_cache(self, ref: ForwardMsg) -> ForwardMsg | None:
        entry = self.cache.get(ref.ref_hash)
        if entry is None:
            self.error(f"reference to a message never received ({ref.ref_hash})")
            return None
        entry[1] = self.run_count
        msg = ForwardMsg()
        msg.CopyFrom(entry[0])
        msg.metadata.CopyFrom(ref.metadata)
        return msg

    def _on_new_session(self, msg: ForwardMsg) -> None:
        if msg.new_session.config.max_cached_message_age:
            self.max_cache_age = msg.new_session.config.max_cached_message_age
        if msg.metadata.run.fragment_ids:
            self.fragment_runs += 1
            return
        self.full_runs += 1
        self.running = True
        self._go(msg.new_session.page_script_hash)
        self.buttons, self.disabled, self.sliders = {}, set(), {}   # a full run draws anew
        self._cancel_timers(list(self.timers))   # cleanupAutoReruns

    def _on_navigation(self, msg: ForwardMsg) -> None:
        self.pages = {p.page_script_hash: p.url_pathname for p in msg.navigation.app_pages}
        self._go(msg.navigation.page_script_hash)

    def _go(self, page_hash: str) -> None:
        """The tab is on this page now (a switch_page or a followed move: the URL changes)."""
        if page_hash:
            self.page_hash = page_hash
            self.url_path = self.pages.get(page_hash, self.url_path)

    def _on_page_info_changed(self, msg: ForwardMsg) -> None:
        self.query = msg.page_info_changed.query_string

    def _on_page_not_found(self, msg: ForwardMsg) -> None:
        self.error(f"page not found: {msg.page_not_found.page_name!r}")

    def _on_session_event(self, msg: ForwardMsg) -> None:
        if msg.session_event.HasField("script_compilation_exception"):
            self.error(f"compile error: {msg.session_event.script_compilation_exception.message}")

    def _on_script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
            self.error("the script did not compile")
        if status in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR):
            self.running = False
            self.run_count += 1
            self.cache = {h: e for h, e in self.cache.items()
                          if self.run_count - e[1] <= self.max_cache_age}

    def _on_auto_rerun(self, msg: ForwardMsg) -> None:
        fragment_id, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
        if not fragment_id or interval <= 0:
            return
        current = self.timers.get(fragment_id)
        if current is not None and current[0] == interval:
            return                                  # the same timer keeps its countdown
        self._cancel_timers([fragment_id])
        task = asyncio.create_task(self._every(fragment_id, interval),
                                   name=f"auto-rerun-{self.name}")
        self.timers[fragment_id] = (interval, task)

    def _on_stop_auto_rerun(self, msg: ForwardMsg) -> None:
        self._cancel_timers(list(msg.stop_auto_rerun.fragment_ids))

    def _on_delta(self, msg: ForwardMsg) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.error(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif kind == "alert" and element.alert.format in (Alert.ERROR, Alert.WARNING):
            if element.alert.format == Alert.WARNING and self.warnings is not None:
                self.warnings.append(element.alert.body[:200])
            else:
                self.error(f"alert: {element.alert.body[:200]}")
        elif kind == "button" and "-" in element.button.id:
            key = element.button.id.rsplit("-", 1)[1]
            self.buttons[key] = element.button.id
            (self.disabled.add if element.button.disabled else self.disabled.discard)(key)
        elif kind == "slider" and not element.slider.options and not element.slider.disabled:
            self.sliders[element.slider.id] = element.slider   # a numeric slider (not a date)
        if kind in ("markdown", "heading", "text", "alert"):   # captions are markdown
            self._read_text(getattr(element, kind).body)

    def _read_text(self, text: str) -> None:
        step = STEP_RE.match(text) if self.url_path == CARD else BAR_RE.search(text)
        if step:
            self.shown, self.step_total = (self.url_path, int(step.group(1))), int(step.group(2))
            self.seen.setdefault(self.shown, []).append(time.monotonic())
        if room := ROOM_RE.search(text):
            self.room_code = room.group(1)
        if joined := JOINED_RE.match(text):
            self.class_size = int(joined.group(1))

    # -- the fragment timers (setInterval) -------------------------------------------------------

    async def _every(self, fragment_id: str, interval: float) -> None:
        due = time.monotonic() + interval
        while True:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            due += interval
            await self.rerun(fragment_id=fragment_id, auto=True)

    def _cancel_timers(self, fragment_ids: list[str]) -> None:
        for fragment_id in fragment_ids:
            if (entry := self.timers.pop(fragment_id, None)) is not None:
                entry[1].cancel()

    # -- waiting ---------------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def until(self, done, timeout: float, what: str) -> bool:
        """Wait until ``done()`` holds (checked after every message); False (and an error) if
        ``timeout`` seconds pass first or the websocket closes."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0 or (self._reader is not None and self._reader.done()):
                self.error(f"timed out waiting for {what}")
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass
        return True

    def idle(self) -> bool:
        return self.full_runs > 0 and not self.running


# --- the class ----------------------------------------------------------------------------------

async def start_class(teacher: Tab, timeout: float) -> str | None:
    """The teacher opens /lesson and presses "Start a class"; returns the room code."""
    await teacher.open()
    await teacher.rerun()
    if not await teacher.until(lambda: teacher.idle() and START_KEY in teacher.buttons,
                               timeout, "the 'Start a class' button"):
        return None
    await teacher.press(START_KEY)
    if not await teacher.until(lambda: teacher.room_code is not None, timeout,
                               "the student link"):
        return None
    return teacher.room_code


async def students_join(base: str, code: str, n: int, arrival: float,
                        timeout: float) -> list[Tab]:
    """N students open /lesson?room=CODE, ``arrival`` seconds apart; wait until all show step 1."""
    students = []
    for i in range(n):
        tab = Tab(f"student-{i + 1}", base, "lesson", f"room={code}")
        await tab.open()
        await tab.rerun()
        students.append(tab)
        await asyncio.sleep(arrival)
    await asyncio.gather(*(s.until(lambda s=s: (CARD, 1) in s.seen, timeout, "step 1")
                           for s in students))
    return students


def where(screen: tuple[str, int] | None) -> str:
    return "?" if screen is None else (f"card {screen[1]}" if screen[0] == CARD
                                       else f"view {screen[1]} (/{screen[0]})")


def first_after(tab: Tab, screen, t: float) -> float | None:
    return next((at for at in tab.seen.get(screen, []) if at >= t), None)


async def teach(teacher: Tab, args, t0: float) -> list[dict]:
    """The presses (module docstring); each move: key, press time, screens before and after,
    the teacher's URL there."""
    keys, moves = [VIEW_KEY] * args.views + [NEXT_KEY] * args.steps, []
    for i, key in enumerate(keys):
        await asyncio.sleep(max(0.0, t0 + (i + 1 - args.views) * args.step_seconds
                                - time.monotonic()))
        if not await teacher.until(lambda: teacher.idle() and key in teacher.buttons
                                   and key not in teacher.disabled, args.timeout,
                                   f"the teacher's {key!r} button"):
            break
        before, pressed = teacher.shown, time.monotonic()
        await teacher.press(key)
        if not await teacher.until(lambda: teacher.shown != before and teacher.idle(),
                                   args.timeout, f"the teacher's screen after {key!r}"):
            break
        moves.append({"key": key, "pressed": pressed, "from": before, "to": teacher.shown,
                      "url": "/" + teacher.url.split("/", 3)[3]})
    await asyncio.sleep(max(0.0, t0 + (len(keys) + 1 - args.views) * args.step_seconds
                            - time.monotonic()))
    return moves


def latencies(teacher: Tab, students: list[Tab], moves: list[dict]) -> tuple[list[dict], list]:
    """Per move: each student's delay from the press to drawing the screen the teacher landed
    on (a student that never drew it is an error), and the teacher's own."""
    by_move, everything = [], []
    for i, m in enumerate(moves, 1):
        seen = []
        for s in students:
            at = first_after(s, m["to"], m["pressed"])
            if at is None:
                s.error(f"move {i}: did not show {where(m['to'])}")
            else:
                seen.append(at - m["pressed"])
        everything += seen
        mine = first_after(teacher, m["to"], m["pressed"])
        by_move.append({"move": i, "pressed": m["key"], "from": where(m["from"]),
                        "to": where(m["to"]), "landed_on": m["url"], "seen_by": len(seen),
                        "p50_s": round(statistics.median(seen), 3) if seen else None,
                        "max_s": round(max(seen), 3) if seen else None,
                        "teacher_s": round(mine - m["pressed"], 3) if mine else None})
    return by_move, everything


async def run(base: str, pid: int, args) -> dict:
    """The whole class on a running server; the report (see :func:`main`)."""
    sampler = Sampler(pid, args.sample_seconds)
    marks = {"start": sampler.sample()}          # named samples: start, open, class, end
    sampling = asyncio.create_task(sampler.run())
    own_cpu0, load0 = time.process_time(), os.getloadavg()[0]
    teacher, students, moves = Tab("teacher", base, "lesson"), [], []
    try:
        code = await start_class(teacher, args.timeout)
        marks["open"] = sampler.sample()
        if code:
            students = await students_join(base, code, args.students, args.arrival, args.timeout)
            marks["class"] = sampler.sample()
            if args.steps + 1 > (teacher.step_total or 0):
                teacher.error(f"--steps {args.steps}: the lesson has only "
                              f"{teacher.step_total} steps")
            else:
                moves = await teach(teacher, args, marks["class"][0])
        marks["end"] = sampler.sample()
        memory = memory_mb(pid)
    finally:
        sampling.cancel()
        await asyncio.gather(*(tab.close() for tab in [teacher, *students]),
                             return_exceptions=True)
    by_move, delays = latencies(teacher, students, moves)
    same_url = sum(s.url.split("/", 3)[3] == teacher.url.split("/", 3)[3] for s in students)
    if moves and teacher.class_size != len(students):
        teacher.error(f"the room holds {teacher.class_size} students, not {len(students)}")
    tabs = [teacher, *students]
    errors = [e for tab in tabs for e in tab.errors]
    t0 = marks["start"][0]
    return {
        "students": args.students, "steps": args.steps, "step_seconds": args.step_seconds,
        "mode": "views" if args.views else "cards", "moves": len(moves),
        "students_on_teacher_url_at_end": same_url,
        "teacher": "websocket client (Streamlit protocol)", "room": teacher.room_code,
        "students_in_room": teacher.class_size,
        "server": server_figures(sampler, marks, memory) if moves else None,
        "target_cores": TARGET_CORES,
        "latency_s": {
            "p50": round(statistics.median(delays), 3) if delays else None,
            "max": round(max(delays), 3) if delays else None,
            "by_move": by_move,
        },
        "errors": errors,
        "traffic": {name: sum(getattr(t, attr) for t in tabs) for name, attr in [
            ("reruns_sent", "reruns_sent"), ("full_runs", "full_runs"),
            ("fragment_runs", "fragment_runs"), ("messages_received", "messages"),
            ("bytes_received", "bytes_in")]},
        "bench_process_cpu_cores": round((time.process_time() - own_cpu0)
                                         / (marks["end"][0] - t0), 3),
        "load_average_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "samples_t_cpu_rss": [(round(t - t0, 2), round(c, 3), round(r, 1))
                              for t, c, r in sampler.samples],
    }


def server_figures(sampler: Sampler, marks: dict, memory: dict) -> dict:
    """CPU as cores (CPU s / wall s) over the class, joining, the busiest 5 s; memory."""
    (t_open, cpu_open, _), (t_class, cpu_class, _), (t_end, cpu_end, _) = (
        marks["open"], marks["class"], marks["end"])
    cores = (cpu_end - cpu_class) / (t_end - t_class)
    return {
        "class_seconds": round(t_end - t_class, 1),
        "cpu_seconds_class": round(cpu_end - cpu_class, 2),
        "cpu_cores_class": round(cores, 4),
        "within_target": bool(cores <= TARGET_CORES),
        "cpu_cores_joining": round((cpu_class - cpu_open) / max(t_class - t_open, 1e-9), 4),
        "joining_seconds": round(t_class - t_open, 1),
        "cpu_cores_busiest_5s": round(sampler.busiest(t_class, t_end), 4),
        "rss_start_mb": round(marks["start"][2], 1),
        "rss_peak_class_mb": round(sampler.peak_rss(t_class, t_end), 1),
        "rss_end_mb": round(memory["VmRSS"], 1),
        "rss_hwm_mb": round(memory["VmHWM"], 1),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--steps", type=int, default=10, help="presses of Next (from step 1)")
    ap.add_argument("--views", action="store_true", help="the lecture on the views: 'Show the "
                    "view' at the start, then Next on the views (and cards) [default: cards]")
    ap.add_argument("--step-seconds", type=float, default=30.0, help="time on each step")
    ap.add_argument("--arrival", type=float, default=0.25, help="seconds between arrivals")
    ap.add_argument("--sample-seconds", type=float, default=1.0, help="server sampling period")
    ap.add_argument("--timeout", type=float, default=120.0, help="the longest wait for a page")
    ap.add_argument("--out", type=Path, help="also write the JSON report (with samples) here")
    args = ap.parse_args(argv)
    if args.students < 1 or args.steps < 1 or args.step_seconds <= 0:
        ap.error("--students and --steps must be >= 1, --step-seconds > 0")
    with streamlit_server() as server:
        report = asyncio.run(run(server.base, server.pid, args))
        report["errors"] += [f"server: section error {e}" for e in server.section_errors()]
        report["errors"] += [f"server log: {line[:200]}" for line in server.log().splitlines()
                             if "Traceback" in line or "ERROR" in line]
    report["errors_count"] = len(report["errors"])
    report["machine"] = {"node": platform.node(), "cores": os.cpu_count(),
                         "python": platform.python_version(),
                         "GDM_ROOM_IDLE_SECONDS": os.environ.get("GDM_ROOM_IDLE_SECONDS")}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1))
    print(json.dumps({k: v for k, v in report.items() if k != "samples_t_cpu_rss"}, indent=1))
    print(headline(report, args))
    return 1 if report["errors_count"] or not report["server"] else 0


def headline(report: dict, args) -> str:
    s, lat = report["server"], report["latency_s"]
    if not s:
        return f"\nThe class did not run: {report['errors_count']} error(s)."
    return (f"\n{args.students} followers, {report['moves']} moves on the "
            f"{report['mode']}, {args.step_seconds:g} s a step: "
            f"server {s['cpu_cores_class']:.3f} cores over the class (target <= {TARGET_CORES}), "
            f"busiest 5 s {s['cpu_cores_busiest_5s']:.2f}; RSS {s['rss_start_mb']:.0f} MB at "
            f"start, {s['rss_hwm_mb']:.0f} MB peak, {s['rss_end_mb']:.0f} MB at the end; a move "
            f"seen after p50 {lat['p50']} s, max {lat['max']} s; "
            f"{report['errors_count']} error(s).")


if __name__ == "__main__":
    sys.exit(main())
