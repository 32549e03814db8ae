"""At most a few trainings at once, the others waiting their turn in order.

A class of forty shares one small server (two cores on Streamlit Community Cloud's smallest
container). Every training is CPU-bound, so two at once already fill the machine; a third would
only slow all of them down and, with torch's memory per training, risk the container's limit.
A :class:`TrainingQueue` admits ``slots`` trainings and lines the others up first come, first
served (FIFO tickets around one ``threading.Condition``), telling each waiter its place.

    queue = TrainingQueue(slots=2)
    with queue.slot(on_wait=lambda place: show(f"waiting: {ordinal(place)} in line")):
        train()

Plain Python (threads, no Streamlit): the app keeps one queue per server process and shows the
place in the page while a session waits.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def ordinal(n: int) -> str:
    """1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th", 22 → "22nd"."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class TrainingQueue:
    """``slots`` trainings run at once; later ones wait in first-come, first-served order.

    A ticket is taken (:meth:`join`), waited on (:meth:`wait`, which reports the ticket's place
    in line whenever it changes) and given back (:meth:`leave`, also for a ticket that never ran:
    a student who navigates away leaves the line). :meth:`slot` does all three around a block.
    """

    def __init__(self, slots: int = 2):
        if int(slots) < 1:
            raise ValueError(f"a queue needs at least one slot, got {slots}.")
        self.slots = int(slots)
        self._cond = threading.Condition()
        self._numbers = itertools.count(1)
        self._waiting: list[int] = []  # tickets in arrival order
        self._running: set[int] = set()

    def _admit(self) -> None:
        # with the lock held: the head of the line takes every free slot (FIFO, no overtaking)
        while self._waiting and len(self._running) < self.slots:
            self._running.add(self._waiting.pop(0))
        self._cond.notify_all()

    def join(self) -> int:
        """A new ticket at the back of the line (admitted at once if a slot is free)."""
        with self._cond:
            ticket = next(self._numbers)
            self._waiting.append(ticket)
            self._admit()
            return ticket

    def place(self, ticket: int) -> int:
        """0 if ``ticket`` is running, k if it is k-th in line (ValueError if unknown)."""
        with self._cond:
            if ticket in self._running:
                return 0
            if ticket in self._waiting:
                return self._waiting.index(ticket) + 1
            raise ValueError(f"ticket {ticket} is neither running nor waiting.")

    def wait(self, ticket: int, on_wait: Callable[[int], None] | None = None,
             poll: float = 0.5) -> None:
        """Block until ``ticket`` runs; ``on_wait(place)`` is called (outside the lock) with its
        place each time it changes while it waits. ``poll`` bounds how long one wait sleeps,
        so a waiting script thread that Streamlit stops is not stuck in the condition."""
        reported = None
        while True:
            with self._cond:
                place = self.place(ticket)
                if place != 0 and place == reported:
                    self._cond.wait(timeout=poll)
                    place = self.place(ticket)
            if place == 0:
                return
            if place != reported and on_wait is not None:
                on_wait(place)
            reported = place

    def leave(self, ticket: int) -> None:
        """Give the ticket back (running or still waiting); the next in line is admitted."""
        with self._cond:
            self._running.discard(ticket)
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            self._admit()

    @property
    def running(self) -> int:
        with self._cond:
            return len(self._running)

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)

    @contextmanager
    def slot(self, on_wait: Callable[[int], None] | None = None) -> Iterator[int]:
        """Wait for a slot, run the block, give the slot back (even if the block raises or the
        wait is interrupted)."""
        ticket = self.join()
        try:
            self.wait(ticket, on_wait)
            yield ticket
        finally:
            self.leave(ticket)
