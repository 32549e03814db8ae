"""Figures of optimal transport's two faces (the Divergences page's "Plan and critic" tab): the
plan as moves between piles and as a coupling matrix, the critic as a function. Numbers come from
:mod:`gdm_core.transport_duality`; nothing is computed here beyond placing them.

Arrows are Plotly annotations (one per non-zero plan entry, ``name="move i→j"``), their width
proportional to the mass moved; a marker at each arrow's middle carries its numbers on hover.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gdm_core.transport_duality import MASS_TOL
from gdm_app.figures import COLORS
from gdm_app.figures.divergences import _finish

ARROW = "rgba(40,40,40,0.75)"
MIN_WIDTH, MAX_WIDTH = 1.5, 11.0  # px: the lightest move and the heaviest
HEAD_PX = 3.5  # arrowsize × width: Plotly's head (arrowhead=2) is about 3.5× this long


def arrow_width(mass: float, heaviest: float) -> float:
    """An arrow's width in px, proportional to the mass it moves (the heaviest gets MAX_WIDTH)."""
    return max(MIN_WIDTH, MAX_WIDTH * mass / heaviest) if heaviest > 0 else MIN_WIDTH


def head_size(width: float) -> float:
    """Plotly's ``arrowsize`` (a multiple of the line's width) for a head of about 12 px on
    every arrow, thin or thick (at least 0.3, Plotly's smallest)."""
    return max(0.3, HEAD_PX / width)


def pile_size(mass: float) -> float:
    """A pile's marker diameter in px: its area proportional to the mass."""
    return 10.0 + 44.0 * float(np.sqrt(mass))


def _arrows(fig, moves, start, end, a, b, xref="x", yref="y"):
    """One annotation per move, from ``start(i)`` to ``end(j)``, width ∝ mass, starting and
    ending at the piles' edges (their sizes from the masses a, b); hover at the middle."""
    heaviest = max((m for _, _, m, _ in moves), default=0.0)
    mid_x, mid_y, text = [], [], []
    for i, j, mass, dist in moves:
        (x0, y0), (x1, y1) = start(i), end(j)
        width = arrow_width(mass, heaviest)
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref=xref, yref=yref, axref=xref,
                           ayref=yref, showarrow=True, arrowhead=2, arrowsize=head_size(width),
                           arrowwidth=width, arrowcolor=ARROW, text="",
                           startstandoff=pile_size(a[i]) / 2, standoff=pile_size(b[j]) / 2,
                           name=f"move {i + 1}→{j + 1}")
        mid_x.append((x0 + x1) / 2)
        mid_y.append((y0 + y1) / 2)
        text.append(f"x{i + 1} → y{j + 1}<br>mass π = {mass:.4f}<br>distance = {dist:.4f}"
                    f"<br>cost π·d = {mass * dist:.4f}")
    # the legend's entry for the arrows, and their numbers on hover
    fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", name="moves (width ∝ mass)",
                             marker=dict(color=ARROW, size=6, symbol="line-ew-open"),
                             hovertext=text, hoverinfo="text", xaxis=xref, yaxis=yref))


def transport_line(x, a, y, b, moves, grid, critic, values, title: str | None = None,
                   height: int = 500) -> go.Figure:
    """On a line: the piles of p (top row) and q (bottom row) with an arrow per move (above),
    and the critic f drawn over the same axis with its values at the points (below)."""
    x, a, y, b = (np.asarray(v, float).reshape(-1) for v in (x, a, y, b))
    values = np.asarray(values, float)
    n = len(x)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.5, 0.5])
    _arrows(fig, moves, lambda i: (x[i], 1.0), lambda j: (y[j], 0.0), a, b)
    fig.add_trace(go.Scatter(x=x, y=np.ones(n), mode="markers+text", name="p: piles of earth",
                             marker=dict(color=COLORS["blue"], size=[pile_size(m) for m in a],
                                         line=dict(width=1, color="white")),
                             text=[f"{m:.2f}" for m in a], textposition="top center",
                             hovertemplate="x = %{x:.3f}<br>mass %{text}<extra>p</extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=y, y=np.zeros(len(y)), mode="markers+text",
                             name="q: holes to fill",
                             marker=dict(color=COLORS["orange"], symbol="diamond",
                                         size=[pile_size(m) for m in b],
                                         line=dict(width=1, color="white")),
                             text=[f"{m:.2f}" for m in b], textposition="bottom center",
                             hovertemplate="y = %{x:.3f}<br>mass %{text}<extra>q</extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=grid, y=critic, mode="lines", name="critic f, 1-Lipschitz",
                             line=dict(color=COLORS["green"], width=4),
                             hovertemplate="z = %{x:.3f}<br>f(z) = %{y:.4f}<extra></extra>"),
                  row=2, col=1)
    fig.add_trace(go.Scatter(x=x, y=values[:n], mode="markers", name="f at p's points",
                             showlegend=False, marker=dict(color=COLORS["blue"], size=11),
                             hovertemplate="f(x) = %{y:.4f}<extra>p</extra>"), row=2, col=1)
    fig.add_trace(go.Scatter(x=y, y=values[n:], mode="markers", name="f at q's points",
                             showlegend=False,
                             marker=dict(color=COLORS["orange"], size=11, symbol="diamond"),
                             hovertemplate="f(y) = %{y:.4f}<extra>q</extra>"), row=2, col=1)
    fig.update_yaxes(tickvals=[0, 1], ticktext=["q", "p"], range=[-0.55, 1.55], showgrid=False,
                     zeroline=False, row=1, col=1)
    fig.update_yaxes(title="critic f", row=2, col=1)
    fig.update_xaxes(title="position on the line", row=2, col=1)
    return _finish(fig, title, height)


def transport_plane(x, a, y, b, moves, gx, gy, critic, title: str | None = None,
                    height: int = 500) -> go.Figure:
    """In the plane: the critic f as a contour map, the points of p and q (area ∝ mass) and an
    arrow per move, on equal axes."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    fig = go.Figure()
    fig.add_trace(go.Contour(x=gx, y=gy, z=critic, name="critic f", showlegend=False,
                             colorscale="Greens", reversescale=True, opacity=0.75,
                             contours=dict(coloring="heatmap", showlines=True),
                             line=dict(width=1, color="rgba(0,0,0,0.25)"),
                             colorbar=dict(title=dict(text="f", side="right"), thickness=14,
                                           len=0.8),
                             hovertemplate="(%{x:.2f}, %{y:.2f})<br>f = %{z:.3f}<extra></extra>"))
    _arrows(fig, moves, lambda i: tuple(x[i]), lambda j: tuple(y[j]), a, b)
    fig.add_trace(go.Scatter(x=x[:, 0], y=x[:, 1], mode="markers", name="p: piles of earth",
                             marker=dict(color=COLORS["blue"], size=[pile_size(m) for m in a],
                                         line=dict(width=1, color="white")),
                             customdata=np.asarray(a, float),
                             hovertemplate="(%{x:.2f}, %{y:.2f})<br>mass %{customdata:.3f}"
                                           "<extra>p</extra>"))
    fig.add_trace(go.Scatter(x=y[:, 0], y=y[:, 1], mode="markers", name="q: holes to fill",
                             marker=dict(color=COLORS["orange"], symbol="diamond",
                                         size=[pile_size(m) for m in b],
                                         line=dict(width=1, color="white")),
                             customdata=np.asarray(b, float),
                             hovertemplate="(%{x:.2f}, %{y:.2f})<br>mass %{customdata:.3f}"
                                           "<extra>q</extra>"))
    # a legend entry for the shading
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="critic f (darker: lower)",
                             marker=dict(color=COLORS["green"], size=12, symbol="square")))
    fig.update_xaxes(title="first coordinate", range=[float(gx[0]), float(gx[-1])],
                     showgrid=False, zeroline=False)
    fig.update_yaxes(title="second coordinate", range=[float(gy[0]), float(gy[-1])],
                     scaleanchor="x", showgrid=False, zeroline=False)
    return _finish(fig, title, height)


def coupling_matrix(plan, a, b, title: str | None = None,
                    height: int | None = None) -> go.Figure:
    """The plan π as a table: row i sends mass a_i from x_i, column j receives b_j at y_j; each
    cell is the mass moved from x_i to y_j (blank where nothing moves)."""
    plan = np.asarray(plan, float)
    n, m = plan.shape
    rows = [f"x{i + 1}: {a[i]:.2f}" for i in range(n)]
    cols = [f"y{j + 1}<br>{b[j]:.2f}" for j in range(m)]
    text = [[f"{v:.2f}" if v > MASS_TOL else "" for v in row] for row in plan]
    height = height or 170 + 30 * n  # rows of about 30 px
    fig = go.Figure(go.Heatmap(z=plan, x=cols, y=rows, text=text, texttemplate="%{text}",
                               textfont=dict(size=16), colorscale="Blues", zmin=0,
                               showscale=False, xgap=2, ygap=2, name="plan π",
                               hovertemplate="%{y} → %{x}<br>π = %{z:.4f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title="from p (mass)", showgrid=False, ticks="")
    fig.update_xaxes(title="to q (mass)", showgrid=False, ticks="")
    fig.update_layout(margin=dict(l=100, r=10, t=60 if title else 20, b=90))
    return _finish(fig, title, height)
