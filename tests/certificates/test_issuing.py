"""Issuing: exactly once per worker, course and cycle, with a stored PDF."""

import threading
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from assessments.models import Certificate, CertificateSerial
from assessments.services.certificates import certificate_issue, months_add
from assessments.tasks_certificates import certificate_issue as certificate_issue_task
from courses.models import Enrolment
from courses.services.renewal import enrolment_restart
from people.models import Notification
from tests.certificates.conftest import complete, make_certificate
from tests.factories.courses import CoursePageFactory, LessonPageFactory


def test_completing_a_course_issues_its_certificate_with_a_stored_pdf(
    worker, cert_course, issuer, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete(worker, cert_course)

    certificate = Certificate.objects.get(user=worker, course=cert_course)
    year = timezone.localdate().year
    assert certificate.cycle == 1
    assert certificate.serial == f"LX-{year}-000001"
    assert certificate.holder_name == "张晓明"
    assert certificate.course_title == "人民调解法解读"
    assert str(certificate.hours) == "2.5"
    assert certificate.issuer_name == "连心区社区工作者培训中心"
    assert certificate.completed_on == timezone.localdate(enrolment.completed_at)
    assert certificate.expires_on == months_add(certificate.completed_on, 24)
    assert len(certificate.code) >= 32  # 24 random bytes, URL-safe
    assert certificate.pdf.name == f"certificates/{year}/{certificate.serial}.pdf"
    assert default_storage.open(certificate.pdf.name).read(5) == b"%PDF-"
    assert Notification.objects.filter(
        user=worker, key=f"certificate-issued:{certificate.pk}"
    ).exists()


def test_a_course_without_certificates_issues_none(
    worker, celery_eager, django_capture_on_commit_callbacks
):
    course = CoursePageFactory(certificate_enabled=False)
    LessonPageFactory(course=course)
    with django_capture_on_commit_callbacks(execute=True):
        complete(worker, course)

    assert not Certificate.objects.exists()


def test_a_redelivered_task_issues_no_second_certificate_and_overwrites_the_pdf(
    worker, cert_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        enrolment = complete(worker, cert_course)

    first = certificate_issue_task(enrolment.pk)
    Certificate.objects.filter(pk=first).update(pdf="")  # as if it died mid-way
    second = certificate_issue_task(enrolment.pk)
    third = certificate_issue_task(enrolment.pk)

    assert first == second == third
    certificate = Certificate.objects.get()
    folder = certificate.pdf.name.rsplit("/", 1)[0]
    assert default_storage.listdir(folder)[1] == [f"{certificate.serial}.pdf"]
    assert CertificateSerial.objects.get().last == 1


def test_serials_are_sequential_within_a_year(worker, other_worker, cert_course):
    first, _ = certificate_issue(enrolment=complete(worker, cert_course))
    second, _ = certificate_issue(enrolment=complete(other_worker, cert_course))

    year = timezone.localdate().year
    assert [first.serial, second.serial] == [f"LX-{year}-000001", f"LX-{year}-000002"]


def test_a_certificate_that_never_expires_is_not_issued_again(worker, cert_course):
    cert_course.certificate_validity_months = None
    cert_course.save()
    enrolment = complete(worker, cert_course)
    certificate, created = certificate_issue(enrolment=enrolment)
    enrolment_restart(enrolment=enrolment, by=worker)
    again = complete(worker, cert_course)

    assert created
    assert certificate_issue(enrolment=again) == (certificate, False)
    assert Certificate.objects.count() == 1


def test_completing_again_near_expiry_issues_the_next_cycle_and_keeps_the_old(
    worker, cert_course
):
    old = make_certificate(worker, cert_course, expires_in_days=10)
    enrolment = complete(worker, cert_course)
    # The first completion was before the old certificate; restart and redo.
    Certificate.objects.filter(pk=old.pk).update(
        issued_at=enrolment.completed_at - timedelta(days=700)
    )

    renewed, created = certificate_issue(enrolment=enrolment)

    assert created
    assert renewed.cycle == 2
    assert renewed.expires_on == months_add(renewed.completed_on, 24)
    assert Certificate.objects.filter(pk=old.pk, cycle=1).exists()


def test_restarting_an_enrolment_resets_progress_but_keeps_the_hours_ledger(
    worker, cert_course
):
    enrolment = complete(worker, cert_course)
    credited = worker.training_records.count()

    enrolment_restart(enrolment=enrolment, by=worker)
    enrolment.refresh_from_db()

    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert enrolment.completed_at is None
    assert enrolment.lessons_done == 0
    assert not enrolment.lesson_progress.exists()
    assert worker.training_records.count() == credited == 1
    complete(worker, cert_course)
    assert worker.training_records.count() == 1  # credited once, history kept


def test_a_renewal_course_issues_the_next_cycle_of_the_course_it_renews(
    worker, cert_course
):
    old = make_certificate(worker, cert_course, expires_in_days=-3)
    Certificate.objects.filter(pk=old.pk).update(
        issued_at=timezone.now() - timedelta(days=800)
    )
    refresher = CoursePageFactory(
        title="人民调解法复训", certificate_renews=cert_course
    )
    LessonPageFactory(course=refresher)

    renewed, created = certificate_issue(enrolment=complete(worker, refresher))

    assert created
    assert renewed.course == cert_course
    assert renewed.cycle == 2
    assert renewed.course_title == "人民调解法解读"


def test_a_renewal_course_gives_nothing_to_a_worker_who_never_held_the_certificate(
    worker, cert_course
):
    refresher = CoursePageFactory(certificate_renews=cert_course)
    LessonPageFactory(course=refresher)

    assert certificate_issue(enrolment=complete(worker, refresher)) == (None, False)


@pytest.mark.django_db(transaction=True)
def test_two_racing_completions_issue_exactly_one_certificate(worker, cert_course):
    # Completed with the certificate off, so the queued task issues nothing
    # first; then four runs race for it.
    cert_course.certificate_enabled = False
    cert_course.save()
    enrolment = complete(worker, cert_course)
    cert_course.certificate_enabled = True
    cert_course.save()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            certificate, created = certificate_issue(enrolment=enrolment)
            results.append((certificate.pk, created))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert Certificate.objects.count() == 1
    assert {pk for pk, _ in results} == {Certificate.objects.get().pk}
    assert sorted(created for _, created in results) == [False, False, False, True]
    # The losers rolled back their increment: no serial number was burned.
    assert CertificateSerial.objects.get().last == 1
