r"""Optimal transport between point clouds: the app's one exact Wasserstein distance.

For two equal-weight clouds :math:`\hat P = \frac1n\sum_i \delta_{x_i}` and
:math:`\hat Q = \frac1m\sum_j \delta_{y_j}`,

.. math:: W_p(\hat P, \hat Q) = \Big(\min_{\pi\in\Pi(a,b)} \sum_{ij}\pi_{ij}\|x_i-y_j\|^p\Big)^{1/p},
   \qquad a_i = 1/n,\ b_j = 1/m,

a linear programme over the couplings :math:`\Pi(a, b)` (non-negative matrices with row sums a
and column sums b), solved exactly by POT's network simplex (``ot.emd2``; Bonneel et al. 2011).
In 1-D with n = m the sorted matching is optimal (Villani 2009, Rem. 2.19). Every exact
:math:`W_1` between samples in the app — the Divergences page's parallel lines, the GAN
training history and its floor — is :func:`wasserstein_samples`.

References
----------
C. Villani, "Optimal Transport: Old and New", Springer 2009 (Kantorovich duality, 1-D transport).
N. Bonneel, M. van de Panne, S. Paris, W. Heidrich, "Displacement interpolation using
Lagrangian mass transport", ACM TOG 30(6), 2011 (the network simplex POT uses).
R. Flamary et al., "POT: Python Optimal Transport", JMLR 22(78), 2021.
"""

from __future__ import annotations

import math

import numpy as np
import ot

from gdm_core._numeric import finite as _finite


def _is_torch(x) -> bool:
    return type(x).__module__.split(".")[0] == "torch"


def _array_module(x):
    """numpy, or torch for a tensor (then torch is loaded already: this imports nothing new)."""
    if _is_torch(x):
        import torch

        return torch
    return np


def as_cloud(name: str, x):
    """``x`` as a cloud of points: a 2-D (n, d) array or tensor ((n,) becomes (n, 1)), checked
    to hold at least one point and only finite numbers (ValueError naming ``name`` otherwise)."""
    if _is_torch(x):
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        finite = bool(x.detach().isfinite().all()) if x.numel() else True
    else:
        x = np.asarray(x, dtype=float)
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        finite = bool(np.isfinite(x).all())
    if x.ndim != 2:
        raise ValueError(f"{name} must be a list of points, shape (n, d); got shape {tuple(x.shape)}.")
    if x.shape[0] < 1:
        raise ValueError(f"{name} must hold at least one point.")
    if not finite:
        raise ValueError(f"{name} contains a value that is not a finite number.")
    return x


def _max_abs(a) -> float:
    return float(a.detach().abs().max()) if _is_torch(a) else float(np.abs(a).max())


def _cost_matrix(x, y, p: float):
    r"""Cost :math:`\|x_i - y_j\|^p` whose gradient stays finite where two points coincide."""
    xp = _array_module(x)
    # ot.dist(metric="sqeuclidean") expands ‖x‖² + ‖y‖² − 2x·y, which loses every digit of a
    # distance below ~1e-8 at unit scale (θ = 1e-8 would give W = 0). Summing squared coordinate
    # differences, as ot.dist does for its other metrics, is exact to rounding.
    sq = 0.0
    for k in range(x.shape[1]):
        sq = sq + (x[:, k][:, None] - y[:, k][None, :]) ** 2
    if p == 2:
        return sq
    # d/ds s^{p/2} blows up at s = 0 for p < 2; the true (sub)gradient there is 0, so mask it
    positive = sq > 0
    safe = xp.where(positive, sq, xp.ones_like(sq))
    powered = xp.sqrt(safe) if p == 1 else safe ** (p / 2.0)
    return xp.where(positive, powered, xp.zeros_like(sq))


def wasserstein_samples(x, y, p: float = 1):
    r"""Exact :math:`W_p` between two equal-weight point clouds.

    .. math:: W_p(\hat P, \hat Q) = \Big(\min_{\pi\in\Pi(a,b)} \sum_{ij}\pi_{ij}\|x_i-y_j\|^p\Big)^{1/p},
       \quad a_i = 1/n,\ b_j = 1/m.

    Solved exactly by POT's network simplex (``ot.emd2``). Works on NumPy arrays and on torch
    tensors; with tensors the result is differentiable: the optimal plan :math:`\pi^*` is solved
    in NumPy and the cost :math:`\sum_{ij}\pi^*_{ij}\|x_i-y_j\|^p` built in torch, whose
    gradient is the envelope theorem's :math:`\sum_{ij}\pi^*_{ij}\nabla\|x_i-y_j\|^p` (POT's own
    torch backend does the same; it is switched off so that importing POT loads no torch, see
    ``gdm_core/__init__``). In 1-D with
    n = m the sorted solution is used instead: matching the i-th smallest to the i-th smallest is
    optimal for every p ≥ 1 (Villani 2009, Rem. 2.19) and costs O(n log n).

    Parameters
    ----------
    x, y : shape (n, d) and (m, d) (or (n,) and (m,) for 1-D), finite.
    p : order, ≥ 1.

    Returns
    -------
    float for NumPy input, a 0-d tensor for torch input.
    """
    p = _finite("p", p)
    if p < 1:
        raise ValueError(f"p must be at least 1 for W_p to be a distance, got {p}.")
    x, y = as_cloud("x", x), as_cloud("y", y)
    if _is_torch(x) != _is_torch(y):
        raise ValueError("x and y must both be NumPy arrays or both be torch tensors.")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have points of the same dimension, got {x.shape[1]} and {y.shape[1]}.")
    xp = _array_module(x)
    # W_p is 1-homogeneous, W_p(x/s, y/s) = W_p(x, y)/s: rescale clouds so large that the squared
    # distances, raised to p/2, would overflow (hostile-input test: a point at 1e300 gave ∞)
    scale = max(_max_abs(x), _max_abs(y))
    if scale > 0 and 2 * max(p, 2.0) * math.log10(scale) > 300:
        return wasserstein_samples(x / scale, y / scale, p) * scale
    if x.shape[1] == 1 and x.shape[0] == y.shape[0]:
        xs, ys = xp.sort(x[:, 0]), xp.sort(y[:, 0])
        xs, ys = (xs.values, ys.values) if _is_torch(x) else (xs, ys)
        diff = xp.abs(xs - ys)
        cost = (diff ** p).mean() if p != 1 else diff.mean()
    else:
        a, b = ot.unif(x.shape[0]), ot.unif(y.shape[0])
        cost_matrix = _cost_matrix(x, y, p)
        if _is_torch(x):
            plan = ot.emd(a, b, cost_matrix.detach().numpy().astype(np.float64))
            cost = (xp.as_tensor(plan, dtype=cost_matrix.dtype) * cost_matrix).sum()
        else:
            cost = ot.emd2(a, b, cost_matrix)
    if p != 1:
        # c^{1/p} has an infinite slope at c = 0; mask it so identical clouds get gradient 0
        if _is_torch(x):
            safe = xp.where(cost > 0, cost, xp.ones_like(cost))
            cost = xp.where(cost > 0, safe ** (1.0 / p), xp.zeros_like(cost))
        else:
            cost = max(0.0, float(cost)) ** (1.0 / p)
    return cost if _is_torch(x) else float(cost)


def transport_plan(x, y) -> list[tuple[int, int, float]]:
    """The exact W1-optimal plan between two equal-weight clouds, as (i, j, mass) triples."""
    x, y = as_cloud("x", x), as_cloud("y", y)
    a, b = ot.unif(x.shape[0]), ot.unif(y.shape[0])
    plan = ot.emd(a, b, _cost_matrix(np.asarray(x), np.asarray(y), 1))
    rows, cols = np.nonzero(plan > 1e-12)
    return [(int(i), int(j), float(plan[i, j])) for i, j in zip(rows, cols)]

