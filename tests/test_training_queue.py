"""The server's training queue: at most ``slots`` trainings at once, the rest first come, first
served, each told its place in line."""

from __future__ import annotations

import threading
import time

import pytest

from gdm_core.training_queue import TrainingQueue, ordinal


def test_places_are_reported_and_the_line_moves_in_order():
    q = TrainingQueue(slots=2)
    a, b, c, d = (q.join() for _ in range(4))
    assert [q.place(t) for t in (a, b, c, d)] == [0, 0, 1, 2]
    q.leave(c)  # a waiting student leaves the line: the one behind moves up
    assert q.place(d) == 1
    q.leave(a)
    assert [q.place(t) for t in (b, d)] == [0, 0] and q.running == 2 and q.waiting == 0
    with pytest.raises(ValueError):
        q.place(a)


def test_at_most_two_run_at_once_in_fifo_order_with_their_places_reported():
    q = TrainingQueue(slots=2)
    lock = threading.Lock()
    running, peak, started, places = [0], [0], [], {}
    done = [threading.Event() for _ in range(6)]

    def train(i: int, ticket: int) -> None:
        seen = []
        q.wait(ticket, on_wait=seen.append)
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            started.append(i)
            places[i] = seen
        done[i].wait(10)  # trains until the test lets it finish
        with lock:
            running[0] -= 1
        q.leave(ticket)

    def until(n: int) -> None:
        deadline = time.time() + 10
        while len(started) < n and time.time() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)  # time for a wrongly admitted third to show up

    tickets = [q.join() for _ in range(6)]  # arrival order fixed before any thread runs
    threads = [threading.Thread(target=train, args=(i, t)) for i, t in enumerate(tickets)]
    for t in threads:
        t.start()
    until(2)
    assert sorted(started) == [0, 1] and running[0] == 2  # the rest wait
    assert [q.place(t) for t in tickets[2:]] == [1, 2, 3, 4]
    for finishing, n in zip((1, 0, 2, 3, 4, 5), (3, 4, 5, 6, 6, 6)):
        done[finishing].set()  # one training ends: exactly the next in line starts
        until(n)
        assert len(started) == n and running[0] <= 2
    for t in threads:
        t.join(10)
    assert peak[0] == 2
    assert sorted(started[:2]) == [0, 1] and started[2:] == [2, 3, 4, 5]  # FIFO
    assert places[0] == places[1] == []  # admitted at once: never told to wait
    assert places[2] == [1] and places[3] == [2, 1] and places[5] == [4, 3, 2, 1]


def test_a_slot_is_given_back_when_the_training_fails():
    q = TrainingQueue(slots=1)
    with pytest.raises(RuntimeError):
        with q.slot():
            assert q.running == 1
            raise RuntimeError("NaN")
    assert q.running == 0 and q.waiting == 0
    with q.slot() as ticket:
        assert q.place(ticket) == 0


def test_ordinals_and_bad_sizes():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st",
        "111th"]
    with pytest.raises(ValueError):
        TrainingQueue(0)
