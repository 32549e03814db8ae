"""Units of information and how numbers are written: the one place for both.

Everything in ``gdm_core`` computes in nats (natural logarithms); a page converts once, here,
to the unit the student chose. Formatting never prints ``nan``: infinity is a real answer
(written ∞) and an undefined value says so.
"""

from __future__ import annotations

import math

UNITS = ("bits", "nats")
LOG_BASE = {"bits": 2.0, "nats": math.e}


def check_unit(unit: str) -> str:
    """Return ``unit`` if it is "bits" or "nats"; otherwise raise ``ValueError``."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}: use 'bits' or 'nats'")
    return unit


def from_nats(value, unit: str):
    r"""Convert an amount of information from nats to ``unit``.

    .. math:: x_{\text{bits}} = x_{\text{nats}} / \ln 2

    Works on floats and NumPy arrays alike; ±∞ stays ±∞.
    """
    return value if check_unit(unit) == "nats" else value / math.log(2.0)


def fmt(value, unit: str | None = None, digits: int = 4) -> str:
    """Write a number for a page: fixed ``digits`` decimals, '∞' for infinity, never 'nan'.

    Numbers too large for fixed decimals (≥ 10^9), and small ones that fixed decimals would
    round to 0 (10^-9 ≤ |x| < 10^-digits), are written in scientific notation, so a tiny but
    real value never reads as 0; below 10^-9 a value is rounding noise and reads as 0.
    """
    suffix = f" {unit}" if unit else ""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "undefined"
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return ("∞" if value > 0 else "−∞") + suffix
    if abs(value) >= 1e9 or 1e-9 <= abs(value) < 0.5 * 10.0 ** -digits:
        return f"{value:.{max(digits - 1, 1)}e}{suffix}"
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")  # -0.0000 reads as a sign error on a projector
    return text + suffix
