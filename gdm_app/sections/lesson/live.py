"""The live class: a teacher's room, students who follow it, and polls.

The rooms live in :data:`STORE` (``gdm_core.rooms``, one per server process). The teacher's
``(code, token)`` is kept in the teacher's session only (``_lesson_room``); the student link
carries the code alone (``…/lesson?room=CODE``). Students poll the room once a second from a
fragment (``run_every``): when the teacher's step changes, a following student's whole page
reruns on that step. The teacher's own fragment polls the live counts.
"""

from __future__ import annotations

import io
import os

import streamlit as st

from gdm_app.sections.lesson import card
from gdm_core import lesson, rooms

# This process's rooms; AppTest swaps in its own, and the browser test shortens the idle time
# through the environment (a room then expires in seconds).
STORE = rooms.RoomStore(idle_seconds=float(os.environ.get("GDM_ROOM_IDLE_SECONDS")
                                           or rooms.IDLE_SECONDS))
POLL_SECONDS = 1.0          # students see a move within this plus one page run


def _store() -> rooms.RoomStore:
    import gdm_app.sections.lesson.live as me  # read at call time: tests replace STORE

    return me.STORE


def move(room, n: int, screen: str = "card") -> None:
    code, token = room
    try:
        _store().move(code, token, n, screen)
    except rooms.RoomError:
        st.session_state.pop("_lesson_room", None)  # ended or expired: back to a solo lesson
        st.toast("The class had ended; you are on your own lesson now.", icon=":material/info:")


# --- the histogram both sides see ------------------------------------------------------------

def _ordered(q: lesson.Question, counts: dict) -> list[tuple[str, int]]:
    if not q.is_number:
        return [(o, counts.get(o, 0)) for o in q.options]

    def value(text):
        try:
            return float(text)
        except ValueError:
            return float("inf")
    return sorted(counts.items(), key=lambda kv: value(kv[0]))


def histogram(q: lesson.Question, counts: dict, revealed: bool) -> str:
    """The class's answers as a table of bars (the right answer ticked once revealed)."""
    rows = _ordered(q, counts)
    if not rows:
        return "No answers yet."
    top = max(c for _, c in rows) or 1
    right = q.shown().removesuffix(f" {q.unit}") if (revealed and q.unit) else (
        q.shown() if revealed else None)
    lines = ["| answer | votes | |", "| --- | ---: | --- |"]
    for label, count in rows:
        mark = " ✓" if revealed and label == right else ""
        lines.append(f"| {label}{mark} | {count} | {'█' * round(12 * count / top)} |")
    return "\n".join(lines)


def _as_answer(q: lesson.Question, value) -> str | None:
    if value is None:
        return None
    if q.is_number:
        return lesson.format_number(float(value), q.digits)
    return str(value)


# --- the teacher -----------------------------------------------------------------------------

def _start(n: int) -> None:
    st.session_state.pop("_lesson_ended", None)   # a former student now leads a class
    st.session_state.pop("_lesson_led_ended", None)  # a new class after one that ended
    try:
        st.session_state["_lesson_room"] = _store().create(n)
    except rooms.RoomError as err:
        st.session_state["_lesson_error"] = str(err)


def _end() -> None:
    room = st.session_state.pop("_lesson_room", None)
    if room:
        try:
            _store().close(*room)
        except rooms.RoomError:
            pass


def student_link(code: str) -> str:
    """``…/lesson?room=CODE`` on the address the teacher's browser used."""
    url = ""
    try:
        url = str(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (a test)
        url = ""
    base = url.split("?")[0].split("#")[0] if url else "/lesson"
    if not base.rstrip("/").endswith("/lesson") and base != "/lesson":
        base = base.rstrip("/") + "/lesson"
    return f"{base}?room={code}"


def qr_png(text: str) -> bytes:
    """The QR code of ``text`` as a PNG (segno: pure Python, nothing fetched)."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=12, border=2)
    return out.getvalue()


def start_button(n: int) -> None:
    st.button("Start a class", key="lesson_start", icon=":material/groups:", on_click=_start,
              args=(n,), help="Students open a link (or scan a QR code) and follow your steps; "
                              "your questions become polls.")
    error = st.session_state.pop("_lesson_error", None)
    if error:
        st.error(error)


def teacher_panel(room) -> None:
    """The code, the link and the QR code, large for the projector (foldable)."""
    code, _ = room
    link = student_link(code)
    with st.expander(f"Class code **{code}** — students open the link or scan the code",
                     expanded=True):
        c1, c2 = st.columns([1, 1.3])
        with c1:
            st.image(qr_png(link), width=360)
        with c2:
            st.markdown(f"<div style='font-size:4rem;font-weight:700;letter-spacing:0.3rem'>"
                        f"{code}</div>", unsafe_allow_html=True)
            st.markdown(f"Student link: `{link}`")
            if "localhost" in link or "127.0.0.1" in link:
                st.caption("This address only works on this computer: open the app by its "
                           "Network URL (printed by `streamlit run`) and start the class there.")
            st.caption("Keep this tab open: your right to lead the class lives in it (a reload "
                       "makes you a student). The class ends after 3 hours without you.")
            st.button("End the class", key="lesson_end", icon=":material/stop_circle:",
                      on_click=_end)


def teacher_poll() -> rooms.RoomView | None:
    """The teacher's room now (the poll keeps it alive), or None when this session leads no
    class; raises ``rooms.RoomError`` once the class has ended, after forgetting the room."""
    room = st.session_state.get("_lesson_room")
    if not room:
        return None
    try:
        return _store().teacher_view(*room)
    except rooms.RoomError:
        st.session_state.pop("_lesson_room", None)
        raise


@st.fragment(run_every=POLL_SECONDS)
def teacher_live(n: int) -> None:
    """Live counts of the poll and the Reveal button (only the teacher's session has it)."""
    try:
        view = teacher_poll()
    except rooms.RoomError:
        st.warning("The class has ended.")
        return
    if view is None:
        return
    room = st.session_state["_lesson_room"]
    q = lesson.step(n).question
    st.caption(f"{view.students} student(s) in the class")
    if q is None:
        return
    st.markdown(f"**Poll:** {q.prompt}")
    st.markdown(f"{view.answered} answer(s)")
    st.markdown(histogram(q, view.counts or {}, view.revealed))
    if view.revealed:
        st.success(card.reveal_text(q))
    else:
        if st.button("Reveal", key="lesson_room_reveal", icon=":material/visibility:"):
            try:
                _store().reveal(*room, n)
            except rooms.RoomError as err:
                st.error(str(err))
            st.rerun(scope="fragment")


# --- the students ----------------------------------------------------------------------------

def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no-session"


def join_from_url() -> None:
    """``?room=CODE``: join once per session (rate-limited by the store)."""
    ss = st.session_state
    code = rooms.normalise_code(st.query_params.get("room"))
    if not st.query_params.get("room") or ss.get("_lesson_room"):
        return
    joined = ss.get("_lesson_student")
    if joined and joined[0] == code:
        return
    try:
        ss["_lesson_student"] = (code, _store().join(code, _session_id()))
        ss["lesson_follow"] = ss["_lesson_follow"] = True
        ss.pop("_lesson_ended", None)
    except rooms.RoomError as err:
        ss.pop("_lesson_student", None)
        st.warning(str(err))


def _send(code: str, sid: str, n: int, q: lesson.Question) -> None:
    value = _as_answer(q, st.session_state.get(f"lesson_vote_{n}"))
    if value is None:
        st.session_state["_lesson_error"] = "Choose an answer first."
        return
    try:
        _store().answer(code, sid, n, value)
    except rooms.RoomError as err:
        st.session_state["_lesson_error"] = str(err)


@st.fragment(run_every=POLL_SECONDS)
def student_live(n: int) -> None:
    """Follow the teacher (rerun the page on the room's step) and answer the poll."""
    ss = st.session_state
    joined = ss.get("_lesson_student")
    if not joined:
        if ss.get("_lesson_ended"):  # said on every poll, not just the one that found it out
            st.info("The class has ended; the lesson is yours to explore.")
        return
    code, sid = joined
    try:
        view = _store().view(code, sid)
    except rooms.RoomError:
        ss.pop("_lesson_student", None)
        ss["_lesson_ended"] = True
        st.info("The class has ended; the lesson is yours to explore.")
        return
    if ss.get("lesson_follow", True) and view.step != n:
        ss["lesson_step"] = view.step
        st.rerun(scope="app")
    if ss.get("lesson_follow", True) and view.screen == "view":
        from gdm_app.sections.lesson import bar

        bar.go_now("view", view.step)            # the teacher shows the view: go there
    if view.step != n:
        st.caption(f"The class is on step {view.step}.")
        return
    q = lesson.step(n).question
    if q is None:
        return
    st.markdown(f"**Poll:** {q.prompt}")
    if view.revealed:
        if view.my_answer is not None:
            st.markdown(f"You answered **{view.my_answer}**.")
        st.success(card.reveal_text(q))
        st.markdown(histogram(q, view.counts or {}, True))
        return
    card.guess_input(n, q, f"lesson_vote_{n}")
    st.button("Send my answer", key="lesson_send", icon=":material/send:", on_click=_send,
              args=(code, sid, n, q))
    error = ss.pop("_lesson_error", None)
    if error:
        st.error(error)
    if view.my_answer is not None:
        st.caption(f"Sent: {view.my_answer} (you can change it until the teacher reveals).")


def follow_switch() -> bool:
    """Follow the teacher (on), or explore alone and rejoin later by switching it back on."""
    ss = st.session_state
    # the widget's own state is dropped on other pages; ``_lesson_follow`` keeps the choice
    ss.setdefault("lesson_follow", ss.get("_lesson_follow", True))
    ss["_lesson_follow"] = st.toggle(
        "Follow the teacher", key="lesson_follow",
        help="Off: explore the lesson on your own. On again: back to the class's step.")
    return ss["_lesson_follow"]
