"""The demo plans, assignments and claim: made by seed_demo, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from cms.demo.assignments import demo_assignments_seed
from courses.models import (
    Assignment,
    AssignmentEnrolment,
    Enrolment,
    ExternalHoursClaim,
    LearningPlan,
)
from courses.selectors.learner import ledger_today

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            LearningPlan,
            Assignment,
            AssignmentEnrolment,
            Enrolment,
            ExternalHoursClaim,
        )
    }


def test_the_demo_has_plans_an_assignment_for_demo_worker_and_an_overdue_one():
    call_command("seed_demo", "--force", stdout=StringIO())

    assert set(LearningPlan.objects.values_list("name", flat=True)) == {
        "新任社区工作者岗前培训",
        "2027年度法律法规专题班",
    }
    mine = Enrolment.objects.filter(
        user__username="demo_worker", source=Enrolment.Source.ASSIGNED
    )
    today = ledger_today()
    assert mine.filter(due_date__gt=today).exists()
    assert mine.filter(due_date__lt=today).exists()
    assert Enrolment.objects.filter(
        user__username="demo_worker2", source=Enrolment.Source.ASSIGNED
    ).exists()
    assert ExternalHoursClaim.objects.filter(
        user__username="demo_worker", status="pending"
    ).exists()

    before = counts()
    demo_assignments_seed()
    assert counts() == before
