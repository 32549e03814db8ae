"""Figures for the Divergences page. Numbers come from :mod:`gdm_core.divergences`; nothing is
computed here beyond placing them (∞ drawn at a labelled level above the finite curves).

Style: every figure goes through ``styled`` (:func:`_finish`), with the figure's own layout
settings kept on top of it.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gdm_app.figures import COLORS, log_axis, on_wire, styled

SERIES_COLORS = {
    "KL(Pθ‖P0)": COLORS["red"], "KL(P0‖Pθ)": COLORS["purple"], "JS": COLORS["orange"],
    "TV": COLORS["green"], "W1": COLORS["blue"],
}


# These figures sit in half-width columns, where a legend wraps onto two or three rows: a figure
# that shows one grows by LEGEND_ROOM px, so its plot area keeps about the requested size (the
# legend itself sits under the plot, at the figure's bottom edge: ``styled``'s LEGEND).
LEGEND_ROOM = 80


def _shows_legend(fig: go.Figure) -> bool:
    if fig.layout.showlegend is False:
        return False
    shown = [t for t in fig.data if t.showlegend is not False]
    return len(shown) > 1 or any(t.showlegend for t in shown)


def _finish(fig: go.Figure, title: str | None, height: int, frames: list | None = None) -> go.Figure:
    """The figure in the app's style (``styled``), its own layout settings on top."""
    own = fig.layout.to_plotly_json()
    own.pop("template", None)
    styled(fig, title, height + (LEGEND_ROOM if _shows_legend(fig) else 0))
    fig.update_layout(own)
    if frames is not None:
        fig.frames = frames
    return fig


# JS (1 bit) and TV (1) coincide for θ ≠ 0 in bits, and so do their zero slopes: dash one of them
DASHES = {"KL(P0‖Pθ)": "dash", "TV": "dot"}


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "undefined"
    if math.isinf(v):
        return "∞"
    return f"{v:.4g}"


def _split_at_zero(grid: np.ndarray, values: np.ndarray):
    """Drop θ = 0 and break the line there (None), so a jump is not drawn as a steep slope."""
    grid, values = np.asarray(grid, float), np.asarray(values, float)
    left, right = grid < 0, grid > 0
    xs = list(grid[left]) + [None] + list(grid[right])
    ys = list(values[left]) + [None] + list(values[right])
    return xs, ys


def lines_plane(theta: float, real=None, fake=None, plan=None, title: str | None = None,
                height: int = 380) -> go.Figure:
    """P0 on the line x = 0 and Pθ on x = θ, optionally with samples and transport-plan lines."""
    fig = go.Figure()
    if plan:
        xs, ys = [], []
        for i, j, _ in plan:
            xs += [real[i, 0], fake[j, 0], None]
            ys += [real[i, 1], fake[j, 1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="transport plan",
                                 line=dict(color="rgba(120,120,120,0.55)", width=1),
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[0, 0], y=[0, 1], mode="lines", name="P0 = law of (0, Z)",
                             line=dict(color=COLORS["blue"], width=6)))
    fig.add_trace(go.Scatter(x=[theta, theta], y=[0, 1], mode="lines",
                             name=f"Pθ = law of (θ, Z), θ = {theta:g}",
                             line=dict(color=COLORS["orange"], width=6, dash="dot" if theta == 0 else None)))
    if real is not None:
        fig.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="samples of P0",
                                 marker=dict(color=COLORS["blue"], size=7, line=dict(width=1, color="white"))))
    if fake is not None:
        fig.add_trace(go.Scatter(x=fake[:, 0], y=fake[:, 1], mode="markers", name="samples of Pθ",
                                 marker=dict(color=COLORS["orange"], size=7, symbol="diamond",
                                             line=dict(width=1, color="white"))))
    span = max(1.2, abs(theta) + 0.2)
    fig.update_xaxes(title="first coordinate", range=[-span, span], zeroline=False)
    fig.update_yaxes(title="second coordinate Z", range=[-0.1, 1.1])
    return _finish(fig, title, height)


def lines_curves(grid, series: dict, theta: float, jumps: dict, unit: str, inf_level: float,
                 title: str | None = None) -> go.Figure:
    """Divergences of the parallel lines against θ.

    ``series``: name → values on ``grid`` (∞ allowed, drawn at ``inf_level``); ``jumps``: name →
    (value at θ = 0, limit as θ → 0), drawn as a filled dot (the value) and an open dot (the
    limit) to mark the discontinuity.
    """
    fig = go.Figure()
    for name, values in series.items():
        values = np.asarray(values, float)
        shown = np.where(np.isinf(values), inf_level, values)
        xs, ys = _split_at_zero(grid, shown)
        _, texts = _split_at_zero(grid, values)
        texts = [None if t is None else _fmt(t) for t in texts]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", name=name, customdata=texts,
            line=dict(color=SERIES_COLORS.get(name), width=4, dash=DASHES.get(name)),
            hovertemplate="θ = %{x:.3f}<br>" + name + " = %{customdata}<extra></extra>"))
    for name, (at_zero, limit) in jumps.items():
        color = SERIES_COLORS.get(name)
        lim_y = inf_level if math.isinf(limit) else limit
        fig.add_trace(go.Scatter(
            x=[0], y=[lim_y], mode="markers", name=f"{name}: limit as θ→0", showlegend=False,
            marker=dict(symbol="circle-open", size=14, line=dict(width=3, color=color)),
            hovertemplate=f"{name} → {_fmt(limit)} as θ → 0, but…<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=[0], y=[at_zero], mode="markers", name=f"{name} at θ = 0", showlegend=False,
            marker=dict(symbol="circle", size=12, color=color),
            hovertemplate=f"{name}(θ = 0) = {_fmt(at_zero)}<extra></extra>"))
    fig.add_vline(x=theta, line=dict(color=COLORS["black"], width=2, dash="dot"),
                  annotation_text=f"θ = {theta:g}", annotation_position="top right")
    fig.add_annotation(x=0.02, y=inf_level, xref="paper", text="∞ (off the scale)",
                       showarrow=False, yshift=14, xanchor="left")
    fig.update_xaxes(title="θ")
    fig.update_yaxes(title=f"value ({unit} for KL and JS)", range=[-0.08, inf_level * 1.15])
    return _finish(fig, title, 440)


def lines_gradients(grid, series: dict, sample_thetas=(), sample_grads=(),
                    title: str | None = None) -> go.Figure:
    """d/dθ of each divergence (NaN = undefined, not drawn) and autograd W gradients from samples."""
    fig = go.Figure()
    for name, values in series.items():
        values = np.asarray(values, float)
        if np.isnan(values).all():
            continue  # KL: no derivative anywhere, said in the text instead
        xs, ys = _split_at_zero(grid, values)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"d{name}/dθ",
                                 line=dict(color=SERIES_COLORS.get(name), width=4, dash=DASHES.get(name)),
                                 hovertemplate="θ = %{x:.3f}<br>slope = %{y:.3f}<extra></extra>"))
    if len(sample_thetas):
        fig.add_trace(go.Scatter(
            x=list(sample_thetas), y=list(sample_grads), mode="markers",
            name="dW/dθ from samples (POT + autograd)",
            marker=dict(color=COLORS["sky"], size=10, symbol="x"),
            hovertemplate="θ = %{x:.3f}<br>autograd slope = %{y:.4f}<extra></extra>"))
    fig.update_xaxes(title="θ")
    fig.update_yaxes(title="d/dθ", range=[-1.3, 1.3])
    return _finish(fig, title, 400)


def descent_paths(theta_w, theta_js, title: str | None = None) -> go.Figure:
    """θ_k against the step k under W and under JS."""
    k = np.arange(len(theta_w))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=k, y=theta_w, mode="lines+markers", name="descent on W",
                             line=dict(color=COLORS["blue"], width=3)))
    fig.add_trace(go.Scatter(x=k, y=theta_js, mode="lines+markers", name="descent on JS",
                             line=dict(color=COLORS["orange"], width=3, dash="dash")))
    fig.add_hline(y=0, line=dict(color=COLORS["black"], width=1))
    fig.update_xaxes(title="step k")
    fig.update_yaxes(title="θ_k")
    return _finish(fig, title, 380)


CONTROLS_BELOW_AXIS = 75  # px from the plot area's bottom to Play (clear of ticks and axis title)
CONTROLS_HEIGHT = 80      # px the buttons and the slider (its label, track and ticks) take


def descent_animation(theta_w, theta_js, title: str | None = None) -> go.Figure:
    """The two generated lines moving step by step (Play button), P0 fixed at x = 0."""
    theta_w, theta_js = np.asarray(theta_w, float), np.asarray(theta_js, float)

    def frame_data(k):  # plain dicts: dozens of frames, validated once by Plotly.js in the browser
        return [
            dict(type="scatter", x=[0, 0], y=[0, 1], mode="lines", name="P0 (real)",
                 line=dict(color=COLORS["black"], width=6)),
            dict(type="scatter", x=[float(theta_w[k])] * 2, y=[0, 1], mode="lines", name="Pθ trained on W",
                 line=dict(color=COLORS["blue"], width=6)),
            dict(type="scatter", x=[float(theta_js[k])] * 2, y=[0, 1], mode="lines",
                 name="Pθ trained on JS", line=dict(color=COLORS["orange"], width=6, dash="dash")),
        ]

    steps = len(theta_w)
    fig = go.Figure(data=frame_data(0))
    span = max(1.2, float(np.max(np.abs(np.concatenate([theta_w, theta_js])))) + 0.2)
    fig.update_xaxes(title="first coordinate", range=[-span, span])
    fig.update_yaxes(range=[-0.1, 1.1], title="Z")
    fig.update_layout(
        # Play and the step slider under the axis title, a fixed distance below the plot area
        # (paper y = 0 and a pad in px: the plot's height depends on the legend's rows); the
        # legend under them, at the figure's bottom edge.
        margin=dict(b=CONTROLS_BELOW_AXIS + CONTROLS_HEIGHT),
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=0, xanchor="left", yanchor="top",
                          direction="left", pad=dict(t=CONTROLS_BELOW_AXIS, b=0),
                          buttons=[dict(label="▶ Play", method="animate",
                                        args=[None, dict(frame=dict(duration=250, redraw=True),
                                                         fromcurrent=True, transition=dict(duration=0))]),
                                   dict(label="❚❚ Pause", method="animate",
                                        args=[[None], dict(mode="immediate", frame=dict(duration=0))])])],
        sliders=[dict(active=0, x=0.45, len=0.55, y=0, yanchor="top",
                      pad=dict(t=CONTROLS_BELOW_AXIS),
                      currentvalue=dict(prefix="step ", font=dict(size=16)),
                      steps=[dict(label=str(k), method="animate",
                                  args=[[str(k)], dict(mode="immediate", frame=dict(duration=0))])
                             for k in range(steps)])],
    )
    frames = [dict(name=str(k), data=frame_data(k)) for k in range(steps)]
    return _finish(fig, title, 540, frames=frames)


def convergence(ns, w, js, w_true: float, js_true: float, unit: str,
                title: str | None = None) -> go.Figure:
    """Sample estimates (each draw a dot, the mean a line) against n, with the analytic values."""
    ns = np.asarray(ns)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("W1 by exact EMD", f"JS by a discriminator ({unit})"))
    for col, est, truth, color, name in ((1, w, w_true, COLORS["blue"], "W1"),
                                         (2, js, js_true, COLORS["orange"], "JS")):
        est = np.asarray(est, float)
        reps = est.shape[1]
        fig.add_trace(go.Scatter(x=np.repeat(ns, reps), y=est.ravel(), mode="markers",
                                 name=f"{name} estimate (each draw)", marker=dict(color=color, size=8, opacity=0.6),
                                 hovertemplate="n = %{x}<br>estimate = %{y:.4f}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(x=ns, y=est.mean(axis=1), mode="lines", name=f"{name} mean of draws",
                                 line=dict(color=color, width=3)), row=1, col=col)
        fig.add_trace(go.Scatter(x=[ns.min(), ns.max()], y=[truth, truth], mode="lines",
                                 name=f"{name} exact = {truth:.4f}",
                                 line=dict(color=COLORS["black"], width=2, dash="dash")), row=1, col=col)
    fig.update_xaxes(title="n (points per distribution)", **log_axis(ns))
    # JS from 0: the estimator's ~1e-5 ridge bias should not fill the whole axis
    top = max(float(np.max(js)), js_true, 0.05) * 1.15
    fig.update_yaxes(range=[-0.03 * top, top], row=1, col=2)
    return _finish(fig, title, 480)


def discriminator_and_critic(x, p_real, p_fake, d_star, critic, title: str | None = None) -> go.Figure:
    """WGAN Fig. 2: densities, the optimal discriminator D* (left axis) and the critic (right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    peak = max(float(np.max(p_real)), float(np.max(p_fake)), 1e-300)
    # redrawn on every move of the gap or σ slider: four curves on_wire (64 -> 34 KB)
    x, p_real, p_fake, d_star, critic = on_wire(x, np.asarray(p_real) / peak,
                                                np.asarray(p_fake) / peak, d_star, critic)
    fig.add_trace(go.Scatter(x=x, y=p_real, name="real density (scaled)", fill="tozeroy",
                             line=dict(color=COLORS["green"], width=2)), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=p_fake, name="fake density (scaled)", fill="tozeroy",
                             line=dict(color=COLORS["purple"], width=2)), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=d_star, name="optimal discriminator D*(x)",
                             line=dict(color=COLORS["red"], width=4),
                             hovertemplate="x = %{x:.2f}<br>D* = %{y:.6f}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=critic, name="WGAN critic f(x)",
                             line=dict(color=COLORS["blue"], width=4, dash="dash"),
                             hovertemplate="x = %{x:.2f}<br>f = %{y:.3f}<extra></extra>"), secondary_y=True)
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="D* and scaled densities", range=[-0.05, 1.05], secondary_y=False)
    fig.update_yaxes(title="critic f(x)", secondary_y=True, showgrid=False)
    return _finish(fig, title, 440)


def gradient_vs_gap(gaps, disc_grad, critic_grad, gap: float, title: str | None = None,
                    gen_saturating=None, gen_nonsaturating=None) -> go.Figure:
    """Mean |gradient| on fake samples against the gap between the means (log scale).

    ``disc_grad`` is E_g|dD*/dx|, ``critic_grad`` the critic's slope; optionally the
    generator's own gradients with D* fixed, ``gen_saturating`` = E_g|∂x log(1 − D*)| (vanishes)
    and ``gen_nonsaturating`` = E_g|∂x log D*| (keeps a slope), from
    :func:`gdm_core.critic.discriminator_vs_critic`.
    """
    fig = go.Figure()
    floor = 1e-18  # a log axis cannot show 0; values below this are drawn at the floor

    def curve(values, name, color, dash=None, width=4):
        values = np.asarray(values, float)
        fig.add_trace(go.Scatter(x=gaps, y=np.maximum(values, floor), name=name,
                                 line=dict(color=color, width=width, dash=dash),
                                 customdata=[_fmt(v) for v in values],
                                 hovertemplate="gap = %{x:.2f}<br>" + name
                                 + " = %{customdata}<extra></extra>"))

    curve(disc_grad, "|dD*/dx| on fake samples", COLORS["red"])
    fig.data[-1].hovertemplate = "gap = %{x:.2f}<br>|dD*/dx| = %{customdata}<extra></extra>"
    fig.add_trace(go.Scatter(x=gaps, y=np.maximum(np.asarray(critic_grad, float), floor),
                             name="|df/dx| of the critic", line=dict(color=COLORS["blue"], width=4, dash="dash")))
    if gen_saturating is not None:
        curve(gen_saturating, "generator, saturating log(1 − D*)", COLORS["orange"], "dot")
    if gen_nonsaturating is not None:
        curve(gen_nonsaturating, "generator, non-saturating −log D*", COLORS["green"], "dashdot")
    fig.add_vline(x=gap, line=dict(color=COLORS["black"], width=2, dash="dot"),
                  annotation_text=f"gap = {gap:g}", annotation_position="bottom right")
    fig.update_xaxes(title="gap μ_real − μ_fake")
    fig.update_yaxes(title="mean gradient magnitude",
                     **log_axis(np.concatenate([np.asarray(t.y, float) for t in fig.data])))
    return _finish(fig, title, 460 if gen_saturating is not None else 420)


def gaussian_densities(x, p1, p2, title: str | None = None) -> go.Figure:
    fig = go.Figure()
    x, p1, p2 = on_wire(x, p1, p2)   # redrawn on every move of a slider (42 -> 22 KB)
    fig.add_trace(go.Scatter(x=x, y=p1, name="p = N(μ1, σ1²)", fill="tozeroy", line=dict(color=COLORS["blue"], width=3)))
    fig.add_trace(go.Scatter(x=x, y=p2, name="q = N(μ2, σ2²)", fill="tozeroy", line=dict(color=COLORS["orange"], width=3)))
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="density")
    return _finish(fig, title, 360)


def gaussian_curves(mu2_grid, kl, reverse_kl, js, w1, w2, mu2: float, unit: str,
                    title: str | None = None) -> go.Figure:
    """KL both ways (left, log scale: it explodes as σ shrinks) and JS, W1, W2 (right) against μ2."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(f"KL ({unit}, log scale)", f"JS ({unit}), W1, W2"))
    floor = 1e-6
    for values, name, color, dash in ((kl, "KL(p‖q)", COLORS["red"], None),
                                      (reverse_kl, "KL(q‖p)", COLORS["purple"], "dash")):
        fig.add_trace(go.Scatter(x=mu2_grid, y=np.maximum(values, floor), name=name,
                                 line=dict(color=color, width=3, dash=dash),
                                 customdata=[_fmt(v) for v in values],
                                 hovertemplate="μ2 = %{x:.2f}<br>" + name + " = %{customdata}<extra></extra>"),
                      row=1, col=1)
    for values, name, color, dash in ((js, "JS", COLORS["orange"], None), (w1, "W1", COLORS["blue"], None),
                                      (w2, "W2", COLORS["sky"], "dash")):
        fig.add_trace(go.Scatter(x=mu2_grid, y=values, name=name, line=dict(color=color, width=3, dash=dash),
                                 hovertemplate="μ2 = %{x:.2f}<br>" + name + " = %{y:.4f}<extra></extra>"),
                      row=1, col=2)
    fig.update_yaxes(**log_axis(np.concatenate([np.asarray(t.y, float) for t in fig.data[:2]])),
                     row=1, col=1)
    for col in (1, 2):
        fig.add_vline(x=mu2, line=dict(color=COLORS["black"], width=2, dash="dot"), row=1, col=col)
    fig.update_xaxes(title="μ2")
    return _finish(fig, title, 460)


def support_bars(support, p, q, title: str | None = None) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=support, y=p, name="P", marker_color=COLORS["blue"],
                         hovertemplate="x = %{x}<br>P(x) = %{y:.4f}<extra></extra>"))
    fig.add_trace(go.Bar(x=support, y=q, name="Q", marker_color=COLORS["orange"],
                         hovertemplate="x = %{x}<br>Q(x) = %{y:.4f}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="outcome x", dtick=1)
    fig.update_yaxes(title="probability", range=[0, 0.4])
    return _finish(fig, title, 340)
