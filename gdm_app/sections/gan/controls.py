"""The GAN page's shared inputs: a preset, the data, the objective and the training settings.

Drawn at page level (every tab uses them). Writes ``gan_preset``, ``gan_data``, ``gan_loss``,
``gan_steps``, ``gan_ncritic``, ``gan_lr``, ``gan_batch``, ``gan_latent``, ``gan_hidden``,
``gan_clip``, ``gan_lambda``, ``gan_seed`` (all bound to the URL); ``config()`` reads them back.
With the data "your drawing" (``gan_data=drawn``) the canvas of :mod:`.drawn` is drawn under
them and writes ``gan_drawn``, the drawing's code.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import gan
from gdm_app import ui
from gdm_app.sections.gan import drawn

DEFAULT = gan.PRESETS["wgan-gp"][1]
PRESET_NAMES = {name: label for name, (label, _, _) in gan.PRESETS.items()}
DRAWN = "drawn"  # the Data option "your drawing": the canvas's points (gan_drawn)
DATA_OPTIONS = [*gan.DATASETS, DRAWN]
DATA_NAMES = {**gan.DATA_LABELS, DRAWN: "your drawing"}  # the URL holds the label
LRS = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3]
BATCHES = [32, 64, 128, 256, 512]
WIDTHS = [16, 32, 64, 128, 256]
CLIPS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5]
LAMBDAS = [0.0, 0.1, 1.0, 10.0, 100.0]
FIELDS = {  # session key → config field
    "gan_data": "data", "gan_loss": "loss", "gan_steps": "steps", "gan_ncritic": "n_critic",
    "gan_lr": "lr", "gan_batch": "batch", "gan_latent": "latent_dim", "gan_hidden": "hidden",
    "gan_clip": "clip", "gan_lambda": "gp_lambda", "gan_seed": "seed",
}


def apply_preset(name: str) -> None:
    ss, config = st.session_state, gan.PRESETS[name][1]
    ss["gan_preset"] = name
    for key, field in FIELDS.items():
        ss[key] = getattr(config, field)
    ss["gan_frame"] = config.snapshots - 1


def _on_loss_change() -> None:
    # The papers' optimiser settings come with the objective (RMSProp 5e-4 for clipping, ...).
    d = gan.loss_defaults(st.session_state["gan_loss"])
    ss = st.session_state
    ss["gan_lr"], ss["gan_ncritic"] = d["lr"], d["n_critic"]


def draw() -> None:
    ui.preset_from_url("gan", gan.PRESETS, apply_preset)
    c1, c2, c3, c4 = st.columns([2, 1.3, 1.7, 1.2], vertical_alignment="bottom")
    with c1:
        ui.select("Preset (a classic outcome)", list(gan.PRESETS), "wgan-gp", key="gan_preset",
                  format_func=PRESET_NAMES.get,
                  on_change=lambda: apply_preset(st.session_state["gan_preset"]),
                  help="Sets every setting and the seed; share /gan?preset=mode-collapse.")
    with c2:
        ui.select("Data", DATA_OPTIONS, DEFAULT.data, key="gan_data",
                  format_func=DATA_NAMES.get,
                  help="Or draw your own: the last option, 'your drawing'.")
    with c3:
        ui.select("Objective", list(gan.LOSSES), DEFAULT.loss, key="gan_loss",
                  format_func=gan.LOSS_LABELS.get, on_change=_on_loss_change)
    drawing = st.session_state.get("gan_data") == DRAWN
    if drawing:
        drawn.draw()
    drawn.sync_url(drawing)
    # A popover, not an expander: the settings are needed rarely, and a closed expander cost
    # every tab 60 px of its first screen.
    with c4.popover("Training settings", icon=":material/tune:", width="stretch",
                    help="As in the papers; change them and train your own run."):
        c = st.columns(2)
        with c[0]:
            ui.select_slider("Generator steps", [500, 1000, 2000, 4000], DEFAULT.steps,
                             key="gan_steps")
            ui.select_slider("Batch size", BATCHES, DEFAULT.batch, key="gan_batch")
            ui.slider("D / critic steps per G step", 1, 100, DEFAULT.n_critic, key="gan_ncritic")
            ui.select_slider("Learning rate", LRS, DEFAULT.lr, key="gan_lr",
                             help="RMSProp for WGAN with clipping, Adam for the others.")
        with c[1]:
            ui.radio("Latent dimension", [1, 2], DEFAULT.latent_dim, key="gan_latent",
                     horizontal=True)
            ui.select_slider("Network width", WIDTHS, DEFAULT.hidden, key="gan_hidden")
            ui.select_slider("Clip c (WGAN)", CLIPS, DEFAULT.clip, key="gan_clip")
            ui.select_slider("Penalty λ (WGAN-GP)", LAMBDAS, DEFAULT.gp_lambda,
                             key="gan_lambda")
        ui.number("Seed of the run (weights, data and noise)", 0, 10_000, DEFAULT.seed,
                  key="gan_seed", step=1)


def config() -> gan.GANConfig:
    """The run the settings describe; ValueError if they are invalid."""
    ss = st.session_state
    values = {field: ss.get(key, getattr(DEFAULT, field)) for key, field in FIELDS.items()}
    if values["data"] == DRAWN:
        values["data"] = drawn.data_name()  # ValueError until something is drawn
    return DEFAULT.replace(**values)
