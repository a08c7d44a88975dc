"""Benchmarks (`make bench`): figures printed, never asserted in the unit tests.

Each module in this package that defines ``run(size) -> list[Figure]`` is a
benchmark; ``python -m tests.bench [name ...] [--size smoke|S|M]`` runs them on
PostgreSQL (its own database, ``lianxin_bench`` unless BENCH_DATABASE_URL says
otherwise), prints a table and writes JSON and Markdown to ``bench-results/``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def stopwatch():
    """``with stopwatch() as t: ...``; then ``t()`` is the elapsed milliseconds."""
    start = time.perf_counter()
    end = None

    def elapsed() -> float:
        return ((end or time.perf_counter()) - start) * 1000

    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
