"""gdm-explorer: the entrypoint. Run with `streamlit run app.py`."""

from gdm_core.memory import cap_malloc_arenas; cap_malloc_arenas(2)  # noqa: E702  first: caps glibc malloc arenas
import streamlit as st

from gdm_core import ui

st.set_page_config(page_title="gdm-explorer", page_icon=":material/casino:", layout="wide")

page = st.navigation([
    st.Page(f"pages/{file}", title=title, icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, path, icon, _) in enumerate(ui.PAGES)
])
ui.settings_sidebar()
page.run()
