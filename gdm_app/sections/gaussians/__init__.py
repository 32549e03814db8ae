"""Sections of the Gaussians page."""

from __future__ import annotations

import numpy as np
import streamlit as st


def covariance(s1: float, s2: float, rho: float) -> np.ndarray:
    """Σ = [[σ₁², ρσ₁σ₂], [ρσ₁σ₂, σ₂²]]."""
    return np.array([[s1 * s1, rho * s1 * s2], [rho * s1 * s2, s2 * s2]])


def p_controls(prefix: str = "") -> tuple[np.ndarray, np.ndarray]:
    """The first Gaussian P = N(μ, Σ): five URL-bound sliders (``g_mu1`` … ``g_rho``) in one
    row, drawn by every tab that uses P; returns (μ, Σ)."""
    from gdm_app import ui

    c = st.columns(5)
    with c[0]:
        mu1 = ui.slider(f"{prefix}μ₁", -3.0, 3.0, 0.0, key="g_mu1", step=0.1)
    with c[1]:
        mu2 = ui.slider(f"{prefix}μ₂", -3.0, 3.0, 0.0, key="g_mu2", step=0.1)
    with c[2]:
        s1 = ui.slider(f"{prefix}σ₁", 0.2, 3.0, 1.0, key="g_s1", step=0.1)
    with c[3]:
        s2 = ui.slider(f"{prefix}σ₂", 0.2, 3.0, 1.0, key="g_s2", step=0.1)
    with c[4]:
        rho = ui.slider(f"{prefix}ρ", -0.95, 0.95, 0.8, key="g_rho", step=0.05,
                        help="The correlation; |ρ| < 1 keeps Σ positive definite.")
    return np.array([mu1, mu2]), covariance(s1, s2, rho)
