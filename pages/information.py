"""Information: surprise, entropy, perfect yes/no questions, two variables, KL as extra bits."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections import layout
from gdm_app.sections.information import (
    coin, die, kl, many_rolls, questions, surprise, two_rolls, two_variables,
)

ui.ensure_entrypoint()  # a deep link must still go through app.py
# ?preset=loaded (a die) in a shared link; ?preset=teacher is read by the Two variables tab.
ui.preset_from_url("info", die.DIE_PRESETS,
                   lambda name: (st.session_state.update(info_preset=name),
                                 die.set_values("info_p", die.DIE_PRESETS[name])))
if st.query_params.get("preset") in ("teacher", "independent"):
    st.session_state.setdefault("info_tab", "Two variables")

st.title("Information")
st.markdown(f"Surprise, entropy, yes/no questions and shared information, in **{ui.units()}** "
            "(sidebar); the die feeds tabs 1–4.")
# The die is drawn above the tabs that use it, not above the others (their picture comes first);
# its values are kept for the session while another tab is open.
NO_DIE_TABS = ("Coin", "Two variables", "KL: extra bits")
KEPT = "_info_die_kept"
if layout.open_tab("info_tab") not in NO_DIE_TABS:
    # A URL that names the die (a link, a lesson step) defines it, the parameters it leaves out
    # being defaults: the die kept from an earlier visit comes back only when the URL is silent.
    url_names_die = any(k == "info_preset" or k.startswith("info_p_") for k in st.query_params)
    for key, value in ({} if url_names_die else st.session_state.get(KEPT, {})).items():
        st.session_state.setdefault(key, value)
    st.session_state["info_die"] = die.editor("info_p", "info_preset", die.DIE_PRESETS,
                                              die.PAGE_DEFAULT, "the die")
    st.session_state[KEPT] = {key: st.session_state[key] for key in
                              [*die.keys("info_p"), "info_preset"] if key in st.session_state}
ui.show_tabs("info_tab", [
    ("Surprise", surprise.show),
    ("Yes/no questions", questions.show),
    ("Two rolls", two_rolls.show),
    ("Many rolls", many_rolls.show),
    ("Coin", coin.show),
    ("Two variables", two_variables.show),
    ("KL: extra bits", kl.show),
])
