"""The app's pages, and the workaround for Streamlit's old pages-folder mode."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ASSETS = Path(__file__).resolve().parents[2] / "assets"  # the app's own icon and images

# One list of the app's pages: app.py registers them, the tests and benchmarks walk them.
# (file under pages/, title, url path, icon, heading shown on the page)
PAGES = [
    # Material icons ship with Streamlit's own font, so they show even where no emoji font is.
    ("home.py", "Home", "home", ":material/home:", "gdm-explorer"),
    ("lesson.py", "Lesson", "lesson", ":material/school:", "Lesson"),
    ("information.py", "Information", "information", ":material/casino:", "Information"),
    ("divergences.py", "Divergences", "divergences", ":material/straighten:", "Divergences"),
    ("fitting.py", "Fitting a model", "fitting", ":material/insights:", "Fitting a model"),
    ("minimax.py", "Minimax", "minimax", ":material/cyclone:", "Minimax"),
    ("gan.py", "GAN training", "gan", ":material/sports_kabaddi:", "GAN training"),
    ("vae.py", "VAE latent space", "vae", ":material/scatter_plot:", "VAE latent space"),
    ("vae-why.py", "Why a VAE", "vae-why", ":material/psychology:", "Why a VAE"),
    ("gaussians.py", "Gaussians", "gaussians", ":material/bubble_chart:", "Gaussians"),
]


def ensure_entrypoint() -> None:
    """Make sure this run went through app.py; call first on every page.

    With a ``pages/`` folder beside ``app.py``, Streamlit starts in its old multipage mode: until
    some session has run ``app.py`` (whose ``st.navigation`` switches the mode off), a deep link
    such as ``/minimax`` runs ``pages/minimax.py`` alone — no settings, a file-list menu — and so
    does every later request to that server. Here a page notices it, switches the mode off, and
    reruns: the rerun goes through ``app.py``, which routes to the same URL.
    Tested by behaviour in ``tests/e2e/test_deep_link.py`` (a fresh server's first request is
    ``/gan``); ``tests/test_canaries.py`` fails once Streamlit no longer starts in that mode.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_link(file: str, label: str, icon: str | None = None) -> None:
    """A link to another page that stays in this session (settings and state are kept).

    ``st.page_link`` needs the page registered by ``app.py``'s navigation; a page run on its own
    (a test, or the instant before ``ensure_entrypoint`` reruns) gets a plain relative link.
    """
    path = next((p[2] for p in PAGES if p[0] == file), None)
    try:
        st.page_link(f"pages/{file}", label=label, icon=icon)
    except Exception:  # noqa: BLE001 - StreamlitPageNotFoundError and kin: fall back to a link
        st.markdown(f"[{label}](./{path})")


# Streamlit's default page padding (6rem on top, 5rem at the sides) leaves a 1280×720 projector
# about 790 px of width and pushes every figure below the fold; a lecture needs the room.
COMPACT_CSS = """<style>
/* Streamlit's header bar (the menu, and the button that opens a closed sidebar) is 3.75rem
   tall and opaque: a slimmer bar, and the page starts under it. */
header[data-testid="stHeader"] {height: 2.5rem; min-height: 2.5rem;}
.stMainBlockContainer, .block-container {padding-top: 2.6rem; padding-left: 2rem;
  padding-right: 2rem; padding-bottom: 2rem;}
h1 {padding-top: 0.1rem; padding-bottom: 0.1rem; font-size: 2.2rem !important;}
/* A metric's label and value wrap onto a second line rather than end in "…" (a cut number) */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}
/* A phone (390 px): the header bar covers the top 3.75rem, so the title starts under it; every
   tab stays reachable (the tab row wraps instead of scrolling sideways); the chart toolbar, which
   would sit on the chart's title, is left to wider screens (the PNG is for slides). */
@media (max-width: 640px) {
  .stMainBlockContainer, .block-container {padding-top: 4rem; padding-left: 0.75rem;
    padding-right: 0.75rem;}
  h1 {font-size: 1.7rem !important;}
  [data-testid="stMain"] [role="tablist"] {flex-wrap: wrap; row-gap: 0.25rem;
    overflow: visible !important;}
  .stPlotlyChart .modebar-container {display: none;}
  /* a chart's title in a smaller type, so it fits the phone's width */
  .stPlotlyChart .gtitle {font-size: 14px !important;}
  /* a formula wider than the phone scrolls sideways in its own box (as on Wikipedia) */
  .katex-display {overflow-x: auto; overflow-y: hidden; padding-bottom: 0.3rem;}
  .katex-display > .katex {font-size: 1em;}
  /* a teacher's lesson bar: its (polled) title takes the row, the buttons go under it */
  [data-testid="stLayoutWrapper"]:has(> .st-key-lesson_bar_title) {min-width: 100%;}
}
</style>"""


def compact_layout() -> None:
    """Tighter page margins, so one idea fits a 1280×720 screen; called by ``app.py``."""
    st.html(COMPACT_CSS)
