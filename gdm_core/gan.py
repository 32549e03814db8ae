r"""GANs on toy data in the plane: the four objectives, training, snapshots, presets.

A generator :math:`G_\theta: \mathbb{R}^k \to \mathbb{R}^2` pushes latent noise
:math:`z \sim \mathcal{N}(0, I_k)` (k = 1 or 2) forward to a distribution :math:`p_g`; a
discriminator :math:`D_\phi` (or critic :math:`f_\phi`) tells its samples from the data
:math:`p_r`. The objectives:

* ``"minimax"`` (Goodfellow et al. 2014):
  :math:`\min_G\max_D\ \mathbb{E}_{p_r}\log D(x) + \mathbb{E}_z\log(1 - D(G(z)))`; the generator
  minimises :math:`\mathbb{E}\log(1-D(G(z)))`, which *saturates* — its gradient vanishes where
  D confidently rejects the fakes.
* ``"nonsaturating"``: the same discriminator, the generator minimises
  :math:`-\mathbb{E}\log D(G(z))` instead (Goodfellow et al., Section 3).
* ``"wgan-clip"`` (Arjovsky et al. 2017): the critic maximises
  :math:`\mathbb{E}_{p_r} f - \mathbb{E}_{p_g} f` with every weight clipped to :math:`[-c, c]`;
  the generator minimises :math:`-\mathbb{E} f(G(z))`. RMSProp, as in the paper.
* ``"wgan-gp"`` (Gulrajani et al. 2017): the clipping is replaced by the penalty
  :math:`\lambda\,\mathbb{E}_{\hat x}(\|\nabla_x f(\hat x)\|_2 - 1)^2` on random points
  :math:`\hat x` between real and fake samples. Adam, :math:`\beta = (0.5, 0.9)`.

:func:`train_gan` returns a :class:`GANRun` of plain NumPy arrays — snapshots of the fakes,
of D or f on a grid and of the generator's gradient on each fake, and a history of the losses,
the exact Wasserstein-1 distance to the data (POT) and mode coverage — which pickles cheaply
for ``st.cache_data`` and saves without pickle (:func:`save_run`, :func:`load_run`).
:class:`GANSession` keeps a student's own model for stepping by hand.

    python -m gdm_core.gan --make-presets checkpoints/gan

trains :data:`PRESETS` and writes them beside a ``presets.json`` of their final figures.

References
----------
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein GAN", ICML 2017.
I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville, "Improved Training of
Wasserstein GANs", NeurIPS 2017.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import ot
import torch
from torch import nn
from torch.nn import functional as F

from gdm_core.gan_data import (
    DATA_LABELS,
    DATA_STD,
    DATASETS,
    EXTENT,
    check_dataset,
    mode_counts,
    mode_coverage,
    mode_shares,
    toy_data,
    toy_modes,
)
from gdm_core.torch_threads import one_thread

__all__ = [
    "DATASETS", "DATA_LABELS", "DATA_STD", "EXTENT", "LOSSES", "LOSS_LABELS", "PRESETS",
    "GANConfig", "GANFrame", "GANHistory", "GANRun", "GANSession",
    "toy_data", "toy_modes", "mode_coverage", "mode_shares", "mode_counts",
    "discriminator_loss", "generator_loss", "gradient_penalty", "fit_critic", "make_mlp",
    "train_gan", "run_from_config", "loss_defaults", "compare_configs",
    "save_run", "load_run", "load_preset_run", "preset_metrics", "grad_norm_along_lines",
]

LOSSES = ("minimax", "nonsaturating", "wgan-clip", "wgan-gp")
LOSS_LABELS = {
    "minimax": "minimax GAN (saturating log(1 − D(G(z))))",
    "nonsaturating": "non-saturating GAN (−log D(G(z)))",
    "wgan-clip": "WGAN, weight clipping",
    "wgan-gp": "WGAN-GP, gradient penalty",
}
OPTIMIZERS = ("auto", "adam", "rmsprop")
N_SHOW = 256        # fakes (and reals) drawn in a frame: light enough for a fast redraw
N_EVAL = 2000       # fakes scored for mode coverage
N_W1 = 300          # points per side of the exact W1 (ot.emd2: ~10 ms at 300 × 300)
GRID = 48           # D or f is drawn on a GRID × GRID heatmap
MANIFOLD = 15       # latent grid lines for the image of a latent grid under G
LINE_POINTS = 41    # points on each real–fake line for ‖∇f‖ along lines
EXPLODE = 1e6       # a loss or sample coordinate beyond this stops the run
ROOT = Path(__file__).resolve().parents[1]
PRESET_DIR = ROOT / "checkpoints" / "gan"
_INIT_LOCK = threading.Lock()


# ----------------------------------------------------------------------------------------------
# checks
# ----------------------------------------------------------------------------------------------
def _whole(name: str, value, minimum: int = 1, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if not math.isfinite(float(value)) or float(value) != int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def _positive(name: str, value, allow_zero: bool = False) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'≥ 0' if allow_zero else 'positive'}, got {value}.")
    return value


# ----------------------------------------------------------------------------------------------
# configuration
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GANConfig:
    r"""Everything that determines a training run (a run is a deterministic function of it).

    Attributes
    ----------
    data : toy data set, one of ``DATASETS``.
    loss : ``"minimax"``, ``"nonsaturating"``, ``"wgan-clip"`` or ``"wgan-gp"``.
    steps : generator steps.
    n_critic : discriminator/critic steps per generator step (k in Goodfellow et al.'s Alg. 1).
    lr : learning rate of both players.
    batch : samples per minibatch (real and fake alike).
    latent_dim : dimension k of the latent z (1 or 2).
    hidden : width of every hidden layer of both networks.
    layers : hidden layers per network (ReLU).
    clip : weight clipping bound c (``"wgan-clip"`` only).
    gp_lambda : gradient penalty weight λ (``"wgan-gp"`` only).
    seed : seeds the initial weights, the data and the latent draws.
    snapshots : frames recorded over the run (evenly spaced, first and last included).
    optimizer : ``"auto"`` (RMSProp for WGAN-clip, Adam otherwise, as in the papers),
        ``"adam"`` or ``"rmsprop"``.
    lr_decay : decay both learning rates linearly to 0 over the run (as in the WGAN-GP code);
        it lets the generator settle sharply onto the modes at the end.

    The defaults are a WGAN-GP run worth showing on the ring within 2,000 generator steps on
    one CPU thread: the paper's Adam(β = (0.5, 0.9)) and ReLU MLPs, but narrower (64 × 3),
    batch 128, 3 critic steps instead of 5, λ = 1 instead of 10, and a higher rate (2e-3)
    decaying to 0. Measured on ring8, seed 0, 2,000 steps (each run one setting changed from
    these): λ = 10 → 8 modes, 70 % near a mode; 5 critic steps with lr 1e-3, batch 256,
    λ = 10 → 6 modes, 41 %; these defaults → 8 modes, 80 %.
    """

    data: str = "ring8"
    loss: str = "wgan-gp"
    steps: int = 2000
    n_critic: int = 3
    lr: float = 2e-3
    batch: int = 128
    latent_dim: int = 2
    hidden: int = 64
    layers: int = 3
    clip: float = 0.01
    gp_lambda: float = 1.0
    seed: int = 0
    snapshots: int = 60
    optimizer: str = "auto"
    lr_decay: bool = True

    def __post_init__(self):
        check_dataset(self.data)
        if not isinstance(self.loss, str) or self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of {', '.join(LOSSES)}.")
        if not isinstance(self.optimizer, str) or self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of "
                             f"{', '.join(OPTIMIZERS)}.")
        # normalise numbers (e.g. 2000.0 → 2000) so equal configs hash equal for caching
        set_ = object.__setattr__
        set_(self, "steps", _whole("steps", self.steps, 1, 1_000_000))
        set_(self, "n_critic", _whole("n_critic (critic steps per generator step)",
                                      self.n_critic, 1, 1000))
        set_(self, "lr", _positive("the learning rate", self.lr))
        if self.lr > 1.0:
            raise ValueError(f"the learning rate must be at most 1, got {self.lr}.")
        set_(self, "batch", _whole("the batch size", self.batch, 1, 100_000))
        set_(self, "latent_dim", _whole("the latent dimension", self.latent_dim, 1, 2))
        set_(self, "hidden", _whole("the network width", self.hidden, 1, 4096))
        set_(self, "layers", _whole("the number of hidden layers", self.layers, 1, 16))
        set_(self, "clip", _positive("the clipping bound c", self.clip))
        set_(self, "gp_lambda", _positive("the penalty weight λ", self.gp_lambda, allow_zero=True))
        set_(self, "seed", _whole("the seed", self.seed, 0))
        set_(self, "snapshots", _whole("the number of snapshots", self.snapshots, 2, 1000))
        set_(self, "lr_decay", bool(self.lr_decay))

    @property
    def optimizer_name(self) -> str:
        if self.optimizer != "auto":
            return self.optimizer
        return "rmsprop" if self.loss == "wgan-clip" else "adam"

    @property
    def is_wgan(self) -> bool:
        return self.loss.startswith("wgan")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> GANConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def replace(self, **changes) -> GANConfig:
        return dataclasses.replace(self, **changes)


# Per-objective settings from the papers, for a page or a comparison that switches objective.
_LOSS_DEFAULTS = {
    "minimax": dict(lr=1e-3, n_critic=1),
    "nonsaturating": dict(lr=1e-3, n_critic=1),
    "wgan-clip": dict(lr=5e-4, n_critic=5, clip=0.01),
    "wgan-gp": dict(lr=GANConfig.lr, n_critic=GANConfig.n_critic, gp_lambda=GANConfig.gp_lambda),
}


def loss_defaults(loss: str) -> dict:
    """Suggested ``lr``, ``n_critic`` (and ``clip`` / ``gp_lambda``) for an objective.

    Goodfellow et al. use k = 1 discriminator step per generator step; the WGAN paper uses
    5 critic steps (its RMSProp rate of 5e-5 is raised to 5e-4 so that 2,000 steps show
    something); WGAN-GP gets this module's tuned defaults (see :class:`GANConfig`).
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    return dict(_LOSS_DEFAULTS[loss])


def compare_configs(base: GANConfig, losses) -> list[GANConfig]:
    """The same data, seed and sizes under each objective in ``losses`` (2–4 of them)."""
    losses = list(losses)
    if not 1 <= len(losses) <= 4:
        raise ValueError(f"compare 1 to 4 objectives, got {len(losses)}.")
    return [base.replace(loss=loss, **loss_defaults(loss)) for loss in losses]


# ----------------------------------------------------------------------------------------------
# networks and objectives
# ----------------------------------------------------------------------------------------------
def make_mlp(in_dim: int, out_dim: int, hidden: int, layers: int, seed: int) -> nn.Sequential:
    r"""A ReLU multilayer perceptron in_dim → hidden (× layers) → out_dim, seeded.

    Weights are drawn as PyTorch's default (Kaiming-uniform, :math:`U(\pm 1/\sqrt{\text{fan-in}})`)
    but from a private generator, so two sessions training at once cannot disturb each other's
    initialisation.
    """
    gen = torch.Generator().manual_seed(int(seed))
    mods, d = [], in_dim
    for _ in range(layers):
        mods += [nn.Linear(d, hidden), nn.ReLU()]
        d = hidden
    mods.append(nn.Linear(d, out_dim))
    net = nn.Sequential(*mods)
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Linear):
                bound = 1.0 / math.sqrt(m.in_features)
                m.weight.copy_((torch.rand(m.weight.shape, generator=gen) * 2 - 1) * bound)
                m.bias.copy_((torch.rand(m.bias.shape, generator=gen) * 2 - 1) * bound)
    return net


def _check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    return loss


def discriminator_loss(loss: str, out_real: torch.Tensor, out_fake: torch.Tensor) -> torch.Tensor:
    r"""The loss the discriminator (critic) *minimises*, from its outputs on real and fake.

    For the GANs the outputs are logits :math:`\ell`, :math:`D = \sigma(\ell)`, and the loss is
    the negated value :math:`-\mathbb{E}\log D(x) - \mathbb{E}\log(1 - D(G(z)))` (written with
    softplus, :math:`-\log\sigma(\ell) = \operatorname{softplus}(-\ell)`, so that it never takes
    the log of 0). For the WGANs it is :math:`\mathbb{E} f(G(z)) - \mathbb{E} f(x)`; the
    gradient penalty is added separately (:func:`gradient_penalty`).
    """
    if _check_loss(loss).startswith("wgan"):
        return out_fake.mean() - out_real.mean()
    return F.softplus(-out_real).mean() + F.softplus(out_fake).mean()


def generator_loss(loss: str, out_fake: torch.Tensor, reduce: bool = True) -> torch.Tensor:
    r"""The loss the generator minimises, from D's logits (or f's values) on its samples.

    minimax: :math:`\mathbb{E}\log(1 - D(G(z))) = -\mathbb{E}\operatorname{softplus}(\ell)`;
    non-saturating: :math:`-\mathbb{E}\log D(G(z)) = \mathbb{E}\operatorname{softplus}(-\ell)`;
    WGAN: :math:`-\mathbb{E} f(G(z))`. ``reduce=False`` gives one term per sample.
    """
    loss = _check_loss(loss)
    if loss == "minimax":
        per = -F.softplus(out_fake)
    elif loss == "nonsaturating":
        per = F.softplus(-out_fake)
    else:
        per = -out_fake
    return per.mean() if reduce else per


def gradient_penalty(critic: Callable, real: torch.Tensor, fake: torch.Tensor,
                     eps: torch.Tensor) -> torch.Tensor:
    r"""The WGAN-GP penalty :math:`\mathbb{E}_{\hat x}(\|\nabla_x f(\hat x)\|_2 - 1)^2` (without λ).

    :math:`\hat x = \epsilon x + (1-\epsilon)\tilde x` for real x, fake :math:`\tilde x` and
    :math:`\epsilon \sim U[0, 1]` given per pair (shape (n, 1)). The gradient is taken with
    ``create_graph=True`` so that the penalty can itself be differentiated with respect to the
    critic's weights (double backpropagation).

    References
    ----------
    Gulrajani et al. (2017), Algorithm 1.
    """
    x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
    grad, = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.norm(dim=1) - 1.0) ** 2).mean()


def _clip_(net: nn.Module, c: float) -> None:
    with torch.no_grad():
        for p in net.parameters():
            p.clamp_(-c, c)


def _make_optimizer(params, name: str, lr: float):
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    # β = (0.5, 0.9) as in WGAN-GP (Alg. 1); β1 = 0.5 as in DCGAN for the plain GANs
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.9))


# ----------------------------------------------------------------------------------------------
# plain-data results
# ----------------------------------------------------------------------------------------------
@dataclass
class GANFrame:
    """One snapshot: generator step, fakes (n, 2), −∇ of the generator loss at each fake (n, 2),
    D (a probability) or f on the grid (g, g) [row = y], the latent grid's image (r, c, 2)."""

    step: int
    fake: np.ndarray
    grad: np.ndarray
    field: np.ndarray
    manifold: np.ndarray
    d_steps: int = 0


@dataclass
class GANHistory:
    """Per logged generator step: losses (averaged since the previous log), the exact W1 between
    300 fakes and 300 reals, modes covered, share of fakes near a mode, mean ‖∇ of the generator
    loss‖ on the fakes (a vanishing gradient shows here), and for WGANs the critic's estimate
    E f(real) − E f(fake)."""

    step: np.ndarray
    d_loss: np.ndarray
    g_loss: np.ndarray
    w1: np.ndarray
    modes: np.ndarray
    near: np.ndarray
    grad_norm: np.ndarray
    w_estimate: np.ndarray

    @classmethod
    def empty(cls) -> GANHistory:
        return cls(*(np.zeros(0) for _ in dataclasses.fields(cls)))

    def append(self, **row) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, np.append(getattr(self, f.name), row[f.name]))

    def as_dict(self) -> dict[str, list]:
        return {f.name: getattr(self, f.name).tolist() for f in dataclasses.fields(self)}


@dataclass
class GANRun:
    r"""A finished (or stopped) training run as plain arrays.

    ``field`` holds :math:`D(x) = \sigma(\ell(x))` for the GANs and :math:`f(x)` for the WGANs on
    the grid ``grid × grid``; ``grad`` is :math:`-\nabla_x` of the generator's loss term at each
    shown fake (the way the generator pushes it). ``stopped_reason`` is None for a run that
    finished, otherwise a sentence for the page (cancelled, NaN, exploded).
    """

    config: GANConfig
    steps: np.ndarray             # (S,) generator step of each snapshot
    real: np.ndarray              # (N_SHOW, 2) data points drawn in every frame
    fake: np.ndarray              # (S, N_SHOW, 2)
    grad: np.ndarray              # (S, N_SHOW, 2)
    grid: np.ndarray              # (GRID,) coordinates of the heatmap, same for x and y
    field: np.ndarray             # (S, GRID, GRID)
    manifold: np.ndarray          # (S, r, c, 2)
    history: GANHistory
    w1_floor: float               # W1 between two independent real samples of N_W1 points
    critic_weights: np.ndarray    # final weights of D or f (not biases), flattened
    line_t: np.ndarray            # (LINE_POINTS,) t along fake → real
    line_grad_norm: np.ndarray    # (n_lines, LINE_POINTS) ‖∇x f‖ there
    final_fake: np.ndarray        # (N_EVAL, 2) fakes at the end, for the final metrics
    elapsed: float = 0.0
    cancelled: bool = False
    stopped_reason: str | None = None

    @property
    def field_kind(self) -> str:
        return "critic" if self.config.is_wgan else "probability"

    @property
    def n_frames(self) -> int:
        return len(self.steps)

    def frame(self, i: int) -> GANFrame:
        return GANFrame(int(self.steps[i]), self.fake[i], self.grad[i], self.field[i],
                        self.manifold[i])

    def final_metrics(self) -> dict:
        """Modes covered and share near a mode on N_EVAL final fakes, the last W1, the time."""
        modes, near = (mode_coverage(self.final_fake, self.config.data)
                       if len(self.final_fake) else (0, math.nan))
        m = toy_modes(self.config.data)
        return {
            "steps": int(self.steps[-1]) if len(self.steps) else 0,
            "modes_covered": int(modes),
            "n_modes": 0 if m is None else len(m),
            "share_near_mode": None if math.isnan(near) else round(float(near), 4),
            "w1": round(float(self.history.w1[-1]), 4) if len(self.history.w1) else None,
            "w1_floor": round(float(self.w1_floor), 4),
            "seconds": round(float(self.elapsed), 2),
            "stopped_reason": self.stopped_reason,
        }


# ----------------------------------------------------------------------------------------------
# the training loop, as an object a session can step by hand
# ----------------------------------------------------------------------------------------------
def _w1(x: np.ndarray, y: np.ndarray) -> float:
    r"""Exact :math:`W_1` between two equal-weight clouds (network simplex, ``ot.emd2``)."""
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return math.nan
    cost = ot.dist(x, y, metric="euclidean")
    return float(ot.emd2(np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y)), cost))


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
        return (out if self.config.is_wgan else torch.sigmoid(out)).numpy()

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


def grad_norm_along_lines(critic: Callable, real, fake, n_points: int = LINE_POINTS):
    r""":math:`\|\nabla_x f(x_t)\|` at :math:`x_t = (1-t)\tilde x_i + t x_i`, t ∈ [0, 1].

    The WGAN-GP penalty asks for norm 1 exactly on these lines (the optimal critic has unit
    gradient norm on the segments of the optimal coupling, Gulrajani et al. Prop. 1); a clipped
    critic's norm is set by the clipping instead, far below or above 1.

    Returns
    -------
    (t, norms): t of shape (n_points,), norms of shape (n_lines, n_points).
    """
    real = np.asarray(real, dtype=np.float32)
    fake = np.asarray(fake, dtype=np.float32)
    n = min(len(real), len(fake))
    t = np.linspace(0.0, 1.0, n_points, dtype=np.float32)
    pts = (1 - t[None, :, None]) * fake[:n, None, :] + t[None, :, None] * real[:n, None, :]
    x = torch.as_tensor(pts.reshape(-1, 2)).requires_grad_(True)
    grad, = torch.autograd.grad(critic(x).sum(), x)
    return t.astype(np.float64), grad.norm(dim=1).reshape(n, n_points).numpy().astype(np.float64)


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


# ----------------------------------------------------------------------------------------------
# stepping by hand
# ----------------------------------------------------------------------------------------------
class GANSession:
    """A student's own GAN, kept in their session and stepped by hand.

    >>> s = GANSession(); s.start(GANConfig(data="ring8", loss="nonsaturating"))
    >>> s.train_d(5); s.train_g(); frame = s.snapshot()

    ``history`` is a list of dicts, one per action: the generator and discriminator step
    counts, the last losses, W1 and mode coverage after it.
    """

    def __init__(self, config: GANConfig | None = None):
        self._tr: _Trainer | None = None
        self.history: list[dict] = []
        self.stopped_reason: str | None = None
        if config is not None:
            self.start(config)

    def start(self, config: GANConfig) -> GANFrame:
        if not isinstance(config, GANConfig):
            raise ValueError(f"config must be a GANConfig, got {type(config).__name__}.")
        one_thread()
        self._tr = _Trainer(config)
        self.history = []
        self.stopped_reason = None
        self._log(d_loss=math.nan, g_loss=math.nan)
        return self.snapshot()

    @property
    def config(self) -> GANConfig:
        return self._trainer.config

    @property
    def real(self) -> np.ndarray:
        return self._trainer.real_show.astype(np.float32)

    @property
    def grid(self) -> np.ndarray:
        return _grid_axis()

    @property
    def _trainer(self) -> _Trainer:
        if self._tr is None:
            raise ValueError("start the session with a configuration first.")
        return self._tr

    def _log(self, d_loss: float, g_loss: float) -> None:
        tr = self._trainer
        m = tr.metrics()
        self.history.append({"g_steps": tr.steps_g, "d_steps": tr.steps_d, "d_loss": d_loss,
                             "g_loss": g_loss, **m})

    def _check(self, *losses) -> None:
        bad = _blew_up(*losses)
        if bad is not None:
            self.stopped_reason = f"the losses {bad}; start again with a smaller learning rate"
            raise ValueError(self.stopped_reason)

    def train_d(self, k: int = 1) -> float:
        """k discriminator/critic steps against the current generator; returns the last loss."""
        k = _whole("k (discriminator steps)", k, 1, 10_000)
        one_thread()
        for _ in range(k):
            loss, _ = self._trainer.d_step()
            self._check(loss)
        self._log(d_loss=loss, g_loss=math.nan)
        return loss

    def train_g(self, k: int = 1) -> float:
        """k generator steps against the current discriminator; returns the last loss."""
        k = _whole("k (generator steps)", k, 1, 10_000)
        one_thread()
        for _ in range(k):
            loss = self._trainer.g_step()
            self._check(loss)
        self._log(d_loss=math.nan, g_loss=loss)
        return loss

    def snapshot(self) -> GANFrame:
        return self._trainer.frame()

    def critic_weights(self) -> np.ndarray:
        return self._trainer.critic_weights()

    def lines(self):
        return self._trainer.lines()


# ----------------------------------------------------------------------------------------------
# fitting a discriminator or critic to two fixed samples (the tests' D* and W1 checks)
# ----------------------------------------------------------------------------------------------
def fit_critic(real, fake, loss: str = "nonsaturating", steps: int = 2000, lr: float = 1e-3,
               batch: int = 512, hidden: int = 64, layers: int = 2, gp_lambda: float = 10.0,
               seed: int = 0) -> Callable[[np.ndarray], np.ndarray]:
    r"""Train a fresh discriminator (GAN losses) or WGAN-GP critic on two fixed point sets.

    For a GAN loss the returned function is :math:`x \mapsto D(x) = \sigma(\ell(x))`, which
    approaches :math:`D^* = p_r / (p_r + p_g)` (Goodfellow et al. 2014, Prop. 1); for
    ``"wgan-gp"`` it is the critic f, and :math:`\mathbb{E}_r f - \mathbb{E}_g f` approaches
    :math:`W_1(p_r, p_g)` (Kantorovich–Rubinstein duality). Points may have any dimension d
    (arrays (n, d), or (n,) for d = 1).
    """
    real = np.asarray(real, dtype=np.float32)
    fake = np.asarray(fake, dtype=np.float32)
    real = real.reshape(len(real), -1)
    fake = fake.reshape(len(fake), -1)
    if real.shape[1] != fake.shape[1] or not (np.isfinite(real).all() and np.isfinite(fake).all()):
        raise ValueError("real and fake must be finite points of the same dimension.")
    _check_loss(loss)
    steps = _whole("steps", steps)
    one_thread()
    net = make_mlp(real.shape[1], 1, hidden, layers, seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.9))
    gen = torch.Generator().manual_seed(seed + 1)
    xr, xf = torch.as_tensor(real), torch.as_tensor(fake)
    for _ in range(steps):
        r = xr[torch.randint(len(xr), (batch,), generator=gen)]
        f = xf[torch.randint(len(xf), (batch,), generator=gen)]
        out = discriminator_loss(loss, net(r), net(f))
        if loss == "wgan-gp":
            out = out + gp_lambda * gradient_penalty(net, r, f, torch.rand(batch, 1, generator=gen))
        opt.zero_grad(set_to_none=True)
        out.backward()
        opt.step()
    is_wgan = loss.startswith("wgan")

    def evaluate(x) -> np.ndarray:
        x = torch.as_tensor(np.asarray(x, dtype=np.float32).reshape(-1, real.shape[1]))
        with torch.no_grad():
            y = net(x)[:, 0]
        return (y if is_wgan else torch.sigmoid(y)).numpy().astype(np.float64)

    return evaluate


# ----------------------------------------------------------------------------------------------
# saving and loading runs without pickle
# ----------------------------------------------------------------------------------------------
_ARRAYS = ("steps", "real", "fake", "grad", "grid", "field", "manifold", "critic_weights",
           "line_t", "line_grad_norm", "final_fake")


def save_run(run: GANRun, path: str | Path, extra: dict | None = None) -> None:
    """Write ``path`` (.npz of arrays, compressed) and ``path`` with .json (config, history,
    scalars); each atomically."""
    path = Path(path).with_suffix(".npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {k: getattr(run, k) for k in _ARRAYS}
    for f in dataclasses.fields(GANHistory):
        arrays["history_" + f.name] = getattr(run.history, f.name).astype(np.float64)
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)
    meta = {"config": run.config.to_dict(), "w1_floor": run.w1_floor, "elapsed": run.elapsed,
            "cancelled": run.cancelled, "stopped_reason": run.stopped_reason,
            "final": run.final_metrics(), **(extra or {})}
    jtmp = path.with_name(path.stem + ".json.tmp")
    jtmp.write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(jtmp, path.with_suffix(".json"))


def load_run(path: str | Path) -> GANRun:
    """Read a run written by :func:`save_run` (``allow_pickle=False``: no code runs)."""
    path = Path(path).with_suffix(".npz")
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise ValueError(f"no saved GAN run at {path} (it needs {path.name} and {meta_path.name}).")
    meta = json.loads(meta_path.read_text())
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    history = GANHistory(**{f.name: arrays.pop("history_" + f.name)
                            for f in dataclasses.fields(GANHistory)})
    return GANRun(config=GANConfig.from_dict(meta["config"]), history=history,
                  w1_floor=float(meta["w1_floor"]), elapsed=float(meta["elapsed"]),
                  cancelled=bool(meta["cancelled"]), stopped_reason=meta["stopped_reason"],
                  **{k: arrays[k] for k in _ARRAYS})


# ----------------------------------------------------------------------------------------------
# presets: the classic outcomes
# ----------------------------------------------------------------------------------------------
PRESETS: dict[str, tuple[str, GANConfig, str]] = {
    "wgan-gp": (
        "WGAN-GP covers all 8 modes",
        GANConfig(data="ring8", loss="wgan-gp", seed=0),
        "The critic's gradient (arrows) points every fake towards the nearest uncovered mode; "
        "all 8 modes fill up and W1 falls towards the floor of two real samples.",
    ),
    "mode-collapse": (
        "mode collapse (non-saturating GAN on the ring)",
        GANConfig(data="ring8", loss="nonsaturating", n_critic=1, lr=1e-3, batch=64,
                  gp_lambda=10.0, seed=0),
        "The fakes bunch on a few modes and hop between them: D learns to reject the covered "
        "mode, G jumps to another — modes covered stays low while the losses look fine.",
    ),
    "clipping": (
        "clipping: the critic is too simple",
        GANConfig(data="ring8", loss="wgan-clip", n_critic=5, lr=5e-4, clip=0.01, batch=256,
                  gp_lambda=10.0, seed=0),
        "With every weight in [−0.01, 0.01] the critic's surface is nearly flat and smooth: its "
        "gradient cannot single out 8 small modes, and its weights pile up at ±c.",
    ),
    "strong-discriminator": (
        "minimax loss, a strong discriminator: everything on one mode",
        GANConfig(data="ring8", loss="minimax", n_critic=10, lr=1e-3, batch=256,
                  gp_lambda=10.0, seed=0),
        "10 D steps per G step with the saturating loss: the fakes leave the centre and all "
        "land on a single mode (over 99 % near it), so W1 stays near 2.4 while G's loss is flat.",
    ),
    "vanishing-gradient": (
        "vanishing gradient: a discriminator that is too good",
        GANConfig(data="ring8", loss="minimax", steps=500, n_critic=100, lr=5e-3, batch=256,
                  gp_lambda=10.0, seed=0),
        "100 D steps per G step with the saturating loss: D rejects the fakes at the ring's centre "
        "so confidently (D ≈ 1e-13 there) that their mean push falls from 0.02 to about 1e-12 "
        "after the first steps and they stop dead, W1 staying at 1.93 (floor 0.21) — switch "
        "the objective to non-saturating and the same run carries them onto the ring.",
    ),
}


def preset_path(name: str, directory: str | Path | None = None) -> Path:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}.")
    return Path(directory or PRESET_DIR) / f"{name}.npz"


def load_preset_run(name: str, directory: str | Path | None = None) -> GANRun:
    """The shipped precomputed run of a preset (``checkpoints/gan/<name>.npz`` + ``.json``)."""
    return load_run(preset_path(name, directory))


def preset_metrics(directory: str | Path | None = None) -> dict:
    """The ``presets.json`` written beside the shipped runs: command and final figures."""
    path = Path(directory or PRESET_DIR) / "presets.json"
    if not path.is_file():
        raise ValueError(f"no preset summary at {path}; run python -m gdm_core.gan "
                         "--make-presets checkpoints/gan")
    return json.loads(path.read_text())


def _reusable(config: GANConfig, reuse: str | Path | None) -> GANRun | None:
    """A run saved in ``reuse`` by :func:`save_run` with exactly this config, if any."""
    if reuse is None:
        return None
    for path in sorted(Path(reuse).glob("*.npz")):
        try:
            meta = json.loads(path.with_suffix(".json").read_text())
            if GANConfig.from_dict(meta["config"]) == config and meta["stopped_reason"] is None:
                return load_run(path)
        except (OSError, ValueError, KeyError):
            continue
    return None


def make_presets(directory: str | Path, names=None, log=print, reuse=None) -> dict:
    """Train each preset and write ``<name>.npz``/``.json`` and ``presets.json`` to directory.

    ``reuse``: a directory of runs saved earlier by :func:`save_run`; a preset whose exact
    config is there is copied instead of retrained (training is deterministic, so the result
    is the same run; the summary records which presets were reused).
    """
    directory = Path(directory)
    names = list(names or PRESETS)
    summary_path = directory / "presets.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
    summary["command"] = "python -m gdm_core.gan --make-presets " + str(directory)
    summary["torch"] = torch.__version__
    summary.setdefault("presets", {})
    for name in names:
        label, config, look_for = PRESETS[name]
        run = _reusable(config, reuse)
        reused = run is not None
        if run is None:
            log(f"{name}: training {config}")
            run = train_gan(config)
        else:
            log(f"{name}: reusing a saved run of the same config from {reuse}")
        save_run(run, preset_path(name, directory), extra={"preset": name, "label": label,
                                                            "look_for": look_for})
        summary["presets"][name] = {"label": label, "config": config.to_dict(),
                                    "reused": reused,
                                    **run.final_metrics()}
        log(f"{name}: {run.final_metrics()}")
        tmp = summary_path.with_name("presets.json.tmp")
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
        os.replace(tmp, summary_path)
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gdm_core.gan", description=__doc__.split("\n")[0])
    parser.add_argument("--make-presets", metavar="DIR", required=True,
                        help="train every preset and write its run to DIR")
    parser.add_argument("--only", nargs="*", choices=list(PRESETS), help="just these presets")
    parser.add_argument("--reuse", metavar="DIR", help="copy runs of identical configs from DIR")
    args = parser.parse_args(argv)
    make_presets(args.make_presets, args.only, reuse=args.reuse)


if __name__ == "__main__":
    main(sys.argv[1:])
