"""Fitting a model: maximum likelihood is minimum KL, what each divergence makes of a bimodal
target, and generative vs discriminative classifiers."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections.fitting import classifiers, gaussian, likelihood

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Fitting a model")
st.markdown("Which divergence a model minimises decides what it learns: maximum likelihood is "
            "forward KL, and it blurs where reverse KL drops modes.")
ui.show_tabs("fit_tab", [
    ("Likelihood = KL", likelihood.show),
    ("One Gaussian, four divergences", gaussian.show),
    ("Generative vs discriminative", classifiers.show),
])
