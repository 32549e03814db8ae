r"""Jensen's inequality for the logarithm, and KL ≥ 0 as one of its cases.

For positive numbers :math:`x_i` with weights :math:`\lambda_i \ge 0`, :math:`\sum_i\lambda_i = 1`,
the logarithm being concave,

.. math:: \log \sum_i \lambda_i x_i \;\ge\; \sum_i \lambda_i \log x_i ,

with equality only when every :math:`x_i` with a positive weight is the same number. Drawn: the
points :math:`(x_i, \log x_i)` lie on the curve, their weighted centroid
:math:`(\sum\lambda_i x_i, \sum\lambda_i\log x_i)` inside their convex hull — below the curve,
whose height there is :math:`\log\sum\lambda_i x_i`. With two points the centroid slides along
the chord.

**KL ≥ 0 through it** (Cover & Thomas 2006, Theorem 2.6.3): take the outcomes of a distribution q
as the points, :math:`x_i = p_i/q_i`, weighted by :math:`q_i`. Then

.. math:: -\mathrm{KL}(q\,\|\,p) = \mathbb E_q\Big[\log\frac{p}{q}\Big]
          \le \log \mathbb E_q\Big[\frac{p}{q}\Big] = \log \sum_{i:\,q_i>0} p_i \le \log 1 = 0 .

The centroid sits at :math:`x = \sum_{q_i>0} p_i` (1 when p lives where q does), at the height
−KL(q ‖ p): the KL is the distance from the centroid up to the curve. The same picture with
the latent codes z as outcomes is the ELBO (``gdm_core.elbo_derivations``, derivation III).

Everything is in nats (natural logarithms); ``gdm_core.units`` converts.
"""

from __future__ import annotations

import math

import numpy as np

# The discrete example of the page: p on four outcomes, and a q that starts at p (s = 0, where
# the KL is 0 and all four points sit at x = 1) and moves towards ``Q_FAR`` (s = 1).
P_EXAMPLE = (0.1, 0.2, 0.3, 0.4)
Q_FAR = (0.55, 0.3, 0.1, 0.05)


def _weights(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float).reshape(-1)
    if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("the weights must be non-negative numbers.")
    if abs(w.sum() - 1.0) > 1e-9:
        raise ValueError(f"the weights must sum to 1, they sum to {w.sum():.6g}.")
    return w


def jensen_gap(x, weights) -> dict:
    r"""Both sides of Jensen's inequality for the log, in nats.

    Parameters
    ----------
    x : positive numbers (n,).
    weights : non-negative weights (n,) summing to 1.

    Returns
    -------
    dict with ``mean`` :math:`\sum\lambda_i x_i`, ``log_of_mean`` :math:`\log\sum\lambda_i x_i`,
    ``mean_of_logs`` :math:`\sum\lambda_i\log x_i` and ``gap`` (their difference, ≥ 0).

    References
    ----------
    Jensen, "Sur les fonctions convexes et les inégalités entre les valeurs moyennes", Acta
    Math. 30 (1906); Cover & Thomas, *Elements of Information Theory*, 2nd ed. (2006), Thm 2.6.2.
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    w = _weights(weights)
    if x.shape != w.shape:
        raise ValueError(f"{x.size} points but {w.size} weights.")
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError("the points must be positive numbers (the log of 0 is −∞).")
    keep = w > 0
    mean = float(w @ x)
    log_of_mean = math.log(mean)
    mean_of_logs = float(w[keep] @ np.log(x[keep]))
    return {"mean": mean, "log_of_mean": log_of_mean, "mean_of_logs": mean_of_logs,
            "gap": log_of_mean - mean_of_logs}


def chord(x1: float, x2: float, t: float) -> dict:
    r"""Two points and a weight: the point :math:`t\,x_1 + (1-t)\,x_2` on the x-axis, the chord's
    height there :math:`t\log x_1 + (1-t)\log x_2` and the curve's :math:`\log(t x_1 + (1-t) x_2)`.

    ``jensen_gap([x1, x2], [t, 1 - t])`` with the two points too (``x``, ``log_x``).
    """
    if not 0 <= t <= 1:
        raise ValueError(f"the weight t must be between 0 and 1, got {t}.")
    out = jensen_gap([x1, x2], [t, 1.0 - t])
    out["x"] = np.array([x1, x2], dtype=float)
    out["log_x"] = np.log(out["x"])
    return out


def example_q(s: float) -> np.ndarray:
    """The page's q: ``(1 − s)·P_EXAMPLE + s·Q_FAR`` (s in [0, 1]; s = 0 is p itself)."""
    if not 0 <= s <= 1:
        raise ValueError(f"s must be between 0 and 1, got {s}.")
    return (1.0 - s) * np.asarray(P_EXAMPLE) + s * np.asarray(Q_FAR)


def kl_through_jensen(p, q) -> dict:
    r"""KL(q ‖ p) ≥ 0 read off Jensen's inequality, for two distributions on the same outcomes.

    The points are the ratios :math:`r_i = p_i/q_i` on q's support, weighted by :math:`q_i`.

    Returns
    -------
    dict with ``ratio`` r (n,) (NaN where :math:`q_i = 0`), ``log_ratio`` (nats; −∞ where
    :math:`p_i = 0 < q_i`), ``weights`` q, ``mean_of_logs`` :math:`\mathbb E_q\log(p/q) =
    -\mathrm{KL}(q\|p)` (−∞ when p misses some of q's outcomes), ``log_of_mean``
    :math:`\log\mathbb E_q[p/q] = \log\sum_{q_i>0}p_i \le 0`, ``kl`` KL(q ‖ p) and ``gap``
    ``log_of_mean − mean_of_logs`` (= KL when p lives where q does).
    """
    p, q = _weights(p), _weights(q)
    if p.shape != q.shape:
        raise ValueError(f"p has {p.size} outcomes but q has {q.size}.")
    on = q > 0
    ratio = np.full(p.shape, np.nan)
    ratio[on] = p[on] / q[on]
    with np.errstate(divide="ignore"):
        log_ratio = np.where(on, np.log(np.where(on, ratio, 1.0)), np.nan)
    mean_of_logs = -math.inf if np.any(p[on] == 0) else float(q[on] @ log_ratio[on])
    log_of_mean = math.log(float(p[on].sum()))
    return {"ratio": ratio, "log_ratio": log_ratio, "weights": q, "mean_of_logs": mean_of_logs,
            "log_of_mean": log_of_mean, "kl": -mean_of_logs, "gap": log_of_mean - mean_of_logs}
