"""Reads of certificates: the worker's own, HR's in scope, the public verification."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from assessments.models import Certificate, CertificateArchive
from courses.models import CoursePage
from people import roles
from people.selectors import in_scope_q

# Kept in step with services.certificates.RENEWAL_WINDOW_DAYS (not imported:
# selectors do not depend on services).
EXPIRING_DAYS = 30

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
REVOKED = "revoked"
# The day's cached answers of the public check; a save forgets them sooner.
VERIFICATION_CACHE_SECONDS = 60 * 60
STATES = (VALID, EXPIRING, EXPIRED, REVOKED)


def certificate_state(certificate: Certificate, on: date | None = None) -> str:
    """valid, expiring (within 30 days of expiry), expired or revoked."""
    on = on or timezone.localdate()
    if certificate.revoked_at is not None:
        return REVOKED
    if certificate.expires_on is None:
        return VALID
    if certificate.expires_on < on:
        return EXPIRED
    if certificate.expires_on <= on + timedelta(days=EXPIRING_DAYS):
        return EXPIRING
    return VALID


def _state_filter(state: str, on: date) -> Q:
    live = Q(revoked_at__isnull=True)
    soon = on + timedelta(days=EXPIRING_DAYS)
    return {
        VALID: live & (Q(expires_on__isnull=True) | Q(expires_on__gt=soon)),
        EXPIRING: live & Q(expires_on__gte=on, expires_on__lte=soon),
        EXPIRED: live & Q(expires_on__lt=on),
        REVOKED: Q(revoked_at__isnull=False),
    }[state]


def name_mask(name: str) -> str:
    """张晓明 → 张*明, 张三 → 张*, 张 → *: first and last character kept."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def certificates_for_worker(*, user) -> list[Certificate]:
    """The worker's certificates, newest first, each with .state and .renewable."""
    on = timezone.localdate()
    certificates = list(
        Certificate.objects.filter(user=user)
        .select_related("course")
        .order_by("-issued_at", "-id")
    )
    latest_cycle: dict[int, int] = {}
    for certificate in certificates:
        latest_cycle[certificate.course_id] = max(
            latest_cycle.get(certificate.course_id, 0), certificate.cycle
        )
    for certificate in certificates:
        certificate.state = certificate_state(certificate, on)
        certificate.renewable = (
            certificate.state in (EXPIRING, EXPIRED)
            and certificate.cycle == latest_cycle[certificate.course_id]
        )
    return certificates


def certificates_for_hr(
    *, user, course_id: int | None = None, state: str | None = None
) -> QuerySet[Certificate]:
    """Certificates of the workers in the user's scope (all for admins).

    The scope is the holder's org unit today: a worker who moved to another
    street is reviewed by that street's HR.
    """
    qs = Certificate.objects.select_related(
        "user", "course", "user__profile__org_unit"
    ).order_by("-issued_at", "-id")
    qs = qs.filter(in_scope_q(user=user))
    if course_id:
        qs = qs.filter(course_id=course_id)
    if state in STATES:
        qs = qs.filter(_state_filter(state, timezone.localdate()))
    return qs


def certificate_for_viewer(*, user, pk: int) -> Certificate | None:
    """The certificate if the user may see it: its holder, HR in scope, an admin."""
    certificate = Certificate.objects.select_related("user", "course").filter(pk=pk)
    found = certificate.first()
    if found is None:
        return None
    if found.user_id == user.pk or roles.has_role(user, roles.ADMIN):
        return found
    if roles.has_role(user, roles.HR):
        return certificates_for_hr(user=user).filter(pk=pk).first()
    return None


def certificate_for_manager(*, user, pk: int) -> Certificate | None:
    """The certificate if the user may revoke it: HR in scope or an admin."""
    if not roles.has_role(user, roles.HR, roles.ADMIN):
        return None
    return certificates_for_hr(user=user).filter(pk=pk).first()


def certificate_by_code(*, code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return Certificate.objects.filter(code=code).first()


def _verification_key(code: str) -> str:
    return f"cert-verify:{code}:{timezone.localdate().isoformat()}"


def certificate_verification(*, code: str) -> dict | None:
    """What the public may learn from a code: state, course, dates, masked name.

    Expiring counts as valid here; the reason for a revocation is never shown.
    Answers are cached for the day (a QR code is scanned again and again);
    saving the certificate, as revoking does, forgets its answer
    (``certificate_verification_forget``). Unknown codes are never cached.
    """
    key = _verification_key(code) if code and len(code) <= 64 else None
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    certificate = certificate_by_code(code=code)
    if certificate is None:
        return None
    state = certificate_state(certificate)
    result = {
        "state": EXPIRED
        if state == EXPIRED
        else (REVOKED if state == REVOKED else VALID),
        "holder": name_mask(certificate.holder_name),
        "course": certificate.course_title,
        "completed_on": certificate.completed_on.isoformat(),
        "expires_on": (
            certificate.expires_on.isoformat() if certificate.expires_on else None
        ),
    }
    cache.set(key, result, VERIFICATION_CACHE_SECONDS)
    return result


def certificate_verification_forget(*, code: str) -> None:
    """Drop the cached answer for this code (the certificate changed)."""
    cache.delete(_verification_key(code))


def certificate_courses_for_hr(*, user) -> QuerySet[CoursePage]:
    """Courses that issue certificates, for HR's filter."""
    return (
        CoursePage.objects.filter(certificate_enabled=True)
        .defer_streamfields()
        .order_by("title")
        .only("pk", "title")
    )


def archive_for_user(*, user, pk: int) -> CertificateArchive | None:
    return (
        CertificateArchive.objects.select_related("course")
        .filter(pk=pk, requested_by=user)
        .first()
    )
