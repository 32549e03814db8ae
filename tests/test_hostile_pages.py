"""Hostile input: random widget values and page switches never show an exception.

Hypothesis drives every page through AppTest like a student who tries everything: extremes,
zeros, negative and huge numbers where a number input allows them, buttons pressed at random,
and random page switches in between.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from gdm_core import ui
from tests.conftest import APP, TIMEOUT

PAGE_FILES = [p[0] for p in ui.PAGES]
WIDGET_KINDS = ("slider", "number_input", "selectbox", "radio", "checkbox", "toggle", "button",
                "segmented_control", "pills", "select_slider", "multiselect")
HUGE = 1e12


def _number(draw, lo, hi, integer: bool):
    lo = -HUGE if lo is None else lo
    hi = HUGE if hi is None else hi
    specials = [v for v in (lo, hi, 0, 1, -1, 1e-12, -1e-12, 0.5, 1e6, -1e6) if lo <= v <= hi]
    if integer:
        specials = sorted({int(math.ceil(v)) for v in specials if lo <= math.ceil(v) <= hi})
        value = draw(st.sampled_from(specials) | st.integers(int(math.ceil(lo)), int(hi)))
        return int(value)
    return draw(st.sampled_from(specials) | st.floats(lo, hi, allow_nan=False))


def _act(draw, at: AppTest) -> str:
    """Change one widget at random (or click a button); returns what was done."""
    widgets = [w for kind in WIDGET_KINDS for w in getattr(at, kind)]
    widgets = [w for w in widgets if not getattr(w, "disabled", False)]
    if not widgets:
        return "no widget"
    w = draw(st.sampled_from(widgets))
    kind = w.type
    if kind == "slider":
        value = w.value
        integer = isinstance(value, int) or (
            isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value))
        if isinstance(value, (list, tuple)):
            a = _number(draw, w.min, w.max, integer)
            b = _number(draw, w.min, w.max, integer)
            w.set_value((min(a, b), max(a, b)))
        elif isinstance(value, (int, float)):
            w.set_value(_number(draw, w.min, w.max, integer))
    elif kind == "number_input":
        integer = isinstance(w.value, int) and isinstance(w.step, int)
        w.set_value(_number(draw, w.min, w.max, integer))
    elif kind in ("selectbox",):
        if w.options:
            w.select_index(draw(st.integers(0, len(w.options) - 1)))
    elif kind in ("radio", "select_slider") or kind == "button_group":
        options = list(w.options)
        if options and all(isinstance(o, str) for o in options):
            choice = draw(st.sampled_from(options))
            if kind == "button_group" and not isinstance(w.value, (str, type(None))):
                w.set_value([choice])
            else:
                w.set_value(choice)
    elif kind == "multiselect":
        if w.options:
            w.set_value(draw(st.lists(st.sampled_from(list(w.options)), unique=True)))
    elif kind in ("checkbox", "toggle"):
        w.set_value(draw(st.booleans()))
    elif kind == "button":
        w.click()
    return f"{kind} {getattr(w, 'label', '')!r} -> {getattr(w, '_value', None)!r}"


def _check(at: AppTest, history: list[str]) -> None:
    assert not at.exception, (history, [e.message for e in at.exception])
    for metric in at.metric:
        assert "nan" not in str(metric.value).lower(), (history, metric.label, metric.value)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_widgets_and_page_switches_never_raise(data):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    history = ["start"]
    _check(at, history)
    for _ in range(6):
        if data.draw(st.integers(0, 3)) == 0:
            page = data.draw(st.sampled_from(PAGE_FILES))
            history.append(f"switch {page}")
            at.switch_page(f"pages/{page}")
        else:
            history.append(_act(data.draw, at))
        at.run()
        _check(at, history)


def _page_test(page: str):
    @settings(max_examples=10, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def test(data):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        history = [f"switch {page}"]
        if page != "home.py":
            at.switch_page(f"pages/{page}").run()
        _check(at, history)
        for _ in range(5):
            history.append(_act(data.draw, at))
            at.run()
            _check(at, history)

    test.__name__ = f"test_hostile_widgets_on_{page[:-3]}"
    return test


for _page in PAGE_FILES[1:]:
    globals()[f"test_hostile_widgets_on_{_page[:-3]}"] = _page_test(_page)
