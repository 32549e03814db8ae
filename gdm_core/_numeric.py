"""Input checks and small float helpers shared by ``divergences``, ``transport`` and ``critic``.

The checks turn anything a page or a crafted URL can pass (a string, NaN, ±∞, a bool, 2.5 for
a count) into a ``ValueError`` with a sentence for the page; the helpers compute in plain
floats where NumPy would be slower (``scipy.integrate.quad`` calls integrands one point at a
time).
"""

from __future__ import annotations

import math

LOG2 = math.log(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def finite(name: str, value) -> float:
    """``value`` as a float, or ValueError if it is not a finite number."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def positive(name: str, value) -> float:
    """``value`` as a float, or ValueError unless it is finite and > 0 (a standard deviation)."""
    value = finite(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be positive (a standard deviation > 0), got {value}.")
    return value


def count(name: str, value, minimum: int = 1) -> int:
    """``value`` as an int, or ValueError unless it is a whole number ≥ ``minimum``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}.") from None
    if not math.isfinite(as_float) or as_float != int(as_float):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if int(as_float) < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {int(as_float)}.")
    return int(as_float)


def softplus(u: float) -> float:
    r""":math:`\log(1 + e^u)` without overflow, for one float."""
    return u + math.log1p(math.exp(-u)) if u > 0 else math.log1p(math.exp(u))
