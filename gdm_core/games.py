r"""Two-player zero-sum games and the gradient dynamics that try to solve them.

The running example is the bilinear game

.. math::  \min_x \max_y f(x, y) = a\,x y \qquad (a = 1 \text{ by default}),

whose only Nash equilibrium is :math:`(0, 0)`. Player :math:`x` descends :math:`f`, player
:math:`y` ascends it, so the joint update direction is the *simultaneous gradient field*

.. math::  v(x, y) = (-\partial_x f,\; +\partial_y f) = a\,(-y,\; x),

a pure rotation: it is orthogonal to :math:`z = (x, y)` everywhere.

Identifying :math:`z = (x, y)` with the complex number :math:`w = x + i y`, :math:`v` is
multiplication by :math:`i a`, so three of the four methods are scalar complex recursions and
have exact closed forms (used below and in the tests):

* simultaneous GDA   :math:`w_{k+1} = (1 + i a\eta)\, w_k`, so
  :math:`\|z_{k+1}\| = \sqrt{1 + a^2\eta^2}\,\|z_k\|` (spirals out for every :math:`\eta > 0`);
* extragradient      :math:`w_{k+1} = (1 + i a\eta - a^2\eta^2)\, w_k`, so
  :math:`\|z_{k+1}\| = \sqrt{1 - a^2\eta^2 + a^4\eta^4}\,\|z_k\|` (converges iff
  :math:`|a|\eta < 1`);
* optimistic GDA     :math:`w_{k+1} = (1 + 2 i a\eta)\, w_k - i a\eta\, w_{k-1}`, a two-term
  recursion solved by the roots of :math:`\lambda^2 - (1 + 2 i a\eta)\lambda + i a\eta = 0`
  (converges iff :math:`|a|\eta < 1/\sqrt 3`).

Alternating GDA (x steps first, then y with the new x) is linear but not complex-linear: its
update matrix :math:`\begin{pmatrix}1 & -a\eta\\ a\eta & 1 - a^2\eta^2\end{pmatrix}` has
determinant 1 and conserves :math:`x^2 + y^2 - a\eta\, x y`, so for :math:`|a|\eta < 2` the
iterates stay on an ellipse around the equilibrium forever: no divergence, no convergence.

References: Korpelevich, "The extragradient method for finding saddle points", 1976;
Daskalakis, Ilyas, Syrgkanis & Zeng, "Training GANs with Optimism", ICLR 2018;
Gidel et al., "A Variational Inequality Perspective on Generative Adversarial Networks",
ICLR 2019; Bailey, Gidel & Piliouras, "Finite Regret and Cycles with Fixed Step-Size via
Alternating Gradient Descent-Ascent", COLT 2020; the course lecture on GAN training (the
alternating discriminator/generator loop).
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

METHODS = ("simultaneous", "alternating", "extragradient", "optimistic")
METHOD_LABELS = {
    "simultaneous": "Simultaneous GDA",
    "alternating": "Alternating GDA",
    "extragradient": "Extragradient",
    "optimistic": "Optimistic GDA",
}
# A run stops once ||z_k|| exceeds BOUND * max(1, ||z_0||): far beyond anything worth drawing,
# far below float overflow, and relative so a start at (1000, 1000) is not "diverged" at once.
BOUND = 1e6


class TwoPlayerGame(Protocol):
    """A zero-sum game min_x max_y f(x, y) with scalar players (enough for this page)."""

    def value(self, x, y):
        """f(x, y); must work elementwise on NumPy arrays (for the surface plots)."""

    def grad_x(self, x: float, y: float) -> float:
        """The partial derivative of f with respect to x (the minimiser's gradient)."""

    def grad_y(self, x: float, y: float) -> float:
        """The partial derivative of f with respect to y (the maximiser's gradient)."""


@dataclass(frozen=True)
class BilinearGame:
    r"""The bilinear game :math:`f(x, y) = a\,x y` (``coupling`` is :math:`a`, default 1)."""

    coupling: float = 1.0

    def __post_init__(self):
        if not math.isfinite(self.coupling) or self.coupling == 0:
            raise ValueError(f"the coupling a in f = a·x·y must be a non-zero number, "
                             f"got {self.coupling}")

    def value(self, x, y):
        return self.coupling * np.multiply(x, y)

    def grad_x(self, x: float, y: float) -> float:
        return self.coupling * y

    def grad_y(self, x: float, y: float) -> float:
        return self.coupling * x

    def field(self, x, y):
        """The simultaneous gradient field (−∂f/∂x, +∂f/∂y) = a(−y, x), elementwise."""
        return -self.coupling * np.asarray(y, float), self.coupling * np.asarray(x, float)


XY = BilinearGame()


@dataclass(frozen=True)
class Run:
    """The outcome of :func:`simulate`.

    ``path`` has one row per iterate kept, starting with z0, every row finite and within the
    bound. If the run was stopped, ``diverged_at`` is the step k whose iterate z_k overflowed or
    passed the bound (that iterate is not in ``path``, so ``len(path) == diverged_at``).
    """

    method: str
    path: np.ndarray
    lr: float
    steps: int
    bound: float
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def steps_done(self) -> int:
        return len(self.path) - 1


def _check(method: str, z0, lr: float, steps: int) -> tuple[float, float, float, int]:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    try:
        lr = float(lr)
    except (TypeError, ValueError):
        raise ValueError(f"the step size η must be a number, got {lr!r}") from None
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"the step size η must be a positive number, got {lr}")
    if isinstance(steps, bool) or not float(steps).is_integer() or steps < 1:
        raise ValueError(f"the number of steps must be a whole number ≥ 1, got {steps}")
    z = np.asarray(z0, dtype=float)
    if z.shape != (2,):
        raise ValueError(f"the starting point must be two numbers (x0, y0), got {z0!r}")
    if not np.all(np.isfinite(z)):
        raise ValueError(f"the starting point must be finite, got (x0, y0) = {tuple(z)}")
    return float(z[0]), float(z[1]), lr, int(steps)


def simulate(method: str, z0, lr: float, steps: int, game: TwoPlayerGame = XY) -> Run:
    r"""Run one gradient method on ``game`` from ``z0`` for ``steps`` steps of size ``lr``.

    With :math:`g_x = \partial_x f`, :math:`g_y = \partial_y f` and step :math:`\eta`:

    * ``"simultaneous"``: :math:`x' = x - \eta g_x(x, y)`, :math:`y' = y + \eta g_y(x, y)`;
    * ``"alternating"``: :math:`x' = x - \eta g_x(x, y)`, then :math:`y' = y + \eta g_y(x', y)`
      (the GAN loop: one player updates, then the other reacts to the *new* opponent);
    * ``"extragradient"``: a look-ahead step :math:`\bar z = z + \eta v(z)`, then
      :math:`z' = z + \eta v(\bar z)` where :math:`v = (-g_x, g_y)`;
    * ``"optimistic"``: :math:`z' = z + 2\eta v(z) - \eta v(z_{\text{prev}})`, with
      :math:`z_{\text{prev}} = z_0` at the first step (so the first step is a plain GDA step).

    The run stops early once an iterate is non-finite or :math:`\|z_k\|` exceeds
    ``BOUND * max(1, ||z0||)``; see :class:`Run`.

    Raises
    ------
    ValueError
        For an unknown method, η ≤ 0 or non-finite, steps < 1, or a non-finite z0.
    """
    x, y, lr, steps = _check(method, z0, lr, steps)
    bound = BOUND * max(1.0, math.hypot(x, y))
    gx, gy = game.grad_x, game.grad_y
    out = np.empty((steps + 1, 2))
    out[0] = x, y
    # Plain Python floats: 2 × 5,000 scalar steps cost milliseconds, and a generic game only
    # has to provide scalar gradients. Overflow gives inf, which the bound check catches.
    px, py = gx(x, y), gy(x, y)  # optimistic: the previous gradient (z_{-1} = z_0)
    k = 0
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            if method == "simultaneous":
                x, y = x - lr * gx(x, y), y + lr * gy(x, y)
            elif method == "alternating":
                x = x - lr * gx(x, y)
                y = y + lr * gy(x, y)
            elif method == "extragradient":
                hx, hy = x - lr * gx(x, y), y + lr * gy(x, y)
                x, y = x - lr * gx(hx, hy), y + lr * gy(hx, hy)
            else:  # optimistic
                cx, cy = gx(x, y), gy(x, y)
                x, y = x - lr * (2 * cx - px), y + lr * (2 * cy - py)
                px, py = cx, cy
            r = math.hypot(x, y)  # inf on overflow, nan if x or y is nan
            if not (r <= bound and r < math.inf):  # the bound itself may be inf
                return Run(method, out[:k].copy(), lr, steps, bound, diverged_at=k)
            out[k] = x, y
    return Run(method, out, lr, steps, bound)


def run_dynamics(method: str, z0, lr: float, steps: int, game: TwoPlayerGame = XY) -> np.ndarray:
    """The iterates z_0, …, z_steps of ``method`` as an array of shape (steps + 1, 2).

    Fewer rows if the run diverged (see :func:`simulate`, which also says at which step).
    """
    return simulate(method, z0, lr, steps, game).path


# ---------------------------------------------------------------- closed forms (bilinear game)

def _coupling(game: BilinearGame) -> float:
    if not isinstance(game, BilinearGame):
        raise ValueError("closed forms are only known for the bilinear game a·x·y")
    return game.coupling


def per_step_factor(method: str, lr: float, game: BilinearGame = XY) -> float | None:
    r"""The exact factor :math:`\|z_{k+1}\| / \|z_k\|` where it is the same at every step.

    Simultaneous :math:`\sqrt{1 + a^2\eta^2}`, extragradient
    :math:`\sqrt{1 - a^2\eta^2 + a^4\eta^4}`; ``None`` for alternating and optimistic, whose
    distance to the equilibrium is not a geometric sequence (see :func:`spectral_radius`).
    """
    s2 = (_coupling(game) * lr) ** 2
    if method == "simultaneous":
        return math.sqrt(1 + s2)
    if method == "extragradient":
        return math.sqrt(1 - s2 + s2 * s2)
    if method in METHODS:
        return None
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def _optimistic_roots(s: float) -> tuple[complex, complex]:
    # Roots of λ² − (1 + 2is)λ + is = 0: λ = ((1 + 2is) ± sqrt(1 − 4s²)) / 2.
    d = cmath.sqrt(1 - 4 * s * s)
    return (1 + 2j * s + d) / 2, (1 + 2j * s - d) / 2


def update_matrix(method: str, lr: float, game: BilinearGame = XY) -> np.ndarray:
    r"""The linear map :math:`z_{k+1} = M z_k` (2×2), or for ``"optimistic"`` the 4×4
    companion map :math:`(z_{k+1}, z_k) = M (z_k, z_{k-1})`."""
    s = _coupling(game) * lr
    rot = np.array([[0.0, -s], [s, 0.0]])  # z ↦ η v(z)
    eye = np.eye(2)
    if method == "simultaneous":
        return eye + rot
    if method == "alternating":
        return np.array([[1.0, -s], [s, 1.0 - s * s]])
    if method == "extragradient":
        return eye + rot + rot @ rot
    if method == "optimistic":
        return np.block([[eye + 2 * rot, -rot], [eye, np.zeros((2, 2))]])
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def spectral_radius(method: str, lr: float, game: BilinearGame = XY) -> float:
    r"""The asymptotic rate: :math:`\|z_k\|` behaves like :math:`\rho^k` for large k.

    Simultaneous and extragradient: the per-step factor. Alternating: eigenvalues of a
    determinant-1 matrix with trace :math:`2 - s^2` (:math:`s = a\eta`), so :math:`\rho = 1`
    for :math:`s \le 2` and :math:`\rho = (s^2 - 2 + s\sqrt{s^2 - 4})/2` beyond. Optimistic:
    the larger root modulus, :math:`\sqrt{(1 + \sqrt{1 - 4s^2})/2}` for :math:`s \le 1/2`.
    """
    s = abs(_coupling(game) * lr)
    if method in ("simultaneous", "extragradient"):
        return per_step_factor(method, lr, game)
    if method == "alternating":
        return 1.0 if s <= 2 else (s * s - 2 + s * math.sqrt(s * s - 4)) / 2
    if method == "optimistic":
        return max(abs(r) for r in _optimistic_roots(s))
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def stability_limit(method: str, game: BilinearGame = XY) -> float:
    """The largest step size η below which the method does not diverge (for f = a·x·y).

    Simultaneous: 0 (it diverges for every η > 0); alternating: 2/|a| (bounded orbit below it);
    extragradient: 1/|a|; optimistic: 1/(√3 |a|) (both converge below it).
    """
    a = abs(_coupling(game))
    limits = {"simultaneous": 0.0, "alternating": 2.0, "extragradient": 1.0,
              "optimistic": 1 / math.sqrt(3)}
    if method not in limits:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return limits[method] / a


def closed_form_norms(method: str, z0, lr: float, steps: int,
                      game: BilinearGame = XY) -> np.ndarray | None:
    r"""The exact :math:`\|z_k\|` for k = 0…steps, without running the iteration.

    Simultaneous / extragradient: :math:`\|z_0\|\,c^k` with the per-step factor c, computed as
    :math:`\exp(\log\|z_0\| + \tfrac k2\,\mathrm{log1p}(c^2 - 1))` so it stays finite (and
    accurate for c near 1) as long as the true value is a float.

    Optimistic: :math:`|w_k|` with :math:`w_k = w_0\lambda_-^k + (w_1 - \lambda_- w_0)
    \frac{\lambda_+^k - \lambda_-^k}{\lambda_+ - \lambda_-}`, :math:`w_1 = (1 + i s) w_0`.
    With :math:`r = \lambda_-/\lambda_+` (:math:`|r| \le 1`, :math:`\lambda_+` the larger root)
    this is :math:`\lambda_+^{k-1}\big[w_0\lambda_- r^{k-1} + (w_1 - \lambda_- w_0)
    \frac{1 - r^k}{1 - r}\big]`: the bracket is bounded by a multiple of k, and the power
    :math:`|\lambda_+|^{k-1}` is taken in log space, so nothing overflows or underflows before
    the true value does (the former :math:`\sinh(kh)` form overflowed from k ≈ 900 at η = 0.2,
    where ‖z_k‖ ≈ 1e-9). The geometric sum :math:`(1 - r^k)/(1 - r) = \mathrm{expm1}(k\log r)
    /\mathrm{expm1}(\log r)` stays accurate as the roots merge (:math:`s = 1/2`, where it is k).
    Alternating: ``None`` (use :func:`alternating_band`). Values beyond the float range are
    ``inf`` (too large) or 0 (too small), as the true values would be.
    """
    x0, y0, lr, steps = _check(method, z0, lr, steps)
    k = np.arange(steps + 1, dtype=float)
    r0 = math.hypot(x0, y0)
    if method == "alternating":
        return None
    if r0 == 0:
        _coupling(game)
        return np.zeros_like(k)
    s = _coupling(game) * lr
    with np.errstate(all="ignore"):
        if method in ("simultaneous", "extragradient"):
            s2 = s * s
            log_c = 0.5 * math.log1p(s2 if method == "simultaneous" else s2 * (s2 - 1.0))
            return np.exp(math.log(r0) + k * log_c)
        w0 = complex(x0, y0)
        w1 = (1 + 1j * s) * w0
        lp, lm = _optimistic_roots(s)
        log_r = cmath.log(lm) - cmath.log(lp)  # Re ≤ 0
        if log_r == 0:  # a double root: the geometric sum is k
            geo = k.astype(complex)
        else:
            geo = np.expm1(k * log_r) / np.expm1(log_r)
        bracket = w0 * lm * np.exp((k - 1) * log_r) + (w1 - lm * w0) * geo
        log_norm = (k - 1) * math.log(abs(lp)) + np.log(np.abs(bracket))
        out = np.exp(log_norm)
        out[0] = r0
        return out


def conserved_quantity(z, lr: float, game: BilinearGame = XY) -> np.ndarray:
    r"""Alternating GDA's invariant :math:`x^2 + y^2 - a\eta\,x y` for each row of ``z``.

    With :math:`x' = x - a\eta y` and :math:`y' = y + a\eta x'`: since :math:`y' - a\eta x' = y`
    and :math:`x'(x' + a\eta y) = x' x`, one gets
    :math:`x'^2 + y'^2 - a\eta x' y' = x'^2 + y y' = x x' + y^2 + a\eta x' y
    = x^2 - a\eta x y + y^2`.
    """
    z = np.asarray(z, float)
    s = _coupling(game) * lr
    return z[..., 0] ** 2 + z[..., 1] ** 2 - s * z[..., 0] * z[..., 1]


def alternating_band(z0, lr: float, game: BilinearGame = XY) -> tuple[float, float] | None:
    r"""Bounds on :math:`\|z_k\|` for alternating GDA from the conserved quantity Q.

    The quadratic form :math:`x^2 + y^2 - s x y` has eigenvalues :math:`1 \pm s/2`, so on the
    level set Q the distance satisfies :math:`Q/(1 + |s|/2) \le \|z\|^2 \le Q/(1 - |s|/2)`;
    both bounds are reached on the ellipse. ``None`` when :math:`|s| \ge 2` (no bounded orbit).
    """
    x0, y0, lr, _ = _check("alternating", z0, lr, 1)
    s = abs(_coupling(game) * lr)
    if s >= 2:
        return None
    q = float(conserved_quantity(np.array([x0, y0]), lr, game))
    return math.sqrt(q / (1 + s / 2)), math.sqrt(q / (1 - s / 2))


def distances(z) -> np.ndarray:
    """‖z_k‖ = distance to the equilibrium (0, 0), for each row of ``z``."""
    z = np.asarray(z, float)
    return np.hypot(z[..., 0], z[..., 1])


def measured_rate(z, k: int | None = None) -> float:
    r"""What a run shows of its rate: the mean factor per step over its first k steps,
    :math:`(\|z_k\| / \|z_0\|)^{1/k}` (k = the run's last step by default).

    Equal to :func:`spectral_radius` for simultaneous GDA and extragradient, whose distance is a
    geometric sequence; for alternating and optimistic GDA it approaches ρ as k grows (their
    distance wobbles around ρ^k). NaN for k = 0 or a start at the equilibrium.
    """
    r = distances(z)
    k = len(r) - 1 if k is None else min(int(k), len(r) - 1)
    if k <= 0 or not r[0] > 0:
        return math.nan
    return math.exp((math.log(r[k]) - math.log(r[0])) / k) if r[k] > 0 else 0.0


def rate_curves(lrs, game: BilinearGame = XY) -> dict[str, np.ndarray]:
    """The rate ρ(η) of every method over the step sizes ``lrs`` (:func:`spectral_radius`)."""
    lrs = np.asarray(lrs, dtype=float)
    return {m: np.array([spectral_radius(m, float(lr), game) for lr in lrs]) for m in METHODS}


def alternating_eigenline(z0, lr: float, game: BilinearGame = XY) -> dict | None:
    r"""Where z0 sits relative to alternating GDA's real eigen-lines, for :math:`|s| \ge 2`.

    For :math:`|s| = |a\eta| > 2` the update matrix has two real eigenvalues
    :math:`\lambda_u \lambda_s = 1` with :math:`|\lambda_u| > 1 > |\lambda_s|`; for
    :math:`|s| = 2` a double eigenvalue :math:`-1` with a single eigen-line. An eigenvector of
    :math:`\lambda` is :math:`v = (s, 1 - \lambda)` (first row of :math:`M - \lambda I`). A start
    on the line of :math:`\lambda_s` (or of −1 at :math:`|s| = 2`) never picks up the other mode:
    it converges (or 2-cycles) instead of growing.

    Returns ``None`` for :math:`|s| < 2` (complex eigenvalues: every start orbits), else a dict
    with ``"lam"`` (the stable eigenvalue λ_s, or −1), ``"lam_unstable"`` (λ_u, or −1),
    ``"offset"`` (distance of z0 from that eigen-line divided by ‖z0‖; 0 at z0 = 0) and
    ``"on_line"`` (offset ≤ 1e-12, i.e. on the line up to rounding of the typed start).
    """
    x0, y0, lr, _ = _check("alternating", z0, lr, 1)
    s = _coupling(game) * lr
    if abs(s) < 2:
        return None
    t = 2.0 - s * s  # the trace; the determinant is 1
    if abs(s) == 2:
        lam_u = lam_s = -1.0
    else:
        lam_u = (t - math.sqrt(t * t - 4.0)) / 2.0  # t < −2: both roots negative, this one < −1
        lam_s = 1.0 / lam_u                         # exact partner, no cancellation
    vx, vy = s, 1.0 - lam_s
    r0 = math.hypot(x0, y0)
    offset = abs(vx * y0 - vy * x0) / (math.hypot(vx, vy) * r0) if r0 > 0 else 0.0
    return {"lam": lam_s, "lam_unstable": lam_u, "offset": offset, "on_line": offset <= 1e-12}


def behaviour(run: Run, game: BilinearGame = XY) -> str:
    """A few words for a student on what the run does (from the theory, and the run's end).

    Alternating GDA with |aη| ≥ 2 is described from z0's eigen-direction
    (:func:`alternating_eigenline`): a start on the stable eigen-line converges, one on the
    eigen-line of −1 at |aη| = 2 is a bounded 2-cycle; the run itself confirms it (rounding can
    push an iterate off the line, and then it grows like every other start).
    """
    if run.diverged:
        return f"diverged after {run.diverged_at} steps"
    s = abs(_coupling(game) * run.lr)
    rho = spectral_radius(run.method, run.lr, game)
    if run.method == "alternating" and s >= 2:
        line = alternating_eigenline(run.path[0], run.lr, game)
        r = distances(run.path)
        if line["on_line"] and r[0] > 0:
            if s == 2 and r.max() <= r[0] * (1 + 1e-9):
                return "2-cycle, bounded (z₀ on the eigen-line of λ = −1)"
            if s > 2 and r[-1] <= r[0]:
                lam = f"{line['lam']:.4g}".replace("-", "−")
                return f"converges (z₀ on the eigen-line of λ = {lam})"
        if s == 2:
            return "grows linearly (η = 2)"
        return "grows (η too large)"
    if run.method == "alternating":
        return "orbits for ever (ellipse)"
    if rho > 1:
        return "spirals out" if run.method == "simultaneous" else "grows (η too large)"
    if rho == 1:
        return "circles at a constant distance"
    return f"converges (η < {stability_limit(run.method, game):.4g})"
