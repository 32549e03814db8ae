"""The lesson on the views themselves: the step's real page, with a slim lesson bar on top.

A lecture runs on the views, not on a page of links: "Show the view" on the lesson's card opens
the step's page with its query parameters — exactly what the step's URL opens — and from then
on a bar above every page says the step and carries Previous / Next (the clicker's PageUp /
PageDown press them, ``keys``). Next goes to the next step's view, or first to its card when
that step asks a question (predict, then reveal: the view would give the answer away).
Students of a class follow the teacher's step *and screen* (card or view, ``rooms.SCREENS``):
their bar polls the room once a second, like the card does.

Session keys: ``_lesson_views`` (this session has opened a view from the lesson: the bar shows,
and the card's Next shows the view), ``_lesson_goto`` (a pending move, ``(screen, step)``,
carried out by :func:`navigate_pending` at the top of the next run: a button's callback cannot
switch pages itself).
"""

from __future__ import annotations

import streamlit as st

from gdm_app import ui
from gdm_app.sections import lesson as shared
from gdm_core import lesson, rooms

FILES = {path: file for file, _, path, _, _ in ui.PAGES}
ENDED = "The class has ended; this page is yours to explore."


def _teacher_move(n: int, screen: str) -> None:
    room = st.session_state.get("_lesson_room")
    if room:
        from gdm_app.sections.lesson import live

        live.move(room, n, screen)


def request(screen: str, n: int) -> None:
    """Go to step ``n``'s card or view (a callback); a teacher's room goes with them."""
    n = min(max(int(n), 1), shared.count())
    ss = st.session_state
    ss["lesson_step"] = n
    ss["_lesson_views"] = True
    ss["_lesson_goto"] = (screen, n)
    _teacher_move(n, screen)


def after(n: int) -> tuple[str, int]:
    """Where Next leads from step ``n``'s view: step n+1's card if it asks a question, else
    its view."""
    m = min(n + 1, shared.count())
    return ("card" if lesson.step(m).question is not None else "view"), m


def navigate_pending() -> None:
    """Carry out a requested move (call after ``st.navigation``, before the page runs)."""
    goto = st.session_state.pop("_lesson_goto", None)
    if goto:
        go_now(*goto)


def go_now(screen: str, n: int) -> None:
    """Switch this session to step ``n``'s card or view now (from a script run or a
    fragment: a followed move then costs one page run, not two)."""
    st.session_state["lesson_step"] = n
    # the next page may be this one with other parameters (two steps on one page): its address
    # must still define the view (``ui.url_wins_on_arrival`` acts on a page's arrival only)
    st.session_state.pop("_page_ran", None)
    if screen == "view":
        st.session_state["_lesson_views"] = True
        step = lesson.step(n)
        st.switch_page(f"pages/{FILES[step.page]}", query_params=step.params)
    st.switch_page("pages/lesson.py", query_params={"step": str(n)})


def _leave() -> None:
    ss = st.session_state
    ss.pop("_lesson_views", None)
    if ss.get("_lesson_student"):
        ss["lesson_follow"] = ss["_lesson_follow"] = False


def show(url_path: str) -> None:
    """The bar, on any page but the lesson's, once this session has opened a view from it."""
    ss = st.session_state
    if url_path == "lesson" or not ss.get("_lesson_views"):
        return
    n = shared.current_step()
    following = (ss.get("_lesson_follow", True) and not ss.get("_lesson_room")
                 and (ss.get("_lesson_student") or ss.get("_lesson_ended")))
    # One row that wraps: on a phone the buttons go under the title together, not one per row.
    with st.container(key="lesson_bar", horizontal=True, vertical_alignment="center", gap="small"):
        if ss.get("_lesson_room") or ss.get("_lesson_led_ended"):
            with st.container(key="lesson_bar_title", width="stretch"):  # the title's place
                _lead(n)   # the title with the class's size, polled
        else:
            _title(n, "Following the class · " if following else "")
        if following:
            st.button("Explore alone", key="lesson_bar_leave", on_click=_leave,
                      icon=":material/explore:")
            _follow(n)
            return
        st.button("Lesson", key="lesson_card", icon=":material/school:", on_click=request,
                  args=("card", n), help="Back to this step's card")
        st.button("Back", key="lesson_prev", icon=":material/arrow_back:", disabled=n <= 1,
                  on_click=request, args=("view", n - 1))
        st.button("Next", key="lesson_next", icon=":material/arrow_forward:",
                  icon_position="right", type="primary", disabled=n >= shared.count(),
                  on_click=request, args=after(n))
        st.button("", key="lesson_bar_leave", icon=":material/close:", on_click=_leave,
                  help="Leave the lesson (the bar goes; the lesson page keeps your step)")
    from gdm_app.sections.lesson import keys

    keys.install()


def _title(n: int, who: str) -> None:
    st.markdown(f"<small>{who}Lesson · step {n} of {shared.count()}</small> "
                f"**{lesson.step(n).title}**", unsafe_allow_html=True, width="stretch")


@st.fragment(run_every=2.0)
def _lead(n: int) -> None:
    """A teacher's bar on a view: the class's size, live; and the room kept alive while the
    teacher's tab is open (the lesson page's panel does it there): a teacher who lectures on one
    view must not lose the class to the idle timeout."""
    from gdm_app.sections.lesson import live

    ss = st.session_state
    try:
        view = live.teacher_poll()
    except rooms.RoomError:
        view, ss["_lesson_led_ended"] = None, True   # said from now on, not for one poll only
    if view is not None:
        _title(n, f"Class {view.code} · {view.students} student(s) · ")
    else:
        _title(n, "The class has ended · " if ss.get("_lesson_led_ended") else "")


@st.fragment(run_every=1.0)
def _follow(n: int) -> None:
    """A student's bar polls the room: the teacher's next step or screen is followed here."""
    ss = st.session_state
    joined = ss.get("_lesson_student")
    if not joined:
        if ss.get("_lesson_ended"):  # said on every poll, not just the one that found it out
            st.info(ENDED)
        return
    from gdm_app.sections.lesson import live

    try:
        view = live._store().view(*joined)
    except rooms.RoomError:
        ss.pop("_lesson_student", None)
        ss["_lesson_ended"] = True
        st.info(ENDED)
        return
    if (view.step, view.screen) != (n, "view"):
        go_now(view.screen, view.step)
