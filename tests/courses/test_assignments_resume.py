"""Reconciliation: fan-outs a killed worker left half done are resumed (issue 9).

The runs with a real worker being killed are in tests/faults/test_worker_kill.py.
"""

from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from courses.models import Assignment, AssignmentEnrolment, Enrolment
from courses.selectors.learner import ledger_today
from courses.services import assignments as service
from courses.services.assignments import (
    assignment_fan_out_run,
    assignment_fan_outs_resume,
)
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import PositionFactory, UserFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CoursePageFactory(title="人民调解法解读")
    LessonPageFactory(course=course)
    return course


def add_worker(unit):
    return WorkerProfileFactory(
        org_unit=unit, position=PositionFactory(), user=UserFactory()
    ).user


def stopped_assignment(unit, course, *, status, minutes_ago=20, **fields):
    """An assignment as a killed fan-out leaves it: not done, created a while ago."""
    assignment = Assignment.objects.create(
        course=course,
        org_unit=unit,
        due_date=ledger_today() + timedelta(days=30),
        fan_out_status=status,
        **fields,
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return assignment


def test_a_fan_out_killed_half_way_is_resumed_and_finished(
    org, course, celery_eager, django_capture_on_commit_callbacks
):
    workers = [add_worker(org["chaoyang"]) for _ in range(3)]
    assignment = stopped_assignment(
        org["chaoyang"], course, status=Assignment.FanOut.RUNNING, fan_out_total=3
    )
    # The first batch committed before the kill.
    service._enrol_batch(
        assignment=assignment,
        course=course,
        user_ids=[workers[0].pk],
        lessons_required=1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        resumed = assignment_fan_outs_resume()

    assert resumed == [assignment.pk]
    assignment.refresh_from_db()
    assert assignment.fan_out_status == Assignment.FanOut.DONE
    assert (assignment.fan_out_total, assignment.fan_out_done) == (3, 3)
    assert sorted(
        Enrolment.objects.filter(course=course).values_list("user_id", flat=True)
    ) == sorted(w.pk for w in workers)
    assert AssignmentEnrolment.objects.filter(assignment=assignment).count() == 3


def test_recent_finished_failed_and_cancelled_fan_outs_are_left_alone(
    org, course, celery_eager, django_capture_on_commit_callbacks
):
    add_worker(org["chaoyang"])
    unit = org["chaoyang"]
    stopped_assignment(unit, course, status=Assignment.FanOut.PENDING, minutes_ago=1)
    stopped_assignment(unit, course, status=Assignment.FanOut.DONE)
    stopped_assignment(unit, course, status=Assignment.FanOut.FAILED)
    stopped_assignment(unit, course, status=Assignment.FanOut.RUNNING, active=False)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = assignment_fan_outs_resume(grace=timedelta(minutes=10))

    assert resumed == []
    assert not Enrolment.objects.exists()


def test_the_beat_task_resumes_a_pending_fan_out_whose_message_was_lost(
    org, course, celery_eager, django_capture_on_commit_callbacks
):
    from courses.tasks import assignment_fan_outs_resume as resume_task

    worker = add_worker(org["chaoyang"])
    assignment = stopped_assignment(
        org["chaoyang"], course, status=Assignment.FanOut.PENDING, fan_out_total=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_task.delay().get() == 1

    assert Enrolment.objects.get(course=course).user == worker
    assignment.refresh_from_db()
    assert assignment.fan_out_status == Assignment.FanOut.DONE


def test_a_fan_out_another_run_is_doing_is_neither_resumed_nor_run_twice(
    org, course, celery_eager, django_capture_on_commit_callbacks
):
    add_worker(org["chaoyang"])
    assignment = stopped_assignment(
        org["chaoyang"], course, status=Assignment.FanOut.RUNNING, fan_out_total=1
    )
    if connection.vendor != "postgresql":
        # SQLite (the embedded default, tasks run eagerly) has no advisory
        # locks: every run goes ahead, and running twice is harmless.
        assert assignment_fan_out_run(assignment_id=assignment.pk) == 1
        return
    # Another worker's run holds the lock, on its own connection.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [service.FAN_OUT_LOCK, assignment.pk]
            )
        with django_capture_on_commit_callbacks(execute=True):
            resumed = assignment_fan_outs_resume()
        second_run = assignment_fan_out_run(assignment_id=assignment.pk)
    finally:
        other.close()

    assert resumed == []
    assert second_run == 0
    assert not Enrolment.objects.exists()
    assignment.refresh_from_db()
    assert assignment.fan_out_status == Assignment.FanOut.RUNNING
    # The lock went with the other run's connection: now it is resumed.
    with django_capture_on_commit_callbacks(execute=True):
        assert assignment_fan_outs_resume() == [assignment.pk]
    assert Enrolment.objects.filter(course=course).count() == 1
