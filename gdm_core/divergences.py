r"""KL, Jensen–Shannon, total variation and Wasserstein: values, gradients, estimates from samples.

The running example is the pair of parallel lines of the WGAN paper (Example 1):
:math:`Z \sim U[0,1]`, :math:`P_0` the law of :math:`(0, Z)` and :math:`P_\theta` the law of
:math:`(\theta, Z)`. For :math:`\theta \ne 0` the two supports do not meet, so KL is infinite and
JS is stuck at :math:`\log 2` whatever :math:`\theta` is — no gradient — while
:math:`W(P_0, P_\theta) = |\theta|` still says which way to move.

Every quantity here is in **nats** (natural logarithm); a page converts with
:func:`gdm_core.units.from_nats`. The exact Wasserstein distance between samples is
:func:`gdm_core.transport.wasserstein_samples`; the optimal discriminator and the WGAN critic are
in :mod:`gdm_core.critic`.

References
----------
M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein GAN", ICML 2017 (Example 1, Figure 2).
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (optimal discriminator).
C. Villani, "Optimal Transport: Old and New", 2009 (Kantorovich duality, 1-D transport).
"""

from __future__ import annotations

import math

import numpy as np
import ot
from scipy import integrate, special, stats

from gdm_core import information
from gdm_core._numeric import INV_SQRT_2PI, LOG2, count, finite, positive, softplus
from gdm_core.transport import as_cloud, wasserstein_samples


# ----------------------------------------------------------------------------------------------
# 1. the shifted parallel lines, analytically
# ----------------------------------------------------------------------------------------------
def shifted_lines(theta: float) -> dict[str, float]:
    r"""Divergences between :math:`P_0 = (0, Z)` and :math:`P_\theta = (\theta, Z)`, :math:`Z\sim U[0,1]`.

    .. math::
        \mathrm{KL}(P_\theta\|P_0) = \mathrm{KL}(P_0\|P_\theta) =
            \begin{cases} +\infty & \theta \ne 0 \\ 0 & \theta = 0\end{cases},\quad
        \mathrm{JS} = \begin{cases} \log 2 & \theta \ne 0 \\ 0 & \theta = 0\end{cases},\quad
        \mathrm{TV} = [\theta \ne 0],\quad W_1 = |\theta|.

    Returns
    -------
    dict with keys ``"kl"`` (KL(P_θ‖P_0)), ``"reverse_kl"`` (KL(P_0‖P_θ)), ``"js"`` (nats),
    ``"tv"`` and ``"w1"``.

    References
    ----------
    Arjovsky, Chintala, Bottou (2017), Example 1.
    """
    theta = finite("θ", theta)
    apart = theta != 0.0  # any shift, however small, makes the supports disjoint
    return {
        "kl": math.inf if apart else 0.0,
        "reverse_kl": math.inf if apart else 0.0,
        "js": LOG2 if apart else 0.0,
        "tv": 1.0 if apart else 0.0,
        "w1": abs(theta),
    }


def shifted_lines_gradients(theta: float) -> dict[str, float]:
    r"""d/dθ of each divergence of :func:`shifted_lines` (``nan`` where it does not exist).

    KL is :math:`+\infty` on both sides of 0, so it has no derivative anywhere; JS and TV are
    constant for :math:`\theta\ne 0` (derivative 0) and jump at 0; :math:`W_1=|\theta|` has
    derivative :math:`\operatorname{sign}\theta`, and only a subgradient :math:`[-1, 1]` at 0.
    """
    theta = finite("θ", theta)
    nan = math.nan
    if theta == 0.0:
        return {"kl": nan, "reverse_kl": nan, "js": nan, "tv": nan, "w1": nan}
    return {"kl": nan, "reverse_kl": nan, "js": 0.0, "tv": 0.0, "w1": math.copysign(1.0, theta)}


def sample_shifted_lines(theta: float, n: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw n points from :math:`P_0` and n independent points from :math:`P_\theta`.

    Parameters
    ----------
    theta : shift of the second line.
    n : number of points from each distribution (≥ 1).
    rng : ``numpy.random.Generator``, an int seed, or None.

    Returns
    -------
    (real, fake): two arrays of shape (n, 2); ``real[:, 0] == 0`` and ``fake[:, 0] == θ``.
    """
    theta = finite("θ", theta)
    n = count("n", n)
    rng = np.random.default_rng(rng)
    # independent Z's for the two clouds: a coupled draw would make the sample W exactly |θ|
    real = np.column_stack([np.zeros(n), rng.random(n)])
    fake = np.column_stack([np.full(n, theta), rng.random(n)])
    return real, fake


# ----------------------------------------------------------------------------------------------
# 2. Wasserstein distance from samples, and its gradient (POT + the envelope theorem)
# ----------------------------------------------------------------------------------------------
def sample_w_gradient(theta: float, z_real, z_fake) -> tuple[float, float]:
    r"""Sample :math:`W_1` between :math:`\{(0, z_i)\}` and :math:`\{(\theta, z'_j)\}` and its
    derivative in θ from POT's exact optimal plan :math:`\pi^*` and the envelope theorem:

    .. math:: \frac{dW_1}{d\theta} = \sum_{ij}\pi^*_{ij}\,\frac{\partial c_{ij}}{\partial\theta}
              = \sum_{ij}\pi^*_{ij}\,\frac{\theta}{c_{ij}},\qquad
              c_{ij} = \|(\theta, z'_j) - (0, z_i)\|,

    (0 where :math:`c_{ij} = 0`: the cost's subgradient there) — what backpropagating through
    the solver gives (Villani 2009, Thm. 5.10 for the duality behind it), in NumPy.

    For large n the derivative tends to :math:`\operatorname{sign}\theta`; with the same z's on
    both lines it is exactly :math:`\operatorname{sign}\theta` for θ ≠ 0 (the identity pairing is
    optimal by the triangle inequality).
    """
    theta = finite("θ", theta)
    zr = np.asarray(z_real, dtype=float).reshape(-1)
    zf = np.asarray(z_fake, dtype=float).reshape(-1)
    fake = np.column_stack([np.full(len(zf), theta), zf])
    real = np.column_stack([np.zeros(len(zr)), zr])
    w = wasserstein_samples(fake, real, p=1)
    # W(θ) = Σ π*_ij c_ij(θ) with c_ij = ‖(θ, z'_j) − (0, z_i)‖; by the envelope theorem (the
    # plan is optimal, so moving it changes W only to second order) dW/dθ = Σ π*_ij θ / c_ij,
    # and 0 where c_ij = 0 (the cost's subgradient there, as transport's masked cost has it).
    # Huge clouds are rescaled first, as wasserstein_samples does (squared distances would
    # overflow); W is 1-homogeneous, so the plan and θ/c_ij are the same after rescaling.
    scale = max(float(np.abs(fake).max()), float(np.abs(real).max()))
    scale = scale if scale > 0 and 4 * math.log10(scale) > 300 else 1.0
    f, r = fake / scale, real / scale
    sq = (f[:, 0][:, None] - r[:, 0][None, :]) ** 2 + (f[:, 1][:, None] - r[:, 1][None, :]) ** 2
    cost = np.sqrt(sq)
    plan = ot.emd(ot.unif(len(f)), ot.unif(len(r)), cost)  # the plan wasserstein_samples solves
    slope = np.divide(f[:, 0][:, None], cost, out=np.zeros_like(cost), where=cost > 0)
    return float(w), float((plan * slope).sum())


def gradient_descent(theta0: float, lr: float, steps: int, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    r"""Gradient descent on θ from θ0 under W (from samples, via POT's plan) and under JS.

    .. math:: \theta_{k+1} = \theta_k - \eta\,\frac{\partial}{\partial\theta} D(P_0, P_{\theta_k}).

    Under W the gradient is computed from n fixed samples of Z on each line (:func:`sample_w_gradient`);
    under JS it is the exact derivative, 0 for every θ ≠ 0, so θ never moves (if θ0 = 0 it is
    already optimal).

    Returns
    -------
    dict of arrays of length ``steps + 1``: ``"theta_w"``, ``"theta_js"``, ``"w"`` (sample W at
    θ_k), ``"grad_w"``, ``"js"`` (nats).
    """
    theta0 = finite("θ0", theta0)
    lr = positive("the learning rate", lr)
    steps = count("the number of steps", steps, minimum=0)
    n = count("n", n)
    rng = np.random.default_rng(seed)
    z_real, z_fake = rng.random(n), rng.random(n)
    theta_w, w_vals, grads = [theta0], [], []
    for _ in range(steps + 1):
        w, g = sample_w_gradient(theta_w[-1], z_real, z_fake)
        w_vals.append(w)
        grads.append(g)
        if len(theta_w) <= steps:
            theta_w.append(theta_w[-1] - lr * g)
    theta_js = np.full(steps + 1, theta0)  # the JS gradient is exactly zero: nothing to follow
    return {
        "theta_w": np.array(theta_w), "theta_js": theta_js, "w": np.array(w_vals),
        "grad_w": np.array(grads), "js": np.array([shifted_lines(t)["js"] for t in theta_js]),
    }


# ----------------------------------------------------------------------------------------------
# 3. Jensen–Shannon from samples with a trained discriminator
# ----------------------------------------------------------------------------------------------
def js_from_samples(real, fake, ridge: float = 1e-6) -> dict[str, float]:
    r"""Estimate JS (nats) with a logistic-regression discriminator trained on the two samples.

    With a balanced mix, the mean binary cross-entropy of a discriminator D,
    :math:`L(D) = -\tfrac12 E_P[\log D] - \tfrac12 E_Q[\log(1-D)]`, is minimised by
    :math:`D^* = p/(p+q)`, where :math:`L(D^*) = \log 2 - \mathrm{JS}(P, Q)` (Goodfellow et al.
    2014, Thm. 1). So :math:`\widehat{\mathrm{JS}} = \log 2 - \min_D \hat L(D)`.

    The discriminator is :math:`D(x) = \sigma(w^\top \phi(x) + b)` on standardised coordinates
    (features with zero spread are dropped), fitted by Newton's method with a tiny ridge penalty so that
    the optimum stays finite when the samples are separable. For the parallel lines the optimal
    discriminator depends on the first coordinate only, so it lies in this family.
    The estimate is biased up by overfitting on small samples (≈ features/(2n) nats at θ = 0).

    Returns
    -------
    dict with ``"js"`` (nats, clipped to [0, log 2]) and ``"bce"`` (nats).
    """
    real, fake = as_cloud("the real sample", real), as_cloud("the fake sample", fake)
    real, fake = np.asarray(real, float), np.asarray(fake, float)
    if real.shape[1] != fake.shape[1]:
        raise ValueError("The two samples must have points of the same dimension.")
    feats = np.vstack([real, fake])
    labels = np.concatenate([np.ones(len(real)), np.zeros(len(fake))])
    # balanced mix: each sample gets total weight 1/2 even if the sizes differ
    weights = np.concatenate([np.full(len(real), 0.5 / len(real)), np.full(len(fake), 0.5 / len(fake))])
    spread = feats.std(axis=0)
    keep = spread > 0
    phi = (feats[:, keep] - feats[:, keep].mean(axis=0)) / spread[keep]
    design = np.column_stack([phi, np.ones(len(phi))])
    signs = 2 * labels - 1

    params = _fit_logistic(design, signs, weights, ridge)
    margins = signs * (design @ params)
    bce = float(np.sum(weights * np.logaddexp(0.0, -margins)))
    return {"js": min(LOG2, max(0.0, LOG2 - bce)), "bce": bce}


def _fit_logistic(design, signs, weights, ridge, steps: int = 100) -> np.ndarray:
    """Weighted ridge logistic regression by Newton's method with backtracking (≤ 3 parameters
    here, so each step is a tiny linear solve; converges in a few dozen steps even when the
    classes are separable, where plain gradient methods crawl)."""
    penalty = np.full(design.shape[1], ridge)
    penalty[-1] = 0.0  # the intercept is not penalised

    def objective(w):
        return np.sum(weights * np.logaddexp(0.0, -signs * (design @ w))) + 0.5 * np.sum(penalty * w * w)

    w = np.zeros(design.shape[1])
    value = objective(w)
    for _ in range(steps):
        margins = signs * (design @ w)
        prob_wrong = special.expit(-margins)  # σ(-m): the weight of each point in the gradient
        grad = design.T @ (weights * -signs * prob_wrong) + penalty * w
        curv = weights * prob_wrong * (1.0 - prob_wrong)
        hess = design.T @ (design * curv[:, None]) + np.diag(penalty + 1e-12)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-8:  # backtracking: Newton can overshoot far from the optimum
            candidate = w - t * step
            new_value = objective(candidate)
            if new_value <= value - 1e-4 * t * (grad @ step):
                break
            t *= 0.5
        else:
            break
        if value - new_value < 1e-15:
            w, value = candidate, new_value
            break
        w, value = candidate, new_value
    return w


def lines_convergence(theta: float, ns, repeats: int = 3, seed: int = 0) -> dict[str, np.ndarray]:
    r"""Sample estimates of W and JS for the parallel lines at each n, ``repeats`` draws each.

    Returns arrays of shape (len(ns), repeats): ``"w"`` (exact EMD) and ``"js"`` (nats).
    """
    theta = finite("θ", theta)
    repeats = count("repeats", repeats)
    ns = [count("n", n) for n in ns]
    rng = np.random.default_rng(seed)
    w = np.empty((len(ns), repeats))
    js = np.empty((len(ns), repeats))
    for i, n in enumerate(ns):
        for r in range(repeats):
            real, fake = sample_shifted_lines(theta, n, rng)
            w[i, r] = wasserstein_samples(real, fake)
            js[i, r] = js_from_samples(real, fake)["js"]
    return {"n": np.array(ns), "w": w, "js": js}


# ----------------------------------------------------------------------------------------------
# 4. two 1-D Gaussians
# ----------------------------------------------------------------------------------------------
def gaussian_logpdf(x, mu: float, sigma: float) -> np.ndarray:
    """log N(x; μ, σ²)."""
    return stats.norm.logpdf(np.asarray(x, float), loc=finite("μ", mu), scale=positive("σ", sigma))


def gaussian_kl(mu1: float, sigma1: float, mu2: float, sigma2: float) -> float:
    r""":math:`\mathrm{KL}(N(\mu_1,\sigma_1^2)\,\|\,N(\mu_2,\sigma_2^2)) =
    \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12` (nats)."""
    mu1, mu2 = finite("μ1", mu1), finite("μ2", mu2)
    s1, s2 = positive("σ1", sigma1), positive("σ2", sigma2)
    # log(s2/s1) as a difference of logs, and the quadratic term through ratios: s2² underflows
    # to 0 for σ2 = 1e-300 (hostile-input test), where the honest answer is a huge or infinite KL
    ratio, gap = s1 / s2, (mu1 - mu2) / s2
    value = (math.log(s2) - math.log(s1)) + 0.5 * (ratio * ratio + gap * gap) - 0.5
    return max(0.0, value)  # rounding can give -1e-17 for equal Gaussians


def gaussian_w2(mu1: float, sigma1: float, mu2: float, sigma2: float) -> float:
    r""":math:`W_2(N(\mu_1,\sigma_1^2), N(\mu_2,\sigma_2^2)) = \sqrt{(\mu_1-\mu_2)^2 + (\sigma_1-\sigma_2)^2}`
    (the optimal map is the affine :math:`x\mapsto \mu_2 + \tfrac{\sigma_2}{\sigma_1}(x-\mu_1)`)."""
    mu1, mu2 = finite("μ1", mu1), finite("μ2", mu2)
    s1, s2 = positive("σ1", sigma1), positive("σ2", sigma2)
    return math.hypot(mu1 - mu2, s1 - s2)


def gaussian_w1(mu1: float, sigma1: float, mu2: float, sigma2: float) -> float:
    r""":math:`W_1` of two 1-D Gaussians, :math:`\int_0^1 |F_1^{-1}(u) - F_2^{-1}(u)|\,du =
    E|\Delta\mu + \Delta\sigma\, Z|`, :math:`Z\sim N(0,1)` — the mean of a folded normal:

    .. math:: W_1 = |\Delta\sigma|\sqrt{2/\pi}\,e^{-\Delta\mu^2/(2\Delta\sigma^2)}
              + \Delta\mu\,\big(1 - 2\Phi(-\Delta\mu/|\Delta\sigma|)\big).
    """
    mu1, mu2 = finite("μ1", mu1), finite("μ2", mu2)
    s1, s2 = positive("σ1", sigma1), positive("σ2", sigma2)
    dm, ds = mu1 - mu2, abs(s1 - s2)
    if ds == 0:
        return abs(dm)
    r = dm / ds  # through the ratio: dm² and ds² overflow for huge inputs (hostile-input test)
    return float(ds * math.sqrt(2 / math.pi) * math.exp(-0.5 * r * r)
                 + dm * (1 - 2 * special.ndtr(-r)))


def gaussian_js(mu1: float, sigma1: float, mu2: float, sigma2: float) -> float:
    r"""JS between two 1-D Gaussians (nats), by numerical integration (no closed form exists).

    .. math:: \mathrm{JS} = \tfrac12 E_{p}\Big[\log\frac{2p}{p+q}\Big] + \tfrac12 E_{q}\Big[\log\frac{2q}{p+q}\Big],
       \qquad \log\frac{2p}{p+q} = \log 2 - \operatorname{softplus}(\log q - \log p).

    Each expectation is taken in its own standardised variable (so a narrow σ is resolved),
    the integrand is computed from log-densities (exact in the tails), and ``quad`` is told
    where p = q. Result clipped to [0, log 2].
    """
    mu1, mu2 = finite("μ1", mu1), finite("μ2", mu2)
    s1, s2 = positive("σ1", sigma1), positive("σ2", sigma2)
    # JS is unchanged by a shift and a common scale: work with N(0, 1) vs N(gap, ratio²), so that
    # extreme inputs (σ = 1e154, μ = 1e300) cannot overflow inside the integrand.
    gap, ratio = (mu2 - mu1) / s1, s2 / s1
    if not (1e-12 < ratio < 1e12) or not abs(gap) < 1e12:
        # Nearly singular pair: JS = log 2 minus O(sqrt(log r)/r), 3e-7 nats at r = 1e8 already
        # (measured); beyond these bounds the deficit is below 1e-10, and the integral underflows.
        return LOG2
    mu1, s1, mu2, s2 = 0.0, 1.0, gap, ratio

    def half(mu_a, s_a, mu_b, s_b):
        log_ratio_s = math.log(s_a) - math.log(s_b)

        def integrand(t):
            # plain-float maths: quad calls this a few thousand times
            x = mu_a + s_a * t
            la = -0.5 * t * t
            lb = -0.5 * ((x - mu_b) / s_b) ** 2 + log_ratio_s
            return math.exp(la) * INV_SQRT_2PI * (LOG2 - softplus(lb - la))

        # crossings of the two densities, in t, so quad splits where the integrand bends
        pts = [0.0] + [(c - mu_a) / s_a for c in _crossings(mu_a, s_a, mu_b, s_b)]
        pts = sorted(p for p in pts if -38.0 < p < 38.0)
        return integrate.quad(integrand, -38.0, 38.0, points=pts, limit=400,
                              epsabs=1e-13, epsrel=1e-11)[0]

    js = 0.5 * half(mu1, s1, mu2, s2) + 0.5 * half(mu2, s2, mu1, s1)
    return min(LOG2, max(0.0, js))



def _crossings(mu1, s1, mu2, s2) -> list[float]:
    """Points where N(μ1, s1²) and N(μ2, s2²) have equal density."""
    if s1 == s2:
        return [] if mu1 == mu2 else [(mu1 + mu2) / 2]
    # log p1 = log p2  ⇔  A x² + B x + C = 0
    A = 1 / (2 * s2**2) - 1 / (2 * s1**2)
    B = mu1 / s1**2 - mu2 / s2**2
    C = mu2**2 / (2 * s2**2) - mu1**2 / (2 * s1**2) + math.log(s2 / s1)
    disc = B * B - 4 * A * C
    if disc < 0:
        return []
    r = math.sqrt(disc)
    return [(-B - r) / (2 * A), (-B + r) / (2 * A)]


def gaussians(mu1: float, sigma1: float, mu2: float, sigma2: float) -> dict[str, float]:
    """All divergences between two 1-D Gaussians (nats for KL and JS)."""
    args = (mu1, sigma1, mu2, sigma2)
    return {"kl": gaussian_kl(*args), "reverse_kl": gaussian_kl(mu2, sigma2, mu1, sigma1),
            "js": gaussian_js(*args), "w1": gaussian_w1(*args), "w2": gaussian_w2(*args)}


# ----------------------------------------------------------------------------------------------
# 5. support and infinite KL (discrete distributions)
# ----------------------------------------------------------------------------------------------
def _uniform_on(support_size: int, members) -> np.ndarray:
    p = np.zeros(support_size)
    p[list(members)] = 1.0 / len(members)
    return p


# name → (label, P, Q) on the outcomes 0..7
SUPPORT_PRESETS: dict[str, tuple[str, np.ndarray, np.ndarray]] = {
    "disjoint": ("Disjoint supports", _uniform_on(8, [0, 1, 2]), _uniform_on(8, [5, 6, 7])),
    "overlapping": ("Overlapping, neither inside the other",
                    _uniform_on(8, [0, 1, 2, 3, 4]), _uniform_on(8, [3, 4, 5, 6, 7])),
    "nested": ("P's support inside Q's", _uniform_on(8, [2, 3, 4]), _uniform_on(8, range(8))),
}


def _check_pmf(name: str, p) -> np.ndarray:
    """The same rule as the Information page (:func:`gdm_core.information.check_distribution`):
    a total that is 1 to the 4 decimals the pages show is accepted and rescaled to exactly 1, so
    a pmf that one page takes is never refused by the other (this used to demand 1 ± 1e-9)."""
    return information.check_distribution(p, name)


def kl_discrete(p, q) -> float:
    r""":math:`\mathrm{KL}(p\|q) = \sum_x p(x)\log\frac{p(x)}{q(x)}` (nats), with :math:`0\log 0 = 0`;
    :math:`+\infty` as soon as some x has p(x) > 0 = q(x), i.e. unless supp p ⊆ supp q.

    Delegates to :func:`gdm_core.information.kl_divergence` (the Information page's KL) so the
    two pages can never disagree."""
    return information.kl_divergence(p, q, base=math.e)


def support_divergences(p, q, support=None) -> dict:
    r"""KL both ways (with the reason when ∞), JS, TV and :math:`W_1` for two pmfs on ordered outcomes.

    :math:`W_1 = \sum_k |F_p(x_k) - F_q(x_k)|\,(x_{k+1}-x_k)`, the 1-D formula (Villani 2009).
    """
    p, q = _check_pmf("P", p), _check_pmf("Q", q)
    support = np.arange(len(p), dtype=float) if support is None else np.asarray(support, float)
    if p.shape != q.shape or support.shape != p.shape:
        raise ValueError("P, Q and the outcomes must have the same length.")
    if not np.isfinite(support).all() or np.any(np.diff(support) <= 0):
        raise ValueError("The outcomes must be finite numbers in increasing order.")

    def reason(a, b, an, bn):
        bad = np.nonzero((a > 0) & (b == 0))[0]
        if len(bad) == 0:
            return f"supp {an} ⊆ supp {bn}: finite"
        where = ", ".join(str(int(support[i])) if support[i] == int(support[i]) else str(support[i])
                          for i in bad)
        return f"{an} puts mass on {{{where}}} where {bn} has none: ∞"

    return {
        "kl": kl_discrete(p, q), "kl_reason": reason(p, q, "P", "Q"),
        "reverse_kl": kl_discrete(q, p), "reverse_kl_reason": reason(q, p, "Q", "P"),
        "js": information.js_divergence(p, q, base=math.e),
        "tv": 0.5 * float(np.abs(p - q).sum()),
        "w1": float(np.sum(np.abs(np.cumsum(p) - np.cumsum(q))[:-1] * np.diff(support))),
    }


