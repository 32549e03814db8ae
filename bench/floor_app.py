"""The floor for bench/bench_browser.py: the least a Streamlit + Plotly page can cost.

One slider drives one 200-point Plotly line (theme=None: no Streamlit theming of the figure).
A widget change in the real app cannot be answered faster than this on the same machine, so the
benchmark reports the app's times as a ratio to this page's.

    streamlit run bench/floor_app.py
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
a = st.slider("Frequency", 1.0, 20.0, 5.0, 0.05, key="floor_a")
x = np.linspace(0.0, 2 * np.pi, 200)
fig = go.Figure(go.Scatter(x=x, y=np.sin(a * x), mode="lines"))
fig.update_layout(height=350, margin=dict(l=40, r=10, t=30, b=40))
st.plotly_chart(fig, theme=None, key="floor_fig")
