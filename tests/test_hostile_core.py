"""Hostile input for gdm_core's public functions.

Random and degenerate inputs — zeros, tiny and huge values, NaN, ±inf, negatives, empty arrays,
wrong shapes — must give either a correct result (finite, or +inf where infinity is the honest
answer, never NaN) or a ValueError with a message. Any other exception, or a NaN, fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdm_core import critic, data, divergences, games, information, transport, vae

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, 1e-12, 1e300, -1e300, 1e12,
           math.inf, -math.inf, math.nan]
numbers = st.sampled_from(SPECIAL) | st.floats(allow_nan=True, allow_infinity=True)
small_ints = st.sampled_from([-(2**31), -1, 0, 1, 2, 3, 10, 2**31]) | st.integers(-5, 50)


def arrays(max_len: int = 8):
    """1-D arrays of hostile numbers, sometimes empty, sometimes a valid distribution."""
    hostile = st.lists(numbers, min_size=0, max_size=max_len).map(np.array)
    valid = st.lists(st.floats(0, 1), min_size=1, max_size=max_len).filter(
        lambda v: sum(v) > 0).map(lambda v: np.array(v) / sum(v))
    return hostile | valid


def tables():
    """2-D tables: hostile entries, odd shapes, or valid joint distributions."""
    shape = st.tuples(st.integers(0, 4), st.integers(0, 4))
    hostile = shape.flatmap(lambda s: st.lists(numbers, min_size=s[0] * s[1],
                                               max_size=s[0] * s[1]).map(
        lambda v: np.array(v, dtype=float).reshape(s)))
    valid = shape.filter(lambda s: s[0] * s[1] > 0).flatmap(
        lambda s: st.lists(st.floats(0, 1), min_size=s[0] * s[1], max_size=s[0] * s[1])
        .filter(lambda v: sum(v) > 0)
        .map(lambda v: (np.array(v) / sum(v)).reshape(s)))
    return hostile | valid | arrays()


def assert_sane(value, where: str = "result") -> None:
    """No NaN anywhere in a result (dicts, sequences, arrays, tensors, numbers)."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert_sane(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            assert_sane(v, f"{where}[{i}]")
    elif isinstance(value, torch.Tensor):
        assert not torch.isnan(value).any(), where
    elif isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        assert not np.isnan(value).any(), where
    elif isinstance(value, (float, np.floating)):
        assert not math.isnan(value), where


def call(fn, *args, **kwargs):
    """The result, or None after a ValueError with a real message."""
    try:
        result = fn(*args, **kwargs)
    except ValueError as err:
        assert str(err).strip(), f"{fn.__name__} raised an empty ValueError"
        return None
    assert_sane(result, fn.__name__)
    return result


ONE_DISTRIBUTION = [information.information_content, information.entropy,
                    information.huffman_code, information.normalize]
TWO_DISTRIBUTIONS = [information.cross_entropy, information.kl_divergence,
                     information.js_divergence, divergences.kl_discrete]
TABLES = [information.joint_entropy, information.conditional_entropy,
          information.mutual_information, information.joint_summary]


@pytest.mark.parametrize("fn", ONE_DISTRIBUTION, ids=lambda f: f.__name__)
@SETTINGS
@given(p=arrays())
def test_one_distribution(fn, p):
    result = call(fn, p)
    if fn is information.entropy and result is not None:
        assert result >= 0


@pytest.mark.parametrize("fn", TWO_DISTRIBUTIONS, ids=lambda f: f.__name__)
@SETTINGS
@given(p=arrays(4), q=arrays(4))
def test_two_distributions(fn, p, q):
    result = call(fn, p, q)
    if result is not None:
        assert result >= -1e-12 or fn is information.cross_entropy


@pytest.mark.parametrize("fn", TABLES, ids=lambda f: f.__name__)
@SETTINGS
@given(joint=tables())
def test_joint_tables(fn, joint):
    call(fn, joint)


@SETTINGS
@given(p=numbers)
def test_bernoulli_entropy(p):
    result = call(information.bernoulli_entropy, p)
    if result is not None:
        assert 0 <= result <= 1 + 1e-12


@pytest.mark.parametrize("fn", [divergences.gaussian_kl, divergences.gaussian_js,
                                divergences.gaussian_w1, divergences.gaussian_w2,
                                divergences.gaussians], ids=lambda f: f.__name__)
@SETTINGS
@given(mu1=numbers, s1=numbers, mu2=numbers, s2=numbers)
def test_gaussian_divergences(fn, mu1, s1, mu2, s2):
    call(fn, mu1, s1, mu2, s2)


@SETTINGS
@given(theta=numbers)
def test_shifted_lines(theta):
    call(divergences.shifted_lines, theta)


@SETTINGS
@given(theta=numbers)
def test_shifted_lines_gradients(theta):
    # NaN is this function's documented "no derivative here" (KL everywhere, all at θ = 0); the
    # page shows it as "undefined". Everything else must be a number.
    try:
        grads = divergences.shifted_lines_gradients(theta)
    except ValueError as err:
        assert str(err)
        return
    if theta != 0:
        assert grads["js"] == grads["tv"] == 0.0 and grads["w1"] == math.copysign(1, theta)


@SETTINGS
@given(theta=numbers, n=small_ints)
def test_sample_shifted_lines(theta, n):
    if isinstance(n, int) and n > 100_000:
        n = 100_000  # a huge n is a memory question, not a hostile one
    call(divergences.sample_shifted_lines, theta, n, np.random.default_rng(0))


@SETTINGS
@given(x=st.lists(st.tuples(numbers, numbers), max_size=6),
       y=st.lists(st.tuples(numbers, numbers), max_size=6),
       p=st.sampled_from([1, 2, 0, -1, 0.5, math.inf, math.nan]))
def test_wasserstein_samples(x, y, p):
    call(transport.wasserstein_samples, np.array(x, dtype=float).reshape(-1, 2),
         np.array(y, dtype=float).reshape(-1, 2), p=p)


@SETTINGS
@given(mu_r=numbers, mu_f=numbers, sigma=numbers)
def test_discriminator_vs_critic(mu_r, mu_f, sigma):
    call(critic.discriminator_vs_critic, mu_r, mu_f, sigma)


@SETTINGS
@given(x=arrays(), pr=arrays(), pf=arrays())
def test_optimal_discriminator(x, pr, pf):
    result = call(critic.optimal_discriminator, x, pr, pf)
    if result is not None:
        assert np.all((0 <= result) & (result <= 1))


@pytest.mark.parametrize("method", games.METHODS + ("unknown",))
@SETTINGS
@given(x0=numbers, y0=numbers, lr=numbers, steps=small_ints)
def test_run_dynamics(method, x0, y0, lr, steps):
    steps = min(steps, 5000) if isinstance(steps, int) else steps
    path = call(games.run_dynamics, method, (x0, y0), lr, steps)
    if path is not None:
        assert path.ndim == 2 and path.shape[1] == 2 and 1 <= len(path) <= steps + 1
        assert np.isfinite(path).all()


@SETTINGS
@given(n=small_ints, edge=numbers)
def test_latent_grid(n, edge):
    n = min(n, 60) if isinstance(n, int) else n
    call(vae.latent_grid, n, edge)


@SETTINGS
@given(a=st.lists(numbers, min_size=0, max_size=3), b=st.lists(numbers, min_size=0, max_size=3),
       steps=small_ints)
def test_interpolate(a, b, steps):
    steps = min(steps, 1000) if isinstance(steps, int) else steps
    call(vae.interpolate, np.array(a), np.array(b), steps)


@SETTINGS
@given(p=numbers)
def test_prior_mass_radius(p):
    call(vae.prior_mass_radius, p)


@SETTINGS
@given(raw=st.binary(max_size=64), magic=st.sampled_from([data.IMAGES_MAGIC, data.LABELS_MAGIC]))
def test_parse_idx_on_random_bytes(raw, magic):
    call(data.parse_idx, raw, magic)


@SETTINGS
@given(body=st.binary(max_size=40))
def test_parse_idx_on_a_header_with_random_sizes(body):
    raw = bytes([0, 0, 8, 1]) + (len(body) + 3).to_bytes(4, "big") + body
    call(data.parse_idx, raw, data.LABELS_MAGIC)
