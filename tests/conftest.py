"""Shared test helpers: run a page through the app (as a browser would) or on its own.

Pages show their sections in tabs whose open one is in ``st.session_state[<tab key>]`` (and
the URL); only the open tab's section runs, so a test opens the tab it looks at. The tab key
can be passed like any other state: ``standalone("minimax.py", mm_tab="The saddle")``.

**A section's error boundary fails the test.** The boundary turns an exception into a message
on the page (the user sees the rest of it); every catch is recorded in
``gdm_app.ui.SECTION_FAILURES``, and any catch during a test fails that test with the section's
name and error (``pytest_runtest_call`` below), whether or not the test looked. A test that
forces a section to fail asks for the ``section_failures`` fixture and checks what it caught.
"""

from __future__ import annotations

import ast
import math
import sys
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 60  # seconds per script run: generous, the CI machine may be busy


def _page_tabs() -> dict[str, tuple[str, list[str]]]:
    """Each page's tabs as its file declares them: {file: (tab key, [labels])}, read from the
    literal ``ui.show_tabs("key", [("Label", section), ...])`` call (no page is run)."""
    tabs = {}
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "show_tabs"):
                key, pairs = node.args[0], node.args[1]
                tabs[path.name] = (ast.literal_eval(key),
                                   [ast.literal_eval(pair.elts[0]) for pair in pairs.elts])
    return tabs


# {page file: (tab key, [tab labels])} for every page with tabs (the home page has none).
PAGE_TABS = _page_tabs()
# The key under which each page keeps its open tab (also the URL parameter).
TAB_KEYS = {page: key for page, (key, _) in PAGE_TABS.items()}


# --- the error boundary fails the test ----------------------------------------------------------

def _sections_module():
    # Only once some page ran: a test of gdm_core alone never imports Streamlit's toolkit.
    return sys.modules.get("gdm_app.ui.sections")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    sections = _sections_module()
    mark = sections.last_failure_seq() if sections else 0
    result = yield
    sections = _sections_module()
    if sections is not None and "section_failures" not in getattr(item, "fixturenames", ()):
        caught = sections.failures_since(mark)
        if caught:
            pytest.fail("a section's error boundary fired during the test (the page showed "
                        "its message instead of the section):\n"
                        + "\n".join(f"  {f}" for f in caught), pytrace=False)
    return result


@pytest.fixture
def section_failures():
    """For a test that makes a section fail on purpose: the boundary's catches since the test
    started, as a function (``section_failures()`` → [SectionFailure(name, error, message)]).
    Asking for this fixture lets the test pass with catches; it should assert on them."""
    from gdm_app.ui import sections

    mark = sections.last_failure_seq()
    return lambda: sections.failures_since(mark)


# --- shared fixtures ----------------------------------------------------------------------------

@pytest.fixture
def one_thread():
    """torch on one thread for the test: tiny models run faster and bit-for-bit repeatably, and
    a busy 2-core machine is shared fairly. Use with ``pytestmark = pytest.mark.usefixtures(
    "one_thread")``."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _split_tab(page: str, state: dict) -> tuple[dict, str | None]:
    # AppTest quirk: once a tab key was written to session state before the tabs were first
    # drawn, later writes no longer switch the tab. So the tab is opened after the first run,
    # the way open_tab does it (a browser click sends the tab's own value and always works).
    key = TAB_KEYS.get(page)
    if key in state and isinstance(state[key], str):
        state = dict(state)
        return state, state.pop(key)
    return state, None


def via_app(page: str, **state) -> AppTest:
    """The page as reached from app.py's navigation (sidebar settings drawn)."""
    state, tab = _split_tab(page, state)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "home.py":
        at.switch_page(f"pages/{page}").run()
    return open_tab(at, TAB_KEYS[page], tab) if tab else at


def standalone(page: str, **state) -> AppTest:
    """The page run on its own, without app.py (a deep link, the known trap)."""
    state, tab = _split_tab(page, state)
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return open_tab(at, TAB_KEYS[page], tab) if tab else at


def from_url(page: str, params: dict[str, str], through_app: bool = False) -> AppTest:
    """A fresh session opened on ``page`` with exactly ``params`` in its query string."""
    at = AppTest.from_file(APP if through_app else str(ROOT / "pages" / page),
                           default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if through_app and page != "home.py":
        at.switch_page(f"pages/{page}").run()
    return at


@pytest.fixture(params=["via_app", "standalone"])
def run_page(request):
    """Parametrise a page test over both ways a page can be run."""
    return via_app if request.param == "via_app" else standalone


def no_exception(at: AppTest, *, sections_may_fail: bool = False) -> None:
    """No traceback on the page, and no section showing its error boundary's message (unless
    the test made a section fail on purpose: ``sections_may_fail=True``)."""
    assert not at.exception, [e.message for e in at.exception]
    if not sections_may_fail:
        assert not section_errors(at), section_errors(at)


def tab_labels(at: AppTest) -> list[str]:
    """The labels of the page's tabs, in order (all of them, open or not)."""
    return [t.label for t in at.tabs]


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` (as a click on it would) and rerun."""
    assert label in tab_labels(at), (label, tab_labels(at))
    at.session_state[key] = label
    at.run()
    assert at.session_state[key] == label, f"AppTest did not switch {key} to {label!r}"
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def section_errors(at: AppTest) -> list[str]:
    """The error boundaries' messages on the page (each starts with ``ui.ERROR_MARKER``)."""
    from gdm_app.ui.sections import ERROR_MARKER

    return [e.value for e in at.error if e.value.startswith(f"**{ERROR_MARKER}**")]


def reset_warnings(at: AppTest) -> list[str]:
    """The warnings the sanitiser shows for a value it put back to the default."""
    return [w.value for w in at.warning if "cannot be used" in w.value]


class CallCounter:
    """Which sections ran between ``start()`` and ``delta()`` (ui.SECTION_CALLS is a
    process-wide Counter; AppTest runs the script in this process)."""

    def __init__(self):
        from gdm_app.ui import SECTION_CALLS

        self.calls = SECTION_CALLS
        self.before = Counter()

    def start(self) -> None:
        self.before = Counter(self.calls)

    def delta(self) -> dict[str, int]:
        """Section runs since ``start()`` (``page:<tab key>`` entries count full page runs)."""
        return {k: v for k, v in (Counter(self.calls) - self.before).items()
                if v and not k.startswith("page:")}

    def page_runs(self, tab_key: str) -> int:
        return self.calls[f"page:{tab_key}"] - self.before[f"page:{tab_key}"]


def url_value(value) -> str:
    """How Streamlit writes a widget value into the query string (numbers without a
    trailing .0, booleans in lower case)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


# --- Plotly figures as the page sent them --------------------------------------------------------

def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (as JSON) of the chart with this widget key."""
    import json

    for el in at.get("plotly_chart"):
        if el.proto.id.endswith("-" + key):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key}; have {[e.proto.id for e in at.get('plotly_chart')]}")


def plotly_array(value):
    """A trace array from figure JSON: a plain list, or Plotly's typed array {dtype, bdata}."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return out.reshape(shape) if shape else out
    return np.asarray(value)


def trace(fig: dict, name: str) -> dict:
    """The trace of a figure with this name."""
    return next(t for t in fig["data"] if t.get("name") == name)


# --- colours ------------------------------------------------------------------------------------

def contrast_on_white(colour) -> float:
    """WCAG 2 contrast ratio of an sRGB colour against white: ``"#rrggbb"``, ``"rgb(r, g, b)"``
    (what a browser's computed style says) or three numbers 0–255.

    Linearisation per IEC 61966-2-1 (sRGB): c/12.92 up to 0.04045, the power curve above.
    (WCAG 2.0 printed 0.03928; for 8-bit channels both give the same result.)"""
    if isinstance(colour, str):
        text = colour.strip()
        if text.startswith("#"):
            rgb = [int(text[i:i + 2], 16) for i in (1, 3, 5)]
        else:
            rgb = [float(x) for x in text[text.index("(") + 1:text.index(")")].split(",")[:3]]
    else:
        rgb = list(colour)[:3]

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    return 1.05 / (lum + 0.05)
