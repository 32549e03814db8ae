"""Plotly figure builders, one module per topic; this file holds the shared look.

Figures are built from numbers computed in the topic modules, never computed here, and return
``plotly.graph_objects.Figure`` so that tests can read their traces.
"""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe–Ito: distinguishable with colour-blindness and on a washed-out projector.
COLORS = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "red": "#D55E00",
    "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000",
}
PALETTE = list(COLORS.values())


def styled(fig: go.Figure, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the app's projector-friendly style (large type, white background) in place."""
    fig.update_layout(
        template="plotly_white",
        title=title,
        height=height,
        font=dict(size=16),
        margin=dict(l=60, r=20, t=60 if title else 30, b=55),
        colorway=PALETTE,
        hoverlabel=dict(font_size=15),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    return fig
