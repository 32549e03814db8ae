"""The lesson page's parts: the step (``card``), the live class (``live``), the keyboard
(``keys``). Session keys start with ``lesson_`` (widgets) or ``_lesson_`` (state):

- ``lesson_step``: this session's step (1-based), mirrored to the URL as ``?step=N``;
- ``lesson_jump``: the step chooser; ``lesson_follow``: a student's Follow / Explore switch;
- ``_lesson_views``, ``_lesson_goto``: the lesson on the views themselves (``bar``);
- ``_lesson_room``: the teacher's ``(code, token)`` (``_lesson_led_ended``: it ended, said by the
  teacher's bar); ``_lesson_student``: a student's
  ``(code, student id)``; ``_lesson_revealed``: steps revealed on this screen (no class);
  ``_lesson_url_step``: the step last written to the URL.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import lesson


def count() -> int:
    """The number of steps (``gdm_core.lesson.all_steps``, built on first use)."""
    return len(lesson.all_steps())


def current() -> int:
    """This session's step: from the URL on a first visit (``/lesson?step=7``) or when the
    address bar changed under us (back/forward), else the session's."""
    ss = st.session_state
    url = st.query_params.get("step")
    if "lesson_step" not in ss:
        ss["lesson_step"] = lesson.parse_step(url, 1)
    elif url is not None and url != ss.get("_lesson_url_step"):
        ss["lesson_step"] = lesson.parse_step(url, ss["lesson_step"])
    n = ss["lesson_step"]
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(lesson.all_steps()):
        n = ss["lesson_step"] = 1
    return n


def current_step() -> int:
    """This session's step as the session holds it (on a view page the URL has no step)."""
    n = st.session_state.get("lesson_step")
    return n if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(lesson.all_steps()) else 1


def write_url(n: int) -> None:
    """The address bar always says the step."""
    if st.query_params.get("step") != str(n):
        st.query_params["step"] = str(n)
    st.session_state["_lesson_url_step"] = str(n)


def go(n: int) -> None:
    """Move this session to step ``n`` (clamped); the teacher's room moves with it."""
    n = min(max(int(n), 1), len(lesson.all_steps()))
    st.session_state["lesson_step"] = n
    room = st.session_state.get("_lesson_room")
    if room:
        from gdm_app.sections.lesson import live

        live.move(room, n)
