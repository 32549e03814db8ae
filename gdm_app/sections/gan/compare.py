"""GAN §3: the same data and seed under two to five objectives, one snapshot slider for all.

Reads the page controls (data, seed and sizes; each objective takes the papers' optimiser
settings); writes ``gan_compare`` and ``gan_compare_frame`` (bound to the URL).
"""

from __future__ import annotations

import streamlit as st

from gdm_core import gan, gan_referee
from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.figures import gan as figs
from gdm_app.sections.gan import controls, referee
from gdm_app.sections.gan.watch import config_key, frame_figure, ready_run

DEFAULT = ["nonsaturating", "wgan-gp"]


@st.cache_resource(max_entries=32, show_spinner=False)
def _w1_figure(keys: tuple):
    from gdm_app.sections.gan import get_run

    runs = {}
    for key in keys:
        run = get_run(gan.GANConfig(**dict(key)))
        runs[gan.LOSS_LABELS[run.config.loss]] = (run.history.step, run.history.w1)
    data = gan.GANConfig(**dict(keys[0])).data
    n = gan_referee.N_CURVE
    return figs.w1_figure(runs, floor=gan_referee.floor(data, n), n=n,
                          title=f"W₁ between samples (n = {n}), all runs")


@ui.section("Compare objectives")
def show() -> None:
    layout.headline("The same data, seed and networks under each objective, snapshot by "
                    "snapshot.")
    pick, when = st.columns([3, 2])
    with pick:
        losses = ui.multiselect("Objectives (two or more)", list(gan.LOSSES), DEFAULT,
                                key="gan_compare", max_selections=len(gan.LOSSES),
                                format_func=gan.LOSS_LABELS.get)
    if len(losses) < 2:
        st.info("Choose at least two objectives to compare.")
        return
    try:
        configs = gan.compare_configs(controls.config(), losses)
    except ValueError as err:
        st.error(f"These settings cannot be trained: {err}")
        return
    runs = []
    for config in configs:
        run = ready_run(config, f"gan_compare_train_{config.loss}")
        if run is None:
            return
        runs.append(run)
    n = min(r.n_frames for r in runs)
    with when:
        i = ui.slider("Snapshot (all runs)", 0, n - 1, n - 1, key="gan_compare_frame")
    cols = st.columns(2)
    for j, run in enumerate(runs):
        with cols[j % 2]:
            ui.show_figure(frame_figure(config_key(run.config), i, False, 420),
                           key=f"gan_fig_compare_{j}")
            r = referee(run.config.to_dict())
            w1 = "—" if r["w1"] is None else f"{r['w1']:.3f}"
            modes = f"{r['captured']} of {r['n_modes']}" if r["n_modes"] else "—"
            hq = "" if r["high_quality"] is None else \
                f", {100 * r['high_quality']:.0f} % of the fakes high quality"
            if r["counts"] and sum(r["counts"]):  # how evenly: a collapse hides behind "8 of 8"
                hq += (f", the fullest mode holds {100 * max(r['counts']) / sum(r['counts']):.0f} "
                       f"% of those (an even share: {100 / r['n_modes']:.3g} %)")
            st.caption(f"**{gan.LOSS_LABELS[run.config.loss]}** — at the end: W₁ (n = "
                       f"{r['w1_n']:,}) {w1} (floor {r['floor'][0]:.3f} ± {r['floor'][1]:.3f}), "
                       f"modes captured {modes}{hq}"
                       + (f"; stopped early: {run.stopped_reason}" if run.stopped_reason else ""))
    ui.show_figure(_w1_figure(tuple(config_key(r.config) for r in runs)), key="gan_fig_cmp_w1")
    st.caption("Each objective is trained with its paper's optimiser (RMSProp for clipping, "
               "Adam for the others) and critic steps.")
