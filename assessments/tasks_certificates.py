"""Certificate tasks: thin, ids in, a service call."""

from datetime import timedelta

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .services import certificates as services

__all__ = [
    "certificate_archive_build",
    "certificate_issue",
    "certificate_reminders_send",
    "certificates_reconcile",
]

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "max_retries": 5,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


@shared_task(name="assessments.tasks.certificate_issue", **RETRY)
def certificate_issue(enrolment_id: int) -> int | None:
    """Issue the certificate of a completed enrolment (once) and store its PDF.

    Safe to run again: the service returns the certificate already issued, and
    the PDF goes to the same storage key (overwritten, never duplicated).
    """
    from courses.models import Enrolment

    enrolment = Enrolment.objects.filter(pk=enrolment_id).first()
    if enrolment is None:
        return None
    certificate, _created = services.certificate_issue(enrolment=enrolment)
    if certificate is None:
        return None
    if not certificate.pdf:
        services.certificate_pdf_store(certificate=certificate)
    return certificate.pk


@shared_task(name="assessments.tasks.certificates_reconcile", acks_late=True)
def certificates_reconcile(grace_seconds: int | None = None) -> int:
    """Every 5 minutes (beat): queue again the certificates due but missing.

    `grace_seconds` (default RECONCILE_GRACE_MINUTES) only for a rerun or a test.
    """
    grace = timedelta(seconds=grace_seconds) if grace_seconds is not None else None
    return len(services.certificates_reconcile(grace=grace))


@shared_task(name="assessments.tasks.certificate_reminders_send", **RETRY)
def certificate_reminders_send() -> int:
    """Daily (beat): expiry reminders 30 and 7 days before, each stage once."""
    return services.certificate_reminders_send()


class ArchiveTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        archive_id = args[0] if args else kwargs.get("archive_id")
        if archive_id is not None:
            services.archive_fail(archive_id=archive_id)


@shared_task(
    name="assessments.tasks.certificate_archive_build", base=ArchiveTask, **RETRY
)
def certificate_archive_build(archive_id: int) -> None:
    """Build HR's ZIP of a course's certificates, reporting progress."""
    services.archive_build(archive_id=archive_id)
