"""Divergences §8: optimal transport's two faces on small weighted point sets — the plan (the
primal) and the critic (the Kantorovich–Rubinstein dual) give the same W1. Reads the seed; writes
``div_ot_dim``, ``div_ot_preset`` and ``div_ot_shift``."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import transport_duality as td
from gdm_app import ui
from gdm_app.figures import transport as figs
from gdm_app.sections.layout import BESIDE, headline

DIMS = {"1-D": 1, "2-D": 2}
PRESETS = list(td.PRESETS)
GRID_1D, GRID_2D = 801, 121  # points of the critic's curve; of each side of its map
AGREE = 1e-9  # the two values of W1 are said to agree to this


@st.cache_data(max_entries=32, show_spinner=False)
def faces(dim: int, preset: str, shift: float, seed: int) -> dict:
    """The example's points and both faces, with the critic extended over a grid to draw."""
    x, a, y, b = td.example(dim, preset, shift, seed)
    out = td.both_faces(x, a, y, b)
    points = td.support(x, y)
    lo, hi = points.min(axis=0) - 1.0, points.max(axis=0) + 1.0
    if dim == 1:
        grid = np.linspace(lo[0], hi[0], GRID_1D)
        out["grid"] = (grid,)
        out["critic"] = td.lipschitz_extension(points, out["values"], grid)
    else:
        half = (hi - lo).max() / 2  # a square window: equal axes
        mid = (hi + lo) / 2
        gx = np.linspace(mid[0] - half, mid[0] + half, GRID_2D)
        gy = np.linspace(mid[1] - half, mid[1] + half, GRID_2D)
        mesh = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
        out["grid"] = (gx, gy)
        out["critic"] = td.lipschitz_extension(points, out["values"], mesh).reshape(GRID_2D,
                                                                                     GRID_2D)
    out.update(x=x, a=a, y=y, b=b)
    return out


@ui.section("Transport: plan and critic")
def show() -> None:
    headline("Two faces of W₁: the cheapest way to move p's earth onto q, and the best "
             "1-Lipschitz critic, give the same number.")
    c1, c2, c3 = st.columns([1, 2, 2])
    with c1:
        dim = DIMS[ui.radio("points on", list(DIMS), "1-D", key="div_ot_dim", horizontal=True,
                            format_func=lambda k: {"1-D": "a line", "2-D": "the plane"}[k])]
    with c2:
        preset = ui.radio("points", PRESETS, PRESETS[0], key="div_ot_preset", horizontal=True,
                          format_func=td.PRESETS.get,
                          help="Random points are drawn with the sidebar's seed.")
    with c3:
        shift = ui.slider("move q by (along the first axis)", -3.0, 3.0, 0.0,
                          key="div_ot_shift", step=0.1)
    r = faces(dim, preset, shift, ui.seed())
    bars = "|x_i − y_j|" if dim == 1 else "‖x_i − y_j‖"
    left, right = st.columns(BESIDE)
    with left:
        if dim == 1:
            fig = ui.figure(figs.transport_line, r["x"], r["a"], r["y"], r["b"],
                            tuple(r["moves"]), *r["grid"], r["critic"], r["values"],
                            title="The plan's moves (top), the critic (below)")
        else:
            fig = ui.figure(figs.transport_plane, r["x"], r["a"], r["y"], r["b"],
                            tuple(r["moves"]), *r["grid"], r["critic"],
                            title="The plan's moves over the critic's map")
        ui.show_figure(fig, key="div_fig_ot")
    with right:
        m1, m2 = st.columns(2)
        m1.metric("W₁ primal, Σ π_ij d_ij", f"{r['primal']:.6f}",
                  help=f"The plan's cost: Σ π_ij {bars} over the moves (POT's ot.emd).")
        m2.metric("W₁ dual, E_p f − E_q f", f"{r['dual']:.6f}",
                  help="The critic's score: Σ a_i f(x_i) − Σ b_j f(y_j).")
        agree = "equal" if r["gap"] <= AGREE else "NOT equal"
        st.caption(f"**{agree} to 1e-9**: |primal − dual| = {r['gap']:.1e}. Largest slope of "
                   f"f: **{r['slope']:.6f}** ≤ 1 (to rounding, over all {len(r['values'])} "
                   f"points); along each of the {len(r['moves'])} moves f falls by exactly its "
                   "length.")
        ui.show_figure(ui.figure(figs.coupling_matrix, r["plan"], r["a"], r["b"],
                                 title="The plan π, mass x_i → y_j"),
                       key="div_fig_ot_plan")
    st.markdown(
        f"**The primal.** A plan π says how much earth goes from each pile x_i of p to each hole "
        f"y_j of q: its rows add up to p's masses a_i and its columns to q's b_j. The cheapest "
        f"plan's cost, Σ π_ij {bars}, is the earth mover's distance W₁. Each arrow is one "
        f"non-zero entry of the table, as wide as the mass it moves.")
    st.latex(r"W_1(p,q)=\min_{\pi\ge0,\ \pi\mathbf 1=a,\ \pi^\top\mathbf 1=b}\ "
             r"\sum_{ij}\pi_{ij}\,d(x_i,y_j)"
             r"\;=\;\max_{\|f\|_L\le 1}\ \sum_i a_i f(x_i)-\sum_j b_j f(y_j)")
    st.markdown(
        "**The dual** (Kantorovich–Rubinstein). A critic f may rise by at most 1 per unit of "
        "distance; it scores p's points high and q's low. The best one comes out of the same "
        "linear programme: the network simplex (POT's `ot.emd`) also returns dual prices v_j, "
        "and f(z) = min_j d(z, y_j) − v_j is 1-Lipschitz and optimal. Where earth moves, f is as "
        "steep as allowed — it falls by exactly the arrow's length (complementary slackness). "
        "Between the points it is drawn as f(z) = min_k f(s_k) + d(z, s_k), the largest "
        "1-Lipschitz function through the computed values (McShane). A WGAN's critic network "
        "tries to learn this f.")
    st.caption("Masses in the examples are fixed or drawn with the sidebar's seed (the random "
               "cloud in the plane has equal masses). On a line the cost is checked against "
               "`scipy.stats.wasserstein_distance`, in the plane against a brute-force assignment "
               "and the app's own `wasserstein_samples` (tests/test_transport_duality.py).")
