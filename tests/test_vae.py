"""The VAE's maths: ELBO terms by hand, KL by Monte Carlo, the IW bound against quadrature."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import logsumexp

from gdm_core import paths, vae
from gdm_core.units import from_nats
from gdm_core.layers import VAEConfig
from gdm_core import torch_nets
from gdm_core.torch_nets import VAE


def _constant_model(mu, logvar, logits) -> VAE:
    """A VAE whose encoder ignores x and whose decoder ignores z: everything is by hand.

    Zero weights everywhere; the biases carry μ, log σ² and the 784 logits (GELU(0) = 0).
    """
    model = VAE(VAEConfig(latent_dim=len(mu), hidden=3, enc_layers=1, dec_layers=1))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.to_mu.bias.copy_(torch.tensor(mu, dtype=torch.float32))
        model.to_logvar.bias.copy_(torch.tensor(logvar, dtype=torch.float32))
        model.decoder[1].bias.copy_(torch.as_tensor(logits, dtype=torch.float32))
    return model.eval()


def _small_model(seed: int = 0, hidden: int = 12, posterior_sd: float | None = None) -> VAE:
    torch.manual_seed(seed)
    model = VAE(VAEConfig(latent_dim=2, hidden=hidden, enc_layers=1, dec_layers=1))
    if posterior_sd is not None:  # a narrower q(z|x), so the bounds are far apart
        with torch.no_grad():
            model.to_logvar.weight.mul_(0.1)
            model.to_logvar.bias.fill_(2 * math.log(posterior_sd))
    return model.eval()


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def _binary_images(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((n, 784)) < 0.3).astype(np.float32)


# --- the two terms by hand ---

def test_gaussian_kl_hand_computed():
    # mu = (1, 0), sigma^2 = (1, 4): KL = 1/2 [(1 + 1 - 0 - 1) + (0 + 4 - ln 4 - 1)]
    mu, logvar = [[1.0, 0.0]], [[0.0, math.log(4.0)]]
    kl = vae.kl_to_prior(np.array(mu, np.float32), np.array(logvar, np.float32))
    assert kl.shape == (1,)
    assert kl[0] == pytest.approx(0.5 * (1 + 3 - math.log(4)), abs=1e-6)
    assert kl[0] == pytest.approx(1.3068528194400546, abs=1e-6)
    # the training loss's KL (torch) is the same formula
    kl_t = torch_nets.gaussian_kl(torch.tensor(mu), torch.tensor(logvar))
    assert kl_t.item() == pytest.approx(1.3068528194400546, abs=1e-6)


def test_bernoulli_log_likelihood_hand_computed():
    logits = np.array([[0.0, 2.0, -1.0]], dtype=np.float32)
    x = np.array([[1.0, 0.0, 1.0]], dtype=np.float32)
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    expected = math.log(sig(0)) + math.log(1 - sig(2)) + math.log(sig(-1))
    assert vae.bernoulli_log_likelihood(logits, x)[0] == pytest.approx(expected, abs=1e-6)
    # the training loss's likelihood (torch) is the same
    ll_t = torch_nets.bernoulli_log_likelihood(torch.from_numpy(logits), torch.from_numpy(x))
    assert ll_t.item() == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(-0.693147 - 2.126928 - 1.313262, abs=2e-6)


def test_elbo_of_a_hand_built_model():
    # logits: pixel j has logit (j mod 5) - 2; x: pixel on when j mod 3 == 0.
    j = np.arange(784)
    logits = (j % 5) - 2.0
    x = (j % 3 == 0).astype(np.float32)[None]
    mu, logvar = [0.5, -1.0], [math.log(0.25), math.log(2.0)]
    model = _constant_model(mu, logvar, logits)
    rec, kl = torch_nets.elbo(model, torch.from_numpy(x))  # the training loss (torch)
    p = 1 / (1 + np.exp(-logits))
    xs = x[0]
    expected_rec = np.sum(xs * np.log(p) + (1 - xs) * np.log1p(-p))
    expected_kl = 0.5 * sum(m * m + math.exp(lv) - lv - 1 for m, lv in zip(mu, logvar))
    assert rec.item() == pytest.approx(expected_rec, rel=1e-5)
    assert kl.item() == pytest.approx(expected_kl, abs=1e-5)
    # The page's seeded estimator gives the same numbers, whatever the number of samples.
    rec2, kl2 = vae.elbo_estimate(model, x, samples=7, seed=3)
    assert rec2[0] == pytest.approx(expected_rec, rel=1e-5)
    assert kl2[0] == pytest.approx(expected_kl, abs=1e-5)


def test_kl_matches_torch_distributions():
    torch.manual_seed(0)
    mu, logvar = torch.randn(50, 3), torch.randn(50, 3)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    ref = torch.distributions.kl_divergence(q, p).sum(-1)
    np.testing.assert_allclose(vae.kl_to_prior(mu.numpy(), logvar.numpy()), ref.numpy(),
                               atol=1e-5)


def test_kl_term_matches_monte_carlo():
    # KL(q||p) = E_q[log q(z) - log p(z)], estimated with scipy densities from 400,000 draws.
    mu, logvar = np.array([0.7, -1.2]), np.array([-0.5, 0.8])
    sd = np.exp(0.5 * logvar)
    z = np.random.default_rng(0).normal(mu, sd, size=(400_000, 2))
    diff = (stats.norm.logpdf(z, mu, sd) - stats.norm.logpdf(z)).sum(1)
    mc, se = diff.mean(), diff.std() / math.sqrt(len(diff))
    exact = float(vae.kl_to_prior(mu, logvar))
    assert abs(mc - exact) < 4 * se, (mc, exact, se)
    assert se < 0.01  # the test is sharp enough to catch a factor or sign error


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=2, max_size=2),
       st.lists(st.floats(-4, 4), min_size=2, max_size=2))
def test_kl_is_non_negative_and_zero_only_at_the_prior(mu, logvar):
    kl = float(vae.kl_to_prior(np.array([mu], dtype=np.float64),
                               np.array([logvar], dtype=np.float64))[0])
    assert kl >= -1e-12
    if kl < 1e-9:
        assert np.allclose(mu, 0, atol=1e-4) and np.allclose(logvar, 0, atol=1e-4)


def test_reconstruction_term_is_unbiased_for_a_z_dependent_decoder():
    # E_q[log p(x|z)] by fine 2-D quadrature vs the Monte-Carlo estimate of elbo_estimate.
    model = _small_model(0)
    x = _binary_images(1)
    with torch.no_grad():  # the reference is computed with the torch model itself
        mu, logvar = model.encode(torch.from_numpy(x))
    mu, sd = mu[0].double().numpy(), np.exp(0.5 * logvar[0].double().numpy())
    grid = np.linspace(-7, 7, 201)
    g1, g2 = np.meshgrid(mu[0] + sd[0] * grid, mu[1] + sd[1] * grid, indexing="ij")
    z = torch.from_numpy(np.stack([g1.ravel(), g2.ravel()], 1)).float()
    with torch.no_grad():
        logits = model.decode(z)
        log_px = torch_nets.bernoulli_log_likelihood(
            logits, torch.from_numpy(x).expand_as(logits)).double().numpy()
    w = (stats.norm.pdf(grid)[:, None] * stats.norm.pdf(grid)[None, :]).ravel()
    exact = np.sum(w * log_px) / np.sum(w)
    rec, _ = vae.elbo_estimate(model, x, samples=20_000, seed=0)
    rec_one = np.array([vae.elbo_estimate(model, x, samples=1, seed=s)[0][0] for s in range(200)])
    se = rec_one.std() / math.sqrt(20_000)
    assert abs(rec[0] - exact) < 5 * se + 1e-3, (rec[0], exact, se)


# --- the importance-weighted bound ---

def _log_px_quadrature(model: VAE, x: np.ndarray, n: int = 301, half: float = 6.0):
    """log p(x) = log ∫ p(x|z) p(z) dz on an n×n grid over [−half, half]² (the reference)."""
    grid = np.linspace(-half, half, n)
    g1, g2 = np.meshgrid(grid, grid, indexing="ij")
    z = torch.from_numpy(np.stack([g1.ravel(), g2.ravel()], 1)).float()
    log_pz = stats.norm.logpdf(g1.ravel()) + stats.norm.logpdf(g2.ravel())
    out = []
    with torch.no_grad():
        logits = model.decode(z)
        for xi in torch.from_numpy(x):
            log_f = (torch_nets.bernoulli_log_likelihood(logits, xi.expand_as(logits))
                     .double().numpy()
                     + log_pz).reshape(n, n)
            border = np.concatenate([log_f[0], log_f[-1], log_f[:, 0], log_f[:, -1]])
            assert border.max() < log_f.max() - 12, "the quadrature grid is too small"
            out.append(logsumexp(log_f) + 2 * math.log(grid[1] - grid[0]))
    return np.array(out)


def _model_and_data():
    model = _small_model(0, posterior_sd=0.3)
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():  # digits the model itself generates, so p(x) is not astronomically small
        p = torch.sigmoid(model.decode(torch.randn(3, 2, generator=g)))
    return model, (torch.rand(p.shape, generator=g) < p).float().numpy()


def test_quadrature_reference_is_converged():
    model, x = _model_and_data()
    np.testing.assert_allclose(_log_px_quadrature(model, x, 201, 6.0),
                               _log_px_quadrature(model, x, 301, 7.0), atol=2e-3)


def test_iw_bound_is_above_the_elbo_increases_with_k_and_stays_below_log_px():
    model, x = _model_and_data()
    log_px = _log_px_quadrature(model, x)
    # 80 repeats: L_1000 - L_1 is ~5.8 nats for the first digit and L_1's draws spread by ~3
    # nats, so 20 repeats (standard errors ~0.8) left "> 6 se + 1" a coin toss on the draws.
    reps = 80
    means, ses = {}, {}
    for k in (1, 10, 100, 1000):
        rng = np.random.default_rng(k)
        draws = np.stack([vae.iw_bound(model, x, k=k, chunk=1000, rng=rng)
                          for _ in range(reps)])  # (reps, N)
        assert draws.dtype == np.float64 and draws.shape == (reps, len(x))
        means[k], ses[k] = draws.mean(0), draws.std(0, ddof=1) / math.sqrt(reps)
    rec, kl = vae.elbo_estimate(model, x, samples=5000, seed=0)
    elbo = rec - kl
    # k = 1 is the ELBO (in expectation).
    assert np.all(np.abs(means[1] - elbo) < 5 * ses[1] + 0.05), (means[1], elbo, ses[1])
    # Never decreasing in k (up to noise), and clearly increasing overall.
    for small, big in ((1, 10), (10, 100), (100, 1000)):
        gap = means[big] - means[small]
        assert np.all(gap > -4 * np.hypot(ses[big], ses[small])), (small, big, gap)
    assert np.all(means[1000] - means[1] > 6 * np.hypot(ses[1000], ses[1]) + 1.0)
    # Still a lower bound on log p(x), and the ELBO's gap to log p(x) is real.
    assert np.all(means[1000] <= log_px + 4 * ses[1000]), (means[1000], log_px)
    assert np.all(log_px - elbo > 2.0), (log_px, elbo)


def test_iw_bound_is_reproducible_with_a_generator_and_checks_k():
    model = _small_model(1)
    x = _binary_images(2)
    a = vae.iw_bound(model, x, k=30, chunk=7, rng=np.random.default_rng(5))
    b = vae.iw_bound(model, x, k=30, chunk=7, rng=np.random.default_rng(5))
    assert np.array_equal(a, b)
    c = vae.iw_bound(model, x, k=30, chunk=7, rng=np.random.default_rng(6))
    assert not np.array_equal(a, c)
    with pytest.raises(ValueError, match="at least 1"):
        vae.iw_bound(model, x, k=0)


# --- the latent grid, and the small helpers the page uses ---

@pytest.mark.parametrize("n", [2, 5, 12])
def test_latent_grid_is_the_inverse_normal_cdf_of_an_even_grid(n):
    z = vae.latent_grid(n)
    assert isinstance(z, np.ndarray) and z.dtype == np.float32
    q = stats.norm.ppf(np.linspace(0.05, 0.95, n))
    assert z.shape == (n * n, 2)
    grid = z.reshape(n, n, 2)  # [row, column]
    np.testing.assert_allclose(grid[0, :, 0], q, atol=1e-5)  # z1 grows along a row
    np.testing.assert_allclose(grid[:, 0, 1], q[::-1], atol=1e-5)  # z2 falls down a column
    np.testing.assert_allclose(grid[:, :, 0], np.tile(q, (n, 1)), atol=1e-5)


def test_latent_grid_edge_cases():
    assert vae.latent_grid(1).tolist() == [[0.0, 0.0]]
    np.testing.assert_allclose(vae.latent_grid(3, edge=0.1)[:3, 0],
                               stats.norm.ppf([0.1, 0.5, 0.9]), atol=1e-5)
    with pytest.raises(ValueError, match="at least 1"):
        vae.latent_grid(0)


@pytest.mark.parametrize("p", [0.5, 0.9, 0.99, 0.999])
def test_prior_mass_radius_matches_chi_square(p):
    assert vae.prior_mass_radius(p) == pytest.approx(math.sqrt(stats.chi2.ppf(p, 2)), rel=1e-9)


def test_prior_mass_radius_rejects_bad_mass():
    for p in (0, 1, -0.1, 2):
        with pytest.raises(ValueError):
            vae.prior_mass_radius(p)


def test_nats_to_bits():
    # the VAE computes in nats; the page converts with the app's one conversion
    assert from_nats(math.log(2), "bits") == pytest.approx(1.0)
    assert from_nats(3.5, "nats") == 3.5
    np.testing.assert_allclose(from_nats(np.array([1.0, 2.0]), "bits"),
                               np.array([1.0, 2.0]) / math.log(2))
    with pytest.raises(ValueError):
        from_nats(1.0, "bans")


def test_interpolate_endpoints_and_midpoint():
    path = vae.interpolate([0, 0], [2, -4], 5)
    np.testing.assert_allclose(path, [[0, 0], [0.5, -1], [1, -2], [1.5, -3], [2, -4]])
    with pytest.raises(ValueError):
        vae.interpolate([0, 0], [1, 1], 1)


def test_sample_prior_is_seeded_and_decodes_to_probabilities():
    model = _small_model(2)
    z1, img1 = vae.sample_prior(model, 6, seed=11)
    z2, img2 = vae.sample_prior(model, 6, seed=11)
    z3, _ = vae.sample_prior(model, 6, seed=12)
    assert np.array_equal(z1, z2) and np.array_equal(img1, img2)
    assert not np.array_equal(z1, z3)
    assert img1.shape == (6, 28, 28) and img1.min() >= 0 and img1.max() <= 1
    # the draws are NumPy's seeded generator's (the served code imports no torch)
    expected = np.random.default_rng(11).standard_normal((6, 2)).astype(np.float32)
    np.testing.assert_array_equal(z1, expected)
    with pytest.raises(ValueError):
        vae.sample_prior(model, 0, seed=0)


def test_decode_reconstruct_and_encode_mean_agree_with_the_model():
    model = _small_model(3)
    images = (np.random.default_rng(0).random((5, 28, 28)) * 255).astype(np.uint8)
    x = vae.to_input(images)
    assert x.shape == (5, 784) and float(x.max()) <= 1.0
    np.testing.assert_allclose(x[0, :28], images[0, 0] / 255.0, rtol=1e-6)
    mu, logvar = vae.encode_mean(model, x, batch=2)
    with torch.no_grad():  # the torch model itself is the reference
        ref_mu, ref_lv = model.encode(torch.from_numpy(x))
        ref_img = torch.sigmoid(model.decode(ref_mu)).numpy().reshape(5, 28, 28)
    np.testing.assert_allclose(mu, ref_mu.numpy(), atol=1e-6)
    np.testing.assert_allclose(logvar, ref_lv.numpy(), atol=1e-6)
    np.testing.assert_allclose(vae.reconstruct(model, x), ref_img, atol=1e-6)
    np.testing.assert_allclose(vae.decode_images(model, mu), ref_img, atol=1e-6)
    with pytest.raises(ValueError, match="28, 28"):
        vae.to_input(np.zeros((3, 784), dtype=np.uint8))


def test_elbo_estimate_rejects_zero_samples():
    with pytest.raises(ValueError):
        vae.elbo_estimate(_small_model(0), _binary_images(1), samples=0)


def test_config_round_trip_and_validation():
    cfg = VAEConfig(2, 64, 2, 3)
    assert VAEConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="missing"):
        VAEConfig.from_dict({"latent_dim": 2})
    with pytest.raises(ValueError, match="positive"):
        VAEConfig.from_dict({"latent_dim": 2, "hidden": 0, "enc_layers": 1, "dec_layers": 1})


def test_checkpoint_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.CHECKPOINT_ENV, raising=False)
    assert paths.checkpoint_path() == paths.SHIPPED_CHECKPOINT
    monkeypatch.setenv(paths.CHECKPOINT_ENV, str(tmp_path / "other.pt"))
    assert paths.checkpoint_path() == tmp_path / "other.pt"


def test_model_input_is_the_test_binarisation_by_position():
    from gdm_core.data import binarize_test

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 28, 28)).astype(np.uint8)
    x = vae.model_input(images)
    assert x.dtype == np.float32 and x.shape == (6, 784)
    assert np.array_equal(x, binarize_test(images))
    idx = np.array([4, 1])
    assert np.array_equal(vae.model_input(images[idx], idx), x[idx])
    with pytest.raises(ValueError, match="shape"):
        vae.model_input(images.reshape(6, 784))


def test_paths_live_in_one_module_and_follow_the_environment(monkeypatch, tmp_path):
    assert paths.SHIPPED_CHECKPOINT.is_file() and paths.MNIST_SAMPLE.is_dir()
    assert paths.SHIPPED_CHECKPOINT.parent == paths.CHECKPOINTS == paths.MNIST_SAMPLE.parent
    for env, fn, default in ((paths.AE_CHECKPOINT_ENV, paths.ae_checkpoint_path,
                              paths.AE_CHECKPOINT),
                             (paths.MNIST_SAMPLE_ENV, paths.mnist_sample_path,
                              paths.MNIST_SAMPLE)):
        monkeypatch.delenv(env, raising=False)
        assert fn() == default
        monkeypatch.setenv(env, str(tmp_path))
        assert fn() == tmp_path


def test_one_thread_helper():
    from gdm_core.torch_threads import one_thread, set_threads

    before = set_threads(2)
    assert one_thread() == 2 and torch.get_num_threads() == 1
    assert one_thread() == 1
    set_threads(before)
    with pytest.raises(ValueError, match="at least 1"):
        set_threads(0)


def test_reparameterize_with_a_generator_is_reproducible():
    mu, logvar = torch.tensor([[1.0, -2.0]]), torch.tensor([[0.0, math.log(4.0)]])
    a = VAE.reparameterize(mu, logvar, torch.Generator().manual_seed(3))
    b = VAE.reparameterize(mu, logvar, torch.Generator().manual_seed(3))
    eps = torch.randn((1, 2), generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and torch.allclose(a, mu + torch.tensor([[1.0, 2.0]]) * eps)


# --- the shipped model ---

@pytest.fixture(scope="module")
def shipped():
    from gdm_core.checkpoints import load_checkpoint

    return load_checkpoint(paths.SHIPPED_CHECKPOINT)


def test_shipped_checkpoint_is_small_two_dimensional_and_in_eval_mode(shipped):
    model, meta = shipped
    assert paths.SHIPPED_CHECKPOINT.stat().st_size < 20 * 2**20
    assert model.config.latent_dim == 2 and not model.training
    assert meta["history"] and "command" in meta and "data_md5" in meta


def test_shipped_model_scores_the_shipped_sample_like_its_training_log(shipped):
    # The first 2,000 test digits score close to the logged 10,000-digit test ELBO.
    from gdm_core.data import load_mnist

    model, meta = shipped
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    rec, kl = vae.elbo_estimate(model, vae.model_input(images[:1000]), seed=0)
    logged = meta["history"][-1]["test_neg_elbo"]
    assert abs(-(rec - kl).mean() - logged) < 5.0, ((kl - rec).mean(), logged)


def test_latent_dimension_study_is_shipped_small_and_reproducible():
    records = vae.load_latent_dims()
    if not records:
        pytest.skip("checkpoints/latent_dims is empty")
    dims = [r["d"] for r in records]
    assert dims == sorted(dims) and 2 in dims
    for r in records:
        assert r["neg_elbo"] == pytest.approx(r["kl"] - r["reconstruction"], abs=2e-3)
        assert r["neg_iw"] < r["neg_elbo"] + 1.0  # roughly: the IW bound is the tighter one
        assert r["command"].startswith("python -m gdm_core.train") and f"--latent {r['d']}" in \
            r["command"]
        assert r["samples"].shape == (16, 28, 28) and r["samples"].dtype == np.uint8
        assert r["z"].shape == (16, r["d"])
    # one recipe for every d
    assert len({tuple(sorted((k, v) for k, v in r["architecture"].items() if k != "latent_dim"))
                for r in records}) == 1


def test_everything_shipped_in_checkpoints_stays_under_60_mb():
    total = sum(p.stat().st_size for p in paths.SHIPPED_CHECKPOINT.parent.rglob("*") if p.is_file())
    assert total < 60 * 10**6, total
