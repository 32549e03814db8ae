import streamlit as st

st.title("VAE latent space")
st.info("This page is being built.")
