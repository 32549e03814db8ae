r"""A student's own GAN, kept in their session and stepped by hand.

Goodfellow et al.'s Algorithm 1 alternates k discriminator steps with one generator step; here
the student chooses each k (``train_d(k)``, ``train_g(k)``) and watches W₁ and mode coverage after
every action, on the same :class:`gdm_core.gan._train._Trainer` a whole run uses, so a session
stepped like a run reproduces it step for step.

References
----------
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1).
"""

from __future__ import annotations

import math

import numpy as np

from gdm_core.gan._config import GANConfig, _whole
from gdm_core.gan._results import GANFrame
from gdm_core.gan._train import _blew_up, _grid_axis, _Trainer
from gdm_core.torch_threads import one_thread


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
