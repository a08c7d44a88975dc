"""The database connection drops in the middle of a write: a 503 page, no half rows.

The fault is real: while a service is inside its transaction, a second
connection ends the request's own PostgreSQL backend (pg_terminate_backend),
right after a chosen row was saved (a post_save receiver is the seam). The
page must say that nothing was saved, the database must hold nothing of the
action (counted on a fresh connection), and the next request must work.
"""

import json
from contextlib import contextmanager
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone

from assessments.models import Attempt, AttemptItem, Quiz, QuizGrade
from assessments.services.attempts import attempt_start
from courses.models import (
    Assignment,
    Enrolment,
    ExternalHoursClaim,
    LessonProgress,
    TrainingRecord,
)
from courses.services.learning import enrolment_create
from people.models import AuditEntry, Notification
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.assignments import ClaimFactory
from tests.factories.courses import CoursePageFactory, LessonPageFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="ends a PostgreSQL backend (pg_terminate_backend)",
    ),
    pytest.mark.django_db(transaction=True),
]

UNAVAILABLE_TEXT = (
    "The service is temporarily unavailable. Please try again in a moment. "
    "What you just did was not saved."
)


def fresh_connection() -> psycopg.Connection:
    """A connection of its own, outside Django: it sees only committed rows."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def committed(model, where: str = "TRUE", *params) -> int:
    """How many rows of ``model`` match, as another session sees them."""
    table = model._meta.db_table
    with fresh_connection() as other:
        return other.execute(
            f'SELECT count(*) FROM "{table}" WHERE {where}',  # noqa: S608 - our tables
            params,
        ).fetchone()[0]


@contextmanager
def connection_dropped_after_save(model, when=lambda instance: True):
    """End the request's database session just after a ``model`` row is saved."""
    ended = []

    def drop(sender, instance, **kwargs):
        if ended or not when(instance):
            return
        pid = connection.connection.info.backend_pid
        with fresh_connection() as other:
            # Waits (up to 5 s) until the backend is gone.
            other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        ended.append(pid)

    uid = f"fault-drop-{model._meta.label}"
    post_save.connect(drop, sender=model, weak=False, dispatch_uid=uid)
    try:
        yield ended
    finally:
        post_save.disconnect(sender=model, dispatch_uid=uid)


def browser(user) -> Client:
    # Our 503 page is the response under test: the client must not re-raise.
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def assert_unavailable_page(response, ended) -> None:
    assert ended, "the fault was never injected"
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["X-Content-Type-Options"] == "nosniff"  # still set
    html = response.content.decode()
    assert "Service temporarily unavailable" in html
    assert UNAVAILABLE_TEXT in html


@pytest.fixture
def exam_course(db):
    course = CoursePageFactory(title="人民调解法解读", credit_hours=Decimal("2"))
    lesson = LessonPageFactory(course=course, title="第一课 调解原则")
    exam = QuizFactory(
        course=course,
        kind=Quiz.Kind.FINAL,
        questions=[QuestionFactory(type="single")],
    )
    return course, lesson, exam


def test_a_worker_whose_connection_drops_sees_a_503_and_nothing_half_saved(
    worker, exam_course
):
    course, lesson, exam = exam_course
    enrolment = enrolment_create(user=worker, course=course)
    attempt = attempt_start(quiz=exam, user=worker)
    url = f"/quiz/attempt/{attempt.pk}/"
    client = browser(worker)

    def answer(seq):
        body = json.dumps({"position": 1, "answer": "A", "seq": seq})
        return client.post(f"{url}answer/", body, content_type="application/json")

    # 1. An autosaved answer: the item is saved, then the attempt's seq.
    with connection_dropped_after_save(AttemptItem) as ended:
        dropped = answer(attempt.seq)
    assert_unavailable_page(dropped, ended)
    assert (
        committed(AttemptItem, "attempt_id = %s AND answer IS NOT NULL", attempt.pk)
        == 0
    )
    assert committed(Attempt, "id = %s AND seq = %s", attempt.pk, attempt.seq) == 1
    saved = answer(attempt.seq)
    assert saved.status_code == 200
    seq = saved.json()["seq"]
    assert (
        committed(AttemptItem, "attempt_id = %s AND answer IS NOT NULL", attempt.pk)
        == 1
    )

    # 2. Handing in: the attempt is finished and graded, then the grade saved.
    with connection_dropped_after_save(QuizGrade) as ended:
        dropped = client.post(f"{url}submit/", {"seq": seq})
    assert_unavailable_page(dropped, ended)
    assert committed(Attempt, "id = %s AND status = %s", attempt.pk, "open") == 1
    assert committed(QuizGrade) == 0
    handed_in = client.post(f"{url}submit/", {"seq": seq})
    assert handed_in.status_code == 302
    assert committed(QuizGrade, "user_id = %s AND passed", worker.pk) == 1

    # 3. 完成本课, which completes the course: progress, enrolment, then the hours.
    complete = f"/learn/lessons/{lesson.pk}/complete/"
    with connection_dropped_after_save(TrainingRecord) as ended:
        dropped = client.post(complete)
    assert_unavailable_page(dropped, ended)
    assert committed(LessonProgress, "completed_at IS NOT NULL") == 0
    assert (
        committed(Enrolment, "id = %s AND status = %s", enrolment.pk, "completed") == 0
    )
    assert committed(TrainingRecord) == 0
    done = client.post(complete)
    assert done.status_code == 302
    assert (
        committed(Enrolment, "id = %s AND status = %s", enrolment.pk, "completed") == 1
    )
    assert committed(TrainingRecord, "user_id = %s", worker.pk) == 1


def test_hr_whose_connection_drops_sees_a_503_and_nothing_half_saved(
    worker, hr_street, org, exam_course
):
    course, _lesson, _exam = exam_course
    claim = ClaimFactory(user=worker)
    client = browser(hr_street)

    # 1. Approving external hours: hours credited, claim decided, audit, then
    #    the worker's notification (the last write).
    with connection_dropped_after_save(Notification) as ended:
        dropped = client.post(f"/records/claims/{claim.pk}/approve/")
    assert_unavailable_page(dropped, ended)
    assert (
        committed(ExternalHoursClaim, "id = %s AND status = %s", claim.pk, "pending")
        == 1
    )
    assert committed(TrainingRecord) == 0
    assert committed(AuditEntry, "action = %s", "hours_claim_approve") == 0
    assert committed(Notification) == 0
    approved = client.post(f"/records/claims/{claim.pk}/approve/")
    assert approved.status_code == 302
    assert (
        committed(ExternalHoursClaim, "id = %s AND status = %s", claim.pk, "approved")
        == 1
    )

    # 2. Assigning a course: the assignment, its positions, then the audit entry.
    form = {
        "course": course.pk,
        "plan": "",
        "org_unit": org["chaoyang"].pk,
        "due_date": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
        "note": "",
    }
    with connection_dropped_after_save(
        AuditEntry, when=lambda entry: entry.action == "assignment_create"
    ) as ended:
        dropped = client.post("/records/assignments/new/", form)
    assert_unavailable_page(dropped, ended)
    assert committed(Assignment) == 0
    assigned = client.post("/records/assignments/new/", form)
    assert assigned.status_code == 302
    assert committed(Assignment) == 1
    assert (
        committed(Enrolment, "user_id = %s AND course_id = %s", worker.pk, course.pk)
        == 1
    )
