"""Certificates: issuing (exactly once per cycle), PDF storage, revocation,
expiry reminders and HR's ZIP archives. The only code that writes Certificate."""

from __future__ import annotations

import calendar
import io
import logging
import secrets
import zipfile
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Certificate,
    CertificateArchive,
    CertificateSerial,
    IssuerSettings,
)
from assessments.pdf.certificate import certificate_pdf_render
from assessments.signals import certificate_issued
from courses.models import CoursePage, Enrolment
from people.audit import audit_record
from people.notifications import notification_send

logger = logging.getLogger(__name__)

# A certificate this close to its expiry is "expiring": it shows as such, and
# completing the course again starts a new cycle.
RENEWAL_WINDOW_DAYS = 30
# certificates_reconcile looks this far back, and queues at most this many a run.
RECONCILE_LOOKBACK_DAYS = 7
RECONCILE_LIMIT = 1000
REMINDER_STAGES = (30, 7)
DEFAULT_ISSUER = "连心学堂"


class CertificateRefusedError(Exception):
    """The action is not possible for this certificate; the message says why."""


def months_add(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def today() -> date:
    return timezone.localdate()


def issuer_current() -> IssuerSettings | None:
    return IssuerSettings.objects.order_by("pk").first()


def certificate_pdf_key(certificate: Certificate) -> str:
    """The storage key of a certificate's PDF: fixed, so a retry overwrites it."""
    year = certificate.serial.split("-")[1]
    return f"certificates/{year}/{certificate.serial}.pdf"


def _serial_next(*, year: int) -> str:
    """The next serial of the year, under a lock on the year's counter row.

    The caller's transaction holds the lock until it commits, so serials are
    sequential without gaps: an insert that loses a race rolls back together
    with its increment (no number is burned).
    """
    CertificateSerial.objects.get_or_create(year=year)
    counter = CertificateSerial.objects.select_for_update().get(year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"LX-{year}-{counter.last:06d}"


def _target_course(course: CoursePage) -> tuple[CoursePage | None, bool]:
    """(course whose certificate this completion earns, whether it is a renewal)."""
    if course.certificate_renews_id:
        return course.certificate_renews, True
    if course.certificate_enabled:
        return course, False
    return None, False


def _due_for_renewal(certificate: Certificate, on: date) -> bool:
    if certificate.revoked_at is not None:
        return True
    if certificate.expires_on is None:
        return False  # a certificate that never expires is never renewed
    return certificate.expires_on - timedelta(days=RENEWAL_WINDOW_DAYS) <= on


def certificate_issue(*, enrolment: Enrolment) -> tuple[Certificate | None, bool]:
    """Issue the certificate a completed enrolment earns. Returns (certificate, new).

    Exactly one certificate per worker, course and cycle: the unique constraint
    decides, not a check-then-insert, so a re-delivered task or two racing
    completions give one certificate. Cycle 1 comes with the first completion;
    a later completion (after enrolment_restart, or of a course that renews this
    one) starts a new cycle only when the last certificate was issued before that
    completion and has expired, is within 30 days of expiry or was revoked. A
    certificate without expiry is never renewed. A renewal course issues nothing
    to a worker who never held the certificate it renews.
    """
    enrolment = Enrolment.objects.select_related("user", "course").get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.COMPLETED or not enrolment.completed_at:
        return None, False
    course, renewal = _target_course(enrolment.course)
    if course is None or not course.certificate_enabled:
        return None, False
    completed_on = timezone.localdate(enrolment.completed_at)
    last = (
        Certificate.objects.filter(user=enrolment.user, course=course)
        .order_by("-cycle")
        .first()
    )
    if last is None:
        if renewal:
            return None, False
        cycle = 1
    elif last.issued_at >= enrolment.completed_at or not _due_for_renewal(
        last, completed_on
    ):
        return last, False
    else:
        cycle = last.cycle + 1
    issuer = issuer_current()
    validity = course.certificate_validity_months
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=enrolment.user,
                course=course,
                cycle=cycle,
                serial=_serial_next(year=timezone.localdate().year),
                code=secrets.token_urlsafe(24),
                holder_name=enrolment.user.get_full_name()[:50],
                course_title=course.title[:255],
                hours=enrolment.course.credit_hours,
                completed_on=completed_on,
                issuer_name=issuer.name if issuer else DEFAULT_ISSUER,
                design=course.certificate_design,
                expires_on=months_add(completed_on, validity) if validity else None,
            )
            # In the same transaction: a worker killed right after the commit
            # must not leave a certificate whose holder is never told (a rerun
            # finds the certificate and sends nothing).
            notification_send(
                user=certificate.user,
                title=_("Your certificate for %(course)s is ready")
                % {"course": certificate.course_title},
                body=_("Certificate number %(serial)s.")
                % {"serial": certificate.serial},
                url=reverse("assessments:certificate_list"),
                kind="certificate",
                key=f"certificate-issued:{certificate.pk}",
                email=False,
            )
    except IntegrityError:
        # Another run issued this cycle first: that one is the certificate.
        return Certificate.objects.get(
            user=enrolment.user, course=course, cycle=cycle
        ), False
    transaction.on_commit(
        partial(certificate_issued.send, sender=Certificate, certificate=certificate)
    )
    return certificate, True


def verification_url(certificate: Certificate) -> str:
    path = reverse("assessments:certificate_verify", args=[certificate.code])
    return settings.LIANXIN_SITE_URL.rstrip("/") + path


def certificate_pdf_store(*, certificate: Certificate) -> str:
    """Render the certificate's PDF and store it under its fixed key (overwriting).

    Deleting before saving gives overwrite semantics on any storage, so a task
    that runs twice leaves one file, never certificates/…_abc123.pdf copies.
    """
    issuer = issuer_current()
    data = certificate_pdf_render(
        certificate=certificate,
        verify_url=verification_url(certificate),
        seal=issuer.seal if issuer and issuer.seal else None,
    )
    key = certificate_pdf_key(certificate)
    if default_storage.exists(key):
        default_storage.delete(key)
    name = default_storage.save(key, ContentFile(data))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=name)
    certificate.pdf.name = name
    return name


def certificate_pdf_bytes(*, certificate: Certificate) -> bytes:
    """The stored PDF, rendered and stored first when it is missing."""
    if not certificate.pdf or not default_storage.exists(certificate.pdf.name):
        certificate_pdf_store(certificate=certificate)
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        return handle.read()


def certificates_reconcile(
    *, grace: timedelta | None = None, limit: int = RECONCILE_LIMIT
) -> list[int]:
    """Queue the issuing task again for completions still without a certificate.

    The task normally runs seconds after the completion. When its worker is
    killed mid-task the broker gives the message back only after the visibility
    timeout (an hour by default), and a message can be lost outright (Redis
    restarted without persistence, retries spent in a database outage). So
    every 5 minutes (beat) the completions of the last week older than the
    grace period that have no certificate issued since, or one without its
    PDF, are queued again. The task is safe to run twice (certificate_issue
    decides by the unique constraint), so a message that was merely late costs
    a no-op. A renewal course completed by someone who never held the
    certificate it renews is skipped, as the task would issue nothing. Returns
    the enrolments queued, oldest first, at most `limit`.
    """
    from assessments.tasks_certificates import certificate_issue
    from people.outbox import enqueue_on_commit

    if grace is None:
        grace = timedelta(minutes=settings.LIANXIN_RECONCILE_GRACE_MINUTES)
    now = timezone.now()
    target = Coalesce(OuterRef("course__certificate_renews_id"), OuterRef("course_id"))
    issued = Certificate.objects.filter(
        user_id=OuterRef("user_id"),
        course_id=target,
        issued_at__gte=OuterRef("completed_at"),
    ).exclude(pdf="")
    held = Certificate.objects.filter(
        user_id=OuterRef("user_id"), course_id=OuterRef("course__certificate_renews_id")
    )
    earns = Q(
        course__certificate_renews__isnull=True, course__certificate_enabled=True
    ) | Q(Exists(held), course__certificate_renews__certificate_enabled=True)
    due = (
        Enrolment.objects.filter(
            earns,
            status=Enrolment.Status.COMPLETED,
            completed_at__gte=now - timedelta(days=RECONCILE_LOOKBACK_DAYS),
            completed_at__lte=now - grace,
        )
        .exclude(Exists(issued))
        .order_by("completed_at", "pk")
    )
    ids = list(due.values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_on_commit(certificate_issue, pk)
    if ids:
        logger.warning("Certificates due but missing, queued again: %s", len(ids))
    return ids


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, by, reason: str, request=None
) -> Certificate:
    """Revoke a certificate with a reason (audited); the public page says revoked.

    The caller has checked that `by` may (admin, or HR with the holder in scope).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for revoking the certificate."), code="reason_required"
        )
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise CertificateRefusedError(_("This certificate is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action="certificate.revoked",
        actor=by,
        obj=locked,
        details={
            "serial": locked.serial,
            "holder": locked.user_id,
            "course": locked.course_id,
            "reason": reason,
        },
        request=request,
    )
    notification_send(
        user=locked.user,
        title=_("Your certificate %(serial)s was revoked") % {"serial": locked.serial},
        body=_("Ask your HR office if you have questions."),
        url=reverse("assessments:certificate_list"),
        kind="certificate",
        key=f"certificate-revoked:{locked.pk}",
    )
    return locked


def certificate_renew_start(*, certificate: Certificate, by) -> CoursePage:
    """Start the renewal of the worker's own expiring (or expired) certificate.

    Returns the course to take: a live renewal course when there is one, else the
    course itself, whose completed enrolment is restarted for the new cycle.
    """
    from courses.services.renewal import enrolment_restart

    on = today()
    if certificate.user_id != by.pk or not _due_for_renewal(certificate, on):
        raise CertificateRefusedError(_("This certificate cannot be renewed yet."))
    newer = Certificate.objects.filter(
        user=certificate.user, course=certificate.course, cycle__gt=certificate.cycle
    ).exists()
    if newer:
        raise CertificateRefusedError(_("This certificate was already renewed."))
    renewal = (
        CoursePage.objects.live()
        .filter(certificate_renews=certificate.course)
        .order_by("path")
        .first()
    )
    if renewal is not None:
        return renewal
    enrolment = Enrolment.objects.filter(
        user=certificate.user, course=certificate.course
    ).first()
    if enrolment is not None:
        enrolment_restart(enrolment=enrolment, by=by)
    return certificate.course


def certificate_reminders_send(*, on: date | None = None) -> int:
    """Remind holders 30 and 7 days before expiry; each stage once per certificate.

    A conditional UPDATE claims each stage (reminded_<n>_at IS NULL → now), so two
    beat runs at once, or a re-run the same day, never send a stage twice. A
    certificate first seen inside the 7-day window gets the 7-day reminder only.
    Returns how many reminders were sent.
    """
    on = on or today()
    sent = 0
    for days in sorted(REMINDER_STAGES):
        field = f"reminded_{days}_at"
        due = Certificate.objects.filter(
            revoked_at__isnull=True,
            expires_on__gte=on,
            expires_on__lte=on + timedelta(days=days),
            **{f"{field}__isnull": True},
        )
        if days != min(REMINDER_STAGES):
            # Inside a shorter stage's window only that stage is sent.
            shorter = max(d for d in REMINDER_STAGES if d < days)
            due = due.filter(expires_on__gt=on + timedelta(days=shorter))
        for certificate in due.select_related("user").iterator():
            with transaction.atomic():
                claimed = Certificate.objects.filter(
                    pk=certificate.pk, **{f"{field}__isnull": True}
                ).update(**{field: timezone.now()})
                if not claimed:
                    continue
                notification_send(
                    user=certificate.user,
                    title=_("Your certificate for %(course)s expires on %(date)s")
                    % {
                        "course": certificate.course_title,
                        "date": certificate.expires_on.isoformat(),
                    },
                    body=_("Renew it on the My certificates page before it expires."),
                    url=reverse("assessments:certificate_list"),
                    kind="certificate",
                    key=f"certificate-expiry-{days}:{certificate.pk}",
                )
                sent += 1
    return sent


def archive_create(*, user, course: CoursePage, total: int) -> CertificateArchive:
    """Record HR's request for a course's certificates as a ZIP (audited)."""
    with transaction.atomic():
        archive = CertificateArchive.objects.create(
            requested_by=user, course=course, total=total
        )
        audit_record(
            action="certificate.zip_requested",
            actor=user,
            obj=archive,
            details={"course": course.pk, "certificates": total},
        )
    return archive


def certificates_zip_write(certificates, *, handle, progress=None) -> int:
    """Write the PDFs into a ZIP on handle (serial_name.pdf); returns the count."""
    count = 0
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            name = f"{certificate.serial}_{certificate.holder_name}.pdf"
            archive.writestr(name, certificate_pdf_bytes(certificate=certificate))
            count += 1
            if progress is not None:
                progress(count)
    return count


def archive_build(*, archive_id: int) -> CertificateArchive:
    """Build a requested ZIP, reporting progress; idempotent when already done."""
    from assessments.selectors.certificates import certificates_for_hr

    archive = CertificateArchive.objects.select_related("requested_by", "course").get(
        pk=archive_id
    )
    if archive.status == CertificateArchive.Status.DONE:
        return archive
    certificates = list(
        certificates_for_hr(user=archive.requested_by, course_id=archive.course_id)
    )
    CertificateArchive.objects.filter(pk=archive.pk).update(
        status=CertificateArchive.Status.RUNNING, total=len(certificates), done=0
    )

    def progress(done: int) -> None:
        if done % 10 == 0 or done == len(certificates):
            CertificateArchive.objects.filter(pk=archive.pk).update(done=done)

    buffer = io.BytesIO()
    certificates_zip_write(certificates, handle=buffer, progress=progress)
    key = f"certificates/zips/{archive.pk}.zip"
    if default_storage.exists(key):
        default_storage.delete(key)
    name = default_storage.save(key, ContentFile(buffer.getvalue()))
    CertificateArchive.objects.filter(pk=archive.pk).update(
        status=CertificateArchive.Status.DONE,
        file=name,
        done=len(certificates),
        finished_at=timezone.now(),
    )
    archive.refresh_from_db()
    return archive


def archive_fail(*, archive_id: int) -> None:
    """Mark an archive failed (its task gave up) so the page stops waiting."""
    CertificateArchive.objects.filter(pk=archive_id).exclude(
        status=CertificateArchive.Status.DONE
    ).update(status=CertificateArchive.Status.FAILED, finished_at=timezone.now())
