"""Figures for the Fitting-a-model page. Numbers come from :mod:`gdm_core.fitting` and
:mod:`gdm_core.generative_discriminative`; nothing is computed here beyond placing them.

Every figure goes through ``styled`` (:func:`_finish`), with the figure's own layout on top:
title in the top band, legend pinned to the bottom edge.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gdm_app.figures import COLORS, log_axis, on_wire, styled

LEGEND_ROOM = 60  # px a one- or two-row legend takes under the plot
DIVERGENCE_COLORS = {"forward-kl": COLORS["red"], "reverse-kl": COLORS["purple"],
                     "js": COLORS["orange"], "w1": COLORS["blue"]}
DIVERGENCE_DASHES = {"forward-kl": None, "reverse-kl": "dash", "js": "dot", "w1": "dashdot"}
P_FILL = "rgba(0,0,0,0.12)"
CLASS_COLORS = (COLORS["blue"], COLORS["orange"])
# p(y = 1 | x) from class 0's colour to class 1's, white at ½
POSTERIOR_SCALE = [[0.0, "#9ecae1"], [0.5, "#ffffff"], [1.0, "#fdd0a2"]]
MAX_FRAMES = 40
CONTROLS_BELOW_AXIS = 70  # px from the plot area's bottom to Play
CONTROLS_HEIGHT = 80


def _finish(fig: go.Figure, title: str | None, height: int, frames=None) -> go.Figure:
    own = fig.layout.to_plotly_json()
    own.pop("template", None)
    shown = [t for t in fig.data if t.showlegend is not False]
    styled(fig, title, height + (LEGEND_ROOM if len(shown) > 1 else 0))
    fig.update_layout(own)
    if frames is not None:
        fig.frames = frames
    return fig


# --- 1. maximum likelihood = minimum KL --------------------------------------------------------

def likelihood_figure(sample, x, p_data, q_fit, mus, nll, cross_entropy, kl, x_bar: float,
                      mean: float, entropy: float, unit: str, title: str | None = None,
                      height: int = 440) -> go.Figure:
    """Left: the sample's histogram, p_data and the maximum-likelihood Gaussian. Right, over μ:
    the sample's average NLL, the expected NLL E[−log p_θ] and KL(p_data‖p_θ) (all in
    ``unit``), the minimisers x̄ and E[X] marked, the constant gap H(p_data) drawn as an arrow."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.4, 0.6], horizontal_spacing=0.1,
                        subplot_titles=("the data and the fit", f"over μ ({unit})"))
    sample = np.asarray(sample, float)
    fig.add_trace(go.Histogram(x=sample, histnorm="probability density", name="sample",
                               marker=dict(color="rgba(120,120,120,0.45)"), nbinsx=40,
                               hovertemplate="%{x}<br>density %{y:.3f}<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=p_data, mode="lines", name="p_data",
                             line=dict(color=COLORS["black"], width=3)), row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=q_fit, mode="lines", name="max-likelihood Gaussian",
                             line=dict(color=COLORS["red"], width=3, dash="dash")), row=1, col=1)
    for values, name, color, dash in (
            (nll, "sample's average −log p_θ", COLORS["sky"], None),
            (cross_entropy, "expected −log p_θ = H + KL", COLORS["blue"], "dash"),
            (kl, "KL(p_data‖p_θ)", COLORS["red"], None)):
        fig.add_trace(go.Scatter(x=mus, y=values, mode="lines", name=name,
                                 line=dict(color=color, width=4 if dash is None else 3, dash=dash),
                                 hovertemplate="μ = %{x:.2f}<br>%{y:.4f}<extra>" + name
                                 + "</extra>"), row=1, col=2)
    mus, cross_entropy, kl = (np.asarray(a, float) for a in (mus, cross_entropy, kl))
    i = int(np.argmin(np.abs(mus - (mean + 0.45 * (mus[-1] - mean)))))  # the gap, right of the min
    fig.add_annotation(x=mus[i], y=cross_entropy[i], ax=mus[i], ay=kl[i], xref="x2", yref="y2",
                       axref="x2", ayref="y2", showarrow=True, arrowhead=3, arrowside="end+start",
                       arrowwidth=2, arrowcolor=COLORS["black"], text="")
    fig.add_annotation(x=mus[i], y=(cross_entropy[i] + kl[i]) / 2, xref="x2", yref="y2",
                       text=f"H(p_data) = {entropy:.3f}", showarrow=False, xanchor="left",
                       xshift=8, bgcolor="rgba(255,255,255,0.8)")
    fig.add_vline(x=x_bar, line=dict(color=COLORS["sky"], width=2, dash="dot"), row=1, col=2)
    fig.add_vline(x=mean, line=dict(color=COLORS["red"], width=2, dash="dot"), row=1, col=2)
    fig.update_xaxes(title="x", row=1, col=1)
    fig.update_yaxes(title="density", row=1, col=1)
    fig.update_xaxes(title="μ of the model N(μ, σ²)", row=1, col=2)
    top = float(max(np.max(cross_entropy), np.max(nll)))
    fig.update_yaxes(range=[-0.05 * top, 1.05 * top], row=1, col=2)
    fig.update_annotations(selector=dict(text="the data and the fit"), font_size=17)
    return _finish(fig, title, height)


# --- 2. one Gaussian fitted to a mixture -------------------------------------------------------

def _nice_ticks(lo: float, hi: float) -> list[float]:
    ticks = [m * 10.0 ** e for e in range(math.floor(math.log10(lo)) - 1,
                                          math.ceil(math.log10(hi)) + 1) for m in (1, 2, 5)]
    return [t for t in ticks if lo <= t <= hi]


def _frames_at(n: int) -> list[int]:
    """At most MAX_FRAMES step indices from 0 to n − 1, the last one included."""
    if n <= MAX_FRAMES:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, MAX_FRAMES).round().astype(int).tolist()))


def fit_figure(mus, sigmas, surface, path_mu, path_sigma, x, p, q_curves, label: str,
               unit_label: str, title: str | None = None, height: int = 470) -> go.Figure:
    """Left: the divergence D(p, N(μ, σ²)) as a heatmap over (μ, σ) (colour on a log scale,
    labelled in values), the gradient-descent path on it, its start and end. Right: p and the
    current q. ▶ Play moves q along the path (Plotly frames). ``q_curves[k]`` is q's density at
    ``x`` at path step k."""
    surface = np.asarray(surface, float)
    floor = max(float(np.nanmin(surface[surface > 0])) if np.any(surface > 0) else 1e-4, 1e-4)
    z = np.log10(np.maximum(surface, floor))
    ticks = _nice_ticks(10 ** z.min(), 10 ** z.max())
    fig = make_subplots(rows=1, cols=2, column_widths=[0.52, 0.48], horizontal_spacing=0.2,
                        subplot_titles=(f"{label} over (μ, σ)", "p and the fitted q"))
    fig.add_trace(go.Heatmap(
        x=mus, y=sigmas, z=z, colorscale="Viridis", reversescale=True, zsmooth="best",
        customdata=surface, name=label, showlegend=False,
        hovertemplate="μ = %{x:.2f}<br>σ = %{y:.2f}<br>D = %{customdata:.4f}<extra></extra>",
        colorbar=dict(x=0.425, xanchor="left", thickness=12, len=0.85, y=0.5, yanchor="middle",
                      tickvals=[math.log10(t) for t in ticks], ticktext=[f"{t:g}" for t in ticks],
                      title=dict(text=unit_label, side="top"))), row=1, col=1)
    path_mu, path_sigma = np.asarray(path_mu, float), np.asarray(path_sigma, float)
    fig.add_trace(go.Scatter(x=path_mu, y=path_sigma, mode="lines", name="gradient descent",
                             line=dict(color=COLORS["black"], width=3)), row=1, col=1)
    fig.add_trace(go.Scatter(x=[path_mu[0]], y=[path_sigma[0]], mode="markers", name="start",
                             marker=dict(color="white", size=13, symbol="circle",
                                         line=dict(color=COLORS["black"], width=3))),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=[path_mu[-1]], y=[path_sigma[-1]], mode="markers",
                             name="q now", marker=dict(color=COLORS["red"], size=15,
                                                       symbol="x", line=dict(width=1))),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=p, mode="lines", name="p (the data)", fill="tozeroy",
                             fillcolor=P_FILL, line=dict(color=COLORS["black"], width=3)),
                  row=1, col=2)
    fig.add_trace(go.Scatter(x=x, y=q_curves[-1], mode="lines", name="q = N(μ, σ²)",
                             line=dict(color=COLORS["red"], width=4)), row=1, col=2)
    fig.update_xaxes(title="μ", range=[float(np.min(mus)), float(np.max(mus))], row=1, col=1)
    fig.update_yaxes(title="σ", **log_axis(sigmas), row=1, col=1)
    fig.update_xaxes(title="x", row=1, col=2)
    top = max(float(np.max(p)), float(np.max(q_curves[0])), float(np.max(q_curves[-1])))
    fig.update_yaxes(title="density", range=[0, 1.08 * min(top, 3 * float(np.max(p)))],
                     row=1, col=2)
    steps = _frames_at(len(path_mu))
    # A frame changes q's curve only (its x stays the trace's), sent as typed binary (on_wire):
    # as decimal lists the 40 frames were 460 KB of the figure's 536.
    q32 = on_wire(q_curves)
    frames = [dict(name=str(k), traces=[3, 5], data=[
        dict(type="scatter", x=[float(path_mu[k])], y=[float(path_sigma[k])]),
        dict(type="scatter", y=q32[k])])
        for k in steps]
    fig.update_layout(
        margin=dict(b=CONTROLS_BELOW_AXIS + CONTROLS_HEIGHT),
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=0, xanchor="left",
                          yanchor="top", direction="left", pad=dict(t=CONTROLS_BELOW_AXIS, b=0),
                          buttons=[dict(label="▶ Play", method="animate",
                                        args=[None, dict(frame=dict(duration=120, redraw=False),
                                                         fromcurrent=True,
                                                         transition=dict(duration=0))]),
                                   dict(label="❚❚ Pause", method="animate",
                                        args=[[None], dict(mode="immediate",
                                                           frame=dict(duration=0))])])],
        sliders=[dict(active=len(steps) - 1, x=0.3, len=0.7, y=0, yanchor="top",
                      pad=dict(t=CONTROLS_BELOW_AXIS),
                      currentvalue=dict(prefix="step "),
                      steps=[dict(label=str(k), method="animate",
                                  args=[[str(k)], dict(mode="immediate",
                                                       frame=dict(duration=0, redraw=False))])
                             for k in steps])])
    fig.update_annotations(font_size=17)
    return _finish(fig, title, height + CONTROLS_HEIGHT, frames=frames)


def four_fits(x, p, fits: dict, labels: dict, title: str | None = None,
              height: int = 360) -> go.Figure:
    """p (filled) and the Gaussian each divergence fits to it: ``fits[name] = q's density``."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=p, mode="lines", name="p (the data)", fill="tozeroy",
                             fillcolor=P_FILL, line=dict(color=COLORS["black"], width=3)))
    for name, q in fits.items():
        fig.add_trace(go.Scatter(x=x, y=q, mode="lines", name=labels.get(name, name),
                                 line=dict(color=DIVERGENCE_COLORS.get(name), width=4,
                                           dash=DIVERGENCE_DASHES.get(name))))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="density")
    return _finish(fig, title, height)


# --- 3. generative vs discriminative -----------------------------------------------------------

def _ellipse(mean, cov, radius: float, n: int = 80):
    vals, vecs = np.linalg.eigh(np.asarray(cov, float))
    t = np.linspace(0, 2 * math.pi, n)
    circle = np.stack([np.cos(t), np.sin(t)])
    pts = (vecs * np.sqrt(np.maximum(vals, 0))) @ circle * radius
    return pts[0] + mean[0], pts[1] + mean[1]


def classifiers_figure(X, y, gx, gy, gen_prob, disc_prob, means, covs, samples=None,
                       missing_x1: float | None = None, title: str | None = None,
                       height: int = 470) -> go.Figure:
    """Two panels over the same points. Left, generative: each class's fitted Gaussian (1σ
    and 2σ ellipses), p(y = 1 | x) by Bayes' rule as shading, its boundary p = ½ (solid) and,
    optionally, new points sampled from the model (hollow) and the line x₁ = ``missing_x1`` of a
    point whose x₂ is missing. Right, discriminative: logistic p(y = 1 | x), its boundary
    (dashed), nothing to sample. ``gen_prob[i, j]`` is at (gx[j], gy[i])."""
    X, y = np.asarray(X, float), np.asarray(y, int)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=("generative: p(x | y), then Bayes' rule",
                                        "discriminative: p(y | x) directly"))
    # The shading on_wire, each boundary's field as int8 (2p - 1 in 1/127 steps: only where it
    # crosses 0 is drawn, found to a small fraction of a grid cell). Six float64 grids made the
    # chart 1.2 MB at 121×121.
    gx, gy, gen_prob, disc_prob = on_wire(gx, gy, gen_prob, disc_prob)
    signed = {id(p): np.rint(127 * (2 * p - 1)).astype(np.int8) for p in (gen_prob, disc_prob)}
    for col, prob in ((1, gen_prob), (2, disc_prob)):
        fig.add_trace(go.Heatmap(x=gx, y=gy, z=prob, zmin=0, zmax=1, colorscale=POSTERIOR_SCALE,
                                 zsmooth="best", showscale=False, name="p(y=1|x)",
                                 showlegend=False,
                                 hovertemplate="x₁ %{x:.2f}<br>x₂ %{y:.2f}<br>p(y=1|x) = "
                                 "%{z:.3f}<extra></extra>"), row=1, col=col)
    for col, prob, name, dash in ((1, gen_prob, "generative boundary (Bayes)", "solid"),
                                  (2, disc_prob, "logistic boundary", "dash")):
        for c2, shown in ((1, col == 1), (2, col == 2)):
            fig.add_trace(go.Contour(x=gx, y=gy, z=signed[id(prob)], contours=dict(
                coloring="none", start=0, end=0, size=1), showscale=False,
                line=dict(color=COLORS["black"], width=4 if col == c2 else 2, dash=dash),
                name=name, showlegend=shown, hoverinfo="skip"), row=1, col=c2)
    for k in (0, 1):
        for col in (1, 2):
            fig.add_trace(go.Scatter(
                x=X[y == k, 0], y=X[y == k, 1], mode="markers", name=f"class {k}",
                showlegend=col == 1, legendgroup=f"class{k}",
                marker=dict(color=CLASS_COLORS[k], size=8, symbol="circle" if k else "square",
                            line=dict(color="white", width=1))), row=1, col=col)
        for radius, dash in ((1, "solid"), (2, "dot")):
            ex, ey = _ellipse(means[k], covs[k], radius)
            fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", showlegend=False,
                                     name=f"p(x | y={k}), {radius}σ", hoverinfo="skip",
                                     line=dict(color=CLASS_COLORS[k], width=3, dash=dash)),
                          row=1, col=1)
    if samples is not None:
        SX, sy = np.asarray(samples[0], float), np.asarray(samples[1], int)
        for k in (0, 1):
            fig.add_trace(go.Scatter(
                x=SX[sy == k, 0], y=SX[sy == k, 1], mode="markers",
                name="sampled from p(x, y)" if k == 0 else "sampled, class 1",
                showlegend=k == 0, legendgroup="sampled",
                marker=dict(color="white", size=8, symbol="circle-open" if k else "square-open",
                            line=dict(color=CLASS_COLORS[k], width=2))), row=1, col=1)
    if missing_x1 is not None:
        for col in (1, 2):
            fig.add_vline(x=missing_x1, line=dict(color=COLORS["red"], width=3, dash="dot"),
                          row=1, col=col)
        fig.add_trace(go.Scatter(x=[missing_x1], y=[float(np.max(gy))], mode="markers",
                                 name="x₂ missing: x₁ known", marker=dict(
                                     color=COLORS["red"], size=12, symbol="triangle-down")),
                      row=1, col=1)
    lim = dict(range=[float(np.min(gx)), float(np.max(gx))])
    fig.update_xaxes(title="x₁", **lim)
    fig.update_yaxes(title="x₂", range=[float(np.min(gy)), float(np.max(gy))], row=1, col=1)
    fig.update_annotations(font_size=17)
    return _finish(fig, title, height)
