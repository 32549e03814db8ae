"""Live-class rooms: a teacher leads the lesson, students follow and answer polls.

One small interface, :class:`RoomStore`, held in the server's memory (one process: Streamlit
Community Cloud runs one). Several replicas would need the same interface over a shared store
(Redis: a hash per room, ``EXPIRE`` for the idle timeout, ``INCR`` with a TTL for the rate
limits) — the pages only ever call the methods below.

Security model
--------------
- A room is named by a short **code** (6 characters from a 32-letter alphabet without 0/O/1/I,
  drawn with :mod:`secrets`: about 10⁹ codes for at most :data:`MAX_ROOMS` rooms) that students
  type or scan; knowing it lets one follow and answer, nothing more.
- The teacher's **token** (:func:`secrets.token_urlsafe`, 256 bits) is returned once, by
  :meth:`RoomStore.create`, to the teacher's session; moving the room, revealing an answer and
  closing the room need it (compared in constant time). It is never part of the student link.
- **Joins are rate-limited** per client key (an opaque string chosen by the caller, such as a
  session id) and, for unknown codes, across the whole server, so guessing codes is hopeless.
- Rooms **expire** after :data:`IDLE_SECONDS` without a teacher's call; memory is bounded
  (:data:`MAX_ROOMS` rooms × :data:`MAX_STUDENTS` students, answers at most
  :data:`MAX_ANSWER_CHARS` characters). No personal data: a student is a random id.

Every method takes the store's lock; the clock is injectable (``clock=``) for tests.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters, none confusable (0/O, 1/I)
CODE_LENGTH = 6
MAX_ROOMS = 50
MAX_STUDENTS = 200
IDLE_SECONDS = 3 * 3600          # a room without any teacher call for this long is gone
STUDENT_IDLE_SECONDS = 600       # a full room makes space by dropping students unseen this long
MAX_ANSWER_CHARS = 40
JOINS_PER_CLIENT = 10            # joins (or attempts) per client key per window
MISSES_PER_SERVER = 60           # attempts at unknown codes, all clients together, per window
RATE_WINDOW = 60.0               # seconds
SCREENS = ("card", "view")       # where a room is: the lesson's card for a step, or its page
MAX_CLIENT_KEYS = 10_000         # rate-limit memory bound


class RoomError(ValueError):
    """Any refusal by the store; its message is a sentence a page can show."""


class NoSuchRoom(RoomError):
    pass


class NotTeacher(RoomError):
    pass


class RoomsFull(RoomError):
    pass


class RoomFull(RoomError):
    pass


class RateLimited(RoomError):
    pass


@dataclass(frozen=True)
class RoomView:
    """What one caller may see of a room now."""

    code: str
    step: int
    screen: str             # "card" (the lesson's step, its poll) or "view" (the step's page)
    version: int            # grows with every move or reveal: a cheap "has anything changed"
    revealed: bool          # the current step's answer is revealed
    counts: dict | None     # answers to the current step's poll: the teacher always, students
                            # once revealed (None otherwise)
    answered: int           # how many students answered the current step
    students: int           # how many students joined (and were not dropped)
    my_answer: str | None = None  # the calling student's answer to the current step


@dataclass
class _Room:
    code: str
    token: str
    step: int
    touched: float
    screen: str = "card"
    version: int = 0
    students: dict = field(default_factory=dict)      # student id -> last seen
    answers: dict = field(default_factory=dict)       # step -> {student id: answer}
    revealed: set = field(default_factory=set)        # steps whose answer is revealed


class _RateLimiter:
    """At most ``limit`` events per key in any ``window`` seconds (a sliding log per key)."""

    def __init__(self, limit: int, window: float, max_keys: int = MAX_CLIENT_KEYS):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._events: OrderedDict[str, deque] = OrderedDict()

    def allow(self, key: str, now: float) -> bool:
        events = self._events.pop(key, None) or deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        ok = len(events) < self.limit
        if ok:
            events.append(now)
        self._events[key] = events  # most recent last
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)
        return ok


class RoomStore:
    """The rooms of one server process (thread-safe). See the module's docstring."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 max_rooms: int = MAX_ROOMS, max_students: int = MAX_STUDENTS,
                 idle_seconds: float = IDLE_SECONDS):
        self._clock = clock
        self._lock = threading.Lock()
        self._rooms: dict[str, _Room] = {}
        self.max_rooms, self.max_students, self.idle_seconds = max_rooms, max_students, idle_seconds
        self._joins = _RateLimiter(JOINS_PER_CLIENT, RATE_WINDOW)
        self._misses = _RateLimiter(MISSES_PER_SERVER, RATE_WINDOW)

    # -- internals (called with the lock held) -------------------------------------------------

    def _expire(self, now: float) -> None:
        for code in [c for c, r in self._rooms.items() if now - r.touched > self.idle_seconds]:
            del self._rooms[code]

    def _room(self, code, now: float) -> _Room:
        self._expire(now)
        room = self._rooms.get(normalise_code(code))
        if room is None:
            raise NoSuchRoom("There is no class with this code (or it has ended).")
        return room

    def _teacher(self, code, token, now: float) -> _Room:
        room = self._room(code, now)
        if not isinstance(token, str) or not secrets.compare_digest(token, room.token):
            raise NotTeacher("Only the teacher can do this.")
        room.touched = now
        return room

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._rooms:
                return code

    # -- the teacher ---------------------------------------------------------------------------

    def create(self, step: int = 1) -> tuple[str, str]:
        """A new room at ``step``: returns ``(code, token)``; the token stays with the teacher."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if len(self._rooms) >= self.max_rooms:
                raise RoomsFull("The server holds as many classes as it can; try again later.")
            code, token = self._new_code(), secrets.token_urlsafe(32)
            self._rooms[code] = _Room(code, token, int(step), now)
            return code, token

    def move(self, code, token, step: int, screen: str = "card") -> None:
        """Put the room on ``step``, on its lesson card or on its view (the teacher only)."""
        if screen not in SCREENS:
            raise ValueError(f"screen must be one of {SCREENS}, got {screen!r}.")
        with self._lock:
            room = self._teacher(code, token, self._clock())
            if (int(step), screen) != (room.step, room.screen):
                room.step, room.screen = int(step), screen
                room.version += 1

    def reveal(self, code, token, step: int) -> None:
        """Reveal the answer of ``step``'s question to the students (the teacher only)."""
        with self._lock:
            room = self._teacher(code, token, self._clock())
            if int(step) not in room.revealed:
                room.revealed.add(int(step))
                room.version += 1

    def close(self, code, token) -> None:
        """End the class (the teacher only)."""
        with self._lock:
            room = self._teacher(code, token, self._clock())
            del self._rooms[room.code]

    def teacher_view(self, code, token) -> RoomView:
        """The room with the live counts (the teacher only); keeps the room alive."""
        with self._lock:
            room = self._teacher(code, token, self._clock())
            return self._view(room, None, teacher=True)

    # -- the students --------------------------------------------------------------------------

    def join(self, code, client: str) -> str:
        """A new student id in the room ``code``; ``client`` is an opaque key for the rate limit
        (a session id: the store keeps it a minute at most, in memory)."""
        with self._lock:
            now = self._clock()
            if not self._joins.allow(str(client), now):
                raise RateLimited("Too many attempts to join; wait a minute and try again.")
            self._expire(now)
            room = self._rooms.get(normalise_code(code))
            if room is None:
                if not self._misses.allow("*", now):
                    raise RateLimited("Too many attempts to join; wait a minute and try again.")
                raise NoSuchRoom("There is no class with this code (or it has ended).")
            if len(room.students) >= self.max_students:
                for sid in [s for s, seen in room.students.items()
                            if now - seen > STUDENT_IDLE_SECONDS]:
                    del room.students[sid]
                if len(room.students) >= self.max_students:
                    raise RoomFull("This class is full.")
            student = secrets.token_urlsafe(12)
            room.students[student] = now
            return student

    def view(self, code, student: str | None = None) -> RoomView:
        """What a student (or anyone with the code) sees: the step, and the poll's counts once
        revealed. Raises NoSuchRoom when the room ended or expired."""
        with self._lock:
            now = self._clock()
            room = self._room(code, now)
            if student in room.students:
                room.students[student] = now
            return self._view(room, student, teacher=False)

    def answer(self, code, student: str, step: int, value: str) -> None:
        """A student's answer to ``step``'s poll (the room's current step, before the reveal);
        a second answer replaces the first."""
        with self._lock:
            now = self._clock()
            room = self._room(code, now)
            if student not in room.students:
                raise NoSuchRoom("Join the class first.")
            if int(step) != room.step:
                raise RoomError("The class has moved on to another step.")
            if int(step) in room.revealed:
                raise RoomError("The answer is already revealed.")
            value = str(value).strip()
            if not value or len(value) > MAX_ANSWER_CHARS:
                raise RoomError(f"An answer is 1 to {MAX_ANSWER_CHARS} characters.")
            room.students[student] = now
            room.answers.setdefault(int(step), {})[student] = value

    # -- shared --------------------------------------------------------------------------------

    def _view(self, room: _Room, student: str | None, teacher: bool) -> RoomView:
        answers = room.answers.get(room.step, {})
        revealed = room.step in room.revealed
        counts = dict(Counter(answers.values())) if (teacher or revealed) else None
        return RoomView(room.code, room.step, room.screen, room.version, revealed, counts, len(answers),
                        len(room.students), answers.get(student) if student else None)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._rooms)


def normalise_code(code) -> str:
    """A code as typed (any case, spaces, dashes) in its canonical form ('' if impossible)."""
    if not isinstance(code, str):
        return ""
    text = "".join(ch for ch in code.upper() if ch not in " -")
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return ""
    return text
