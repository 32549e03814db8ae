"""Keep Streamlit's garbage collection after every script run cheap.

Streamlit calls ``gc.collect(2)`` after each script run (``runner.postScriptGC``), which keeps
memory in check but walks every object tracked by the collector: with torch, SciPy, Plotly and
the VAE loaded that is ~310,000 objects and 90–180 ms of server CPU per interaction — about
half of what an interaction cost. Nearly all of them are modules, classes and cached models that
live as long as the server. ``gc.freeze()`` moves them to a permanent generation that later
collections skip (PEP 7.x docs: "useful after forking"; here: after importing), so the
per-run collection only sees the run's own garbage. We freeze again whenever new modules were
imported (the first visit to a page that pulls in torch, say), after one last full collection
so that no garbage is frozen with them.
"""

from __future__ import annotations

import gc
import sys
import threading

_LOCK = threading.Lock()
_modules_frozen = 0


def freeze_long_lived() -> bool:
    """Freeze the heap if modules were imported since the last freeze; True if it froze."""
    global _modules_frozen
    if len(sys.modules) <= _modules_frozen:
        return False
    with _LOCK:
        if len(sys.modules) <= _modules_frozen:
            return False
        gc.collect()
        gc.freeze()
        _modules_frozen = len(sys.modules)
    return True
