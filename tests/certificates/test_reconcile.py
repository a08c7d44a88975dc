"""Reconciliation: certificates due but missing are issued again (issue 9).

What a killed worker or a lost message left undone; the runs with a real worker
being killed are in tests/faults/test_worker_kill.py.
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from assessments.models import Certificate
from assessments.services.certificates import certificates_reconcile
from assessments.tasks_certificates import certificates_reconcile as reconcile_task
from courses.models import Enrolment
from people.models import Notification
from tests.certificates.conftest import complete, make_certificate
from tests.factories.courses import CoursePageFactory, LessonPageFactory


def complete_and_lose_the_task(user, course, captured, *, minutes_ago=20):
    """Complete the course, drop the queued issuing task, date it `minutes_ago`."""
    with captured(execute=False):
        enrolment = complete(user, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return enrolment


def test_it_issues_the_certificate_whose_task_was_lost(
    worker, cert_course, issuer, celery_eager, django_capture_on_commit_callbacks
):
    enrolment = complete_and_lose_the_task(
        worker, cert_course, django_capture_on_commit_callbacks
    )
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        queued = certificates_reconcile()

    assert queued == [enrolment.pk]
    certificate = Certificate.objects.get(user=worker, course=cert_course)
    assert certificate.cycle == 1
    assert default_storage.open(certificate.pdf.name).read(5) == b"%PDF-"
    assert Notification.objects.filter(
        user=worker, key=f"certificate-issued:{certificate.pk}"
    ).exists()


def test_it_leaves_completions_inside_the_grace_period_to_their_task(
    worker, cert_course, issuer, celery_eager, django_capture_on_commit_callbacks
):
    complete_and_lose_the_task(
        worker, cert_course, django_capture_on_commit_callbacks, minutes_ago=2
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = certificates_reconcile(grace=timedelta(minutes=10))

    assert queued == []
    assert not Certificate.objects.exists()


def test_running_it_again_changes_nothing(
    worker,
    other_worker,
    cert_course,
    issuer,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    for user in (worker, other_worker):
        complete_and_lose_the_task(
            user, cert_course, django_capture_on_commit_callbacks
        )
    with django_capture_on_commit_callbacks(execute=True):
        first = reconcile_task.delay().get()
    serials = set(Certificate.objects.values_list("serial", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        second = reconcile_task.delay().get()

    assert (first, second) == (2, 0)
    assert set(Certificate.objects.values_list("serial", flat=True)) == serials
    assert Notification.objects.filter(kind="certificate").count() == 2


def test_it_stores_the_pdf_of_a_certificate_issued_without_one(
    worker, cert_course, issuer, celery_eager, django_capture_on_commit_callbacks
):
    enrolment = complete_and_lose_the_task(
        worker, cert_course, django_capture_on_commit_callbacks
    )
    # The worker was killed after the certificate's commit, before its PDF.
    certificate = make_certificate(
        worker, cert_course, completed_on=timezone.localdate(), expires_in_days=700
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = certificates_reconcile()

    assert queued == [enrolment.pk]
    certificate.refresh_from_db()
    assert Certificate.objects.count() == 1
    assert certificate.pdf.name == f"certificates/{certificate.serial[3:7]}/" + (
        f"{certificate.serial}.pdf"
    )
    assert default_storage.exists(certificate.pdf.name)


def test_it_skips_a_renewal_course_taken_by_someone_without_the_certificate(
    worker, cert_course, issuer, celery_eager, django_capture_on_commit_callbacks
):
    renewal = CoursePageFactory(title="人民调解法更新", certificate_renews=cert_course)
    LessonPageFactory(course=renewal)
    complete_and_lose_the_task(worker, renewal, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        queued = certificates_reconcile()

    assert queued == []
    assert not Certificate.objects.exists()


def test_it_ignores_completions_older_than_a_week(
    worker, cert_course, issuer, celery_eager, django_capture_on_commit_callbacks
):
    complete_and_lose_the_task(
        worker, cert_course, django_capture_on_commit_callbacks, minutes_ago=8 * 24 * 60
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = certificates_reconcile()

    assert queued == []
