"""Hostile input at the protocol level: a crafted client's widget values.

A browser can only send what a widget allows; a crafted client can put anything in the
``WidgetStates`` message that starts a script run. ``AppTest`` sends that very message, so here
it is built by hand: for every slider and number input on every page, a value far outside the
widget's range, NaN and infinity, and a value of the wrong type (a string where a number goes).

Expected: no exception and no traceback for that session, and no section's error boundary
firing (out-of-range values are refused and the widget keeps a value in its range; a wrong type
gets a message, not a traceback), and the other sessions in the same server process are
unaffected: an honest session open at the same time sees the same numbers before and after, and
a new session starts clean.
"""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from gdm_app import ui
from tests.conftest import APP, TIMEOUT, no_exception

pytestmark = pytest.mark.slow  # about two minutes
PAGES = [p[0] for p in ui.PAGES if p[0] != "home.py"]


def open_page(file: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(f"pages/{file}").run()
    return at


def numeric_widgets(at: AppTest) -> list:
    return [w for w in list(at.main.slider) + list(at.main.number_input)
            if isinstance(w.value, (int, float)) and not isinstance(w.value, bool)]


def crafted_run(at: AppTest, widget_id: str, mutate) -> AppTest:
    """Rerun with the widget's state rewritten by ``mutate`` (a WidgetState proto)."""
    states = at._tree.get_widget_states()
    for state in states.widgets:
        if state.id == widget_id:
            mutate(state)
    return at._run(widget_state=states)


def out_of_range(kind: str, value: float):
    def mutate(state):
        if kind == "slider":
            state.double_array_value.data[:] = [value]
        elif state.WhichOneof("value") == "int_value" and math.isfinite(value):
            state.int_value = int(value)
        else:
            state.double_value = value
    return mutate


def wrong_type(state):
    state.string_value = "'; DROP TABLE students; --"


def shown(at: AppTest) -> list:
    """What a student reads: every number and text on the page (for the unaffected check)."""
    return ([m.value for m in at.main.markdown] + [m.value for m in at.main.metric]
            + [w.value for w in numeric_widgets(at)])


@pytest.mark.parametrize("file", PAGES)
@pytest.mark.parametrize("value", [1e300, -1e300, math.nan, math.inf])
def test_a_number_outside_the_range_is_refused(file, value):
    at = open_page(file)
    widgets = numeric_widgets(at)
    if not widgets:
        pytest.skip(f"{file} has no numeric widget in its open tab")
    for i in range(len(widgets)):
        w = numeric_widgets(at)[i]
        kind = w.type
        lo, hi = w.min, w.max
        crafted_run(at, w.id, out_of_range(kind, value))
        try:
            no_exception(at)  # no traceback, no section's error message
        except AssertionError as err:
            raise AssertionError((file, w.label, value)) from err
        after = [x for x in numeric_widgets(at) if x.id == w.id]
        if after:
            v = after[0].value
            assert math.isfinite(v) and (lo is None or v >= lo) and (hi is None or v <= hi), \
                (file, w.label, value, v)


@pytest.mark.parametrize("file", PAGES)
def test_a_value_of_the_wrong_type_gets_a_message_not_a_traceback(file):
    at = open_page(file)
    widgets = numeric_widgets(at)
    if not widgets:
        pytest.skip(f"{file} has no numeric widget in its open tab")
    crafted_run(at, widgets[0].id, wrong_type)
    no_exception(at)
    assert at.warning or at.error, "no message for the refused value"


@pytest.mark.parametrize("file", PAGES)
def test_other_sessions_are_unaffected(file):
    honest = open_page(file)
    before = shown(honest)
    hostile = open_page(file)
    for w in numeric_widgets(hostile):
        kind = w.type
        for value in (1e300, math.nan):
            crafted_run(hostile, w.id, out_of_range(kind, value))
    if numeric_widgets(hostile):
        crafted_run(hostile, numeric_widgets(hostile)[0].id, wrong_type)
    honest.run()
    no_exception(honest)
    assert shown(honest) == before
    fresh = open_page(file)
    no_exception(fresh)
    assert shown(fresh) == before


def test_an_unreadable_number_is_named_in_a_message():
    # NaN for an integer input made Streamlit's own deserialiser raise (int(nan)) before any
    # page code ran; gdm_app.ui.protocol reads it as the default and the page says so.
    at = open_page("minimax.py")
    steps = next(w for w in numeric_widgets(at) if w.key == "mm_steps")
    crafted_run(at, steps.id, out_of_range("number", math.nan))
    no_exception(at)
    assert any("could not be read as numbers" in w.value for w in at.warning)
    assert at.number_input(key="mm_steps").value == 100  # the preset's default
