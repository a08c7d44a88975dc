"""Small builders for the records tests (dashboards, exports, API, transcripts)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.utils import timezone

from assessments.models import Certificate
from courses.models import Enrolment
from courses.services.ledger import hours_credit, ledger_year
from people import roles
from tests.factories.courses import CoursePageFactory, EnrolmentFactory
from tests.factories.people import UserFactory, WorkerProfileFactory

_serial = itertools.count(1)


def add_worker(unit, *, name: str | None = None, position=None, username=None):
    """An active worker in ``unit`` (a WorkerProfile's user)."""
    n = next(_serial)
    user = UserFactory(
        username=username or f"rw{n}", name=name or f"工作者{n}", roles=[roles.WORKER]
    )
    kwargs = {"position": position} if position is not None else {}
    return WorkerProfileFactory(
        user=user, employee_no=f"R{n:05d}", org_unit=unit, **kwargs
    ).user


def enrol(user, course, *, state: str = "not_started", due: date | None = None):
    """An enrolment: completed, in_progress (1 of 3 lessons) or not_started."""
    done = state == "completed"
    return EnrolmentFactory(
        user=user,
        course=course,
        source=Enrolment.Source.ASSIGNED,
        due_date=due,
        status=Enrolment.Status.COMPLETED if done else Enrolment.Status.IN_PROGRESS,
        lessons_required=3,
        lessons_done=3 if done else (1 if state == "in_progress" else 0),
        completed_at=timezone.now() if done else None,
    )


def credit(user, hours, *, year: int | None = None, source="online", ref=None):
    return hours_credit(
        user=user,
        year=year or ledger_year(),
        hours=Decimal(str(hours)),
        source=source,
        reference=ref or f"test:{next(_serial)}",
        title="测试学时",
    )[0]


def certificate(user, course, *, expires_on=None, serial=None):
    n = next(_serial)
    return Certificate.objects.create(
        user=user,
        course=course,
        serial=serial or f"LX2026{n:06d}",
        code=f"code-{n}",
        holder_name=user.name,
        course_title=course.title,
        hours=course.credit_hours,
        completed_on=timezone.localdate(),
        issuer_name="连心区民政局",
        expires_on=expires_on,
    )


def course(title: str | None = None):
    return CoursePageFactory(**({"title": title} if title else {}))
