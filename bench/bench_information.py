"""How long the Information page takes to redraw after one control changes (AppTest, page alone).

Run: python bench/bench_information.py. Prints median and worst of several runs per control;
the first run of a fresh process builds every figure (cold), later runs reuse unchanged ones.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

RUNS = 7


def main() -> None:
    t0 = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "pages" / "information.py"), default_timeout=120).run()
    cold = time.perf_counter() - t0
    cases = {
        "coin slider (p)": lambda i: at.slider(key="info_coin_p").set_value(0.05 + 0.1 * i),
        "rolls slider (n = 10 000)": lambda i: at.slider(key="info_n").set_value(10_000 - i * 10),
        "die preset": lambda i: at.selectbox(key="info_preset").set_value(
            ["loaded", "fair", "nearly-certain"][i % 3]),
        "one die probability": lambda i: at.number_input(key="info_p_1").set_value(0.1 + i / 100),
        "joint table (two cells, valid)": lambda i: (
            at.number_input(key="info_joint_0_0").set_value(0.5 - i / 100),
            at.number_input(key="info_joint_1_1").set_value(0.4 + i / 100)),
        "KL: Q preset": lambda i: at.selectbox(key="info_kl_q_preset").set_value(
            ["no-six", "fair", "loaded"][i % 3]),
    }
    print(f"{'what changed':32s} {'median (s)':>10s} {'worst (s)':>10s}")
    print(f"{'first run, nothing cached':32s} {cold:10.3f} {cold:10.3f}")
    for name, change in cases.items():
        times = []
        for i in range(RUNS):
            change(i)
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            assert not at.exception, at.exception
        print(f"{name:32s} {statistics.median(times):10.3f} {max(times):10.3f}")


if __name__ == "__main__":
    main()
