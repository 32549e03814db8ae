"""The three derivations of the ELBO (``gdm_core.elbo_derivations``) on the shipped 2-D VAE: all
three end at the ELBO of ``gdm_core.posterior``, log p(x) by two independent quadratures, the
"≥" step drops exactly KL(q ‖ p(z|x)), the closed forms against Monte Carlo. NumPy only."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdm_core import elbo_derivations as ed
from gdm_core import paths, posterior, vae
from gdm_core.numpy_nets import load_net

DIGITS = (3, 0)  # the page's default digit (a 10-nat gap) and one whose q fits well


@pytest.fixture(scope="module")
def computed():
    from gdm_core.data import load_mnist

    model, _ = load_net(paths.SHIPPED_CHECKPOINT, "vae")
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    x = vae.model_input(images[:8])
    out = {}
    for d in DIGITS:
        gap = posterior.elbo_gap(model, x[d])
        terms, derivs = ed.elbo_derivations(model, x[d], gap=gap)
        out[d] = gap, terms, derivs
    return model, x, out


@pytest.mark.parametrize("digit", DIGITS)
def test_all_three_end_at_the_posterior_modules_elbo(computed, digit):
    _, _, out = computed
    gap, t, derivs = out[digit]
    assert [d.key for d in derivs] == ["I", "II", "III"]
    finals = [d.final for d in derivs]
    for f in finals:
        assert f == pytest.approx(gap.elbo, abs=1e-6)
    assert max(finals) - min(finals) < 1e-6
    assert t.elbo == pytest.approx(gap.elbo, abs=1e-9)
    assert t.reconstruction == pytest.approx(gap.reconstruction, abs=1e-9)
    assert t.kl_prior == pytest.approx(gap.kl_prior, abs=1e-12)
    for d in derivs:
        assert d.lines[-1].latex.endswith(r"\mathrm{ELBO}")


@pytest.mark.parametrize("digit", DIGITS)
def test_log_px_by_the_grid_and_by_gauss_hermite(computed, digit):
    _, _, out = computed
    gap, t, (one, two, three) = out[digit]
    assert t.log_px == gap.log_px
    assert two.lines[0].value == gap.log_px and three.lines[0].value == gap.log_px
    # log E_q[w] over q's Gauss–Hermite nodes: an independent quadrature of log p(x)
    assert three.lines[1].value == pytest.approx(gap.log_px, abs=1e-5)


@pytest.mark.parametrize("digit", DIGITS)
def test_lines_equal_in_algebra_agree_and_the_inequality_drops_the_posterior_kl(computed, digit):
    _, _, out = computed
    gap, t, (one, two, three) = out[digit]
    v1, v2, v3 = ([line.value for line in d.lines] for d in (one, two, three))
    # I: three lines equal KL(q ‖ p(z|x)), then log p(x) − KL = the ELBO
    assert np.allclose(v1[:3], gap.kl_posterior, atol=1e-5)
    assert np.allclose(v1[:3], gap.gap, atol=1e-5)
    assert v1[3] == pytest.approx(gap.elbo, abs=1e-5)
    # II: log p(x) until the "≥", the ELBO after it
    assert np.allclose(v2[:4], gap.log_px, atol=1e-5)
    assert np.allclose(v2[4:], gap.elbo, atol=1e-9)
    assert two.lines[4].latex.startswith(r"\ge")
    # III: log p(x), log E_q[w] ≥ E_q[log w] = ELBO; Jensen's gap is the posterior KL
    assert np.allclose(v3[:2], gap.log_px, atol=1e-5)
    assert np.allclose(v3[2:], gap.elbo, atol=1e-6)
    assert three.lines[2].latex.startswith(r"\ge")
    jensen_gap = v3[1] - v3[2]
    assert jensen_gap > 0
    assert jensen_gap == pytest.approx(gap.kl_posterior, abs=1e-5)
    assert v2[3] - v2[4] == pytest.approx(gap.kl_posterior, abs=1e-12)


def test_the_default_digit_has_a_visible_gap(computed):
    _, _, out = computed
    gap, t, _ = out[3]
    assert t.kl_posterior > 5  # nats: the "≥" step is a drop a class sees
    assert t.log_px > t.elbo


def test_closed_forms_against_monte_carlo(computed):
    # E_q[log p(z)] and E_q[log q(z|x)] in closed form, against 400,000 draws from q
    model, x, out = computed
    _, t, _ = out[3]
    mu, logvar = vae.encode_mean(model, x[3:4])
    mu, sd = mu[0].astype(float), np.exp(0.5 * logvar[0].astype(float))
    z = mu + sd * np.random.default_rng(0).standard_normal((400_000, 2))
    log_prior = -0.5 * (z ** 2).sum(1) - math.log(2 * math.pi)
    log_q = -0.5 * (((z - mu) / sd) ** 2).sum(1) - math.log(2 * math.pi) - np.log(sd).sum()
    for mc, closed in ((log_prior, t.e_log_prior), (log_q, t.e_log_q)):
        se = mc.std() / math.sqrt(len(mc))
        assert abs(mc.mean() - closed) < 5 * se
    assert t.e_log_prior - t.e_log_q == pytest.approx(-t.kl_prior, abs=1e-12)


def test_the_elbo_against_the_seeded_monte_carlo_estimate(computed):
    model, x, out = computed
    _, t, _ = out[3]
    rec, kl = vae.elbo_estimate(model, x[3:4], samples=2000, seed=0)
    assert kl[0] == pytest.approx(t.kl_prior, abs=1e-4)
    assert rec[0] == pytest.approx(t.reconstruction, abs=0.2)  # ~4 standard errors


def test_derivations_are_a_pure_function_of_the_terms(computed):
    _, _, out = computed
    _, t, derivs = out[3]
    again = ed.derivations(t)
    assert [[(line.latex, line.value) for line in d.lines] for d in again] == \
        [[(line.latex, line.value) for line in d.lines] for d in derivs]
