"""Speed of the Minimax page: dynamics, figures, and an AppTest rerun after a widget change.

Run: python bench/bench_minimax.py   (prints median and worst of several runs, in ms)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gdm_core import games  # noqa: E402
from gdm_app.figures import games as figs  # noqa: E402

Z0, LR = (1.0, 0.5), 0.1


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each run (CPU time is what the page itself costs;
    wall time also counts the neighbours on this shared 2-core machine)."""
    fn()  # warm-up: imports, Plotly validators
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def dynamics(steps):
    return {m: games.simulate(m, Z0, LR, steps) for m in games.METHODS}


def figures(steps):
    runs = dynamics(steps)
    paths = {m: r.path for m, r in runs.items()}
    theory = {m: games.closed_form_norms(m, Z0, LR, steps) for m in games.METHODS}
    f1 = figs.trajectories(paths)
    f2 = figs.distance_plot({m: games.distances(p) for m, p in paths.items()}, theory,
                            games.alternating_band(Z0, LR))
    f3 = figs.saddle_surface(paths=paths)
    return f1, f2, f3


def figures_and_json(steps):
    # What st.plotly_chart does with a go.Figure: to_dict (no re-validation) and to_json.
    import plotly.io as pio

    return [pio.to_json(f.to_dict(), validate=False) for f in figures(steps)]


def apptest_rerun():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "minimax.py"), default_timeout=60).run()
    values = iter([0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.21, 0.22, 0.23])
    at.number_input(key="mm_steps").set_value(1000).run()

    def rerun():
        # a new η each time, so the cached dynamics are recomputed, not reused
        at.number_input(key="mm_lr").set_value(next(values)).run()
        assert not at.exception

    def slider():
        at.slider(key="mm_k").set_value(len(slider_ks) and slider_ks.pop()).run()

    slider_ks = [100, 200, 300, 400, 500, 600, 700, 800, 900, 950]
    return rerun, slider


def main() -> None:
    rows = []
    for steps in (1000, 5000):
        rows.append((f"run_dynamics, 4 methods × {steps} steps", timed(lambda: dynamics(steps), 7)))
        rows.append((f"compute + build 3 figures, {steps} steps",
                     timed(lambda: figures(steps), 7)))
        rows.append((f"compute + figures + JSON (as sent), {steps} steps",
                     timed(lambda: figures_and_json(steps), 7)))
    rerun, slider = apptest_rerun()
    rows.append(("AppTest rerun after η change (1000 steps)", timed(rerun, 7)))
    rows.append(("AppTest rerun after step-slider change", timed(slider, 7)))
    width = max(len(r[0]) for r in rows)
    print(f"{'measured':<{width}}  {'wall median':>11}  {'wall worst':>10}  "
          f"{'CPU median':>10}  {'CPU worst':>9}  runs   (ms)")
    for name, (wall, cpu) in rows:
        print(f"{name:<{width}}  {statistics.median(wall):11.1f}  {max(wall):10.1f}  "
              f"{statistics.median(cpu):10.1f}  {max(cpu):9.1f}  {len(wall)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())}")


if __name__ == "__main__":
    main()
