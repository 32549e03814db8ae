"""Speed of the Divergences page: exact EMD by size, the 1-D sorted solution, and a full page rerun.

Run: python bench/bench_divergences.py   (prints a table: median and worst of several runs)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gdm_core import divergences as dv  # noqa: E402
from gdm_core.transport import wasserstein_samples  # noqa: E402


def timed(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up (imports, allocator)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times)


def main() -> None:
    rows = []
    rng = np.random.default_rng(0)
    for n in (100, 250, 500, 1000):
        real, fake = dv.sample_shifted_lines(0.5, n, rng)
        rows.append((f"exact EMD, 2-D lines, n = {n}", *timed(lambda: wasserstein_samples(real, fake), 7)))
    for n in (1000, 100_000):
        x, y = rng.normal(size=n), rng.normal(1, 2, size=n)
        rows.append((f"1-D sorted W1, n = {n}", *timed(lambda: wasserstein_samples(x, y), 7)))
    x, y = rng.normal(size=1000), rng.normal(1, 2, size=1001)  # n ≠ m: falls back to exact EMD
    rows.append(("1-D exact EMD (n ≠ m), n = 1000", *timed(lambda: wasserstein_samples(x, y), 5)))
    real, fake = dv.sample_shifted_lines(0.5, 200, rng)
    rows.append(("W + autograd dW/dθ, n = 200", *timed(lambda: dv.sample_w_gradient(0.5, real[:, 1], fake[:, 1]), 7)))
    rows.append(("JS discriminator fit, n = 500", *timed(
        lambda: dv.js_from_samples(*dv.sample_shifted_lines(0.5, 500, 1)), 7)))
    rows.append(("gradient descent, 25 steps, n = 100", *timed(lambda: dv.gradient_descent(0.8, 0.1, 25, 100), 3)))
    rows.append(("convergence sweep (θ change, uncached)", *timed(
        lambda: dv.lines_convergence(0.37, [10, 20, 50, 100, 200, 400], 3, 1), 3)))
    rows.append(("Gaussian JS sweep, 81 μ2 (σ change)", *timed(
        lambda: [dv.gaussian_js(0, 0.05, m, 0.05) for m in np.linspace(-4, 4, 81)], 3)))
    rows.extend(page_reruns())

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'median':>9}  {'worst':>9}")
    for name, med, worst in rows:
        print(f"{name:<{width}}  {med * 1000:7.2f}ms  {worst * 1000:7.2f}ms")


def page_reruns() -> list[tuple[str, float, float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "divergences.py"), default_timeout=120).run()
    assert not at.exception
    fresh, cached = [], []
    values = [0.31, -0.42, 0.0, 0.77, -0.05, 0.5, 0.12, -0.9]
    for v in values:  # a θ never seen: convergence sweep and figures recomputed
        t = time.perf_counter()
        at.slider(key="div_theta").set_value(v).run()
        fresh.append(time.perf_counter() - t)
        assert not at.exception
    for v in values:  # back to a θ seen before: cached
        t = time.perf_counter()
        at.slider(key="div_theta").set_value(v).run()
        cached.append(time.perf_counter() - t)
    return [("AppTest rerun after a new θ (whole page)", statistics.median(fresh), max(fresh)),
            ("AppTest rerun after a seen θ (cached)", statistics.median(cached), max(cached))]


if __name__ == "__main__":
    main()
