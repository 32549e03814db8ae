"""GAN training: watch a GAN, a non-saturating GAN, a least-squares GAN, a WGAN and a WGAN-GP
learn 2-D data."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections.gan import by_hand, clipping, compare, controls, maths, watch

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("GAN training")
st.markdown(
    "Real networks on 2-D toy data: watch them fail and succeed, refereed as the papers do — "
    "modes captured, and the exact W₁ between generated and real samples.")
controls.draw()
ui.show_tabs("gan_tab", [
    ("Watch it train", watch.show),
    ("Step by hand", by_hand.show),
    ("Compare", compare.show),
    ("Clipping vs penalty", clipping.show),
    ("The maths", maths.show),
])
