"""The Minimax page in AppTest: every control, both through app.py and on its own.

The controls are drawn at page level; the step slider ``mm_k`` and the two figures are in the
"Trajectories" tab, the theory table and the alternating Q metrics in "Theory vs
measurement", the 3-D saddle in "The saddle", the GAN text in "Why GANs". Only the open tab
runs, so a test opens the tab it looks at (``open_tab``).
"""

import json
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gdm_core import games
from tests.conftest import (
    ROOT, TIMEOUT, chart, no_exception, open_tab, plotly_array, reset_warnings, standalone,
    tab_labels, via_app,
)

PAGE = "minimax.py"
TRAJ, THEORY, SADDLE, GAN = "Trajectories", "Theory vs measurement", "The saddle", "Why GANs"


def tab(at, label):
    return open_tab(at, "mm_tab", label)


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


VIEW_NOTE = " (leaves the view)"  # the trajectory view fits the bounded runs and says so


def traces(fig, name):
    return [t for t in fig["data"] if t.get("name", "").removesuffix(VIEW_NOTE) == name]


def xy(trace):
    return np.c_[plotly_array(trace["x"]).astype(float), plotly_array(trace["y"]).astype(float)]


def table(at):
    """The theory table (opens its tab)."""
    if at.session_state["mm_tab"] != THEORY:
        tab(at, THEORY)
    return next(m.value for m in at.markdown if m.value.startswith("| method"))


def texts(elements):
    return " ".join(e.value for e in elements)


def test_default_page(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "Minimax"
    assert tab_labels(at) == [TRAJ, THEORY, SADDLE, GAN]
    assert at.selectbox(key="mm_preset").value == "compare"
    assert at.slider(key="mm_k").value == 100
    traj, dist = chart(at, "mm_fig_traj"), chart(at, "mm_fig_dist")
    assert len(at.get("plotly_chart")) == 2  # the other tabs did not run
    p = games.run_dynamics("simultaneous", (1.0, 0.5), 0.2, 100)
    np.testing.assert_allclose(xy(traces(traj, "Simultaneous GDA")[0]), p)
    assert traj["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert dist["layout"]["yaxis"]["type"] == "log"
    # theory and measurement side by side for the three closed forms
    for name in ("Simultaneous theory", "Extragradient theory", "Optimistic theory"):
        assert any(t["name"].startswith(name) for t in dist["data"])
    assert not at.warning and not at.error
    rho = math.sqrt(1 + 0.2**2)
    assert f"{rho:.6g}" in table(at)
    measured = math.hypot(1.0, 0.5) * rho**100
    assert f"{measured:.6g} (k=100)" in table(at)
    assert "Theory and measurement at step k = 100" in texts(at.subheader)
    assert at.slider(key="mm_k").value == 100  # every tab that shows step k draws its slider
    assert not at.warning and not at.error
    tab(at, SADDLE)
    no_exception(at)
    assert chart(at, "mm_fig_saddle")["data"][0]["type"] == "surface"
    # the GAN connection is on the page, with the value function
    tab(at, GAN)
    no_exception(at)
    assert "generator" in texts(at.markdown) and "alternating" in texts(at.markdown)
    assert any("D_\\varphi" in ltx.value for ltx in at.latex)
    # its picture: the shared value x·y along each run (a GAN's loss curve in miniature)
    value = chart(at, "mm_fig_value")
    assert len(at.get("plotly_chart")) == 1
    for m in games.METHODS:
        path = games.run_dynamics(m, (1.0, 0.5), 0.2, 100)
        trace = traces(value, games.METHOD_LABELS[m])[0]
        np.testing.assert_allclose(plotly_array(trace["y"]).astype(float),
                                   path[:, 0] * path[:, 1])


def test_theory_tab_draws_each_rate_with_what_its_run_measured(run_page):
    at = tab(run_page(PAGE), THEORY)
    rates = chart(at, "mm_fig_rates")
    for m in games.METHODS:
        label = games.METHOD_LABELS[m]
        curve = traces(rates, label)[0]
        lrs = plotly_array(curve["x"]).astype(float)
        np.testing.assert_allclose(plotly_array(curve["y"]).astype(float),
                                   [games.spectral_radius(m, lr) for lr in lrs])
        (marker,) = traces(rates, f"{label}: measured")
        path = games.run_dynamics(m, (1.0, 0.5), 0.2, 100)
        r = np.hypot(path[:, 0], path[:, 1])
        assert marker["x"] == [0.2]
        assert marker["y"][0] == pytest.approx((r[100] / r[0]) ** (1 / 100), rel=1e-12)
    # simultaneous and extragradient are geometric: measured = theory exactly
    assert traces(rates, "Simultaneous GDA: measured")[0]["y"][0] == pytest.approx(
        math.sqrt(1 + 0.2**2), rel=1e-12)
    assert traces(rates, "Extragradient: measured")[0]["y"][0] == pytest.approx(
        math.sqrt(1 - 0.2**2 + 0.2**4), rel=1e-12)


def test_alternating_metrics_show_the_conserved_quantity(run_page):
    at = tab(run_page(PAGE), THEORY)
    labels = {m.label: m.value for m in at.metric}
    q0 = 1.0 + 0.25 - 0.2 * 1.0 * 0.5
    assert float(labels["Alternating: Q(z₀) = x₀² + y₀² − η x₀ y₀"]) == pytest.approx(q0)
    assert float(labels["Q(z_k) at k = 100"]) == pytest.approx(q0, rel=1e-9)
    path = games.run_dynamics("alternating", (1.0, 0.5), 0.2, 100)
    q = games.conserved_quantity(path, 0.2)
    assert labels["largest |Q(z_j) − Q(z₀)|, j ≤ k"] == f"{np.max(np.abs(q - q[0])):.2g}"


def test_every_number_input_changes_the_run(run_page):
    at = run_page(PAGE)
    at.number_input(key="mm_x0").set_value(2.0)
    at.number_input(key="mm_y0").set_value(-1.0)
    at.number_input(key="mm_lr").set_value(0.1)
    at.number_input(key="mm_steps").set_value(30).run()
    no_exception(at)
    assert at.slider(key="mm_k").value == 30  # the slider followed the end of the run
    expected = games.run_dynamics("extragradient", (2.0, -1.0), 0.1, 30)
    np.testing.assert_allclose(xy(traces(chart(at, "mm_fig_traj"), "Extragradient")[0]),
                               expected)
    r = math.hypot(2, -1) * math.sqrt(1 - 0.01 + 0.0001) ** 30
    assert f"{r:.6g} (k=30)" in table(at)


def test_step_slider_draws_up_to_k(run_page):
    at = run_page(PAGE)
    at.slider(key="mm_k").set_value(7).run()
    no_exception(at)
    assert len(xy(traces(chart(at, "mm_fig_traj"), "Alternating GDA")[0])) == 8
    assert "(k=7)" in table(at)  # the theory tab reads the step chosen in Trajectories
    labels = {m.label: m.value for m in at.metric}
    assert "Q(z_k) at k = 7" in labels
    tab(at, TRAJ)
    # later changing the number of steps keeps a slider the student moved back
    at.number_input(key="mm_steps").set_value(200).run()
    assert at.slider(key="mm_k").value == 7
    at.number_input(key="mm_steps").set_value(5).run()  # …unless it no longer fits
    assert at.slider(key="mm_k").value == 5


def test_steps_changed_while_another_tab_is_open_are_picked_up_by_the_slider():
    at = standalone(PAGE)
    at.slider(key="mm_k").set_value(7).run()
    tab(at, THEORY)
    at.number_input(key="mm_steps").set_value(5).run()  # k = 7 no longer fits
    no_exception(at)
    assert "Theory and measurement at step k = 5" in texts(at.subheader)
    tab(at, TRAJ)
    no_exception(at)
    assert at.slider(key="mm_k").value == 5 and at.slider(key="mm_k").max == 5


@pytest.mark.parametrize("end", ["min", "max"])
@pytest.mark.parametrize("change", [
    ("mm_lr", 10.0), ("mm_lr", 0.0), ("mm_steps", 1), ("mm_steps", 5000),
    ("seed", 0), ("seed", 2**31 - 1),
])
def test_step_slider_at_an_end_then_another_input_at_its_end(end, change):
    """Regression: the step slider pushed to an end, then η at its maximum (or Steps at 1 or
    5000, or the seed at an end) raised KeyError: st.session_state has no key "mm_k"."""
    at = via_app(PAGE)
    slider = at.slider(key="mm_k")
    slider.set_value(slider.min if end == "min" else slider.max).run()
    no_exception(at)
    key, value = change
    at.number_input(key=key).set_value(value).run()
    no_exception(at)
    assert not reset_warnings(at)
    steps = at.number_input(key="mm_steps").value
    if change == ("mm_lr", 0.0):
        assert "step size η must be a positive number" in texts(at.error)
        assert not at.slider
    else:
        # a slider moved back to 0 stays there; one at the end follows the end of the run
        assert at.slider(key="mm_k").value == (0 if end == "min" else steps)
        assert at.slider(key="mm_k").max == steps
    # the other tabs still run
    for label in (THEORY, SADDLE):
        tab(at, label)
        no_exception(at)
        if label == THEORY and change != ("mm_lr", 0.0):
            k = 0 if end == "min" else steps
            assert f"Theory and measurement at step k = {k}" in texts(at.subheader)


@pytest.mark.parametrize("method", games.METHODS)
def test_each_method_toggle(run_page, method):
    at = run_page(PAGE)
    label = games.METHOD_LABELS[method]
    at.toggle(key=f"mm_{method}").set_value(False).run()
    no_exception(at)
    assert not traces(chart(at, "mm_fig_traj"), label)
    assert f"| {label} |" not in table(at)
    others = [m for m in games.METHODS if m != method]
    assert all(f"| {games.METHOD_LABELS[m]} |" in table(at) for m in others)
    tab(at, TRAJ)
    at.toggle(key=f"mm_{method}").set_value(True).run()
    assert traces(chart(at, "mm_fig_traj"), label)
    assert f"| {label} |" in table(at)


def test_all_methods_off_shows_a_hint(run_page):
    at = run_page(PAGE)
    for m in games.METHODS:
        at.toggle(key=f"mm_{m}").set_value(False)
    at.run()
    no_exception(at)
    assert "at least one method" in texts(at.info)
    tab(at, THEORY)
    no_exception(at)
    assert "at least one method" in texts(at.info)
    assert not [m for m in at.markdown if m.value.startswith("| method")]
    assert not at.metric  # no alternating run, no Q
    tab(at, SADDLE)
    no_exception(at)


@pytest.mark.parametrize("preset,methods", [
    ("spiral", ["simultaneous"]), ("orbit", ["simultaneous", "alternating"]),
    ("converge", ["extragradient", "optimistic"]), ("compare", list(games.METHODS)),
])
def test_preset_selectbox(run_page, preset, methods):
    at = run_page(PAGE)
    if preset == "compare":  # move away first, so choosing it is a change
        at.selectbox(key="mm_preset").set_value("spiral").run()
    at.selectbox(key="mm_preset").set_value(preset).run()
    no_exception(at)
    assert [m for m in games.METHODS if at.toggle(key=f"mm_{m}").value] == methods
    drawn = [t.get("name", "").removesuffix(VIEW_NOTE) for t in chart(at, "mm_fig_traj")["data"]]
    assert [m for m in games.METHODS if games.METHOD_LABELS[m] in drawn] == methods
    assert at.slider(key="mm_k").value == at.number_input(key="mm_steps").value


def test_preset_selectbox_sets_the_controls(run_page):
    at = run_page(PAGE)
    at.selectbox(key="mm_preset").set_value("orbit").run()
    no_exception(at)
    assert at.number_input(key="mm_lr").value == 0.5
    assert at.number_input(key="mm_steps").value == 60
    assert at.toggle(key="mm_alternating").value and not at.toggle(key="mm_optimistic").value
    assert "orbits for ever" in table(at)
    at.selectbox(key="mm_preset").set_value("converge").run()
    assert "converges (η < 0.5774)" in table(at) and "converges (η < 1)" in table(at)


@pytest.mark.parametrize("preset,lr,methods", [
    ("spiral", 0.2, ["simultaneous"]),
    ("converge", 0.3, ["extragradient", "optimistic"]),
])
def test_preset_query_parameter(preset, lr, methods):
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = preset
    at.run()
    no_exception(at)
    assert at.selectbox(key="mm_preset").value == preset
    assert at.number_input(key="mm_lr").value == lr
    assert [m for m in games.METHODS if at.toggle(key=f"mm_{m}").value] == methods
    # a later rerun does not re-apply the link over the student's choice
    at.number_input(key="mm_lr").set_value(0.7).run()
    assert at.number_input(key="mm_lr").value == 0.7


def test_unknown_preset_query_parameter_is_ignored():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = "nonsense"
    at.run()
    no_exception(at)
    assert at.selectbox(key="mm_preset").value == "compare"


def test_divergence_message_for_hostile_inputs(run_page):
    at = run_page(PAGE)
    at.number_input(key="mm_x0").set_value(1000.0)
    at.number_input(key="mm_y0").set_value(-1000.0)
    at.number_input(key="mm_lr").set_value(10.0)
    at.number_input(key="mm_steps").set_value(5000).run()
    no_exception(at)
    warnings = texts(at.warning)
    run = games.simulate("simultaneous", (1000, -1000), 10.0, 5000)
    assert f"Simultaneous GDA diverged after {run.diverged_at} steps" in warnings
    assert warnings.count("diverged after") == 4
    figures = charts(at)
    tab(at, SADDLE)
    figures += charts(at)
    assert len(figures) == 3
    for fig in figures:
        for t in fig["data"]:
            if "x" in t and not isinstance(t["x"], dict):
                assert all(v is None or math.isfinite(v) for v in t["x"])
    assert "nan" not in table(at).lower()
    assert "nan" not in texts(at.metric).lower()


def test_orbit_at_large_eta_is_not_a_crash(run_page):
    at = run_page(PAGE)
    at.number_input(key="mm_lr").set_value(2.0)
    at.number_input(key="mm_steps").set_value(5000).run()
    no_exception(at)
    assert "grows linearly (η = 2)" in table(at) or "diverged after" in table(at)


def test_zero_step_size_shows_an_error_in_every_tab(run_page):
    at = run_page(PAGE)
    at.number_input(key="mm_lr").set_value(0.0).run()
    no_exception(at)
    assert "step size η must be a positive number" in texts(at.error)
    assert not at.get("plotly_chart") and not at.slider
    for label in (THEORY, SADDLE):
        tab(at, label)
        no_exception(at)
        assert "step size η must be a positive number" in texts(at.error)
        assert not at.get("plotly_chart")
    tab(at, TRAJ)
    at.number_input(key="mm_lr").set_value(0.2).run()
    assert not at.error and at.slider(key="mm_k").value == 100


def test_steps_start_at_one():
    """Steps' minimum is 1 (0 steps is no run); one step still draws a slider 0 … 1."""
    at = standalone(PAGE)
    assert at.number_input(key="mm_steps").min == 1
    at.number_input(key="mm_steps").set_value(1).run()
    no_exception(at)
    assert not at.error
    assert (at.slider(key="mm_k").min, at.slider(key="mm_k").max) == (0, 1)
    assert at.slider(key="mm_k").value == 1
    assert "(k=1)" in table(at)


def test_zero_steps_from_a_crafted_client_is_reset():
    at = standalone(PAGE, mm_steps=0)
    no_exception(at)
    assert any("cannot be used for “Steps”" in w for w in reset_warnings(at))
    assert at.number_input(key="mm_steps").value == 100
    assert at.slider(key="mm_k").value == 100


def test_start_at_the_equilibrium(run_page):
    at = run_page(PAGE)
    at.number_input(key="mm_x0").set_value(0.0)
    at.number_input(key="mm_y0").set_value(0.0).run()
    no_exception(at)
    assert "is the equilibrium itself" in texts(at.info)
    assert "nan" not in table(at).lower()
    tab(at, SADDLE)
    no_exception(at)
    assert chart(at, "mm_fig_saddle")["data"][0]["type"] == "surface"


def test_nats_setting_does_not_matter_here():
    at = via_app(PAGE, units="nats")
    no_exception(at)
    at2 = via_app(PAGE)
    assert table(at) == table(at2)
    at3 = standalone(PAGE, units="nats")
    no_exception(at3)
