"""The app around the maths: the page toolkit (``ui``), the pages' sections and the figures.

``gdm_core`` computes and returns plain data and never imports Streamlit; everything that
draws — Streamlit widgets, fragments, Plotly figures — lives here. ``pages/`` (fixed by
Streamlit's layout beside ``app.py``) holds the thin page files that call into this package.
"""
