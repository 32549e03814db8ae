"""The lesson on the views (``gdm_app.sections.lesson.bar``), through app.py in AppTest: "Show
the view" opens the step's page with the lesson bar, the bar's Next goes to the next step's
view — or to its card when that step asks a question — and a teacher's room records the screen."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gdm_app.sections.lesson import bar
from gdm_core import lesson, rooms
from tests.conftest import ROOT, TIMEOUT, no_exception

M = len(lesson.all_steps())
TITLES = {path: title for _, _, path, _, title in __import__("gdm_app.ui", fromlist=["PAGES"]).PAGES}


def _bar_text(at) -> str:
    return next((m.value for m in at.markdown if "Lesson · step" in m.value), "")


def _lesson(step: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["step"] = str(step)
    at.run()
    at.switch_page("pages/lesson.py").run()
    no_exception(at)
    return at


def test_next_leads_to_the_next_view_or_first_to_its_card():
    for n in range(1, M):
        screen, m = bar.after(n)
        assert m == n + 1
        assert screen == ("card" if lesson.step(n + 1).question else "view")
    assert bar.after(M) == ("view" if lesson.step(M).question is None else "card", M)


@pytest.mark.parametrize("n", [12, 4])
def test_show_the_view_opens_the_steps_page_with_the_bar(n):
    at = _lesson(n)
    assert _bar_text(at) == ""                      # the card has no bar
    at.button(key="lesson_view").click().run()
    no_exception(at)
    step = lesson.step(n)
    assert at.title[0].value == TITLES[step.page]
    assert f"Lesson · step {n} of {M}</small> **{step.title}**" in _bar_text(at)
    tab_key = next(k for k in step.params if k.endswith("_tab"))
    assert at.session_state[tab_key] == step.params[tab_key]
    # the bar's Next: the next step's view, or its card (its question comes first)
    at.button(key="lesson_next").click().run()
    no_exception(at)
    screen, m = bar.after(n)
    if screen == "view":
        assert at.title[0].value == TITLES[lesson.step(m).page]
        assert f"step {m} of {M}" in _bar_text(at)
    else:
        assert at.title[0].value == "Lesson" and _bar_text(at) == ""
        assert at.button(key="lesson_next").label == "View"   # the card's Next shows its view


def test_leaving_the_lesson_removes_the_bar():
    at = _lesson(12)
    at.button(key="lesson_view").click().run()
    at.button(key="lesson_bar_leave").click().run()
    no_exception(at)
    # (AppTest reruns the page it last switched to itself, the lesson; a browser stays put)
    assert _bar_text(at) == "" and "_lesson_views" not in at.session_state


def test_the_room_records_where_the_teacher_is():
    store = rooms.RoomStore()
    code, token = store.create(3)
    assert store.view(code).screen == "card"
    version = store.view(code).version
    store.move(code, token, 3, "view")
    assert store.view(code).screen == "view" and store.view(code).version == version + 1
    store.move(code, token, 3, "view")                    # no change, no new version
    assert store.view(code).version == version + 1
    with pytest.raises(ValueError, match="screen"):
        store.move(code, token, 4, "slides")
    student = store.join(code, "s1")
    with pytest.raises(rooms.NotTeacher):
        store.move(code, student, 4, "view")


def test_a_steps_view_shows_its_own_die_not_the_one_kept_from_the_last_visit():
    """Step 1 opens the Information page on its uneven die; step 2's URL names the fair die.
    The page keeps a die across visits, but a URL that names one wins (found by
    bench_followers: the fair step showed the uneven die)."""
    at = _lesson(1)
    at.button(key="lesson_view").click().run()
    assert at.session_state["info_p_6"] == pytest.approx(0.5)        # the page's uneven die
    at.button(key="lesson_next").click().run()                        # step 2's card
    at.button(key="lesson_next").click().run()                        # its view
    no_exception(at)
    assert f"step 2 of {M}" in _bar_text(at)
    assert at.session_state["info_preset"] == "fair"
    assert [at.session_state[f"info_p_{k}"] for k in range(1, 7)] == pytest.approx([1 / 6] * 6)


def test_next_between_two_views_of_one_page_opens_the_next_tab():
    """Steps 6 and 7 are two tabs of the Information page (found in review: the tab stayed)."""
    assert lesson.step(6).page == lesson.step(7).page and lesson.step(7).question is None
    at = _lesson(6)
    at.button(key="lesson_view").click().run()
    assert at.session_state["info_tab"] == lesson.step(6).params["info_tab"]
    at.button(key="lesson_next").click().run()
    no_exception(at)
    assert f"step 7 of {M}" in _bar_text(at)
    assert at.session_state["info_tab"] == lesson.step(7).params["info_tab"]


def test_a_teacher_on_a_view_keeps_the_class_and_sees_its_size(monkeypatch):
    """The teacher's bar polls the room: lecturing over one view for longer than the idle time
    does not end the class (a browser test once lost it that way); once it has ended, the bar
    says so and the teacher is on their own."""
    from gdm_app.sections.lesson import live

    now = [0.0]
    store = rooms.RoomStore(clock=lambda: now[0], idle_seconds=60)
    monkeypatch.setattr(live, "STORE", store)
    at = _lesson(4)
    at.button(key="lesson_start").click().run()
    code, _ = at.session_state["_lesson_room"]
    store.join(code, "s1")
    at.button(key="lesson_view").click().run()
    no_exception(at)
    view_page = "pages/" + bar.FILES[lesson.step(4).page]
    at.switch_page(view_page)   # AppTest would rerun the lesson page (whose panel also polls)
    assert _bar_text(at).startswith(f"<small>Class {code} · 1 student(s) · Lesson · step 4 of")
    for _ in range(3):                     # three 50 s silences, each polled by the bar
        now[0] += 50
        at.run()
        assert at.title[0].value == TITLES[lesson.step(4).page]
        assert store.view(code).step == 4 and "_lesson_room" in at.session_state
    now[0] += 61                           # the tab closed: nobody polls, the room expires
    with pytest.raises(rooms.NoSuchRoom):
        store.view(code)
    at.run()
    no_exception(at)
    assert "_lesson_room" not in at.session_state
    assert _bar_text(at).startswith("<small>The class has ended · Lesson · step 4 of")
    at.run()                               # said on every later run, not for one poll only
    assert _bar_text(at).startswith("<small>The class has ended · Lesson · step 4 of")
