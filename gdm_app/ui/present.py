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

from gdm_app.figures import TEXT_SIZE, TITLE_SIZE

KEY = "present"
SCALE = 1.5                 # text and chart type in presentation mode
CHART_HEIGHT = 520          # px: with the 1.5× headings above, it fills the rest of 720 px
DARK_BACKGROUND = "#0e1117"  # = theme.dark.backgroundColor in .streamlit/config.toml
TITLE_SCALE = 1.2           # titles grow less than ticks, so they still fit half a screen
LEGEND_SCALE = 1.25

# On a dark ground: near-black ink becomes near-white, white grounds become the dark ground,
# the template's greys (grid, axis lines) are mirrored; the data's colours (Okabe–Ito) stay.
_NAMED = {"black": (0, 0, 0), "white": (255, 255, 255)}
_HEX = re.compile(r"^#([0-9a-f]{3}|[0-9a-f]{6})$")
_RGB = re.compile(r"^rgba?\(\s*([0-9.]+)\s*,\s*([0-9.]+)\s*,\s*([0-9.]+)\s*(?:,\s*([0-9.]+)\s*)?\)$")


def _rgb(value: str):
    v = value.strip().lower()
    if v in _NAMED:
        return _NAMED[v], None
    m = _HEX.match(v)
    if m:
        h = m.group(1)
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)), None
    m = _RGB.match(v)
    if m:
        return tuple(float(m.group(i)) for i in (1, 2, 3)), m.group(4)
    return None, None


def _dark_colour(value: str) -> str:
    rgb, alpha = _rgb(value)
    if rgb is None or max(rgb) - min(rgb) > 24:  # not a colour, or a real hue: keep it
        return value
    grey = sum(rgb) / 3
    if grey >= 250:  # white: the ground
        out = (14, 17, 23)
    else:  # a grey: mirrored, so ink stays ink and faint stays faint
        g = round(255 - grey * 0.93)
        out = (g, g, g)
    if alpha is not None:
        return f"rgba({out[0]},{out[1]},{out[2]},{alpha})"
    return "#%02x%02x%02x" % out


# Inputs that fold away in presentation mode (and checkboxes, below). Buttons and toggles stay:
# Play, Step and Train are the demonstration.
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
/* rows of settings above the tabs (toggles, presets): the lecture has chosen them */
{_TOP} [data-testid="stLayoutWrapper"]:not(:has({_PICTURE}, [data-testid="stTabs"])) {{
  display: none;}}
[data-testid="stMain"] [data-testid="stElementContainer"]:has({_INPUTS}) {{display: none;}}
/* checkboxes too, but not toggles (role="switch": Play and its kin are the demonstration) */
[data-testid="stMain"] .stCheckbox:not(:has(input[role="switch"])) {{display: none;}}
/* tighter gaps between the blocks (1rem is 24 px at this size) */
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{gap: 0.4rem;}}
/* a metric's label a size down, so "modes captured" stays on one line above its number */
[data-testid="stMetricLabel"] p {{font-size: 0.85em !important;}}
/* a picture with a column of text beside it: the text goes under it, the picture takes the row
   (a column with a picture, followed by one without: the second wraps to a line of its own) */
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] :is({_PICTURE})) {{
  flex-wrap: wrap !important;}}
[data-testid="stColumn"]:has({_PICTURE}) + [data-testid="stColumn"]:not(:has({_PICTURE})) {{
  flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important;}}
[data-testid="stColumn"]:has({_PICTURE}) {{flex-grow: 1 !important; max-width: none !important;}}
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
        return _dark_colour(value)
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


def _title_size(layout: dict) -> float:
    title = layout.get("title") or {}
    size = ((title.get("font") or {}).get("size")) if isinstance(title, dict) else None
    return float(size or TITLE_SIZE)


def restyled(fig, present: bool, dark_theme: bool) -> dict:
    """A figure's dict for presentation mode and/or the dark theme (the figure is not changed).

    Presentation: type ×1.5 everywhere, margins ×1.5, and at least :data:`CHART_HEIGHT` px tall.
    Dark: the template's ink, grid and white backgrounds swapped for dark ones.
    """
    d = fig.to_dict()
    layout = d.setdefault("layout", {})
    if present:
        title_size = _title_size(layout)
        d["layout"] = layout = _enlarge(layout, SCALE)
        title = layout.get("title")
        if isinstance(title, dict) and title.get("text"):
            # under the toolbar still, at 1.2× (a 1.5× title would not fit half a screen)
            title["font"] = {**(title.get("font") or {}), "size": title_size * TITLE_SCALE}
            # the toolbar is 1.5× taller too (39 px): the title starts under it
            title.update(yref="container", y=1, yanchor="top", pad={"t": 50})
        # legends at 1.25×: at 1.5× a five-entry legend takes a third of the chart
        legend = layout.get("legend")
        legend = layout["legend"] = dict(legend) if isinstance(legend, dict) else {}
        legend["font"] = {**(legend.get("font") or {}), "size": TEXT_SIZE * LEGEND_SCALE}
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
