import streamlit as st

st.title("Divergences")
st.info("This page is being built.")
