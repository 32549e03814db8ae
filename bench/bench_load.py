"""Classroom load at several class sizes: server memory and CPU against the number of students.

    python bench/bench_load.py                       # 5, 10, 20 students (a fresh server each)
    python bench/bench_load.py --sizes 5 10 20 30 40 --out /tmp/load
    python bench/bench_load.py --sizes 10 20 --arenas 0   # glibc's default malloc arenas (before)

Each size runs the class of ``harness/classroom.py`` (one Chromium, a context per student,
every page visited, controls moved with human pauses) on a fresh ``streamlit run app.py``.
Prints a Markdown table per size, then least-squares lines for peak and final resident memory
and for server CPU against the number of students, the line fitted without the largest size
checked against the largest size measured, and what 40 students cost.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import psutil  # noqa: E402

from harness.classroom import run_class, summary  # noqa: E402

CONTAINER_MB = 690   # Streamlit Community Cloud's smallest container, about
BUDGET_MB = 600
PACE_S = 5.0         # a busy student: one interaction every 5 s (the test's students: ~1-2 s)


def fit(xs, ys):
    b, a = np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)
    return a, b  # y = a + b·x


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20])
    ap.add_argument("--arenas", default=None, help="GDM_MALLOC_ARENAS for the server (0: glibc default)")
    ap.add_argument("--out", type=Path, default=None, help="directory for the JSON reports")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_load-"))
    out.mkdir(parents=True, exist_ok=True)
    env = {"GDM_MALLOC_ARENAS": args.arenas} if args.arenas is not None else None
    print(f"Measured on: {platform.node()}, {psutil.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {psutil.getloadavg()[0]:.2f} at start; "
          f"malloc arenas: {'glibc default' if args.arenas == '0' else 'capped (app.py)'}; "
          f"reports in {out}\n")
    rows = []
    for n in args.sizes:
        r, log = run_class(n, env=env, out=out / f"class-{n}.json")
        (out / f"server-{n}.log").write_text(log)
        print(summary(r), flush=True)
        for e in r["section_errors"]:
            print(f"  SECTION ERROR in the server: {e['name']}: {e['error']}: {e['message']}")
        rows.append(r)
    print("\n| students | interactions (done / unfinished) | latency median / p90 / max | "
          "server RSS start → peak → end | server CPU | per interaction |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['sessions']} | {r['done']} / {len(r['unfinished'])} | "
              f"{r['latency_median_s']:.1f} / {r['latency_p90_s']:.1f} / {r['latency_max_s']:.1f} s | "
              f"{r['rss_start_mb']:.0f} → {r['rss_peak_mb']:.0f} → {r['rss_end_mb']:.0f} MB | "
              f"{r['server_cpu_s']:.0f} s | {r['cpu_per_interaction_s'] * 1000:.0f} ms |")
    ns = [r["sessions"] for r in rows]
    summary_out = {"rows": [{k: r[k] for k in r if k not in ("samples", "students")} for r in rows]}
    if len(rows) >= 2:
        pa, pb = fit(ns, [r["rss_peak_mb"] for r in rows])
        ea, eb = fit(ns, [r["rss_end_mb"] for r in rows])
        cpu = sum(r["server_cpu_s"] for r in rows) / sum(r["interactions"] for r in rows)
        print(f"\nPeak RSS ≈ {pa:.0f} MB + {pb:.2f} MB × students; after the class "
              f"{ea:.0f} MB + {eb:.2f} MB × students.")
        if len(rows) >= 3:
            qa, qb = fit(ns[:-1], [r["rss_peak_mb"] for r in rows[:-1]])
            print(f"Check: the line fitted without {ns[-1]} students predicts {qa + qb * ns[-1]:.0f} MB "
                  f"there; measured {rows[-1]['rss_peak_mb']:.0f} MB.")
        each = ", ".join(f"{r['cpu_per_interaction_s'] * 1000:.0f}" for r in rows)
        print(f"Server CPU: {cpu * 1000:.0f} ms per interaction over all sizes ({each} ms at "
              f"{', '.join(map(str, ns))} students).")
        peak40 = pa + pb * 40
        cores40 = 40 / PACE_S * cpu
        by_mem = (CONTAINER_MB - pa) / pb if pb > 0 else float("inf")
        by_cpu = PACE_S / cpu
        print(f"40 students: peak ≈ {peak40:.0f} MB (budget {BUDGET_MB} MB), and at one "
              f"interaction every {PACE_S:.0f} s each, {cores40:.2f} cores of server CPU.")
        print(f"One {CONTAINER_MB} MB / 1-core container: memory allows ≈ {by_mem:.0f} students, "
              f"CPU ≈ {by_cpu:.0f} busy students (one interaction every {PACE_S:.0f} s).")
        summary_out.update(peak_fit=[pa, pb], end_fit=[ea, eb], cpu_per_interaction_s=cpu,
                           peak40_mb=peak40, cores40=cores40, students_by_memory=by_mem,
                           students_by_cpu=by_cpu)
    (out / "summary.json").write_text(json.dumps(summary_out, indent=1, default=str))


if __name__ == "__main__":
    main()
