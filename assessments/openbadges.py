"""Open Badges 2.0 documents (JSON-LD) for certificates, verified by hosting.

Each certificate is a hosted Assertion at a stable URL; its BadgeClass is the
course, its Issuer profile the issuing organisation. The recipient's identity is
hashed (sha256 of identity + salt) so the public document reveals no email or
phone. A revoked assertion answers 410 Gone with ``"revoked": true`` and no
reason. Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from email.utils import parseaddr

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

CONTEXT = "https://w3id.org/openbadges/v2"
BADGE_IMAGE = "assessments/certificates/badge.png"


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.LIANXIN_SITE_URL.rstrip("/") + path


def issuer_url() -> str:
    return _absolute(reverse("assessments:badge_issuer"))


def badge_class_url(course_id: int) -> str:
    return _absolute(reverse("assessments:badge_class", args=[course_id]))


def assertion_url(code: str) -> str:
    return _absolute(reverse("assessments:badge_assertion", args=[code]))


def _salt(certificate) -> str:
    # Stable per certificate (the document must not change between fetches);
    # the salt is public in the assertion anyway, as the spec has it.
    return hashlib.sha256(
        f"lianxin-badge-salt:{certificate.code}".encode()
    ).hexdigest()[:16]


def recipient_identity(certificate) -> dict:
    """IdentityObject: the holder's email, else mobile, else a URL, hashed.

    Workers have no public profile page, so the URL fallback is the certificate's
    own verification page: it resolves, and it belongs to this holder alone.
    """
    user = certificate.user
    if user.email:
        kind, value = "email", user.email.strip().lower()
    elif getattr(user, "mobile", None):
        kind, value = "telephone", f"+86{user.mobile}"
    else:
        kind, value = "url", _absolute(f"/certificates/verify/{certificate.code}/")
    salt = _salt(certificate)
    digest = hashlib.sha256((value + salt).encode()).hexdigest()
    return {"type": kind, "hashed": True, "salt": salt, "identity": f"sha256${digest}"}


def _datetime(day) -> str:
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return moment.isoformat()


def assertion(certificate) -> dict:
    """The hosted Assertion of a certificate (not revoked)."""
    from assessments.services.certificates import verification_url

    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(certificate.code),
        "recipient": recipient_identity(certificate),
        "badge": badge_class_url(certificate.course_id),
        "verification": {"type": "hosted"},
        "issuedOn": timezone.localtime(certificate.issued_at).isoformat(),
        "evidence": verification_url(certificate),
        "narrative": certificate.course_title,
    }
    if certificate.expires_on:
        document["expires"] = _datetime(certificate.expires_on)
    return document


def assertion_revoked(certificate) -> dict:
    """What a revoked assertion's URL answers (with 410 Gone), without the reason."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(certificate.code),
        "revoked": True,
    }


def _criteria() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "Complete every required lesson of the course and pass its "
            "assessments on Lianxin Academy."
        )


def badge_class(course) -> dict:
    """The BadgeClass of a course that issues certificates."""
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(course.pk),
        "name": course.title,
        "description": course.summary or course.title,
        "image": _absolute(static(BADGE_IMAGE)),
        "criteria": {"narrative": _criteria()},
        "issuer": issuer_url(),
    }


def issuer_profile(issuer) -> dict:
    """The Issuer profile: the issuing organisation of IssuerSettings."""
    name = issuer.name if issuer else "连心学堂"
    email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": name,
        "url": settings.LIANXIN_SITE_URL.rstrip("/") + "/",
        "email": email,
    }
