"""Figures for the VAE latent-space page: image grids, the latent scatter, ELBO bars, curves.

Images arrive as pixel probabilities in [0, 1] (N, 28, 28) and are drawn as ink on white
(probability 1 = black), which reads better on a projector than MNIST's white on black.
Large grids are sent as one PNG (a few kB instead of a JSON array of every pixel) with an
invisible marker on each tile that carries the hover text.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS, TITLE_TOP, styled

# Ten digits need ten colours that stay apart on white and on a washed-out projector: no
# yellow (faint on white), every colour at least 2.5:1 against white, and every pair at least
# 33 apart in CIELAB (ΔE76) — the subset of Okabe–Ito, Tol and ColorBrewer colours with the
# largest smallest distance. Digits whose clusters touch in the latent plane get far-apart
# colours (1/9/3, 4/8/9, 7/9); each class centroid also carries the digit itself.
DIGIT_COLORS = [
    "#6A3D9A",  # 0 violet
    "#0072B2",  # 1 blue
    "#8C564B",  # 2 brown
    "#117733",  # 3 dark green
    "#000000",  # 4 black
    "#A6761D",  # 5 ochre
    "#999999",  # 6 grey
    "#44AA99",  # 7 teal
    "#CC79A7",  # 8 pink
    "#D55E00",  # 9 vermillion
]
TILE = 28


def to_gray(probs: np.ndarray) -> np.ndarray:
    """Probabilities in [0, 1] → uint8 grey levels, ink dark: 255·(1 − p), rounded."""
    p = np.clip(np.nan_to_num(np.asarray(probs, dtype=np.float64), nan=0.0), 0.0, 1.0)
    return np.rint(255.0 * (1.0 - p)).astype(np.uint8)


def png_bytes(gray: np.ndarray) -> bytes:
    """Encode a 2-D uint8 array as an 8-bit greyscale PNG (no filter), with the stdlib only."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError(f"expected a non-empty 2-D image, got shape {gray.shape}.")
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[row].tobytes() for row in range(h))  # filter byte 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit, greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def png_data_uri(gray: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(gray)).decode("ascii")


def tile(images: np.ndarray, ncols: int, gap: int = 2) -> np.ndarray:
    """Lay images (K, 28, 28) of probabilities out row by row into one grey uint8 mosaic."""
    images = np.asarray(images)
    k = len(images)
    if k == 0:
        raise ValueError("there are no images to show.")
    ncols = max(1, min(ncols, k))
    nrows = -(-k // ncols)
    step = TILE + gap
    mosaic = np.full((nrows * step - gap, ncols * step - gap), 255, dtype=np.uint8)
    gray = to_gray(images)
    for i in range(k):
        r, c = divmod(i, ncols)
        mosaic[r * step:r * step + TILE, c * step:c * step + TILE] = gray[i]
    return mosaic


def image_grid(
    images: np.ndarray,
    ncols: int,
    hover: Sequence[str],
    title: str | None = None,
    height: int | None = None,
    gap: int = 2,
    xticks: tuple[list[float], list[str]] | None = None,
    yticks: tuple[list[float], list[str]] | None = None,
) -> go.Figure:
    """A mosaic of digits as one PNG image, with one hover text per tile.

    Tile i sits at row i // ncols, column i % ncols; its centre (in pixels) carries ``hover[i]``.
    """
    images = np.asarray(images)
    if len(hover) != len(images):
        raise ValueError(f"{len(images)} images but {len(hover)} hover texts.")
    mosaic = tile(images, ncols, gap)
    ncols = max(1, min(ncols, len(images)))
    step = TILE + gap
    idx = np.arange(len(images))
    cx = (idx % ncols) * step + TILE / 2 - 0.5
    cy = (idx // ncols) * step + TILE / 2 - 0.5
    fig = go.Figure([
        go.Image(source=png_data_uri(mosaic), hoverinfo="skip", name="digits"),
        go.Scatter(
            x=cx, y=cy, mode="markers", text=list(hover), name="tiles",
            marker=dict(size=max(6, TILE), symbol="square", opacity=0),
            hovertemplate="%{text}<extra></extra>", showlegend=False,
        ),
    ])
    h, w = mosaic.shape
    if height is None:
        height = int(min(720, max(180, 60 + 520 * h / max(w, 1))))
    styled(fig, title, height)
    fig.update_xaxes(showgrid=False, zeroline=False, range=[-0.5, w - 0.5],
                     showticklabels=xticks is not None, constrain="domain")
    fig.update_yaxes(showgrid=False, zeroline=False, range=[h - 0.5, -0.5],
                     showticklabels=yticks is not None, scaleanchor="x", constrain="domain")
    if xticks is not None:
        fig.update_xaxes(tickvals=xticks[0], ticktext=xticks[1])
    if yticks is not None:
        fig.update_yaxes(tickvals=yticks[0], ticktext=yticks[1])
    fig.update_layout(margin=dict(l=60 if yticks else 10, r=10, b=55 if xticks else 10))
    return fig


def manifold_figure(images: np.ndarray, z: np.ndarray, n: int) -> go.Figure:
    """The decoded latent grid (Kingma & Welling 2014, Fig. 4), hover and ticks give z."""
    z = np.asarray(z, dtype=np.float64)
    hover = [f"z₁ = {a:.2f}, z₂ = {b:.2f}" for a, b in z]
    step = TILE + 1
    centres = [i * step + TILE / 2 - 0.5 for i in range(n)]
    every = max(1, n // 8)
    ticks = list(range(0, n, every))
    xticks = ([centres[i] for i in ticks], [f"{z[i, 0]:.1f}" for i in ticks])
    yticks = ([centres[i] for i in ticks], [f"{z[i * n, 1]:.1f}" for i in ticks])
    fig = image_grid(images, n, hover, None, height=640, gap=1, xticks=xticks, yticks=yticks)
    fig.update_xaxes(title="z₁")
    fig.update_yaxes(title="z₂")
    fig.update_layout(margin=dict(l=70, r=10, t=30, b=60))
    return fig


def latent_scatter(
    mu: np.ndarray,
    labels: np.ndarray,
    chosen: tuple[float, float] | None = None,
    radii: dict[float, float] | None = None,
    path: np.ndarray | None = None,
    title: str | None = None,
) -> go.Figure:
    """μ(x) of the test digits, one trace per label; the prior's circles; the chosen point.

    Each point's ``customdata`` is its index in the test sample, so hover (and a click) can
    name the digit. ``radii`` maps a prior mass p to the radius of the circle holding it.
    """
    mu = np.asarray(mu, dtype=np.float64)
    labels = np.asarray(labels)
    fig = go.Figure()
    theta = np.linspace(0, 2 * np.pi, 121)
    for p, r in sorted((radii or {}).items()):
        fig.add_trace(go.Scatter(
            x=r * np.cos(theta), y=r * np.sin(theta), mode="lines", name=f"prior {p:.0%}",
            line=dict(color="#555555", width=1.5, dash="dot"), showlegend=False,
            hovertemplate=f"prior N(0, I): {p:.0%} of its mass inside (r = {r:.2f})<extra></extra>",
        ))
    for digit in range(10):
        idx = np.flatnonzero(labels == digit)
        fig.add_trace(go.Scatter(
            x=mu[idx, 0], y=mu[idx, 1], mode="markers", name=str(digit),
            customdata=idx, marker=dict(size=6, color=DIGIT_COLORS[digit], opacity=0.75),
            hovertemplate=(f"label {digit}, test digit #%{{customdata}}"
                           "<br>μ = (%{x:.2f}, %{y:.2f})<extra></extra>"),
        ))
    # the digit itself at each class's centre (median of its codes: robust to stray points),
    # in a white disc ringed with the class colour, so no one has to match colours to a legend
    present = [d for d in range(10) if np.any(labels == d)]
    if present:
        centres = np.array([np.median(mu[labels == d], axis=0) for d in present])
        fig.add_trace(go.Scatter(
            x=centres[:, 0], y=centres[:, 1], mode="markers+text", name="digit labels",
            text=[str(d) for d in present], textposition="middle center",
            textfont=dict(size=20, color=COLORS["black"], family="Arial Black, Arial, sans-serif"),
            marker=dict(size=30, color="rgba(255,255,255,0.88)",
                        line=dict(width=3, color=[DIGIT_COLORS[d] for d in present])),
            showlegend=False, hovertemplate="centre of the %{text}s<extra></extra>",
        ))
    if path is not None:
        path = np.asarray(path, dtype=np.float64)
        fig.add_trace(go.Scatter(
            x=path[:, 0], y=path[:, 1], mode="lines+markers", name="interpolation",
            line=dict(color=COLORS["black"], width=2), marker=dict(size=5),
            hovertemplate="interpolation z = (%{x:.2f}, %{y:.2f})<extra></extra>",
        ))
    if chosen is not None:
        fig.add_trace(go.Scatter(
            x=[chosen[0]], y=[chosen[1]], mode="markers", name="chosen z",
            marker=dict(size=20, symbol="x-thin", line=dict(width=4, color=COLORS["black"])),
            hovertemplate="chosen z = (%{x:.2f}, %{y:.2f})<extra></extra>",
        ))
    styled(fig, title, 560)
    fig.update_xaxes(title="z₁ (μ₁)", zeroline=False)
    fig.update_yaxes(title="z₂ (μ₂)", zeroline=False, scaleanchor="x")
    fig.update_layout(legend=dict(title="label"))
    return fig


def picked_point(selection) -> tuple[float, float, int | None] | None:
    """(x, y, test index) of the first point in a Plotly selection event, or None.

    Streamlit hands ``{"points": [{"x": .., "y": .., "customdata": ..}, ...]}``; a click on a
    prior circle or the chosen marker carries no index.
    """
    try:
        points = selection["points"]
    except (KeyError, TypeError):
        points = getattr(selection, "points", None)
    if not points:
        return None
    point = points[0]
    try:
        x, y = float(point["x"]), float(point["y"])
    except (KeyError, TypeError, ValueError):
        return None
    index = point.get("customdata")
    if isinstance(index, (list, tuple)):
        index = index[0] if index else None
    try:
        index = int(index) if index is not None else None
    except (TypeError, ValueError):
        index = None
    if not (np.isfinite(x) and np.isfinite(y)):
        return None
    return x, y, index


def digit_heatmap(image: np.ndarray, title: str | None = None, height: int = 300,
                  what: str = "p(pixel on)") -> go.Figure:
    """One 28×28 image as a heatmap; hover gives the row, column and value."""
    img = np.asarray(image, dtype=np.float64).reshape(28, 28)
    fig = go.Figure(go.Heatmap(
        z=img, colorscale="Greys", zmin=0, zmax=1, showscale=False,
        hovertemplate=f"row %{{y}}, column %{{x}}<br>{what} = %{{z:.3f}}<extra></extra>",
    ))
    styled(fig, title, height)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(margin=dict(l=5, r=5, t=TITLE_TOP + 30 if title else 5, b=5))
    return fig


def reconstruction_pairs(originals: np.ndarray, recons: np.ndarray,
                         indices: Sequence[int], labels: Sequence[int]) -> go.Figure:
    """Originals (top row) above their reconstructions (bottom row), column by column."""
    k = len(indices)
    if not (len(originals) == len(recons) == k == len(labels)):
        raise ValueError("originals, reconstructions, indices and labels must have equal length.")
    images = np.concatenate([np.asarray(originals), np.asarray(recons)])
    hover = ([f"original: test digit #{i} (label {lab})" for i, lab in zip(indices, labels)]
             + [f"reconstruction of #{i}: decode(μ(x))" for i in indices])
    step = TILE + 2
    yticks = ([TILE / 2 - 0.5, step + TILE / 2 - 0.5], ["original", "reconstructed"])
    fig = image_grid(images, k, hover, None, height=int(min(420, 120 + 900 / max(k, 3))),
                     yticks=yticks)
    fig.update_layout(margin=dict(l=120))
    return fig


def interpolation_strip(images: np.ndarray, t: np.ndarray, z: np.ndarray) -> go.Figure:
    """Decoded points along a latent segment, left (t = 0) to right (t = 1)."""
    z = np.asarray(z, dtype=np.float64)
    hover = [f"t = {ti:.2f}, z = ({a:.2f}, {b:.2f})" for ti, (a, b) in zip(t, z)]
    step = TILE + 2
    xticks = ([i * step + TILE / 2 - 0.5 for i in range(len(t))], [f"{ti:.2f}" for ti in t])
    fig = image_grid(images, len(images), hover, None, height=220, xticks=xticks)
    fig.update_xaxes(title="t")
    return fig


def elbo_bars(rows: Sequence[tuple[str, float, float]], unit: str) -> go.Figure:
    """Stacked bars per row (name, reconstruction term, KL): −reconstruction + KL = −ELBO.

    Both stacked parts are non-negative (−log p(x|z) ≥ 0 for Bernoulli pixels, KL ≥ 0), so the
    bar's total height is the negative ELBO, the quantity training minimises.
    """
    names = [r[0] for r in rows]
    neg_rec = [-r[1] for r in rows]
    kl = [r[2] for r in rows]
    total = [a + b for a, b in zip(neg_rec, kl)]
    fig = go.Figure([
        go.Bar(x=names, y=neg_rec, name="−reconstruction  −E_q[log p(x|z)]",
               marker_color=COLORS["blue"], customdata=total,
               hovertemplate=f"−E_q[log p(x|z)] = %{{y:.2f}} {unit}"
                             f"<br>−ELBO = %{{customdata:.2f}} {unit}<extra></extra>"),
        go.Bar(x=names, y=kl, name="KL(q(z|x) ‖ p(z))", marker_color=COLORS["orange"],
               customdata=total,
               hovertemplate=f"KL = %{{y:.2f}} {unit}"
                             f"<br>−ELBO = %{{customdata:.2f}} {unit}<extra></extra>"),
    ])
    styled(fig, None, 380)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=f"{unit} (bar height = −ELBO)")
    return fig


def training_curve(history: Sequence[dict], unit: str, convert=lambda v: v) -> go.Figure:
    """Per-epoch −ELBO from checkpoint metadata (train running mean, and test when recorded)."""
    fig = go.Figure()
    for key, name, color in (("train_neg_elbo", "train (running mean)", COLORS["sky"]),
                             ("test_neg_elbo", "test set", COLORS["blue"])):
        pts = [(h["epoch"], convert(h[key])) for h in history
               if isinstance(h, dict) and isinstance(h.get(key), (int, float))
               and isinstance(h.get("epoch"), (int, float))]
        if pts:
            fig.add_trace(go.Scatter(
                x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines+markers", name=name,
                line=dict(color=color, width=3),
                hovertemplate=f"epoch %{{x}}<br>{name}: −ELBO = %{{y:.2f}} {unit}<extra></extra>",
            ))
    styled(fig, None, 380)
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title=f"−ELBO ({unit}, lower is better)")
    return fig


def mean_and_sample(mean: np.ndarray, sample: np.ndarray,
                    z: tuple[float, float] | None = None) -> go.Figure:
    """The decoder's mean image E[x | z] beside one Bernoulli sample x ~ p(x | z).

    A VAE with Bernoulli pixels *generates* the sample (each pixel on with its probability);
    the smooth mean image is what is usually shown. ``mean`` holds pixel probabilities,
    ``sample`` the 0/1 pixels drawn from them (e.g. ``rng.random(mean.shape) < mean``), both
    28×28 (or 784 values).
    """
    mean = np.asarray(mean, dtype=np.float64).reshape(TILE, TILE)
    sample = np.asarray(sample, dtype=np.float64)
    if sample.size != TILE * TILE:
        raise ValueError(f"the sample must have {TILE * TILE} pixels, got {sample.size}.")
    sample = sample.reshape(TILE, TILE)
    if not np.all((sample == 0) | (sample == 1)):
        raise ValueError("the sample must be 0/1 pixels (a Bernoulli draw from the mean).")
    where = "" if z is None else f" at z = ({z[0]:.2f}, {z[1]:.2f})"
    labels = ["mean E[x | z]", "a sample x ~ p(x | z)"]
    hover = [f"the mean image{where}: each pixel's probability of being on",
             f"one Bernoulli sample{where}: each pixel on with that probability"]
    step = TILE + 6
    xticks = ([TILE / 2 - 0.5, step + TILE / 2 - 0.5], labels)
    fig = image_grid(np.stack([mean, sample]), 2, hover, None, height=300, gap=6, xticks=xticks)
    fig.update_layout(margin=dict(l=10, r=10, t=10, b=60))
    return fig


def judge_histogram(counts: dict[str, Sequence[int]], n: int,
                    title: str | None = None, height: int = 320) -> go.Figure:
    """What the independent classifier reads in each model's decodes: share of each class,
    ``{model name: counts (10,)}`` out of ``n`` decodes, grouped bars, the fair 10 % dotted."""
    colors = [COLORS["orange"], COLORS["blue"], COLORS["green"]]
    fig = go.Figure([
        go.Bar(x=[str(d) for d in range(10)], y=100 * np.asarray(c, dtype=float) / n, name=name,
               marker_color=colors[i % len(colors)],
               hovertemplate=name + ": %{y:.1f} % read as %{x}<extra></extra>")
        for i, (name, c) in enumerate(counts.items())
    ])
    styled(fig, title, height)
    fig.add_hline(y=10, line=dict(color="#555", dash="dot", width=2))
    fig.update_xaxes(title="class the judge reads")
    fig.update_yaxes(title="% of decodes", rangemode="tozero")
    fig.update_layout(barmode="group")  # the legend under the plot: styled's LEGEND
    return fig
