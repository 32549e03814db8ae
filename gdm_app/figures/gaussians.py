"""Figures for Gaussians: a 2-D density with a marginal and a conditional, two 2-D Gaussians as
ellipses (the KL tab), and the Normal/Cauchy pair whose KL is finite one way and infinite the
other.

Plain builders taking numbers (from ``gdm_core.gaussians``), returning Plotly figures.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gdm_app.figures import COLORS, on_wire
from gdm_app.figures.latent import _projector


def density_with_slices(x, y, density, marginal_x, marginal_pdf, x_b: float,
                        cond_x, cond_pdf, title: str | None = None,
                        height: int = 520) -> go.Figure:
    """Left: the joint density p(z₁, z₂) as contours with the line z₂ = x_b. Right: on a
    common z₁ axis, the marginal p(z₁) and the conditional p(z₁ | z₂ = x_b), both Gaussian.

    ``density[i, j]`` is at (x[j], y[i]); the two curves are given on their own grids.
    """
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.12,
                        subplot_titles=("joint density", "marginal and conditional of z₁"))
    fig.add_trace(go.Contour(x=on_wire(x), y=on_wire(y), z=on_wire(density),
                             colorscale="Blues", showscale=False, ncontours=12,
                             contours=dict(coloring="fill"), name="p(z₁, z₂)",
                             hovertemplate="z₁ %{x:.2f}<br>z₂ %{y:.2f}<br>%{z:.3f}<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=[float(np.min(x)), float(np.max(x))], y=[x_b, x_b], mode="lines",
                             name=f"observed z₂ = {x_b:.2f}",
                             line=dict(color=COLORS["red"], width=3, dash="dash")), row=1, col=1)
    fig.add_trace(go.Scatter(x=np.asarray(marginal_x), y=np.asarray(marginal_pdf), mode="lines",
                             name="marginal p(z₁)", line=dict(color=COLORS["blue"], width=3)),
                  row=1, col=2)
    fig.add_trace(go.Scatter(x=np.asarray(cond_x), y=np.asarray(cond_pdf), mode="lines",
                             name=f"conditional p(z₁ | z₂ = {x_b:.2f})",
                             line=dict(color=COLORS["red"], width=3)), row=1, col=2)
    fig.update_xaxes(title="z₁", row=1, col=1)
    fig.update_yaxes(title="z₂", row=1, col=1)
    fig.update_xaxes(title="z₁", row=1, col=2)
    fig.update_yaxes(title="density", row=1, col=2)
    fig.update_annotations(font_size=18)
    _projector(fig, title or "Marginal vs conditional of a 2-D Gaussian", height)
    fig.update_layout(margin=dict(t=90))  # the figure's title, then room for the panels' titles
    return fig


def normal_vs_cauchy(x, normal, cauchy, kl_nc: float, kl_cn: float,
                     title: str | None = None, log_scale: bool = True,
                     unit: str = "nats") -> go.Figure:
    """The two densities (log axis by default, where the tails differ), with KL(N ‖ C) and
    KL(C ‖ N) in the legend, both given in ``unit`` (the page's: pass them converted)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=np.asarray(x), y=np.asarray(normal), mode="lines",
                             name=f"Normal — KL(N ‖ C) = {kl_nc:.3f} {unit}",
                             line=dict(color=COLORS["blue"], width=3)))
    cn = "∞" if np.isinf(kl_cn) else f"{kl_cn:.3f} {unit}"
    fig.add_trace(go.Scatter(x=np.asarray(x), y=np.asarray(cauchy), mode="lines",
                             name=f"Cauchy — KL(C ‖ N) = {cn}",
                             line=dict(color=COLORS["red"], width=3, dash="dash")))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="density", type="log" if log_scale else "linear",
                     exponentformat="power")
    return _projector(fig, title or "Both positive everywhere; KL is finite one way only")


def two_gaussians(mu_p, cov_p, mu_q, cov_q, title: str | None = None,
                  height: int = 460) -> go.Figure:
    """Two 2-D Gaussians P and Q as their 1σ (solid) and 2σ (dashed) ellipses — the contours
    at Mahalanobis distance 1 and 2 — with their means marked, on equal axes."""
    from gdm_app.figures.latent import ellipse

    fig = go.Figure()
    for name, mu, cov, color, symbol in (("P", mu_p, cov_p, COLORS["blue"], "circle"),
                                         ("Q", mu_q, cov_q, COLORS["orange"], "diamond")):
        mu = np.asarray(mu, dtype=float)
        for k, dash in ((1, "solid"), (2, "dash")):
            ex, ey = ellipse(mu, np.asarray(cov, dtype=float), k)
            fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", name=f"{name}, {k}σ",
                                     line=dict(color=color, width=3, dash=dash),
                                     hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=[mu[0]], y=[mu[1]], mode="markers", name=f"mean of {name}",
                                 marker=dict(symbol=symbol, size=13, color=color,
                                             line=dict(color="#111111", width=1.5)),
                                 hovertemplate=f"mean of {name}: (%{{x:.2f}}, %{{y:.2f}})"
                                               "<extra></extra>"))
    fig.update_xaxes(title="z₁")
    fig.update_yaxes(title="z₂", scaleanchor="x", scaleratio=1)
    return _projector(fig, title or "P and Q: their 1σ and 2σ ellipses", height)
