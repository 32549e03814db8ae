"""Process-wide memory settings for the server, applied from inside the process.

Streamlit runs every session's script in its own thread, and glibc's malloc gives threads their
own arenas (up to 8 per core), each keeping freed memory for reuse: with a class working at once
the server's resident memory grows with the number of arenas rather than with what is live.
``MALLOC_ARENA_MAX`` would cap them, but Streamlit Community Cloud gives no way to set the
server's environment, so ``app.py`` caps them itself with ``mallopt`` before the first heavy
import. Arenas that exist already stay; every thread after the call shares the capped set.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
_applied: int | None = None


def cap_malloc_arenas(n: int = 2) -> bool:
    """Cap glibc malloc's arenas at ``n`` for this process; True if applied.

    A no-op (False) where the C library is not glibc (macOS, Windows, musl). Safe to call on
    every script run: only the first call does anything. ``GDM_MALLOC_ARENAS`` overrides ``n``
    (``0``: leave glibc's default, for before/after measurements: bench/bench_load.py).
    """
    global _applied
    if _applied is not None:
        return _applied == n
    n = int(os.environ.get("GDM_MALLOC_ARENAS", n))
    if n <= 0:
        _applied = 0
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc only  # noqa: B018
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if mallopt(M_ARENA_MAX, int(n)) != 1:
        return False
    _applied = int(n)
    return True
