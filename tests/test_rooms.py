"""gdm_core.rooms: the live-class store — authority, expiry (a fake clock), limits, rate
limiting, polls, and the lock under threads."""

from __future__ import annotations

import threading

import pytest

from gdm_core import rooms


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    return rooms.RoomStore(clock=clock)


def test_codes_are_short_from_a_32_letter_alphabet_and_normalised(store):
    assert len(set(rooms.ALPHABET)) == 32 and not set("0O1I") & set(rooms.ALPHABET)
    codes = {store.create()[0] for _ in range(rooms.MAX_ROOMS)}
    assert len(codes) == rooms.MAX_ROOMS
    for code in codes:
        assert len(code) == 6 and set(code) <= set(rooms.ALPHABET)
        assert rooms.normalise_code(code.lower()[:3] + " - " + code[3:]) == code
    assert rooms.normalise_code("ABC") == "" and rooms.normalise_code(None) == ""
    assert rooms.normalise_code("ABCDE0") == ""  # 0 is not in the alphabet


def test_only_the_teacher_moves_reveals_and_closes(store):
    code, token = store.create(step=3)
    assert len(token) >= 40 and code not in token
    sid = store.join(code, "s1")
    for bad in (None, "", "x" * 43, sid, code, token[:-1] + ("A" if token[-1] != "A" else "B")):
        with pytest.raises(rooms.NotTeacher):
            store.move(code, bad, 5)
        with pytest.raises(rooms.NotTeacher):
            store.reveal(code, bad, 3)
        with pytest.raises(rooms.NotTeacher):
            store.close(code, bad)
        with pytest.raises(rooms.NotTeacher):
            store.teacher_view(code, bad)
    assert store.view(code, sid).step == 3
    store.move(code, token, 5)
    view = store.view(code, sid)
    assert view.step == 5 and view.version == 1
    store.close(code, token)
    with pytest.raises(rooms.NoSuchRoom):
        store.view(code, sid)


def test_a_token_from_another_room_has_no_authority(store):
    a, token_a = store.create()
    b, _ = store.create()
    with pytest.raises(rooms.NotTeacher):
        store.move(b, token_a, 2)


def test_rooms_expire_after_three_idle_hours_and_teacher_calls_keep_them(store, clock):
    code, token = store.create()
    sid = store.join(code, "s")
    clock.now += rooms.IDLE_SECONDS - 1
    store.view(code, sid)                 # a student's poll does not keep the room alive
    store.teacher_view(code, token)       # the teacher's does
    clock.now += rooms.IDLE_SECONDS - 1
    assert store.view(code, sid).step == 1
    clock.now += 2
    with pytest.raises(rooms.NoSuchRoom):
        store.view(code, sid)
    with pytest.raises(rooms.NoSuchRoom):
        store.move(code, token, 2)
    assert len(store) == 0


def test_at_most_50_rooms_and_expired_ones_make_space(store, clock):
    for _ in range(rooms.MAX_ROOMS):
        store.create()
    with pytest.raises(rooms.RoomsFull):
        store.create()
    clock.now += rooms.IDLE_SECONDS + 1
    store.create()
    assert len(store) == 1


def test_at_most_200_students_and_long_gone_ones_make_space(clock):
    store = rooms.RoomStore(clock=clock)
    code, _ = store.create()
    ids = set()
    for i in range(rooms.MAX_STUDENTS):
        ids.add(store.join(code, f"client{i}"))
    assert len(ids) == rooms.MAX_STUDENTS
    with pytest.raises(rooms.RoomFull):
        store.join(code, "one-more")
    clock.now += rooms.STUDENT_IDLE_SECONDS + 1
    store.join(code, "one-more")           # the unseen ones were dropped
    assert store.view(code).students == 1


def test_joins_are_rate_limited_per_client_and_guesses_across_the_server(store, clock):
    code, _ = store.create()
    for _ in range(rooms.JOINS_PER_CLIENT):
        store.join(code, "same-session")
    with pytest.raises(rooms.RateLimited):
        store.join(code, "same-session")
    store.join(code, "another-session")    # others are not affected
    clock.now += rooms.RATE_WINDOW + 1
    store.join(code, "same-session")       # and the window passes
    # guessing: wrong codes from many clients hit the server-wide limit, right ones still work
    misses = 0
    with pytest.raises(rooms.RateLimited):
        for i in range(rooms.MISSES_PER_SERVER + 1):
            try:
                store.join("ZZZZZZ", f"guesser{i}")
            except rooms.NoSuchRoom:
                misses += 1
    assert misses == rooms.MISSES_PER_SERVER
    store.join(code, "an-honest-student")


def test_rate_limit_memory_is_bounded():
    limiter = rooms._RateLimiter(1, 60.0, max_keys=100)
    for i in range(1000):
        limiter.allow(f"k{i}", float(i))
    assert len(limiter._events) == 100


def test_poll_counts_are_exact_and_hidden_from_students_until_revealed(store):
    code, token = store.create(step=4)
    students = [store.join(code, f"s{i}") for i in range(5)]
    for sid, answer in zip(students, ["fewer", "more", "fewer", "fewer", "more"]):
        store.answer(code, sid, 4, answer)
    store.answer(code, students[1], 4, "fewer")   # a changed mind replaces the first answer
    teacher = store.teacher_view(code, token)
    assert teacher.counts == {"fewer": 4, "more": 1} and teacher.answered == 5
    student = store.view(code, students[0])
    assert student.counts is None and student.my_answer == "fewer" and not student.revealed
    store.reveal(code, token, 4)
    student = store.view(code, students[0])
    assert student.revealed and student.counts == {"fewer": 4, "more": 1}
    with pytest.raises(rooms.RoomError):
        store.answer(code, students[0], 4, "more")   # too late
    store.move(code, token, 5)
    with pytest.raises(rooms.RoomError):
        store.answer(code, students[0], 4, "more")   # another step
    assert store.view(code).counts is None and store.view(code).answered == 0


def test_answers_are_bounded_and_need_a_joined_student(store):
    code, _ = store.create()
    sid = store.join(code, "s")
    for bad in ("", "   ", "x" * (rooms.MAX_ANSWER_CHARS + 1)):
        with pytest.raises(rooms.RoomError):
            store.answer(code, sid, 1, bad)
    with pytest.raises(rooms.NoSuchRoom):
        store.answer(code, "not-a-student", 1, "a")


def test_the_store_is_thread_safe(store):
    code, token = store.create()
    sids = [store.join(code, f"c{i}") for i in range(8)]
    errors = []

    def student(sid):
        try:
            for _ in range(200):
                store.view(code, sid)
                store.answer(code, sid, 1, sid[:5])
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    def teacher():
        for _ in range(200):
            store.teacher_view(code, token)

    threads = [threading.Thread(target=student, args=(s,)) for s in sids]
    threads.append(threading.Thread(target=teacher))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.teacher_view(code, token).answered == 8
