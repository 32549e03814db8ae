"""Benchmark the GAN page's core: training the default run, building a frame, the shipped files.

    python bench/bench_gan.py              # the default WGAN-GP run: 2,000 generator steps
    python bench/bench_gan.py --steps 300  # a shorter run (the per-step cost extrapolates)

Targets (issue): the default configuration trains 2,000 generator steps in ≤ 20 s on one
thread, with progress reported and cancel polled; a frame's figure builds in well under 300 ms;
the shipped preset runs together stay under 10 MB. Both wall and CPU time of this process are
printed: on a shared machine wall time also measures the neighbours, CPU time does not.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gdm_core import gan  # noqa: E402
from gdm_app.figures import gan as figs  # noqa: E402
from gdm_core.torch_threads import one_thread  # noqa: E402


def bench_training(steps: int) -> gan.GANRun:
    config = gan.GANConfig(data="ring8", loss="wgan-gp", seed=0).replace(steps=steps)
    calls = {"progress": 0, "stop": 0}

    def progress(_fraction):
        calls["progress"] += 1

    def should_stop():
        calls["stop"] += 1
        return False

    wall, cpu = time.perf_counter(), time.process_time()
    run = gan.train_gan(config, progress=progress, should_stop=should_stop)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"training {steps} generator steps ({config.n_critic} critic steps each, batch "
          f"{config.batch}, width {config.hidden}×{config.layers}): wall {wall:.1f} s, "
          f"CPU {cpu:.1f} s ({1000 * cpu / steps:.1f} ms CPU per generator step; "
          f"× 2000 = {2 * cpu / steps * 1000:.1f} s); progress calls {calls['progress']}, "
          f"cancel polls {calls['stop']}")
    print(f"  final: {run.final_metrics()}")
    return run


def bench_frame(run: gan.GANRun, repeats: int = 20) -> None:
    figs.frame_figure_from_run(run, 0)  # Plotly's validators load on first use
    walls, cpus = [], []
    for i in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        figs.frame_figure_from_run(run, i % run.n_frames, show_manifold=True).to_dict()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    walls.sort()
    cpus.sort()
    print(f"frame figure (heatmap {gan.GRID}², {gan.N_SHOW} real + {gan.N_SHOW} fake points, "
          f"arrows, manifold), build + to_dict: median wall {1000 * walls[repeats // 2]:.0f} ms, "
          f"median CPU {1000 * cpus[repeats // 2]:.0f} ms")


def bench_files() -> None:
    total = 0
    for path in sorted(gan.PRESET_DIR.iterdir()):
        total += path.stat().st_size
        print(f"  {path.name:24s} {path.stat().st_size / 1024:8.1f} KiB")
    print(f"shipped preset files: {total / 2**20:.2f} MiB in total")
    for name in gan.PRESETS:
        w, c = time.perf_counter(), time.process_time()
        run = gan.load_preset_run(name)
        print(f"  load {name}: {1000 * (time.perf_counter() - w):.0f} ms wall, "
              f"{1000 * (time.process_time() - c):.0f} ms CPU; {run.final_metrics()}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args(argv)
    one_thread()
    run = bench_training(args.steps)
    bench_frame(run)
    bench_files()


if __name__ == "__main__":
    main()
