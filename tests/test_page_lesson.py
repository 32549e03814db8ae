"""The lesson page in AppTest: ?step=N, Previous/Next and the address bar, Reveal; a live class
with a teacher and students as separate sessions sharing the server's room store."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from gdm_core import lesson, rooms
from tests.conftest import ROOT, TIMEOUT, no_exception

PAGE = str(ROOT / "pages" / "lesson.py")
M = len(lesson.all_steps())


def open_lesson(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def shown_step(at) -> int:
    caption = next(c.value for c in at.caption if c.value.startswith("Step "))
    n, of = caption.split(" · ")[0].removeprefix("Step ").split(" of ")
    assert int(of) == M
    return int(n)


@pytest.fixture
def store(monkeypatch):
    """A fresh room store for the test (the page reads live.STORE at call time)."""
    from gdm_app.sections.lesson import live

    fresh = rooms.RoomStore()
    monkeypatch.setattr(live, "STORE", fresh)
    return fresh


def test_opens_on_step_one_with_its_counter_title_and_link():
    at = open_lesson()
    no_exception(at)
    assert at.title[0].value == "Lesson"
    assert shown_step(at) == 1 and at.query_params["step"] == "1"
    step = lesson.step(1)
    assert at.subheader[0].value == step.title
    text = " ".join(m.value for m in at.markdown)
    assert step.say in text and f"(.{step.url()})" in text   # run alone: a plain link
    assert at.button(key="lesson_prev").disabled and not at.button(key="lesson_next").disabled


@pytest.mark.parametrize("n", [7, M])
def test_step_param_opens_that_step(n):
    at = open_lesson(step=str(n))
    no_exception(at)
    assert shown_step(at) == n and at.subheader[0].value == lesson.step(n).title
    assert at.button(key="lesson_next").disabled == (n == M)


@pytest.mark.parametrize("bad", ["0", "x", str(M + 5)])
def test_a_bad_step_param_opens_step_one(bad):
    at = open_lesson(step=bad)
    no_exception(at)
    assert shown_step(at) == 1 and at.query_params["step"] == "1"


def test_next_previous_and_the_chooser_move_and_the_address_bar_follows():
    at = open_lesson(step="3")
    at.button(key="lesson_next").click().run()
    assert shown_step(at) == 4 and at.query_params["step"] == "4"
    at.button(key="lesson_prev").click().run()
    at.button(key="lesson_prev").click().run()
    assert shown_step(at) == 2 and at.query_params["step"] == "2"
    at.selectbox(key="lesson_jump").set_value(20).run()
    assert shown_step(at) == 20 and at.query_params["step"] == "20"
    at.button(key="lesson_next").click().run()
    assert at.selectbox(key="lesson_jump").value == 21
    no_exception(at)


def test_the_answer_is_hidden_until_reveal():
    n = next(i for i, s in enumerate(lesson.all_steps(), 1) if s.question and s.question.is_number)
    q = lesson.step(n).question
    at = open_lesson(step=str(n))
    assert q.prompt in " ".join(m.value for m in at.markdown)
    assert not at.success  # hidden
    at.number_input(key=f"lesson_guess_{n}").set_value(3.0).run()
    at.button(key="lesson_reveal").click().run()
    assert at.success and q.shown() in at.success[0].value
    at.button(key="lesson_next").click().run()
    at.button(key="lesson_prev").click().run()
    assert at.success  # stays revealed on this screen


def test_the_keyboard_snippet_presses_the_buttons_by_their_key_class():
    from gdm_app.sections.lesson import keys

    for key in ("PageDown", "ArrowRight", '" "', "PageUp", "ArrowLeft"):
        assert key in keys.SCRIPT
    assert '".st-key-lesson_" + key + " button"' in keys.SCRIPT
    assert "removeEventListener" in keys.SCRIPT  # replaced, not stacked, on every render


def _step_of(at) -> int:
    return shown_step(at)


def test_a_class_students_follow_answer_and_only_the_teacher_leads(store):
    teacher = open_lesson(step="4")
    teacher.button(key="lesson_start").click().run()
    no_exception(teacher)
    code, token = teacher.session_state["_lesson_room"]
    text = " ".join(m.value for m in teacher.markdown)
    assert code in text and f"/lesson?room={code}" in text and token not in text
    assert teacher.get("imgs") or teacher.get("image")  # the QR code
    assert "room" not in teacher.query_params  # the teacher's own URL: the step only

    students = [open_lesson(room=code) for _ in range(3)]
    for s in students:
        no_exception(s)
        assert _step_of(s) == 4 and "_lesson_room" not in s.session_state
        assert s.button(key="lesson_next").disabled  # following: the teacher moves
    assert store.teacher_view(code, token).students == 3

    # the teacher moves; a student's next poll (one fragment run, here a rerun) follows
    teacher.button(key="lesson_next").click().run()
    assert _step_of(teacher) == 5
    started = time.perf_counter()
    students[0].run()
    latency = time.perf_counter() - started
    assert _step_of(students[0]) == 5
    assert latency < 2.0, latency

    # a poll: step 5's question has options; two students answer, counts are exact
    q = lesson.step(5).question
    for s, choice in zip(students[:2], ["fewer", "more"]):
        s.run()
        s.radio(key="lesson_vote_5").set_value(choice).run()
        s.button(key="lesson_send").click().run()
        no_exception(s)
    assert store.teacher_view(code, token).counts == {"fewer": 1, "more": 1}
    teacher.run()
    assert "| fewer | 1 |" in " ".join(m.value for m in teacher.markdown)
    assert not any(q.shown() in x.value for x in students[0].success)  # not yet revealed

    # a student has no way to move or reveal: no token, no teacher buttons, and the store refuses
    s = students[2]
    s.run()
    assert _step_of(s) == 5
    assert "lesson_room_reveal" not in [b.key for b in s.button]
    s.toggle(key="lesson_follow").set_value(False).run()
    s.button(key="lesson_next").click().run()          # explores alone ...
    assert _step_of(s) == 6 and store.view(code).step == 5   # ... the room stays
    with pytest.raises(rooms.NotTeacher):
        store.move(code, s.session_state["_lesson_student"][1], 9)

    teacher.button(key="lesson_room_reveal").click().run()
    students[0].run()
    assert any(q.shown() in x.value for x in students[0].success)
    assert "| fewer ✓ | 1 |" in " ".join(m.value for m in students[0].markdown)

    # rejoin: Follow again puts the explorer back on the room's step
    s.toggle(key="lesson_follow").set_value(True).run()
    assert _step_of(s) == 5
    no_exception(s)


def test_a_wrong_room_code_is_a_message_not_a_class(store):
    at = open_lesson(room="ZZZZZZ")
    no_exception(at)
    assert any("no class" in w.value for w in at.warning)
    assert "_lesson_student" not in at.session_state
