"""Sections of the GAN training page, and the runs they share.

A run is a deterministic function of its :class:`gdm_core.gan.GANConfig`. The presets ship
precomputed (``checkpoints/gan``), and any other configuration is trained once per server and
cached by its config, so a class clicking the same settings shares one run. Training takes
one of the server's training slots (``gdm_app.sections.training``); showing a run needs no torch.
"""

from __future__ import annotations

import streamlit as st

from gdm_core import drawn_data, gan, gan_referee
from gdm_app.sections.training import training_slot


@st.cache_resource(max_entries=12, show_spinner=False)
def _shipped(name: str) -> gan.GANRun | None:
    try:
        return gan.load_preset_run(name)
    except Exception:  # noqa: BLE001 - a missing or damaged file: train it instead
        return None


def shipped_run(config: gan.GANConfig) -> gan.GANRun | None:
    """The precomputed run of a preset (or of the Compare tab's default view) with exactly this
    configuration, if one is shipped."""
    shipped = {name: c for name, (_, c, _) in gan.PRESETS.items()} | gan.COMPARE_RUNS
    for name, preset_config in shipped.items():
        if preset_config == config:
            run = _shipped(name)
            if run is not None and run.config == config:
                return run
    return None


@st.cache_data(max_entries=16, show_spinner=False, ttl=3600)
def _trained(config_dict: dict) -> gan.GANRun:
    with training_slot():
        bar = st.progress(0.0, text="Training…")
        run = gan.run_from_config(
            config_dict, progress=lambda f: bar.progress(min(max(f, 0.0), 1.0),
                                                         text=f"Training… {100 * f:.0f} %"))
        if drawn_data.is_drawn(run.config.data):
            # a drawing's floor is not shipped: computed here, in the training's slot, and
            # kept for the server (gan_referee.floor caches it); ~10 s at n = 2,000
            bar.progress(1.0, text="The referee's floor for your data: W₁ between two real "
                                   "samples…")
            for n in (gan_referee.N_CURVE, gan_referee.N_REFEREE):
                gan_referee.floor(run.config.data, n)
        bar.empty()
    return run


def get_run(config: gan.GANConfig) -> gan.GANRun:
    """The shipped run, or one trained now (with a progress bar; any other click cancels it)."""
    return shipped_run(config) or _trained(config.to_dict())


def is_ready(config: gan.GANConfig) -> bool:
    """Whether showing this run needs no training (shipped, or cached on this server)."""
    if shipped_run(config) is not None:
        return True
    key = tuple(sorted(config.to_dict().items()))
    return key in st.session_state.get("_gan_trained", set())


def mark_trained(config: gan.GANConfig) -> None:
    trained = st.session_state.setdefault("_gan_trained", set())
    trained.add(tuple(sorted(config.to_dict().items())))


RULE = ("VEEGAN / PacGAN's rule (Srivastava et al. 2017; Lin et al. 2018): a fake is *high "
        "quality* within 3 standard deviations of its nearest mode; a mode is *captured* when it "
        "is the nearest mode of at least one high-quality fake")


@st.cache_data(max_entries=64, show_spinner=False, ttl=3600)
def referee(config_dict: dict) -> dict:
    """The referee's figures for a run's last step (``gan.N_EVAL`` fakes): modes captured and
    per mode, the high-quality share, and W₁ between samples with its floor at the same n."""
    run = get_run(gan.GANConfig(**config_dict))
    data, fakes = run.config.data, run.final_fake
    n = gan_referee.N_REFEREE
    out = {"n": len(fakes), "n_modes": 0, "captured": None, "high_quality": None,
           "counts": None, "w1": None, "floor": gan_referee.floor(data, n), "w1_n": n}
    if len(fakes) == 0:
        return out
    modes = gan.toy_modes(data)
    if modes is not None:
        captured, hq = gan.mode_coverage(fakes, data)
        out.update(n_modes=len(modes), captured=captured, high_quality=hq,
                   counts=gan.mode_counts(fakes, data).tolist())
    if len(fakes) >= n:
        out["w1"] = _shipped_w1(run.config) or gan_referee.w1_between_samples(fakes, data, n=n)
    return out


def _shipped_w1(config: gan.GANConfig) -> float | None:
    """W₁ (n = N_REFEREE) of a shipped run as presets.json records it — the same computation,
    done when the run was made, so a preset's first view does not wait for it."""
    try:
        summary = gan.preset_metrics()
    except (OSError, ValueError):
        return None
    for entry in [*summary.get("presets", {}).values(), *summary.get("compare", {}).values()]:
        if entry.get("config") == config.to_dict():
            return entry.get(f"w1_n{gan_referee.N_REFEREE}")
    return None
