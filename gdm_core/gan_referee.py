r"""The GAN page's referee: W₁ between samples, and the floor it cannot go below.

An exact Wasserstein-1 distance between *samples* is not the distance between the
distributions: two independent samples of the same data set are already apart, by an amount that
shrinks with the sample size n (for a 2-D distribution like :math:`n^{-1/2}`; Fournier &
Guillin 2015). So a generator is judged against the **floor** — :math:`W_1` between two fresh
real samples of the same size — shown with its spread over several draws:

.. math:: \hat W_1^{(n)}(G) = W_1\big(\{G(z_i)\}_{i\le n},\ \{x_j\}_{j\le n}\big),
          \qquad \text{floor}^{(n)} = W_1\big(\{x_j\}_{j\le n},\ \{x'_j\}_{j\le n}\big),
          \quad x_j, x'_j \sim p_r.

A generator whose :math:`\hat W_1^{(n)}` lies within the floor's band cannot be told from the data
at this n. Everything here is computed exactly (network simplex,
:func:`gdm_core.transport.wasserstein_samples`).

References
----------
N. Fournier, A. Guillin, "On the rate of convergence in Wasserstein distance of the empirical
measure", Probability Theory and Related Fields 162, 2015.
I. Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017 (toy data sets).
"""

from __future__ import annotations

import functools
import json
import sys

import numpy as np

from gdm_core.transport import wasserstein_samples
from gdm_core.gan_data import DATASETS, check_dataset, toy_data
from gdm_core.paths import CHECKPOINTS

N_REFEREE = 2000  # points per side: the two-sample noise (floor sd) is then ~0.005 on the ring
N_CURVE = 300     # points per side of the W₁ logged over training (gan.N_W1)
FLOOR_DRAWS = 10
FLOOR_FILE = CHECKPOINTS / "gan" / "floors.json"  # w1_floor for every data set at both n


def _fakes(fake, n: int) -> np.ndarray:
    x = np.asarray(fake, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0:
        raise ValueError(f"the generated points must have shape (n, 2), got {x.shape}.")
    if len(x) < n:
        raise ValueError(f"need at least {n} generated points, got {len(x)}.")
    return x[:n]


def w1_between_samples(fake, data: str, n: int = N_REFEREE, seed: int = 0) -> float:
    r"""Exact :math:`W_1` between the first ``n`` generated points and ``n`` fresh real points.

    The real points are drawn from ``data`` with the generator ``(seed, 9)``, a stream no
    training run uses. NaN if a generated point is not finite.

    Examples
    --------
    >>> w1_between_samples(toy_data("ring8", 500, seed=1), "ring8", n=500) < 0.2
    True
    """
    x = _fakes(fake, int(n))
    if not np.isfinite(x).all():
        return float("nan")
    real = toy_data(check_dataset(data), int(n), seed=[int(seed), 9])
    return float(wasserstein_samples(x, real))


def w1_floor(data: str, n: int = N_REFEREE, draws: int = FLOOR_DRAWS, seed: int = 0
             ) -> tuple[float, float]:
    r"""Mean and standard deviation of :math:`W_1` between two independent real samples of n.

    ``draws`` pairs of samples, pair k from the generators ``(seed, 10, k)`` and
    ``(seed, 11, k)``. The standard deviation is the sample one (ddof = 1).
    """
    check_dataset(data)
    if draws < 2:
        raise ValueError(f"the floor's spread needs at least 2 draws, got {draws}.")
    if n < 1:
        raise ValueError(f"the sample size must be at least 1, got {n}.")
    values = [wasserstein_samples(toy_data(data, int(n), seed=[int(seed), 10, k]),
                                  toy_data(data, int(n), seed=[int(seed), 11, k]))
              for k in range(int(draws))]
    return float(np.mean(values)), float(np.std(values, ddof=1))


@functools.lru_cache(maxsize=64)
def floor(data: str, n: int) -> tuple[float, float]:
    """:func:`w1_floor` with the default seed and draws, read from the shipped ``floors.json``
    when it holds (data, n) — at n = 2000 it costs seconds — else computed (and kept)."""
    check_dataset(data)
    try:
        shipped = json.loads(FLOOR_FILE.read_text())["floors"][data][str(int(n))]
        return float(shipped[0]), float(shipped[1])
    except (OSError, KeyError, ValueError, TypeError, IndexError):
        return w1_floor(data, int(n))


def write_floors(path=FLOOR_FILE, sizes=(N_CURVE, N_REFEREE)) -> dict:
    """Compute :func:`w1_floor` for every data set at each size and write them as JSON."""
    floors = {d: {str(n): list(w1_floor(d, n)) for n in sizes} for d in DATASETS}
    doc = {"command": "python -m gdm_core.gan_referee", "draws": FLOOR_DRAWS,
           "what": "W1 between two independent real samples of n points: [mean, sd]",
           "floors": floors}
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return doc


if __name__ == "__main__":  # python -m gdm_core.gan_referee: refresh checkpoints/gan/floors.json
    print(json.dumps(write_floors(), indent=2), file=sys.stdout)
