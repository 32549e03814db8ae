"""GAN §2: the training loop by hand — "train D for k steps", "train G for 1 step".

Reads the page controls; writes ``gan_hand_k`` (bound to the URL) and ``_gan_session`` (this
student's own :class:`gdm_core.gan.GANSession`, kept in the session only).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import gan, gan_referee, tables
from gdm_app import ui
from gdm_app.figures import gan as figs
from gdm_app.sections import layout
from gdm_app.sections.gan import RULE, controls, shipped_run

G_STEPS = 20  # generator steps per press: enough for the fakes' move to show


def _session() -> gan.GANSession | None:
    return st.session_state.get("_gan_session")


def _start() -> None:
    try:
        st.session_state["_gan_session"] = gan.GANSession(controls.config())
        st.session_state.pop("_gan_hand_error", None)
    except ValueError as err:
        st.session_state["_gan_hand_error"] = str(err)


def _act(which: str) -> None:
    s = _session()
    if s is None:
        return
    try:
        before = s.snapshot().fake.copy()
        if which == "d":
            s.train_d(int(st.session_state.get("gan_hand_k", 5)))
            st.session_state.pop("_gan_hand_moved", None)
        else:
            s.train_g(int(st.session_state.get("gan_hand_gk", G_STEPS)))
            # the fakes are G's images of one fixed set of z: where each one was, and went
            st.session_state["_gan_hand_moved"] = before
        st.session_state.pop("_gan_hand_error", None)
    except ValueError as err:
        st.session_state["_gan_hand_error"] = str(err)


def _with_moves(fig, before, after):
    """The frame with a grey segment from each fake's place before the last G steps to now."""
    xs, ys = [], []
    for (x0, y0), (x1, y1) in zip(before, after):
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color="#555555", width=1.5),
                    name="moved by the last G steps", hoverinfo="skip")
    fig.add_scatter(x=before[:, 0], y=before[:, 1], mode="markers",
                    marker=dict(size=5, color="rgba(0,0,0,0)", line=dict(color="#555555", width=1)),
                    name="where the fakes were", hoverinfo="skip")
    return fig


def _controls() -> None:
    """Start, then the two halves of a round: D × k and G × (steps per press)."""
    st.button("Start / reset", key="gan_hand_start", icon=":material/restart_alt:",
              on_click=_start, help="A fresh GAN with the settings above, in your session.")
    c = st.columns(2)
    with c[0]:
        k = ui.number("k", 1, 100, 5, key="gan_hand_k", step=1,
                      help="Discriminator (critic) steps per round: the k of Goodfellow et al. "
                           "2014, Algorithm 1 (they used k = 1; WGAN used 5).")
        st.button(f"Train D × {k}", key="gan_hand_d", on_click=_act, args=("d",),
                  disabled=_session() is None,
                  help="Freeze G; improve D (the background sharpens).")
    with c[1]:
        g = ui.number("G steps", 1, 200, G_STEPS, key="gan_hand_gk", step=1,
                      help="Generator steps per press. One step moves a fake by the learning "
                           "rate times its push: a few hundredths, too little to see, so the "
                           "default is 20.")
        st.button(f"Train G × {g}", key="gan_hand_g", on_click=_act, args=("g",),
                  disabled=_session() is None, type="primary",
                  help="Freeze D; move the fakes along the arrows.")


@ui.section("Step by hand")
def show() -> None:
    layout.headline("The lecture's loop by hand: k steps of D, then steps of G — the grey "
                    "segments show how far G moved the fakes.")
    left, right = st.columns([1.15, 1])
    with right:
        _controls()
    if st.session_state.get("_gan_hand_error"):
        right.error(st.session_state["_gan_hand_error"])
    s = _session()
    if s is None:
        try:
            run = shipped_run(controls.config()) or shipped_run(gan.GANConfig())
        except ValueError:  # nothing drawn yet: the default run's first frame
            run = shipped_run(gan.GANConfig())
        if run is not None:
            with left:
                ui.show_figure(figs.frame_figure_from_run(
                    run, 0, title="Before training: the real data and G's first guesses"),
                    key="gan_fig_hand")
            right.caption("Press **Start / reset** to make your own small GAN (the settings "
                          "above; it lives in your session), then alternate **Train D** and "
                          "**Train G** and watch the fakes move.")
        else:
            right.caption("Press **Start / reset** to create a GAN with the settings above.")
        return
    frame = s.snapshot()
    config = s.config
    last = s.history[-1]
    modes = gan.toy_modes(config.data)
    with left:
        fig = figs.frame_figure(s.real, frame.fake, frame.grad, s.grid, frame.field,
                                config.field_kind, modes=modes,
                                title=gan.LOSS_LABELS[config.loss])
        moved = st.session_state.get("_gan_hand_moved")
        if moved is not None and len(moved) == len(frame.fake):
            fig = _with_moves(fig, moved, frame.fake)
        ui.show_figure(fig, key="gan_fig_hand")
    with right:
        m = st.columns(2)
        m[0].metric("G steps / D steps", f"{last['g_steps']} / {last['d_steps']}")
        m[1].metric(f"W₁ (n = {gan_referee.N_CURVE})", f"{last['w1']:.3f}",
                    help="Exact W₁ between %d fakes and %d real points; two real samples of "
                         "that size are %.3f ± %.3f apart." % (
                             (gan_referee.N_CURVE,) * 2
                             + gan_referee.floor(config.data, gan_referee.N_CURVE)))
        m = st.columns(2)
        m[0].metric("modes captured",
                    f"{last['modes']} of {len(modes)}" if modes is not None else "—",
                    help=f"{RULE}; scored on {gan.N_EVAL:,} fakes.")
        m[1].metric("mean |push| on the fakes", f"{last['grad_norm']:.3g}")
        if moved is not None and len(moved) == len(frame.fake):
            dist = np.linalg.norm(frame.fake - moved, axis=1)
            st.caption(f"The last G steps moved the fakes by {dist.mean():.3f} on average "
                       f"(largest {dist.max():.3f}).")
        st.markdown(tables.markdown(tables.gan_hand_rows(s.history[-6:])))
        st.caption("The last actions, newest last. Train D many times in a row on the minimax "
                   "GAN: the arrows (the generator's signal) shrink — the vanishing gradient.")
