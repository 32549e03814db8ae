"""Figures for "why a VAE": the true posterior, the IW bound's climb, the two gradient
estimators, the two computation graphs, and the latent-dimension comparison.

Plain builders: they take numbers (computed in ``gdm_core.posterior``, ``gdm_core.reparam``,
the latent-dimension metrics) and return ``plotly.graph_objects.Figure``. Type sizes come from
the app's template (ticks 16 px, titles 20 px, near-black ink).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS, styled

INK = "#111111"  # near-black text: contrast 18.9:1 on white
TICK_FONT = dict(size=16, color=INK)
TITLE_FONT = dict(size=20, color=INK)


def _projector(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    """``styled`` plus explicit projector sizes (ticks 16 px near-black, axis titles 17 px,
    title 20 px), so the figure reads the same whatever the shared template says."""
    styled(fig, title, height)
    fig.update_xaxes(tickfont=TICK_FONT, title_font=dict(size=17, color=INK))
    fig.update_yaxes(tickfont=TICK_FONT, title_font=dict(size=17, color=INK))
    fig.update_layout(title_font=TITLE_FONT, legend_font=TICK_FONT)
    return fig


def log_axis(values) -> dict:
    """A log axis labelled at 1, 2, 5 × 10^k within the data's range, written in full."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = (math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))) if v.size else (0, 1)
    hi = max(hi, lo + 1)
    ticks = [m * 10.0 ** e for e in range(lo, hi + 1) for m in (1, 2, 5)
             if v.size == 0 or v.min() / 1.01 <= m * 10.0 ** e <= v.max() * 1.01]
    return dict(type="log", tickmode="array", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks],
                range=[math.log10(v.min()) - 0.1, math.log10(v.max()) + 0.1] if v.size else None)


def ellipse(mean, cov, k: float = 1.0, n: int = 121) -> tuple[np.ndarray, np.ndarray]:
    r"""Points of the k-σ ellipse :math:`\{z : (z-\mu)^\top\Sigma^{-1}(z-\mu) = k^2\}`."""
    mean, cov = np.asarray(mean, dtype=float), np.asarray(cov, dtype=float)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError("an ellipse needs a 2-D mean and a 2×2 covariance.")
    vals, vecs = np.linalg.eigh(cov)
    if not np.all(np.isfinite(vals)) or vals.min() <= 0:
        raise ValueError("the covariance must be positive definite.")
    t = np.linspace(0, 2 * math.pi, n)
    pts = vecs @ (np.sqrt(vals)[:, None] * np.stack([np.cos(t), np.sin(t)])) * k
    return mean[0] + pts[0], mean[1] + pts[1]


def posterior_heatmap(z1, z2, log_post, q_mean, q_cov, title: str | None = None,
                      floor: float = -12.0, height: int = 480, unit: str = "nats") -> go.Figure:
    """The true posterior p(z|x) as a heatmap (log density relative to its peak, clipped at
    ``floor``) with q(z|x)'s mean and its 1σ and 2σ ellipses on top. ``log_post`` and
    ``floor`` are in ``unit`` (the colour bar and the hover say which)."""
    lp = np.asarray(log_post, dtype=float)
    rel = np.maximum(lp - lp.max(), floor)
    fig = go.Figure(go.Heatmap(
        x=np.asarray(z1), y=np.asarray(z2), z=rel, colorscale="Blues", zmin=floor, zmax=0,
        zsmooth="best",
        colorbar=dict(title=dict(text=f"log p(z|x)<br>− peak<br>({unit})"), thickness=14),
        hovertemplate="z₁ %{x:.3f}<br>z₂ %{y:.3f}<br>%{z:.1f} " + unit + " from the peak"
                      "<extra></extra>", name="true posterior"))
    for k, dash in ((1, "solid"), (2, "dash")):
        ex, ey = ellipse(q_mean, q_cov, k)
        fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", name=f"q(z|x), {k}σ",
                                 line=dict(color=COLORS["orange"], width=3, dash=dash)))
    fig.add_trace(go.Scatter(x=[q_mean[0]], y=[q_mean[1]], mode="markers", name="μ(x)",
                             marker=dict(symbol="x", size=14, color=COLORS["red"])))
    fig.update_xaxes(title="z₁")
    fig.update_yaxes(title="z₂", scaleanchor="x", scaleratio=1)
    return _projector(fig, title or "True posterior p(z|x) and the encoder's q(z|x)", height)


def iw_curve_figure(ks, mean, sd, log_px: float, elbo: float | None = None,
                    title: str | None = None, unit: str = "nats",
                    runs: int | None = None) -> go.Figure:
    """Monte Carlo estimates of the importance-weighted bound against k (log axis): their mean
    over ``runs`` runs ± one run's standard deviation, with log p(x) by quadrature as a
    horizontal line (and the ELBO, if given). Labelled as estimates: the bound holds for
    their expectation, and a mean of a few runs can sit above log p(x)."""
    ks, mean, sd = (np.asarray(v, dtype=float) for v in (ks, mean, sd))
    if not (ks.shape == mean.shape == sd.shape) or ks.size == 0:
        raise ValueError("ks, mean and sd must be arrays of one length.")
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=np.concatenate([ks, ks[::-1]]), y=np.concatenate([mean + sd, (mean - sd)[::-1]]),
        fill="toself", fillcolor="rgba(0,114,178,0.18)", line=dict(width=0),
        name="± 1 s.d. of one run", hoverinfo="skip"))
    of = f"mean of {runs} runs" if runs else "mean of the runs"
    fig.add_trace(go.Scatter(x=ks, y=mean, mode="lines+markers", name=f"IW estimate, {of}",
                             line=dict(color=COLORS["blue"], width=3), marker=dict(size=9),
                             hovertemplate="k = %{x}<br>%{y:.3f}<extra></extra>"))
    fig.add_hline(y=log_px, line=dict(color=COLORS["black"], width=2.5),
                  annotation_text="log p(x) by quadrature", annotation_position="bottom right")
    if elbo is not None:
        fig.add_hline(y=elbo, line=dict(color=COLORS["orange"], width=2.5, dash="dash"),
                      annotation_text="ELBO", annotation_position="top left")
    fig.update_xaxes(title="k (samples)", **log_axis(ks))
    fig.update_yaxes(title=f"estimate of 𝓛_k ({unit})")
    return _projector(fig, title or "Estimates of the importance-weighted bound approach log p(x)")


def estimator_spread_figure(n, score_mean, score_sd, path_mean, path_sd, exact: float | None,
                            which: str = "∂/∂μ", title: str | None = None,
                            exact_label: str = "exact") -> go.Figure:
    """Both gradient estimators against the number of samples: mean ± 1 s.d. over seeds, and
    the exact value as a line (none when ``exact`` is None or not finite: a line must sit at
    the true value or not be drawn). Pass one column (∂/∂μ or ∂/∂σ) of ``EstimatorSpread``."""
    n = np.asarray(n, dtype=float)
    fig = go.Figure()
    for name, m, s, color, shift in (("score function", score_mean, score_sd, COLORS["red"], 0.97),
                                     ("pathwise (reparameterised)", path_mean, path_sd,
                                      COLORS["blue"], 1.03)):
        m, s = np.asarray(m, dtype=float), np.asarray(s, dtype=float)
        fig.add_trace(go.Scatter(
            x=n * shift, y=m, mode="markers+lines", name=name,
            error_y=dict(type="data", array=s, visible=True, thickness=2, width=6),
            line=dict(color=color, width=2.5), marker=dict(size=9, color=color),
            hovertemplate="n = %{customdata}<br>%{y:.3f} ± %{error_y.array:.3f}<extra></extra>",
            customdata=n.astype(int)))
    if exact is not None and np.isfinite(exact):
        fig.add_hline(y=float(exact), line=dict(color=COLORS["black"], width=2, dash="dot"),
                      annotation_text=exact_label, annotation_position="top right")
    fig.update_xaxes(title="samples n", **log_axis(n))
    fig.update_yaxes(title=f"estimate of {which}")
    return _projector(fig, title or f"Two unbiased estimators of {which} and their spread")


def _node(fig, x, y, text, color, symbol="circle", size=62, row=None):
    fig.add_trace(go.Scatter(x=[x], y=[y], mode="markers+text", text=[text],
                             textposition="middle center", showlegend=False, hoverinfo="skip",
                             textfont=dict(size=17, color=INK),
                             marker=dict(size=size, symbol=symbol, color=color,
                                         line=dict(color=INK, width=2))))


def _arrow(fig, x0, y0, x1, y1, color=INK, dash=False, text=None):
    fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=3, arrowsize=1.4, arrowwidth=2.5,
                       arrowcolor=color, standoff=26, startstandoff=26, text="")
    if text:
        fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2 + 0.22, text=text, showarrow=False,
                           font=dict(size=15, color=color))


def computation_graphs(height: int = 460) -> go.Figure:
    """The two computation graphs side by side: left, z ~ N(μ, σ²) as a random node that
    gradients cannot pass; right, z = μ + σ·ε with the noise ε an input, so ∂f/∂μ and ∂f/∂σ
    flow back through z (Kingma & Welling 2014, Sec. 2.4)."""
    fig = go.Figure()
    blue, red, grey = "#cfe3f3", "#f6d2bf", "#e8e8e8"
    # Left: sampling node.
    _node(fig, 0.0, 2.0, "μ", blue)
    _node(fig, 0.0, 0.0, "σ", blue)
    _node(fig, 1.5, 1.0, "z ~ N", red, symbol="diamond", size=78)
    _node(fig, 3.0, 1.0, "f(z)", grey)
    _arrow(fig, 0.0, 2.0, 1.5, 1.0)
    _arrow(fig, 0.0, 0.0, 1.5, 1.0)
    _arrow(fig, 1.5, 1.0, 3.0, 1.0)
    _arrow(fig, 2.9, 0.55, 1.6, 0.55, color=COLORS["red"], text="∂f/∂z stops here ✗")
    # Right: reparameterised.
    dx = 5.0
    _node(fig, dx, 2.0, "μ", blue)
    _node(fig, dx, 0.0, "σ", blue)
    _node(fig, dx + 0.75, -0.9, "ε ~ N(0,1)", red, symbol="diamond", size=78)
    _node(fig, dx + 1.5, 1.0, "z = μ+σε", grey, size=86)
    _node(fig, dx + 3.0, 1.0, "f(z)", grey)
    _arrow(fig, dx, 2.0, dx + 1.5, 1.0)
    _arrow(fig, dx, 0.0, dx + 1.5, 1.0)
    _arrow(fig, dx + 0.75, -0.9, dx + 1.5, 1.0)
    _arrow(fig, dx + 1.5, 1.0, dx + 3.0, 1.0)
    _arrow(fig, dx + 2.9, 1.55, dx + 0.1, 2.35, color=COLORS["blue"],
           text="∂f/∂μ = f′(z)")
    _arrow(fig, dx + 2.9, 0.45, dx + 0.1, -0.35, color=COLORS["blue"],
           text="∂f/∂σ = f′(z)·ε")
    for x, text in ((1.5, "sampling inside the graph"), (dx + 1.5, "reparameterised: noise is an input")):
        fig.add_annotation(x=x, y=3.0, text=f"<b>{text}</b>", showarrow=False,
                           font=dict(size=18, color=INK))
    fig.update_xaxes(visible=False, range=[-0.8, dx + 3.8])
    fig.update_yaxes(visible=False, range=[-1.6, 3.4])
    fig.update_layout(plot_bgcolor="white")
    return _projector(fig, "The reparameterisation trick", height)


def latent_dim_bars(dims: Sequence[int], reconstruction, kl, neg_iw=None,
                    title: str | None = None, unit: str = "nats") -> go.Figure:
    """Test −ELBO per latent dimension as stacked bars: −reconstruction (bottom) + KL (top),
    with the negative IW bound (an upper bound on −log p(x)) as markers if given."""
    labels = [f"d = {d}" for d in dims]
    rec = np.asarray(reconstruction, dtype=float)
    kl = np.asarray(kl, dtype=float)
    if not (len(labels) == rec.size == kl.size) or rec.size == 0:
        raise ValueError("dims, reconstruction and kl must have one length.")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=-rec, name="−reconstruction  −E_q[log p(x|z)]",
                         marker_color=COLORS["blue"],
                         hovertemplate="%{x}: %{y:.1f}<extra>−reconstruction</extra>"))
    fig.add_trace(go.Bar(x=labels, y=kl, name="KL(q(z|x) ‖ p(z))", marker_color=COLORS["orange"],
                         text=[f"−ELBO {v:.1f}" for v in kl - rec], textposition="outside",
                         textfont=dict(size=16, color=INK),
                         hovertemplate="%{x}: %{y:.1f}<extra>KL</extra>"))
    if neg_iw is not None:
        fig.add_trace(go.Scatter(x=labels, y=np.asarray(neg_iw, dtype=float), mode="markers",
                                 name="−IW bound (k = 1000)",
                                 marker=dict(symbol="line-ew", size=40, color=COLORS["black"],
                                             line=dict(width=4, color=COLORS["black"]))))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=f"{unit} per digit (lower is better)",
                     range=[0, float(np.max(kl - rec)) * 1.15])
    return _projector(fig, title or "Test −ELBO = −reconstruction + KL")
