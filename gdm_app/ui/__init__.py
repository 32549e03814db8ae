"""The page toolkit: everything a page or a section needs from Streamlit, in one package.

``gdm_core``'s maths never imports Streamlit; this package is the one place that does.

- :mod:`.pages` — the list of pages and the deep-link workaround (``ensure_entrypoint``);
- :mod:`.settings` — app-wide units and seed (sidebar, bound to the URL);
- :mod:`.state` — widgets bound to the address bar, with their state sanitised first, and
  ``?preset=`` links read once per session;
- :mod:`.sections` — a section is a fragment with its own error boundary (every catch recorded
  in ``SECTION_FAILURES``, so tests fail on it); tabs that run only the open section;
- :mod:`.charts` — figures drawn with the app's own template and cached by their inputs;
- :mod:`.heap` — the long-lived heap frozen after imports, so Streamlit's per-run garbage
  collection stays cheap;
- :mod:`.protocol` — values a crafted client sends that Streamlit itself cannot read are taken
  as the widget's default (installed on import).
"""

from __future__ import annotations

# Imported here, eagerly, because every page needs them: Streamlit runs each session's script in
# its own thread, and when a classroom arrives at once, lazy first imports of pandas (which plotly
# pulls in on demand) race and fail with "partially initialized module". Importing them with
# this package serialises them under Python's import lock (found by tests/load).
import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.express  # noqa: F401
import plotly.graph_objects  # noqa: F401

from gdm_core.units import UNITS, fmt, from_nats  # noqa: F401

from . import protocol
from .heap import collect_after_run, freeze_long_lived  # noqa: F401
from .charts import figure, heavy_figure, show_figure, show_selectable_figure  # noqa: F401
from .pages import ASSETS, PAGES, compact_layout, ensure_entrypoint, page_link  # noqa: F401
from .sections import (  # noqa: F401
    ERROR_MARKER, SECTION_CALLS, SECTION_FAILURES, failures_since, guarded, last_failure_seq,
    section, show_tabs,
)
from .settings import DEFAULTS, log_base, seed, settings_sidebar, to_units, units  # noqa: F401
from .state import (  # noqa: F401
    checkbox, clean, multiselect, number, preset_from_url, radio, select, select_slider,
    slider, toggle, url_wins_on_arrival,
)

protocol.install()
