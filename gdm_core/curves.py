"""Curves the Divergences page plots: divergences swept over a parameter, as plain arrays.

Everything in nats; the page converts with :func:`gdm_core.units.from_nats`.
"""

from __future__ import annotations

import numpy as np

from gdm_core import critic
from gdm_core import divergences as dv

THETA_GRID = np.round(np.linspace(-1, 1, 201), 10)
SAMPLE_THETAS = np.array([-1, -0.75, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 0.75, 1.0])


def lines_series() -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, tuple[float, float]]]:
    """KL both ways, JS, TV and W1 of the parallel lines over θ ∈ [−1, 1], and the jumps at 0.

    Returns ``(grid, series, jumps)``; ``jumps[name] = (value at θ = 0, limit as θ → 0)``.
    Information quantities (KL, JS) are in nats; TV and W1 have no unit.
    """
    values = [dv.shifted_lines(t) for t in THETA_GRID]
    series = {
        "KL(Pθ‖P0)": np.array([v["kl"] for v in values]),
        "KL(P0‖Pθ)": np.array([v["reverse_kl"] for v in values]),
        "JS": np.array([v["js"] for v in values]),
        "TV": np.array([v["tv"] for v in values]),
        "W1": np.array([v["w1"] for v in values]),
    }
    at0, near0 = dv.shifted_lines(0.0), dv.shifted_lines(1e-9)  # every value is flat off 0
    jumps = {name: (at0[key], near0[key]) for name, key in
             (("KL(Pθ‖P0)", "kl"), ("JS", "js"), ("TV", "tv"))}
    return THETA_GRID, series, jumps


def lines_gradient_series(seed: int, n: int = 200) -> tuple[np.ndarray, dict, np.ndarray, list]:
    """Exact d/dθ of each divergence over θ, and W1's gradient measured from n samples a line
    (POT's exact plan and the envelope theorem) at a few θ. Returns ``(grid, series, thetas, grads)``."""
    rng = np.random.default_rng(seed)
    z_real, z_fake = rng.random(n), rng.random(n)
    grads = [dv.sample_w_gradient(t, z_real, z_fake)[1] for t in SAMPLE_THETAS]
    values = [dv.shifted_lines_gradients(t) for t in THETA_GRID]
    series = {name: np.array([g[key] for g in values])
              for name, key in (("KL(Pθ‖P0)", "kl"), ("JS", "js"), ("TV", "tv"), ("W1", "w1"))}
    return THETA_GRID, series, SAMPLE_THETAS, grads


def gaussian_sweep(sigma1: float, sigma2: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """KL both ways, JS (nats), W1 and W2 between N(0, σ1²) and N(μ2, σ2²) for μ2 ∈ [−4, 4]."""
    mus = np.round(np.linspace(-4, 4, 81), 10)
    rows = [dv.gaussians(0.0, sigma1, m, sigma2) for m in mus]
    return mus, {k: np.array([r[k] for r in rows]) for k in rows[0]}


def gap_sweep(sigma: float) -> dict[str, np.ndarray]:
    """The discriminator-vs-critic numbers of :func:`critic.discriminator_vs_critic` for
    100 gaps in [0.1, 10], one array per key (plus ``"gap"``)."""
    gaps = np.linspace(0.1, 10.0, 100)
    rows = [critic.discriminator_vs_critic(g, 0.0, sigma) for g in gaps]
    return {"gap": gaps, **{k: np.array([r[k] for r in rows]) for k in rows[0]}}
