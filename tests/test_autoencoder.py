"""The plain autoencoder and the plain-data functions shared with the VAE."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gdm_core import autoencoder as ae
from gdm_core.layers import VAEConfig
from gdm_core.torch_nets import VAE, Autoencoder, ae_loss, bernoulli_log_likelihood

CFG = VAEConfig(latent_dim=2, hidden=16, enc_layers=2, dec_layers=3)


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture
def models():
    torch.manual_seed(0)
    return Autoencoder(CFG).eval(), VAE(CFG).eval()


def test_same_layers_as_the_vae_without_the_variance_head(models):
    a, v = models
    a_shapes = {k: t.shape for k, t in a.state_dict().items()}
    v_shapes = {k: t.shape for k, t in v.state_dict().items()}
    assert {k: s for k, s in v_shapes.items() if not k.startswith(("to_mu", "to_logvar"))} == \
        {k: s for k, s in a_shapes.items() if not k.startswith("to_code")}
    assert a_shapes["to_code.weight"] == v_shapes["to_mu.weight"]


def test_loss_is_the_bernoulli_reconstruction_of_the_code(models):
    a, _ = models
    x = (torch.rand(5, 784) < 0.3).float()
    with torch.no_grad():
        ref = -bernoulli_log_likelihood(a.decode(a.encode(x)), x)
        assert torch.allclose(ae_loss(a, x), ref)
    assert np.allclose(ae.reconstruction_nats(a, x, batch=2), -ref.numpy(), atol=1e-4)
    # deterministic: no noise anywhere
    assert torch.equal(a(x)[0], a(x)[0])


def test_codes_and_decodes_for_both_models(models):
    a, v = models
    x = (torch.rand(7, 784) < 0.3).float()
    with torch.no_grad():
        assert np.allclose(ae.codes(a, x, batch=3), a.encode(x).numpy())
        assert np.allclose(ae.codes(v, x), v.encode(x)[0].numpy())
        z = np.array([[0.5, -1.0]])
        assert np.allclose(ae.decode(a, z)[0], torch.sigmoid(a.decode(torch.tensor(z).float()))
                           .reshape(28, 28).numpy())
    with pytest.raises(ValueError, match="shape"):
        ae.decode(a, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="VAE or an Autoencoder"):
        ae.codes(torch.nn.Linear(2, 2), x)


def test_prior_samples_and_grid_are_seeded_and_cover_the_square(models):
    a, _ = models
    z1, im1 = ae.prior_samples(a, 6, seed=3)
    z2, _ = ae.prior_samples(a, 6, seed=3)
    assert np.array_equal(z1, z2) and im1.shape == (6, 28, 28)
    assert np.array_equal(z1, np.random.default_rng(3).standard_normal((6, 2)))
    z, images = ae.grid_decodes(a, 4, lim=3.0)
    assert images.shape == (16, 28, 28)
    assert z[0].tolist() == [-3.0, 3.0] and z[-1].tolist() == [3.0, -3.0]  # top-left, bottom-right
    with pytest.raises(ValueError, match="half-width"):
        ae.square_grid(3, lim=0)


def test_nudge_adds_noise_of_the_chosen_size(models):
    a, _ = models
    x = (torch.rand(784) < 0.3).float()
    code, z, images = ae.nudge(a, x, size=0.5, n=2000, seed=1)
    assert np.allclose(code, ae.codes(a, x[None])[0])
    spread = (z - code).std(0)
    assert np.allclose(spread, 0.5, rtol=0.08) and images.shape == (2000, 28, 28)
    c0, z0, im0 = ae.nudge(a, x, size=0.0, n=3, seed=1)
    assert np.allclose(z0, c0) and np.allclose(im0[0], ae.decode(a, c0[None])[0])
    with pytest.raises(ValueError, match="one digit"):
        ae.nudge(a, torch.zeros(2, 784), 0.1, 1, 0)
    with pytest.raises(ValueError, match="size"):
        ae.nudge(a, x, -1.0, 1, 0)


def test_shipped_autoencoder_if_present():
    from gdm_core import paths
    from gdm_core.checkpoints import load_autoencoder

    if not paths.AE_CHECKPOINT.is_file():
        pytest.skip("checkpoints/ae2d.pt is not shipped yet")
    model = load_autoencoder(paths.AE_CHECKPOINT)
    assert model.config.latent_dim == 2 and not model.training
    assert paths.AE_CHECKPOINT.stat().st_size < 20 * 2**20
