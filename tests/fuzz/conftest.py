"""Hypothesis settings and helpers shared by the importer fuzz tests.

Two profiles: ``ci`` (the default) runs a fixed, repeatable set of examples per
property so that CI stays fast and a failure shows again on the next run;
``long`` (``HYPOTHESIS_PROFILE=long``) runs many more, with fresh randomness
each time, for a local search. The profile is applied to each fuzz test by the
``fuzz`` decorator rather than loaded globally, so other Hypothesis tests in
the same process keep their own settings.

Each example runs inside ``rolled_back()``: a savepoint that is always rolled
back, so that one example never sees what another wrote, on PostgreSQL as on
SQLite, and the table counts taken before and after an import mean something.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings

_SUPPRESSED = [
    # The persona fixtures are made once per test and are read, never changed,
    # by the examples; every write of an example is rolled back.
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_SUPPRESSED,
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=1000,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=_SUPPRESSED,
    print_blob=True,
)

PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def fuzz(share: float = 1.0):
    """The profile's settings for one property; ``share`` scales its examples.

    Properties that go through a page (a request, a template) cost several
    times an importer call, so they run a share of the examples.
    """
    return settings(PROFILE, max_examples=max(10, int(PROFILE.max_examples * share)))


class _RollBackError(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint and undo everything it wrote."""
    try:
        with transaction.atomic():
            yield
            raise _RollBackError
    except _RollBackError:
        pass


def row_counts(models: Iterable) -> dict[str, int]:
    """How many rows each model's table has, by model name."""
    return {model.__name__: model.objects.count() for model in models}


TRACEBACK_MARKERS = ("Traceback", 'File "', "Exception Value")


def assert_no_traceback(text: str) -> None:
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"{marker!r} in the page"
