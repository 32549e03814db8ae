import streamlit as st

st.title("Information")
st.info("This page is being built.")
