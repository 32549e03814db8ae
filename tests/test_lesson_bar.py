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

