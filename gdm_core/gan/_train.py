r"""Training a GAN on toy data: both players, one step at a time, and a whole recorded run.

Each generator step is preceded by ``n_critic`` discriminator/critic steps (Goodfellow et al.
2014, Algorithm 1; Arjovsky et al. 2017, Algorithm 1; Gulrajani et al. 2017, Algorithm 1).
Every random draw comes from a private generator seeded by ``config.seed``, and torch runs on one
thread, so a run is a deterministic function of its config. The history records the exact
:math:`W_1` between fakes and data (:func:`gdm_core.transport.wasserstein_samples`) and mode
coverage (:func:`gdm_core.gan_data.mode_coverage`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from gdm_core.gan._config import (
    EXPLODE, GRID, MANIFOLD, N_EVAL, N_SHOW, N_W1, GANConfig,
)
from gdm_core.gan._nets import (
    _clip_, _make_optimizer, discriminator_loss, generator_loss, grad_norm_along_lines,
    gradient_penalty, make_mlp,
)
from gdm_core.gan._results import GANFrame, GANHistory, GANRun
from gdm_core.gan_data import EXTENT, mode_coverage, toy_data
from gdm_core.torch_threads import lazy, one_thread
from gdm_core.transport import wasserstein_samples

# imported by the first training step, not with the package (see gdm_core.torch_threads)
torch, nn = lazy("torch"), lazy("torch.nn")


def _w1(x: np.ndarray, y: np.ndarray) -> float:
    r"""Exact :math:`W_1` between two equal-weight clouds (:func:`gdm_core.transport.wasserstein_samples`);
    NaN when a point is not finite (a run that blew up), so the history can still record it."""
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return math.nan
    return wasserstein_samples(x, y, p=1)


def _grid_axis() -> np.ndarray:
    return np.linspace(-EXTENT, EXTENT, GRID)


def _latent_grid(latent_dim: int) -> np.ndarray:
    """Latent grid (r, c, k) at the 5 %…95 % quantiles of N(0, 1) along each axis."""
    from scipy.stats import norm

    q = norm.ppf(np.linspace(0.05, 0.95, MANIFOLD if latent_dim == 2 else 61))
    if latent_dim == 1:
        return q.reshape(1, -1, 1)
    zx, zy = np.meshgrid(q, q)
    return np.stack([zx, zy], axis=-1)


class _Trainer:
    """Both networks, their optimisers and the fixed evaluation draws of one run."""

    def __init__(self, config: GANConfig):
        self.config = c = config
        self.G = make_mlp(c.latent_dim, 2, c.hidden, c.layers, seed=2 * c.seed + 1)
        self.D = make_mlp(2, 1, c.hidden, c.layers, seed=2 * c.seed + 2)
        self.opt_g = _make_optimizer(self.G.parameters(), c.optimizer_name, c.lr)
        self.opt_d = _make_optimizer(self.D.parameters(), c.optimizer_name, c.lr)
        self.rng = np.random.default_rng([c.seed, 1])          # data minibatches
        self.gen = torch.Generator().manual_seed(c.seed + 7)   # latent draws and ε
        eval_gen = torch.Generator().manual_seed(10_000 + c.seed)
        # fixed draws, so that consecutive frames show the same points moving
        self.z_show = torch.randn(N_SHOW, c.latent_dim, generator=eval_gen)
        self.z_eval = torch.randn(N_EVAL, c.latent_dim, generator=eval_gen)
        self.real_show = toy_data(c.data, N_SHOW, seed=[c.seed, 2])
        self.real_w1 = toy_data(c.data, N_W1, seed=[c.seed, 3])
        g = _grid_axis()
        gx, gy = np.meshgrid(g, g)
        self.grid_points = torch.tensor(np.column_stack([gx.ravel(), gy.ravel()]),
                                        dtype=torch.float32)
        self.z_grid = torch.tensor(_latent_grid(c.latent_dim), dtype=torch.float32)
        self.steps_g = 0
        self.steps_d = 0
        if c.loss == "wgan-clip":
            _clip_(self.D, c.clip)  # the critic lives in the clipped box from the start

    # -- one step of each player ---------------------------------------------------------------
    def _lr_factor(self) -> float:
        c = self.config
        return max(0.0, 1.0 - self.steps_g / c.steps) if c.lr_decay else 1.0

    def _set_lr(self) -> None:
        lr = self.config.lr * self._lr_factor()
        for opt in (self.opt_g, self.opt_d):
            for group in opt.param_groups:
                group["lr"] = lr

    def _real_batch(self) -> torch.Tensor:
        return torch.as_tensor(toy_data(self.config.data, self.config.batch, self.rng),
                               dtype=torch.float32)

    def _latent(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.config.latent_dim, generator=self.gen)

    def d_step(self) -> tuple[float, float]:
        """One discriminator/critic step; returns (its loss, E f(real) − E f(fake))."""
        c = self.config
        self._set_lr()
        real = self._real_batch()
        with torch.no_grad():
            fake = self.G(self._latent(c.batch))
        out_real, out_fake = self.D(real), self.D(fake)
        loss = discriminator_loss(c.loss, out_real, out_fake)
        estimate = float(out_real.detach().mean() - out_fake.detach().mean())
        if c.loss == "wgan-gp" and c.gp_lambda > 0:
            eps = torch.rand(c.batch, 1, generator=self.gen)
            loss = loss + c.gp_lambda * gradient_penalty(self.D, real, fake, eps)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        if c.loss == "wgan-clip":
            _clip_(self.D, c.clip)
        self.steps_d += 1
        return float(loss.detach()), estimate

    def g_step(self) -> float:
        """One generator step on a fresh latent batch; returns its loss."""
        self._set_lr()
        loss = generator_loss(self.config.loss, self.D(self.G(self._latent(self.config.batch))))
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        self.steps_g += 1
        return float(loss.detach())

    # -- what the page shows -------------------------------------------------------------------
    def push(self, x: torch.Tensor) -> np.ndarray:
        r"""−∇ₓ of each sample's generator-loss term at the points x: where the generator's
        update moves a fake placed there (before the chain rule through G's weights)."""
        x = x.detach().clone().requires_grad_(True)
        per = generator_loss(self.config.loss, self.D(x), reduce=False)
        grad, = torch.autograd.grad(per.sum(), x)
        return (-grad).numpy()

    def field_on_grid(self) -> np.ndarray:
        with torch.no_grad():
            out = self.D(self.grid_points).reshape(GRID, GRID)
        # σ of the logit for the GANs; the WGAN critic and the LSGAN's D are linear
        return (torch.sigmoid(out) if self.config.field_kind == "probability" else out).numpy()

    def frame(self) -> GANFrame:
        with torch.no_grad():
            fake = self.G(self.z_show)
            manifold = self.G(self.z_grid.reshape(-1, self.config.latent_dim))
        return GANFrame(
            step=self.steps_g,
            fake=fake.numpy().astype(np.float32),
            grad=self.push(fake).astype(np.float32),
            field=self.field_on_grid().astype(np.float32),
            manifold=manifold.numpy().reshape(self.z_grid.shape[:2] + (2,)).astype(np.float32),
            d_steps=self.steps_d,
        )

    def eval_fakes(self) -> np.ndarray:
        with torch.no_grad():
            return self.G(self.z_eval).numpy().astype(np.float64)

    def metrics(self) -> dict:
        fake = self.eval_fakes()
        modes, near = mode_coverage(fake, self.config.data) if np.isfinite(fake).all() \
            else (0, math.nan)
        grad = self.push(torch.as_tensor(fake[:N_SHOW], dtype=torch.float32))
        return {"w1": _w1(fake[:N_W1], self.real_w1), "modes": modes, "near": near,
                "grad_norm": float(np.linalg.norm(grad, axis=1).mean())}

    def critic_weights(self) -> np.ndarray:
        return np.concatenate([m.weight.detach().numpy().ravel() for m in self.D
                               if isinstance(m, nn.Linear)]).astype(np.float32)

    def lines(self, n_lines: int = 12) -> tuple[np.ndarray, np.ndarray]:
        """‖∇ₓ D‖ (of the logit for the GANs) at LINE_POINTS points on n_lines fake → real lines."""
        fake = torch.as_tensor(self.eval_fakes()[:n_lines], dtype=torch.float32)
        return grad_norm_along_lines(self.D, self.real_show[:n_lines], fake.numpy())



def _blew_up(*values) -> str | None:
    for v in values:
        if not math.isfinite(v):
            return "became NaN" if math.isnan(v) else "became infinite"
        if abs(v) > EXPLODE:
            return f"exploded (|loss| > {EXPLODE:.0e})"
    return None


# ----------------------------------------------------------------------------------------------
# a whole run
# ----------------------------------------------------------------------------------------------
def _snapshot_steps(steps: int, snapshots: int) -> np.ndarray:
    return np.unique(np.round(np.linspace(0, steps, snapshots)).astype(int))


def _log_steps(steps: int) -> np.ndarray:
    return np.unique(np.round(np.linspace(0, steps, min(steps, 100) + 1)).astype(int))


def train_gan(config: GANConfig, progress: Callable[[float], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> GANRun:
    r"""Train a GAN on a toy data set and record snapshots and a history.

    Each generator step is preceded by ``n_critic`` discriminator/critic steps (Goodfellow et
    al. 2014, Algorithm 1; Arjovsky et al. 2017, Algorithm 1; Gulrajani et al. 2017,
    Algorithm 1). Deterministic for a given config (all randomness comes from private
    generators seeded by ``config.seed``; one torch thread).

    Parameters
    ----------
    config : the run.
    progress : called with the fraction done, about a hundred times.
    should_stop : polled every generator step; True cancels the run, which keeps what it has
        and says so in ``stopped_reason``.

    Returns
    -------
    GANRun; ``stopped_reason`` is None unless cancelled or the losses became NaN or exploded.
    """
    if not isinstance(config, GANConfig):
        raise ValueError(f"config must be a GANConfig, got {type(config).__name__}.")
    one_thread()
    start = time.perf_counter()
    c = config
    tr = _Trainer(c)
    snap_at, log_at = set(_snapshot_steps(c.steps, c.snapshots).tolist()), set(
        _log_steps(c.steps).tolist())
    frames: list[GANFrame] = []
    history = GANHistory.empty()
    d_sum = g_sum = w_sum = 0.0
    d_n = g_n = 0
    stopped: str | None = None
    cancelled = False
    every = max(1, c.steps // 100)

    def record(step: int) -> None:
        nonlocal d_sum, g_sum, w_sum, d_n, g_n
        if step in snap_at:
            frames.append(tr.frame())
        if step in log_at:
            m = tr.metrics()
            history.append(step=step, d_loss=d_sum / d_n if d_n else math.nan,
                           g_loss=g_sum / g_n if g_n else math.nan, w1=m["w1"], modes=m["modes"],
                           near=m["near"], grad_norm=m["grad_norm"],
                           w_estimate=w_sum / d_n if d_n else math.nan)
            d_sum = g_sum = w_sum = 0.0
            d_n = g_n = 0

    record(0)
    for step in range(1, c.steps + 1):
        if should_stop is not None and should_stop():
            cancelled = True
            stopped = f"cancelled after {step - 1} of {c.steps} generator steps"
            break
        for _ in range(c.n_critic):
            d_loss, estimate = tr.d_step()
            d_sum, w_sum, d_n = d_sum + d_loss, w_sum + estimate, d_n + 1
        g_loss = tr.g_step()
        g_sum, g_n = g_sum + g_loss, g_n + 1
        bad = _blew_up(d_loss, g_loss)
        if bad is None and step in snap_at | log_at:
            with torch.no_grad():
                probe = tr.G(tr.z_show)
            if not torch.isfinite(probe).all() or float(probe.abs().max()) > EXPLODE:
                bad = "generated samples became NaN or exploded"
        if bad is not None:
            stopped = f"stopped at generator step {step}: the losses {bad}" \
                if "samples" not in bad else f"stopped at generator step {step}: {bad}"
            break
        record(step)
        if progress is not None and (step % every == 0 or step == c.steps):
            progress(step / c.steps)
    return _finish(tr, frames, history, time.perf_counter() - start, cancelled, stopped)


def _finish(tr: _Trainer, frames: list[GANFrame], history: GANHistory, elapsed: float,
            cancelled: bool, stopped: str | None) -> GANRun:
    c = tr.config
    healthy = stopped is None or cancelled
    fake_eval = tr.eval_fakes() if healthy else np.zeros((0, 2))
    t, norms = tr.lines() if healthy else (np.zeros(0), np.zeros((0, 0)))
    other = toy_data(c.data, N_W1, seed=[c.seed, 4])
    return GANRun(
        config=c,
        steps=np.array([f.step for f in frames], dtype=np.int64),
        real=tr.real_show.astype(np.float32),
        fake=np.stack([f.fake for f in frames]),
        grad=np.stack([f.grad for f in frames]),
        grid=_grid_axis(),
        field=np.stack([f.field for f in frames]),
        manifold=np.stack([f.manifold for f in frames]),
        history=history,
        w1_floor=_w1(other, tr.real_w1),
        critic_weights=tr.critic_weights(),
        line_t=t,
        line_grad_norm=norms,
        final_fake=fake_eval.astype(np.float32),
        elapsed=elapsed,
        cancelled=cancelled,
        stopped_reason=stopped,
    )


def run_from_config(config: GANConfig | dict, progress=None, should_stop=None) -> GANRun:
    """:func:`train_gan` from a config or a plain dict of its fields (cache-friendly)."""
    if isinstance(config, dict):
        config = GANConfig.from_dict(config)
    return train_gan(config, progress=progress, should_stop=should_stop)
