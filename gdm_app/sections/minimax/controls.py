"""The Minimax page's shared inputs: preset, start point, step size, steps, methods.

Drawn at page level (not a fragment): every section depends on them, so a change reruns the
page. Writes ``mm_preset``, ``mm_x0``, ``mm_y0``, ``mm_lr``, ``mm_steps`` and ``mm_<method>``;
``current()`` reads them back for the sections.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gdm_core import games
from gdm_app import ui

METHODS = games.METHODS
LABELS = games.METHOD_LABELS
# Presets a teacher can link to: /minimax?preset=spiral
PRESETS = {
    "compare": dict(label="Compare all four", x0=1.0, y0=0.5, lr=0.2, steps=100,
                    methods=METHODS),
    "spiral": dict(label="Simultaneous steps spiral out", x0=1.0, y0=0.0, lr=0.2, steps=60,
                   methods=("simultaneous",)),
    "orbit": dict(label="Alternating steps orbit", x0=1.0, y0=0.0, lr=0.5, steps=60,
                  methods=("simultaneous", "alternating")),
    "converge": dict(label="Extragradient and optimism converge", x0=1.0, y0=0.5, lr=0.3,
                     steps=100, methods=("extragradient", "optimistic")),
}
DEFAULT = PRESETS["compare"]


@dataclass(frozen=True)
class Inputs:
    x0: float
    y0: float
    lr: float
    steps: int
    methods: tuple[str, ...]
    preset: str


def apply_preset(name: str) -> None:
    p, ss = PRESETS[name], st.session_state
    ss.mm_preset = name
    ss.mm_x0, ss.mm_y0, ss.mm_lr, ss.mm_steps = p["x0"], p["y0"], p["lr"], p["steps"]
    ss.mm_k = p["steps"]  # show the whole run
    for m in METHODS:
        ss[f"mm_{m}"] = m in p["methods"]


def draw() -> Inputs:
    """Draw the controls; return the validated inputs."""
    ui.preset_from_url("mm", PRESETS, apply_preset)
    c0, c1, c2, c3, c4 = st.columns([2.2, 1, 1, 1, 1])
    with c0:
        ui.select("Preset", list(PRESETS), "compare", key="mm_preset",
                  format_func=lambda k: PRESETS[k]["label"],
                  on_change=lambda: apply_preset(st.session_state.mm_preset),
                  help="Sets every control; share /minimax?preset=spiral (or orbit, "
                       "converge, compare) to open the page on it.")
    with c1:
        x0 = ui.number("Start x₀", -1000.0, 1000.0, DEFAULT["x0"], key="mm_x0", step=0.1)
    with c2:
        y0 = ui.number("Start y₀", -1000.0, 1000.0, DEFAULT["y0"], key="mm_y0", step=0.1)
    with c3:
        lr = ui.number("Step size η", 0.0, 10.0, DEFAULT["lr"], key="mm_lr", step=0.05,
                       format="%.4g", help="Both players use the same step size.")
    with c4:
        steps = ui.number("Steps", 1, 5000, DEFAULT["steps"], key="mm_steps", step=10)
    methods = []
    for col, m in zip(st.columns(4), METHODS):
        with col:
            if ui.toggle(LABELS[m], True, key=f"mm_{m}"):
                methods.append(m)
    return Inputs(float(x0), float(y0), float(lr), int(steps), tuple(methods),
                  st.session_state.get("mm_preset", "compare"))


def current() -> Inputs:
    """The inputs as the controls left them (sections run after ``draw`` in the same run, or
    alone as a fragment, when the controls did not change)."""
    ss = st.session_state
    return Inputs(float(ss.get("mm_x0", DEFAULT["x0"])), float(ss.get("mm_y0", DEFAULT["y0"])),
                  float(ss.get("mm_lr", DEFAULT["lr"])), int(ss.get("mm_steps", DEFAULT["steps"])),
                  tuple(m for m in METHODS if ss.get(f"mm_{m}", True)),
                  ss.get("mm_preset", "compare"))
