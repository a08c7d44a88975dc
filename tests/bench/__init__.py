"""Benchmarks (`make bench`): figures printed, never asserted in the unit tests.

Each module in this package that defines ``run(size) -> list[Figure]`` is a
benchmark; ``python -m tests.bench [name ...] [--size smoke|S|M]`` runs them on
PostgreSQL (its own database per size, ``lianxin_bench_s`` …, unless
BENCH_DATABASE_URL says otherwise), prints a table and writes JSON and Markdown
to ``bench-results/``. Running all of them (or ``load``) first seeds the size's
data (tests/bench/seed.py, cached for reruns); ``load`` is the gunicorn +
Celery load run against the framework floor (``make bench-smoke`` in CI).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    """One measured figure; ``ok`` is the target met (None: no target).

    Load figures (tests.bench.load) also carry latency percentiles in ms,
    requests per second, the ratio to the framework floor's throughput, the
    error count and the database queries of one request. ``missing`` marks a
    step whose page does not exist yet: reported, never silently skipped.
    """

    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    rps: float | None = None
    ratio: float | None = None
    errors: int | None = None
    queries: int | None = None
    missing: bool = False
    notes: str = ""  # evidence (in JSON only), e.g. a step's slowest query

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


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (``pct`` in 0..100) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def server_connection(db: dict):
    """An autocommit psycopg connection to the server of Django's ``db`` settings
    (its maintenance database), for creating and dropping databases."""
    import psycopg

    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    return psycopg.connect(**params)


def database_ensure(db: dict) -> None:
    """Create the database of Django's ``db`` settings if it does not exist yet."""
    from psycopg import sql

    with server_connection(db) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"]))
            )
