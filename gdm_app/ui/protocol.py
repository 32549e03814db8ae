"""Values a crafted client sends that Streamlit itself cannot read.

A browser sends only what a widget allows, but the ``WidgetStates`` message that starts a run can
hold anything. Streamlit 1.67 already reads a number outside a number input's range as the
widget's default; NaN, ±∞ for an integer input, or a string where a number goes, make its
deserialiser raise (``int(nan)``) before any page code runs, and the session sees a traceback.
Here such a value is read as the widget's default too, and counted, so the page can say that a
value was replaced (``take_refused``). Other sessions never saw the value either way.
``tests/test_canaries.py`` fails once Streamlit's own deserialisers read these values without
raising: then this module can be deleted.
"""

from __future__ import annotations

import math
import threading

_local = threading.local()  # a script run and its widget deserialisation share one thread


def _unreadable(value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    return not math.isfinite(value)


def _unreadable_list(value) -> bool:
    if value is None:
        return False
    try:
        items = list(value)
    except TypeError:
        return True
    return isinstance(value, (str, bytes)) or any(map(_unreadable, items))


def _harden(serde, unreadable) -> None:
    original = serde.deserialize
    if getattr(original, "_gdm_hardened", False):
        return

    def deserialize(self, ui_value):
        if unreadable(ui_value):
            _local.refused = getattr(_local, "refused", 0) + 1
            ui_value = None  # Streamlit then uses the widget's default
        return original(self, ui_value)

    deserialize._gdm_hardened = True
    deserialize._gdm_original = original  # Streamlit's own, for the canary tests
    serde.deserialize = deserialize


def original(serde) -> object:
    """Streamlit's own ``serde.deserialize``, as it was before :func:`install`.

    ``tests/test_canaries.py`` calls it with the values this module guards against: once
    Streamlit reads them itself without raising, those tests fail and this patch can go.
    """
    return getattr(serde.deserialize, "_gdm_original", serde.deserialize)


def install() -> None:
    """Make Streamlit's number-input and slider deserialisers read unreadable values as the
    widget's default (and count them)."""
    try:
        from streamlit.elements.widgets.number_input import NumberInputSerde
        from streamlit.elements.widgets.slider import SliderSerde
    except ImportError:  # a Streamlit without these classes: nothing to harden
        return
    _harden(NumberInputSerde, _unreadable)
    _harden(SliderSerde, _unreadable_list)


def take_refused() -> int:
    """How many unreadable values this thread replaced since the last call (then reset)."""
    count = getattr(_local, "refused", 0)
    _local.refused = 0
    return count
