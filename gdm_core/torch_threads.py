"""One torch thread per process: the single place that sets torch's thread count.

Several students (and the training scripts) share two cores. Torch's OpenMP pool spin-waits
when the cores are oversubscribed: on a busy machine in-page training took 0.56 s with one
thread against 4.8 s with two, and a forward pass of 1,000 digits 0.08 s against 0.22 s
(``bench/bench_vae.py``). Pages, scripts and tests call :func:`one_thread` instead of
``torch.set_num_threads`` directly.
"""

from __future__ import annotations

import torch


def set_threads(n: int) -> int:
    """Set torch's intra-op thread count to ``n`` (≥ 1); returns the previous count."""
    n = int(n)
    if n < 1:
        raise ValueError(f"the number of torch threads must be at least 1, got {n}.")
    before = torch.get_num_threads()
    if before != n:
        torch.set_num_threads(n)
    return before


def one_thread() -> int:
    """Use one torch thread (idempotent, cheap to call on every script run); returns the old count."""
    return set_threads(1)
