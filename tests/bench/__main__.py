"""Run the benchmarks: ``python -m tests.bench [name ...] [--size smoke|S|M]``.

``make bench SIZE=S BENCH=load`` / ``make bench-smoke``. A benchmark that
raises is reported as a FAILED figure and the others still run: the benchmark
never fails CI (the exit status is 0 unless the harness itself breaks). A check
(a module with ``CHECK = True``: the soak, ``make soak``, run by name only)
exits 1 when one of its figures fails.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import Figure, database_ensure

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lianxin_bench"
# Modules of this package that are not benchmarks; the soak runs only by name.
NOT_BENCHMARKS = {"seed", "soak"}


def database_url(size: str | None = None) -> str:
    """BENCH_DATABASE_URL, else one database per size (lianxin_bench_s …)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    return f"{DEFAULT_DB}_{size.lower()}" if size else DEFAULT_DB


def setup_django(size: str | None = None) -> None:
    os.environ["DATABASE_URL"] = database_url(size)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    _database_ensure(settings.DATABASES["default"])
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _database_ensure(db: dict) -> None:
    """Create the benchmark database if it does not exist yet."""
    database_ensure(db)


def benchmarks() -> list[str]:
    package = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(package)])
        if not info.name.startswith(("_", "test_")) and info.name not in NOT_BENCHMARKS
    )


def _value(r: dict) -> str:
    if r.get("missing"):
        return "MISSING"
    return f"{r['value']:,.1f} {r['unit']}".strip()


def table(rows: list[dict]) -> str:
    """Markdown: one line per figure; load figures carry latency columns too."""
    lines = [
        "| benchmark | figure | value | target | met | p50 | p95 | p99 | rps"
        " | × floor | errors | queries |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]

    def num(key: str, fmt: str = "{:,.1f}") -> str:
        value = r.get(key)
        return "" if value is None else fmt.format(value)

    for r in rows:
        met = {True: "yes", False: "NO", None: ""}[r.get("ok")]
        lines.append(
            f"| {r['benchmark']} | {r['name']} | {_value(r)} | {r.get('target', '')}"
            f" | {met} | {num('p50')} | {num('p95')} | {num('p99')} | {num('rps')}"
            f" | {num('ratio', '{:.2f}')} | {num('errors', '{:,}')}"
            f" | {num('queries', '{:,}')} |"
        )
    return "\n".join(lines)


def seed_rows(info) -> list[dict]:
    """The seeding figures: time per table (from the marker when cached)."""
    state = "cached" if info.cached else "seeded now"
    target = "< 600 s (size M)" if info.size == "M" else ""
    ok = info.seconds < 600 if info.size == "M" else None
    rows = [
        {
            "benchmark": "seed",
            **Figure(
                f"seeding, all tables ({state})", info.seconds, "s", target, ok
            ).as_dict(),
        }
    ]
    for table_name, figures in info.tables.items():
        figure = Figure(
            f"{table_name}: {figures['rows']:,} rows", figures["seconds"], "s"
        )
        rows.append({"benchmark": "seed", **figure.as_dict()})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--size", default="S", choices=["smoke", "S", "M"])
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="do not seed the size's data first (default: seed when running all "
        "benchmarks or the load run)",
    )
    args = parser.parse_args(argv)
    setup_django(args.size)
    names = args.names or benchmarks()
    rows = []
    failed = False
    if not args.no_seed and (not args.names or "load" in names):
        from tests.bench import seed

        info = seed.ensure(args.size)
        rows.extend(seed_rows(info))
    for name in names:
        module = importlib.import_module(f"tests.bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"… {name}", flush=True)  # noqa: T201
        try:
            figures = module.run(args.size)
        except Exception as error:  # noqa: BLE001 - a benchmark never fails the run
            traceback.print_exc()
            figures = [Figure(f"FAILED: {type(error).__name__}: {error}"[:200], 0, "")]
            figures[0].ok = False
        for figure in figures:
            rows.append({"benchmark": name, **figure.as_dict()})
        if getattr(module, "CHECK", False) and any(f.ok is False for f in figures):
            failed = True
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    payload = {
        "size": args.size,
        "at": stamp,
        "database": os.environ["DATABASE_URL"].rsplit("/", 1)[-1],
        "cpus": os.cpu_count(),
        "figures": rows,
    }
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(payload, indent=2))
    text = table(rows)
    (RESULTS / f"bench-{stamp}.md").write_text(f"Size {args.size}\n\n{text}\n")
    print(f"\nSize {args.size}\n\n{text}")  # noqa: T201
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
