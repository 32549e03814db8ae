"""Figures of Jensen's inequality and of the ELBO's derivations (Why a VAE). Numbers come from
``gdm_core.jensen`` and ``gdm_core.elbo_derivations``, already in the page's unit; only their
placing is decided here."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS, styled

GAP_COLOR = COLORS["red"]
CURVE_COLOR = COLORS["black"]
POINT_COLOR = COLORS["blue"]


def jensen_figure(curve_x, curve_y, x, log_x, weights, mean: float, mean_of_logs: float,
                  log_of_mean: float, unit: str, labels=None, title: str | None = None,
                  height: int = 470) -> go.Figure:
    """The concave log with points on it, their weighted centroid below it and the gap.

    ``curve_x, curve_y``: the curve (y in ``unit``); ``x, log_x``: the points on it;
    ``weights``: their weights (marker sizes); ``mean``, ``mean_of_logs``: the centroid;
    ``log_of_mean``: the curve's height above it. The points' convex hull is shaded (with two
    points: the chord), so the centroid is seen inside it, under the curve.
    """
    x, log_x, weights = (np.asarray(a, dtype=float) for a in (x, log_x, weights))
    order = np.argsort(x)
    hx, hy = x[order], log_x[order]
    fig = go.Figure()
    fig.add_scatter(x=curve_x, y=curve_y, mode="lines", name=f"log x ({unit})",
                    line=dict(color=CURVE_COLOR, width=3), hoverinfo="skip", showlegend=False)
    chord = "the chord" if len(x) == 2 else "the points' hull"
    fig.add_scatter(x=np.r_[hx, hx[:1]], y=np.r_[hy, hy[:1]], mode="lines", name=chord,
                    fill="toself", fillcolor="rgba(0,114,178,0.12)",
                    line=dict(color=POINT_COLOR, width=2, dash="dash"), hoverinfo="skip",
                    showlegend=False)
    labels = list(labels) if labels is not None else [f"x{i + 1}" for i in range(len(x))]
    fig.add_scatter(x=x, y=log_x, mode="markers+text", name="points (size: weight)",
                    text=labels, cliponaxis=False,  # left of the axis's edge: to the right
                    textposition=["top left" if v > 0.6 else "middle right" for v in x],
                    marker=dict(color=POINT_COLOR, size=10 + 30 * np.sqrt(weights),
                                line=dict(color="white", width=1)),
                    customdata=weights,
                    hovertemplate="x = %{x:.3f}<br>log x = %{y:.3f}<br>weight %{customdata:.3f}"
                                  "<extra></extra>")
    fig.add_scatter(x=[mean, mean], y=[mean_of_logs, log_of_mean], mode="lines",
                    name=f"gap = {log_of_mean - mean_of_logs:.3f} {unit}",
                    line=dict(color=GAP_COLOR, width=4), hoverinfo="skip")
    fig.add_scatter(x=[mean], y=[mean_of_logs], mode="markers", name="mean of the logs",
                    marker=dict(color=GAP_COLOR, size=14, symbol="diamond"),
                    hovertemplate="mean of the logs %{y:.3f}<extra></extra>")
    fig.add_scatter(x=[mean], y=[log_of_mean], mode="markers", name="log of the mean",
                    marker=dict(color=CURVE_COLOR, size=12, symbol="circle-open",
                                line=dict(width=3)),
                    hovertemplate="log of the mean %{y:.3f}<extra></extra>")
    styled(fig, title, height)
    fig.update_xaxes(title="x", rangemode="tozero")
    fig.update_yaxes(title=f"log x ({unit})")
    return fig


def derivation_figure(values, shown: int, log_px: float, elbo: float, unit: str,
                      title: str | None = None, height: int = 380) -> go.Figure:
    """The value of each line of a derivation (``unit``) against its number, the first
    ``shown`` drawn, with log p(x) and the ELBO as horizontal lines: a "≥" step is a drop."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    k = np.arange(1, n + 1)
    fig = go.Figure()
    fig.add_hline(y=log_px, line=dict(color=COLORS["blue"], width=2, dash="dash"))
    fig.add_hline(y=elbo, line=dict(color=GAP_COLOR, width=2, dash="dot"))
    fig.add_scatter(x=[None], y=[None], mode="lines", name="log p(x)",
                    line=dict(color=COLORS["blue"], width=2, dash="dash"))
    fig.add_scatter(x=[None], y=[None], mode="lines", name="ELBO",
                    line=dict(color=GAP_COLOR, width=2, dash="dot"))
    fig.add_scatter(x=k[:shown], y=values[:shown], mode="lines+markers", name="line's value",
                    line=dict(color=CURVE_COLOR, width=2),
                    marker=dict(size=[10] * (shown - 1) + [18], color=CURVE_COLOR),
                    hovertemplate="line %{x}: %{y:.3f}<extra></extra>")
    styled(fig, title, height)
    fig.update_xaxes(title="line", range=[0.5, n + 0.5], tickvals=list(k), dtick=1)
    fig.update_yaxes(title=unit)
    return fig
