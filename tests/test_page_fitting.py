"""The Fitting-a-model page in AppTest: every tab run, inputs changed, the numbers shown checked
against gdm_core. Tabs: "Likelihood = KL", "One Gaussian, four divergences", "Generative vs
discriminative"; only the open one runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_core import fitting
from gdm_core import generative_discriminative as gd
from gdm_app.sections.fitting import classifiers, likelihood, mixture
from tests.conftest import (  # noqa: F401 (run_page: fixture)
    chart, from_url, metric_values, no_exception, open_tab, plotly_array, run_page, standalone,
    tab_labels, trace,
)

PAGE = "fitting.py"
LIKE, FOUR, GEN = "Likelihood = KL", "One Gaussian, four divergences", "Generative vs discriminative"


def tab(at, label):
    if at.session_state["fit_tab"] != label:
        open_tab(at, "fit_tab", label)
    no_exception(at)
    return metric_values(at)


def _curves(n, sigma, seed=0):
    return fitting.likelihood_curves(*mixture(), n, likelihood.MUS, sigma=sigma, seed=seed)


def test_every_tab_runs_with_its_numbers(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "Fitting a model"
    assert tab_labels(at) == [LIKE, FOUR, GEN]
    m = metric_values(at)
    c = _curves(200, 2.0)
    assert m["max likelihood: μ̂ = x̄"] == f"{c['x_bar']:.3f}"
    assert m["min KL: μ* = E[X]"] == "0.800"
    assert m["H(p_data), bits"] == f"{c['entropy'] / math.log(2):.4f}"
    assert m["KL at the minimum, bits"] == f"{np.min(c['kl']) / math.log(2):.4f}"
    assert len(at.get("plotly_chart")) == 1 and not at.warning

    m = tab(at, FOUR)  # opens on reverse KL from (−1, 1): the heavier right mode
    mu, sigma = fitting.fit_gaussian(*mixture(), "reverse-kl", init=(-1.0, 1.0))
    assert (m["fitted μ"], m["fitted σ"]) == (f"{mu:.3f}", f"{sigma:.3f}")
    assert abs(mu - 2.0) < 0.05 and abs(sigma - 0.8) < 0.05
    value = fitting.divergence_value(*mixture(), mu, sigma, "reverse-kl")
    assert m["KL(q‖p) at the fit, bits"] == f"{value / math.log(2):.4f}"
    assert float(m["p's mass off q"].rstrip("%")) > 25  # the left mode (weight 0.3)
    fig = chart(at, "fit_fig_surface")
    path = fitting.descent_path(*mixture(), "reverse-kl", init=(-1.0, 1.0), steps=120)
    np.testing.assert_allclose(plotly_array(trace(fig, "gradient descent")["x"]), path["mu"])
    assert 2 <= len(fig["frames"]) <= 40 and fig["layout"]["updatemenus"]
    four = chart(at, "fit_fig_four")
    assert len(four["data"]) == 5  # p and the four fits
    assert any("0.800 | 1.979" in md.value for md in at.markdown)  # forward KL = moments

    m = tab(at, GEN)
    r = classifiers.models(40, True, 0)
    assert m["generative p(y=1 | x₁)"] == \
        f"{gd.marginal_posterior(r['model'], 0.5):.3f}"
    assert m["test accuracy, generative"] == f"{r['acc_gen']:.1%}"
    assert m["test accuracy, logistic"] == f"{r['acc_disc']:.1%}"
    fig = chart(at, "fit_fig_classifiers")
    assert not any(t.get("name") == "sampled from p(x, y)" for t in fig["data"])


def test_likelihood_controls():
    at = standalone(PAGE, units="nats")
    at.select_slider(key="fit_n").set_value(5000).run()
    at.slider(key="fit_sigma").set_value(1.5).run()
    no_exception(at)
    c = _curves(5000, 1.5)
    m = metric_values(at)
    assert m["max likelihood: μ̂ = x̄"] == f"{c['x_bar']:.3f}"
    assert abs(c["x_bar"] - 0.8) < 0.05  # a big sample: x̄ near E[X]
    assert m["H(p_data), nats"] == f"{c['entropy']:.4f}"
    assert m["KL at the minimum, nats"] == f"{np.min(c['kl']):.4f}"
    at.toggle(key="fit_profile").set_value(True).run()
    no_exception(at)
    assert at.slider(key="fit_sigma").disabled
    c = _curves(5000, None)
    # profiled: the KL's minimum is the forward-KL fit's value, moment matching
    fwd = fitting.divergence_value(*mixture(), 0.8, math.sqrt(fitting.moments(
        *(np.asarray(a) for a in mixture()))[1]), "forward-kl")
    assert metric_values(at)["KL at the minimum, nats"] == f"{np.min(c['kl']):.4f}"
    assert abs(np.min(c["kl"]) - fwd) < 1e-3
    curves = chart(at, "fit_fig_likelihood")
    gap = (plotly_array(trace(curves, "expected −log p_θ = H + KL")["y"])
           - plotly_array(trace(curves, "KL(p_data‖p_θ)")["y"]))
    np.testing.assert_allclose(gap, c["entropy"])  # a constant


def test_the_start_decides_which_mode_reverse_kl_finds():
    at = standalone(PAGE, fit_tab=FOUR)
    at.slider(key="fit_mu0").set_value(-2.5).run()
    m = tab(at, FOUR)
    mu, sigma = fitting.fit_gaussian(*mixture(), "reverse-kl", init=(-2.5, 1.0))
    assert m["fitted μ"] == f"{mu:.3f}" and abs(mu + 2.0) < 0.05
    at.radio(key="fit_div").set_value("forward-kl").run()
    m = tab(at, FOUR)
    assert (m["fitted μ"], m["fitted σ"]) == ("0.800", "1.979")
    assert float(m["q's mass off p"].rstrip("%")) > 15  # blur between the modes
    at.radio(key="fit_div").set_value("w1").run()
    m = tab(at, FOUR)
    mu, sigma = fitting.fit_gaussian(*mixture(), "w1", init=(-2.5, 1.0))
    assert m["W₁ at the fit"] == f"{fitting.divergence_value(*mixture(), mu, sigma, 'w1'):.4f}"
    at.slider(key="fit_weight").set_value(0.5).run()
    at.select_slider(key="fit_sigma0").set_value(0.5).run()
    m = tab(at, FOUR)
    mu, sigma = fitting.fit_gaussian(*mixture(0.5), "w1", init=(-2.5, 0.5))
    assert (m["fitted μ"], m["fitted σ"]) == (f"{mu:.3f}", f"{sigma:.3f}")


def test_classifier_controls():
    at = standalone(PAGE, fit_tab=GEN, seed=3)
    at.toggle(key="fit_sample").set_value(True).run()
    at.slider(key="fit_x1").set_value(-1.2).run()
    at.select_slider(key="fit_cls_n").set_value(200).run()
    m = tab(at, GEN)
    r = classifiers.models(200, True, 3)
    assert m["generative p(y=1 | x₁)"] == \
        f"{gd.marginal_posterior(r['model'], -1.2):.3f}"
    fig = chart(at, "fit_fig_classifiers")
    sampled = trace(fig, "sampled from p(x, y)")
    assert len(plotly_array(sampled["x"])) > 0
    assert any("Σ⁻¹(m₁ − m₀)" in c.value for c in at.caption)
    at.toggle(key="fit_shared").set_value(False).run()
    m = tab(at, GEN)
    r = classifiers.models(200, False, 3)
    assert m["test accuracy, generative"] == f"{r['acc_gen']:.1%}"
    assert any("quadratic boundary" in c.value for c in at.caption)


def test_a_link_opens_the_same_view():
    # a radio with labels holds its label in the URL (what format_func shows)
    at = from_url(PAGE, {"fit_tab": FOUR, "fit_div": "JS", "fit_mu0": "3", "fit_sigma0": "0.3"})
    no_exception(at)
    m = metric_values(at)
    mu, sigma = fitting.fit_gaussian(*mixture(), "js", init=(3.0, 0.3))
    assert (m["fitted μ"], m["fitted σ"]) == (f"{mu:.3f}", f"{sigma:.3f}")
    assert abs(mu - 2.0) < 0.1  # JS from the right: the heavy mode alone


@pytest.mark.parametrize("key, value, default", [
    ("fit_div", "tv", "reverse-kl"), ("fit_weight", 2.0, 0.3), ("fit_n", 7, 200),
    ("fit_cls_n", -1, 40), ("fit_x1", float("nan"), 0.5)])
def test_hostile_state_is_reset(key, value, default):
    label = {"fit_div": FOUR, "fit_weight": FOUR, "fit_n": LIKE, "fit_cls_n": GEN,
             "fit_x1": GEN}[key]
    at = standalone(PAGE, **{key: value, "fit_tab": label})
    no_exception(at)
    assert at.session_state[key] == default
