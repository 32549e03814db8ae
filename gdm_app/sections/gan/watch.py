"""GAN §1: watch a run — the plane at any of its snapshots, and the curves over training.

Reads the page controls (``controls.config()``); writes ``gan_frame`` (the snapshot shown),
``gan_play`` (Play/Pause), ``gan_curve`` and ``gan_manifold`` (bound to the URL), and
``_gan_train_now`` (a Train click, consumed by the next run).
"""

from __future__ import annotations

import streamlit as st

from gdm_core import gan, gan_referee
from gdm_app import ui
from gdm_app.figures import gan as figs
from gdm_app.sections.gan import RULE, controls, get_run, is_ready, mark_trained, referee

CURVES = {"modes": "modes captured", "per-mode": "fakes per mode", "w1": "W₁",
          "losses": "losses"}
PLAY_SECONDS = 0.7  # one tick: fast enough to see motion, slow enough to read
SPEEDS = {1: "×1", 2: "×2", 4: "×4"}  # snapshots per tick: faster without more reruns


@st.cache_resource(max_entries=96, ttl=3600, show_spinner=False)
def frame_figure(config_key: tuple, i: int, manifold: bool, height: int = 560):
    run = get_run(gan.GANConfig(**dict(config_key)))
    return figs.frame_figure_from_run(run, i, show_manifold=manifold, height=height)


@st.cache_resource(max_entries=64, show_spinner=False)
def curve_figure(config_key: tuple, which: str):
    run = get_run(gan.GANConfig(**dict(config_key)))
    h = run.history
    if which == "w1":
        n = gan_referee.N_CURVE
        return figs.w1_figure({gan.LOSS_LABELS[run.config.loss]: (h.step, h.w1)},
                              floor=gan_referee.floor(run.config.data, n), n=n)
    if which == "modes":
        modes = gan.toy_modes(run.config.data)
        return figs.coverage_figure(h.step, h.modes, h.near, 0 if modes is None else len(modes),
                                    n=gan.N_EVAL)
    if which == "per-mode":
        r = referee(run.config.to_dict())
        return figs.mode_counts_figure(r["counts"] or [], r["n"], title=(
            f"High-quality fakes per mode at step {int(run.steps[-1]):,} (of {r['n']:,})"))
    return figs.losses_figure(h.step, h.d_loss, h.g_loss, loss=run.config.loss)


def config_key(config: gan.GANConfig) -> tuple:
    return tuple(sorted(config.to_dict().items()))


def ready_run(config: gan.GANConfig, button_key: str) -> gan.GANRun | None:
    """The run if it can be shown now; otherwise a Train button (and None until pressed)."""
    if not is_ready(config) and st.session_state.get("_gan_train_now") != config_key(config):
        st.info(f"This configuration has not been trained on this server yet "
                f"({config.steps:,} generator steps, about 10–40 s on one core).")
        st.button("Train this run", key=button_key, type="primary",
                  icon=":material/play_arrow:",
                  on_click=lambda: st.session_state.update(_gan_train_now=config_key(config)))
        return None
    run = get_run(config)
    mark_trained(config)
    if st.session_state.get("_gan_train_now") == config_key(config):
        del st.session_state["_gan_train_now"]  # only this run's click: Compare has several
    return run


def _frames(key: tuple, n: int, steps, playing: bool, look_for: str | None,
            summary: list[tuple[str, str, str | None]]) -> None:
    ss = st.session_state
    if playing:
        current, step = ss.get("gan_frame", n - 1), ss.get("gan_speed", 1)
        step = step if step in SPEEDS else 1
        ss["gan_frame"] = (current + step) % n if isinstance(current, int) else 0
    left, right = st.columns([1.1, 1])
    with right:
        for col, (label, value, help_) in zip(st.columns(len(summary)), summary):
            col.metric(label, value, help=help_)
        i = ui.slider("Snapshot", 0, n - 1, n - 1, key="gan_frame",
                      help="Drag through training, or press Play.")
        which = ui.radio("Chart", list(CURVES), "modes", key="gan_curve", horizontal=True,
                         format_func=CURVES.get)
        ui.show_figure(curve_figure(key, which), key="gan_fig_curve")
        if look_for:
            st.caption(f"**What to look for.** {look_for}")
    with left:
        ui.show_figure(frame_figure(key, i, bool(ss.get("gan_manifold", False))),
                       key="gan_fig_frame")


def referee_summary(r: dict) -> list[tuple[str, str, str | None]]:
    """The three metrics of a run's last step, with the rule and the floor in their help."""
    captured = f"{r['captured']} of {r['n_modes']}" if r["n_modes"] else "—"
    hq = "—" if r["high_quality"] is None else f"{100 * r['high_quality']:.0f} %"
    mean, sd = r["floor"]
    w1 = "—" if r["w1"] is None else f"{r['w1']:.3f}"
    return [("modes captured", captured, f"{RULE}. Scored on the {r['n']:,} fakes of the last "
                                         "step; one stray fake captures a mode."),
            ("high quality", hq, "Share of the fakes within 3 sd of their nearest mode."),
            (f"W₁ (n = {r['w1_n']:,})", w1,
             f"Exact W₁ between {r['w1_n']:,} fakes and {r['w1_n']:,} fresh real points. Two "
             f"real samples of that size are {mean:.3f} ± {sd:.3f} apart (mean ± sd over "
             f"{gan_referee.FLOOR_DRAWS} draws): the floor.")]


@ui.section("Watch it train")
def show() -> None:
    try:
        config = controls.config()
    except ValueError as err:
        st.error(f"These settings cannot be trained: {err}")
        return
    run = ready_run(config, "gan_train")
    if run is None:
        return
    if run.stopped_reason:
        st.warning(f"The run stopped early: {run.stopped_reason}.")
    preset = next((p for p in gan.PRESETS.values() if p[1] == config), None)
    summary = referee_summary(referee(config.to_dict()))
    c = st.columns([1, 1.3, 1.4])
    with c[0]:
        playing = ui.toggle("▶ Play", False, key="gan_play")
    with c[1]:
        ui.select_slider("Play speed", list(SPEEDS), 1, key="gan_speed",
                         format_func=SPEEDS.get,
                         help="Snapshots advanced per tick (a tick is 0.7 s): ×4 plays a "
                              "2,000-step run in about 10 s.")
    with c[2]:
        ui.toggle("show G's latent grid", False, key="gan_manifold")
    # A nested fragment: Play reruns only the snapshot view, once per tick, while it is on.
    st.fragment(ui.guarded(_frames, "Watch it train"),
                run_every=PLAY_SECONDS if playing else None)(
        config_key(config), run.n_frames, run.steps, playing, preset[2] if preset else None,
        summary)
    st.caption("Black dots: real data (drawn on top); red: generated. Arrows: the direction the generator's "
               "loss pushes each fake (−∇ₓ of its loss). Background: D(x) for a GAN (a linear "
               "score for the LSGAN), the critic f(x) for a WGAN. Open circles: the modes.")
