"""The Gaussians page in AppTest: marginal/conditional and KL numbers against closed forms
written here, units, tabs, the URL and hostile state."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import (
    ROOT, TIMEOUT, CallCounter, metric_values, no_exception, reset_warnings, section_errors,
    standalone, via_app,
)

PAGE = "gaussians.py"
KEY = "g_tab"
COND, KL = "Marginal and conditional", "KL between Gaussians"


def _open(at: AppTest, label: str) -> AppTest:
    """Open a tab after the page's first run (AppTest ignores a tab key set before it)."""
    assert label in [t.label for t in at.tabs]
    at.session_state[KEY] = label
    at.run()
    assert at.session_state[KEY] == label
    no_exception(at)
    return at


def _num(text: str) -> float:
    return float(text.replace("−", "-").split()[0])


def _cov(s1, s2, rho):
    return np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])


def _kl(mu0, cov0, mu1, cov1) -> float:
    """KL(N0 ‖ N1) in nats, the textbook formula written out independently of gdm_core."""
    mu0, mu1 = np.asarray(mu0, float), np.asarray(mu1, float)
    inv1 = np.linalg.inv(cov1)
    d = mu1 - mu0
    return 0.5 * (np.trace(inv1 @ cov0) + d @ inv1 @ d - len(mu0)
                  + math.log(np.linalg.det(cov1) / np.linalg.det(cov0)))


def _mc_captions(at) -> list[tuple[float, float]]:
    out = []
    for c in at.caption:
        m = re.match(r"Monte Carlo: (\S+) ± (\S+) \(one standard error\), seed (\d+)", c.value)
        if m:
            out.append((_num(m.group(1)), _num(m.group(2))))
    return out


@pytest.fixture(scope="module")
def page():
    at = standalone(PAGE)
    no_exception(at)
    return at


def test_tabs_all_run_and_only_the_open_one(run_page):
    at = run_page(PAGE)
    no_exception(at)
    assert at.title[0].value == "Gaussians"
    assert [t.label for t in at.tabs] == [COND, KL]
    calls = CallCounter()
    for label, chart, n_metrics, n_latex in ((KL, "g_fig_kl", 2, 2),
                                             (COND, "g_fig_conditional", 4, 1)):
        calls.start()
        _open(at, label)
        ran = calls.delta()
        assert ran.get(label) == 1 and set(ran) - {label, "page:g_tab"} == set(), ran
        assert not section_errors(at) and not at.error
        assert len(at.metric) == n_metrics
        charts = [c.proto.id.rsplit("-", 1)[1] for c in at.get("plotly_chart")]
        assert charts == ([chart] if chart else [])
        assert len(at.latex) == n_latex


@pytest.mark.parametrize("mu1, mu2, s1, s2, rho, xb", [
    (0.0, 0.0, 1.0, 1.0, 0.8, 1.0),  # the defaults
    (1.5, -0.5, 2.0, 0.5, -0.6, 2.3),
    (-2.0, 1.0, 0.4, 3.0, 0.95, -4.0),
])
def test_marginal_and_conditional_against_the_closed_form(page, mu1, mu2, s1, s2, rho, xb):
    at = _open(page, COND)
    for key, value in (("g_mu1", mu1), ("g_mu2", mu2), ("g_s1", s1), ("g_s2", s2),
                       ("g_rho", rho), ("g_xb", xb)):
        at.slider(key=key).set_value(value)
    at.run()
    no_exception(at)
    m = metric_values(at)
    assert _num(m["marginal mean μ_a"]) == pytest.approx(mu1, abs=6e-4)
    assert _num(m["marginal sd √Σ_a"]) == pytest.approx(s1, abs=6e-4)
    cond_mean = mu1 + rho * s1 / s2 * (xb - mu2)
    cond_sd = s1 * math.sqrt(1 - rho * rho)
    assert _num(m["conditional mean μ̂_a"]) == pytest.approx(cond_mean, abs=6e-4)
    assert _num(m["conditional sd √Σ̂_a"]) == pytest.approx(cond_sd, abs=6e-4)
    caption = next(c.value for c in at.caption if c.value.startswith("Here Σ_c Σ_b⁻¹"))
    assert f"ρσ₁/σ₂ = {rho * s1 / s2:.3f}" in caption
    assert f"σ₁²(1 − ρ²) = {s1 * s1 * (1 - rho * rho):.3f}" in caption
    assert caption.count(f"{cond_mean:.3f}") >= 1


def test_the_conditional_sd_does_not_depend_on_the_observation(page):
    at = _open(page, COND)
    sds = []
    for xb in (-3.0, 0.0, 3.5):
        at.slider(key="g_xb").set_value(xb).run()
        sds.append(metric_values(at)["conditional sd √Σ̂_a"])
    assert len(set(sds)) == 1


@pytest.mark.parametrize("units", ["bits", "nats"])
def test_kl_both_directions_against_an_independent_formula(units):
    at = standalone(PAGE, units=units, g_mu1=0.5, g_s1=1.5, g_rho=-0.3)
    no_exception(at)
    _open(at, KL)
    q = {"g_kl_mu1": -1.0, "g_kl_mu2": 2.0, "g_kl_s1": 0.7, "g_kl_s2": 2.5, "g_kl_rho": 0.6}
    for key, value in q.items():
        at.slider(key=key).set_value(value)
    at.run()
    no_exception(at)
    scale = 1.0 if units == "nats" else 1 / math.log(2)
    mu_p, cov_p = [0.5, 0.0], _cov(1.5, 1.0, -0.3)
    mu_q, cov_q = [-1.0, 2.0], _cov(0.7, 2.5, 0.6)
    m = metric_values(at)
    pq, qp = _kl(mu_p, cov_p, mu_q, cov_q) * scale, _kl(mu_q, cov_q, mu_p, cov_p) * scale
    assert pq != pytest.approx(qp, rel=0.05)  # KL is not symmetric: the test tells them apart
    assert _num(m[f"KL(P ‖ Q), closed form ({units})"]) == pytest.approx(pq, abs=6e-5)
    assert _num(m[f"KL(Q ‖ P), closed form ({units})"]) == pytest.approx(qp, abs=6e-5)
    # Monte Carlo beside each, within four standard errors of the exact value.
    (est_pq, se_pq), (est_qp, se_qp) = _mc_captions(at)
    assert 0 < se_pq < 0.1 * pq and 0 < se_qp < 0.1 * qp
    assert abs(est_pq - pq) < 4 * se_pq and abs(est_qp - qp) < 4 * se_qp


def test_kl_of_identical_gaussians_is_zero(page):
    at = _open(page, COND)
    for key, value in (("g_mu1", 1.0), ("g_mu2", 0.0), ("g_s1", 1.0), ("g_s2", 1.0),
                       ("g_rho", 0.0)):
        at.slider(key=key).set_value(value)
    at.run()
    _open(at, KL)  # Q's defaults are N((1, 0), I): the same Gaussian
    m = metric_values(at)
    assert m == {"KL(P ‖ Q), closed form (bits)": "0.0000",
                 "KL(Q ‖ P), closed form (bits)": "0.0000"}


@pytest.mark.parametrize("units", ["bits", "nats"])
def test_the_vae_kl_is_the_special_case(units):
    at = standalone(PAGE, units=units)
    _open(at, KL)
    at.slider(key="g_kl_mu1").set_value(1.2)
    at.slider(key="g_kl_mu2").set_value(-0.4)
    at.slider(key="g_kl_s1").set_value(0.3)
    at.slider(key="g_kl_s2").set_value(1.7).run()
    no_exception(at)
    mu, var = np.array([1.2, -0.4]), np.array([0.3, 1.7]) ** 2
    nats = 0.5 * float(np.sum(mu ** 2 + var - np.log(var) - 1))
    # The same number from the general formula (a diagonal Q against N(0, I)).
    assert _kl(mu, np.diag(var), [0, 0], np.eye(2)) == pytest.approx(nats, abs=1e-12)
    value = nats if units == "nats" else nats / math.log(2)
    text = next(m.value for m in at.markdown if m.value.startswith("With q = N("))
    shown = re.findall(r"\*\*(\S+) (bits|nats)\*\*", text)
    assert len(shown) == 2 and {u for _, u in shown} == {units}
    for number, _ in shown:
        assert _num(number) == pytest.approx(value, abs=6e-5)
    assert "diag(0.09, 2.89)" in text


def test_kl_tab_uses_the_gaussian_set_on_the_first_tab(page):
    at = _open(page, COND)
    at.slider(key="g_rho").set_value(-0.5)
    for key, value in (("g_mu1", 0.0), ("g_mu2", 0.0), ("g_s1", 1.0), ("g_s2", 1.0)):
        at.slider(key=key).set_value(value)
    at.run()
    _open(at, KL)
    for key, value in (("g_kl_mu1", 1.0), ("g_kl_mu2", 0.0), ("g_kl_s1", 1.0),
                       ("g_kl_s2", 1.0), ("g_kl_rho", 0.0)):
        at.slider(key=key).set_value(value)
    at.run()
    pq = _kl([0, 0], _cov(1, 1, -0.5), [1, 0], np.eye(2)) / math.log(2)
    assert _num(metric_values(at)["KL(P ‖ Q), closed form (bits)"]) == pytest.approx(pq, abs=6e-5)
    # Back on the first tab, the value is still there.
    _open(at, COND)
    assert at.slider(key="g_rho").value == -0.5


def test_url_restores_the_view_in_a_fresh_session():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    for key, value in {"g_rho": "-0.5", "g_s1": "2", "g_xb": "-1.5", "g_mu2": "0.5"}.items():
        at.query_params[key] = value
    at.run()
    no_exception(at)
    assert at.slider(key="g_rho").value == -0.5 and at.slider(key="g_s1").value == 2.0
    m = metric_values(at)
    assert _num(m["conditional mean μ̂_a"]) == pytest.approx(-0.5 * 2 * (-1.5 - 0.5), abs=6e-4)
    assert _num(m["conditional sd √Σ̂_a"]) == pytest.approx(2 * math.sqrt(0.75), abs=6e-4)


def test_url_opens_the_kl_tab_with_q():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params[KEY] = KL
    at.query_params["g_kl_mu1"] = "-2"
    at.query_params["g_kl_s2"] = "0.5"
    at.run()
    no_exception(at)
    assert at.session_state[KEY] == KL and at.slider(key="g_kl_mu1").value == -2.0
    pq = _kl([0, 0], _cov(1, 1, 0.8), [-2, 0], _cov(1, 0.5, 0)) / math.log(2)
    assert _num(metric_values(at)["KL(P ‖ Q), closed form (bits)"]) == pytest.approx(pq, abs=6e-5)


def test_url_with_p_on_the_kl_tab_uses_that_p():
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params[KEY] = KL
    at.query_params["g_rho"] = "-0.5"
    at.run()
    no_exception(at)
    pq = _kl([0, 0], _cov(1, 1, -0.5), [1, 0], np.eye(2)) / math.log(2)
    assert _num(metric_values(at)["KL(P ‖ Q), closed form (bits)"]) == pytest.approx(pq, abs=6e-5)


@pytest.mark.parametrize("key, bad, default", [
    ("g_rho", 5, 0.8), ("g_rho", "abc", 0.8), ("g_s1", -1.0, 1.0), ("g_xb", float("nan"), 1.0)])
def test_hostile_state_is_reset_with_a_warning(key, bad, default):
    at = standalone(PAGE, **{key: bad})
    no_exception(at)
    assert not section_errors(at)
    warnings = reset_warnings(at)
    assert len(warnings) == 1 and f"reset to {default!r}" in warnings[0]
    assert at.slider(key=key).value == default
    assert metric_values(at)["conditional sd √Σ̂_a"] == "0.600"  # the defaults' numbers


@pytest.mark.parametrize("bad", [5, 1.5, -2])
def test_hostile_first_gaussian_on_the_kl_tab(bad):
    # P's sliders are drawn on the KL tab too, so a crafted ρ arrives as the slider's value
    # (a number: a string cannot be sent); out of range, it is refused or reset, never used.
    at = _open(standalone(PAGE), KL)
    at.session_state["g_rho"] = bad
    at.run()
    no_exception(at)
    assert at.session_state[KEY] == KL
    assert not section_errors(at), section_errors(at)
    assert at.slider(key="g_rho").value == 0.8
    pq = _kl([0, 0], _cov(1, 1, 0.8), [1, 0], np.eye(2)) / math.log(2)
    assert _num(metric_values(at)["KL(P ‖ Q), closed form (bits)"]) == pytest.approx(pq, abs=6e-5)


def test_hostile_q_on_the_kl_tab_is_reset():
    at = standalone(PAGE)  # on the first tab: Q's sliders are not drawn yet
    at.session_state["g_kl_s1"] = 0.0
    _open(at, KL)
    assert not section_errors(at)
    assert any("reset to 1.0" in w for w in reset_warnings(at))
    assert at.slider(key="g_kl_s1").value == 1.0


def test_via_app_in_nats():
    at = via_app(PAGE, units="nats")
    no_exception(at)
    _open(at, KL)
    assert set(metric_values(at)) == {"KL(P ‖ Q), closed form (nats)",
                                      "KL(Q ‖ P), closed form (nats)"}
    pq = _kl([0, 0], _cov(1, 1, 0.8), [1, 0], np.eye(2))
    assert _num(metric_values(at)["KL(P ‖ Q), closed form (nats)"]) == pytest.approx(pq, abs=6e-5)


@pytest.mark.parametrize("bad", [5, "abc"])
def test_hostile_first_gaussian_in_a_session_opened_on_the_kl_tab(bad):
    # State set before the first run (a stale or crafted session) may be any object.
    at = AppTest.from_file(str(ROOT / "pages" / PAGE), default_timeout=TIMEOUT)
    at.query_params[KEY] = KL
    at.session_state["g_rho"] = bad
    at.run()
    no_exception(at)
    assert at.session_state[KEY] == KL
    assert not section_errors(at), section_errors(at)
    assert any("reset to 0.8" in w for w in reset_warnings(at))
    pq = _kl([0, 0], _cov(1, 1, 0.8), [1, 0], np.eye(2)) / math.log(2)
    assert _num(metric_values(at)["KL(P ‖ Q), closed form (bits)"]) == pytest.approx(pq, abs=6e-5)
