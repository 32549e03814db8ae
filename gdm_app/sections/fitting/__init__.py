"""Sections of the Fitting-a-model page: maximum likelihood as KL (``likelihood``), one
Gaussian fitted to a bimodal mixture under four divergences (``gaussian``), generative vs
discriminative classifiers (``classifiers``). Widget keys start with ``fit_``."""

from __future__ import annotations

from gdm_core import fitting

MEANS, SDS = fitting.DEFAULT_MIXTURE[1], fitting.DEFAULT_MIXTURE[2]
LEFT_WEIGHT = fitting.DEFAULT_MIXTURE[0][0]


def mixture(left_weight: float = LEFT_WEIGHT) -> tuple[tuple, tuple, tuple]:
    """The page's data p: two modes at −2 and 2 (sds 0.6 and 0.8), the left one of weight w."""
    w = round(float(left_weight), 6)
    return (w, round(1.0 - w, 6)), MEANS, SDS
