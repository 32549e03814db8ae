"""gdm_core.estimates: Bernoulli samples of a mean image, and one digit's bounds with spreads."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_core import estimates, paths, vae
from gdm_core.data import load_mnist
from gdm_core.numpy_nets import load_net


# --- bernoulli_sample ---

def test_bernoulli_sample_is_binary_with_the_given_mean():
    p = np.linspace(0.0, 1.0, 11)
    means = np.tile(p, (20_000, 1))  # 20,000 draws of each of 11 pixel probabilities
    x = estimates.bernoulli_sample(means, seed=3)
    assert x.shape == means.shape and x.dtype == np.float32
    assert set(np.unique(x)) <= {0.0, 1.0}
    freq = x.mean(axis=0)
    se = np.sqrt(p * (1 - p) / len(means))
    assert np.all(np.abs(freq - p) <= 4 * se + 1e-12), (freq, p)
    assert freq[0] == 0.0 and freq[-1] == 1.0  # p = 0 never fires, p = 1 always does


def test_bernoulli_sample_is_seeded():
    means = np.full((28, 28), 0.5)
    a, b = estimates.bernoulli_sample(means, 1), estimates.bernoulli_sample(means, 1)
    c = estimates.bernoulli_sample(means, 2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan"), float("inf")])
def test_bernoulli_sample_refuses_means_outside_0_1(bad):
    means = np.full((4, 4), 0.5)
    means[1, 2] = bad
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        estimates.bernoulli_sample(means, 0)


# --- digit_bounds ---

@pytest.fixture(scope="module")
def model_and_digit():
    model, _ = load_net(paths.SHIPPED_CHECKPOINT, "vae")  # the model the page serves
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    return model, vae.model_input(images)[3:4]


def test_digit_bounds_match_elbo_estimate_and_iw_bound(model_and_digit):
    model, x = model_and_digit
    b = estimates.digit_bounds(model, x, samples=200, k=50, seed=7, repeats=4)
    rec_draws, kl = vae.elbo_estimate(model, np.repeat(x, 200, axis=0), samples=1, seed=7)
    assert b["rec"] == pytest.approx(rec_draws.mean(), abs=1e-9)
    assert b["rec_se"] == pytest.approx(rec_draws.std(ddof=1) / math.sqrt(200), rel=1e-9)
    # The KL is the exact one of q(z|x), the same for every draw.
    mu, logvar = (v.astype(np.float64) for v in model.encode(x))
    kl_closed = 0.5 * float(np.sum(mu ** 2 + np.exp(logvar) - logvar - 1.0))
    assert b["kl"] == pytest.approx(kl_closed, abs=1e-5)
    np.testing.assert_allclose(kl, b["kl"], atol=1e-5)
    assert b["elbo"] == pytest.approx(b["rec"] - b["kl"], abs=1e-9)
    # The IW bound: `repeats` estimates from one generator seeded with `seed`.
    rng = np.random.default_rng(7)
    iw = np.array([float(vae.iw_bound(model, x, k=50, rng=rng)[0]) for _ in range(4)])
    assert b["iw"] == pytest.approx(iw.mean(), abs=1e-9)
    assert b["iw_sd"] == pytest.approx(iw.std(ddof=1), abs=1e-9)
    assert b["iw_first"] == pytest.approx(iw[0], abs=1e-9) and b["repeats"] == 4
    # In expectation ELBO ≤ 𝓛_k ≤ log p(x) < 0: with k = 50 the gap is many spreads wide.
    assert b["elbo"] < b["iw"] < 0 and b["kl"] > 0


def test_digit_bounds_are_reproducible(model_and_digit):
    model, x = model_and_digit
    a = estimates.digit_bounds(model, x, 50, 10, seed=1)
    assert a == estimates.digit_bounds(model, x, 50, 10, seed=1)
    assert a["rec"] != estimates.digit_bounds(model, x, 50, 10, seed=2)["rec"]


def test_spread_shrinks_like_one_over_sqrt_samples(model_and_digit):
    model, x = model_and_digit
    small = estimates.digit_bounds(model, x, samples=100, k=1, seed=0)
    large = estimates.digit_bounds(model, x, samples=2500, k=1, seed=0)
    # The standard error of the reconstruction term: ratio sqrt(2500/100) = 5. The sample
    # standard deviations themselves agree to ~15 % with 100 draws.
    ratio = small["rec_se"] / large["rec_se"]
    assert 5 * 0.7 < ratio < 5 / 0.7, ratio
    # The two estimates agree within their errors.
    assert abs(small["rec"] - large["rec"]) < 4 * math.hypot(small["rec_se"], large["rec_se"])
    # The IW bound's spread over repeats falls with k too (each estimate averages k weights).
    iw1 = estimates.digit_bounds(model, x, 10, k=10, seed=0, repeats=20)
    iw2 = estimates.digit_bounds(model, x, 10, k=1000, seed=0, repeats=20)
    assert iw2["iw_sd"] < iw1["iw_sd"] / 2
    assert iw2["iw"] >= iw1["iw"] - 2 * iw1["iw_sd"] / math.sqrt(20)


def test_one_sample_has_no_standard_error(model_and_digit):
    model, x = model_and_digit
    b = estimates.digit_bounds(model, x, samples=1, k=5, seed=0)
    assert math.isnan(b["rec_se"]) and math.isfinite(b["rec"])


def test_digit_bounds_refuses_bad_input(model_and_digit):
    model, x = model_and_digit
    with pytest.raises(ValueError, match="one digit"):
        estimates.digit_bounds(model, np.repeat(x, 2, axis=0), 10, 10, 0)
    with pytest.raises(ValueError, match="one digit"):
        estimates.digit_bounds(model, x[0], 10, 10, 0)
    with pytest.raises(ValueError, match="two repeats"):
        estimates.digit_bounds(model, x, 10, 10, 0, repeats=1)
