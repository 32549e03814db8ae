"""GAN core: toy data, mode coverage, the objectives, training, hand stepping, shipped presets."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
from scipy import stats

from gdm_core import gan, lsgan, transport
from gdm_core.gan._train import _Trainer, _w1
from gdm_core.gan_data import LINE_ENDS
from gdm_core.gan import (
    GANConfig,
    GANSession,
    PRESETS,
    fit_critic,
    gradient_penalty,
    load_preset_run,
    make_mlp,
    mode_coverage,
    toy_data,
    toy_modes,
    train_gan,
)

TINY = dict(steps=12, snapshots=4, batch=32, hidden=16, layers=2)


# ----------------------------------------------------------------------------------------------
# data and modes
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", gan.DATASETS)
def test_toy_data_shape_window_and_seed(name):
    x = toy_data(name, 500, seed=3)
    assert x.shape == (500, 2) and np.isfinite(x).all()
    assert np.abs(x).max() < gan.EXTENT
    np.testing.assert_array_equal(x, toy_data(name, 500, seed=3))
    assert not np.array_equal(x, toy_data(name, 500, seed=4))


def test_modes_of_the_mixtures():
    ring = toy_modes("ring8")
    assert ring.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 2.0)
    assert toy_modes("grid25").shape == (25, 2)
    assert toy_modes("gaussian").shape == (1, 2)
    for curve in ("moons", "spiral", "line"):
        assert toy_modes(curve) is None


def test_ring_samples_stay_near_their_modes():
    # the data itself: every mode covered, 3 std holds 1 − e^{−9/2} ≈ 98.9 % of a 2-D Gaussian
    modes, near = mode_coverage(toy_data("ring8", 20_000, seed=0), "ring8")
    assert modes == 8 and near == pytest.approx(1 - math.exp(-4.5), abs=0.005)


def test_line_has_a_one_dimensional_support():
    x = toy_data("line", 200, seed=0)
    (a0, a1), (b0, b1) = LINE_ENDS
    cross = (x[:, 0] - a0) * (b1 - a1) - (x[:, 1] - a1) * (b0 - a0)
    np.testing.assert_allclose(cross, 0.0, atol=1e-12)


@pytest.mark.parametrize("k", [1, 3, 8])
def test_mode_coverage_counts_built_samples(k):
    rng = np.random.default_rng(0)
    centres = toy_modes("ring8")[:k]
    x = np.repeat(centres, 100, axis=0) + 0.01 * rng.standard_normal((100 * k, 2))
    assert mode_coverage(x, "ring8") == (k, pytest.approx(1.0))


def test_mode_coverage_captures_with_one_sample_and_ignores_far_points():
    centres = toy_modes("ring8")
    # 60 % on mode 0, 2 % on mode 1, 38 % at the origin (near nothing). VEEGAN/PacGAN's rule: a
    # mode is captured by a single high-quality sample, so mode 1 counts; the origin does not.
    x = np.concatenate([np.repeat(centres[:1], 60, 0), np.repeat(centres[1:2], 2, 0),
                        np.zeros((38, 2))])
    modes, near = mode_coverage(x, "ring8")
    assert modes == 2 and near == pytest.approx(0.62)
    assert mode_coverage(np.delete(x, [60, 61], axis=0), "ring8")[0] == 1  # without them: one
    # 3 std = 0.06 for the ring: a point at 0.059 is near, one at 0.061 is not
    assert mode_coverage(centres[:1] + [[0.059, 0]], "ring8") == (1, 1.0)
    assert mode_coverage(centres[:1] + [[0.061, 0]], "ring8") == (0, 0.0)


def test_mode_coverage_grid_and_modeless():
    grid = toy_modes("grid25")
    assert mode_coverage(grid, "grid25") == (25, 1.0)
    modes, near = mode_coverage(toy_data("moons", 100), "moons")
    assert modes == 0 and math.isnan(near)


@pytest.mark.parametrize("bad", [
    lambda: toy_data("rings", 10, 0),
    lambda: toy_data("ring8", 0, 0),
    lambda: toy_data("ring8", -5, 0),
    lambda: toy_data("ring8", 2.5, 0),
    lambda: toy_data("ring8", float("nan"), 0),
    lambda: toy_modes("circle"),
    lambda: mode_coverage(np.zeros((3, 3)), "ring8"),
    lambda: mode_coverage(np.zeros((0, 2)), "ring8"),
    lambda: mode_coverage(np.zeros((3, 2)), "nope"),
])
def test_bad_data_input_is_a_readable_value_error(bad):
    with pytest.raises(ValueError):
        bad()


# ----------------------------------------------------------------------------------------------
# configuration
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, words", [
    (dict(loss="wgan"), "unknown loss"),
    (dict(data="ring9"), "unknown data set"),
    (dict(lr=0), "learning rate"),
    (dict(lr=-1e-3), "learning rate"),
    (dict(lr=float("nan")), "learning rate"),
    (dict(batch=0), "batch"),
    (dict(steps=-1), "steps"),
    (dict(n_critic=0), "n_critic"),
    (dict(latent_dim=3), "latent"),
    (dict(hidden=0), "width"),
    (dict(clip=0), "clipping"),
    (dict(gp_lambda=float("nan")), "λ"),
    (dict(snapshots=1), "snapshots"),
    (dict(optimizer="sgd"), "optimizer"),
    (dict(seed=1.5), "seed"),
])
def test_bad_config_is_a_readable_value_error(changes, words):
    with pytest.raises(ValueError, match=words):
        GANConfig(**changes)


def test_config_normalises_numbers_and_round_trips():
    c = GANConfig(steps=100.0, lr=1e-3)
    assert c == GANConfig(steps=100, lr=0.001) and hash(c) == hash(GANConfig(steps=100, lr=0.001))
    assert GANConfig.from_dict(c.to_dict()) == c
    assert GANConfig(loss="wgan-clip").optimizer_name == "rmsprop"
    assert GANConfig(loss="nonsaturating").optimizer_name == "adam"


def test_compare_configs_keeps_data_and_seed():
    base = GANConfig(data="grid25", seed=4)
    configs = gan.compare_configs(base, ["minimax", "wgan-gp"])
    assert [c.loss for c in configs] == ["minimax", "wgan-gp"]
    assert all(c.data == "grid25" and c.seed == 4 for c in configs)
    assert configs[0].n_critic == 1 and configs[1].n_critic == GANConfig().n_critic
    with pytest.raises(ValueError):
        gan.compare_configs(base, [])
    every = gan.compare_configs(base, gan.LOSSES)  # all five side by side
    assert [c.loss for c in every] == list(gan.LOSSES) and len(every) == 5
    assert every[-1].n_critic == 1 and every[-1].lr == 1e-3  # LSGAN: the plain GANs' settings
    with pytest.raises(ValueError):
        gan.compare_configs(base, [*gan.LOSSES, "minimax"])


# ----------------------------------------------------------------------------------------------
# the objectives
# ----------------------------------------------------------------------------------------------
def test_discriminator_converges_to_the_optimal_discriminator():
    # D*(x) = p_r(x) / (p_r(x) + p_g(x)) (Goodfellow et al. 2014, Prop. 1)
    real, fake = stats.norm(0.0, 1.0), stats.norm(1.0, 1.5)
    rng = np.random.default_rng(0)
    D = fit_critic(real.rvs(20_000, random_state=rng), fake.rvs(20_000, random_state=rng),
                   loss="nonsaturating", steps=1500, lr=2e-3, hidden=32, seed=0)
    x = np.linspace(-2.0, 3.0, 201)  # within 2 std of both means
    exact = real.pdf(x) / (real.pdf(x) + fake.pdf(x))
    assert np.max(np.abs(D(x) - exact)) <= 0.05


def test_lsgan_losses_by_hand():
    # ½ E(D(x) − b)² + ½ E(D(G(z)) − a)² and ½ E(D(G(z)) − c)², a = 0, b = c = 1 (Mao et al.)
    real, fake = np.array([0.2, 1.5]), np.array([0.3, -0.4, 0.9])
    d_hand = 0.5 * (0.64 + 0.25) / 2 + 0.5 * (0.09 + 0.16 + 0.81) / 3   # = 0.39916…
    g_hand = 0.5 * (0.49 + 1.96 + 0.01) / 3                             # = 0.41
    assert lsgan.discriminator_loss(real, fake) == pytest.approx(d_hand, rel=1e-12)
    assert lsgan.generator_loss(fake) == pytest.approx(g_hand, rel=1e-12)
    # another coding: a = −1, b = 1, c = 0
    assert lsgan.discriminator_loss(real, fake, a=-1.0, b=1.0) == pytest.approx(
        0.5 * (0.64 + 0.25) / 2 + 0.5 * (1.69 + 0.36 + 3.61) / 3, rel=1e-12)
    assert lsgan.generator_loss(fake, c=0.0) == pytest.approx(0.5 * (0.09 + 0.16 + 0.81) / 3)
    # the GAN package trains with exactly these, on D's linear outputs (no sigmoid)
    t = lambda a: torch.tensor(a, dtype=torch.float64).reshape(-1, 1)  # noqa: E731
    assert gan.discriminator_loss("lsgan", t(real), t(fake)).item() == pytest.approx(d_hand)
    assert gan.generator_loss("lsgan", t(fake)).item() == pytest.approx(g_hand)
    np.testing.assert_allclose(gan.generator_loss("lsgan", t(fake), reduce=False)[:, 0].numpy(),
                               0.5 * (fake - 1) ** 2)


def test_lsgan_optimal_discriminator_minimises_its_loss_pointwise():
    # at each x, D* minimises ½ p_r (D − b)² + ½ p_g (D − a)², for any codes a, b
    from scipy.optimize import minimize_scalar

    rng = np.random.default_rng(3)
    pr, pg = rng.uniform(0, 2, 40), rng.uniform(0, 2, 40)
    for a, b in [lsgan.CODING[:2], lsgan.CHI2_CODING[:2], (-0.5, 3.0)]:
        d = lsgan.optimal_discriminator(np.zeros(40), pr, pg, a=a, b=b)
        for i in range(40):
            best = minimize_scalar(lambda v: 0.5 * pr[i] * (v - b) ** 2 + 0.5 * pg[i] * (v - a) ** 2)
            assert d[i] == pytest.approx(best.x, abs=1e-6)
    # 0-1 coding: the standard GAN's p_r / (p_r + p_g); nothing to classify: the midpoint
    np.testing.assert_allclose(lsgan.optimal_discriminator(np.zeros(40), pr, pg), pr / (pr + pg))
    assert lsgan.optimal_discriminator([0.0], [0.0], [0.0], a=-1, b=1)[0] == 0.0
    with pytest.raises(ValueError):
        lsgan.optimal_discriminator([0.0, 1.0], [1.0, -1.0], [1.0, 1.0])


def _fit_lsgan_d(real, fake, a, b, steps=1000, seed=0):
    """A fresh linear-output D trained on ½E(D(x) − b)² + ½E(D(x̃) − a)² (a test-local loop:
    fit_critic trains the 0-1 coding only)."""
    net = make_mlp(1, 1, hidden=32, layers=2, seed=seed)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3, betas=(0.5, 0.9))
    gen = torch.Generator().manual_seed(seed + 1)
    xr = torch.as_tensor(real, dtype=torch.float32).reshape(-1, 1)
    xf = torch.as_tensor(fake, dtype=torch.float32).reshape(-1, 1)
    for _ in range(steps):
        r = xr[torch.randint(len(xr), (512,), generator=gen)]
        f = xf[torch.randint(len(xf), (512,), generator=gen)]
        loss = lsgan.discriminator_loss(net(r), net(f), a=a, b=b)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return lambda x: net(torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)).detach().numpy()[:, 0]


def test_lsgan_discriminator_converges_to_its_optimal_discriminator():
    # D*(x) = (b p_r + a p_g) / (p_r + p_g) (Mao et al. 2017, Section 3.2), learned on samples
    real, fake = stats.norm(0.0, 1.0), stats.norm(1.0, 1.5)
    rng = np.random.default_rng(0)
    xr, xf = real.rvs(20_000, random_state=rng), fake.rvs(20_000, random_state=rng)
    x = np.linspace(-2.0, 3.0, 201)  # within 2 std of both means
    D = fit_critic(xr, xf, loss="lsgan", steps=1000, lr=2e-3, hidden=32, seed=0)  # 0-1 coding
    exact = lsgan.optimal_discriminator(x, real.pdf, fake.pdf)
    assert np.max(np.abs(D(x) - exact)) <= 0.05
    a, b, _ = lsgan.CHI2_CODING  # a = −1, b = 1: D* = (p_r − p_g) / (p_r + p_g), range 2
    D = _fit_lsgan_d(xr, xf, a, b)
    exact = lsgan.optimal_discriminator(x, real.pdf, fake.pdf, a=a, b=b)
    assert np.max(np.abs(D(x) - exact)) <= 0.10
    assert exact.min() < -0.3 and exact.max() > 0.3  # both signs: a real test of the coding


@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (1.0, 1.0), (0.5, 2.0), (4.0, 0.5)])
def test_lsgan_generator_minimises_the_pearson_chi2(mu, sigma):
    # with b − c = 1, b − a = 2: E_{p_r}(D* − c)² + E_{p_g}(D* − c)² = χ²(p_r + p_g ‖ 2p_g)
    pr, pg = stats.norm(0.0, 1.0).pdf, stats.norm(mu, sigma).pdf
    two_c = lsgan.generator_criterion(pr, pg, lsgan.CHI2_CODING, -30, 30)
    chi2 = lsgan.pearson_chi2(pr, pg, -30, 30)
    assert two_c == pytest.approx(chi2, rel=1e-7, abs=1e-12)
    x = np.linspace(-30, 30, 600_001)  # the divergence as the paper writes it, on a fine grid
    s, q = pr(x) + pg(x), 2 * pg(x)
    assert chi2 == pytest.approx(np.trapezoid((q - s) ** 2 / s, x), rel=1e-5, abs=1e-10)
    if (mu, sigma) == (0.0, 1.0):
        assert chi2 == pytest.approx(0.0, abs=1e-12)  # zero exactly when p_g = p_r
    else:
        assert chi2 > 0.01
        # with the trained 0-1 coding (b − c = 0) the criterion is not this divergence
        assert lsgan.generator_criterion(pr, pg, lsgan.CODING, -30, 30) != pytest.approx(chi2)


def test_wgan_gp_critic_estimates_the_wasserstein_distance():
    # equal variances: W1 = |μ_r − μ_g| = 1 (the optimal map is a shift). The penalty is soft:
    # a critic of slope s earns sΔ − λ(s − 1)², largest at s = 1 + Δ/(2λ), so with λ = 10 the
    # critic overshoots W1 by the factor 1 + Δ/20 = 1.05 here (and by 10 % for Δ = 2).
    rng = np.random.default_rng(1)
    real, fake = rng.normal(0.0, 1.0, 20_000), rng.normal(1.0, 1.0, 20_000)
    f = fit_critic(real, fake, loss="wgan-gp", steps=1500, lr=2e-3, hidden=32, seed=0)
    estimate = f(rng.normal(0, 1, 20_000)).mean() - f(rng.normal(1, 1, 20_000)).mean()
    assert estimate == pytest.approx(1.0, rel=0.10)


def test_gradient_penalty_matches_finite_differences():
    net = make_mlp(2, 1, hidden=8, layers=2, seed=3).double()
    g = torch.Generator().manual_seed(0)
    real = torch.randn(6, 2, generator=g, dtype=torch.float64)
    fake = torch.randn(6, 2, generator=g, dtype=torch.float64) + 1.0
    eps = torch.rand(6, 1, generator=g, dtype=torch.float64)
    penalty = gradient_penalty(net, real, fake, eps).item()
    x_hat = (eps * real + (1 - eps) * fake).numpy()
    h = 1e-6
    with torch.no_grad():
        f = lambda x: net(torch.as_tensor(x)).numpy()[:, 0]  # noqa: E731
        grad = np.column_stack([(f(x_hat + h * e) - f(x_hat - h * e)) / (2 * h)
                                for e in np.eye(2)])
    expected = np.mean((np.linalg.norm(grad, axis=1) - 1.0) ** 2)
    assert penalty == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_penalty_is_differentiable_in_the_weights():
    net = make_mlp(2, 1, hidden=8, layers=2, seed=0)
    x = torch.randn(5, 2)
    gradient_penalty(net, x, x + 1, torch.full((5, 1), 0.5)).backward()
    # every weight matrix gets a gradient (∇ₓf does not depend on the last bias, so it gets none)
    assert all(m.weight.grad is not None and m.weight.grad.abs().sum() > 0
               for m in net if isinstance(m, torch.nn.Linear))


@pytest.mark.parametrize("loss", gan.LOSSES)
def test_generator_push_is_minus_the_gradient_of_its_loss(loss):
    tr = _Trainer(GANConfig(loss=loss, **TINY))
    x = torch.tensor([[0.3, -0.2], [1.0, 0.5]])
    push = tr.push(x)
    h = 1e-2
    with torch.no_grad():
        per = lambda p: gan.generator_loss(loss, tr.D(torch.as_tensor(p, dtype=torch.float32)),  # noqa: E731
                                           reduce=False)[:, 0].double().numpy()
        fd = np.column_stack([(per(x.numpy() + h * e) - per(x.numpy() - h * e)) / (2 * h)
                              for e in np.eye(2, dtype=np.float32)])
    np.testing.assert_allclose(push, -fd, atol=2e-3)


# ----------------------------------------------------------------------------------------------
# training runs
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", gan.LOSSES)
def test_short_run_shapes_and_determinism(loss):
    c = GANConfig(loss=loss, data="grid25", latent_dim=1, **TINY)
    seen = []
    a = train_gan(c, progress=seen.append)
    b = train_gan(c)
    assert a.stopped_reason is None and not a.cancelled
    assert list(a.steps) == [0, 4, 8, 12]
    assert a.fake.shape == (4, gan.N_SHOW, 2) and a.grad.shape == a.fake.shape
    assert a.field.shape == (4, gan.GRID, gan.GRID) and a.grid.shape == (gan.GRID,)
    assert a.manifold.shape == (4, 1, 61, 2)  # latent dim 1: one line
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    for name in ("fake", "grad", "field", "manifold", "critic_weights", "line_grad_norm"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(a.history.w1, b.history.w1)
    assert a.history.step[-1] == 12 and np.isfinite(a.history.w1).all()
    if loss in ("minimax", "nonsaturating"):
        assert 0 <= a.field.min() and a.field.max() <= 1  # D is a probability
    assert a.field_kind == {"lsgan": "least-squares", "wgan-clip": "critic",
                            "wgan-gp": "critic"}.get(loss, "probability")
    if loss == "wgan-clip":
        assert np.abs(a.critic_weights).max() <= c.clip + 1e-7


def test_latent_dim_2_manifold_is_a_grid():
    run = train_gan(GANConfig(**TINY))
    assert run.manifold.shape == (4, gan.MANIFOLD, gan.MANIFOLD, 2)


def test_cancel_keeps_what_it_has():
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 5

    run = train_gan(GANConfig(**dict(TINY, steps=40, snapshots=9)), should_stop=stop)
    assert run.cancelled and "cancelled" in run.stopped_reason and "5 of 40" in run.stopped_reason
    assert list(run.steps) == [0, 5]
    assert run.history.step[-1] <= 5


def test_nan_losses_stop_the_run(monkeypatch):
    real_step = _Trainer.g_step

    def g_step(self):
        loss = real_step(self)
        return math.nan if self.steps_g >= 7 else loss

    monkeypatch.setattr(_Trainer, "g_step", g_step)
    run = train_gan(GANConfig(**dict(TINY, steps=20, snapshots=21)))
    assert not run.cancelled and "NaN" in run.stopped_reason and "step 7" in run.stopped_reason
    assert run.steps[-1] == 6 and np.isfinite(run.fake).all()


def test_exploding_generator_stops_the_run():
    # an absurd learning rate without decay sends the saturating GAN's weights flying
    run = train_gan(GANConfig(loss="wgan-clip", lr=1.0, clip=1e6, optimizer="adam",
                              lr_decay=False, **dict(TINY, steps=200, snapshots=201)))
    if run.stopped_reason is not None:
        assert "stopped" in run.stopped_reason
    assert np.isfinite(run.fake).all()


def test_run_saves_and_loads_without_pickle(tmp_path):
    run = train_gan(GANConfig(**TINY))
    gan.save_run(run, tmp_path / "r.npz")
    with np.load(tmp_path / "r.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)
    back = gan.load_run(tmp_path / "r")
    assert back.config == run.config and back.final_metrics() == run.final_metrics()
    for f in dataclasses.fields(gan.GANRun):
        a, b = getattr(run, f.name), getattr(back, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(run.history.near, back.history.near)
    with pytest.raises(ValueError, match="no saved GAN run"):
        gan.load_run(tmp_path / "missing.npz")


def test_run_w1_is_the_one_exact_w1_of_the_app():
    # the history's W1 and its floor are gdm_core.transport's exact W1 (one solver for the app),
    # checked here against scipy's assignment solver (equal weights, n = m: an optimal plan is a
    # permutation); a blown-up run's fakes give NaN instead of an error
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 2)), toy_data("ring8", 40, seed=1)
    cost = np.linalg.norm(x[:, None] - y[None], axis=2)
    rows, cols = linear_sum_assignment(cost)
    assert _w1(x, y) == transport.wasserstein_samples(x, y)
    assert _w1(x, y) == pytest.approx(cost[rows, cols].mean(), rel=1e-12)
    x[3, 0] = np.nan
    assert math.isnan(_w1(x, y))
    run = train_gan(GANConfig(**TINY))  # the last W1 of the history: the final fakes vs the data
    fakes = run.final_fake[:gan.N_W1].astype(np.float64)  # stored as float32
    reals = toy_data(run.config.data, gan.N_W1, seed=[run.config.seed, 3])
    assert run.history.w1[-1] == pytest.approx(transport.wasserstein_samples(fakes, reals), rel=1e-5)


def test_the_command_line_still_runs_as_a_module():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "gdm_core.gan", "--help"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "--make-presets" in out.stdout and "wgan-gp" in out.stdout
    assert "compare-lsgan" in out.stdout  # --only takes the Compare runs too


def test_make_presets_can_make_just_one_compare_run(tmp_path):
    # --only compare-lsgan copies the shipped run through the same code path (reuse: an
    # identical config is not retrained) and records it under "compare" in presets.json
    summary = gan.make_presets(tmp_path, ["compare-lsgan"], log=lambda *_: None,
                               reuse=gan.PRESET_DIR)
    assert list(summary["compare"]) == ["compare-lsgan"] and not summary["presets"]
    entry = summary["compare"]["compare-lsgan"]
    assert entry["reused"] and entry["config"] == gan.COMPARE_RUNS["compare-lsgan"].to_dict()
    shipped = gan.preset_metrics()["compare"]["compare-lsgan"]
    assert {k: entry[k] for k in ("modes_captured", "high_quality", "w1", "w1_n2000")} == \
           {k: shipped[k] for k in ("modes_captured", "high_quality", "w1", "w1_n2000")}
    assert load_preset_run("compare-lsgan", tmp_path).config.loss == "lsgan"
    with pytest.raises(ValueError, match="unknown preset"):
        gan.make_presets(tmp_path, ["compare-wgan-gp"], log=lambda *_: None)


def test_run_pickles_for_st_cache_data():
    import pickle

    run = train_gan(GANConfig(**TINY))
    back = pickle.loads(pickle.dumps(run))  # what st.cache_data does with a return value
    np.testing.assert_array_equal(back.fake, run.fake)


# ----------------------------------------------------------------------------------------------
# stepping by hand
# ----------------------------------------------------------------------------------------------
def test_session_steps_by_hand():
    s = GANSession()
    with pytest.raises(ValueError, match="start"):
        s.train_g()
    first = s.start(GANConfig(loss="nonsaturating", **TINY))
    s.train_d(3)
    s.train_g()
    frame = s.snapshot()
    assert frame.step == 1 and frame.d_steps == 3
    assert not np.array_equal(first.fake, frame.fake)
    assert [h["g_steps"] for h in s.history] == [0, 0, 1]
    assert [h["d_steps"] for h in s.history] == [0, 3, 3]
    assert frame.field.shape == (gan.GRID, gan.GRID) and s.real.shape == (gan.N_SHOW, 2)
    with pytest.raises(ValueError):
        s.train_d(0)


def test_session_matches_a_run_step_for_step():
    c = GANConfig(loss="wgan-gp", **dict(TINY, steps=3, snapshots=4))
    s = GANSession(c)
    for _ in range(3):
        s.train_d(c.n_critic)
        s.train_g()
    # the run decays its rate over 3 steps; the session uses the same schedule
    np.testing.assert_allclose(s.snapshot().fake, train_gan(c).fake[-1], atol=1e-6)


# ----------------------------------------------------------------------------------------------
# the shipped presets (trained by `python -m gdm_core.gan --make-presets checkpoints/gan`)
# ----------------------------------------------------------------------------------------------
def test_default_config_is_the_wgan_gp_preset():
    assert GANConfig(data="ring8", loss="wgan-gp", seed=0) == PRESETS["wgan-gp"][1]
    assert GANConfig().steps == 2000


@pytest.mark.parametrize("name", list(PRESETS))
def test_shipped_preset_matches_its_config(name):
    run = load_preset_run(name)
    label, config, look_for = PRESETS[name]
    assert run.config == config and label and look_for
    assert run.stopped_reason is None and run.n_frames >= 50
    assert run.history.step[-1] == config.steps


@pytest.mark.parametrize("name", list(gan.COMPARE_RUNS))
def test_shipped_compare_run_matches_its_config(name):
    # the Compare tab's default view for every objective, LSGAN included, ships
    run = load_preset_run(name)
    config = gan.COMPARE_RUNS[name]
    assert name == f"compare-{config.loss}"
    assert config == gan.compare_configs(PRESETS["wgan-gp"][1], [config.loss])[0]
    assert run.config == config and run.stopped_reason is None
    assert run.history.step[-1] == config.steps
    assert gan.preset_metrics()["compare"][name]["config"] == config.to_dict()


def test_every_objective_but_wgan_gp_has_a_compare_run():
    assert {c.loss for c in gan.COMPARE_RUNS.values()} == set(gan.LOSSES) - {"wgan-gp"}


def test_shipped_wgan_gp_covers_the_ring():
    modes, near = mode_coverage(load_preset_run("wgan-gp").final_fake, "ring8")
    assert modes >= 7 and near >= 0.70


def test_shipped_mode_collapse_collapses():
    modes, _ = mode_coverage(load_preset_run("mode-collapse").final_fake, "ring8")
    assert modes <= 4


def _nearest_mode_distance(fakes, data="ring8"):
    modes = toy_modes(data)
    return float(np.linalg.norm(fakes[:, None, :] - modes[None], axis=2).min(axis=1).mean())


def test_shipped_vanishing_gradient_stalls():
    # minimax loss, 100 D steps per G step: D rejects the fakes at the centre of the ring so
    # confidently that the saturating loss's push σ(ℓ)∇ℓ on them is ~1e-12 — below Adam's ε, so
    # even Adam cannot rescale it back up — and the fakes stay where they started.
    run = load_preset_run("vanishing-gradient")
    h = run.history
    half = len(h.grad_norm) // 2
    assert h.grad_norm.max() <= 1.5 * h.grad_norm[0]          # the push never grows ...
    assert h.grad_norm[half:].max() < 1e-6 * h.grad_norm[0]   # ... and then all but vanishes
    s = run.n_frames // 2
    step_moves = np.linalg.norm(np.diff(run.fake[s:], axis=0), axis=2).mean(axis=1)
    assert step_moves.max() < 1e-3                            # frame to frame: still
    assert np.linalg.norm(run.fake[-1] - run.fake[s], axis=1).mean() < 1e-2
    assert h.w1[-1] > 5 * run.w1_floor                        # far from the data ...
    assert _nearest_mode_distance(run.fake[-1]) > 1.5         # ... still in the ring's centre
    assert mode_coverage(run.final_fake, "ring8") == (0, 0.0)


@pytest.mark.slow
def test_vanishing_gradient_twin_with_the_nonsaturating_loss_moves():
    # the same run with −log D(G(z)): the push σ(−ℓ)∇ℓ ≈ ∇ℓ does not saturate where D rejects
    # the fakes, so they leave the centre for the ring (60 steps are enough to see it)
    config = PRESETS["vanishing-gradient"][1].replace(loss="nonsaturating", steps=60,
                                                       snapshots=4)
    run = train_gan(config)
    assert run.stopped_reason is None
    assert _nearest_mode_distance(run.fake[0]) > 1.5
    assert _nearest_mode_distance(run.final_fake) < 0.5
    assert run.history.grad_norm[len(run.history.grad_norm) // 2:].min() > 1e-2


def test_shipped_summary_and_size():
    summary = gan.preset_metrics()
    assert summary["command"].startswith("python -m gdm_core.gan --make-presets")
    assert set(summary["presets"]) == set(PRESETS)
    assert set(summary["compare"]) == set(gan.COMPARE_RUNS)
    total = sum(p.stat().st_size for p in gan.PRESET_DIR.iterdir())
    assert total < 10 * 2**20


@pytest.mark.slow
def test_retraining_the_wgan_gp_preset_reproduces_it():
    run = train_gan(PRESETS["wgan-gp"][1])
    modes, near = mode_coverage(run.final_fake, "ring8")
    assert modes >= 7 and near >= 0.70
    shipped = load_preset_run("wgan-gp").final_metrics()
    assert run.final_metrics()["modes_captured"] == shipped["modes_captured"]
