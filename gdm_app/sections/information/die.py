"""The die editor: a preset and six probabilities, validated. Not a section of its own.

Used at page level for the die that tabs 1–4 share (written to ``info_die``), and twice inside
the KL section. Writes ``<prefix>_<face>`` (the six inputs, bound to the URL) and the preset key.

The page opens on the uneven die (``PAGE_DEFAULT``): with a fair die every face is equally
surprising (six equal bars) and every roll carries exactly H (a flat line on the Many rolls
tab), so neither tab shows its point. The fair die is the first preset, one click away.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdm_core import information as info
from gdm_app import ui

FACES = ["1", "2", "3", "4", "5", "6"]
DIE_PRESETS = {
    "fair": [1 / 6] * 6,
    "uneven": [0.05, 0.05, 0.1, 0.1, 0.2, 0.5],
    "loaded": [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
    "nearly-certain": [0.01, 0.01, 0.01, 0.01, 0.01, 0.95],
}
KL_PRESETS = {**DIE_PRESETS, "no-six": [0.2, 0.2, 0.2, 0.2, 0.2, 0.0]}
PAGE_DEFAULT = "uneven"  # the page's die: four different surprises, 1 to 4.32 bits
PRESET_NAMES = {"fair": "fair", "uneven": "uneven (6 half the time, 1 and 2 one in 20)",
                "loaded": "loaded (6 comes up half the time)",
                "nearly-certain": "nearly certain (almost always 6)",
                "no-six": "no six (the 6 was filed off)"}


def keys(prefix: str) -> list[str]:
    return [f"{prefix}_{face}" for face in FACES]


def set_values(prefix: str, values) -> None:
    for key, value in zip(keys(prefix), values):
        st.session_state[key] = float(value)


def _normalise(prefix: str) -> None:
    values = [st.session_state.get(k) for k in keys(prefix)]
    if info.can_normalize(values):  # the inputs may have changed since the button was drawn
        set_values(prefix, info.normalize(values))


def editor(prefix: str, preset_key: str, presets: dict, default: str, name: str,
           symbol: str = "P") -> np.ndarray | None:
    """Preset choice and six probabilities; returns the validated die or None (error shown)."""
    cols = st.columns([2.4] + [1] * 6)  # one row: the preset, then the six faces
    with cols[0]:
        preset = ui.select(f"Preset for {name}", list(presets), default, key=preset_key,
                           format_func=PRESET_NAMES.get,
                           on_change=lambda: set_values(prefix, presets[st.session_state[preset_key]]))
    start = presets[preset]
    values = []
    for col, key, face, p in zip(cols[1:], keys(prefix), FACES, start):
        with col:
            values.append(ui.number(f"{symbol}({face})", 0.0, 1.0, float(p), key=key,
                                    step=0.01, format="%.4f"))
    try:
        die = info.check_distribution(
            values, name=name, labels=[f"the probability of face {f}" for f in FACES])
    except ValueError as err:
        st.error(str(err))
        if info.can_normalize(values):
            st.button("Normalise (divide each by the total)", key=f"{prefix}_normalise",
                      on_click=_normalise, args=(prefix,))
        else:
            st.caption("Fix the entries above: probabilities are numbers ≥ 0 that add up to 1.")
        return None
    note = info.rescale_note(values)
    if note:
        st.caption(note)
    return die
