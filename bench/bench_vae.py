"""Benchmark the VAE latent-space page and its model.

    python bench/bench_vae.py [--repeats 5]

Measures: loading the shipped checkpoint; a forward pass (encode, sample z, decode) of 1,000
test images (target < 0.2 s), with torch's default threads and with one thread; the page's
first run on cold caches and on warm caches; and a rerun after each widget change (AppTest),
median and worst of several runs. Prints a Markdown table. Run it on an otherwise idle machine
for numbers you can compare.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
import torch  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gdm_core import paths, vae  # noqa: E402
from gdm_core.checkpoints import load_checkpoint, load_vae  # noqa: E402
from gdm_core.data import load_mnist  # noqa: E402

PAGE = str(ROOT / "pages" / "vae.py")
ROWS: list[tuple[str, list[float]]] = []


def record(what: str, times: list[float]) -> None:
    ROWS.append((what, times))
    print(f"  {what}: median {statistics.median(times):.3f} s, worst {max(times):.3f} s",
          file=sys.stderr, flush=True)


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_model(repeats: int) -> None:
    record("load checkpoint (torch.load weights_only + metadata)",
           [timed(lambda: load_checkpoint(paths.SHIPPED_CHECKPOINT)) for _ in range(repeats)])
    model = load_vae(paths.SHIPPED_CHECKPOINT)
    images, _ = load_mnist(paths.MNIST_SAMPLE, "test")
    x = vae.to_input(images[:1000])
    default_threads = torch.get_num_threads()

    def forward():
        with torch.no_grad():
            model(x)

    forward()  # warm-up (first call allocates)
    record(f"forward pass, 1,000 images, {default_threads} threads",
           [timed(forward) for _ in range(repeats * 2)])
    torch.set_num_threads(1)
    forward()
    record("forward pass, 1,000 images, 1 thread", [timed(forward) for _ in range(repeats * 2)])
    torch.set_num_threads(default_threads)


def new_session() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=300)


def run_checked(at: AppTest) -> float:
    elapsed = timed(at.run)
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    return elapsed


# (widget kind, key, two values to alternate between)
CHANGES = [
    ("slider", "vae_grid", (20, 15)),
    ("slider", "vae_z1", (1.5, -0.5)),
    ("slider", "vae_z2", (-1.0, 0.5)),
    ("slider", "vae_samples_n", (24, 16)),
    ("button", "vae_resample", None),
    ("multiselect", "vae_recon", ([3, 4, 5], [0, 1, 2, 3, 4, 5, 6, 7])),
    ("number_input", "vae_interp_a", (5, 2)),
    ("number_input", "vae_interp_b", (9, 0)),
    ("slider", "vae_interp_steps", (12, 9)),
    ("number_input", "vae_digit", (7, 0)),
    ("select_slider", "vae_elbo_samples", (1000, 100)),
    ("select_slider", "vae_iw_k", (1000, 100)),
    ("select_slider", "vae_train_n", (500, 1500)),
    ("slider", "vae_train_epochs", (3, 10)),
]


def bench_page(repeats: int) -> None:
    cold = []
    for _ in range(max(2, repeats // 2)):
        st.cache_data.clear()
        st.cache_resource.clear()
        cold.append(run_checked(new_session()))
    record("page, first run, cold caches (load model, encode 2,000 digits, ELBOs)", cold)
    record("page, first run of a new session, warm caches",
           [run_checked(new_session()) for _ in range(repeats)])

    at = new_session()
    run_checked(at)
    record("page, rerun with no change", [run_checked(at) for _ in range(repeats)])
    every_change = []
    for kind, key, values in CHANGES:
        times = []
        for i in range(repeats):
            widget = getattr(at, kind)(key=key)
            if kind == "button":
                widget.click()
            else:
                widget.set_value(values[i % 2])
            times.append(run_checked(at))
        # The first change to a new value may compute (cache miss); later ones hit the cache.
        record(f"rerun after changing {key}", times)
        every_change += times
    record("rerun after any widget change (all of the above)", every_change)

    at.select_slider(key="vae_train_n").set_value(1500)
    at.slider(key="vae_train_epochs").set_value(10)
    # In-page training with the page's defaults (1,500 digits, 10 epochs, 256 hidden units).
    times = []
    for _ in range(2):
        at.button(key="vae_train_go").click()
        times.append(run_checked(at))
    record("in-page training run, defaults (1,500 digits × 10 epochs)", times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    print("measuring…", file=sys.stderr)
    bench_model(args.repeats)
    bench_page(args.repeats)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nVAE page benchmark — {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, torch {torch.__version__}, "
          f"load average at the end {load:.1f}\n")
    print("| what | median (s) | worst (s) | runs |")
    print("| --- | ---: | ---: | ---: |")
    for what, times in ROWS:
        print(f"| {what} | {statistics.median(times):.3f} | {max(times):.3f} | {len(times)} |")


if __name__ == "__main__":
    main()
