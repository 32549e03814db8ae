import streamlit as st

st.title("Minimax")
st.info("This page is being built.")
