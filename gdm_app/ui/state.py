"""Widgets whose value lives in the address bar, with their session state sanitised first.

Every input that defines what a student sees is drawn through one of these wrappers. Each

1. resets a value that the widget could not show (a mistyped link, a crafted client, stale
   state from an older version of the page) to the page's default, and says so beside it;
2. draws the Streamlit widget with ``bind="query-params"``: the URL then always holds the view,
   and a copied URL opens the same numbers in a fresh session. The key is the URL parameter.

Presets write the values into ``st.session_state`` before the widgets are drawn; Streamlit then
puts them in the URL too. ``preset_from_url`` reads a teacher's ``?preset=…`` once per session.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

BIND = "query-params"


def _is_number(value, integer: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not math.isfinite(value):
        return False
    return not integer or float(value).is_integer()


def clean(key: str, default: Any, ok: Callable[[Any], bool], label: str = "") -> None:
    """Put ``default`` back if ``st.session_state[key]`` holds something ``ok`` refuses.

    Called before the widget is drawn (Streamlit forbids writing a drawn widget's state).
    """
    ss = st.session_state
    if key not in ss:
        return
    try:
        good = bool(ok(ss[key]))
    except Exception:  # noqa: BLE001 - a value so odd that the check itself fails is bad too
        good = False
    if not good:
        bad = ss[key]
        ss[key] = default
        name = f" for “{label}”" if label else ""
        st.warning(f"The value {bad!r} cannot be used{name}; it was reset to {default!r}.")


def _in_range(lo, hi, integer: bool) -> Callable[[Any], bool]:
    return lambda v: _is_number(v, integer) and lo <= v <= hi


def slider(label: str, lo, hi, default, *, key: str, step=None, **kwargs):
    """``st.slider`` bound to the URL; integer if ``lo``, ``hi`` and ``default`` are ints."""
    integer = all(isinstance(v, int) for v in (lo, hi, default))
    clean(key, default, _in_range(lo, hi, integer), label)
    return st.slider(label, lo, hi, default, step, key=key, bind=BIND, **kwargs)


def number(label: str, lo, hi, default, *, key: str, step=None, **kwargs):
    """``st.number_input`` bound to the URL."""
    integer = all(isinstance(v, int) for v in (lo, hi, default)) and (
        step is None or isinstance(step, int))
    clean(key, default, _in_range(lo, hi, integer), label)
    return st.number_input(label, lo, hi, default, step, key=key, bind=BIND, **kwargs)


def _choice(options: Sequence, default, key: str, label: str) -> list:
    options = list(options)
    if default not in options:
        raise ValueError(f"default {default!r} of {key!r} is not one of its options")
    clean(key, default, lambda v: v in options, label)
    return options


def select(label: str, options: Sequence, default, *, key: str, **kwargs):
    """``st.selectbox`` bound to the URL."""
    options = _choice(options, default, key, label)
    return st.selectbox(label, options, options.index(default), key=key, bind=BIND, **kwargs)


def radio(label: str, options: Sequence, default, *, key: str, **kwargs):
    """``st.radio`` bound to the URL."""
    options = _choice(options, default, key, label)
    return st.radio(label, options, options.index(default), key=key, bind=BIND, **kwargs)


def select_slider(label: str, options: Sequence, default, *, key: str, **kwargs):
    """``st.select_slider`` bound to the URL."""
    options = _choice(options, default, key, label)
    return st.select_slider(label, options, default, key=key, bind=BIND, **kwargs)


def multiselect(label: str, options: Sequence, default: Sequence, *, key: str,
                max_selections: int | None = None, **kwargs):
    """``st.multiselect`` bound to the URL."""
    options = list(options)
    most = max_selections or len(options)
    clean(key, list(default), lambda v: isinstance(v, (list, tuple)) and len(v) <= most
          and all(x in options for x in v), label)
    return st.multiselect(label, options, list(default), key=key, bind=BIND,
                          max_selections=max_selections, **kwargs)


def _flag(default: bool, key: str, label: str) -> None:
    clean(key, default, lambda v: isinstance(v, bool), label)


def toggle(label: str, default: bool, *, key: str, **kwargs) -> bool:
    """``st.toggle`` bound to the URL."""
    _flag(default, key, label)
    return st.toggle(label, default, key=key, bind=BIND, **kwargs)


def checkbox(label: str, default: bool, *, key: str, **kwargs) -> bool:
    """``st.checkbox`` bound to the URL."""
    _flag(default, key, label)
    return st.checkbox(label, default, key=key, bind=BIND, **kwargs)


def preset_from_url(page: str, presets, apply: Callable[[str], None]) -> str | None:
    """Apply ``?preset=NAME`` from a shared link, once per session per page.

    Unknown names are ignored (the page opens on its defaults). Returns the name applied.
    """
    flag = f"_{page}_preset_read"
    if st.session_state.get(flag):
        return None
    st.session_state[flag] = True
    wanted = st.query_params.get("preset")
    if wanted in presets:
        apply(wanted)
        return wanted
    return None


def url_wins_on_arrival(url_path: str) -> None:
    """On arriving at a page from another one (a link, a lesson step, a followed teacher), the
    address defines the view: a value the session holds for a parameter the URL names — set by
    a preset or kept from an earlier visit — would otherwise beat the URL, since Streamlit lets
    session state win over a bound widget's parameter. Call before the page runs."""
    ss = st.session_state
    if ss.get("_page_ran") != url_path:
        for key in list(st.query_params):
            if key in ss and not key.startswith("_"):   # the app's own state is never a param
                del ss[key]
    ss["_page_ran"] = url_path
