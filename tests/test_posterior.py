"""The true posterior on a grid: evidence against the IW bound, the two routes to the ELBO gap,
grid convergence, and a model whose posterior is known in closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gdm_core import paths, posterior, torch_nets, vae
from gdm_core.layers import VAEConfig
from gdm_core.numpy_nets import load_net
from gdm_core.torch_nets import VAE


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def shipped():
    from gdm_core.data import load_mnist

    model, _ = load_net(paths.SHIPPED_CHECKPOINT, "vae")  # the model the page serves (NumPy)
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    return model, vae.model_input(images[:8])


def _prior_model(mu, logvar, logits) -> VAE:
    """Encoder and decoder ignore their input: p(x|z) is constant, so p(z|x) = p(z) exactly."""
    model = VAE(VAEConfig(latent_dim=2, hidden=3, enc_layers=1, dec_layers=1))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.to_mu.bias.copy_(torch.tensor(mu, dtype=torch.float32))
        model.to_logvar.bias.copy_(torch.tensor(logvar, dtype=torch.float32))
        model.decoder[1].bias.copy_(torch.as_tensor(logits, dtype=torch.float32))
    return model.eval()


def test_a_z_independent_decoder_has_the_prior_as_posterior():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, 784)
    x = (rng.random(784) < 0.4).astype(np.float32)
    mu, logvar = [0.8, -0.3], [math.log(0.2), math.log(0.5)]
    model = _prior_model(mu, logvar, logits)
    lx = torch.from_numpy(logits).float()
    # p(x) = p(x|z) for every z: the Bernoulli likelihood of the logits, computed by torch
    exact_log_px = torch_nets.bernoulli_log_likelihood(lx[None], torch.from_numpy(x)[None]).item()
    gap = posterior.elbo_gap(model, x, n=120)
    assert gap.log_px == pytest.approx(exact_log_px, abs=2e-4)
    kl_exact = 0.5 * sum(m * m + math.exp(lv) - lv - 1 for m, lv in zip(mu, logvar))
    # KL(q ‖ p(z|x)) = KL(q ‖ p(z)): both routes give the closed form.
    assert gap.kl_posterior == pytest.approx(kl_exact, abs=1e-4)
    assert gap.gap == pytest.approx(kl_exact, abs=2e-4)
    g = gap.grid
    assert np.allclose(g.posterior_mean, 0, atol=1e-6)
    assert np.allclose(g.posterior_cov, np.eye(2), atol=1e-5)
    assert g.edge < -25


@pytest.mark.parametrize("digit", [0, 2, 4, 5])
def test_quadrature_evidence_agrees_with_the_iw_bound_at_k_5000(shipped, digit):
    # Digits whose q(z|x) covers the posterior well. (Where q is much narrower than p(z|x), as
    # for digit 1, the IW estimate at k = 5000 still scatters by ±0.07 nats between seeds.)
    model, x = shipped
    grid = posterior.posterior_grid(model, x[digit])
    iw = np.mean([float(vae.iw_bound(model, x[digit:digit + 1], k=5000,
                                     rng=np.random.default_rng(s))[0])
                  for s in range(2)])
    assert abs(grid.log_px - iw) < 0.05, (grid.log_px, iw)


def test_two_routes_to_the_gap_and_grid_refinement(shipped):
    model, x = shipped
    for digit in (0, 3):  # digit 3 (a 0) has a 10-nat gap: q sits off the true posterior
        gap = posterior.elbo_gap(model, x[digit])
        assert gap.q_mass == pytest.approx(1.0, abs=1e-6)
        assert gap.gap == pytest.approx(gap.kl_posterior, abs=1e-3)
        assert gap.gap > 0 and gap.elbo < gap.log_px
        fine = posterior.posterior_grid(model, x[digit], n=200)
        assert abs(fine.log_px - gap.log_px) < 0.01
        wide = posterior.posterior_grid(model, x[digit], n=160, lim=1.0)  # fixed square
        assert abs(wide.log_px - gap.log_px) < 0.01
        # The Gauss–Hermite ELBO agrees with the seeded Monte Carlo estimate.
        rec, kl = vae.elbo_estimate(model, x[digit:digit + 1], samples=2000, seed=0)
        assert kl[0] == pytest.approx(gap.kl_prior, abs=1e-4)
        assert rec[0] == pytest.approx(gap.reconstruction, abs=0.2)  # ~4 standard errors


def test_iw_curve_climbs_from_the_elbo_to_the_evidence(shipped):
    model, x = shipped
    gap = posterior.elbo_gap(model, x[3])
    ks, mean, sd = posterior.iw_curve(model, x[3], ks=(1, 10, 100, 1000), repeats=8, seed=0)
    assert list(ks) == [1, 10, 100, 1000] and np.all(np.diff(mean) > 0)
    assert abs(mean[0] - gap.elbo) < 4 * sd[0] / math.sqrt(8)
    assert mean[-1] < gap.log_px + 3 * sd[-1] / math.sqrt(8)
    assert mean[-1] > gap.elbo + 0.5 * gap.gap  # most of the 10-nat gap is closed by k = 1000
    again = posterior.iw_curve(model, x[3], ks=(1, 10, 100, 1000), repeats=8, seed=0)
    assert np.array_equal(again[1], mean)


def test_bad_input_is_a_value_error():
    model = _prior_model([0, 0], [0, 0], np.zeros(784))
    x = np.zeros(784, dtype=np.float32)
    with pytest.raises(ValueError, match="binary"):
        posterior.posterior_grid(model, np.full(784, 0.5, dtype=np.float32))
    with pytest.raises(ValueError, match="784"):
        posterior.posterior_grid(model, np.zeros(783, dtype=np.float32))
    with pytest.raises(ValueError, match="at least 10"):
        posterior.posterior_grid(model, x, n=3)
    with pytest.raises(ValueError, match="lim"):
        posterior.posterior_grid(model, x, lim=-1.0)
    with pytest.raises(ValueError, match="2-D"):
        posterior.posterior_grid(VAE(VAEConfig(3, 4, 1, 1)), x)
    with pytest.raises(ValueError, match="repeats"):
        posterior.iw_curve(model, x, repeats=1)
