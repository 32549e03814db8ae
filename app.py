"""gdm-explorer: the entrypoint. Run with `streamlit run app.py`."""

from gdm_core.memory import cap_malloc_arenas

cap_malloc_arenas(2)  # first, before torch and friends allocate: see gdm_core/memory.py

import streamlit as st  # noqa: E402

from gdm_app import ui  # noqa: E402

from gdm_app.sections.lesson import bar as lesson_bar  # noqa: E402
from gdm_app.ui import present  # noqa: E402

# The favicon is a file of the app's own (a Material icon here would be fetched from a font
# server); the menu is there for its theme selector (light, or dark for a dark lecture hall).
st.set_page_config(
    page_title="gdm-explorer", page_icon=str(ui.ASSETS / "favicon.png"), layout="wide",
    initial_sidebar_state="collapsed" if present.requested() else "auto",
    menu_items={"About": "gdm-explorer: the mathematics of deep generative models, to explore "
                         "in class. Runs from its own files; asks no other host anything."},
)

page = st.navigation([
    st.Page(f"pages/{file}", title=title, icon=icon, url_path=path, default=(i == 0))
    for i, (file, title, path, icon, _) in enumerate(ui.PAGES)
])
lesson_bar.navigate_pending()  # the lesson's Next / a followed teacher: go to the step's view
ui.url_wins_on_arrival(page.url_path)  # before any widget: the address defines a new page's view
ui.compact_layout()
present.apply_css()
ui.settings_sidebar()
lesson_bar.show(page.url_path)
try:
    page.run()
finally:
    ui.collect_after_run()  # garbage collection after full runs only: see gdm_app/ui/heap.py
