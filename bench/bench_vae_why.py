"""Time the "why a VAE" computations on the shipped model, one torch thread, one digit each.

    python bench/bench_vae_why.py [--digits 5]

Each is what a page caches per input: the true posterior on the adaptive grid, the ELBO gap,
the IW curve (4 runs × k up to 1000), both gradient estimators' spread, the Gaussian
KL/marginal/conditional, and the autoencoder's nudges (if checkpoints/ae2d.pt is present).
Prints median and worst wall time over the digits.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from gdm_core import autoencoder, gaussians, paths, posterior, reparam, vae  # noqa: E402
from gdm_core.checkpoints import load_autoencoder, load_vae  # noqa: E402
from gdm_core.data import load_mnist  # noqa: E402
from gdm_core.torch_threads import one_thread  # noqa: E402


def timed(fn, runs):
    out = []
    for arg in runs:
        t = time.perf_counter()
        fn(arg)
        out.append(1000 * (time.perf_counter() - t))
    return np.median(out), max(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--digits", type=int, default=5)
    args = p.parse_args()
    one_thread()
    model = load_vae(paths.SHIPPED_CHECKPOINT)
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    x = vae.model_input(images[:args.digits])
    digits = range(args.digits)
    rows = [
        ("posterior_grid (48² + 16² decodes)", lambda i: posterior.posterior_grid(model, x[i])),
        ("elbo_gap (grid + 20² Gauss-Hermite)", lambda i: posterior.elbo_gap(model, x[i])),
        ("iw_curve (4 runs, k ≤ 1000)", lambda i: posterior.iw_curve(model, x[i])),
        ("reparam.estimator_spread (quadratic, 7 n × 50 seeds)",
         lambda i: reparam.estimator_spread(*reparam.quadratic(1.0, 0.5, 0)[:1], 0.5 + i, 1.0,
                                            df=reparam.quadratic(1.0, 0.5, 0)[1])),
        ("reparam.log_lik_curve (201 decodes)", lambda i: reparam.log_lik_curve(model, x[i])),
        ("gaussians kl/marginal/condition/grid", lambda i: (
            gaussians.kl_mvn([0, i], [[1, .5], [.5, 1]], [0, 0], np.eye(2)),
            gaussians.condition([0, 0], [[1, .5], [.5, 1]], [0], [1], [i]),
            gaussians.density_grid_2d([0, 0], [[1, .5], [.5, 1]]))),
        ("gaussians.kl_normal_cauchy (quad)", lambda i: gaussians.kl_normal_cauchy(i, 1.0)),
    ]
    if paths.AE_CHECKPOINT.is_file():
        ae = load_autoencoder(paths.AE_CHECKPOINT)
        rows += [
            ("autoencoder.codes (2,000 digits)", lambda i: autoencoder.codes(
                ae, vae.model_input(images))),
            ("autoencoder.grid_decodes 15×15", lambda i: autoencoder.grid_decodes(ae, 15)),
            ("autoencoder.nudge (16 decodes)", lambda i: autoencoder.nudge(ae, x[i], 0.5, 16, i)),
        ]
    for name, fn in rows:
        med, worst = timed(fn, digits)
        print(f"{name:55s} {med:8.0f} ms median  {worst:8.0f} ms worst")


if __name__ == "__main__":
    main()
