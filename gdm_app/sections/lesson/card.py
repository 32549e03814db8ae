"""The lesson's step: counter, title, what to say, the link that opens the view, Previous /
Next, and the predict-then-reveal question on a screen of its own (no class running).

Reads ``lesson_step``; writes ``lesson_jump``, ``lesson_guess_<n>`` and ``_lesson_revealed``.
"""

from __future__ import annotations

import streamlit as st

from gdm_app import ui
from gdm_app.sections import lesson as shared
from gdm_core import lesson

FILES = {path: file for file, _, path, _, _ in ui.PAGES}


def open_view(step: lesson.Step, label: str = "Open this view") -> None:
    """A link to the step's page with its query parameters, in this session (settings kept):
    the view alone, without the lesson bar (``bar``: "Show the view" leads the lesson there).

    ``st.page_link`` needs the page registered by ``app.py``; run alone (a test) it falls back
    to a plain relative link with the same query string.
    """
    try:
        st.page_link(f"pages/{FILES[step.page]}", label=f"**{label}**",
                     icon=":material/open_in_new:", query_params=step.params)
    except Exception:  # noqa: BLE001 - StreamlitPageNotFoundError and kin: a plain link
        st.markdown(f"[**{label}**](.{step.url()})")


def _jump() -> None:
    shared.go(st.session_state["lesson_jump"])


def navigation(n: int, disabled: bool = False) -> None:
    """Previous / the step chooser / Next (keys ``lesson_prev``, ``lesson_next``: the
    keyboard presses them). Once the lesson runs on the views (``bar``), Next on a card shows
    its view: card (predict) → view (reveal) → the next step, all with one key."""
    from gdm_app.sections.lesson import bar

    ss = st.session_state
    on_views = bool(ss.get("_lesson_views"))
    if ss.get("lesson_jump") != n:
        ss["lesson_jump"] = n  # drawn below: follows the step however it changed
    c1, c2, c3 = st.columns([1, 4, 1], vertical_alignment="bottom")
    with c1:
        st.button("Previous", key="lesson_prev", icon=":material/arrow_back:",
                  disabled=disabled or n <= 1, on_click=shared.go, args=(n - 1,),
                  width="stretch")
    with c2:
        st.selectbox("Step", list(range(1, shared.count() + 1)), key="lesson_jump",
                     format_func=lambda k: f"{k}. {lesson.step(k).title}",
                     on_change=_jump, disabled=disabled, label_visibility="collapsed")
    with c3:
        if on_views:
            st.button("View", key="lesson_next", icon=":material/arrow_forward:",
                      icon_position="right", type="primary", disabled=disabled,
                      on_click=bar.request, args=("view", n), width="stretch")
        else:
            st.button("Next", key="lesson_next", icon=":material/arrow_forward:",
                      icon_position="right", type="primary", disabled=disabled or n >= shared.count(),
                      on_click=shared.go, args=(n + 1,), width="stretch")


def header(n: int) -> None:
    step = lesson.step(n)
    st.caption(f"Step {n} of {shared.count()} · {step.section}")
    st.subheader(step.title)
    st.markdown(f"> {step.say}")
    from gdm_app.sections.lesson import bar

    c1, c2 = st.columns([1, 2], vertical_alignment="center")
    with c1:
        if not st.session_state.get("_lesson_student"):
            st.button("Show the view", key="lesson_view", icon=":material/slideshow:",
                      on_click=bar.request, args=("view", n),
                      help="Open this step's page with the lesson bar on top; PageDown / → "
                           "then walks the lecture view by view.")
    with c2:
        open_view(step)


def guess_input(n: int, q: lesson.Question, key: str, disabled: bool = False):
    """The student's (or the room's) prediction: a choice or a number."""
    if q.is_number:
        return st.number_input(f"Your prediction{f' ({q.unit})' if q.unit else ''}",
                               value=None, key=key, format="%g", disabled=disabled,
                               placeholder="a number")
    return st.radio("Your prediction", q.options, index=None, key=key, disabled=disabled,
                    horizontal=True)


def reveal_text(q: lesson.Question) -> str:
    text = f"**Answer: {q.shown()}**"
    return text + (f" — {q.explain}" if q.explain else "")


def solo_question(n: int) -> None:
    """Predict, then press Reveal (this screen only)."""
    q = lesson.step(n).question
    if q is None:
        return
    ss = st.session_state
    revealed = ss.setdefault("_lesson_revealed", set())
    st.markdown(f"**Predict:** {q.prompt}")
    guess_input(n, q, f"lesson_guess_{n}")
    if n in revealed:
        st.success(reveal_text(q))
    else:
        st.button("Reveal", key="lesson_reveal", icon=":material/visibility:",
                  on_click=revealed.add, args=(n,))
