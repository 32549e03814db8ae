"""Figures for the GAN training page: a training frame, curves over training, the critic.

Every builder takes plain arrays (from a :class:`gdm_core.gan.GANRun`, a frame of it, or a
:class:`gdm_core.gan.GANSession`) and stays light enough to redraw on every slider move: at most
a few hundred points per trace, a ≤ 60 × 60 heatmap, and all arrows in one line trace with
``None`` gaps. Real points are small black dots and fakes larger vermillion ones, so the two stay
apart on a washed-out projector; the heatmap is pale so that both read on top of it.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS, TITLE_TOP, log_axis, on_wire, styled

REAL = COLORS["black"]
FAKE = COLORS["red"]
MANIFOLD = COLORS["blue"]
AXIS_FONT = dict(size=16, color="#111")
TITLE_FONT = dict(size=20, color="#111")
LOSS_COLORS = {"minimax": COLORS["red"], "nonsaturating": COLORS["orange"],
               "wgan-clip": COLORS["purple"], "wgan-gp": COLORS["blue"],
               "lsgan": COLORS["green"]}
# pale scales: low → high. D(x): blue "fake" … white 0.5 … green "real"; f(x) the same sense.
PALE_DIVERGING = [[0.0, "#9ecae1"], [0.5, "#ffffff"], [1.0, "#a1d99b"]]
MAX_POINTS = 500
MAX_GRID = 60
ARROW_SCALE = 0.35   # plane units per unit of gradient norm
ARROW_MAX = 0.6      # longer arrows are cut to this length (their direction kept)


def _axes(fig: go.Figure, x_title: str | None = None, y_title: str | None = None,
          plane: float | None = None) -> go.Figure:
    """Dark ≥ 16 px ticks and titles, in one layout update (each Plotly update costs ms);
    ``plane``: equal scales on [−plane, plane]² for the 2-D data plane."""
    x = dict(title=dict(text=x_title, font=AXIS_FONT), tickfont=AXIS_FONT)
    y = dict(title=dict(text=y_title, font=AXIS_FONT), tickfont=AXIS_FONT)
    if plane is not None:
        # constrain="domain": equal scales shrink the plot area instead of widening a range
        x.update(range=[-plane, plane], constrain="domain", zeroline=False)
        y.update(range=[-plane, plane], scaleanchor="x", scaleratio=1, constrain="domain",
                 zeroline=False)
    fig.update_layout(xaxis=x, yaxis=y, title_font=TITLE_FONT)
    return fig


def _thin(x: np.ndarray, limit: int = MAX_POINTS) -> np.ndarray:
    """At most ``limit`` rows, evenly spaced, so a frame never grows past a fast redraw."""
    x = np.asarray(x)
    if len(x) <= limit:
        return x
    return x[np.linspace(0, len(x) - 1, limit).astype(int)]


def arrow_segments(points, vectors, scale: float = ARROW_SCALE, max_len: float = ARROW_MAX):
    """x and y lists of arrows (shaft + two head strokes) from ``points`` along ``vectors``.

    The length is ``scale`` × the vector's norm — one fixed scale for every frame, so a
    vanishing gradient shows as vanishing arrows — cut at ``max_len``. Arrows are separated by
    ``None`` gaps, so one Scatter trace draws them all.
    """
    p = np.asarray(points, dtype=float)
    v = np.asarray(vectors, dtype=float) * scale
    if len(p) == 0:
        return [], []
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    ok = np.isfinite(norm[:, 0]) & (norm[:, 0] > 1e-9)
    v = np.where(norm > max_len, v * (max_len / np.maximum(norm, 1e-12)), v)
    p, v = p[ok], v[ok]
    tip = p + v
    c, s = math.cos(math.radians(25)), math.sin(math.radians(25))
    back = -0.3 * v  # head strokes: 30 % of the arrow, ±25° from the reversed shaft
    left = tip + np.column_stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]])
    right = tip + np.column_stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]])
    nan = np.full(len(p), np.nan)
    xs = np.column_stack([p[:, 0], tip[:, 0], nan, left[:, 0], tip[:, 0], right[:, 0], nan])
    ys = np.column_stack([p[:, 1], tip[:, 1], nan, left[:, 1], tip[:, 1], right[:, 1], nan])
    return xs.ravel(), ys.ravel()


def frame_figure(real, fake, grad=None, grid=None, field=None, field_kind: str = "critic",
                 manifold=None, modes=None, title: str | None = None, extent: float = 3.0,
                 height: int = 560, arrow_scale: float = ARROW_SCALE) -> go.Figure:
    r"""One training frame: D(x) or f(x) as a pale heatmap, real and fake points, the generator's
    push on each fake (:math:`-\nabla_x` of its loss) as arrows, optionally the latent grid's image.

    Parameters
    ----------
    real, fake : points (n, 2).
    grad : (n, 2) vectors at the fakes, drawn at one fixed ``arrow_scale`` (not normalised).
    grid, field : heatmap axis (g,) and values (g, g), rows along y.
    field_kind : "probability" (D in [0, 1], centred on 1/2), "least-squares" (the LSGAN's linear
        D, on the same scale from its fake code 0 to its real code 1; values beyond take the end
        colours) or "critic" (f, centred on its median).
    manifold : (r, c, 2) image of a latent grid; rows and columns drawn as thin lines.
    modes : (m, 2) mode centres, drawn as open circles.
    """
    traces = []
    if field is not None and grid is not None:
        field = np.asarray(field, dtype=float)
        grid = np.asarray(grid, dtype=float)
        step = max(1, math.ceil(len(grid) / MAX_GRID))
        grid, field = grid[::step], field[::step, ::step]
        if field_kind in ("probability", "least-squares"):
            zmin, zmax, label = 0.0, 1.0, "D(x)"
        else:
            mid = float(np.nanmedian(field))
            half = float(np.nanmax(np.abs(field - mid))) or 1.0
            zmin, zmax, label = mid - half, mid + half, "f(x)"
        traces.append(go.Heatmap(   # sent whole on every frame and control: on_wire
            x=on_wire(grid), y=on_wire(grid), z=on_wire(field),
            zmin=zmin, zmax=zmax, colorscale=PALE_DIVERGING,
            showscale=True, colorbar=dict(title=dict(text=label, font=AXIS_FONT),
                                          tickfont=AXIS_FONT, thickness=14, len=0.8),
            hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>" + label + "=%{z:.3g}<extra></extra>",
            name=label))
    if manifold is not None:
        m = np.asarray(manifold, dtype=float)
        lines = [m[i] for i in range(m.shape[0])]
        if m.shape[0] > 1:
            lines += [m[:, j] for j in range(m.shape[1])]
        xs = np.concatenate([np.append(line[:, 0], np.nan) for line in lines])
        ys = np.concatenate([np.append(line[:, 1], np.nan) for line in lines])
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", name="G(latent grid)",
                                 line=dict(color=MANIFOLD, width=1), opacity=0.6,
                                 hoverinfo="skip"))
    if grad is not None:
        keep = np.linspace(0, len(fake) - 1, min(len(fake), MAX_POINTS)).astype(int)
        ax, ay = arrow_segments(np.asarray(fake)[keep], np.asarray(grad)[keep], arrow_scale)
        traces.append(go.Scatter(x=on_wire(ax), y=on_wire(ay),
                                 mode="lines", name="push on G (−∇ loss)",
                                 line=dict(color="rgba(60,60,60,0.75)", width=1.2),
                                 hoverinfo="skip"))
    fake = _thin(fake)
    traces.append(go.Scatter(x=fake[:, 0], y=fake[:, 1], mode="markers", name="generated",
                             marker=dict(color=FAKE, size=7, line=dict(color="white", width=0.5)),
                             hovertemplate="fake (%{x:.2f}, %{y:.2f})<extra></extra>"))
    # The real points last: drawn above the fakes, so a collapsed generator cannot hide the data.
    real = _thin(real)
    traces.append(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="real",
                             marker=dict(color=REAL, size=5, line=dict(color="white", width=0.5)),
                             hovertemplate="real (%{x:.2f}, %{y:.2f})<extra></extra>"))
    if modes is not None and len(modes):
        modes = np.asarray(modes)
        traces.append(go.Scatter(x=modes[:, 0], y=modes[:, 1], mode="markers", name="modes",
                                 marker=dict(symbol="circle-open", size=16, color=COLORS["green"],
                                             line=dict(width=2)), hoverinfo="skip"))
    fig = go.Figure(traces)
    styled(fig, title, height)
    # The legend below the plane, at the figure's bottom edge (styled's LEGEND): five legend
    # entries above it wrapped onto the title.
    fig.update_layout(margin=dict(t=TITLE_TOP + 30 if title else 20))
    return _axes(fig, "x₁", "x₂", plane=extent)


def frame_figure_from_run(run, i: int, show_manifold: bool = False, title: str | None = None,
                          **kwargs) -> go.Figure:
    """:func:`frame_figure` for frame i of a :class:`gdm_core.gan.GANRun`."""
    from gdm_core.gan import toy_modes

    f = run.frame(i)
    return frame_figure(run.real, f.fake, f.grad, run.grid, f.field, run.field_kind,
                        manifold=f.manifold if show_manifold else None,
                        modes=toy_modes(run.config.data),
                        title=title if title is not None else f"generator step {f.step}", **kwargs)


def manifold_figure(manifold, real=None, title: str | None = "G maps a latent grid into the plane",
                    extent: float = 3.0, height: int = 520) -> go.Figure:
    """The image of a latent grid under G (GAN Lab's "manifold") over the real points."""
    return frame_figure(real if real is not None else np.zeros((0, 2)), np.zeros((0, 2)),
                        manifold=manifold, title=title, extent=extent, height=height)


def _curves(series: dict[str, tuple], title, y_title, height, log_y=False) -> go.Figure:
    fig = go.Figure()
    for i, (name, (x, y, color, dash)) in enumerate(series.items()):
        fig.add_trace(go.Scatter(x=np.asarray(x), y=np.asarray(y, dtype=float), mode="lines",
                                 name=name, line=dict(color=color, width=3, dash=dash)))
    styled(fig, title, height)
    if log_y:  # decades only: Plotly's own log ticks label minor digits ("10 2 5 100")
        values = np.concatenate([np.asarray(v[1], dtype=float).ravel() for v in series.values()])
        fig.update_yaxes(**log_axis(values))
    return _axes(fig, "generator step", y_title)


def losses_figure(step, d_loss, g_loss, loss: str = "wgan-gp", title: str | None = "Losses",
                  height: int = 380) -> go.Figure:
    """Discriminator (critic) and generator losses over training."""
    d_name = "critic loss" if loss.startswith("wgan") else "D loss"
    return _curves({d_name: (step, d_loss, COLORS["blue"], None),
                    "G loss": (step, g_loss, COLORS["red"], None)}, title, "loss", height)


def w1_figure(runs: dict, floor: tuple[float, float] | None = None, n: int | None = None,
              title: str | None = None, height: int = 380) -> go.Figure:
    """W₁ between samples over training for one or more runs: ``{name: (step, w1)}`` or
    ``{name: (step, w1, loss)}``.

    ``floor`` is (mean, sd) of W₁ between two independent real samples of the same size ``n``:
    a perfect generator sits in that band, not at 0 (``gdm_core.gan_referee``).
    """
    series = {}
    for i, (name, val) in enumerate(runs.items()):
        color = LOSS_COLORS.get(val[2], None) if len(val) > 2 else None
        series[name] = (val[0], val[1], color or list(COLORS.values())[i % 8], None)
    if title is None:
        title = "W₁ between samples" + (f" (n = {n:,})" if n else "")
    fig = _curves(series, title, "W₁", height)
    if floor is not None and all(math.isfinite(v) for v in floor):
        mean, sd = floor
        fig.add_hrect(y0=max(mean - sd, 0.0), y1=mean + sd, fillcolor="#999", opacity=0.3,
                      line_width=0, annotation_text="two real samples (mean ± sd)",
                      annotation_position="top right", annotation_font=AXIS_FONT)
        fig.add_hline(y=mean, line=dict(color="#555", dash="dot", width=2))
    fig.update_yaxes(rangemode="tozero")
    return fig


def coverage_figure(step, modes, near, n_modes: int, n: int | None = None,
                    title: str | None = "Modes captured over training",
                    height: int = 380) -> go.Figure:
    """Modes captured (left axis, 0..m) and the share of high-quality fakes (right, 0..100 %),
    by VEEGAN/PacGAN's rule on ``n`` fakes per point."""
    fig = go.Figure([
        go.Scatter(x=np.asarray(step), y=np.asarray(modes), mode="lines", name="modes captured",
                   line=dict(color=COLORS["green"], width=3, shape="hv")),
        go.Scatter(x=np.asarray(step), y=100 * np.asarray(near, dtype=float), mode="lines",
                   name="% high-quality fakes" + (f" (of {n:,})" if n else ""), yaxis="y2",
                   line=dict(color=COLORS["orange"], width=3, dash="dash")),
    ])
    styled(fig, title, height)
    _axes(fig, "generator step", "modes captured")
    fig.update_yaxes(range=[0, n_modes + 0.5])
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", range=[0, 105],
                                  title=dict(text="% high quality", font=AXIS_FONT),
                                  tickfont=AXIS_FONT, showgrid=False))
    return fig


def mode_counts_figure(counts, n: int, title: str | None = None, height: int = 300) -> go.Figure:
    """High-quality fakes per mode (bars), out of ``n`` fakes scored; a fair share is n/m.

    A captured mode has a bar above 0; imbalance between modes shows as uneven bars."""
    counts = np.asarray(counts, dtype=float)
    m = len(counts)
    fig = go.Figure(go.Bar(x=[f"{k + 1}" for k in range(m)], y=counts,
                           marker_color=[COLORS["green"] if c > 0 else "#bbb" for c in counts],
                           hovertemplate="mode %{x}: %{y:.0f} fakes<extra></extra>",
                           name="high-quality fakes"))
    styled(fig, title if title is not None else f"High-quality fakes per mode (of {n:,})",
           height)
    if m:
        fig.add_hline(y=n / m, line=dict(color="#555", dash="dot", width=2),
                      annotation_text="fair share", annotation_position="top right",
                      annotation_font=AXIS_FONT)
    fig.update_layout(showlegend=False)
    return _axes(fig, "mode", "fakes")


def weight_histogram_figure(weights: dict, clip: float | None = None,
                            title: str | None = "Critic weights", height: int = 380,
                            bins: int = 60) -> go.Figure:
    """Histogram of critic weights, ``{name: flat weights}``; clipping piles them at ±c.

    Counts are binned here with NumPy (one bar trace per run), so the browser gets ``bins``
    numbers, not every weight.
    """
    all_w = np.concatenate([np.asarray(w, dtype=float).ravel() for w in weights.values()])
    lo, hi = float(all_w.min()), float(all_w.max())
    if clip is not None:
        lo, hi = min(lo, -1.1 * clip), max(hi, 1.1 * clip)
    edges = np.linspace(lo, hi if hi > lo else lo + 1, bins + 1)
    fig = go.Figure()
    for i, (name, w) in enumerate(weights.items()):
        counts, _ = np.histogram(np.asarray(w, dtype=float).ravel(), edges)
        fig.add_trace(go.Bar(x=0.5 * (edges[1:] + edges[:-1]), y=100 * counts / max(1, counts.sum()),
                             width=np.diff(edges), name=name, opacity=0.7,
                             marker_color=list(LOSS_COLORS.values())[(i + 2) % 4]))
    styled(fig, title, height)
    fig.update_layout(barmode="overlay")
    if clip is not None:
        for c in (-clip, clip):
            fig.add_vline(x=c, line=dict(color="#111", dash="dot", width=2))
    return _axes(fig, "weight value", "% of weights")


def grad_norm_lines_figure(t, norms: dict, title: str | None = "‖∇ₓ f‖ on lines from fake to real",
                           height: int = 380) -> go.Figure:
    """‖∇ₓ f‖ along lines between fake (t = 0) and real (t = 1) points, ``{name: (n_lines, k)}``.

    One thin line per segment and a thick median per run; 1 (the penalty's target) is dotted.
    """
    fig = go.Figure()
    t = np.asarray(t, dtype=float)
    for i, (name, val) in enumerate(norms.items()):
        val = np.asarray(val, dtype=float)
        color = list(LOSS_COLORS.values())[(i + 2) % 4] if len(norms) > 1 else COLORS["blue"]
        if isinstance(name, str) and name in LOSS_COLORS:
            color = LOSS_COLORS[name]
        xs = np.concatenate([np.append(t, np.nan) for _ in val]) if len(val) else []
        ys = np.concatenate([np.append(row, np.nan) for row in val]) if len(val) else []
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=color, width=1),
                                 opacity=0.35, showlegend=False, hoverinfo="skip"))
        if len(val):
            fig.add_trace(go.Scatter(x=t, y=np.median(val, axis=0), mode="lines", name=str(name),
                                     line=dict(color=color, width=4)))
    fig.add_hline(y=1.0, line=dict(color="#111", dash="dot", width=2))
    styled(fig, title, height)
    return _axes(fig, "t  (0 = fake, 1 = real)", "‖∇ₓ f‖")
