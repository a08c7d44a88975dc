"""Run the benchmarks: ``python -m tests.bench [name ...] [--size smoke|S|M]``."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lianxin_bench"


def setup_django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
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
    import psycopg
    from psycopg import sql

    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    with psycopg.connect(**params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"]))
            )


def benchmarks() -> list[str]:
    package = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(package)])
        if not info.name.startswith("_")
    )


def table(rows: list[dict]) -> str:
    lines = [
        "| benchmark | figure | value | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        met = {True: "yes", False: "NO", None: ""}[r["ok"]]
        value = f"{r['value']:,.1f} {r['unit']}".strip()
        lines.append(
            f"| {r['benchmark']} | {r['name']} | {value} | {r['target']} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--size", default="S", choices=["smoke", "S", "M"])
    args = parser.parse_args(argv)
    setup_django()
    rows = []
    for name in args.names or benchmarks():
        module = importlib.import_module(f"tests.bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"… {name}", flush=True)  # noqa: T201
        for figure in module.run(args.size):
            rows.append({"benchmark": name, **figure.as_dict()})
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    payload = {"size": args.size, "at": stamp, "figures": rows}
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(payload, indent=2))
    text = table(rows)
    (RESULTS / f"bench-{stamp}.md").write_text(f"Size {args.size}\n\n{text}\n")
    print(f"\nSize {args.size}\n\n{text}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
