"""Jensen's inequality for the log and KL ≥ 0 through it (``gdm_core.jensen``), against closed
forms and SciPy's ``rel_entr`` as the independent reference for the KL."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import rel_entr

from gdm_core import jensen


@pytest.mark.parametrize("x1, x2, t", [(0.5, 4.0, 0.5), (0.1, 6.0, 0.2), (3.0, 3.0, 0.7),
                                       (2.0, 5.0, 0.0), (2.0, 5.0, 1.0)])
def test_the_chord_is_below_the_curve_by_the_closed_form(x1, x2, t):
    j = jensen.chord(x1, x2, t)
    m = t * x1 + (1 - t) * x2
    assert j["mean"] == pytest.approx(m, rel=1e-14)
    assert j["log_of_mean"] == pytest.approx(math.log(m), rel=1e-14)
    closed = math.log(m) - (t * math.log(x1) if t else 0) - ((1 - t) * math.log(x2) if t < 1 else 0)
    assert j["gap"] == pytest.approx(closed, abs=1e-14)
    assert j["gap"] >= 0
    if x1 == x2 or t in (0.0, 1.0):  # equality: all the weight on one value
        assert j["gap"] == pytest.approx(0.0, abs=1e-14)
    else:
        assert j["gap"] > 0
    assert np.allclose(j["log_x"], np.log([x1, x2]))


def test_jensen_holds_for_random_points_and_weights():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = rng.integers(2, 8)
        x = rng.lognormal(0, 2, n)
        w = rng.dirichlet(np.ones(n))
        j = jensen.jensen_gap(x, w)
        assert j["log_of_mean"] == pytest.approx(math.log(w @ x), rel=1e-12)
        assert j["mean_of_logs"] == pytest.approx(w @ np.log(x), rel=1e-12, abs=1e-12)
        assert j["gap"] >= -1e-12


@pytest.mark.parametrize("s", [0.0, 0.25, 0.6, 1.0])
def test_kl_through_jensen_is_scipys_kl(s):
    p, q = np.asarray(jensen.P_EXAMPLE), jensen.example_q(s)
    assert q.sum() == pytest.approx(1.0) and np.all(q > 0)
    k = jensen.kl_through_jensen(p, q)
    reference = float(rel_entr(q, p).sum())  # KL(q ‖ p) = Σ q log(q/p)
    assert k["kl"] == pytest.approx(reference, abs=1e-14)
    assert k["kl"] >= 0
    assert k["log_of_mean"] == pytest.approx(0.0, abs=1e-15)  # log Σ p = log 1
    assert k["mean_of_logs"] == pytest.approx(-reference, abs=1e-14)
    assert k["gap"] == pytest.approx(reference, abs=1e-14)  # Jensen's gap is the KL
    assert float(q @ k["ratio"]) == pytest.approx(1.0, abs=1e-14)  # the centroid sits at x = 1
    if s == 0:
        assert k["kl"] == pytest.approx(0.0, abs=1e-15) and np.allclose(k["ratio"], 1.0)
    # The page's default (s = 0.6) shows a KL visibly above 0.
    if s == 0.6:
        assert k["kl"] > 0.3


def test_supports_p_missing_an_outcome_of_q_and_q_missing_one_of_p():
    q = np.array([0.5, 0.5, 0.0])
    p = np.array([0.2, 0.3, 0.5])
    k = jensen.kl_through_jensen(p, q)
    # log E_q[p/q] = log Σ_{q>0} p = log 0.5 < 0; the gap is the KL minus that mass's log
    assert k["log_of_mean"] == pytest.approx(math.log(0.5))
    assert k["kl"] == pytest.approx(float(rel_entr(q, p).sum()))
    assert k["gap"] == pytest.approx(k["kl"] + math.log(0.5))
    assert np.isnan(k["ratio"][2])
    k = jensen.kl_through_jensen([0.0, 1.0], [0.5, 0.5])
    assert k["kl"] == math.inf == float(rel_entr([0.5, 0.5], [0.0, 1.0]).sum())


def test_bad_input_is_a_value_error():
    with pytest.raises(ValueError, match="sum to 1"):
        jensen.jensen_gap([1, 2], [0.5, 0.6])
    with pytest.raises(ValueError, match="positive"):
        jensen.jensen_gap([0, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match="weights"):
        jensen.jensen_gap([1, 2], [0.5, 0.25, 0.25])
    with pytest.raises(ValueError, match="non-negative"):
        jensen.jensen_gap([1, 2], [1.5, -0.5])
    with pytest.raises(ValueError, match="between 0 and 1"):
        jensen.chord(1, 2, 1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        jensen.example_q(-0.1)
    with pytest.raises(ValueError, match="outcomes"):
        jensen.kl_through_jensen([0.5, 0.5], [1 / 3] * 3)
