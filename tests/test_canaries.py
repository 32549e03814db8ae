"""Canaries: the app works around Streamlit and glibc in three places; each test here says
whether the workaround is still needed, and still works.

- ``gdm_app/ui/protocol.py`` patches Streamlit's number-input and slider deserialisers, which
  raise on values a crafted client can send (NaN or ±inf for an integer, a string for a
  number). The canary calls Streamlit's own, unpatched deserialisers with those values: once
  one no longer raises, its test fails, and that part of the patch can go.
- ``gdm_core/memory.py`` caps glibc's malloc arenas with ``mallopt``: the call must succeed on
  glibc (return 1) and actually cap the arenas that new threads get.
- ``ui.ensure_entrypoint`` undoes Streamlit's old pages-folder mode. Its behaviour is tested
  end to end (``tests/e2e/test_deep_link.py``: a fresh server's first request is a deep link);
  here, quickly: Streamlit still starts an app that has a ``pages/`` folder in that mode, and
  the function switches it off and reruns.
"""

from __future__ import annotations

import math
import platform
import subprocess
import sys
import textwrap

import pytest
import streamlit

from tests.conftest import ROOT

# --- gdm_app/ui/protocol.py -----------------------------------------------------------------------


def _serdes():
    from streamlit.elements.widgets.number_input import NumberInputSerde
    from streamlit.elements.widgets.slider import SliderSerde
    from streamlit.proto.NumberInput_pb2 import NumberInput
    from streamlit.proto.Slider_pb2 import Slider

    return {
        "int number_input": NumberInputSerde(5, NumberInput.INT, 0, 10),
        "float number_input": NumberInputSerde(0.5, NumberInput.FLOAT, 0.0, 1.0),
        "float slider": SliderSerde([0.5], Slider.FLOAT, True, None, 0.0, 1.0),
        "int slider": SliderSerde([5], Slider.INT, True, None, 0, 10),
    }


# (widget, a value a crafted client can send) that Streamlit's own deserialiser cannot read.
# (NaN and ±inf for a float input or any slider Streamlit already reads as the default.)
UNREADABLE = [
    ("int number_input", math.nan), ("int number_input", math.inf),
    ("int number_input", -math.inf), ("int number_input", "'; DROP TABLE students; --"),
    ("float number_input", "0.5"),
    ("float slider", ["x"]), ("float slider", "x"), ("float slider", 0.5),
    ("int slider", ["x"]), ("int slider", 5.0),
]


@pytest.mark.parametrize("widget, value", UNREADABLE, ids=[f"{w}-{v!r}" for w, v in UNREADABLE])
def test_streamlit_itself_still_raises_on_what_the_protocol_patch_reads(widget, value):
    from gdm_app.ui import protocol

    protocol.install()
    serde = _serdes()[widget]
    streamlits_own = protocol.original(type(serde))
    assert not getattr(streamlits_own, "_gdm_hardened", False)
    try:
        result = streamlits_own(serde, value)
    except (ValueError, TypeError, OverflowError):
        pass  # still raises: the patch is still needed
    else:
        pytest.fail(f"Streamlit {streamlit.__version__} now reads {value!r} for a {widget} "
                    f"itself (as {result!r}): gdm_app/ui/protocol.py need not guard it any more")
    # and the patched deserialiser reads it as the widget's default, and counts it
    protocol.take_refused()
    default = serde.value if "number_input" in widget else serde.value[0]
    assert serde.deserialize(value) == default
    assert protocol.take_refused() == 1


# --- gdm_core/memory.py ---------------------------------------------------------------------------

ARENAS = textwrap.dedent("""
    import ctypes, re, sys, tempfile, threading
    from gdm_core.memory import cap_malloc_arenas, M_ARENA_MAX

    libc = ctypes.CDLL(None)
    if sys.argv[1] == "mallopt":  # the raw call, as cap_malloc_arenas makes it
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        print(libc.mallopt(M_ARENA_MAX, 2))
        raise SystemExit
    if sys.argv[1] == "cap":
        print(cap_malloc_arenas(2), file=sys.stderr)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    together = threading.Barrier(9)

    def work():  # a thread's first malloc takes an arena of its own, while there may be more
        block = libc.malloc(1 << 16)
        together.wait()
        libc.free(block)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    together.wait()
    for t in threads:
        t.join()
    path = tempfile.mktemp()
    out = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, out)  # XML, one <heap nr="..."> per arena
    libc.fclose(out)
    print(len(re.findall(r'<heap nr="[0-9]+">', open(path).read())))
""")

glibc_only = pytest.mark.skipif(platform.libc_ver()[0] != "glibc" or sys.platform != "linux",
                                reason="mallopt's arena cap is glibc's")


def _arenas(mode: str, **env) -> subprocess.CompletedProcess:
    import os

    full = {k: v for k, v in os.environ.items() if k != "GDM_MALLOC_ARENAS"} | env
    full["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-c", ARENAS, mode], capture_output=True, text=True,
                          env=full, timeout=120, check=True)


@glibc_only
def test_mallopt_accepts_the_arena_cap():
    assert _arenas("mallopt").stdout.strip() == "1"  # glibc's "success"


@glibc_only
def test_the_arena_cap_holds_for_new_threads():
    capped = _arenas("cap")
    assert capped.stderr.strip() == "True", capped.stderr  # cap_malloc_arenas says it applied
    assert int(capped.stdout) <= 2, capped.stdout  # 8 threads at once share 2 arenas
    default = _arenas("none")
    assert int(default.stdout) > 2, default.stdout  # without it, glibc gives them more (9 here)
    # GDM_MALLOC_ARENAS=0 (the before/after benchmark) leaves glibc's default
    off = _arenas("cap", GDM_MALLOC_ARENAS="0")
    assert off.stderr.strip() == "False" and int(off.stdout) > 2


# --- ui.ensure_entrypoint -------------------------------------------------------------------------

@pytest.fixture
def pages_mode():
    from streamlit.runtime.pages_manager import PagesManager

    before = PagesManager.uses_pages_directory
    yield PagesManager
    PagesManager.uses_pages_directory = before


def test_streamlit_still_starts_an_app_with_a_pages_folder_in_the_old_mode(pages_mode):
    # What ensure_entrypoint undoes: a server's first PagesManager, for app.py beside pages/,
    # turns the class-wide flag on. If this fails, Streamlit no longer has the old mode (or
    # the flag moved): check tests/e2e/test_deep_link.py, and the workaround may go.
    pages_mode.uses_pages_directory = None
    pages_mode(str(ROOT / "app.py"))
    assert pages_mode.uses_pages_directory is True


def test_ensure_entrypoint_switches_the_old_mode_off_and_reruns(pages_mode, monkeypatch):
    from gdm_app import ui

    reruns = []
    monkeypatch.setattr(streamlit, "rerun", lambda: reruns.append(1))
    pages_mode.uses_pages_directory = True
    ui.ensure_entrypoint()
    assert pages_mode.uses_pages_directory is False and reruns == [1]
    ui.ensure_entrypoint()  # through app.py: nothing to do
    assert reruns == [1]
