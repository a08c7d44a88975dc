"""What the permission matrix is made of; tests/test_permission_matrix.py explains.

Each feature area lists its routes in its own module here (``ROWS``), so that
areas built side by side do not edit one file; the matrix test merges them.
"""

from typing import NamedTuple

from tests.conftest import PERSONAS

LOGIN = "login"


def redirect(prefix: str) -> tuple[str, str]:
    return ("redirect", prefix)


class Case(NamedTuple):
    url: str
    method: str
    outcomes: dict
    data: dict | None = None


def everyone(outcome) -> dict:
    return dict.fromkeys(PERSONAS, outcome)


def row(
    anonymous, worker, other_worker, trainer, reviewer, hr_street, hr_district, admin
):
    """One persona per column, in the order of PERSONAS."""
    return {
        "anonymous": anonymous,
        "worker": worker,
        "other_worker": other_worker,
        "trainer": trainer,
        "reviewer": reviewer,
        "hr_street": hr_street,
        "hr_district": hr_district,
        "admin": admin,
    }


AREAS = (
    "questions",
    "quizzes",
    "marking",
    "competencies",
    "certificates",
    "wellbeing",
    "assignments",
    "records",
)


def areas() -> list[dict[str, Case]]:
    """The ROWS of every area module that exists."""
    import importlib

    found = []
    for name in AREAS:
        try:
            module = importlib.import_module(f"tests.matrix.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"tests.matrix.{name}":
                raise
            continue
        found.append(module.ROWS)
    return found
