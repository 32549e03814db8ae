"""Gaussians: KL against Monte Carlo and scipy, marginal/conditional against brute force,
the VAE's KL as a special case, and the Cauchy/Normal pair against mpmath."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch
from scipy import stats

from gdm_core import gaussians as g
from gdm_core.torch_nets import gaussian_kl


def _random_spd(k: int, rng) -> np.ndarray:
    a = rng.standard_normal((k, k))
    return a @ a.T + 0.5 * np.eye(k)


@pytest.mark.parametrize("k, seed", [(1, 0), (2, 1), (3, 2), (5, 3)])
def test_kl_mvn_matches_monte_carlo(k, seed):
    rng = np.random.default_rng(seed)
    mu0, mu1 = rng.standard_normal(k), rng.standard_normal(k)
    c0, c1 = _random_spd(k, rng), _random_spd(k, rng)
    exact = g.kl_mvn(mu0, c0, mu1, c1)
    est, se = g.kl_monte_carlo(mu0, c0, mu1, c1, n=200_000, seed=seed)
    assert abs(est - exact) < 4 * se, (exact, est, se)
    # The Monte Carlo helper's log-densities are scipy's.
    x = rng.standard_normal((4, k))
    assert np.allclose(g.logpdf(x, mu1, c1), stats.multivariate_normal(mu1, c1).logpdf(x))


def test_kl_mvn_one_dimensional_closed_form_and_bits():
    # KL(N(m0, s0²) ‖ N(m1, s1²)) = log(s1/s0) + (s0² + (m0-m1)²)/(2 s1²) - 1/2
    m0, s0, m1, s1 = 0.3, 0.7, -1.1, 1.9
    ref = math.log(s1 / s0) + (s0 ** 2 + (m0 - m1) ** 2) / (2 * s1 ** 2) - 0.5
    assert g.kl_mvn([m0], [[s0 ** 2]], [m1], [[s1 ** 2]]) == pytest.approx(ref, rel=1e-12)
    assert g.kl_mvn([m0], [[s0 ** 2]], [m1], [[s1 ** 2]], base=2) == pytest.approx(
        ref / math.log(2), rel=1e-12)
    assert g.kl_mvn([1, 2], np.eye(2), [1, 2], np.eye(2)) == 0.0


def test_kl_mvn_matches_torch_distributions():
    rng = np.random.default_rng(7)
    mu0, mu1 = rng.standard_normal(3), rng.standard_normal(3)
    c0, c1 = _random_spd(3, rng), _random_spd(3, rng)
    ref = torch.distributions.kl_divergence(
        torch.distributions.MultivariateNormal(torch.tensor(mu0), torch.tensor(c0)),
        torch.distributions.MultivariateNormal(torch.tensor(mu1), torch.tensor(c1))).item()
    assert g.kl_mvn(mu0, c0, mu1, c1) == pytest.approx(ref, rel=1e-10)


def test_the_vae_kl_term_is_the_special_case():
    rng = np.random.default_rng(0)
    for _ in range(5):
        mu, logvar = rng.standard_normal(4), rng.standard_normal(4)
        ref = gaussian_kl(torch.tensor(mu), torch.tensor(logvar)).item()
        assert g.kl_vae(mu, logvar) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("args, message", [
    (([0, 0], np.eye(2), [0, 0], [[1, 0], [0, -1]]), "positive definite"),
    (([0, 0], np.eye(2), [0, 0], [[1, 0.2], [0, 1]]), "symmetric"),
    (([0, 0], np.eye(3), [0, 0], np.eye(2)), "2×2"),
    (([0, 0], np.eye(2), [0, 0, 0], np.eye(3)), "differ in size"),
    (([0, np.nan], np.eye(2), [0, 0], np.eye(2)), "finite"),
    (([], np.eye(0), [], np.eye(0)), "non-empty"),
])
def test_kl_mvn_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        g.kl_mvn(*args)
    with pytest.raises(ValueError, match="base"):
        g.kl_mvn([0], [[1]], [0], [[1]], base=1)


def test_marginal_and_condition_against_brute_force():
    rng = np.random.default_rng(3)
    mu, cov = rng.standard_normal(4), _random_spd(4, rng)
    m, c = g.marginal(mu, cov, [2, 0])
    assert np.allclose(m, mu[[2, 0]]) and np.allclose(c, cov[np.ix_([2, 0], [2, 0])])
    # Conditioning: the precision-matrix route (Bishop 2.75-2.76) must agree.
    a, b, x_b = [0, 3], [1, 2], np.array([0.4, -1.2])
    mean, cond = g.condition(mu, cov, a, b, x_b)
    prec = np.linalg.inv(cov)
    l_aa, l_ab = prec[np.ix_(a, a)], prec[np.ix_(a, b)]
    assert np.allclose(cond, np.linalg.inv(l_aa))
    assert np.allclose(mean, mu[a] - np.linalg.solve(l_aa, l_ab @ (x_b - mu[b])))


def test_condition_2d_matches_the_density_slice():
    mu, cov = np.array([1.0, -0.5]), np.array([[2.0, 1.2], [1.2, 1.5]])
    x2 = 0.7
    mean, var = g.condition(mu, cov, [0], [1], [x2])
    x = np.linspace(-12, 14, 40001)
    slice_ = np.exp(g.logpdf(np.stack([x, np.full_like(x, x2)], 1), mu, cov))
    p = slice_ / np.trapezoid(slice_, x)
    assert np.trapezoid(p * x, x) == pytest.approx(mean[0], abs=1e-8)
    assert np.trapezoid(p * (x - mean[0]) ** 2, x) == pytest.approx(var[0, 0], abs=1e-8)


def test_condition_and_marginal_reject_bad_indices():
    with pytest.raises(ValueError, match="share"):
        g.condition([0, 0], np.eye(2), [0], [0], [1.0])
    with pytest.raises(ValueError, match="between 0 and 1"):
        g.marginal([0, 0], np.eye(2), [2])
    with pytest.raises(ValueError, match="one value per index"):
        g.condition([0, 0, 0], np.eye(3), [0], [1, 2], [1.0])


def test_density_grid_integrates_to_one():
    x, y, d = g.density_grid_2d([0.5, -1], [[1.0, 0.6], [0.6, 0.8]], n=201, lim=7)
    assert d.shape == (201, 201)
    assert np.trapezoid(np.trapezoid(d, x, axis=1), y) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="2-D"):
        g.density_grid_2d([0, 0, 0], np.eye(3))


@pytest.mark.parametrize("mu, sigma, loc, scale", [(0, 1, 0, 1), (1.5, 0.3, -0.5, 2.0),
                                                    (0, 5, 0, 0.2)])
def test_kl_normal_cauchy_matches_mpmath(mu, sigma, loc, scale):
    mpmath.mp.dps = 30

    def integrand(x):
        n = mpmath.npdf(x, mu, sigma)
        c = scale / (mpmath.pi * ((x - loc) ** 2 + scale ** 2))
        return n * mpmath.log(n / c)

    ref = float(mpmath.quad(integrand, [-mpmath.inf, loc, mu, mpmath.inf]))
    assert g.kl_normal_cauchy(mu, sigma, loc, scale) == pytest.approx(ref, abs=1e-9)


def test_kl_cauchy_normal_is_infinite_with_a_reason():
    value, reason = g.kl_cauchy_normal()
    assert value == math.inf and "diverges" in reason
    # The truncated integrals grow without bound (like R/π for the x² term).
    mpmath.mp.dps = 20

    def truncated(r):
        f = lambda x: (1 / (mpmath.pi * (1 + x * x))) * (  # noqa: E731
            mpmath.log(1 / (mpmath.pi * (1 + x * x))) - mpmath.log(mpmath.npdf(x)))
        return float(mpmath.quad(f, [-r, 0, r]))

    values = [truncated(r) for r in (10, 100, 1000)]
    assert values[0] < values[1] < values[2] and values[2] > 100
    with pytest.raises(ValueError, match="scale"):
        g.kl_cauchy_normal(scale=0)
    normal, cauchy = g.cauchy_normal_densities([0.0, 10.0])
    assert normal[0] == pytest.approx(1 / math.sqrt(2 * math.pi)) and cauchy[1] > normal[1]


# --- hostile input: a finite (or honestly infinite) answer, or a ValueError ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOSTILE = st.sampled_from([0.0, -1.0, 1e-300, 5e-324, 1e300, -1e300, math.inf, -math.inf,
                           math.nan, 1.0, 0.5]) | st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(HOSTILE, min_size=8, max_size=8))
def test_hostile_numbers(v):
    mu0, mu1 = v[0:2], v[2:4]
    cov = [[v[4], v[5]], [v[5], v[6]]]
    calls = [
        lambda: g.kl_mvn(mu0, cov, mu1, np.eye(2)),
        lambda: g.kl_mvn(mu0, np.eye(2), mu1, cov),
        lambda: g.condition(mu0, cov, [0], [1], [v[7]]),
        lambda: g.marginal(mu0, cov, [1]),
        lambda: g.kl_normal_cauchy(v[0], v[1], v[2], v[3]),
        lambda: g.kl_cauchy_normal(v[0], v[1], v[2], v[3])[0],
        lambda: g.kl_vae(mu0, mu1),
        lambda: g.density_grid_2d(mu0, cov, n=5),
    ]
    for call in calls:
        try:
            out = call()
        except ValueError as exc:
            assert str(exc)
            continue
        for part in (out if isinstance(out, tuple) else (out,)):
            arr = np.asarray(part, dtype=float)
            assert not np.isnan(arr).any(), (call, v)
