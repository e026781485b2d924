"""Progress and timings of a registry import."""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[int, int], None]


class Clock:
    """Wall and CPU seconds of one stage (CPU counts every thread: DuckDB's, the writer's helper)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def record(self, timings: dict, name: str) -> None:
        timings[name] = round(time.perf_counter() - self.wall, 3)
        timings[f"{name}_cpu"] = round(time.process_time() - self.cpu, 3)


class Steps:
    """Progress in units of data rows, so the command line can show rows per second."""

    SHARE = {"read": 0.1, "validate": 0.35, "plan": 0.55, "write": 1.0}

    def __init__(self, progress: Progress | None, timings: dict[str, float]):
        self.progress = progress
        self.timings = timings
        self.total = 1
        self.last = Clock()
        self.base = 0.0

    def done(self, stage: str, *, total: int | None = None) -> None:
        self.last.record(self.timings, stage)
        self.last = Clock()
        if total is not None:
            self.total = max(total, 1)
        self.base = self.SHARE.get(stage, self.base)
        if self.progress:
            self.progress(int(self.total * self.base), self.total)

    def writing(self, fraction: float) -> None:
        if self.progress:
            share = self.SHARE["plan"] + (1 - self.SHARE["plan"]) * min(fraction, 1.0)
            self.progress(int(self.total * share), self.total)
