"""Figures for a drawn digit: its code on a latent plane among the test digits' codes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS
from gdm_app.figures.latent import ellipse
from gdm_app.figures.vae import latent_scatter


def code_on_plane(codes: np.ndarray, labels: np.ndarray, code, cov=None,
                  radii: dict[float, float] | None = None, title: str | None = None,
                  height: int = 440, what: str = "μ(x)") -> go.Figure:
    """The test digits' codes coloured by label (``figures.vae.latent_scatter``), the drawn
    digit's code as a large star and, for a VAE, q(z|x)'s 1σ and 2σ ellipses (``cov``: its
    diagonal covariance as a 2×2 matrix)."""
    code = np.asarray(code, dtype=float).reshape(2)
    fig = latent_scatter(codes, labels, None, radii, None, title)
    if cov is not None:
        for k, dash in ((1, "solid"), (2, "dash")):
            ex, ey = ellipse(code, cov, k)
            fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", name=f"q(z|x), {k}σ",
                                     line=dict(color=COLORS["red"], width=3, dash=dash),
                                     hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=[code[0]], y=[code[1]], mode="markers", name="your digit",
        marker=dict(size=22, symbol="star", color=COLORS["red"],
                    line=dict(width=2, color=COLORS["black"])),
        hovertemplate=f"your digit: {what} = (%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    fig.update_layout(height=height, legend=dict(title=None))
    return fig
