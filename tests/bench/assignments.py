"""Enrolling 10,000 workers through one assignment (issue 6, target < 30 s).

Seeds its own district (10 streets × 10 communities × 100 workers at size S)
with bulk_create, then times the fan-out service (bulk inserts in batches, the
same code the Celery task runs), a retry of it (idempotent: nothing to do) and
one late joiner's save. Everything it made is removed afterwards, except the
audit entries (append-only) and the bench HR account they name.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction

from tests.bench import Figure, stopwatch

SIZES = {"smoke": (2, 2, 50), "S": (10, 10, 100), "M": (10, 20, 250)}


def _seed(streets: int, communities: int, per_community: int):
    from django.contrib.auth.hashers import make_password

    from people.models import OrgUnit, Position, User, WorkerProfile

    tag = uuid.uuid4().hex[:8]
    district = OrgUnit.add_root(name=f"基准区-{tag}", level=1)
    position, _ = Position.objects.get_or_create(name="专职社区工作者")
    password = make_password(None)
    units = []
    for s in range(streets):
        street = district.add_child(name=f"街道{s:02d}", level=2)
        for c in range(communities):
            units.append(street.add_child(name=f"社区{c:02d}", level=3))
            street.refresh_from_db()
        district.refresh_from_db()
    users = [
        User(username=f"b{tag}-{n}", name=f"工作者{n}", password=password)
        for n in range(len(units) * per_community)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.filter(username__startswith=f"b{tag}-").order_by("pk"))
    WorkerProfile.objects.bulk_create(
        [
            WorkerProfile(
                user=user,
                employee_no=f"B{tag}{n:06d}",
                org_unit=units[n // per_community],
                position=position,
            )
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    return tag, district, units


def _cleanup(tag: str, district, course) -> None:
    from courses.models import Assignment, Enrolment
    from people.models import OrgUnit, User, WorkerProfile

    with transaction.atomic():
        Enrolment.objects.filter(course=course).delete()
        Assignment.objects.filter(course=course).delete()
        WorkerProfile.objects.filter(employee_no__startswith=f"B{tag}").delete()
        User.objects.filter(username__startswith=f"b{tag}-").delete()
        OrgUnit.objects.filter(path__startswith=district.path).delete()
    course.refresh_from_db()
    course.delete()


def run(size: str) -> list[Figure]:
    from courses.models import Assignment, Enrolment
    from courses.selectors.learner import ledger_today
    from courses.services.assignments import assignment_fan_out_run
    from people import roles
    from people.models import User, WorkerProfile
    from people.services import roles_ensure, user_set_roles
    from tests.factories.courses import CoursePageFactory, LessonPageFactory

    streets, communities, per_community = SIZES.get(size, SIZES["S"])
    total = streets * communities * per_community
    roles_ensure()
    hr, _ = User.objects.get_or_create(
        username="bench_assignments_admin", defaults={"name": "基准测试管理员"}
    )
    user_set_roles(user=hr, role_keys=[roles.ADMIN])
    course = CoursePageFactory(title=f"基准课程-{uuid.uuid4().hex[:6]}")
    LessonPageFactory.create_batch(3, course=course)
    tag, district, units = _seed(streets, communities, per_community)
    try:
        assignment = Assignment.objects.create(
            course=course,
            org_unit=district,
            due_date=ledger_today() + timedelta(days=30),
            created_by=hr,
        )
        with stopwatch() as first:
            linked = assignment_fan_out_run(assignment_id=assignment.pk)
        assert linked == total, (linked, total)
        assert Enrolment.objects.filter(course=course).count() == total
        with stopwatch() as again:
            assignment_fan_out_run(assignment_id=assignment.pk)
        joiner = WorkerProfile(
            user=User.objects.create(username=f"b{tag}-late", name="新同事"),
            employee_no=f"B{tag}late",
            org_unit=units[-1],
        )
        with stopwatch() as late:
            joiner.save()
        assert Enrolment.objects.filter(user=joiner.user, course=course).exists()
    finally:
        _cleanup(tag, district, course)
    seconds = first() / 1000
    return [
        Figure(
            f"fan-out of one assignment to {total:,} workers",
            seconds,
            "s",
            target="< 30 s",
            ok=seconds < 30 if total >= 10_000 else None,
        ),
        Figure(f"same fan-out again (a retried task), {total:,}", again() / 1000, "s"),
        Figure("a late joiner's profile save (enrolled)", late(), "ms"),
    ]
