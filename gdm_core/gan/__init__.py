r"""GANs on toy data in the plane: the five objectives, training, snapshots, presets.

A generator :math:`G_\theta: \mathbb{R}^k \to \mathbb{R}^2` pushes latent noise
:math:`z \sim \mathcal{N}(0, I_k)` (k = 1 or 2) forward to a distribution :math:`p_g`; a
discriminator :math:`D_\phi` (or critic :math:`f_\phi`) tells its samples from the data
:math:`p_r`. The objectives:

* ``"minimax"`` (Goodfellow et al. 2014):
  :math:`\min_G\max_D\ \mathbb{E}_{p_r}\log D(x) + \mathbb{E}_z\log(1 - D(G(z)))`; the generator
  minimises :math:`\mathbb{E}\log(1-D(G(z)))`, which *saturates* — its gradient vanishes where
  D confidently rejects the fakes.
* ``"nonsaturating"``: the same discriminator, the generator minimises
  :math:`-\mathbb{E}\log D(G(z))` instead (Goodfellow et al., Section 3).
* ``"wgan-clip"`` (Arjovsky et al. 2017): the critic maximises
  :math:`\mathbb{E}_{p_r} f - \mathbb{E}_{p_g} f` with every weight clipped to :math:`[-c, c]`;
  the generator minimises :math:`-\mathbb{E} f(G(z))`. RMSProp, as in the paper.
* ``"wgan-gp"`` (Gulrajani et al. 2017): the clipping is replaced by the penalty
  :math:`\lambda\,\mathbb{E}_{\hat x}(\|\nabla_x f(\hat x)\|_2 - 1)^2` on random points
  :math:`\hat x` between real and fake samples. Adam, :math:`\beta = (0.5, 0.9)`.
* ``"lsgan"`` (Mao et al. 2017): a discriminator with a linear output regresses the data onto
  1 and the fakes onto 0, :math:`\tfrac12\mathbb{E}_{p_r}(D(x) - 1)^2 + \tfrac12\mathbb{E}_z
  D(G(z))^2`; the generator minimises :math:`\tfrac12\mathbb{E}_z(D(G(z)) - 1)^2`
  (:mod:`gdm_core.lsgan`: the losses, the optimal discriminator, the Pearson :math:`\chi^2`).

:func:`train_gan` returns a :class:`GANRun` of plain NumPy arrays — snapshots of the fakes,
of D or f on a grid and of the generator's gradient on each fake, and a history of the losses,
the exact Wasserstein-1 distance to the data (POT) and mode coverage — which pickles cheaply
for ``st.cache_data`` and saves without pickle (:func:`save_run`, :func:`load_run`).
:class:`GANSession` keeps a student's own model for stepping by hand.

    python -m gdm_core.gan --make-presets checkpoints/gan

trains :data:`PRESETS` and writes them beside a ``presets.json`` of their final figures.

The package's modules, each imported by the ones after it: ``_config`` (:class:`GANConfig`, the
constants), ``_nets`` (networks, objectives, :func:`fit_critic`), ``_results`` (:class:`GANRun`,
:func:`save_run`, :func:`load_run`), ``_train`` (:func:`train_gan`), ``_session``
(:class:`GANSession`), ``_presets`` (:data:`PRESETS`) and ``__main__`` (the command line). The
public names are all here: ``from gdm_core import gan; gan.train_gan(...)``.

References
----------
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein GAN", ICML 2017.
I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville, "Improved Training of
Wasserstein GANs", NeurIPS 2017.
X. Mao, Q. Li, H. Xie, R. Y. K. Lau, Z. Wang, S. P. Smolley, "Least Squares Generative
Adversarial Networks", ICCV 2017.
"""

from gdm_core.gan._config import (
    EXPLODE,
    GRID,
    LINE_POINTS,
    LOSS_LABELS,
    LOSSES,
    MANIFOLD,
    N_EVAL,
    N_SHOW,
    N_W1,
    OPTIMIZERS,
    GANConfig,
    compare_configs,
    loss_defaults,
)
from gdm_core.gan._nets import (
    discriminator_loss,
    fit_critic,
    generator_loss,
    grad_norm_along_lines,
    gradient_penalty,
    make_mlp,
)
from gdm_core.gan._presets import (
    COMPARE_RUNS,
    PRESET_DIR,
    PRESETS,
    load_preset_run,
    make_presets,
    preset_metrics,
    preset_path,
)
from gdm_core.gan._results import GANFrame, GANHistory, GANRun, load_run, save_run
from gdm_core.gan._session import GANSession
from gdm_core.gan._train import run_from_config, train_gan
from gdm_core.gan_data import (
    DATA_LABELS,
    DATA_STD,
    DATASETS,
    EXTENT,
    data_label,
    data_std,
    mode_counts,
    mode_coverage,
    mode_shares,
    toy_data,
    toy_modes,
)

__all__ = [
    "DATASETS", "DATA_LABELS", "DATA_STD", "EXTENT", "LOSSES", "LOSS_LABELS", "PRESETS", "COMPARE_RUNS",
    "PRESET_DIR", "OPTIMIZERS", "N_SHOW", "N_EVAL", "N_W1", "GRID", "MANIFOLD", "LINE_POINTS",
    "EXPLODE",
    "GANConfig", "GANFrame", "GANHistory", "GANRun", "GANSession",
    "toy_data", "toy_modes", "data_std", "data_label", "mode_coverage", "mode_shares", "mode_counts",
    "discriminator_loss", "generator_loss", "gradient_penalty", "fit_critic", "make_mlp",
    "train_gan", "run_from_config", "loss_defaults", "compare_configs",
    "save_run", "load_run", "load_preset_run", "preset_metrics", "preset_path", "make_presets",
    "grad_norm_along_lines",
]
