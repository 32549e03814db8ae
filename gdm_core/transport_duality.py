r"""Optimal transport's two faces on small weighted point sets: the plan and the critic.

For :math:`p = \sum_i a_i\delta_{x_i}`, :math:`q = \sum_j b_j\delta_{y_j}` and the distance
:math:`d(x, y) = \|x - y\|`, the earth mover's distance is a linear programme (Kantorovich 1942),

.. math:: W_1(p, q) = \min_{\pi\in\Pi(a, b)} \sum_{ij}\pi_{ij}\, d(x_i, y_j)
   \qquad\text{(primal: a plan, } \pi \ge 0,\ \pi\mathbf 1 = a,\ \pi^\top\mathbf 1 = b),

and, by Kantorovich–Rubinstein duality, also a maximum over 1-Lipschitz critics

.. math:: W_1(p, q) = \max_{\|f\|_L \le 1}\ \sum_i a_i f(x_i) - \sum_j b_j f(y_j)
   \qquad\text{(dual: a critic)}.

The primal is solved exactly by POT's network simplex (``ot.emd``; on a line its monotone plan,
``ot.emd_1d``), and the simplex also returns an optimal
solution (u, v) of the LP dual :math:`\max \sum_i a_i u_i + \sum_j b_j v_j` subject to
:math:`u_i + v_j \le d(x_i, y_j)`. Its c-transform

.. math:: f(z) = \min_j\ d(z, y_j) - v_j

is 1-Lipschitz (a minimum of 1-Lipschitz functions), with :math:`f(x_i) \ge u_i` and
:math:`f(y_j) \le -v_j`; so :math:`E_p f - E_q f \ge \sum a_i u_i + \sum b_j v_j = W_1`, and being
1-Lipschitz it cannot give more: f is an optimal critic (Villani 2009, Thm 5.10 and Particular
case 5.16). Complementary slackness says where the mass goes: wherever :math:`\pi_{ij} > 0`,
:math:`f(x_i) - f(y_j) = d(x_i, y_j)` — along every move the critic falls at slope exactly 1.

Known at finitely many points with a Lipschitz constant L, a function extends to the whole space
with the same constant (McShane 1934): :math:`F(z) = \min_k f(s_k) + L\,\|z - s_k\|`
(:func:`lipschitz_extension`); that is the critic the Divergences page draws.

References
----------
L. Kantorovich, "On the translocation of masses", Dokl. Akad. Nauk SSSR 37, 1942.
E. J. McShane, "Extension of range of functions", Bull. AMS 40(12), 1934.
C. Villani, "Optimal Transport: Old and New", Springer 2009 (Thm 5.10, Particular case 5.16).
G. Peyré, M. Cuturi, "Computational Optimal Transport", Found. Trends ML 11, 2019 (§3, §6.1).
"""

from __future__ import annotations

import numpy as np
import ot

from gdm_core._numeric import count, finite
from gdm_core.transport import as_cloud

# Coordinates beyond this are rescaled before distances are taken (W1 is 1-homogeneous).
_HUGE = 1e100
# A plan entry at most this is the simplex's rounding (masses are normalised to sum 1), not a
# move: ``both_faces`` lists only larger entries as moves.
MASS_TOL = 1e-12


def _weights(name: str, w, n: int) -> np.ndarray:
    """``w`` as n positive masses normalised to sum 1 (ValueError with a sentence otherwise)."""
    try:
        w = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers (the masses).") from None
    if w.shape != (n,):
        raise ValueError(f"{name} must hold one mass per point: {n} numbers, got shape {w.shape}.")
    if not np.isfinite(w).all() or (w <= 0).any():
        raise ValueError(f"every mass in {name} must be a positive finite number.")
    total = w.sum()
    if not np.isfinite(total):
        raise ValueError(f"the masses in {name} are too large to add up.")
    return w / total


def _inputs(x, a, y, b):
    """Checked clouds (n, d) and (m, d), normalised weights, and a scale s for huge clouds."""
    x, y = as_cloud("x", x), as_cloud("y", y)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have points of the same dimension, got {x.shape[1]} "
                         f"and {y.shape[1]}.")
    a, b = _weights("a", a, x.shape[0]), _weights("b", b, y.shape[0])
    scale = max(float(np.abs(x).max()), float(np.abs(y).max()))
    scale = scale if scale > _HUGE else 1.0
    return x / scale, a, y / scale, b, scale


def distances(x, y) -> np.ndarray:
    r"""The cost matrix :math:`d(x_i, y_j) = \|x_i - y_j\|` (Euclidean; |x − y| in 1-D), shape (n, m).

    Coordinate differences are squared and summed, then rooted: in 1-D this is |x_i − y_j|
    exactly, not the rounding of :math:`\|x\|^2 + \|y\|^2 - 2x\cdot y`.
    """
    x, y = as_cloud("x", x), as_cloud("y", y)
    diff = x[:, None, :] - y[None, :, :]
    return np.sqrt((diff ** 2).sum(axis=-1))


def optimal_plan(x, a, y, b) -> tuple[np.ndarray, float]:
    r"""The optimal coupling and its cost, :math:`W_1(p, q)`, by POT's network simplex.

    .. math:: \pi^* = \arg\min_{\pi\in\Pi(a, b)} \sum_{ij}\pi_{ij}\|x_i - y_j\|,\qquad
       W_1 = \sum_{ij}\pi^*_{ij}\|x_i - y_j\|.

    Parameters
    ----------
    x, y : shape (n, d) and (m, d) (or (n,) and (m,) on a line), finite.
    a, b : positive masses, one per point; each is normalised to sum 1.

    Returns
    -------
    plan : (n, m) non-negative, rows summing to a and columns to b (an LP vertex: at most
        n + m − 1 entries are non-zero).
    cost : W1, the plan's total cost.

    With the cost |x − y| on a line many plans can be optimal; there the monotone one is returned
    (``ot.emd_1d``: mass leaves p's points in order and fills q's in order, so no two moves
    cross — optimal for every convex cost, Villani 2009, Rem. 2.19). In the plane POT's network
    simplex (``ot.emd``) solves the linear programme.

    References
    ----------
    Kantorovich (1942); Peyré & Cuturi (2019), §3; Villani (2009), Rem. 2.19.
    """
    x, a, y, b, scale = _inputs(x, a, y, b)
    cost = distances(x, y)
    if x.shape[1] == 1:  # the monotone plan: no two moves cross
        plan = ot.emd_1d(x[:, 0], y[:, 0], a, b, metric="euclidean")
    else:
        plan = ot.emd(a, b, cost)
    return plan, float((plan * cost).sum()) * scale


def kantorovich_critic(x, a, y, b) -> tuple[np.ndarray, float]:
    r"""An optimal 1-Lipschitz critic at the support points, and the dual value W1.

    .. math:: W_1(p, q) = \max_{\|f\|_L\le 1} \sum_i a_i f(x_i) - \sum_j b_j f(y_j),
       \qquad f(z) = \min_j\ \|z - y_j\| - v_j,

    where v is the target half of an optimal solution of the transport LP's dual (``ot.emd``'s
    potentials): the c-transform of v is 1-Lipschitz everywhere and attains the maximum (see
    the module's docstring). f is defined up to an additive constant; the one returned has its
    smallest value over the support points at 0.

    Returns
    -------
    values : shape (n + m,), f at x_1 … x_n then at y_1 … y_m (the order of :func:`support`).
    w1 : :math:`\sum_i a_i f(x_i) - \sum_j b_j f(y_j)`, computed from these values.

    References
    ----------
    Villani (2009), Thm 5.10 and Particular case 5.16; Peyré & Cuturi (2019), §6.1.
    """
    x, a, y, b, scale = _inputs(x, a, y, b)
    _, log = ot.emd(a, b, distances(x, y), log=True)
    v = np.asarray(log["v"], dtype=float)
    points = np.vstack([x, y])
    values = (distances(points, y) - v[None, :]).min(axis=1)
    values = (values - values.min()) * scale
    n = x.shape[0]
    return values, float(a @ values[:n] - b @ values[n:])


def support(x, y) -> np.ndarray:
    """The support points of p and q stacked, x_1 … x_n then y_1 … y_m, shape (n + m, d)."""
    x, y = as_cloud("x", x), as_cloud("y", y)
    if x.shape[1] != y.shape[1]:
        raise ValueError("x and y must have points of the same dimension.")
    return np.vstack([x, y])


def lipschitz_extension(points, values, query, lipschitz: float = 1.0) -> np.ndarray:
    r"""McShane's extension of a function known at finitely many points.

    .. math:: F(z) = \min_k\ f(s_k) + L\,\|z - s_k\|.

    F is L-Lipschitz on the whole space, and when f is L-Lipschitz on the points F equals f
    there (it is then the largest such extension). In 1-D it is piecewise linear with slopes ±L.

    Parameters
    ----------
    points : (K, d) or (K,); values : (K,), f at the points; query : (Q, d) or (Q,).
    lipschitz : L ≥ 0.

    Returns
    -------
    shape (Q,), F at the query points.

    References
    ----------
    McShane (1934), Theorem 1.
    """
    points, query = as_cloud("points", points), as_cloud("query", query)
    values = np.asarray(values, dtype=float).reshape(-1)
    if values.shape[0] != points.shape[0] or not np.isfinite(values).all():
        raise ValueError("values must hold one finite number per point.")
    lipschitz = finite("lipschitz", lipschitz)
    if lipschitz < 0:
        raise ValueError(f"lipschitz must be ≥ 0, got {lipschitz}.")
    return (values[None, :] + lipschitz * distances(query, points)).min(axis=1)


def largest_slope(points, values) -> float:
    r"""The Lipschitz constant of f on the points: :math:`\max_{k\ne l}
    |f(s_k) - f(s_l)| / \|s_k - s_l\|` over pairs of distinct points.

    It is also the Lipschitz constant of the McShane extension (which cannot be steeper). Two
    equal points with different values give ∞ (no Lipschitz constant); one point gives 0.
    """
    points = as_cloud("points", points)
    values = np.asarray(values, dtype=float).reshape(-1)
    if values.shape[0] != points.shape[0] or not np.isfinite(values).all():
        raise ValueError("values must hold one finite number per point.")
    dist = distances(points, points)
    rise = np.abs(values[:, None] - values[None, :])
    apart = dist > 0
    if ((~apart) & (rise > 0)).any():
        return float("inf")
    return float((rise[apart] / dist[apart]).max()) if apart.any() else 0.0


def both_faces(x, a, y, b) -> dict:
    """The primal and the dual side by side, for a page: the plan, both values of W1, the
    critic at the support points, its largest slope, and how tight it is along the moves.

    Returns a dict with ``plan`` (n, m), ``primal`` and ``dual`` (W1 both ways), ``gap``
    (|primal − dual|), ``values`` (f at x then y), ``slope`` (:func:`largest_slope`),
    ``moves`` ([(i, j, mass, distance)] for every plan entry above :data:`MASS_TOL`; the
    network simplex leaves a few of ~1e-17 from rounding) and ``slack`` (the
    largest |f(x_i) − f(y_j) − d(x_i, y_j)| over the moves: 0 by complementary slackness).
    """
    plan, primal = optimal_plan(x, a, y, b)
    values, dual = kantorovich_critic(x, a, y, b)
    x, y = as_cloud("x", x), as_cloud("y", y)
    cost = distances(x, y)
    n = x.shape[0]
    rows, cols = np.nonzero(plan > MASS_TOL)
    moves = [(int(i), int(j), float(plan[i, j]), float(cost[i, j])) for i, j in zip(rows, cols)]
    slack = max((abs(values[i] - values[n + j] - d) for i, j, _, d in moves), default=0.0)
    return dict(plan=plan, primal=primal, dual=dual, gap=abs(primal - dual), values=values,
                slope=largest_slope(support(x, y), values), moves=moves, slack=float(slack))


# --- the page's examples -------------------------------------------------------------------------

PRESETS = {"example": "worked example", "random": "random"}

# On a line: five piles of earth and six holes (masses in tenths and twentieths).
LINE_X = np.array([0.0, 1.0, 2.5, 4.0, 5.5])
LINE_A = np.array([0.15, 0.25, 0.3, 0.1, 0.2])
LINE_Y = np.array([0.5, 2.0, 3.0, 4.5, 6.0, 7.0])
LINE_B = np.array([0.2, 0.1, 0.25, 0.15, 0.1, 0.2])
# In the plane: eight equal points on a ring of radius 1.5 and a lopsided cluster of six.
_ANGLES = np.arange(8) * np.pi / 4
PLANE_X = 1.5 * np.column_stack([np.cos(_ANGLES), np.sin(_ANGLES)])
PLANE_A = np.full(8, 1 / 8)
PLANE_Y = np.array([[-0.5, -0.3], [0.0, 0.5], [0.4, -0.4], [0.6, 0.3], [-0.2, 0.0],
                    [0.1, -0.9]])
PLANE_B = np.array([0.25, 0.15, 0.2, 0.1, 0.2, 0.1])


def example(dim: int, preset: str, shift: float, seed: int = 0):
    """Two small weighted point sets (x, a, y, b) for the page; q is moved by ``shift`` along
    the first axis.

    ``dim`` 1 (a line: 5 and 6 points, or 6 and 7 at random) or 2 (the plane: 8 and 6 points,
    or 10 and 5 at random); ``preset`` "example" (fixed numbers) or "random" (positions and, on
    the line, whole-number masses drawn with ``seed``; in the plane equal masses, 0.1 and 0.2).
    """
    shift = finite("shift", shift)
    seed = count("seed", seed, minimum=0)
    if dim not in (1, 2):
        raise ValueError(f"dim must be 1 or 2, got {dim!r}.")
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}: use one of {sorted(PRESETS)}.")
    if preset == "example":
        if dim == 1:
            return LINE_X.copy(), LINE_A.copy(), LINE_Y + shift, LINE_B.copy()
        return PLANE_X.copy(), PLANE_A.copy(), PLANE_Y + [shift, 0.0], PLANE_B.copy()
    rng = np.random.default_rng(seed)
    if dim == 1:  # distinct whole numbers 0…9, jittered by ≤ 0.1: piles ≥ 0.8 apart, legible
        x, y = (np.sort(rng.choice(10, k, replace=False) + rng.uniform(-0.1, 0.1, k))
                for k in (6, 7))
        a, b = rng.integers(1, 6, 6).astype(float), rng.integers(1, 6, 7).astype(float)
        return x, a / a.sum(), y + shift, b / b.sum()
    x, y = rng.normal(size=(10, 2)), rng.normal(size=(5, 2))
    return x, np.full(10, 1 / 10), y + [shift, 0.0], np.full(5, 1 / 5)
