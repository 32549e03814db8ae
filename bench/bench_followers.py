"""What a live class costs the server: one teacher and N students following a lesson room.

    python bench/bench_followers.py                  # 40 students, 10 moves, 30 s on each step
    python bench/bench_followers.py --students 3 --steps 2 --step-seconds 5   # quick (< 1 min)
    python bench/bench_followers.py --out /tmp/followers.json      # also the JSON with samples

No browser: every participant is a websocket client that speaks Streamlit's own protocol to a
real ``streamlit run app.py`` (``harness.server.streamlit_server``: 127.0.0.1, a free port,
headless; ``GDM_ROOM_IDLE_SECONDS`` left as the environment has it). Forty Chromium contexts on
a 2-core machine starve the server they measure; a protocol client makes the server do what a
browser makes it do (the same BackMsgs, script runs and ForwardMsgs) and costs next to nothing.

The class
---------
The teacher is a client too: it opens ``/lesson``, presses "Start a class" (key
``lesson_start``, ``gdm_app/sections/lesson/live.py``) and reads the room code from the student
link the page then shows (``…lesson?room=CODE``). The students open ``/lesson?room=CODE``,
``--arrival`` seconds apart; their ``student_live`` fragment polls the room every second
(``run_every``). Once every student shows step 1 the class starts: the teacher stays
``--step-seconds`` on each step, presses "Next" (key ``lesson_next``) ``--steps`` times and
stays as long on the last step. A student sees a move when its fragment finds the room on a new
step and reruns the page (``st.rerun(scope="app")``): the counter caption "Step N of M"
(``card.header``) arrives in a delta, and its delay is taken from the teacher's press.

Measured: the server's CPU time (``/proc/PID/stat`` utime + stime) as cores used over the class
(target <= 0.25 core for 40 followers), while the students joined, and in the busiest 5 s; its
memory (``/proc/PID/status``: VmRSS sampled, VmHWM the peak since start); each student's delay
for each move (p50, max); errors (:meth:`Tab.error`); the traffic; this process's own CPU.

The protocol, as Streamlit 1.67 speaks it (``site-packages/streamlit``)
------------------------------------------------------------------------
- ``web/server/starlette/starlette_websocket.py``: ``/_stcore/stream`` takes the subprotocols
  ``streamlit[, xsrf token[, session id]]`` (we send ``streamlit``: no auth cookie, a new
  session), then binary frames, each a serialized ``BackMsg``; it sends ``ForwardMsg``s back.
- ``runtime/app_session.py`` (``request_rerun``): ``BackMsg.rerun_script`` is a
  ``ClientState`` (``proto/ClientState.proto``): ``query_string``, ``widget_states``, and
  ``page_script_hash`` or, before the client knows it, ``page_name`` = the URL path (matched to
  an ``st.Page``'s ``url_pathname`` in ``runtime/pages_manager.py``); ``fragment_id`` and
  ``is_auto_rerun`` rerun one fragment; ``cached_message_hashes`` lists the messages the client
  keeps, which the server then sends as ``ref_hash`` (``runtime/forward_msg_cache.py``).
- Every run opens with ``new_session`` and closes with ``script_finished``; their
  ``metadata.run.fragment_ids`` is empty for a full run. ``navigation`` gives the page's hash
  (``commands/navigation.py``), ``page_info_changed`` the query string the script set (the
  lesson writes ``step=N``), ``auto_rerun`` (``proto/AutoRerun.proto``) a fragment to rerun
  every ``interval`` seconds, ``stop_auto_rerun`` fragments to stop.

:class:`Tab` does what the frontend does (``frontend/app/src/App.tsx`` in streamlit/streamlit:
``sendRerunBackMsg``, ``handleNewSession``, ``handleAutoRerun``, ``cleanupAutoReruns``,
``handleStopAutoRerun``, ``handlePageInfoChanged``):

- the first rerun names the page (``page_name`` ``lesson``, empty hash), later ones send the
  hash; each sends the current query string (the URL's, then the last ``page_info_changed``)
  and a ``context_info`` (time zone, locale, URL, colour scheme);
- ``auto_rerun`` starts a ``setInterval`` per fragment id that sends ``rerun_script`` with the
  ``fragment_id`` and ``is_auto_rerun`` every ``interval`` s, run in progress or not; the same
  id and interval again keeps the timer; a full run's ``new_session`` clears all timers (its
  ``auto_rerun`` starts them again); ``stop_auto_rerun`` clears those it names;
- a button press is one rerun with ``trigger_value`` for the button's widget id, read from the
  button element (a keyed element's id ends with ``-<key>``: ``elements/lib/utils.py``);
- ``metadata.cacheable`` messages are kept by hash (aged by full runs,
  ``max_cached_message_age``) and listed in ``cached_message_hashes``; ``ref_hash`` ones are
  replaced by the kept message.

Unlike a browser, a client sends only the widget states it set (button triggers), not every
widget's value (the server keeps the last value of a widget not sent:
``SessionState._compact_state``; only buttons change here), fetches no static or media file
(the QR code) nor ``/_stcore/health``, and sends no websocket pings (it answers them).
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.Alert_pb2 import Alert  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402  (a Streamlit dependency)
from websockets.exceptions import ConnectionClosed  # noqa: E402
from websockets.typing import Origin, Subprotocol  # noqa: E402

from harness.server import streamlit_server  # noqa: E402

TARGET_CORES = 0.25               # for 40 followers
STEP_RE = re.compile(r"^Step (\d+) of (\d+)\b")          # card.header's caption
ROOM_RE = re.compile(r"lesson\?room=([A-Z2-9]{6})\b")    # live.teacher_panel's student link
JOINED_RE = re.compile(r"^(\d+) student\(s\) in the class")  # live.teacher_live's caption
START_KEY, NEXT_KEY = "lesson_start", "lesson_next"      # live.start_button, card.navigation
CLK_TCK = os.sysconf("SC_CLK_TCK")
FINISHED = ForwardMsg.ScriptFinishedStatus


# --- the server process, from /proc -------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` in seconds (``/proc/PID/stat`` fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()   # from field 3 (state) on
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of ``pid``, in MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


@dataclass
class Sampler:
    """The server's CPU time and memory every ``every`` seconds, on the event loop."""

    pid: int
    every: float = 1.0
    samples: list[tuple[float, float, float]] = field(default_factory=list)  # (t, cpu s, rss MB)

    def sample(self) -> tuple[float, float, float]:
        s = (time.monotonic(), cpu_seconds(self.pid), memory_mb(self.pid)["VmRSS"])
        self.samples.append(s)
        return s

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)

    def busiest(self, t0: float, t1: float, window: float = 5.0) -> float:
        """The most cores used over any ``window`` seconds between t0 and t1."""
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        best, j = 0.0, 0
        for i in range(len(inside)):
            while inside[i][0] - inside[j][0] > window:
                j += 1
            if inside[i][0] - inside[j][0] >= window * 0.8:
                best = max(best, (inside[i][1] - inside[j][1]) / (inside[i][0] - inside[j][0]))
        return best

    def peak_rss(self, t0: float, t1: float) -> float:
        return max((s[2] for s in self.samples if t0 <= s[0] <= t1), default=float("nan"))


# --- one browser tab, emulated ------------------------------------------------------------------

class Tab:
    """A browser tab on one page, driven as Streamlit's frontend drives it (module docstring).
    Read: ``steps_seen`` (step -> when its counter first came), ``room_code``, ``class_size``,
    ``buttons`` (key -> widget id), ``errors`` and the counters."""

    def __init__(self, name: str, base: str, url_path: str, query: str = ""):
        self.name = name
        self.base = base
        self.url_path = url_path           # sent as page_name until the page's hash is known
        self.page_hash = ""
        self.query = query
        self.ws = None
        self.closing = False
        self.running = False               # a full run started and has not finished
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}   # fragment id -> (interval, task)
        self.cache: dict[str, list] = {}   # hash -> [ForwardMsg, run count when last used]
        self.max_cache_age = 2
        self.run_count = 0
        self.buttons: dict[str, str] = {}
        self.steps_seen: dict[int, float] = {}
        self.step_total: int | None = None
        self.room_code: str | None = None
        self.class_size: int | None = None  # students in the room, as the teacher's page says
        self.errors: list[str] = []
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
        """Something a student or the teacher would see go wrong: an exception element, an
        error or warning alert, a page not found, a compile error, a reference to a message
        never received, the websocket closed by the server, a step not seen."""
        self.errors.append(f"{self.name}: {what}")

    # -- BackMsgs --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{self.base}/{self.url_path}" + (f"?{self.query}" if self.query else "")

    async def rerun(self, fragment_id: str = "", auto: bool = False,
                    triggers: tuple[str, ...] = ()) -> None:
        """``sendRerunBackMsg``: the page (by hash once known, else by name), the query string,
        the widget states (here: the button triggers), the cached hashes, the browser context."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.url_path
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.widget_states.SetInParent()
        for widget_id in triggers:
            state.widget_states.widgets.add(id=widget_id, trigger_value=True)
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
        if not self.page_hash and msg.new_session.page_script_hash:
            self.page_hash = msg.new_session.page_script_hash
        if msg.metadata.run.fragment_ids:
            self.fragment_runs += 1
            return
        self.full_runs += 1
        self.running = True
        self._cancel_timers(list(self.timers))   # cleanupAutoReruns

    def _on_navigation(self, msg: ForwardMsg) -> None:
        if msg.navigation.page_script_hash:
            self.page_hash = msg.navigation.page_script_hash

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
            self.error(f"alert: {element.alert.body[:200]}")
        elif kind == "button" and "-" in element.button.id:
            self.buttons[element.button.id.rsplit("-", 1)[1]] = element.button.id
        if kind in ("markdown", "heading", "text", "alert"):   # captions are markdown
            self._read_text(getattr(element, kind).body)

    def _read_text(self, text: str) -> None:
        step = STEP_RE.match(text)
        if step:
            n, self.step_total = int(step.group(1)), int(step.group(2))
            self.steps_seen.setdefault(n, time.monotonic())
        room = ROOM_RE.search(text)
        if room:
            self.room_code = room.group(1)
        joined = JOINED_RE.match(text)
        if joined:
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
            entry = self.timers.pop(fragment_id, None)
            if entry is not None:
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
    await asyncio.gather(*(s.until(lambda s=s: 1 in s.steps_seen, timeout, "step 1")
                           for s in students))
    return students


async def teach(teacher: Tab, steps: int, step_seconds: float, t0: float,
                timeout: float) -> list[tuple[int, float]]:
    """``steps`` presses of Next, one every ``step_seconds`` after t0, then one more dwell;
    returns (step, monotonic time of the press) for each move."""
    moves = []
    for k in range(1, steps + 1):
        await asyncio.sleep(max(0.0, t0 + k * step_seconds - time.monotonic()))
        await teacher.until(lambda: teacher.idle() and NEXT_KEY in teacher.buttons, timeout,
                            "the teacher's page to be idle")
        moves.append((1 + k, time.monotonic()))
        await teacher.press(NEXT_KEY)
    await asyncio.sleep(max(0.0, t0 + (steps + 1) * step_seconds - time.monotonic()))
    return moves


def latencies(teacher: Tab, students: list[Tab],
              moves: list[tuple[int, float]]) -> tuple[list[dict], list[float]]:
    """Per move: each student's delay from the press to its page showing the step (a student
    that never showed it is an error), and the teacher's own."""
    by_step, everything = [], []
    for step, pressed in moves:
        seen = [at - pressed for s in students
                if (at := s.steps_seen.get(step)) is not None and at >= pressed]
        for s in students:
            if s.steps_seen.get(step, -1.0) < pressed:
                s.error(f"did not see step {step}")
        everything += seen
        mine = teacher.steps_seen.get(step)
        by_step.append({"step": step, "seen_by": len(seen),
                        "p50_s": round(statistics.median(seen), 3) if seen else None,
                        "max_s": round(max(seen), 3) if seen else None,
                        "teacher_s": round(mine - pressed, 3) if mine else None})
    return by_step, everything


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
                moves = await teach(teacher, args.steps, args.step_seconds, marks["class"][0],
                                    args.timeout)
        marks["end"] = sampler.sample()
        memory = memory_mb(pid)
    finally:
        sampling.cancel()
        await asyncio.gather(*(tab.close() for tab in [teacher, *students]),
                             return_exceptions=True)
    by_step, delays = latencies(teacher, students, moves)
    if moves and teacher.class_size != len(students):
        teacher.error(f"the room holds {teacher.class_size} students, not {len(students)}")
    tabs = [teacher, *students]
    errors = [e for tab in tabs for e in tab.errors]
    t0 = marks["start"][0]
    return {
        "students": args.students, "steps": args.steps, "step_seconds": args.step_seconds,
        "teacher": "websocket client (Streamlit protocol)", "room": teacher.room_code,
        "students_in_room": teacher.class_size,
        "server": server_figures(sampler, marks, memory) if moves else None,
        "target_cores": TARGET_CORES,
        "latency_s": {
            "p50": round(statistics.median(delays), 3) if delays else None,
            "max": round(max(delays), 3) if delays else None,
            "by_step": by_step,
        },
        "errors": errors,
        "traffic": {
            "reruns_sent": sum(t.reruns_sent for t in tabs),
            "full_runs": sum(t.full_runs for t in tabs),
            "fragment_runs": sum(t.fragment_runs for t in tabs),
            "messages_received": sum(t.messages for t in tabs),
            "bytes_received": sum(t.bytes_in for t in tabs),
        },
        "bench_process_cpu_cores": round((time.process_time() - own_cpu0)
                                         / (marks["end"][0] - t0), 3),
        "load_average_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)],
        "samples_t_cpu_rss": [(round(t - t0, 2), round(c, 3), round(r, 1))
                              for t, c, r in sampler.samples],
    }


def server_figures(sampler: Sampler, marks: dict, memory: dict) -> dict:
    """CPU as cores (CPU seconds / wall seconds) over the class and while students joined,
    the busiest 5 s of the class, and resident memory."""
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
    ap.add_argument("--steps", type=int, default=10,
                    help="presses of Next (the class starts on step 1)")
    ap.add_argument("--step-seconds", type=float, default=30.0, help="time on each step")
    ap.add_argument("--arrival", type=float, default=0.25,
                    help="seconds between two students' arrivals")
    ap.add_argument("--sample-seconds", type=float, default=1.0,
                    help="server CPU and memory sampling period")
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
    return (f"\n{args.students} followers, {args.steps} moves, {args.step_seconds:g} s a step: "
            f"server {s['cpu_cores_class']:.3f} cores over the class (target <= {TARGET_CORES}), "
            f"busiest 5 s {s['cpu_cores_busiest_5s']:.2f}; RSS {s['rss_start_mb']:.0f} MB at "
            f"start, {s['rss_hwm_mb']:.0f} MB peak, {s['rss_end_mb']:.0f} MB at the end; a move "
            f"seen after p50 {lat['p50']} s, max {lat['max']} s; "
            f"{report['errors_count']} error(s).")


if __name__ == "__main__":
    sys.exit(main())
