"""The long fault runs: ``python -m tests.faults [scenario ...] [--kills 20]``.

Runs on PostgreSQL, in a database of its own (FAULTS_DATABASE_URL, default
``postgres://postgres@127.0.0.1:5432/lianxin_faults``, created and migrated
when missing); each scenario starts its own redis-server and real Celery
workers. Prints one line of figures per run and exits 1 when any run found a
duplicate, a missing row or another problem.

Scenarios are registered in ``SCENARIOS`` (``@scenario("name")``): a function
taking the parsed options and returning outcomes, each with ``ok`` and
``summary()``. Without names, all of them run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lianxin_faults"
SCENARIOS: dict[str, Callable[[argparse.Namespace], list]] = {}


def scenario(name: str):
    """Register a long fault run under ``name``."""

    def register(function):
        SCENARIOS[name] = function
        return function

    return register


def _kill_runs(name: str, options: argparse.Namespace) -> list:
    from tests.faults import kill

    recoveries = kill.RECOVERIES if options.recovery == "both" else [options.recovery]
    return [
        kill.run(
            name,
            kills=options.kills,
            recovery=recovery,
            size=options.size,
            seed=options.seed,
            echo=print,
        )
        for recovery in recoveries
    ]


@scenario("worker-kill-certificates")
def worker_kill_certificates(options: argparse.Namespace) -> list:
    """SIGKILL the worker while it issues 1,000 certificates (issue 9)."""
    return _kill_runs("certificates", options)


@scenario("worker-kill-assignment")
def worker_kill_assignment(options: argparse.Namespace) -> list:
    """SIGKILL the worker while it enrols 5,000 workers of an assignment."""
    return _kill_runs("assignment", options)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("FAULTS_DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    _database_ensure(settings.DATABASES["default"])
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _database_ensure(db: dict) -> None:
    """Create the faults database if it does not exist yet."""
    from tests.bench import database_ensure

    if not db["ENGINE"].endswith("postgresql"):
        raise SystemExit("The fault runs need PostgreSQL (FAULTS_DATABASE_URL).")
    database_ensure(db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="scenarios (default: all)")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs per run")
    parser.add_argument(
        "--recovery",
        default="both",
        choices=["both", "redelivery", "reconcile"],
        help="how killed work comes back (see tests/faults/kill.py)",
    )
    parser.add_argument("--size", type=int, help="completions / assigned workers")
    parser.add_argument("--seed", type=int, help="random seed of the kill times")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    options = parser.parse_args(argv)
    if options.list:
        for name, function in SCENARIOS.items():
            print(f"{name}: {(function.__doc__ or '').strip()}")  # noqa: T201
        return 0
    unknown = set(options.names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    setup_django()
    outcomes = []
    started = time.perf_counter()
    for name in options.names or list(SCENARIOS):
        print(f"… {name}", flush=True)  # noqa: T201
        outcomes.extend(SCENARIOS[name](options))
    print()  # noqa: T201
    for outcome in outcomes:
        print(("ok   " if outcome.ok else "FAIL ") + outcome.summary())  # noqa: T201
    print(f"total {time.perf_counter() - started:.0f} s")  # noqa: T201
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
