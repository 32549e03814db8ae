"""Sections of the Gaussians page."""

from __future__ import annotations

import numpy as np


def covariance(s1: float, s2: float, rho: float) -> np.ndarray:
    """Σ = [[σ₁², ρσ₁σ₂], [ρσ₁σ₂, σ₂²]]."""
    return np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])
