"""Plotly figure builders, one module per topic; this file holds the shared look.

Figures are built from numbers computed in the topic modules, never computed here, and return
``plotly.graph_objects.Figure`` so that tests can read their traces.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito: distinguishable with colour-blindness and on a washed-out projector.
COLORS = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "red": "#D55E00",
    "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000",
}
PALETTE = list(COLORS.values())


def _register_template() -> None:
    # Registered once as Plotly's default: a figure then gets it at construction for ~1 ms,
    # where assigning a template to every figure costs 15-60 ms of validation (measured).
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(font=dict(size=16), colorway=PALETTE, hoverlabel=dict(font_size=15))
    pio.templates["gdm"] = template
    pio.templates.default = "gdm"


_register_template()


def styled(fig: go.Figure, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the app's projector-friendly layout (large type, white background) in place.

    The colours and type come from the "gdm" template, the default once this package is imported.
    """
    fig.update_layout(
        title=title,
        height=height,
        font=dict(size=16),
        margin=dict(l=60, r=20, t=60 if title else 30, b=55),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    return fig
