"""VAE §6: train a small VAE in the page, chunk by chunk, with a progress bar and Cancel.

Writes ``vae_train_n``, ``vae_train_epochs``, ``vae_train_hidden``, ``vae_train_lr`` (bound to
the URL) and ``_vae_run`` (this session's :class:`gdm_core.train.TrainingRun`; its model lives
only in the session). Reads ``_vae_train_seconds`` (tests shorten the time limit).

Training holds one of the server's training slots (``gdm_app.sections.training``: at most two at
once, the others wait with their place in line); torch is imported when Train is pressed.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import vae
from gdm_app import ui
from gdm_app.figures import vae as figs
from gdm_app.sections.layout import headline
from gdm_app.sections.training import training_slot
from gdm_app.sections.vae import digits, model, stamp
from gdm_app.sections.vae.elbo import _all_digits

PLANE_TILES = 10  # your model's plane and the shipped one's, side by side
PLANE_HEIGHT = 460
HELD_OUT = 500  # the last 500 shipped digits judge the model trained here
CHUNK_SECONDS = 0.25  # the progress bar moves, and Cancel is heard, between chunks


def _time_limit() -> float:
    return float(st.session_state.get("_vae_train_seconds", 120))


def _start() -> None:
    # The settings are read when the click arrives, not when the button was drawn.
    from gdm_core import train  # torch: only once a student asks to train

    ss = st.session_state
    n_train, epochs = int(ss.get("vae_train_n", 1500)), int(ss.get("vae_train_epochs", 10))
    hidden, lr = int(ss.get("vae_train_hidden", 256)), float(ss.get("vae_train_lr", 0.003))
    images, _, x_bin = digits()
    st.session_state["_vae_run"] = train.TrainingRun(
        images[:n_train], vae.VAEConfig(latent_dim=2, hidden=hidden, enc_layers=1, dec_layers=1),
        epochs=epochs, lr=lr, batch_size=50, seed=ui.seed(),
        test_x=x_bin[len(x_bin) - HELD_OUT:], time_limit=_time_limit())
    st.session_state["_vae_drive"] = True  # this run trains it (the button's return value
    # is not relied on: a callback's flag survives any rerun bookkeeping)


def _cancel() -> None:
    run = st.session_state.get("_vae_run")
    if run is not None:
        run.cancel()


def _drive(run) -> None:
    unit = ui.units()
    with training_slot():
        bar = st.progress(0.0, text="Starting…")
        progress = run.progress()
        while not progress.finished:
            progress = run.step(max_seconds=CHUNK_SECONDS)
            running = "" if progress.running is None else (
                f": −ELBO (moving average) {ui.fmt(ui.to_units(progress.running), unit, 1)}")
            bar.progress(progress.fraction,
                         text=f"step {progress.step} of {progress.total}{running}")


@st.cache_resource(show_spinner=False, max_entries=4)
def _shipped_plane(key: tuple):
    z = vae.latent_grid(PLANE_TILES)
    return _plane(vae.decode_images(model()[0], z), z)


def _plane(images, z):
    fig = figs.manifold_figure(images, z, PLANE_TILES)
    fig.update_layout(height=PLANE_HEIGHT)  # a half-width column: the square plane fits
    return fig


@ui.section("Train your own")
def show() -> None:
    limit = _time_limit()
    headline("Train a small VAE here, then hold its latent plane up against the shipped "
             "model's.")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        n_train = ui.select_slider("Training digits", [250, 500, 1000, 1500], 1500,
                                   key="vae_train_n")
    with c2:
        ui.slider("Epochs", 1, 20, 10, key="vae_train_epochs")
    with c3:
        ui.select_slider("Hidden units", [32, 64, 128, 256], 256, key="vae_train_hidden")
    with c4:
        ui.select_slider("Learning rate", [0.0003, 0.001, 0.003, 0.01], 0.003,
                              key="vae_train_lr")
    b1, b2 = st.columns(2)
    b1.button("Train", key="vae_train_go", type="primary", icon=":material/play_arrow:",
              on_click=_start)
    b2.button("Cancel training", key="vae_train_cancel", icon=":material/stop:",
              on_click=_cancel)
    run = st.session_state.get("_vae_run")
    if run is not None and st.session_state.pop("_vae_drive", False):
        _drive(run)
    status = st.container()
    own, shipped = st.columns(2)
    with shipped:
        st.markdown("**The shipped model's plane**")
        ui.show_figure(_shipped_plane(stamp()), key="vae_fig_shipped_manifold")
    with own:
        st.markdown("**Your model's plane**")
        if run is None:
            st.caption("Press **Train** to start; a few epochs take a few seconds.")
    if run is not None:
        _report(run, n_train, status, own)
    st.markdown(
        f"Train a small VAE here, on the first digits of the shipped sample, and compare it on "
        f"the last {HELD_OUT} (never trained on) with the shipped model. It lives only in your "
        f"session: the shipped model is not touched. Training stops by itself after {limit:g} s "
        "of compute.")


def _report(run, n_train: int, status, own_column) -> None:
    p = run.progress()
    unit = ui.units()
    with status:
        _status(p)
    own, history = run.result()
    with own_column:
        z = vae.latent_grid(PLANE_TILES)
        ui.show_figure(_plane(vae.decode_images(own, z), z), key="vae_fig_own_manifold")
    held = digits()[2][-HELD_OUT:]
    own_rec, own_kl = vae.elbo_estimate(own, held, seed=ui.seed())
    rec_all, kl_all = _all_digits(stamp(), ui.seed())
    m1, m2 = st.columns(2)
    m1.metric(f"your model: ELBO on the last {HELD_OUT} digits",
              ui.fmt(ui.to_units(float((own_rec - own_kl).mean())), unit, 2))
    m2.metric(f"shipped model: ELBO on the same {HELD_OUT}",
              ui.fmt(ui.to_units(float((rec_all - kl_all)[-HELD_OUT:].mean())), unit, 2))
    finished = [h for h in history if "test_neg_elbo" in h]
    if finished:
        ui.show_figure(figs.training_curve(finished, unit, ui.to_units),
                       key="vae_fig_own_curve")


def _status(p) -> None:
    if p.status == "running":
        st.warning(f"Training paused at step {p.step} of {p.total}: another control changed "
                   "while it ran. Press **Train** to start again, or **Cancel** to keep this "
                   "model.")
    elif p.status == "cancelled":
        st.warning(f"Training cancelled after {p.finished_epochs} finished epoch(s); showing "
                   "the model as it was then.")
    elif p.status == "stopped":
        st.warning(f"Training stopped at the {_time_limit():g} s time limit; showing the model "
                   "as it was then.")
    else:
        st.success(f"Trained {p.finished_epochs} epoch(s) in {p.seconds:.1f} s of compute.")
