"""gdm-explorer: the entrypoint. Run with `streamlit run app.py`."""

from gdm_core.memory import cap_malloc_arenas

cap_malloc_arenas(2)  # first, before torch and friends allocate: see gdm_core/memory.py

import streamlit as st  # noqa: E402

from gdm_app import ui  # noqa: E402

st.set_page_config(page_title="gdm-explorer", page_icon=":material/casino:", layout="wide")

page = st.navigation([
    st.Page(f"pages/{file}", title=title, icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, path, icon, _) in enumerate(ui.PAGES)
])
ui.compact_layout()
ui.settings_sidebar()
try:
    page.run()
finally:
    ui.freeze_long_lived()  # cheap per-run garbage collection: see gdm_app/ui/heap.py
