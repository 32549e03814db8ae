"""gdm_core.fitting against independent references: scipy.integrate.quad for every divergence,
closed forms for Gaussians, scipy.stats.wasserstein_distance on samples, moment matching for
forward KL, mode seeking for reverse KL, and the input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from gdm_core import fitting

W, M, S = fitting.DEFAULT_MIXTURE
POINTS = [(0.0, 1.0), (0.8, 2.0), (-2.0, 0.5), (2.5, 0.3), (4.0, 3.0)]


def _p(x, w=W, m=M, s=S):
    return sum(wk * stats.norm.pdf(x, mk, sk) for wk, mk, sk in zip(w, m, s))


def _quad(f, mu, sigma, m=M, s=S):
    """∫ f over the real line by scipy's adaptive quad, split at the Gaussians' centres."""
    lo = min(min(m) - 14 * max(s), mu - 14 * sigma)
    hi = max(max(m) + 14 * max(s), mu + 14 * sigma)
    pts = sorted(set([*m, mu]))
    return integrate.quad(f, lo, hi, points=pts, limit=500, epsabs=1e-13, epsrel=1e-12)[0]


def _reference(divergence, mu, sigma, w=W, m=M, s=S):
    # log-densities by scipy (logsumexp over the components), so far tails stay exact
    lp = lambda x: special.logsumexp([stats.norm.logpdf(x, mk, sk) for mk, sk in zip(m, s)],  # noqa: E731
                                     b=w)
    lq = lambda x: stats.norm.logpdf(x, mu, sigma)  # noqa: E731
    lm = lambda x: np.logaddexp(lp(x), lq(x)) - math.log(2)  # noqa: E731

    if divergence == "forward-kl":
        return _quad(lambda x: math.exp(lp(x)) * (lp(x) - lq(x)), mu, sigma, m, s)
    if divergence == "reverse-kl":
        return _quad(lambda x: math.exp(lq(x)) * (lq(x) - lp(x)), mu, sigma, m, s)
    if divergence == "js":
        return _quad(lambda x: 0.5 * math.exp(lp(x)) * (lp(x) - lm(x))
                     + 0.5 * math.exp(lq(x)) * (lq(x) - lm(x)), mu, sigma, m, s)
    return _quad(lambda x: abs(sum(wk * special.ndtr((x - mk) / sk)
                                   for wk, mk, sk in zip(w, m, s))
                               - special.ndtr((x - mu) / sigma)), mu, sigma, m, s)


@pytest.mark.parametrize("divergence", fitting.DIVERGENCES)
@pytest.mark.parametrize("mu, sigma", POINTS)
def test_each_divergence_matches_scipy_quad(divergence, mu, sigma):
    got = fitting.divergence_value(W, M, S, mu, sigma, divergence)
    want = _reference(divergence, mu, sigma)
    assert got == pytest.approx(want, rel=1e-8, abs=1e-10)


def test_kl_between_two_gaussians_is_the_closed_form():
    for (m1, s1), (m2, s2) in [((0, 1), (1, 2)), ((-1.5, 0.3), (2, 1.7)), ((3, 2), (3, 0.5))]:
        closed = math.log(s2 / s1) + (s1 ** 2 + (m1 - m2) ** 2) / (2 * s2 ** 2) - 0.5
        reverse = math.log(s1 / s2) + (s2 ** 2 + (m1 - m2) ** 2) / (2 * s1 ** 2) - 0.5
        assert fitting.divergence_value([1.0], [m1], [s1], m2, s2, "forward-kl") == \
            pytest.approx(closed, rel=1e-10, abs=1e-12)
        assert fitting.divergence_value([1.0], [m1], [s1], m2, s2, "reverse-kl") == \
            pytest.approx(reverse, rel=1e-10, abs=1e-12)


def test_w1_of_two_gaussians_with_equal_sigma_is_the_shift():
    for shift, sigma in [(1.5, 1.0), (0.2, 0.3), (-3.0, 2.0)]:
        assert fitting.divergence_value([1.0], [0.0], [sigma], shift, sigma, "w1") == \
            pytest.approx(abs(shift), rel=1e-9)


def test_w1_matches_scipy_on_large_samples():
    rng = np.random.default_rng(1)
    n = 400_000
    xs = fitting.sample_mixture(np.array(W), np.array(M), np.array(S), n, seed=2)
    for mu, sigma in [(0.0, 1.0), (0.8, 2.0), (2.5, 0.3)]:
        ys = rng.normal(mu, sigma, n)
        assert fitting.divergence_value(W, M, S, mu, sigma, "w1") == pytest.approx(
            stats.wasserstein_distance(xs, ys), abs=0.01)


def test_forward_kl_is_moment_matching():
    for w, m, s in [(W, M, S), ((0.5, 0.2, 0.3), (-3.0, 0.0, 4.0), (1.0, 0.4, 0.7))]:
        mean = float(np.dot(w, m))
        var = float(np.dot(w, np.square(s) + np.square(m))) - mean ** 2
        for init in [(0.0, 1.0), (-3.0, 0.4), (5.0, 4.0)]:
            mu, sigma = fitting.fit_gaussian(w, m, s, "forward-kl", init=init)
            assert mu == pytest.approx(mean, abs=1e-6)
            assert sigma == pytest.approx(math.sqrt(var), abs=1e-6)


@pytest.mark.parametrize("divergence", fitting.DIVERGENCES)
def test_every_divergence_recovers_a_single_gaussian(divergence):
    for init in [(0.5, 2.0), (-3.0, 0.5)]:
        mu, sigma = fitting.fit_gaussian([1.0], [-1.2], [0.7], divergence, init=init)
        assert (mu, sigma) == (pytest.approx(-1.2, abs=1e-4), pytest.approx(0.7, abs=1e-4))
    # and a "mixture" of two identical components is one Gaussian too
    mu, sigma = fitting.fit_gaussian([0.4, 0.6], [1.0, 1.0], [2.0, 2.0], divergence)
    assert (mu, sigma) == (pytest.approx(1.0, abs=1e-4), pytest.approx(2.0, abs=1e-4))


def test_reverse_kl_seeks_the_mode_it_starts_near():
    for k, start in enumerate([(-2.3, 0.5), (2.4, 0.5)]):
        mu, sigma = fitting.fit_gaussian(W, M, S, "reverse-kl", init=start)
        assert mu == pytest.approx(M[k], abs=0.1)
        assert sigma == pytest.approx(S[k], abs=0.1)
        # a local minimum: KL(q‖p) there is about −log w_k (q sits inside one component)
        assert fitting.divergence_value(W, M, S, mu, sigma, "reverse-kl") == pytest.approx(
            -math.log(W[k]), abs=0.05)


def test_forward_kl_covers_both_modes_and_reverse_kl_misses_one():
    mu_f, s_f = fitting.fit_gaussian(W, M, S, "forward-kl", init=(2.0, 0.5))
    mu_r, s_r = fitting.fit_gaussian(W, M, S, "reverse-kl", init=(2.0, 0.5))
    cover_f = fitting.coverage(W, M, S, mu_f, s_f)
    cover_r = fitting.coverage(W, M, S, mu_r, s_r)
    assert cover_f["q_mass_where_p_low"] > 0.15 > cover_r["q_mass_where_p_low"]  # blur
    assert cover_r["p_mass_where_q_low"] > 0.25 > cover_f["p_mass_where_q_low"]  # missed mode


def test_coverage_against_quad():
    mu, sigma, level = 0.5, 1.5, 0.05
    got = fitting.coverage(W, M, S, mu, sigma, level)
    xs = np.linspace(-12, 12, 400_001)
    p, q = _p(xs), stats.norm.pdf(xs, mu, sigma)
    dx = xs[1] - xs[0]
    assert got["q_mass_where_p_low"] == pytest.approx(np.sum(q * (p < level * p.max())) * dx,
                                                      abs=1e-4)
    assert got["p_mass_where_q_low"] == pytest.approx(np.sum(p * (q < level * q.max())) * dx,
                                                      abs=1e-4)


def test_descent_path_goes_downhill_to_the_fit():
    for divergence in fitting.DIVERGENCES:
        path = fitting.descent_path(W, M, S, divergence, init=(-1.0, 1.0), steps=150)
        assert len(path["mu"]) == len(path["sigma"]) == len(path["value"]) == 151
        assert (path["mu"][0], path["sigma"][0]) == (-1.0, pytest.approx(1.0))
        assert np.all(np.diff(path["value"]) <= 1e-9), divergence
        mu, sigma = fitting.fit_gaussian(W, M, S, divergence, init=(-1.0, 1.0))
        assert path["mu"][-1] == pytest.approx(mu, abs=0.02)
        assert path["sigma"][-1] == pytest.approx(sigma, abs=0.02)


def test_surface_rows_are_sigma():
    mus, sigmas = np.array([-1.0, 0.0, 2.0]), np.array([0.5, 1.0])
    surf = fitting.divergence_surface(W, M, S, mus, sigmas, "js")
    assert surf.shape == (2, 3)
    assert surf[1, 2] == fitting.divergence_value(W, M, S, 2.0, 1.0, "js")


def test_likelihood_is_kl_plus_the_entropy():
    mus = np.linspace(-3, 3, 61)
    for sigma in (1.0, None):
        c = fitting.likelihood_curves(W, M, S, 500, mus, sigma=sigma, seed=3)
        gap = c["cross_entropy"] - c["kl"]
        assert np.allclose(gap, c["entropy"])  # a constant: the data's entropy
        h = _quad(lambda x: -_p(x) * math.log(_p(x)) if _p(x) > 0 else 0.0, 0.0, 1.0)
        assert c["entropy"] == pytest.approx(h, rel=1e-9)
        assert mus[np.argmin(c["kl"])] == pytest.approx(c["mean"], abs=0.05)
        assert mus[np.argmin(c["nll"])] == pytest.approx(c["x_bar"], abs=0.05)
        x = c["sample"]
        s_at = c["sigma_sample"][10]
        assert c["nll"][10] == pytest.approx(-np.mean(stats.norm.logpdf(x, mus[10], s_at)))
    # the sample's NLL approaches the expected NLL as n grows
    big = fitting.likelihood_curves(W, M, S, 200_000, mus, sigma=1.0, seed=3)
    assert np.max(np.abs(big["nll"] - big["cross_entropy"])) < 0.05


@pytest.mark.parametrize("args, message", [
    (((0.5, 0.6), (0, 1), (1, 1)), "sum to 1"),
    (((0.5, 0.5), (0, 1), (1, 0)), "positive"),
    (((0.5, 0.5), (0, 1), (1, -2)), "positive"),
    (((0.5, 0.5), (0, 1, 2), (1, 1)), "same length"),
    (((0.5, 0.5), (0, float("nan")), (1, 1)), "finite"),
    (((0.5, 0.5), (0, float("inf")), (1, 1)), "finite"),
    (((1.2, -0.2), (0, 1), (1, 1)), "≥ 0"),
    (((), (), ()), "non-empty"),
    ((("a", 1), (0, 1), (1, 1)), "numbers"),
])
def test_bad_mixtures_raise_readable_errors(args, message):
    with pytest.raises(ValueError, match=message):
        fitting.fit_gaussian(*args, "forward-kl", init=(0.0, 1.0))
    with pytest.raises(ValueError, match=message):
        fitting.divergence_value(*args, 0.0, 1.0, "js")


def test_bad_divergence_and_init():
    with pytest.raises(ValueError, match="unknown divergence 'tv'"):
        fitting.fit_gaussian(W, M, S, "tv")
    with pytest.raises(ValueError, match="σ must be positive"):
        fitting.fit_gaussian(W, M, S, "js", init=(0.0, 0.0))
    with pytest.raises(ValueError, match="finite"):
        fitting.fit_gaussian(W, M, S, "js", init=(float("nan"), 1.0))
    with pytest.raises(ValueError, match="pair"):
        fitting.fit_gaussian(W, M, S, "js", init=1.0)
    with pytest.raises(ValueError, match="σ must be positive"):
        fitting.divergence_value(W, M, S, 0.0, -1.0, "w1")
    # weights within 1e-9 of summing to 1 are accepted
    fitting.divergence_value((0.3 + 4e-10, 0.7), M, S, 0.0, 1.0, "w1")
