"""Plotly figure builders, one module per topic; this file holds the shared look.

Figures are built from numbers computed in the topic modules, never computed here, and return
``plotly.graph_objects.Figure`` so that tests can read their traces.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito: distinguishable with colour-blindness and on a washed-out projector.
COLORS = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "red": "#D55E00",
    "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000",
}
PALETTE = list(COLORS.values())


# Projector-ready type: read from the back row of a lecture hall on a washed-out projector.
INK = "#111111"          # text: contrast 18.9:1 on white (WCAG AAA needs 7:1)
GRID = "#c8c8c8"         # gridlines: light, but still visible when projected
AXIS_LINE = "#444444"
TEXT_SIZE = 16           # tick labels, legends, annotations (px)
AXIS_TITLE_SIZE = 17     # axis titles
TITLE_SIZE = 20          # figure titles
TITLE_TOP = 34           # px from the figure's top to its title's: the toolbar is 28 px tall

# The legend lives under the plot, pinned to the figure's bottom edge (``yref="container"``):
# the title has the top band, the legend the bottom one, so the two never meet however many rows
# the legend wraps to. Plotly reserves the legend's height *below* the bottom margin, which keeps
# the tick labels and the axis title (and a figure's Play buttons) clear of it. A builder that
# moves the legend must set ``yref`` too (a bare ``y=-0.2`` would be read in container units).
# Something drawn under the plot (buttons, a slider) goes at paper ``y=0, yanchor="top"`` with a
# ``pad`` in px: the plot area's height varies with the legend's rows, so ``y=-0.2`` would drift.
LEGEND = dict(orientation="h", xref="paper", x=0, xanchor="left",
              yref="container", y=0, yanchor="bottom")

# The trace types the app draws (``go.Image`` has no template defaults).
TRACE_TYPES = ("scatter", "bar", "histogram", "heatmap", "contour", "surface", "scatter3d")


def _register_template() -> None:
    # Registered once as Plotly's default: a figure then gets it at construction for ~1 ms,
    # where assigning a template to every figure costs 15-60 ms of validation (measured).
    # Every text size and colour is set here explicitly: Streamlit's own theme used to override
    # plotly_white's, drawing tick labels at ~12.7 px in light grey (the pages now pass
    # theme=None, so this template is what the class sees).
    template = go.layout.Template(pio.templates["plotly_white"])
    text = dict(size=TEXT_SIZE, color=INK)
    axis = dict(tickfont=text, title=dict(font=dict(size=AXIS_TITLE_SIZE, color=INK)),
                gridcolor=GRID, linecolor=AXIS_LINE, showline=True, ticks="outside",
                tickcolor=AXIS_LINE, zerolinecolor="#9a9a9a",
                minor=dict(gridcolor="#e6e6e6", tickcolor=AXIS_LINE))
    template.layout.update(
        font=dict(size=TEXT_SIZE, color=INK), colorway=PALETTE,
        # the title's top at TITLE_TOP px: under the chart's toolbar (camera, reset), not beside it
        title=dict(font=dict(size=TITLE_SIZE, color=INK), yref="container", y=1,
                   yanchor="top", pad=dict(t=TITLE_TOP)),
        legend=dict(LEGEND, font=text, title=dict(font=text)),
        hoverlabel=dict(font=dict(size=TEXT_SIZE)),
        xaxis=axis, yaxis=axis,
        coloraxis=dict(colorbar=dict(tickfont=text)),
    )
    template.layout.annotationdefaults = dict(font=text)
    template.layout.sliderdefaults = dict(font=text, currentvalue=dict(font=text))
    template.layout.updatemenudefaults = dict(font=text)
    # Every figure carries its template over the websocket, on every redraw: plotly_white's
    # defaults for 24 trace types and for map, polar and ternary axes were 8.4 KB of each chart.
    # Only the trace types the app draws keep theirs (a new type would get plotly.js's own).
    template.data = {k: v for k, v in template.data.to_plotly_json().items()
                     if k in TRACE_TYPES}
    # The one 3-D figure styles its own axes (:data:`SCENE`).
    template.layout.geo = template.layout.polar = template.layout.ternary = None
    template.layout.scene = None
    pio.templates["gdm"] = template
    pio.templates.default = "gdm"


_register_template()

# The 3-D axes (plotly_white's backgrounds, the app's type): for ``fig.update_layout(scene=...)``.
_SCENE_AXIS = dict(backgroundcolor="white", showbackground=True, gridcolor=GRID, gridwidth=2,
                   linecolor="#EBF0F8", zerolinecolor="#EBF0F8", ticks="",
                   tickfont=dict(size=TEXT_SIZE, color=INK),
                   title=dict(font=dict(size=AXIS_TITLE_SIZE, color=INK)))
SCENE = dict(xaxis=_SCENE_AXIS, yaxis=_SCENE_AXIS, zaxis=_SCENE_AXIS)


def on_wire(*arrays):
    """The arrays as float32, for a figure sent whole on every redraw (each control's change).

    Plotly sends NumPy arrays as typed binary: float32 holds a position or a density to 1e-7
    relative, which no screen shows, in half the bytes of float64. One array in, one out."""
    out = tuple(np.asarray(a, dtype=np.float32) for a in arrays)
    return out[0] if len(out) == 1 else out


def styled(fig: go.Figure, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the app's projector-friendly layout (large type, white background) in place.

    The colours and type come from the "gdm" template, the default once this package is imported.
    The title sits in the top margin and the legend at the bottom edge (:data:`LEGEND`).
    """
    fig.update_layout(
        title=title,
        height=height,
        font=dict(size=TEXT_SIZE, color=INK),
        margin=dict(l=60, r=20, t=TITLE_TOP + 36 if title else 30, b=55),
        legend=LEGEND,
    )
    return fig


def log_axis(values, max_labels: int = 8) -> dict:
    """Settings for a log axis that labels decades only, for ``fig.update_xaxes(**...)``.

    Plotly's default log ticks label the minor digits too ("10 2 5 100 2 5", so 0.2 reads as
    "2"). Here: labels on powers of ten only (every ``step`` decades so at most ``max_labels``
    labels), unlabelled minor ticks between them, and a range from the decade below the
    smallest positive finite value to the decade above the largest (so a curve within one
    decade still has two labelled ticks). Full numbers (0.001 … 100000) where they fit,
    else 10^k in "power" form with the tick labels a size up so the exponent stays readable.
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size and 1e-3 <= v.min() and v.max() <= 1e5 and v.max() / v.min() < 30:
        # less than ~1.5 decades: explicit labelled ticks at 1, 1.5, 2, 3, 5, 7 × 10^k, written
        # in full ("0.2", not a bare "2"), and a range just around the data
        a, b = math.log10(v.min()), math.log10(v.max())
        cands = sorted(m * 10.0 ** e for e in range(math.floor(a) - 1, math.ceil(b) + 1)
                       for m in (1, 1.5, 2, 3, 5, 7))
        below = max(c for c in cands if c <= v.min() * 1.0001)
        above = min(c for c in cands if c >= v.max() / 1.0001)
        if below == above:  # a single value: one candidate either side
            i = cands.index(below)
            below, above = cands[i - 1], cands[i + 1]
        ticks = [c for c in cands if below <= c <= above]
        if len(ticks) > max_labels:  # keep 1, 2, 5 × 10^k, and both ends
            ticks = [c for c in ticks if c in (below, above) or round(
                c / 10 ** math.floor(math.log10(c) + 1e-9), 6) in (1, 2, 5)]
        return dict(type="log", range=[math.log10(below) - 0.02, math.log10(above) + 0.02],
                    tickmode="array", tickvals=ticks, ticktext=[f"{c:g}" for c in ticks],
                    minor=dict(ticks="", showgrid=False))
    if v.size == 0:
        lo, hi = 0, 1
    else:
        lo, hi = math.floor(math.log10(v.min())), math.ceil(math.log10(v.max()))
        hi = max(hi, lo + 1)
    step = max(1, math.ceil((hi - lo) / max_labels))
    lo, hi = step * math.floor(lo / step), step * math.ceil(hi / step)
    full = lo >= -3 and hi <= 5
    out = dict(type="log", range=[lo, hi], tick0=0, dtick=step,
               exponentformat="none" if full else "power",
               minor=dict(ticks="outside", ticklen=4, dtick="D1" if step == 1 else 1,
                          showgrid=step == 1))
    if not full:
        out["tickfont"] = dict(size=TEXT_SIZE + 2, color=INK)
    return out
