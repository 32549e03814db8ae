r"""Fitting a model: maximum likelihood as KL minimisation, and one Gaussian fitted to a
bimodal mixture under four divergences.

* :func:`divergence_value` — forward KL(p‖q), reverse KL(q‖p), Jensen–Shannon or W₁ between a
  1-D Gaussian mixture p and q = N(μ, σ²), by quadrature on a grid adapted to both;
  :func:`divergence_surface` on a (μ, σ) grid.
* :func:`fit_gaussian` — the minimising (μ, σ) from a start; :func:`descent_path` — gradient
  descent on (μ, log σ), for the picture.
* :func:`likelihood_curves` — the average NLL of a sample, the expected NLL and the KL over μ:
  maximum likelihood is minimum KL(p_data‖p_θ), the curves differ by H(p_data).
* :func:`coverage` — q's mass where p is tiny (blur) and p's mass where q is tiny (missing
  modes).

All in nats. The package's modules, each imported by the ones after it: ``_mixture`` (checks,
log-density, CDF, quadrature grid), ``_divergences``, ``_fit``, ``_likelihood``.

References
----------
C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, §1.6.1 and §10.1.2.
L. Theis, A. van den Oord, M. Bethge, "A note on the evaluation of generative models",
ICLR 2016 (which divergence a model is trained with decides what its samples look like).
"""

from gdm_core.fitting._mixture import check_mixture, entropy, moments  # noqa: F401
from gdm_core.fitting._mixture import cdf as mixture_cdf  # noqa: F401
from gdm_core.fitting._mixture import logpdf as mixture_logpdf  # noqa: F401
from gdm_core.fitting._mixture import sample as sample_mixture  # noqa: F401
from gdm_core.fitting._divergences import (  # noqa: F401
    DIVERGENCES, LABELS, divergence_surface, divergence_value,
)
from gdm_core.fitting._fit import LEARNING_RATES, descent_path, fit_gaussian  # noqa: F401
from gdm_core.fitting._likelihood import coverage, likelihood_curves  # noqa: F401

# The page's default data: two well-separated modes of unequal weight (so reverse KL's two
# local minima differ, and which one a fit finds depends on its start).
DEFAULT_MIXTURE = ((0.3, 0.7), (-2.0, 2.0), (0.6, 0.8))
