"""Figures on a page: the app's own template, and builders cached by their inputs."""

from __future__ import annotations

import importlib
import re

import streamlit as st

import gdm_app.figures  # noqa: F401 - registers the projector template as Plotly's default

from .present import for_viewer

# The toolbar's camera saves the chart for a slide: a PNG at twice the screen's resolution, with
# the chart's own title in it, named after that title.
# Its toolbar keeps two buttons, the camera and "reset axes" (drag still zooms, a double click
# resets): the full bar is 220 px wide and sat on the title of most charts.
CONFIG = {"displaylogo": False,
          "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "gdm-explorer"},
          "modeBarButtonsToRemove": [
              "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
              "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian",
              "zoom3d", "pan3d", "orbitRotation", "tableRotation", "resetCameraLastSave3d",
              "hoverClosest3d", "hoverClosestGl2d", "toggleHover"]}

STATIC = {"staticPlot": True, "displayModeBar": False}


def _config(fig) -> dict:
    title = ""
    try:
        title = fig.layout.title.text or ""
    except AttributeError:
        pass
    slug = re.sub(r"[^0-9a-zA-Z]+", "-", re.sub(r"<[^>]+>", " ", title)).strip("-").lower()
    if not slug:
        return CONFIG
    return {**CONFIG, "toImageButtonOptions": {**CONFIG["toImageButtonOptions"],
                                                "filename": slug[:60]}}


def _make(module: str, name: str, args: tuple, kwargs: tuple):
    return getattr(importlib.import_module(module), name)(*args, **dict(kwargs))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def _build(module: str, name: str, args: tuple, kwargs: tuple):
    # A resource, not a copy: the same Figure object is handed to every session. Building and
    # styling a Plotly figure costs tens of milliseconds; st.plotly_chart only reads it.
    return _make(module, name, args, kwargs)


@st.cache_resource(max_entries=24, ttl=3600, show_spinner=False)
def _build_heavy(module: str, name: str, args: tuple, kwargs: tuple):
    return _make(module, name, args, kwargs)


def figure(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, built once per distinct input for the whole server.

    ``builder`` is a figure builder from :mod:`gdm_app.figures`; it must not be mutated later.
    """
    return _build(builder.__module__, builder.__qualname__, args, tuple(sorted(kwargs.items())))


def heavy_figure(builder, *args, **kwargs):
    """Like :func:`figure`, for a figure that is slow to build and large to hold (animation
    frames: Minimax's trajectories take ~0.2 s and ~0.7 MB), in a cache of its own of 24, so
    that such figures cannot fill the server's memory nor push the small ones out."""
    return _build_heavy(builder.__module__, builder.__qualname__, args,
                        tuple(sorted(kwargs.items())))


def show_figure(fig, key: str | None = None, static: bool = False) -> None:
    """Draw a Plotly figure with the app's template (``theme=None``: Streamlit's theme would
    replace the projector-sized, dark chart text with its own small grey one).

    ``static``: a picture only (Plotly's ``staticPlot``: no hover, zoom or toolbar), which the
    browser draws faster, for the home page's thumbnails.
    """
    config = STATIC if static else _config(fig)
    st.plotly_chart(for_viewer(fig), width="stretch", key=key, config=config, theme=None)


def show_selectable_figure(fig, key: str, on_select) -> None:
    """Like ``show_figure``, but a click on a point calls ``on_select`` (before the rerun).

    The callback reads the clicked point from ``st.session_state[key]["selection"]``.
    """
    st.plotly_chart(for_viewer(fig), width="stretch", key=key, config=_config(fig), theme=None,
                    on_select=on_select, selection_mode="points")
