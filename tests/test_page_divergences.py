"""The Divergences page in AppTest: every control changed, what it shows asserted.

The page's tabs ("Parallel lines", "Gradients", "From samples", "Discriminator vs critic", "Plan
and critic", "Two Gaussians", "Support", "Heavy tails"): only the open one runs, so a test opens
the tab it looks at.
θ is chosen in the first tab and read by the second and third."""

from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gdm_core import critic
from gdm_core import divergences as dv
from gdm_core import transport_duality as td
from gdm_core.transport import wasserstein_samples
from tests.conftest import (  # noqa: F401 (run_page: fixture)
    ROOT, TIMEOUT, chart, from_url, no_exception, open_tab, plotly_array, reset_warnings,
    run_page, standalone, tab_labels,
)

PAGE = "divergences.py"
LINES, GRADS, SAMPLES, CRITIC, OT, GAUSS, SUPPORT = (
    "Parallel lines", "Gradients", "From samples", "Discriminator vs critic", "Plan and critic",
    "Two Gaussians", "Support")


def tab(at, label):
    if "div_tab" not in at.session_state or at.session_state["div_tab"] != label:
        open_tab(at, "div_tab", label)
    return at


def metrics(at, label=None) -> dict[str, str]:
    """The metrics shown (of the tab ``label``, opened first, if given)."""
    if label is not None:
        tab(at, label)
    return {m.label: m.value for m in at.metric}


def test_defaults_show_the_lines_values(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "Divergences"
    # (later tabs, such as Heavy tails, are tested with their own sections)
    assert tab_labels(at)[:7] == [LINES, GRADS, SAMPLES, CRITIC, OT, GAUSS, SUPPORT]
    m = metrics(at)
    assert m["KL(Pθ‖P0), bits"] == "∞" and m["KL(P0‖Pθ), bits"] == "∞"
    assert m["JS(P0, Pθ), bits"] == "1.0000"  # log 2 nats = 1 bit
    assert m["TV(P0, Pθ)"] == "1.0000" and m["W(P0, Pθ)"] == "0.5000"
    assert len(m) == 5 and len(at.get("plotly_chart")) == 2  # only the open tab ran
    assert not at.error and not at.warning
    m = metrics(at, GRADS)
    assert m["dW/dθ at θ = 0.5"] == "1" and m["dKL/dθ at θ = 0.5"] == "none"
    assert m["dJS/dθ at θ = 0.5 (bits)"] == "0.0000"
    assert m["θ after descent on JS"] == "0.8000"
    assert abs(float(m["θ after descent on W"])) <= 0.1
    path = dv.gradient_descent(0.8, 0.1, 25, n=100, seed=0)
    assert m["θ after descent on W"] == f"{path['theta_w'][-1]:.4f}"
    assert m["sample W at the end"] == f"{path['w'][-1]:.4f}"
    m = metrics(at, SUPPORT)
    assert m["KL(P‖Q)"] == "∞ bits" and m["KL(Q‖P)"] == "∞ bits"  # default preset: disjoint
    assert not at.error and not at.warning
    charts = 0
    for label in (LINES, GRADS, SAMPLES, CRITIC, GAUSS, SUPPORT):
        tab(at, label)
        no_exception(at)
        assert not at.error and not at.warning, label
        assert "nan" not in " ".join(metrics(at).values()).lower(), label
        charts += len(at.get("plotly_chart"))
    assert charts == 12


def test_theta_slider_moves_every_value():
    at = standalone(PAGE)
    at.slider(key="div_theta").set_value(0.0).run()
    no_exception(at)
    m = metrics(at)
    assert m["KL(Pθ‖P0), bits"] == "0.0000" and m["JS(P0, Pθ), bits"] == "0.0000"
    assert m["W(P0, Pθ)"] == "0.0000"
    assert any("the two distributions are the same" in c.value for c in at.caption)
    m = metrics(at, GRADS)  # θ chosen in the first tab is read by the second and third
    assert m["dW/dθ at θ = 0"] == "undefined" and m["dJS/dθ at θ = 0 (bits)"] == "undefined"
    assert metrics(at, SAMPLES)["JS exact, bits"] == "0.0000"
    tab(at, LINES)
    at.slider(key="div_theta").set_value(-0.3).run()
    m = metrics(at)
    assert m["W(P0, Pθ)"] == "0.3000" and m["KL(P0‖Pθ), bits"] == "∞"
    curves = chart(at, "div_fig_curves")
    assert curves["layout"]["shapes"][0]["x0"] == -0.3
    assert metrics(at, GRADS)["dW/dθ at θ = -0.3"] == "-1"
    m = metrics(at, SAMPLES)
    assert float(m["W from samples"]) >= 0.3  # every pair is at least |θ| apart
    assert m["W exact"] == "0.3000"
    assert at.slider(key="div_theta").value == -0.3  # the samples tab draws the same θ


def test_nats_are_used_when_chosen(run_page):
    at = run_page(PAGE, units="nats")
    no_exception(at)
    assert metrics(at)["JS(P0, Pθ), nats"] == f"{math.log(2):.4f}"
    # the Gaussians open on σ1 = 1, σ2 = 2: the two KL directions differ
    assert metrics(at, GAUSS)["KL(p‖q), nats"] == f"{dv.gaussian_kl(0, 1, 1, 2):.4f}"
    assert metrics(at, GAUSS)["KL(q‖p), nats"] == f"{dv.gaussian_kl(1, 2, 0, 1):.4f}"
    assert metrics(at, SUPPORT)["KL(P‖Q)"] == "∞ nats"
    assert metrics(at, GRADS)["dJS/dθ at θ = 0.5 (nats)"] == "0.0000"


def test_descent_controls():
    at = standalone(PAGE, div_tab=GRADS)
    at.slider(key="div_theta0").set_value(-0.6).run()
    at.select_slider(key="div_lr").set_value(0.05).run()
    at.slider(key="div_steps").set_value(30).run()
    no_exception(at)
    m = metrics(at)
    assert m["θ after descent on JS"] == "-0.6000"
    path = dv.gradient_descent(-0.6, 0.05, 30, n=100, seed=0)
    assert m["θ after descent on W"] == f"{path['theta_w'][-1]:.4f}"
    assert m["sample W at the end"] == f"{path['w'][-1]:.4f}"
    anim = chart(at, "div_fig_anim")
    assert len(anim["frames"]) == 31


def test_descent_follows_the_seed():
    at = standalone(PAGE, div_tab=GRADS, seed=7)
    path = dv.gradient_descent(0.8, 0.1, 25, n=100, seed=7)
    assert metrics(at)["θ after descent on W"] == f"{path['theta_w'][-1]:.4f}"


def test_sample_size_slider():
    at = standalone(PAGE, div_tab=SAMPLES)
    at.slider(key="div_n").set_value(300).run()
    no_exception(at)
    m = metrics(at)
    real, fake = dv.sample_shifted_lines(0.5, 300, __import__("numpy").random.default_rng(0))
    assert m["W from samples"] == f"{wasserstein_samples(real, fake):.4f}"
    assert m["JS from samples, bits"] == "1.0000"
    samples = chart(at, "div_fig_samples")
    assert not any(t.get("name") == "transport plan" for t in samples["data"])  # plan only for n ≤ 60
    at.slider(key="div_n").set_value(10).run()
    samples = chart(at, "div_fig_samples")
    assert any(t.get("name") == "transport plan" for t in samples["data"])


SAT, NONSAT = "G's signal, log(1 − D)", "G's signal, −log D"
DSTAR, CRIT = "mean D* on fake samples", "critic's slope |f′|"


def test_discriminator_section_controls():
    at = standalone(PAGE, div_tab=CRITIC)
    at.slider(key="div_gap").set_value(0.0).run()
    no_exception(at)
    m = metrics(at)
    assert m[SAT] == "0" and m[CRIT] == "0"
    assert m[DSTAR] == "0.5"
    at.slider(key="div_gap").set_value(8.0).run()
    m = metrics(at)
    assert float(m[SAT]) < 1e-3 and m[CRIT] == "1"
    ref = critic.discriminator_vs_critic(8.0, 0.0, 1.0)
    assert m[DSTAR] == f"{ref['disc_on_fake']:.3g}"
    at.slider(key="div_sigma4").set_value(2.0).run()
    ref = critic.discriminator_vs_critic(8.0, 0.0, 2.0)
    assert metrics(at)[DSTAR] == f"{ref['disc_on_fake']:.3g}"
    gap_fig = chart(at, "div_fig_gap")
    assert gap_fig["data"]


# Regression: the saturating metric showed E|dD*/dx| under the generator's label, and the
# non-saturating one asked for a key discriminator_vs_critic does not return, so it was dropped.
@pytest.mark.parametrize("gap,sigma", [(2.0, 1.0), (8.0, 1.0), (8.0, 2.0)])
def test_generator_slopes_are_the_ones_the_labels_name(gap, sigma):
    at = standalone(PAGE, div_tab=CRITIC, div_gap=gap, div_sigma4=sigma)
    no_exception(at)
    m = metrics(at)
    ref = critic.discriminator_vs_critic(gap, 0.0, sigma)
    # by hand: |∂x log(1−D*)| = |a| D*, |∂x log D*| = |a| (1−D*), a = gap/σ²
    a = gap / sigma**2
    assert ref["gen_grad_saturating"] == pytest.approx(a * ref["disc_on_fake"], rel=1e-6)
    assert ref["gen_grad_nonsaturating"] == pytest.approx(a * (1 - ref["disc_on_fake"]),
                                                          rel=1e-6)
    assert m[NONSAT] == f"{ref['gen_grad_nonsaturating']:.3g}"
    assert m[SAT] == f"{ref['gen_grad_saturating']:.3g}"


def test_gaussian_section_controls():
    at = standalone(PAGE, div_tab=GAUSS)
    assert not at.checkbox(key="div_same_sigma").value  # opens on σ2 = 2 ≠ σ1 = 1
    assert at.select_slider(key="div_sigma2").value == 2.0
    at.checkbox(key="div_same_sigma").check().run()
    at.slider(key="div_mu2").set_value(2.0).run()
    at.select_slider(key="div_sigma1").set_value(0.5).run()
    no_exception(at)
    m = metrics(at)
    bits = math.log(2)
    assert m["KL(p‖q), bits"] == f"{dv.gaussian_kl(0, 0.5, 2, 0.5) / bits:.4f}"
    assert m["W2"] == "2.0000" and m["W1"] == "2.0000"
    at.checkbox(key="div_same_sigma").uncheck().run()
    at.select_slider(key="div_sigma2").set_value(2.0).run()
    m = metrics(at)
    assert m["KL(q‖p), bits"] == f"{dv.gaussian_kl(2, 2, 0, 0.5) / bits:.4f}"
    assert m["JS(p, q), bits"] == f"{dv.gaussian_js(0, 0.5, 2, 2) / bits:.4f}"
    assert m["W2"] == f"{dv.gaussian_w2(0, 0.5, 2, 2):.4f}"
    assert m["W1"] == f"{dv.gaussian_w1(0, 0.5, 2, 2):.4f}"
    # σ → 0: the spikes behave like the parallel lines
    at.checkbox(key="div_same_sigma").check().run()
    at.select_slider(key="div_sigma1").set_value(0.01).run()
    m = metrics(at)
    assert m["JS(p, q), bits"] == "1.0000" and m["W1"] == "2.0000"


def test_preset_radio_shows_finite_kl_only_when_nested():
    at = standalone(PAGE, div_tab=SUPPORT)
    at.radio(key="div_preset").set_value("overlapping").run()
    m = metrics(at)
    assert m["KL(P‖Q)"] == "∞ bits" and m["KL(Q‖P)"] == "∞ bits"
    at.radio(key="div_preset").set_value("nested").run()
    no_exception(at)
    m = metrics(at)
    assert m["KL(P‖Q)"] == f"{math.log2(8 / 3):.4f} bits" and m["KL(Q‖P)"] == "∞ bits"
    captions = " ".join(c.value for c in at.caption)
    assert "supp P ⊆ supp Q: finite" in captions and "Q puts mass on {0, 1, 5, 6, 7}" in captions
    table = [m.value for m in at.markdown if m.value.startswith("| preset")][0]
    assert "| Disjoint supports | ∞ | ∞ |" in table and "| Overlapping, neither inside the other | ∞ | ∞ |" in table
    assert f"| P's support inside Q's | {math.log2(8 / 3):.4f} | ∞ |" in table


@pytest.mark.parametrize("preset, kl", [("nested", f"{math.log2(8 / 3):.4f} bits"), ("overlapping", "∞ bits"),
                                        ("disjoint", "∞ bits")])
def test_preset_query_parameter(preset, kl):
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = preset
    at.run()
    no_exception(at)
    assert at.session_state["div_tab"] == SUPPORT  # the link opens the Support tab
    assert at.radio(key="div_preset").value == preset
    assert metrics(at)["KL(P‖Q)"] == kl
    # the link sets the start only: the student's later choice wins
    at.radio(key="div_preset").set_value("nested" if preset != "nested" else "disjoint").run()
    assert at.radio(key="div_preset").value != preset


def test_unknown_preset_query_parameter_opens_the_defaults():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params["preset"] = "nonsense"
    at.run()
    no_exception(at)
    assert at.session_state["div_tab"] == LINES
    assert metrics(at)["W(P0, Pθ)"] == "0.5000"
    assert metrics(at, SUPPORT)["KL(P‖Q)"] == "∞ bits"
    assert at.radio(key="div_preset").value == "disjoint"


def test_preset_query_parameter_through_the_app():
    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["preset"] = "nested"
    at.run()
    at.switch_page("pages/divergences.py").run()
    no_exception(at)
    assert at.radio(key="div_preset").value == "nested"


@pytest.mark.parametrize("key, bad, tab_label", [
    ("div_theta", math.nan, LINES), ("div_theta", 7.0, LINES), ("div_theta", "x", LINES),
    ("div_lr", 0.3, GRADS), ("div_n", -5, SAMPLES), ("div_sigma1", 0.0, GAUSS),
    ("div_gap", math.inf, CRITIC), ("div_preset", "evil", SUPPORT),
    ("div_steps", 10**9, GRADS), ("div_same_sigma", "yes", GAUSS),
    ("div_sigma2", -1.0, GAUSS), ("div_tab", "Evil tab", LINES),
    ("div_ot_shift", 9.0, OT), ("div_ot_dim", "3-D", OT), ("div_ot_preset", None, OT),
])
def test_hostile_session_state_shows_a_warning_not_a_traceback(key, bad, tab_label):
    # the first tab is open anyway; opening it again would rerun after the reset
    state = {"div_tab": tab_label, key: bad} if tab_label != LINES else {key: bad}
    if key == "div_sigma2":
        state["div_same_sigma"] = False  # σ2 is drawn only when it differs from σ1
    if key == "div_tab":  # the tab itself is the hostile value
        at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
        at.session_state[key] = bad
        at.run()
    else:
        at = standalone(PAGE, **state)
    no_exception(at)
    warnings = reset_warnings(at)
    assert len(warnings) == 1 and "reset" in warnings[0], warnings
    assert repr(bad) in warnings[0]
    assert at.session_state["div_tab"] == tab_label
    assert not at.error
    # θ is read by other tabs: a bad θ falls back to 0.5 there too
    assert metrics(at, LINES)["W(P0, Pθ)"] == "0.5000"


PRIMAL, DUAL = "W₁ primal, Σ π_ij d_ij", "W₁ dual, E_p f − E_q f"


def _two_faces(at, dim, preset, shift, seed=0):
    """The two values of W1 shown, checked equal to each other and to gdm_core's; the caption."""
    m = metrics(at)
    x, a, y, b = td.example(dim, preset, shift, seed)
    _, primal = td.optimal_plan(x, a, y, b)
    _, dual = td.kantorovich_critic(x, a, y, b)
    assert m[PRIMAL] == f"{primal:.6f}" and m[DUAL] == f"{dual:.6f}"
    assert m[PRIMAL] == m[DUAL]
    caption = [c.value for c in at.caption if "to 1e-9" in c.value]
    assert len(caption) == 1 and caption[0].startswith("**equal to 1e-9**"), caption
    slope = float(caption[0].split("Largest slope of f: ")[1].split("**")[1])
    assert slope == pytest.approx(1.0, abs=1e-6)  # ≤ 1, and 1 where earth moves
    return primal, caption[0]


def test_plan_and_critic_tab_on_its_defaults(run_page):
    at = run_page(PAGE, div_tab=OT)
    no_exception(at)
    assert not at.error and not at.warning
    primal, caption = _two_faces(at, 1, "example", 0.0)
    assert f"{primal:.6f}" == "1.275000"  # the worked example, by hand: 0.15·0.5 + 0.05·2 + …
    assert "over all 11 points" in caption
    line = chart(at, "div_fig_ot")
    plan, _ = td.optimal_plan(*td.example(1, "example", 0.0))
    arrows = [a for a in line["layout"]["annotations"] if a.get("showarrow")]
    assert len(arrows) == np.count_nonzero(plan > td.MASS_TOL)
    table = chart(at, "div_fig_ot_plan")
    np.testing.assert_allclose(np.reshape(plotly_array(table["data"][0]["z"]), plan.shape), plan)


def test_plan_and_critic_controls():
    at = standalone(PAGE, div_tab=OT)
    at.slider(key="div_ot_shift").set_value(2.0).run()
    no_exception(at)
    _two_faces(at, 1, "example", 2.0)
    at.radio(key="div_ot_dim").set_value("2-D").run()
    no_exception(at)
    primal, caption = _two_faces(at, 2, "example", 2.0)
    assert "over all 14 points" in caption  # 8 on the ring, 6 in the cluster
    assert any(t.get("type") == "contour" for t in chart(at, "div_fig_ot")["data"])
    at.radio(key="div_ot_preset").set_value("random").run()
    no_exception(at)
    primal, _ = _two_faces(at, 2, "random", 2.0)
    # equal masses in the plane: the app's one exact W1 between samples agrees
    x, _, y, _ = td.example(2, "random", 2.0, 0)
    assert metrics(at)[PRIMAL] == f"{wasserstein_samples(x, y):.6f}"
    at.radio(key="div_ot_dim").set_value("1-D").run()
    at.slider(key="div_ot_shift").set_value(-1.5).run()
    no_exception(at)
    primal, _ = _two_faces(at, 1, "random", -1.5)
    x, a, y, b = td.example(1, "random", -1.5, 0)
    from scipy.stats import wasserstein_distance

    assert metrics(at)[PRIMAL] == f"{wasserstein_distance(x, y, a, b):.6f}"


def test_plan_and_critic_random_points_follow_the_seed():
    at = standalone(PAGE, div_tab=OT, seed=5, div_ot_preset="random")
    no_exception(at)
    _two_faces(at, 1, "random", 0.0, seed=5)


def test_plan_and_critic_opens_from_a_link():
    # the address bar holds the formatted choices (as Streamlit binds a radio with format_func)
    at = from_url(PAGE, {"div_tab": OT, "div_ot_dim": "the plane", "div_ot_preset": "random",
                         "div_ot_shift": "-2"})
    no_exception(at)
    assert at.radio(key="div_ot_dim").value == "2-D"
    assert at.radio(key="div_ot_preset").value == "random"
    _two_faces(at, 2, "random", -2.0)
