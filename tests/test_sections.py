"""The page toolkit's promises, checked on the real pages through AppTest.

1. Each section has its own error boundary: one that raises shows a message, the rest of the
   page still renders.
2. Tabs are lazy: only the open tab's section runs (``ui.SECTION_CALLS``).
3. A widget in one section leaves the other sections' inputs and the page's elements alone.
4. The URL restores the view: a fresh session given the query string of a session shows the
   same numbers; the old ``?preset=`` links still work.
5. Hostile session state (a crafted client) is reset to the default with a warning.

AppTest reruns the whole script on every change (no fragment-scoped reruns), so call counts
are compared over runs in which exactly one tab is open.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from streamlit.testing.v1 import AppTest

from gdm_core import games
from tests.conftest import (
    APP, ROOT, TAB_KEYS, TIMEOUT, CallCounter, from_url, metric_values, no_exception, open_tab,
    reset_warnings, section_errors, standalone, tab_labels, url_value, via_app,
)

SECTIONS = {  # tab label -> the section's name in ui.SECTION_CALLS
    "minimax.py": {"Trajectories": "Trajectories", "Theory vs measurement":
                   "Theory and measurement", "The saddle": "The saddle",
                   "Why GANs": "Why this is the GAN problem"},
    "information.py": {"Surprise": "Surprise and entropy", "Yes/no questions":
                       "Perfect yes/no questions", "Two rolls": "Two rolls",
                       "Many rolls": "Many rolls", "Coin": "Coin",
                       "Two variables": "Two variables", "KL: extra bits": "KL: extra bits"},
    "divergences.py": {"Parallel lines": "Two parallel lines", "Gradients": "Gradients",
                       "From samples": "Estimating from samples",
                       "Discriminator vs critic": "Discriminator vs critic",
                       "Plan and critic": "Transport: plan and critic",
                       "Two Gaussians": "Two Gaussians", "Support": "Support and infinite KL",
                       "Heavy tails": "Normal and Cauchy"},
}
TITLES = {"minimax.py": "Minimax", "information.py": "Information",
          "divergences.py": "Divergences"}


def snapshot(at, kinds=("number_input", "slider", "selectbox", "toggle", "checkbox", "radio",
                        "select_slider")) -> dict:
    return {(kind, w.key): w.value for kind in kinds for w in getattr(at, kind)}


def page_text(at) -> list:
    return ([t.value for t in at.title] + [ltx.value for ltx in at.latex]
            + [m.value for m in at.markdown])


# --- 1. error boundaries ----------------------------------------------------------------------

def _boom(*args, **kwargs):
    raise RuntimeError("boom for the test")


@pytest.mark.parametrize("page, target, label, still_there", [
    # (the die is drawn above the tabs that use it only: not above Coin or KL)
    ("information.py", "gdm_core.information.bernoulli_entropy", "Coin", None),
    ("information.py", "gdm_core.information.huffman_code", "Yes/no questions", "info_p_1"),
    ("information.py", "gdm_core.information.kl_divergence", "KL: extra bits", None),
    ("divergences.py", "gdm_core.divergences.support_divergences", "Support", None),
    ("divergences.py", "gdm_core.divergences.gaussians", "Two Gaussians", None),
    ("minimax.py", "gdm_core.tables.minimax_rows", "Theory vs measurement", "mm_lr"),
    ("minimax.py", "gdm_app.figures.games.saddle_surface", "The saddle", "mm_steps"),
])
def test_a_failing_section_shows_its_message_and_the_page_goes_on(
        monkeypatch, section_failures, page, target, label, still_there):
    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(module + "." + name, _boom)
    at = via_app(page, **{TAB_KEYS[page]: label})
    no_exception(at, sections_may_fail=True)
    errors = section_errors(at)
    assert len(errors) == 1, [e.value for e in at.error]
    assert "RuntimeError: boom for the test" in errors[0]
    # the boundary recorded the catch: what makes any other test fail on it
    caught = section_failures()
    assert caught and {(f.name, f.error, f.message) for f in caught} == {
        (SECTIONS[page][label], "RuntimeError", "boom for the test")}, caught
    assert "The rest of the page still works" in errors[0]
    assert at.title[0].value == TITLES[page]
    assert tab_labels(at) == list(SECTIONS[page])
    assert at.radio(key="units").value == "bits"  # the sidebar, outside the section
    if still_there:  # the die editor / the Minimax controls are page-level
        assert at.number_input(key=still_there).value is not None
    # the other tabs still work
    for other in SECTIONS[page]:
        if other != label:
            open_tab(at, TAB_KEYS[page], other)
            no_exception(at)
            assert not section_errors(at), (other, [e.value for e in at.error])


def test_the_error_boundary_does_not_keep_a_good_section_broken(monkeypatch, section_failures):
    monkeypatch.setattr("gdm_core.information.bernoulli_entropy", _boom)
    at = standalone("information.py", info_tab="Coin")
    assert section_errors(at)
    assert [f.name for f in section_failures()] == ["Coin"]
    monkeypatch.undo()
    at.slider(key="info_coin_p").set_value(0.5).run()
    no_exception(at)
    assert not section_errors(at)
    assert [f.name for f in section_failures()] == ["Coin"]  # no new catch
    assert metric_values(at)["H(0.50)"] == "1.000 bits"


def test_a_catch_fails_any_test_that_did_not_ask_for_it(tmp_path):
    # The conftest's hook: a test during which a section's boundary fired fails, naming the
    # section and its error, even if the test never looked; asking for section_failures allows it.
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_runtest_call, section_failures  # noqa: F401\n")
    (tmp_path / "test_inner.py").write_text(
        "from gdm_app.ui import sections\n\n"
        "def test_quiet_failure():\n"
        "    sections.guarded(lambda: 1 / 0, 'Divide')()  # st.error outside a run: no-op\n\n"
        "def test_asked_for_it(section_failures):\n"
        "    sections.guarded(lambda: 1 / 0, 'Divide')()\n"
        "    assert [f.error for f in section_failures()] == ['ZeroDivisionError']\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    out = done.stdout + done.stderr
    assert "1 failed, 1 passed" in out, out
    assert "error boundary fired" in out, out
    assert "section 'Divide' failed: ZeroDivisionError: division by zero" in out, out


# --- 2. lazy tabs -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", list(SECTIONS))
def test_only_the_open_tab_runs(page):
    key, sections = TAB_KEYS[page], SECTIONS[page]
    counter = CallCounter()
    first = next(iter(sections))
    counter.start()
    at = standalone(page)
    no_exception(at)
    assert counter.delta() == {sections[first]: 1}
    assert counter.page_runs(key) == 1
    for label, name in list(sections.items())[1:] + [(first, sections[first])]:
        counter.start()
        open_tab(at, key, label)
        no_exception(at)
        assert counter.delta() == {name: 1}, label
        assert at.session_state[key] == label
    # a full rerun (what a page-level input causes) still runs only the open tab
    counter.start()
    at.run()
    assert counter.delta() == {sections[first]: 1}


def test_a_tab_named_in_the_url_is_the_only_one_that_runs():
    counter = CallCounter()
    counter.start()
    at = from_url("divergences.py", {"div_tab": "Two Gaussians"})
    no_exception(at)
    assert counter.delta() == {"Two Gaussians": 1}
    assert "W2" in metric_values(at)


# --- 3. a widget in one section leaves the others alone ---------------------------------------

def test_minimax_step_slider_changes_only_its_section():
    at = standalone("minimax.py")
    at.number_input(key="mm_lr").set_value(0.3)
    at.toggle(key="mm_optimistic").set_value(False).run()
    controls, text = snapshot(at), page_text(at)
    counter = CallCounter()
    counter.start()
    at.slider(key="mm_k").set_value(12).run()
    no_exception(at)
    assert counter.delta() == {"Trajectories": 1}
    after = snapshot(at)
    assert after.pop(("slider", "mm_k")) == 12
    controls.pop(("slider", "mm_k"))
    assert after == controls
    assert page_text(at) == text


def test_information_coin_slider_leaves_the_dice_alone():
    at = standalone("information.py")
    at.selectbox(key="info_preset").set_value("loaded").run()
    open_tab(at, "info_tab", "Coin")
    # the die is drawn above the tabs that use it only
    assert not [w for w in at.number_input if w.key.startswith("info_p_")]
    before = snapshot(at)
    counter = CallCounter()
    counter.start()
    at.slider(key="info_coin_p").set_value(0.9).run()
    no_exception(at)
    assert counter.delta() == {"Coin": 1}
    after = snapshot(at)
    assert after.pop(("slider", "info_coin_p")) == 0.9
    before.pop(("slider", "info_coin_p"))
    assert after == before
    open_tab(at, "info_tab", "Surprise")
    # the loaded die was kept while Coin was open
    assert [at.number_input(key=f"info_p_{f}").value for f in "123456"] == [0.1] * 5 + [0.5]
    assert metric_values(at)["H(X)"] == "2.161 bits"
    open_tab(at, "info_tab", "Coin")
    assert at.slider(key="info_coin_p").value == 0.9  # kept while the tab was closed


def test_divergences_critic_slider_leaves_theta_alone():
    at = standalone("divergences.py")
    at.slider(key="div_theta").set_value(-0.3).run()
    lines = metric_values(at)
    open_tab(at, "div_tab", "Discriminator vs critic")
    at.slider(key="div_gap").set_value(6.0).run()
    no_exception(at)
    open_tab(at, "div_tab", "Parallel lines")
    assert at.slider(key="div_theta").value == -0.3
    assert metric_values(at) == lines
    open_tab(at, "div_tab", "Gradients")
    assert "dW/dθ at θ = -0.3" in metric_values(at)


# --- 4. the URL restores the view -------------------------------------------------------------

def url_of(at, tab_key: str) -> dict[str, str]:
    """The query string a browser shows for this session: every widget bound to the URL that
    was drawn in the last run (Streamlit removes the others' parameters), and the open tab."""
    params = {}
    for kind in ("number_input", "slider", "selectbox", "toggle", "checkbox", "radio",
                 "select_slider"):
        for w in getattr(at, kind):
            if not getattr(w.proto, "query_param_key", ""):
                continue
            if kind in ("selectbox", "radio", "select_slider"):
                params[w.key] = w.format_func(w.value)
            else:
                params[w.key] = url_value(w.value)
    params[tab_key] = at.session_state[tab_key]
    return params


def assert_same_view(at, params, page):
    fresh = from_url(page, params)
    no_exception(fresh)
    assert metric_values(fresh) == metric_values(at)
    tables = [m.value for m in at.markdown if m.value.startswith("|")]
    assert [m.value for m in fresh.markdown if m.value.startswith("|")] == tables
    assert snapshot(fresh) == snapshot(at)
    return fresh


def test_url_restores_a_minimax_view():
    at = standalone("minimax.py")
    at.number_input(key="mm_lr").set_value(0.3)
    at.number_input(key="mm_steps").set_value(40)
    at.toggle(key="mm_optimistic").set_value(False).run()
    open_tab(at, "mm_tab", "Theory vs measurement")
    params = url_of(at, "mm_tab")
    assert {"mm_lr": "0.3", "mm_steps": "40", "mm_optimistic": "false",
            "mm_tab": "Theory vs measurement"}.items() <= params.items()
    fresh = assert_same_view(at, params, "minimax.py")
    path = games.run_dynamics("simultaneous", (1.0, 0.5), 0.3, 40)
    table = next(m.value for m in fresh.markdown if m.value.startswith("| method"))
    assert f"{math.hypot(*path[-1]):.6g} (k=40)" in table
    assert "| Optimistic GDA |" not in table


def test_url_restores_the_theory_table_at_a_chosen_step():
    at = standalone("minimax.py")
    at.slider(key="mm_k").set_value(25).run()
    open_tab(at, "mm_tab", "Theory vs measurement")
    assert "Theory and measurement at step k = 25" in [s.value for s in at.subheader]
    fresh = from_url("minimax.py", url_of(at, "mm_tab"))
    assert "Theory and measurement at step k = 25" in [s.value for s in fresh.subheader]


def test_url_restores_an_information_view():
    at = standalone("information.py")
    at.selectbox(key="info_preset").set_value("loaded").run()
    at.selectbox(key="info_face").set_value("6").run()
    params = url_of(at, "info_tab")  # Surprise: the die and the face
    assert params["info_p_6"] == "0.5" and params["info_face"] == "6"
    assert params["info_preset"] == "loaded (6 comes up half the time)"
    assert_same_view(at, params, "information.py")
    open_tab(at, "info_tab", "Coin")
    at.slider(key="info_coin_p").set_value(0.35).run()
    params = url_of(at, "info_tab")
    assert params["info_coin_p"] == "0.35"
    assert "info_p_6" not in params  # Coin reads no die, and none is drawn above it
    fresh = assert_same_view(at, params, "information.py")
    assert metric_values(fresh)["H(0.35)"] == "0.934 bits"
    # and the joint table: cells typed by hand
    at = standalone("information.py", info_tab="Two variables")
    at.number_input(key="info_joint_0_0").set_value(0.3)
    at.number_input(key="info_joint_0_1").set_value(0.2).run()
    assert_same_view(at, url_of(at, "info_tab"), "information.py")


def test_url_restores_a_divergences_view():
    at = standalone("divergences.py", div_tab="Two Gaussians")
    at.slider(key="div_mu2").set_value(-1.5).run()
    assert not at.checkbox(key="div_same_sigma").value  # σ2 ≠ σ1 is the default
    at.select_slider(key="div_sigma2").set_value(0.2).run()
    params = url_of(at, "div_tab")
    assert params["div_sigma2"] == "0.2" and params["div_same_sigma"] == "false"
    fresh = assert_same_view(at, params, "divergences.py")
    assert metric_values(fresh)["W2"] == f"{math.hypot(1.5, 0.8):.4f}"


def test_url_restores_theta_on_the_gradients_tab():
    at = standalone("divergences.py")
    at.slider(key="div_theta").set_value(-0.3).run()
    open_tab(at, "div_tab", "Gradients")
    assert "dW/dθ at θ = -0.3" in metric_values(at)
    fresh = from_url("divergences.py", url_of(at, "div_tab"))
    assert "dW/dθ at θ = -0.3" in metric_values(fresh)


@pytest.mark.parametrize("through_app", [False, True])
def test_legacy_preset_links(through_app):
    at = from_url("minimax.py", {"preset": "spiral"}, through_app)
    no_exception(at)
    assert at.selectbox(key="mm_preset").value == "spiral"
    assert [m for m in games.METHODS if at.toggle(key=f"mm_{m}").value] == ["simultaneous"]
    assert at.number_input(key="mm_steps").value == 60 and at.slider(key="mm_k").value == 60

    at = from_url("information.py", {"preset": "loaded"}, through_app)
    no_exception(at)
    assert [at.number_input(key=f"info_p_{f}").value for f in "123456"] == [0.1] * 5 + [0.5]
    assert metric_values(at)["H(X)"] == "2.161 bits"

    at = from_url("information.py", {"preset": "teacher"}, through_app)
    no_exception(at)
    assert at.session_state["info_tab"] == "Two variables"
    assert metric_values(at)["I(X;Y)"] == "0.610 bits"

    at = from_url("divergences.py", {"preset": "disjoint"}, through_app)
    no_exception(at)
    assert at.session_state["div_tab"] == "Support"
    assert at.radio(key="div_preset").value == "disjoint"
    assert metric_values(at)["KL(P‖Q)"] == "∞ bits"


# --- 5. hostile session state -----------------------------------------------------------------

# (key, a value the widget cannot show, the tab that draws it, the default it goes back to)
HOSTILE = {
    "minimax.py": [
        ("mm_x0", "1.0", "Trajectories", 1.0), ("mm_y0", math.nan, "Trajectories", 0.5),
        ("mm_lr", 1e300, "Trajectories", 0.2), ("mm_lr", -5, "Trajectories", 0.2),
        ("mm_steps", 2.5, "Trajectories", 100), ("mm_steps", 0, "Trajectories", 100),
        ("mm_steps", True, "Trajectories", 100), ("mm_preset", "evil", "Trajectories",
                                                  "compare"),
        ("mm_optimistic", "yes", "Trajectories", True),
        ("mm_tab", "Nope", "Trajectories", "Trajectories"),
        ("seed", -1, "Trajectories", 0), ("units", "dits", "Trajectories", "bits"),
    ],
    "information.py": [
        ("info_preset", "cheat", "Surprise", "uneven"), ("info_p_1", -5, "Surprise", 0.05),
        ("info_p_2", math.nan, "Surprise", 0.05), ("info_p_3", "0.2", "Surprise", 0.1),
        ("info_face", "7", "Surprise", "3"), ("info_x1", 6, "Two rolls", "6"),
        ("info_n", 1e300, "Many rolls", 1000), ("info_n", 5, "Many rolls", 1000),
        ("info_coin_p", -5, "Coin", 0.2), ("info_coin_p", "half", "Coin", 0.2),
        ("info_joint_rows", 9, "Two variables", 2), ("info_joint_0_0", math.inf,
                                                     "Two variables", 0.5),
        ("info_joint_preset", None, "Two variables", "teacher"),
        ("info_kl_p_preset", "x", "KL: extra bits", "loaded"),
        ("info_kl_q_6", 1.5, "KL: extra bits", 1 / 6), ("info_tab", 3, "Surprise", "Surprise"),
    ],
    "divergences.py": [
        ("div_theta", "x", "Parallel lines", 0.5), ("div_theta0", 2.0, "Gradients", 0.8),
        ("div_lr", 0.3, "Gradients", 0.1), ("div_steps", 4, "Gradients", 25),
        ("div_n", 2000, "From samples", 40), ("div_gap", -5, "Discriminator vs critic", 2.0),
        ("div_sigma4", math.nan, "Discriminator vs critic", 1.0),
        ("div_mu2", 1e300, "Two Gaussians", 1.0), ("div_sigma1", "1.0", "Two Gaussians", 1.0),
        ("div_same_sigma", 1, "Two Gaussians", False), ("div_preset", ["disjoint"], "Support",
                                                        "disjoint"),
    ],
}
CASES = [(page, *case) for page, cases in HOSTILE.items() for case in cases]


@pytest.mark.parametrize("page, key, bad, label, default", CASES,
                         ids=[f"{c[0][:-3]}-{c[1]}-{c[2]!r}" for c in CASES])
def test_hostile_session_state_is_reset_with_a_warning(page, key, bad, label, default):
    tab_key = TAB_KEYS[page]
    reference = via_app(page, **{tab_key: label})
    state = {tab_key: label, key: bad} if key != tab_key else {key: bad}
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()  # the home page: the sidebar's settings are checked here
    warnings = reset_warnings(at)
    at.switch_page(f"pages/{page}").run()
    no_exception(at)
    warnings += reset_warnings(at)
    assert len(warnings) == 1, warnings
    assert repr(bad) in warnings[0] and f"reset to {default!r}" in warnings[0]
    value = at.session_state[key]
    if isinstance(default, float):
        assert value == pytest.approx(default)
    else:
        assert value == default
    # everything else is as on a clean start
    assert snapshot(at) == snapshot(reference)
    assert metric_values(at) == metric_values(reference)
    assert not at.error


def test_hostile_state_mid_session_in_a_closed_tab():
    """A crafted value written while its tab is closed is caught when the tab opens."""
    at = standalone("information.py")
    at.session_state["info_coin_p"] = 7.0
    at.run()
    no_exception(at)
    open_tab(at, "info_tab", "Coin")
    no_exception(at)
    assert any("7.0 cannot be used for “p = P(heads)”" in w for w in reset_warnings(at))
    assert at.slider(key="info_coin_p").value == 0.2
    assert metric_values(at)["H(0.20)"] == "0.722 bits"


def test_a_crafted_step_is_put_back_to_the_end_of_the_run():
    """mm_k is corrected by the Trajectories section itself (a k the run cannot show, e.g.
    after Steps shrank, goes back to the end), silently: no warning, no exception."""
    for bad in (10**6, -1, "7", 2.5, None):
        at = standalone("minimax.py", mm_k=bad)
        no_exception(at)
        assert at.slider(key="mm_k").value == 100
        open_tab(at, "mm_tab", "Theory vs measurement")
        assert "Theory and measurement at step k = 100" in [s.value for s in at.subheader]
