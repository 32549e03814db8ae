"""Sections of the Divergences page. ``theta_slider()`` is the shift θ of the parallel lines,
drawn by every section that uses it (§1–§3) under one key, so the URL always carries it."""

from __future__ import annotations

THETA_DEFAULT = 0.5


def theta_slider(label: str = "θ (shift of the generated line)") -> float:
    """θ ∈ [−1, 1], bound to the URL as ``div_theta``."""
    from gdm_app import ui

    return ui.slider(label, -1.0, 1.0, THETA_DEFAULT, key="div_theta", step=0.01)
