r"""GAN runs: the configuration, its checks, and the settings each objective starts from.

A run is a deterministic function of its :class:`GANConfig`; the constants below fix what a run
records (how many fakes are drawn and scored, the heatmap's grid, the exact-W1 sample size).

References
----------
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1, k = 1).
M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein GAN", ICML 2017 (5 critic steps, RMSProp).
I. Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017 (Adam(0.5, 0.9)).
X. Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017 (the 0-1 coding).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from gdm_core._numeric import finite
from gdm_core.gan_data import check_dataset

LOSSES = ("minimax", "nonsaturating", "wgan-clip", "wgan-gp", "lsgan")
LOSS_LABELS = {
    "minimax": "minimax GAN (saturating log(1 − D(G(z))))",
    "nonsaturating": "non-saturating GAN (−log D(G(z)))",
    "wgan-clip": "WGAN, weight clipping",
    "wgan-gp": "WGAN-GP, gradient penalty",
    "lsgan": "least-squares GAN (LSGAN)",
}
OPTIMIZERS = ("auto", "adam", "rmsprop")
N_SHOW = 256        # fakes (and reals) drawn in a frame: light enough for a fast redraw
N_EVAL = 2000       # fakes scored for mode coverage
N_W1 = 300          # points per side of the exact W1 (ot.emd2: ~10 ms at 300 × 300)
GRID = 48           # D or f is drawn on a GRID × GRID heatmap
MANIFOLD = 15       # latent grid lines for the image of a latent grid under G
LINE_POINTS = 41    # points on each real–fake line for ‖∇f‖ along lines
EXPLODE = 1e6       # a loss or sample coordinate beyond this stops the run


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
    value = finite(name, value)
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
    loss : ``"minimax"``, ``"nonsaturating"``, ``"wgan-clip"``, ``"wgan-gp"`` or ``"lsgan"``.
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

    @property
    def field_kind(self) -> str:
        """What D's output is: ``"probability"`` (σ of a logit, the GANs), ``"least-squares"``
        (linear, pulled to 0 on fakes and 1 on data: the LSGAN) or ``"critic"`` (the WGANs)."""
        if self.is_wgan:
            return "critic"
        return "least-squares" if self.loss == "lsgan" else "probability"

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
    "lsgan": dict(lr=1e-3, n_critic=1),
}


def loss_defaults(loss: str) -> dict:
    """Suggested ``lr``, ``n_critic`` (and ``clip`` / ``gp_lambda``) for an objective.

    Goodfellow et al. use k = 1 discriminator step per generator step, and Mao et al. train
    the LSGAN as DCGAN does (one D step per G step, Adam with β₁ = 0.5), so it gets the plain
    GANs' settings; the WGAN paper uses 5 critic steps (its RMSProp rate of 5e-5 is raised to
    5e-4 so that 2,000 steps show something); WGAN-GP gets this module's tuned defaults (see
    :class:`GANConfig`).
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    return dict(_LOSS_DEFAULTS[loss])


def compare_configs(base: GANConfig, losses) -> list[GANConfig]:
    """The same data, seed and sizes under each objective in ``losses`` (up to all of them)."""
    losses = list(losses)
    if not 1 <= len(losses) <= len(LOSSES):
        raise ValueError(f"compare 1 to {len(LOSSES)} objectives, got {len(losses)}.")
    return [base.replace(loss=loss, **loss_defaults(loss)) for loss in losses]
