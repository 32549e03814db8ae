"""Score-function and pathwise gradients: unbiased against the closed form, and the variances."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdm_core import reparam as r

A, B, C, MU, SIGMA = 1.5, -2.0, 0.3, 0.7, 1.2


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def test_quadratic_closed_form_by_finite_differences():
    # E f = a(μ² + σ²) + bμ + c, differentiated numerically.
    def expect(mu, sigma):
        return A * (mu ** 2 + sigma ** 2) + B * mu + C

    h = 1e-6
    g_mu, g_sigma = r.quadratic_grad(A, B, C, MU, SIGMA)
    assert g_mu == pytest.approx((expect(MU + h, SIGMA) - expect(MU - h, SIGMA)) / (2 * h))
    assert g_sigma == pytest.approx((expect(MU, SIGMA + h) - expect(MU, SIGMA - h)) / (2 * h))


def test_both_estimators_are_unbiased_over_many_seeds():
    f, df = r.quadratic(A, B, C)
    exact = np.array(r.quadratic_grad(A, B, C, MU, SIGMA))
    for name, fn in (("score", lambda s: r.score_function_grad(f, MU, SIGMA, 50, s)),
                     ("path", lambda s: r.pathwise_grad(f, MU, SIGMA, 50, s, df=df))):
        est = np.array([fn(s) for s in range(400)])
        se = est.std(0, ddof=1) / math.sqrt(len(est))
        assert np.all(np.abs(est.mean(0) - exact) < 4 * se), (name, est.mean(0), exact, se)


def test_pathwise_autograd_equals_the_given_derivative():
    f, df = r.quadratic(A, B, C)
    auto = r.pathwise_grad(f, MU, SIGMA, 1000, seed=3)
    manual = r.pathwise_grad(f, MU, SIGMA, 1000, seed=3, df=df)
    assert auto == pytest.approx(manual, rel=1e-12)
    # A non-polynomial f: E[sin z] = sin μ e^{-σ²/2}.
    g_mu, g_sigma = r.pathwise_grad(torch.sin, 0.4, 0.8, 200_000, seed=1)
    assert g_mu == pytest.approx(math.cos(0.4) * math.exp(-0.32), abs=5e-3)
    assert g_sigma == pytest.approx(-0.8 * math.sin(0.4) * math.exp(-0.32), abs=5e-3)


def test_pathwise_variance_is_below_the_score_function_variance():
    f, df = r.quadratic(A, B, C)
    spread = r.estimator_spread(f, MU, SIGMA, ns=(10, 100), repeats=300, seed=0, df=df)
    assert np.all(spread.path_sd < spread.score_sd), (spread.path_sd, spread.score_sd)
    # The pathwise spread matches its closed-form variance (per sample / n).
    var_mu, var_sigma = r.quadratic_variances(A, B, MU, SIGMA)["pathwise"]
    for i, n in enumerate(spread.n):
        assert spread.path_sd[i, 0] == pytest.approx(math.sqrt(var_mu / n), rel=0.15)
        assert spread.path_sd[i, 1] == pytest.approx(math.sqrt(var_sigma / n), rel=0.15)
    # Spread falls like 1/√n.
    assert spread.score_sd[1, 0] / spread.score_sd[0, 0] == pytest.approx(math.sqrt(0.1), rel=0.2)


def test_same_seed_same_samples_and_bad_input():
    f, df = r.quadratic(A, B, C)
    assert r.score_function_grad(f, MU, SIGMA, 10, 5) == r.score_function_grad(f, MU, SIGMA, 10, 5)
    with pytest.raises(ValueError, match="sigma"):
        r.score_function_grad(f, MU, 0.0, 10)
    with pytest.raises(ValueError, match="positive integer"):
        r.pathwise_grad(f, MU, SIGMA, 0, df=df)
    with pytest.raises(ValueError, match="df="):
        r.pathwise_grad(lambda z: np.sin(np.asarray(z)), MU, SIGMA, 10)
    with pytest.raises(ValueError, match="one value per sample"):
        r.score_function_grad(lambda z: 1.0, MU, SIGMA, 10)


def test_vae_coordinate_function_on_a_tiny_model():
    import copy

    from gdm_core.layers import VAEConfig
    from gdm_core.torch_nets import VAE, bernoulli_log_likelihood

    torch.manual_seed(0)
    model = VAE(VAEConfig(2, 8, 1, 1)).eval()
    x = (torch.rand(784) < 0.3).float()
    f, mu, sd, df = r.vae_coordinate(model, x.numpy(), coord=1)
    with torch.no_grad():
        m, logvar = model.encode(x[None])
    # the reference is the torch model itself: its value and, by autograd, its derivative
    z = torch.tensor([[m[0, 0].item(), 0.25]], dtype=torch.float64, requires_grad=True)
    ref = bernoulli_log_likelihood(copy.deepcopy(model).double().decode(z), x[None].double())
    ref.sum().backward()
    assert mu == pytest.approx(m[0, 1].item()) and sd == pytest.approx(
        math.exp(0.5 * logvar[0, 1].item()), rel=1e-6)
    assert f(np.array([0.25]))[0] == pytest.approx(ref.item(), abs=1e-3)
    assert df(np.array([0.25]))[0] == pytest.approx(z.grad[0, 1].item(), rel=1e-4, abs=1e-4)
    # The pathwise gradient (through the decoder's derivative) agrees with the score function
    # on average.
    path = np.array(r.pathwise_grad(f, mu, sd, 2000, seed=0, df=df))
    score = np.array([r.score_function_grad(f, mu, sd, 2000, s) for s in range(20)])
    assert np.all(np.abs(score.mean(0) - path) < 5 * score.std(0) / math.sqrt(20) + 1e-3)
    t, ll, mu2, _ = r.log_lik_curve(model, x.numpy(), coord=1, n=11)
    assert len(t) == 11 and t[5] == pytest.approx(mu2) and np.allclose(ll, f(t))
    with pytest.raises(ValueError, match="coord"):
        r.vae_coordinate(model, x.numpy(), coord=2)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE = st.sampled_from([0.0, -1.0, 1e-300, 5e-324, 1e300, -1e300, math.inf, -math.inf,
                           math.nan, 1.0]) | st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(HOSTILE, HOSTILE, st.sampled_from([-3, 0, 1, 5, 2.5]))
def test_hostile_numbers(mu, sigma, n):
    f, df = r.quadratic(1.0, 0.5, 0.0)
    for call in (lambda: r.score_function_grad(f, mu, sigma, n),
                 lambda: r.pathwise_grad(f, mu, sigma, n),
                 lambda: r.pathwise_grad(f, mu, sigma, n, df=df),
                 lambda: r.quadratic_grad(1.0, 0.5, 0.0, mu, sigma)):
        try:
            out = call()
        except ValueError as exc:
            assert str(exc)
            continue
        # finite, or +inf/−inf where the exact gradient overflows (2aσ for σ ~ 1e308)
        assert not any(math.isnan(v) for v in out), (mu, sigma, n, out)


@pytest.mark.parametrize("mu, sigma", [(MU, SIGMA), (-2.0, 0.1), (0.5, 3.0)])
def test_quadrature_grad_is_exact_for_polynomials_and_smooth_f(mu, sigma):
    """Gauss–Hermite of the score identity: the quadratic's closed form, and for a smooth f
    (sin, E[sin z] = sin μ · e^{-σ²/2}) the derivatives of its closed form."""
    f, _ = r.quadratic(A, B, C)
    assert r.quadrature_grad(f, mu, sigma) == pytest.approx(
        r.quadratic_grad(A, B, C, mu, sigma), abs=1e-9)
    damp = math.exp(-sigma ** 2 / 2)
    assert r.quadrature_grad(np.sin, mu, sigma) == pytest.approx(
        (math.cos(mu) * damp, -sigma * math.sin(mu) * damp), abs=1e-9)


@pytest.mark.parametrize("bad", [dict(sigma=0.0), dict(mu=math.nan), dict(order=1),
                                 dict(order=2.5)])
def test_quadrature_grad_refuses_bad_input(bad):
    args = dict(mu=0.0, sigma=1.0, order=20) | bad
    with pytest.raises(ValueError):
        r.quadrature_grad(np.sin, **args)
