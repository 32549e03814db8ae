"""Loaded by the benchmark's server (bench/hook is first on its PYTHONPATH; harness.server's
``pythonpath``): times each script run and its postScriptGC, one JSON line per event, to
$BENCH_SERVER_LOG. Patches lazily, once Streamlit's script runner is imported; does nothing
without $BENCH_SERVER_LOG.
"""

import json
import os
import sys
import threading
import time


def _bench_patch():
    for _ in range(2400):
        mod = sys.modules.get("streamlit.runtime.scriptrunner.script_runner")
        if mod is not None and hasattr(mod, "ScriptRunner"):
            break
        time.sleep(0.025)
    else:
        return
    path = os.environ["BENCH_SERVER_LOG"]
    lock = threading.Lock()

    def log(kind, t, wall, cpu):
        with lock, open(path, "a") as f:
            f.write(json.dumps({"kind": kind, "t": t, "wall": wall, "cpu": cpu}) + "\n")

    SR = mod.ScriptRunner
    orig_run = SR._run_script

    def _run_script(self, rerun_data):
        t, w, c = time.time(), time.perf_counter(), time.thread_time()
        try:
            return orig_run(self, rerun_data)
        finally:
            log("run", t, time.perf_counter() - w, time.thread_time() - c)

    SR._run_script = _run_script
    real_gc = mod.gc

    class _GC:
        def __getattr__(self, name):
            return getattr(real_gc, name)

        def collect(self, *a, **k):
            t, w, c = time.time(), time.perf_counter(), time.thread_time()
            try:
                return real_gc.collect(*a, **k)
            finally:
                log("gc", t, time.perf_counter() - w, time.thread_time() - c)

    mod.gc = _GC()

if os.environ.get("BENCH_SERVER_LOG"):
    threading.Thread(target=_bench_patch, daemon=True, name="bench-patch").start()
