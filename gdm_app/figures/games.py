"""Figures for the Minimax page: the saddle f(x, y), its gradient field, trajectories, rates.

Every builder takes numbers computed in :mod:`gdm_core.games` and draws one trace per method
(never one per step), so 4 × 5,000 iterates stay cheap to draw.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS, SCENE, log_axis, on_wire, styled
from gdm_core.games import METHOD_LABELS, METHODS, XY, BilinearGame

METHOD_COLORS = {
    "simultaneous": COLORS["red"],
    "alternating": COLORS["orange"],
    "extragradient": COLORS["blue"],
    "optimistic": COLORS["green"],
}
MAX_FRAMES = 60        # animation frames (the whole run is shown in at most this many)
MAX_TRAIL_POINTS = 12   # iterates per method in an animation frame's trail
MARKERS_UP_TO = 300     # draw each iterate as a dot when a path has at most this many


def _extent(paths: list[np.ndarray], minimum: float = 1e-12) -> float:
    r = max((float(np.max(np.abs(p))) for p in paths if len(p)), default=0.0)
    return 1.15 * r if r > minimum else 1.0


def field_arrows(game: BilinearGame = XY, extent: float = 2.0, n: int = 13):
    """Arrow segments of the field (−∂f/∂x, ∂f/∂y) on an n×n grid, as one x and one y list.

    Each arrow is a shaft and two head strokes separated by ``None`` so one Scatter trace
    draws them all; the longest arrow is 0.8 grid spacings.
    """
    g = np.linspace(-extent, extent, n)
    gx, gy = np.meshgrid(g, g)
    u, v = game.field(gx, gy)
    mag = np.hypot(u, v)
    scale = 0.8 * (g[1] - g[0]) / mag.max() if mag.max() > 0 else 0.0
    u, v = u * scale, v * scale
    tx, ty = gx + u, gy + v
    # Arrow heads: two strokes of 30% of the arrow's length, ±25° from the reversed shaft.
    c, s = math.cos(math.radians(25)), math.sin(math.radians(25))
    bx, by = -0.3 * u, -0.3 * v
    lx, ly = tx + c * bx - s * by, ty + s * bx + c * by
    rx, ry = tx + c * bx + s * by, ty - s * bx + c * by
    nan = np.full_like(gx, np.nan)
    xs = np.stack([gx, tx, nan, lx, tx, rx, nan], axis=-1).ravel()
    ys = np.stack([gy, ty, nan, ly, ty, ry, nan], axis=-1).ravel()
    keep = np.repeat((mag > 0).ravel(), 7)  # no zero-length arrow at the equilibrium
    return on_wire(xs[keep], ys[keep])


def contour_field(game: BilinearGame = XY, extent: float = 2.0, grid: int = 41,
                  arrows: int = 13, title: str | None = None, height: int = 520) -> go.Figure:
    """Contours of f(x, y) with the simultaneous gradient field drawn as arrows."""
    # The background travels with every redraw of the trajectories: 41×41 values of a bilinear
    # f on_wire draw the same 16 contours as 61×61 in float64, at a fifth of the bytes (38 -> 9 KB).
    g = np.linspace(-extent, extent, grid)
    f, g = on_wire(game.value(g[None, :], g[:, None]), g)
    ax, ay = field_arrows(game, extent, arrows)
    fig = go.Figure([
        go.Contour(
            x=g, y=g, z=f, colorscale="RdBu_r", zmid=0, opacity=0.45, ncontours=16,
            showscale=False,  # the caption says red = high, blue = low; the plot gets the width
            hovertemplate="x=%{x:.3g}<br>y=%{y:.3g}<br>f=%{z:.3g}<extra></extra>",
            name="f(x, y)",
        ),
        go.Scatter(x=ax, y=ay, mode="lines", line=dict(color="rgba(40,40,40,0.55)", width=1.3),
                   name="field (−∂f/∂x, ∂f/∂y)", hoverinfo="skip", showlegend=False),
        go.Scatter(x=[0], y=[0], mode="markers", name="equilibrium (0, 0)", showlegend=False,
                   marker=dict(symbol="star", size=16, color=COLORS["black"]),
                   hovertemplate="Nash equilibrium (0, 0)<extra></extra>"),
    ])
    styled(fig, title, height)
    # constrain="domain": equal scales shrink the plot area instead of widening the x range.
    fig.update_xaxes(title="x (minimiser)", range=[-extent, extent], zeroline=True,
                     constrain="domain")
    fig.update_yaxes(title="y (maximiser)", range=[-extent, extent], zeroline=True,
                     scaleanchor="x", scaleratio=1, constrain="domain")
    return fig


def saddle_surface(game: BilinearGame = XY, extent: float = 2.0, grid: int = 41,
                   paths: dict[str, np.ndarray] | None = None, height: int = 520) -> go.Figure:
    """The payoff surface f(x, y) in 3-D, with trajectories lifted onto it if given."""
    g = np.linspace(-extent, extent, grid)
    f = game.value(g[None, :], g[:, None])
    traces = [go.Surface(x=g, y=g, z=f, colorscale="RdBu_r", opacity=0.85, showscale=False,
                         name="f(x, y)",
                         hovertemplate="x=%{x:.3g}<br>y=%{y:.3g}<br>f=%{z:.3g}<extra></extra>")]
    for method, p in (paths or {}).items():
        inside = p[np.all(np.abs(p) <= extent, axis=1)]  # the part that is on the drawn patch
        traces.append(go.Scatter3d(
            x=inside[:, 0], y=inside[:, 1], z=game.value(inside[:, 0], inside[:, 1]),
            mode="lines", line=dict(color=METHOD_COLORS[method], width=5),
            name=METHOD_LABELS[method]))
    traces.append(go.Scatter3d(x=[0], y=[0], z=[0], mode="markers", name="equilibrium",
                               marker=dict(size=5, color=COLORS["black"])))
    fig = go.Figure(traces)
    styled(fig, None, height)
    fig.update_layout(scene=SCENE)
    # *_title_text: a bare xaxis_title="x" would replace SCENE's title font
    fig.update_layout(scene=dict(xaxis_title_text="x", yaxis_title_text="y",
                                 zaxis_title_text="f = xy",
                                 camera=dict(eye=dict(x=1.6, y=-1.6, z=0.9))),
                      margin=dict(l=0, r=0, t=30, b=0))
    return fig


def _frame_indices(k: int, n_frames: int) -> np.ndarray:
    return np.unique(np.linspace(0, k, min(k + 1, n_frames)).round().astype(int))


def _subsample(lo: int, hi: int, limit: int) -> np.ndarray:
    # Indices lo..hi, at most ``limit`` of them, always keeping both ends.
    n = hi - lo + 1
    if n <= limit:
        return np.arange(lo, hi + 1)
    return np.unique(np.linspace(lo, hi, limit).round().astype(int))


def _comet(shown: dict[str, np.ndarray], windows: dict[str, np.ndarray],
           labels: bool = True) -> dict:
    # One scatter of every method's current iterate (big dot) and the few iterates before it
    # (smaller dots): one trace for all methods keeps animation frames cheap. NumPy arrays and
    # a numeric colour (index into a discrete colour scale) skip Plotly's per-element checks.
    idx = [windows[m] for m in shown]
    pts = np.concatenate([p[i] for p, i in zip(shown.values(), idx)])
    sizes = np.concatenate([np.r_[np.linspace(6, 10, len(i))[:-1], 14] for i in idx])
    which = np.concatenate([np.full(len(i), METHODS.index(m)) for m, i in zip(shown, idx)])
    # Compact dtypes (Plotly sends NumPy arrays as typed binary), so frames stay small.
    out = dict(type="scatter", x=on_wire(pts[:, 0]), y=on_wire(pts[:, 1]),
               customdata=np.concatenate(idx).astype(np.int32),
               marker=dict(size=sizes.astype(np.uint8), color=which.astype(np.uint8)))
    if labels:  # hover names; left out of animation frames, where they would dominate the size
        out["text"] = np.array([METHOD_LABELS[m] for m in METHODS])[which]
    return out


_METHOD_SCALE = [
    [v, METHOD_COLORS[m]] for i, m in enumerate(METHODS)
    for v in (i / len(METHODS), (i + 1) / len(METHODS))
]


FIT_FACTOR = 5.0  # view="fit": a run farther than this × ‖z0‖ from (0, 0) may leave the view
BUTTONS_BELOW_AXIS = 80  # px from the plot area's bottom edge to the Play/Pause buttons' top
BUTTONS_HEIGHT = 40      # px the buttons take (16 px text and padding)


def view_extent(paths: dict[str, np.ndarray], view: str = "fit") -> tuple[float, list[str]]:
    """The half-width of the square view, and the methods whose paths leave it.

    ``view="all"``: every iterate inside. ``view="fit"``: fit the runs that stay near the start
    (every coordinate within ``FIT_FACTOR`` × ‖z0‖: converging runs and alternating orbits up to
    η ≈ 1.9), and let the runs that travel farther (simultaneous GDA spiralling out, anything
    diverging) leave the frame, so a bounded orbit is not squeezed into a dot by a run at ±800.
    If every run travels far, all of them are fitted.
    """
    shown = {m: p for m, p in paths.items() if len(p)}
    if view not in ("fit", "all"):
        raise ValueError(f"view must be 'fit' or 'all', got {view!r}")
    if view == "all" or not shown:
        return _extent(list(shown.values())), []
    z0 = next(iter(shown.values()))[0]
    limit = FIT_FACTOR * max(float(np.hypot(*z0)), 1e-12)
    near = {m: p for m, p in shown.items() if float(np.max(np.abs(p))) <= limit}
    if not near:
        return _extent(list(shown.values())), []
    return _extent(list(near.values())), [m for m in shown if m not in near]


def trajectories(paths: dict[str, np.ndarray], upto: int | None = None,
                 game: BilinearGame = XY, animate: bool = True, height: int = 560,
                 view: str = "fit") -> go.Figure:
    """Iterates z_0 … z_upto of each method on the contour plot.

    ``paths`` maps a method name to its (n, 2) iterates (shorter if the run diverged). One
    path trace per method, then one trace "current iterate" holding every method's z_upto.
    ``view`` (see :func:`view_extent`): ``"fit"`` (default) frames the runs that stay near the
    start and lets a run that travels far leave the frame — its legend entry then says
    "(leaves the view)"; ``"all"`` frames every iterate. The range is computed over the whole
    runs (not only up to ``upto``), so it does not jump as k moves.
    With ``animate``, Play/Pause buttons (under the x-axis title) replay the run in at most
    ``MAX_FRAMES`` frames: only the current-iterate trace changes; the contour background, the
    paths and the axis ranges stay as they are.
    """
    upto = max((len(p) - 1 for p in paths.values()), default=0) if upto is None else int(upto)
    shown = {m: p[: upto + 1] for m, p in paths.items() if len(p)}
    extent, leaving = view_extent(paths, view)
    fig = contour_field(game, extent, title=None, height=height)
    fig.update_xaxes(autorange=False)
    fig.update_yaxes(autorange=False)
    for method, p in shown.items():
        label = METHOD_LABELS[method]
        name = f"{label} (leaves the view)" if method in leaving else label
        fig.add_trace(go.Scatter(
            x=p[:, 0], y=p[:, 1], customdata=np.arange(len(p)), name=name,
            mode="lines+markers" if len(p) <= MARKERS_UP_TO else "lines",
            line=dict(color=METHOD_COLORS[method], width=2.5), marker=dict(size=6),
            hovertemplate=label + "<br>k=%{customdata}<br>x=%{x:.4g}<br>y=%{y:.4g}"
            "<extra></extra>"))
    if not shown:
        return fig
    z0 = next(iter(shown.values()))[0]
    fig.add_trace(go.Scatter(x=[z0[0]], y=[z0[1]], mode="markers", name="z₀", showlegend=False,
                             marker=dict(symbol="circle-open", size=18, color="black",
                                         line=dict(width=3)),
                             hovertemplate="start z₀=(%{x:.4g}, %{y:.4g})<extra></extra>"))
    heads = _comet(shown, {m: np.array([len(p) - 1]) for m, p in shown.items()})
    heads.pop("type")
    heads["marker"].update(cmin=-0.5, cmax=len(METHODS) - 0.5, colorscale=_METHOD_SCALE,
                           line=dict(color="white", width=1.5))
    fig.add_trace(go.Scatter(**heads, mode="markers", name="current iterate z_k", showlegend=False,
                             hovertemplate="%{text}<br>k=%{customdata}<br>x=%{x:.4g}"
                             "<br>y=%{y:.4g}<extra></extra>"))
    if animate and upto > 0:
        _add_animation(fig, shown, len(fig.data) - 1, extent)
    return fig


def _add_animation(fig: go.Figure, shown: dict[str, np.ndarray], comet: int,
                   extent: float) -> None:
    # Frames move only the current-iterate trace, whose size stays small (a trail, not the
    # growing path): 60 frames cost ~0.1 MB and ~0.05 s. Each frame also pins both axis ranges
    # (autorange off), so playing can neither rescale the axes nor drop the background.
    upto = max(len(p) for p in shown.values()) - 1
    ks = _frame_indices(upto, MAX_FRAMES)
    fixed = dict(xaxis=dict(range=[-extent, extent], autorange=False),
                 yaxis=dict(range=[-extent, extent], autorange=False))
    frames = []
    for j, k in enumerate(ks):
        windows = {}
        for method, p in shown.items():
            kk = min(int(k), len(p) - 1)  # a diverged run waits at its last kept iterate
            lo = kk if j == len(ks) - 1 else min(int(ks[max(j - 3, 0)]), kk)
            windows[method] = _subsample(lo, kk, MAX_TRAIL_POINTS)
        # The last frame is the still picture again (one labelled dot per method).
        data = _comet(shown, windows, labels=j == len(ks) - 1)
        frames.append(dict(name=str(int(k)), data=[data], traces=[comet], layout=fixed))
    fig.frames = frames
    # redraw=True: without it Plotly drops the contour background while animating.
    play = dict(frame=dict(duration=70, redraw=True), transition=dict(duration=0),
                fromcurrent=False, mode="immediate")
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate",
                 transition=dict(duration=0))
    # Under the x-axis title (tick labels + title take ~60 px), in a bottom margin that holds
    # them: at y = -0.12 they sat on the axis title and, at 1280 px, on the step slider's label.
    # Placed at the plot area's bottom edge (paper y = 0) and pushed down by a pad in px, so they
    # stay BUTTONS_BELOW_AXIS px under it whatever height the legend below them takes.
    bottom = BUTTONS_BELOW_AXIS + BUTTONS_HEIGHT + 10
    fig.update_layout(updatemenus=[dict(
        type="buttons", direction="left", x=0, y=0,
        xanchor="left", yanchor="top", pad=dict(t=BUTTONS_BELOW_AXIS, b=0),
        buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                 dict(label="❚❚ Pause", method="animate", args=[[None], pause])])],
        margin=dict(b=bottom))


def distance_plot(norms: dict[str, np.ndarray], theory: dict[str, np.ndarray | None],
                  band: tuple[float, float] | None = None, upto: int | None = None,
                  theory_labels: dict[str, str] | None = None, height: int = 460) -> go.Figure:
    """‖z_k‖ against k on a log axis: measured (solid) beside closed form (dashed).

    ``band`` is the (low, high) range of ‖z_k‖ that alternating GDA's conserved quantity
    allows; it is drawn as two dotted lines when alternating is shown. Zero or negative
    distances (a start at the equilibrium, or underflow) are left out: log(0) = −∞.
    The legend lists the measured lines, then one entry for all dashed theory lines (their
    trace names and hover text say which method and formula each one is).
    """
    theory_labels = theory_labels or {}
    fig = go.Figure()
    any_theory = False
    for method, r in norms.items():
        r = r if upto is None else r[: upto + 1]
        k = np.arange(len(r))
        label = METHOD_LABELS[method]
        fig.add_trace(go.Scatter(
            x=k, y=np.where(r > 0, r, np.nan), name=label,
            mode="lines", line=dict(color=METHOD_COLORS[method], width=3),
            hovertemplate=label + "<br>k=%{x}<br>‖z_k‖=%{y:.6g}<extra>measured</extra>"))
        t = theory.get(method)
        if t is not None:
            t = t[: len(r)]
            name = theory_labels.get(method, f"{label} (theory)")
            any_theory = True
            fig.add_trace(go.Scatter(
                x=k, y=np.where((t > 0) & np.isfinite(t), t, np.nan), name=name,
                mode="lines", line=dict(color=COLORS["black"], width=1.5, dash="dash"),
                legendgroup="theory", showlegend=False,
                hovertemplate=name + "<br>k=%{x}<br>‖z_k‖=%{y:.6g}<extra>theory</extra>"))
        if method == "alternating" and band is not None and len(r):
            for value, which in zip(band, ("lowest", "highest")):
                fig.add_trace(go.Scatter(
                    x=[0, len(r) - 1], y=[value, value], mode="lines",
                    name=f"{label}: {which} ‖z‖ on its ellipse", showlegend=which == "lowest",
                    legendgroup="band", line=dict(color=METHOD_COLORS[method], width=1.5,
                                                  dash="dot"),
                    hovertemplate=f"{which} possible ‖z‖ = %{{y:.6g}}<extra>conserved Q</extra>"))
    if any_theory:  # a legend-only entry standing for every dashed line
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="exact closed form",
                                 legendgroup="theory", hoverinfo="skip",
                                 line=dict(color=COLORS["black"], width=1.5, dash="dash")))
    styled(fig, None, height)
    fig.update_xaxes(title="step k")
    shown_y = [np.asarray(t.y, float) for t in fig.data if t.y is not None and len(t.y)]
    fig.update_yaxes(title="distance to equilibrium ‖z_k‖",
                     **log_axis(np.concatenate(shown_y) if shown_y else []))
    return fig


MEASURED_SYMBOLS = {"simultaneous": "circle", "alternating": "square", "extragradient": "diamond",
                    "optimistic": "triangle-up"}


def rate_figure(lrs, rates: dict[str, np.ndarray], lr: float, measured: dict[str, float],
                height: int = 480) -> go.Figure:
    """Theory vs measurement: each method's rate ρ(η) (‖z_k‖ ≈ ρᵏ‖z₀‖) as a curve over the
    step size, the line ρ = 1 that separates spiralling out from converging, and at the page's
    η the rate each run measured, (‖z_k‖/‖z₀‖)^{1/k}, as a marker on its curve."""
    lrs = np.asarray(lrs, dtype=float)
    fig = go.Figure()
    fig.add_hline(y=1.0, line=dict(color="#555555", width=2, dash="dot"))
    fig.add_annotation(x=float(lrs[-1]), y=1.0, text="ρ = 1", showarrow=False,
                       xanchor="right", yanchor="bottom")
    for method in METHODS:
        if method not in rates:
            continue
        label = METHOD_LABELS[method]
        fig.add_trace(go.Scatter(
            x=lrs, y=np.asarray(rates[method], dtype=float), mode="lines",
            name=label, legendgroup=method,
            line=dict(color=METHOD_COLORS[method], width=3),
            hovertemplate=label + "<br>η = %{x:.3g}<br>ρ = %{y:.5g}<extra>theory</extra>"))
    shown = {m: v for m, v in measured.items() if v is not None and math.isfinite(v)}
    for method, value in shown.items():
        label = METHOD_LABELS[method]
        fig.add_trace(go.Scatter(
            x=[lr], y=[value], mode="markers", name=f"{label}: measured", legendgroup=method,
            showlegend=False,  # one legend entry per method: the caption says what a marker is
            marker=dict(symbol=MEASURED_SYMBOLS[method], size=15, color=METHOD_COLORS[method],
                        line=dict(color=COLORS["black"], width=1.5)),
            hovertemplate=label + "<br>η = %{x:.3g}<br>measured %{y:.5g}<extra></extra>"))
    fig.add_vline(x=lr, line=dict(color=COLORS["black"], width=1.5, dash="dash"))
    at_lr = [float(np.interp(lr, lrs, np.asarray(v, dtype=float))) for v in rates.values()]
    top = max([1.6, *(1.1 * v for v in [*at_lr, *shown.values()] if math.isfinite(v))])
    bottom = min([0.6, *(0.95 * v for v in shown.values())])
    fig.update_xaxes(title="step size η", range=[0, float(lrs[-1])])
    fig.update_yaxes(title="rate ρ per step", range=[bottom, min(top, 1e3)])
    return styled(fig, f"Rate per step against η: theory and your runs (η = {lr:g})", height)


def value_curves(values: dict[str, np.ndarray], upto: int | None = None,
                 height: int = 440) -> go.Figure:
    """The shared value f(x_k, y_k) = x_k y_k step by step for each method: what a GAN's loss
    curve does. The y-range fits the runs that stay bounded; a run that grows past 5× the
    largest of them leaves the view (its legend entry says so)."""
    shown = {m: np.asarray(v, dtype=float)[: None if upto is None else upto + 1]
             for m, v in values.items() if len(v)}
    peaks = {m: float(np.max(np.abs(v))) if len(v) else 0.0 for m, v in shown.items()}
    finite = sorted(p for p in peaks.values() if math.isfinite(p))
    small = finite[0] if finite else 0.0
    keep = [p for p in finite if p <= 5 * max(small, 1e-12)] or finite
    span = 1.15 * max(max(keep, default=0.0), 1e-9)
    fig = go.Figure()
    fig.add_hline(y=0.0, line=dict(color="#555555", width=1.5))
    for method in METHODS:
        if method not in shown:
            continue
        label = METHOD_LABELS[method]
        leaves = peaks[method] > span
        v = shown[method]
        fig.add_trace(go.Scatter(
            x=np.arange(len(v)), y=v, mode="lines", line=dict(color=METHOD_COLORS[method],
                                                               width=2.5),
            name=f"{label} (leaves the view)" if leaves else label,
            hovertemplate=label + "<br>k = %{x}<br>x·y = %{y:.4g}<extra></extra>"))
    fig.update_xaxes(title="step k", rangemode="tozero")
    fig.update_yaxes(title="value f = x·y", range=[-span, span])
    return styled(fig, "The value x·y at each step: the game's loss curve", height)
