"""Presentation mode and the dark lecture hall (issue 19).

A teacher projecting a lecture wants the picture, big, and little else. One sidebar toggle,
bound to the address bar as ``present`` (so ``/gan?present=true`` opens a lecture in it):

- the sidebar starts collapsed (``app.py`` reads the URL before the page is configured);
- the page's title, introduction and settings expanders and the rows of inputs in the main area
  fold away (the tab's headline leads; numbers and buttons stay: they are the claims and the
  demonstration), and a picture that had explanations beside it takes the whole width, the text
  going under it;
- text is 1.5× larger, and every chart is redrawn 1.5× larger — ticks 24 px — and tall enough to
  fill most of a 1280×720 screen.

Streamlit's dark theme (the menu's theme selector; ``.streamlit/config.toml`` defines both) gets
charts in the same dark colours, in or out of presentation mode: :func:`restyle` swaps the
template's ink, grid and background for dark ones and keeps the data colours (Okabe–Ito reads on
both). Figures are shared, cached objects: the restyled copy is a new dict, built once per figure.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import streamlit as st

KEY = "present"
SCALE = 1.5                 # text and chart type in presentation mode
CHART_HEIGHT = 520          # px: with the 1.5× headings above, it fills the rest of 720 px
DARK_BACKGROUND = "#0e1117"  # = theme.dark.backgroundColor in .streamlit/config.toml

# The light template's colours (gdm_app.figures) and what they become on a dark background.
_DARK = {
    "#111111": "#f2f2f2",   # ink
    "#000000": "#ffffff",   # black traces (Okabe–Ito's black)
    "black": "#ffffff",
    "#444444": "#bbbbbb",   # axis lines and ticks
    "#c8c8c8": "#3b414d",   # grid
    "#e6e6e6": "#262b35",   # minor grid
    "#9a9a9a": "#6b7280",   # zero lines
    "white": DARK_BACKGROUND, "#ffffff": DARK_BACKGROUND, "#fff": DARK_BACKGROUND,
    "#e5ecf6": DARK_BACKGROUND,
}
_WHITE_RGBA = re.compile(r"rgba\(\s*255\s*,\s*255\s*,\s*255\s*,\s*([0-9.]+)\s*\)")

# Inputs that fold away in presentation mode. Buttons stay: Play, Step and Train are the demo.
_INPUTS = ", ".join(f".{c}" for c in (
    "stSlider", "stNumberInput", "stSelectbox", "stMultiSelect", "stSelectSlider",
    "stTextInput", "stRadio", "stDataEditor"))
_PICTURE = '.stPlotlyChart, [data-testid="stImage"]'
_TOP = '.stMainBlockContainer > [data-testid="stVerticalBlock"] >'
CSS = f"""<style>
html {{font-size: {SCALE * 100:.0f}% !important;}}
header[data-testid="stHeader"] {{height: 2rem !important; min-height: 2rem !important;
  background: transparent !important;}}
.stMainBlockContainer, .block-container {{padding: 2rem 1.2rem 1rem 1.2rem !important;
  max-width: none !important;}}
/* the page's title and introduction, and its settings expanders: the tab's headline leads */
{_TOP} [data-testid="stElementContainer"]:has(h1, [data-testid="stMarkdown"],
  [data-testid="stCaptionContainer"]):not(:has([data-testid="stAlert"])) {{display: none;}}
{_TOP} [data-testid="stLayoutWrapper"]:has(> [data-testid="stExpander"]) {{display: none;}}
[data-testid="stMain"] [data-testid="stElementContainer"]:has({_INPUTS}) {{display: none;}}
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] :is({_PICTURE})):has(
  > [data-testid="stColumn"]:not(:has({_PICTURE}))) {{flex-direction: column;}}
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] :is({_PICTURE})):has(
  > [data-testid="stColumn"]:not(:has({_PICTURE}))) > [data-testid="stColumn"] {{
  width: 100% !important; flex: 1 1 100% !important;}}
</style>"""


def requested() -> bool:
    """Whether this run is in presentation mode: the toggle's state, else the address bar
    (``app.py`` needs it before the sidebar's toggle is drawn)."""
    value = st.session_state.get(KEY)
    if isinstance(value, bool):
        return value
    return str(st.query_params.get(KEY, "")).lower() in ("true", "1", "yes")


def dark() -> bool:
    """Whether the viewer's browser shows Streamlit's dark theme (``st.context.theme``; None in
    tests and for an instant after the viewer switches theme, read as light)."""
    try:
        return st.context.theme.type == "dark"
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return False


def apply_css() -> None:
    """The presentation-mode stylesheet, when it is on; called once per run by ``app.py``."""
    if requested():
        st.html(CSS)


def _darken(value):
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _DARK:
            return _DARK[low]
        return _WHITE_RGBA.sub(r"rgba(14,17,23,\1)", value)
    if isinstance(value, dict):
        return {k: _darken(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_darken(v) for v in value]
    return value


def _enlarge(value, scale: float):
    # every font size, at any depth (template, axes, legend, annotations, colour bars, sliders)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "size" and isinstance(v, (int, float)) and not isinstance(v, bool):
                out[k] = v * scale
            elif k in ("font", "tickfont", "title", "legend", "xaxis", "yaxis", "scene",
                       "coloraxis", "colorbar", "hoverlabel", "template", "layout",
                       "annotations", "annotationdefaults", "sliders", "sliderdefaults",
                       "updatemenus", "updatemenudefaults", "currentvalue", "textfont",
                       "insidetextfont", "outsidetextfont") or k.startswith(("xaxis", "yaxis")):
                out[k] = _enlarge(v, scale)
            else:
                out[k] = v
        return out
    if isinstance(value, list):
        return [_enlarge(v, scale) for v in value]
    return value


def restyled(fig, present: bool, dark_theme: bool) -> dict:
    """A figure's dict for presentation mode and/or the dark theme (the figure is not changed).

    Presentation: type ×1.5 everywhere, margins ×1.5, and at least :data:`CHART_HEIGHT` px tall.
    Dark: the template's ink, grid and white backgrounds swapped for dark ones.
    """
    d = fig.to_dict()
    layout = d.setdefault("layout", {})
    if present:
        d["layout"] = layout = _enlarge(layout, SCALE)
        for trace in d.get("data", []):
            if isinstance(trace.get("textfont"), dict):
                trace["textfont"] = _enlarge(trace["textfont"], SCALE)
        height = layout.get("height") or 450
        layout["height"] = max(CHART_HEIGHT, int(height * 1.2))
        margin = layout.get("margin") or {}
        layout["margin"] = {k: (v * SCALE if isinstance(v, (int, float)) and k != "pad" else v)
                            for k, v in margin.items()}
    if dark_theme:
        d["layout"] = layout = _darken(layout)
        layout["paper_bgcolor"] = DARK_BACKGROUND
        layout["plot_bgcolor"] = DARK_BACKGROUND
        d["data"] = [_darken_trace(t) for t in d.get("data", [])]
    return d


def _darken_trace(trace: dict) -> dict:
    # Only the trace's lines, markers and text take the dark swap; colour scales keep their
    # colours (a heatmap's white middle is data, not background).
    out = dict(trace)
    for k in ("line", "marker", "textfont", "error_x", "error_y", "outsidetextfont"):
        if isinstance(out.get(k), dict):
            inner = {kk: (vv if kk in ("colorscale", "colorbar") else _darken(vv))
                     for kk, vv in out[k].items()}
            if isinstance(out[k].get("colorbar"), dict):
                inner["colorbar"] = _darken(out[k]["colorbar"])
            out[k] = inner
    if isinstance(out.get("colorbar"), dict):
        out["colorbar"] = _darken(out["colorbar"])
    return out


# Restyled copies of the shared, cached figures, kept by identity (the entry holds the figure,
# so its id is not reused while cached).
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16  # a GAN run's figure is a few MB as a dict: few, not many
_LOCK = threading.Lock()  # sessions run in threads of their own


def for_viewer(fig):
    """The figure to draw for this viewer: itself, or its presentation/dark copy."""
    present, dark_theme = requested(), dark()
    if not (present or dark_theme):
        return fig
    key = (id(fig), present, dark_theme)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is fig:
            _CACHE.move_to_end(key)
            return hit[1]
    out = restyled(fig, present, dark_theme)
    with _LOCK:
        _CACHE[key] = (fig, out)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out
