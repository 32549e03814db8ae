"""Torch in this process: imported only when a training needs it, and then on one thread.

**Lazily.** Importing torch costs a server ~180 MB; the app serves its trained models in NumPy
(``gdm_core.numpy_nets``) and needs torch only when a student presses a training button. The
training modules (``gdm_core.gan._nets``, ``_train``, ``_session``) name torch through
:func:`lazy`, a stand-in that imports the real module on first attribute access — the first
training step, not the page's import.

**One thread.** Several students (and the training scripts) share two cores. Torch's OpenMP
pool spin-waits when the cores are oversubscribed: on a busy machine in-page training took
0.56 s with one thread against 4.8 s with two, and a forward pass of 1,000 digits 0.08 s against
0.22 s (``bench/bench_vae.py``). Trainings call :func:`one_thread` when they start (the thread
count is process-wide) instead of ``torch.set_num_threads`` directly.
"""

from __future__ import annotations

import importlib


class _Lazy:
    """A module imported on first attribute access (``lazy("torch").tensor`` imports torch)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"


def lazy(name: str) -> _Lazy:
    """A stand-in for module ``name`` (e.g. ``"torch.nn"``) that imports it on first use."""
    return _Lazy(name)


def set_threads(n: int) -> int:
    """Set torch's intra-op thread count to ``n`` (≥ 1); returns the previous count."""
    n = int(n)
    if n < 1:
        raise ValueError(f"the number of torch threads must be at least 1, got {n}.")
    import torch  # a training is starting: this is where the server first pays for torch

    before = torch.get_num_threads()
    if before != n:
        torch.set_num_threads(n)
    return before


def one_thread() -> int:
    """Use one torch thread (idempotent, cheap to call on every training); returns the old count."""
    return set_threads(1)
