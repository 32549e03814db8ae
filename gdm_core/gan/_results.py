r"""A GAN run as plain NumPy arrays, and saving and loading it without pickle.

A :class:`GANRun` pickles cheaply (for ``st.cache_data``) and is written as a compressed ``.npz``
of arrays beside a ``.json`` of its config, history and final figures; :func:`load_run` reads
it back with ``allow_pickle=False``, so a shipped or crafted file cannot run code.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gdm_core.gan._config import GANConfig
from gdm_core.gan_data import mode_coverage, toy_modes


@dataclass
class GANFrame:
    """One snapshot: generator step, fakes (n, 2), −∇ of the generator loss at each fake (n, 2),
    D (a probability, or linear for the LSGAN) or f on the grid (g, g) [row = y], the latent
    grid's image (r, c, 2)."""

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

    ``field`` holds :math:`D(x) = \sigma(\ell(x))` for the GANs, the LSGAN's linear D(x) (its
    targets: 0 on fakes, 1 on data) and :math:`f(x)` for the WGANs on
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
        return self.config.field_kind

    @property
    def n_frames(self) -> int:
        return len(self.steps)

    def frame(self, i: int) -> GANFrame:
        return GANFrame(int(self.steps[i]), self.fake[i], self.grad[i], self.field[i],
                        self.manifold[i])

    def final_metrics(self) -> dict:
        """Modes captured (VEEGAN/PacGAN's rule) and the high-quality share on N_EVAL final
        fakes, the last logged W1 (n = N_W1) and its one-draw floor, the time."""
        modes, near = (mode_coverage(self.final_fake, self.config.data)
                       if len(self.final_fake) else (0, math.nan))
        m = toy_modes(self.config.data)
        return {
            "steps": int(self.steps[-1]) if len(self.steps) else 0,
            "modes_captured": int(modes),
            "n_modes": 0 if m is None else len(m),
            "high_quality": None if math.isnan(near) else round(float(near), 4),
            "w1": round(float(self.history.w1[-1]), 4) if len(self.history.w1) else None,
            "w1_floor": round(float(self.w1_floor), 4),
            "seconds": round(float(self.elapsed), 2),
            "stopped_reason": self.stopped_reason,
        }


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
