"""Conditional generation: a class-conditional VAE on MNIST with a 2-D style code.

The network (``_net``) runs in NumPy; the views the page draws (``_views``) are plain functions
of it; ``gdm_core.cvae.train`` (torch, build time only) trains it.
"""

from gdm_core.cvae._net import (CVAE_CHECKPOINT, N_CLASSES, ConditionalNet, expected_shapes,
                                load_cvae, one_hot)
from gdm_core.cvae._views import (conditional_elbo, conditional_samples, decode_digit,
                                  label_agreement, one_style_all_digits, shared_style,
                                  slant_and_ink, style_plane, wilson_interval)

__all__ = ["CVAE_CHECKPOINT", "N_CLASSES", "ConditionalNet", "conditional_elbo",
           "conditional_samples", "decode_digit", "expected_shapes", "label_agreement",
           "load_cvae", "one_hot", "one_style_all_digits", "shared_style", "slant_and_ink",
           "style_plane", "wilson_interval"]
