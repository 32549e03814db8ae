r"""Fitting one Gaussian :math:`q = \mathcal N(\mu, \sigma^2)` to a mixture p by minimising a
divergence, and the gradient-descent path that the page draws on the divergence's surface.

Both work in :math:`\theta = (\mu, \log\sigma)`, where σ stays positive without a constraint.

* :func:`fit_gaussian` — gradient descent from ``init`` into a minimum's basin, then
  Nelder–Mead to polish (tolerances 1e-10): the start decides which local minimum is found,
  exactly as on the page's path, and the same inputs always give the same answer.
* :func:`descent_path` — plain gradient descent :math:`\theta \leftarrow \theta - \eta\nabla D`,
  the gradient by central differences (h = 1e-5) of the quadrature values.

What the minimisers are: forward KL gives moment matching, :math:`\mu = E_p X`,
:math:`\sigma^2 = \operatorname{Var}_p X` (set the gradient of the closed-form cross-entropy
to 0) — mode covering; reverse KL is mode seeking, it settles on one component, the one the
start is nearest; JS and W₁ sit in between.

References
----------
C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, §10.1.2 (Fig. 10.3: forward
vs reverse KL on a bimodal target).
T. Minka, "Divergence measures and message passing", MSR-TR-2005-173 (mode seeking).
J. A. Nelder, R. Mead, "A simplex method for function minimization", Comput. J. 7, 1965.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from gdm_core.fitting import _mixture as mx
from gdm_core.fitting._divergences import _value, check_divergence
from gdm_core._numeric import count

LOG_SIGMA_RANGE = (math.log(1e-3), math.log(1e3))  # θ₂ is clipped here: q stays a Gaussian
# Learning rates of the path on (μ, log σ): each divergence's gradient has its own scale
# (JS ≤ log 2 is flat where KL is steep); these reach the minimum of the page's mixtures in
# about a hundred steps without overshooting.
LEARNING_RATES = {"forward-kl": 0.3, "reverse-kl": 0.3, "js": 3.0, "w1": 0.4}
_H = 1e-5
_E = (np.array([_H, 0.0]), np.array([0.0, _H]))
FIT_STEPS = 150  # gradient steps before the polish: enough to be in the minimum's basin


def _checked(weights, means, sds, divergence, init):
    w, m, s = mx.check_mixture(weights, means, sds)
    divergence = check_divergence(divergence)
    try:
        mu0, sigma0 = init
    except (TypeError, ValueError):
        raise ValueError(f"init must be a pair (μ0, σ0), got {init!r}.") from None
    mu0, sigma0 = mx.check_gaussian(mu0, sigma0)
    return w, m, s, divergence, mu0, sigma0


def _objective(w, m, s, divergence):
    h_p = mx.entropy(w, m, s) if divergence == "forward-kl" else None

    def f(theta):
        mu, log_sigma = float(theta[0]), float(np.clip(theta[1], *LOG_SIGMA_RANGE))
        return _value(w, m, s, mu, math.exp(log_sigma), divergence, h_p)

    return f


def _descend(f, theta, eta: float, steps: int):
    """``steps`` gradient steps from ``theta``: every point visited and its value."""
    theta = np.array(theta, float)
    path, values = [theta.copy()], [f(theta)]
    for _ in range(steps):
        grad = np.array([(f(theta + e) - f(theta - e)) / (2 * _H) for e in _E])
        theta = theta - eta * grad
        theta[1] = float(np.clip(theta[1], *LOG_SIGMA_RANGE))
        path.append(theta.copy())
        values.append(f(theta))
    return np.array(path), np.array(values)


def fit_gaussian(weights, means, sds, divergence: str, init=(0.0, 1.0)) -> tuple[float, float]:
    """The (μ, σ) of the Gaussian q that minimises ``divergence`` between the mixture p and q,
    found from ``init = (μ0, σ0)``: the local minimum that gradient descent from ``init`` goes
    to (:data:`FIT_STEPS` steps of :func:`descent_path`), polished by Nelder–Mead (a first
    simplex of 0.01, tolerances 1e-10). Deterministic.

    ``divergence``: "forward-kl" (KL(p‖q)), "reverse-kl" (KL(q‖p)), "js" or "w1".
    ValueError for weights that do not sum to 1, non-positive sds, lengths that differ,
    non-finite input or an unknown divergence.
    """
    w, m, s, divergence, mu0, sigma0 = _checked(weights, means, sds, divergence, init)
    f = _objective(w, m, s, divergence)
    path, _ = _descend(f, [mu0, math.log(sigma0)], LEARNING_RATES[divergence], FIT_STEPS)
    x0 = path[-1]
    simplex = np.array([x0, x0 + [0.01, 0.0], x0 + [0.0, 0.01]])
    res = optimize.minimize(f, x0, method="Nelder-Mead",
                            options=dict(initial_simplex=simplex, xatol=1e-10, fatol=1e-14,
                                         maxiter=4000, maxfev=8000))
    return float(res.x[0]), float(math.exp(np.clip(res.x[1], *LOG_SIGMA_RANGE)))


def descent_path(weights, means, sds, divergence: str, init=(0.0, 1.0), steps: int = 120,
                 lr: float | None = None) -> dict[str, np.ndarray]:
    r"""Gradient descent on :math:`(\mu, \log\sigma)` from ``init``, ``steps`` steps of
    learning rate ``lr`` (default :data:`LEARNING_RATES`). Returns arrays ``mu``, ``sigma`` and
    ``value`` (the divergence), ``steps + 1`` entries each (the start first)."""
    w, m, s, divergence, mu0, sigma0 = _checked(weights, means, sds, divergence, init)
    steps = count("steps", steps, minimum=0)
    eta = LEARNING_RATES[divergence] if lr is None else mx.check_gaussian(0.0, lr)[1]
    f = _objective(w, m, s, divergence)
    path, values = _descend(f, [mu0, math.log(sigma0)], eta, steps)
    return {"mu": path[:, 0], "sigma": np.exp(path[:, 1]), "value": values}
