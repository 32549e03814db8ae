"""gdm_core.divergences against independent references: closed forms, scipy, POT, quadrature."""

from __future__ import annotations

import math

import numpy as np
import ot
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, stats
from scipy.spatial.distance import jensenshannon

from gdm_core import critic
from gdm_core import divergences as dv
from gdm_core import transport
from gdm_core.units import from_nats

LOG2 = math.log(2)


# ---------------------------------------------------------------------------- parallel lines
@pytest.mark.parametrize("theta", [0.3, -0.3, 1e-9, -1.0, 5.0])
def test_shifted_lines_apart(theta):
    v = dv.shifted_lines(theta)
    assert v["kl"] == math.inf and v["reverse_kl"] == math.inf
    # JS of two distributions with disjoint supports, from scipy (which returns sqrt(JS))
    assert v["js"] == pytest.approx(jensenshannon([1, 0], [0, 1]) ** 2, abs=1e-15)
    assert v["js"] == pytest.approx(LOG2, abs=1e-15)
    assert v["tv"] == 1.0
    assert v["w1"] == abs(theta)


def test_shifted_lines_at_zero_all_vanish():
    assert dv.shifted_lines(0.0) == {"kl": 0.0, "reverse_kl": 0.0, "js": 0.0, "tv": 0.0, "w1": 0.0}


def test_js_is_one_bit():
    # gdm_core computes in nats; the page converts once, with units.from_nats
    assert from_nats(dv.shifted_lines(0.2)["js"], "bits") == pytest.approx(1.0, abs=1e-15)
    assert from_nats(math.inf, "bits") == math.inf


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "abc", None])
def test_shifted_lines_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="θ"):
        dv.shifted_lines(bad)


def test_gradients_of_the_lines():
    g = dv.shifted_lines_gradients(0.4)
    assert math.isnan(g["kl"]) and math.isnan(g["reverse_kl"])
    assert g["js"] == 0.0 and g["tv"] == 0.0 and g["w1"] == 1.0
    assert dv.shifted_lines_gradients(-0.4)["w1"] == -1.0
    assert all(math.isnan(v) for v in dv.shifted_lines_gradients(0.0).values())


def test_sample_shifted_lines_shapes_and_support():
    real, fake = dv.sample_shifted_lines(0.7, 50, 3)
    assert real.shape == fake.shape == (50, 2)
    assert np.all(real[:, 0] == 0) and np.all(fake[:, 0] == 0.7)
    assert np.all((real[:, 1] >= 0) & (real[:, 1] <= 1)) and np.all((fake[:, 1] >= 0) & (fake[:, 1] <= 1))
    again = dv.sample_shifted_lines(0.7, 50, 3)
    assert np.array_equal(real, again[0]) and np.array_equal(fake, again[1])
    assert not np.array_equal(real[:, 1], fake[:, 1])  # independent draws


@pytest.mark.parametrize("n", [0, -3, 2.5, "ten", True])
def test_sample_shifted_lines_rejects_bad_n(n):
    with pytest.raises(ValueError, match="n"):
        dv.sample_shifted_lines(0.5, n, 0)


# ---------------------------------------------------------------------------- W from samples
def test_wasserstein_1d_matches_scipy_sorted_and_emd_paths():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=40), rng.normal(1.0, 2.0, size=40)
    ref = stats.wasserstein_distance(x, y)
    assert transport.wasserstein_samples(x, y) == pytest.approx(ref, rel=1e-12)  # sorted path
    y2 = rng.normal(1.0, 2.0, size=57)  # unequal sizes: POT's exact EMD
    assert transport.wasserstein_samples(x, y2) == pytest.approx(stats.wasserstein_distance(x, y2), rel=1e-9)
    # and POT's emd2 directly on the (n, 1) clouds agrees with scipy
    assert ot.emd2(ot.unif(40), ot.unif(57), ot.dist(x[:, None], y2[:, None], metric="euclidean")) == \
        pytest.approx(stats.wasserstein_distance(x, y2), rel=1e-9)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_wasserstein_2d_matches_assignment_problem(p):
    # equal sizes and weights: the optimal plan is a permutation (Birkhoff), so the Hungarian
    # algorithm on ||x_i - y_j||^p is an independent exact reference
    rng = np.random.default_rng(p)
    x, y = rng.normal(size=(30, 2)), rng.normal(size=(30, 2)) + [1, 0]
    cost = np.linalg.norm(x[:, None] - y[None], axis=2) ** p
    rows, cols = optimize.linear_sum_assignment(cost)
    ref = cost[rows, cols].mean() ** (1 / p)
    assert transport.wasserstein_samples(x, y, p=p) == pytest.approx(ref, rel=1e-10)


def test_sample_w_is_bounded_around_abs_theta():
    # every pair costs sqrt(θ² + Δz²) ∈ [|θ|, |θ| + |Δz|], so |θ| ≤ Ŵ ≤ |θ| + W1(z samples)
    for theta, n in [(0.5, 50), (-0.3, 200), (0.8, 500)]:
        real, fake = dv.sample_shifted_lines(theta, n, np.random.default_rng(n))
        w = transport.wasserstein_samples(real, fake)
        bound = stats.wasserstein_distance(real[:, 1], fake[:, 1])
        assert abs(theta) - 1e-12 <= w <= abs(theta) + bound + 1e-12
        assert bound < 1.5 / math.sqrt(n)  # the 1-D empirical W1 of U[0,1] shrinks like 1/√n


def test_sample_w_converges_to_abs_theta():
    errors = []
    for n in [20, 100, 500]:
        real, fake = dv.sample_shifted_lines(0.4, n, np.random.default_rng(7))
        errors.append(transport.wasserstein_samples(real, fake) - 0.4)
    assert errors[-1] < 0.01 and errors[0] > errors[-1]


def test_wasserstein_torch_matches_numpy_and_is_differentiable():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(25, 2)), rng.normal(size=(25, 2))
    tx = torch.tensor(x, requires_grad=True)
    w = transport.wasserstein_samples(tx, torch.tensor(y))
    assert isinstance(w, torch.Tensor)
    assert float(w.detach()) == pytest.approx(transport.wasserstein_samples(x, y), rel=1e-12)
    w.backward()
    assert tx.grad is not None and torch.isfinite(tx.grad).all()


@pytest.mark.parametrize("theta", [0.6, -0.6, 0.2, -1.0])
def test_autograd_gradient_is_sign_theta(theta):
    rng = np.random.default_rng(0)
    z_real, z_fake = rng.random(300), rng.random(300)
    _, grad = dv.sample_w_gradient(theta, z_real, z_fake)
    assert grad == pytest.approx(math.copysign(1.0, theta), abs=0.05)
    # the exact value for these samples, by the envelope theorem on the optimal assignment
    # (scipy's Hungarian algorithm): mean of θ / ||(θ, Δz)|| over the matched pairs
    dist = np.hypot(theta, z_real[:, None] - z_fake[None, :])
    rows, cols = optimize.linear_sum_assignment(dist)
    assert grad == pytest.approx(np.mean(theta / dist[rows, cols]), rel=1e-9)
    # same z's on both lines: the identity pairing is optimal, the slope is exactly sign(θ)
    w, grad_exact = dv.sample_w_gradient(theta, z_real, z_real)
    assert w == pytest.approx(abs(theta), abs=1e-12)
    assert grad_exact == pytest.approx(math.copysign(1.0, theta), abs=1e-12)


def test_autograd_gradient_matches_finite_difference():
    rng = np.random.default_rng(4)
    zr, zf = rng.random(60), rng.random(60)

    def w_numpy(t):
        return transport.wasserstein_samples(np.column_stack([np.zeros(60), zr]), np.column_stack([np.full(60, t), zf]))

    h = 1e-6
    fd = (w_numpy(0.5 + h) - w_numpy(0.5 - h)) / (2 * h)
    assert dv.sample_w_gradient(0.5, zr, zf)[1] == pytest.approx(fd, rel=1e-5)


def test_gradient_at_coinciding_points_is_finite():
    z = np.linspace(0, 1, 20)
    w, grad = dv.sample_w_gradient(0.0, z, z)
    assert w == 0.0 and math.isfinite(grad)


def test_gradient_descent_walks_to_zero_under_w_and_stays_under_js():
    path = dv.gradient_descent(0.8, 0.1, 25, n=100, seed=0)
    assert len(path["theta_w"]) == 26 and path["theta_w"][0] == 0.8
    assert abs(path["theta_w"][-1]) <= 0.1 + 1e-9  # within one step of the optimum
    assert np.all(path["theta_js"] == 0.8)
    assert np.all(path["js"] == pytest.approx(LOG2))
    first = np.argmax(path["theta_w"] <= 0.1)  # before reaching 0 it moves by η·(≈1) each step
    assert np.all(np.diff(path["theta_w"][: first + 1]) < -0.09)


@pytest.mark.parametrize("kwargs, match", [
    (dict(theta0=0.5, lr=0.0, steps=5, n=10), "learning rate"),
    (dict(theta0=0.5, lr=-1, steps=5, n=10), "learning rate"),
    (dict(theta0=math.nan, lr=0.1, steps=5, n=10), "θ0"),
    (dict(theta0=0.5, lr=0.1, steps=-1, n=10), "steps"),
    (dict(theta0=0.5, lr=0.1, steps=5, n=0), "n"),
])
def test_gradient_descent_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dv.gradient_descent(**kwargs)


@pytest.mark.parametrize("x, y, p, match", [
    (np.zeros((0, 2)), np.zeros((3, 2)), 1, "at least one point"),
    (np.zeros((3, 2)), np.zeros((3, 3)), 1, "same dimension"),
    (np.array([[0.0, np.nan]]), np.zeros((1, 2)), 1, "finite"),
    (np.zeros((3, 2)), np.zeros((3, 2)), 0.5, "at least 1"),
    (np.zeros((3, 2)), np.zeros((3, 2)), math.inf, "finite"),
    (np.zeros((3, 2, 2)), np.zeros((3, 2)), 1, "shape"),
])
def test_wasserstein_rejects_bad_input(x, y, p, match):
    with pytest.raises(ValueError, match=match):
        transport.wasserstein_samples(x, y, p)


def test_wasserstein_rejects_mixed_backends():
    with pytest.raises(ValueError, match="both"):
        transport.wasserstein_samples(np.zeros((2, 2)), torch.zeros(2, 2))


clouds = st.integers(1, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-10, 10), min_size=2 * n, max_size=2 * n),
    st.lists(st.floats(-10, 10), min_size=2 * n, max_size=2 * n)))


@settings(max_examples=40, deadline=None)
@given(clouds, st.floats(-5, 5), st.sampled_from([1, 2]))
def test_wasserstein_metric_properties(pair, shift, p):
    x = np.array(pair[0]).reshape(-1, 2)
    y = np.array(pair[1]).reshape(-1, 2)
    w = transport.wasserstein_samples(x, y, p)
    assert w >= 0
    assert w == pytest.approx(transport.wasserstein_samples(y, x, p), abs=1e-9)
    assert transport.wasserstein_samples(x, x, p) == pytest.approx(0.0, abs=1e-9)
    # translating a cloud rigidly moves it exactly by the shift (even a tiny one)
    assert transport.wasserstein_samples(x, x + [shift, 0], p) == pytest.approx(abs(shift), rel=1e-6, abs=1e-12)


def test_transport_plan_is_a_permutation_for_equal_sizes():
    real, fake = dv.sample_shifted_lines(0.5, 12, 0)
    plan = transport.transport_plan(real, fake)
    assert len(plan) == 12
    assert sorted(i for i, _, _ in plan) == list(range(12)) and sorted(j for _, j, _ in plan) == list(range(12))
    cost = np.mean([np.linalg.norm(real[i] - fake[j]) for i, j, _ in plan])
    assert cost == pytest.approx(transport.wasserstein_samples(real, fake), rel=1e-12)


# ---------------------------------------------------------------------------- JS from samples
def test_js_from_samples_on_disjoint_lines_is_log2():
    real, fake = dv.sample_shifted_lines(0.3, 200, 0)
    est = dv.js_from_samples(real, fake)
    assert est["js"] == pytest.approx(LOG2, abs=1e-4)
    assert est["bce"] == pytest.approx(LOG2 - est["js"], abs=1e-15)


def test_js_from_samples_on_equal_lines_shrinks_with_n():
    small = dv.js_from_samples(*dv.sample_shifted_lines(0.0, 20, 1))["js"]
    large = dv.js_from_samples(*dv.sample_shifted_lines(0.0, 5000, 1))["js"]
    assert 0 <= large < 0.002 and large < small


def test_js_from_samples_matches_gaussian_js():
    # equal-variance Gaussians: log p/q is linear in x, so logistic regression holds D*
    rng = np.random.default_rng(0)
    real, fake = rng.normal(0, 1, (20000, 1)), rng.normal(1, 1, (20000, 1))
    assert dv.js_from_samples(real, fake)["js"] == pytest.approx(dv.gaussian_js(0, 1, 1, 1), abs=0.005)


def test_lines_convergence_shapes_and_values():
    conv = dv.lines_convergence(0.5, [10, 100], repeats=2, seed=0)
    assert conv["w"].shape == conv["js"].shape == (2, 2)
    assert np.all(conv["w"] >= 0.5) and np.all(np.abs(conv["js"] - LOG2) < 1e-4)


# ---------------------------------------------------------------------------- Gaussians
def _kl_quad(m1, s1, m2, s2):
    f = lambda x: stats.norm.pdf(x, m1, s1) * (stats.norm.logpdf(x, m1, s1) - stats.norm.logpdf(x, m2, s2))
    return integrate.quad(f, m1 - 30 * s1, m1 + 30 * s1, points=[m1], limit=200)[0]


@pytest.mark.parametrize("args", [(0, 1, 1, 1), (0, 1, 0, 2), (1.5, 0.3, -1, 2.5), (0, 2, 3, 0.5), (2, 1, 2, 1)])
def test_gaussian_kl_matches_quadrature(args):
    assert dv.gaussian_kl(*args) == pytest.approx(_kl_quad(*args), rel=1e-7, abs=1e-12)


def test_gaussian_kl_hand_case():
    assert dv.gaussian_kl(0, 1, 1, 1) == pytest.approx(0.5)  # Δμ²/2σ²
    assert dv.gaussian_kl(0, 1, 0, math.e) == pytest.approx(1 + 1 / (2 * math.e**2) - 0.5)


@pytest.mark.parametrize("args", [(0, 1, 1, 1), (0, 1, 0, 2), (1.5, 0.3, -1, 2.5), (0, 2, 3, 0.5)])
def test_gaussian_w2_matches_pot_on_samples_and_quantiles(args):
    m1, s1, m2, s2 = args
    u = (np.arange(200000) + 0.5) / 200000  # quantile coupling, deterministic
    x, y = stats.norm.ppf(u, m1, s1), stats.norm.ppf(u, m2, s2)
    pot = math.sqrt(ot.wasserstein_1d(x, y, p=2))
    assert dv.gaussian_w2(*args) == pytest.approx(pot, rel=2e-3)
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(m1, s1, 20000), rng.normal(m2, s2, 20000)
    assert dv.gaussian_w2(*args) == pytest.approx(math.sqrt(ot.wasserstein_1d(xs, ys, p=2)), rel=0.05, abs=0.03)


@pytest.mark.parametrize("args", [(0, 1, 1, 1), (0, 1, 0, 2), (1.5, 0.3, -1, 2.5), (0, 2, 3, 0.5), (0, 1, 0.2, 3)])
def test_gaussian_w1_matches_cdf_integral(args):
    m1, s1, m2, s2 = args
    lo, hi = min(m1, m2) - 12 * max(s1, s2), max(m1, m2) + 12 * max(s1, s2)
    ref = integrate.quad(lambda x: abs(stats.norm.cdf(x, m1, s1) - stats.norm.cdf(x, m2, s2)), lo, hi,
                         limit=400)[0]
    assert dv.gaussian_w1(*args) == pytest.approx(ref, rel=1e-7)
    assert dv.gaussian_w1(*args) <= dv.gaussian_w2(*args) + 1e-12  # W1 ≤ W2 always


def _js_grid(m1, s1, m2, s2):
    lo, hi = min(m1 - 12 * s1, m2 - 12 * s2), max(m1 + 12 * s1, m2 + 12 * s2)
    x = np.linspace(lo, hi, 400001)
    p, q = stats.norm.pdf(x, m1, s1), stats.norm.pdf(x, m2, s2)
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 0.5 * np.where(p > 0, p * np.log(p / m), 0) + 0.5 * np.where(q > 0, q * np.log(q / m), 0)
    return integrate.trapezoid(f, x)


@pytest.mark.parametrize("args", [(0, 1, 1, 1), (0, 1, 0, 2), (1.5, 0.3, -1, 2.5), (0, 2, 3, 0.5), (0, 0.05, 0.1, 0.05)])
def test_gaussian_js_matches_dense_grid(args):
    assert dv.gaussian_js(*args) == pytest.approx(_js_grid(*args), abs=1e-7)


def test_gaussian_js_limits_and_symmetry():
    assert dv.gaussian_js(0, 1, 0, 1) == pytest.approx(0.0, abs=1e-12)
    assert dv.gaussian_js(0, 0.01, 1, 0.01) == pytest.approx(LOG2, abs=1e-12)  # the parallel-lines limit
    assert dv.gaussian_js(0, 1, 2, 0.5) == pytest.approx(dv.gaussian_js(2, 0.5, 0, 1), abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.floats(-5, 5), st.floats(0.01, 5), st.floats(-5, 5), st.floats(0.01, 5))
def test_gaussian_divergence_properties(m1, s1, m2, s2):
    js = dv.gaussian_js(m1, s1, m2, s2)
    assert 0 <= js <= LOG2
    # JS ≤ ½·(KL(p‖m)+KL(q‖m)) ≤ ¼·(KL(p‖q)+KL(q‖p)) by convexity of KL
    assert js <= 0.25 * (dv.gaussian_kl(m1, s1, m2, s2) + dv.gaussian_kl(m2, s2, m1, s1)) + 1e-9
    assert dv.gaussian_w1(m1, s1, m2, s2) <= dv.gaussian_w2(m1, s1, m2, s2) + 1e-9
    assert dv.gaussian_w1(m1, s1, m2, s2) >= abs(m1 - m2) - 1e-9  # |E X − E Y| ≤ W1


@pytest.mark.parametrize("fn", [dv.gaussian_kl, dv.gaussian_w2, dv.gaussian_js, dv.gaussian_w1])
@pytest.mark.parametrize("args", [(0, -1, 1, 1), (0, 1, 1, 0), (math.nan, 1, 0, 1), (0, 1, math.inf, 1)])
def test_gaussians_reject_bad_input(fn, args):
    with pytest.raises(ValueError):
        fn(*args)


# ---------------------------------------------------------------------------- D* and critic
def test_optimal_discriminator_bounds_and_half_where_equal():
    x = np.linspace(-5, 5, 101)
    d = critic.optimal_discriminator(x, lambda t: stats.norm.pdf(t, 0, 1), lambda t: stats.norm.pdf(t, 0, 1))
    assert np.allclose(d, 0.5)
    d = critic.optimal_discriminator(x, stats.norm.pdf(x, 1, 1), stats.norm.pdf(x, -1, 1))
    assert np.all((d >= 0) & (d <= 1))
    assert d[50] == pytest.approx(0.5)  # x = 0: the densities cross
    assert np.allclose(d, 1 / (1 + np.exp(-2 * x)))  # closed form σ((μr−μg)/σ² · x)


def test_optimal_discriminator_log_mode_is_exact_in_the_tails():
    x = np.array([-60.0, 0.0, 60.0])
    lr, lg = stats.norm.logpdf(x, 1, 1), stats.norm.logpdf(x, -1, 1)
    d = critic.optimal_discriminator(x, lr, lg, log=True)
    assert np.allclose(d, 1 / (1 + np.exp(-2 * x)))
    plain = critic.optimal_discriminator(x, np.exp(lr), np.exp(lg))
    assert plain[0] == 0.5  # both densities underflow to 0: the plain formula can only say 1/2
    assert critic.optimal_discriminator([0.0], [-np.inf], [-np.inf], log=True)[0] == 0.5


def test_optimal_discriminator_rejects_bad_densities():
    with pytest.raises(ValueError, match="negative"):
        critic.optimal_discriminator([0.0], [-0.1], [0.2])
    with pytest.raises(ValueError, match="not a number"):
        critic.optimal_discriminator([0.0], [np.nan], [0.2])


@pytest.mark.parametrize("mr, sr, mg, sg", [(2, 1, 0, 1), (-1, 1, 1, 1), (0, 2, 0.5, 0.5)])
def test_critic_is_1_lipschitz_and_attains_w1(mr, sr, mg, sg):
    x = np.linspace(-15, 15, 30001)
    f = critic.critic_1d(x, lambda t: stats.norm.cdf(t, mr, sr), lambda t: stats.norm.cdf(t, mg, sg))
    assert np.all(np.abs(np.diff(f)) <= np.diff(x) + 1e-12)
    gain = integrate.trapezoid(f * (stats.norm.pdf(x, mr, sr) - stats.norm.pdf(x, mg, sg)), x)
    assert gain == pytest.approx(dv.gaussian_w1(mr, sr, mg, sg), rel=1e-4)


def test_critic_agrees_with_pot_dual_on_samples():
    # POT's dual potential u on the real samples is an independent critic: it is x + c too
    rng = np.random.default_rng(0)
    real, fake = rng.normal(2, 1, 400), rng.normal(0, 1, 400)
    _, log = ot.emd(ot.unif(400), ot.unif(400), ot.dist(real[:, None], fake[:, None], metric="euclidean"),
                    log=True)
    slope_pot = np.polyfit(real, log["u"], 1)[0]
    pic = critic.wgan_picture(2, 0, 1)
    slope_ours = np.diff(pic["critic"]) / np.diff(pic["x"])
    assert np.allclose(slope_ours, 1.0) and slope_pot == pytest.approx(1.0, abs=1e-9)
    # and with f(x) = x the critic's objective is the exact EMD of these samples
    assert real.mean() - fake.mean() == pytest.approx(log["cost"], rel=1e-9)
    assert pic["critic"][np.argmin(np.abs(pic["x"] - 1.0))] == pytest.approx(0.0, abs=0.01)  # 0 midway


def test_discriminator_gradient_vanishes_critic_does_not():
    res = [critic.discriminator_vs_critic(g, 0.0, 1.0) for g in [0.5, 2, 5, 10, 20]]
    grads = [r["disc_grad"] for r in res]
    assert grads[-1] < 1e-20 and all(a > b for a, b in zip(grads[1:], grads[2:]))
    assert all(r["critic_grad"] == 1.0 for r in res)
    # reference: E_g |dD*/dx| with D* from densities and a numerical derivative
    gap, s = 2.0, 1.0
    x = np.linspace(-12, 14, 200001)
    d = stats.norm.pdf(x, gap, s) / (stats.norm.pdf(x, gap, s) + stats.norm.pdf(x, 0, s))
    ref = integrate.trapezoid(np.abs(np.gradient(d, x)) * stats.norm.pdf(x, 0, s), x)
    assert critic.discriminator_vs_critic(gap, 0.0, s)["disc_grad"] == pytest.approx(ref, rel=1e-5)
    assert critic.discriminator_vs_critic(1.0, 1.0, 1.0)["critic_grad"] == 0.0


def _mp_fake_expectations(gap, sigma):
    """E_g[D*], E_g[D*(1−D*)] for N(gap, σ²) vs N(0, σ²) by 30-digit mpmath quadrature, in x,
    with D* from the two densities (not from the logistic form the code uses), split at the
    integrands' peaks, found here with mpmath's own root finder."""
    import mpmath

    mpmath.mp.dps = 30
    g, s = mpmath.mpf(gap), mpmath.mpf(sigma)

    def dens(x, m):
        return mpmath.exp(-((x - m) / s) ** 2 / 2) / (s * mpmath.sqrt(2 * mpmath.pi))

    def d_star(x):
        return 1 / (1 + dens(x, 0) / dens(x, g))

    def on(x):
        return dens(x, 0) * d_star(x)

    def dd(x):
        d = d_star(x)
        return dens(x, 0) * d * (1 - d)

    out = []
    for f in (on, dd):
        # the integrand is log-concave: its peak, to within a grid step, from a grid
        grid = mpmath.linspace(-3 * s, g + 3 * s, 2001)
        peak = max(grid, key=lambda x: mpmath.log(f(x)))
        width = s / mpmath.sqrt(1 + (g / s) ** 2 / 4)
        # and where D* = 1/2 (the midpoint g/2), where D*(1 − D*) bends within s²/g
        near = [peak + j * width for j in range(-16, 17, 2)]
        near += [g / 2 + j * s * s / g for j in (-8, -2, 0, 2, 8)]
        pts = [-mpmath.inf] + sorted(set(near)) + [mpmath.inf]
        out.append(mpmath.quad(f, pts))
    return out


@pytest.mark.parametrize("sigma", [0.2, 1.0, 3.0])
@pytest.mark.parametrize("gap_over_sigma", [0.3, 2.0, 8.0, 11.0, 20.0, 35.0, 50.0])
def test_discriminator_vs_critic_to_relative_1e6_against_mpmath(gap_over_sigma, sigma):
    # quad's default absolute tolerance made E_g[D*] and its gradient wrong by up to 23 % once
    # they are tiny (gap/σ ≳ 11): 5.33e-138 shown at gap 10, σ 0.2, where the truth is 4.80e-138.
    gap = gap_over_sigma * sigma
    on, dd = _mp_fake_expectations(gap, sigma)
    a = gap / sigma**2
    r = critic.discriminator_vs_critic(gap, 0.0, sigma)
    assert r["disc_on_fake"] == pytest.approx(float(on), rel=1e-6, abs=0)
    assert r["disc_grad"] == pytest.approx(float(a * dd), rel=1e-6, abs=0)
    # the exact identity E_g|D*'| = (|gap|/2σ²) E_g[D*] (reflection about the midpoint)
    assert float(a * dd) == pytest.approx(float(a * on / 2), rel=1e-8, abs=0)  # the reference obeys it
    assert r["disc_grad"] == pytest.approx(abs(gap) / (2 * sigma**2) * r["disc_on_fake"], rel=1e-9, abs=0)
    # generator gradients with D* fixed: |∂x log(1−D*)| = |a| D*, |∂x log D*| = |a| (1 − D*)
    assert r["gen_grad_saturating"] == pytest.approx(float(a * on), rel=1e-6, abs=0)
    assert r["gen_grad_nonsaturating"] == pytest.approx(float(a * (1 - on)), rel=1e-9, abs=0)
    # and negative gaps are the mirror image
    m = critic.discriminator_vs_critic(-gap, 0.0, sigma)
    for key in ("disc_on_fake", "disc_grad", "gen_grad_saturating", "gen_grad_nonsaturating"):
        assert m[key] == pytest.approx(r[key], rel=1e-9, abs=0)


def test_lecturer_value_gap_10_sigma_02():
    r = critic.discriminator_vs_critic(10.0, 0.0, 0.2)
    assert r["disc_on_fake"] == pytest.approx(4.7997e-138, rel=1e-4, abs=0)


def test_generator_losses_saturating_vanishes_non_saturating_keeps_a_slope():
    # by pathwise differentiation of the expected loss in μ_g (D* held fixed), with scipy's quad
    # on a moderate gap where plain quadrature is accurate
    gap, s = 3.0, 1.0
    a = gap / s**2

    def log_ratio(x):  # log p_r(x) − log p_g(x), from the two densities
        return stats.norm.logpdf(x, gap, s) - stats.norm.logpdf(x, 0, s)

    def expected(loss, mu):
        return integrate.quad(lambda x: loss(log_ratio(x)) * stats.norm.pdf(x, mu, s), -15, 20,
                              epsabs=1e-13, epsrel=1e-12, limit=200)[0]

    h = 1e-5
    # log(1 − D*) = −log(1 + e^lr), −log D* = log(1 + e^−lr)
    for key, loss in (("gen_grad_saturating", lambda lr: -np.logaddexp(0, lr)),
                      ("gen_grad_nonsaturating", lambda lr: np.logaddexp(0, -lr))):
        slope = (expected(loss, h) - expected(loss, -h)) / (2 * h)
        assert critic.discriminator_vs_critic(gap, 0.0, s)[key] == pytest.approx(abs(slope), rel=1e-6, abs=0)
    far = [critic.discriminator_vs_critic(g, 0.0, 1.0) for g in (2.0, 6.0, 10.0)]
    assert far[-1]["gen_grad_saturating"] < 1e-4 < far[0]["gen_grad_saturating"]
    assert [r["gen_grad_nonsaturating"] for r in far] == pytest.approx([2 * (1 - far[0][
        "disc_on_fake"]), 6 * (1 - far[1]["disc_on_fake"]), 10 * (1 - far[2]["disc_on_fake"])])
    assert far[-1]["gen_grad_nonsaturating"] > 9.99
    zero = critic.discriminator_vs_critic(1.0, 1.0, 1.0)
    assert zero["gen_grad_saturating"] == zero["gen_grad_nonsaturating"] == 0.0
    assert zero["disc_on_fake"] == 0.5


# ---------------------------------------------------------------------------- supports
def test_support_presets_kl_inf_inf_finite():
    out = {k: dv.support_divergences(p, q) for k, (_, p, q) in dv.SUPPORT_PRESETS.items()}
    assert out["disjoint"]["kl"] == math.inf and out["overlapping"]["kl"] == math.inf
    assert out["nested"]["kl"] == pytest.approx(math.log(8 / 3))  # P uniform on 3 of Q's 8 outcomes
    assert out["nested"]["reverse_kl"] == math.inf
    assert "∞" in out["disjoint"]["kl_reason"] and "finite" in out["nested"]["kl_reason"]
    assert "{0, 1, 2}" in out["overlapping"]["kl_reason"]


@pytest.mark.parametrize("name", list(dv.SUPPORT_PRESETS))
def test_support_divergences_match_scipy(name):
    _, p, q = dv.SUPPORT_PRESETS[name]
    out = dv.support_divergences(p, q)
    assert out["js"] == pytest.approx(jensenshannon(p, q) ** 2, abs=1e-12)
    support = np.arange(len(p))
    assert out["w1"] == pytest.approx(stats.wasserstein_distance(support, support, p, q))
    assert out["tv"] == pytest.approx(0.5 * np.abs(p - q).sum())
    ref = stats.entropy(p, q)
    assert out["kl"] == pytest.approx(ref) if math.isfinite(ref) else out["kl"] == math.inf


def test_kl_discrete_matches_scipy_and_rejects_bad_pmfs():
    p, q = np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.1, 0.8])
    assert dv.kl_discrete(p, q) == pytest.approx(stats.entropy(p, q))
    with pytest.raises(ValueError, match="add up to 1"):
        dv.kl_discrete([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(ValueError, match="negative"):
        dv.kl_discrete([1.5, -0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="same number of outcomes"):
        dv.kl_discrete([1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="add up to 1"):
        dv.support_divergences([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(ValueError, match="increasing"):
        dv.support_divergences([0.5, 0.5], [0.5, 0.5], support=[1, 0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e3), st.floats(0, 1e3)), min_size=1, max_size=20))
def test_optimal_discriminator_properties(pairs):
    pr = np.array([a for a, _ in pairs])
    pg = np.array([b for _, b in pairs])
    x = np.arange(len(pairs), dtype=float)
    d = critic.optimal_discriminator(x, pr, pg)
    assert np.all((d >= 0) & (d <= 1))
    assert np.allclose(d + critic.optimal_discriminator(x, pg, pr), 1.0)  # swapping roles flips D
    assert np.all(d[pr == pg] == 0.5)
    with np.errstate(divide="ignore"):
        assert np.allclose(critic.optimal_discriminator(x, np.log(pr), np.log(pg), log=True), d)


def test_sample_w_slope_near_zero_is_small_with_the_sign_of_theta():
    # Facts behind the descent caption (issue 9, item 10): with independent samples the sample
    # W(θ) = min over matchings of mean sqrt(θ² + d_ij²) is even and smooth at 0, so its slope
    # has the sign of θ and shrinks to 0 — it is not ±1 near θ = 0. Reference: the optimal
    # matching by scipy's assignment solver and the envelope theorem.
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(0)
    zr, zf = rng.random(100), rng.random(100)
    for theta in (0.01, -0.01, 0.1, 0.5):
        cost = np.sqrt(theta**2 + (zr[:, None] - zf[None, :]) ** 2)
        i, j = linear_sum_assignment(cost)
        ref = float(np.mean(theta / cost[i, j]))
        w, g = dv.sample_w_gradient(theta, zr, zf)
        assert w == pytest.approx(cost[i, j].mean(), rel=1e-9)
        assert g == pytest.approx(ref, rel=1e-6) and np.sign(g) == np.sign(theta)
    assert abs(dv.sample_w_gradient(0.01, zr, zf)[1]) < 0.6
    # descent with η = 0.1 ends in a two-step cycle ±θ* where η·slope(θ*) = 2θ*
    p = dv.gradient_descent(0.8, 0.1, 25, n=100, seed=0)
    t = p["theta_w"]
    assert t[-1] == pytest.approx(-t[-2], rel=1e-2) and 0.02 < abs(t[-1]) < 0.06
    assert 0.1 * abs(p["grad_w"][-2]) == pytest.approx(2 * abs(t[-2]), rel=1e-2)
