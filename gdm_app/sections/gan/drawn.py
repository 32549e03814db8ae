"""The GAN page's "your drawing" data: a canvas on which a student draws or clicks the data.

Drawn with the page's shared inputs when the data is "your drawing". The canvas
(``streamlit-drawable-canvas``) covers the window [-3, 3]²; after each stroke its picture is
cut into 48 × 48 cells (``gdm_core.drawn_data.cells_from_ink``) and every inked cell becomes a
data point, redrawn on the canvas as a dot coloured by its cluster. The points' code is the data
set's name, ``"drawn:<code>"`` (``controls.config()``), so training goes through the usual
cached, queued path.

Session keys: writes ``gan_drawn`` (the code; also the URL parameter ``gan_drawn`` when the
drawing has at most ``drawn_data.URL_POINTS`` points — larger drawings get a link to copy),
``gan_draw_tool`` (strokes or clicks, bound to the URL) and ``_gan_canvas_n`` (a new number
empties the canvas: the Clear button).

**Test seam.** AppTest cannot draw on a canvas. A test puts an ink image (H, W), values in
[0, 1], covering the window with row 0 at the top, in ``st.session_state["_gan_canvas_ink"]``:
the next run reads it exactly as it reads a canvas picture after a stroke, then drops it. (Or
it sets ``gan_drawn`` to a code, as a shared link does.)
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

from gdm_core import drawing, drawn_data
from gdm_app import ui
from gdm_app.figures import PALETTE
from gdm_app.figures.vae import png_bytes

PX = 8 * drawn_data.GRID  # 384 px: 8 px per cell
DOT = 4                   # a point's dot radius (px): it covers its own cell only
KEY, SEAM = "gan_drawn", "_gan_canvas_ink"
TOOLS = {"freedraw": "strokes", "point": "clicks"}


@st.cache_data(show_spinner=False)
def background() -> bytes:
    """The window's picture behind the canvas: a grid line every 1, the axes darker."""
    img = np.full((PX, PX), 255, dtype=np.uint8)
    per_unit = PX / (2 * drawn_data.EXTENT)
    for k in range(-2, 3):
        px = int(round((k + drawn_data.EXTENT) * per_unit))
        shade = 150 if k == 0 else 215
        img[:, max(px - (k == 0), 0):px + 1] = shade
        img[max(px - (k == 0), 0):px + 1, :] = shade
    return png_bytes(img)


def _dots(code: str | None) -> dict:
    """The drawing's points as the canvas's objects (Fabric.js circles), coloured by cluster."""
    if not code:
        return {"objects": []}
    cells = drawn_data.decode(code)
    labels = drawn_data.clusters(drawn_data.cell_points(cells))
    return {"objects": [
        {"type": "Circle", "originX": "center", "originY": "center",
         "left": float((i + 0.5) * 8), "top": float((j + 0.5) * 8), "radius": DOT,
         "fill": PALETTE[lab % len(PALETTE)], "stroke": PALETTE[lab % len(PALETTE)],
         "strokeWidth": 0, "selectable": False}
        for (i, j), lab in zip(cells.tolist(), labels.tolist())]}


def _read_url() -> None:
    """A shared link's drawing, once per session (a bad code is ignored with a warning)."""
    if st.session_state.get("_gan_drawn_read"):
        return
    st.session_state["_gan_drawn_read"] = True
    code = st.query_params.get(KEY)
    if code and not st.session_state.get(KEY):
        try:
            drawn_data.decode(code)
            st.session_state[KEY] = code
        except ValueError as err:
            st.warning(f"The drawing in this link cannot be read ({err}); draw your own.")


def _take(ink) -> None:
    """A new picture of the canvas: its inked cells become the drawing (empty: no drawing)."""
    cells = drawn_data.cells_from_ink(ink)
    if len(cells) > drawn_data.MAX_POINTS:
        st.warning(f"That covers {len(cells)} cells; a drawing holds at most "
                   f"{drawn_data.MAX_POINTS} points. Draw thinner or fewer strokes.")
        return
    st.session_state[KEY] = drawn_data.encode(cells) if len(cells) else None


def code() -> str | None:
    """The current drawing's code, or None."""
    value = st.session_state.get(KEY)
    try:
        return value if value and drawn_data.decode(value) is not None else None
    except ValueError:
        return None


def data_name() -> str:
    """The data set the drawing defines; ValueError with a sentence if there is none yet."""
    c = code()
    if c is None:
        raise ValueError("draw some data first (on the canvas above)")
    return drawn_data.data_name(c)


def sync_url(active: bool) -> None:
    """Keep ``?gan_drawn=`` in the address bar exactly when it holds the view and is short."""
    c = code()
    short = c is not None and len(drawn_data.decode(c)) <= drawn_data.URL_POINTS
    if active and short:
        if st.query_params.get(KEY) != c:
            st.query_params[KEY] = c
    elif KEY in st.query_params:
        del st.query_params[KEY]


def share_link(c: str) -> str:
    """This page's address with every parameter and the drawing's code."""
    base = (st.context.url or "").split("?")[0]
    params = {k: st.query_params.get_all(k)[-1] for k in st.query_params if k != KEY}
    return f"{base}?{urlencode({**params, KEY: c})}"


def draw() -> None:
    """The canvas and what it holds. Call it where the page's shared inputs are drawn."""
    from streamlit_drawable_canvas import st_canvas

    ss = st.session_state
    _read_url()
    if ss.get(SEAM) is not None:
        _take(np.asarray(ss.pop(SEAM), dtype=float))
    current = code()
    left, right = st.columns([1, 1.25])
    with right:
        tool = ui.radio("Draw with", list(TOOLS), "freedraw", key="gan_draw_tool",
                        format_func=TOOLS.get, horizontal=True,
                        help="Strokes: every cell a stroke crosses is a point. Clicks: one "
                             "point per click.")
    with left:
        result = st_canvas(
            stroke_width=6, stroke_color="#000000", background_image=background(),
            height=PX, width=PX, drawing_mode=tool, point_display_radius=DOT,
            initial_drawing=_dots(current), return_image_data=True,
            key=f"gan_canvas_{ss.get('_gan_canvas_n', 0)}")
        image = result.image_data  # None until the student draws (the dots are our own)
        if image is not None and not (result.json_data or {}).get("objects"):
            ss[KEY] = None  # the canvas's own reset button
        elif image is not None:
            ink = drawing.ink_from_rgba(image)
            if ink.shape == (PX, PX):
                _take(ink)
        if code() != current:
            st.rerun()
    with right:
        _describe(code())


def _describe(c: str | None) -> None:
    if c is None:
        st.info("Draw a few strokes or blobs in the square: each is a cluster the GAN must "
                "learn. The square is the plane from −3 to 3; grid lines every 1.")
        return
    name = drawn_data.data_name(c)
    n = len(drawn_data.points(name))
    st.markdown(f"**Your data: {drawn_data.describe(name)}.**")
    st.caption(
        f"Each inked cell of the 48 × 48 grid is a point, and the GAN learns the mixture of "
        f"Gaussians (sd {drawn_data.DRAWN_STD}) on them. **The modes are your clusters**: "
        f"points closer than {drawn_data.LINK} share one, with every chain of such points "
        "(single linkage). A fake is high quality within 3 sd of a drawn point and counts for "
        "that point's cluster; the open circles mark each cluster's middle point.")
    if st.button("Clear the drawing", icon=":material/delete:", key="gan_drawn_clear"):
        st.session_state[KEY] = None
        st.session_state["_gan_canvas_n"] = st.session_state.get("_gan_canvas_n", 0) + 1
        st.rerun()
    if n > drawn_data.URL_POINTS:
        st.caption(f"{n} points is more than the address bar carries ({drawn_data.URL_POINTS}); "
                   "this link does (copy it with the button at its right):")
        st.code(share_link(c), language=None, wrap_lines=True)
    else:
        st.caption("The address bar carries your drawing: copy it to share.")
