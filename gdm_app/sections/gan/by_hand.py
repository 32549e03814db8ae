"""GAN §2: the training loop by hand — "train D for k steps", "train G for 1 step".

Reads the page controls; writes ``gan_hand_k`` (bound to the URL) and ``_gan_session`` (this
student's own :class:`gdm_core.gan.GANSession`, kept in the session only).
"""

from __future__ import annotations

import streamlit as st

from gdm_core import gan, gan_referee, tables
from gdm_app import ui
from gdm_app.figures import gan as figs
from gdm_app.sections.gan import RULE, controls


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
        if which == "d":
            s.train_d(int(st.session_state.get("gan_hand_k", 5)))
        else:
            s.train_g(1)
        st.session_state.pop("_gan_hand_error", None)
    except ValueError as err:
        st.session_state["_gan_hand_error"] = str(err)


@ui.section("Step by hand")
def show() -> None:
    st.markdown(
        "The lecture's loop, one half at a time, on your own small GAN (it lives in your "
        "session). **Train D** freezes G and improves the discriminator (critic): watch the "
        "background sharpen. **Train G** freezes D and moves the fakes one step along the "
        "arrows.")
    c = st.columns([1.2, 1, 1.3, 1.3])
    c[0].button("Start / reset", key="gan_hand_start", icon=":material/restart_alt:",
                on_click=_start, help="A fresh GAN with the settings above.")
    with c[1]:
        k = ui.number("k", 1, 100, 5, key="gan_hand_k", step=1)
    c[2].button(f"Train D for {k} steps", key="gan_hand_d", on_click=_act, args=("d",),
                disabled=_session() is None)
    c[3].button("Train G for 1 step", key="gan_hand_g", on_click=_act, args=("g",),
                disabled=_session() is None, type="primary")
    if st.session_state.get("_gan_hand_error"):
        st.error(st.session_state["_gan_hand_error"])
    s = _session()
    if s is None:
        st.caption("Press **Start** to create a GAN with the settings above.")
        return
    frame = s.snapshot()
    config = s.config
    last = s.history[-1]
    m = st.columns(4)
    m[0].metric("G steps / D steps", f"{last['g_steps']} / {last['d_steps']}")
    m[1].metric(f"W₁ (n = {gan_referee.N_CURVE})", f"{last['w1']:.3f}",
                help="Exact W₁ between %d fakes and %d real points; two real samples of that "
                     "size are %.3f ± %.3f apart." % ((gan_referee.N_CURVE,) * 2
                                                     + gan_referee.floor(config.data,
                                                                         gan_referee.N_CURVE)))
    modes = gan.toy_modes(config.data)
    m[2].metric("modes captured", f"{last['modes']} of {len(modes)}" if modes is not None else "—",
                help=f"{RULE}; scored on {gan.N_EVAL:,} fakes.")
    m[3].metric("mean |push| on the fakes", f"{last['grad_norm']:.3g}")
    left, right = st.columns([1.15, 1])
    with left:
        ui.show_figure(figs.frame_figure(s.real, frame.fake, frame.grad, s.grid, frame.field,
                                         "critic" if config.is_wgan else "probability",
                                         modes=modes, title=gan.LOSS_LABELS[config.loss]),
                       key="gan_fig_hand")
    with right:
        st.markdown(tables.markdown(tables.gan_hand_rows(s.history[-8:])))
        st.caption("The last actions, newest last. Train D many times in a row on the minimax "
                   "GAN: the arrows (the generator's signal) shrink — the vanishing gradient.")
