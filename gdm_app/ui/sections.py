"""Sections: the unit a page is made of.

A section is one function decorated with :func:`section`. It is a Streamlit fragment — a widget
inside it reruns that section alone, not the page — wrapped in an error boundary, so one broken
section shows its message and the rest of the page still renders. Pages show long lists of
sections as tabs (:func:`show_tabs`) whose open tab is in the URL and the only one that runs.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from .state import clean

_LOGGER = logging.getLogger("gdm_app.ui")

# How often each section ran in this process: the tests read it to prove that a widget change
# in one section does not rerun the others. With $GDM_SECTION_LOG set (the browser tests give a
# temporary file) every run is also appended there, so a test outside the server can count too.
SECTION_CALLS: Counter = Counter()


def _record(name: str) -> None:
    SECTION_CALLS[name] += 1
    path = os.environ.get("GDM_SECTION_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(name + "\n")


# The boundary's message starts with this (bold): a stable marker that tests, the browser tests
# and the load test look for.
ERROR_MARKER = "This section could not be shown"


@dataclass(frozen=True)
class SectionFailure:
    """One time an error boundary caught an exception."""

    seq: int      # 1, 2, 3, ... in this process
    name: str     # the section's name
    error: str    # the exception's type
    message: str  # str(exception)

    def __str__(self) -> str:
        return f"section {self.name!r} failed: {self.error}: {self.message}"


# The boundary's catches in this process, newest last (bounded: a server runs for weeks). The
# tests fail on any catch they did not ask for (tests/conftest.py). With $GDM_SECTION_ERROR_LOG
# set, each catch is also appended there as a JSON line, so a test outside the server (the
# browser tests, the load test: harness/server.py sets it) sees it too.
SECTION_FAILURES: deque[SectionFailure] = deque(maxlen=256)
_failure_seq = itertools.count(1)


def failures_since(seq: int) -> list[SectionFailure]:
    """The boundary's catches after catch number ``seq`` (0: all those still kept)."""
    return [f for f in list(SECTION_FAILURES) if f.seq > seq]


def last_failure_seq() -> int:
    """The number of the latest catch (0 if none): a mark for :func:`failures_since`."""
    return SECTION_FAILURES[-1].seq if SECTION_FAILURES else 0


def _record_failure(name: str, exc: Exception) -> None:
    failure = SectionFailure(next(_failure_seq), name, type(exc).__name__, str(exc))
    SECTION_FAILURES.append(failure)
    path = os.environ.get("GDM_SECTION_ERROR_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"name": failure.name, "error": failure.error,
                                  "message": failure.message}) + "\n")


def guarded(fn: Callable, name: str) -> Callable:
    """``fn`` inside an error boundary: an exception becomes a message where it happened.

    Streamlit's own control flow (``st.rerun``, ``st.stop``) passes through: it is not an
    ``Exception``. Wrap a fragment nested inside a section with it too: Streamlit reports an
    exception in a nested fragment itself before the outer boundary could. Every catch is
    recorded (:data:`SECTION_FAILURES`), so a test cannot miss one.
    """

    @functools.wraps(fn)  # a fragment's identity is fn's module and name
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the boundary: log it, say it, go on
            _LOGGER.exception("section %r failed", name)
            _record_failure(name, exc)
            st.error(
                f"**{ERROR_MARKER}** ({type(exc).__name__}: {exc}). "
                "The rest of the page still works; change a control above or reload the "
                "page to try again."
            )
            return None

    return run


def section(name: str) -> Callable[[Callable], Callable]:
    """Make a function a page section: a fragment with its own error boundary.

    ``name`` is how the section is named in messages and in the call counts.
    """

    def decorate(fn: Callable) -> Callable:
        body = guarded(fn, name)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            _record(name)
            return body(*args, **kwargs)

        return st.fragment(run)

    return decorate


def show_tabs(key: str, tabs: Sequence[tuple[str, Callable[[], None]]]) -> str:
    """Tabs whose open one is in the URL (``?key=Label``); only the open tab's section runs.

    Returns the label of the open tab. A projector then shows one idea at a time, and the
    browser receives one section's elements instead of the whole page's.
    """
    labels = [label for label, _ in tabs]
    _record(f"page:{key}")  # tabs are drawn by full runs only: this counts the page's runs
    clean(key, labels[0], lambda v: v in labels)
    containers = st.tabs(labels, key=key, bind="query-params")
    opened = labels[0]
    for container, (label, run) in zip(containers, tabs):
        if container.open is False:
            continue
        opened = label
        with container:
            run()
    return opened
