"""The Streamlit server's CPU time and memory, read from ``/proc`` (the load benches' meter)."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` in seconds (``/proc/PID/stat`` fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()   # from field 3 (state) on
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of ``pid``, in MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


@dataclass
class Sampler:
    """The server's CPU time and memory every ``every`` seconds, on the event loop."""

    pid: int
    every: float = 1.0
    samples: list[tuple[float, float, float]] = field(default_factory=list)  # (t, cpu s, rss MB)

    def sample(self) -> tuple[float, float, float]:
        s = (time.monotonic(), cpu_seconds(self.pid), memory_mb(self.pid)["VmRSS"])
        self.samples.append(s)
        return s

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.every)

    def busiest(self, t0: float, t1: float, window: float = 5.0) -> float:
        """The most cores used over any ``window`` seconds between t0 and t1."""
        inside = [s for s in self.samples if t0 <= s[0] <= t1]
        best, j = 0.0, 0
        for i in range(len(inside)):
            while inside[i][0] - inside[j][0] > window:
                j += 1
            if inside[i][0] - inside[j][0] >= window * 0.8:
                best = max(best, (inside[i][1] - inside[j][1]) / (inside[i][0] - inside[j][0]))
        return best

    def peak_rss(self, t0: float, t1: float) -> float:
        return max((s[2] for s in self.samples if t0 <= s[0] <= t1), default=float("nan"))
