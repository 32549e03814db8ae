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

**Full runs only.** A class following a lesson polls its room once a second from a fragment:
40 students are 40 fragment runs a second, and Streamlit's collection after each of them was a
third of the server's CPU (40 followers: 0.386 cores with it, 0.245 without;
``bench/bench_followers.py``). So ``.streamlit/config.toml`` turns ``runner.postScriptGC`` off
and ``app.py`` collects at the end of every *full* run itself (:func:`collect_after_run`): a
page's garbage is collected as before, and a fragment's waits for Python's own generational
collection, which runs anyway as objects are allocated.
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


def collect_after_run() -> None:
    """What ``runner.postScriptGC`` did after every run, for full runs only: a full collection
    (cheap, the long-lived heap being frozen), then a freeze if modules were imported."""
    if not freeze_long_lived():   # a freeze collects first
        gc.collect()
