"""Information: surprise, entropy, perfect yes/no questions, two variables, KL as extra bits."""

import streamlit as st

from gdm_app import ui
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
st.markdown(
    "How surprising is an outcome, how many yes/no questions does it take to find it, and how "
    f"much does one variable tell about another? Values are in **{ui.units()}** "
    "(sidebar). The die below is used by the first four tabs."
)
st.session_state["info_die"] = die.editor("info_p", "info_preset", die.DIE_PRESETS,
                                          die.PAGE_DEFAULT, "the die")
ui.show_tabs("info_tab", [
    ("Surprise", surprise.show),
    ("Yes/no questions", questions.show),
    ("Two rolls", two_rolls.show),
    ("Many rolls", many_rolls.show),
    ("Coin", coin.show),
    ("Two variables", two_variables.show),
    ("KL: extra bits", kl.show),
])
