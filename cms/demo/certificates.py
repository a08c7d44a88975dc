"""Demo certificates: the issuing organisation with a seal drawn here, two demo
courses that give certificates, and demo_worker's certificates (one expiring
soon). Idempotent: a second run the same day changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from assessments.models import Certificate, IssuerSettings
from assessments.pdf import FONT_PATH
from assessments.services.certificates import (
    certificate_issue,
    certificate_pdf_store,
)
from cms.demo.courses import LAW_COURSE, MEDIATION_COURSE
from courses.models import CoursePage, Enrolment, LessonPage
from courses.services.learning import enrolment_create, lesson_complete
from people.models import User

ISSUER = "连心区社区工作者培训中心"


def seal_png(text: str = ISSUER) -> bytes:
    """A red round seal with the organisation's name and a star (drawn, not a
    real seal: demo data)."""
    size = 400
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 30, 230)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    star = [
        (200, 120),
        (221, 178),
        (282, 178),
        (233, 214),
        (252, 272),
        (200, 237),
        (148, 272),
        (167, 214),
        (118, 178),
        (179, 178),
    ]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(FONT_PATH), 34, index=0)
    draw.text((size / 2, 318), text[-6:], fill=red, font=font, anchor="mm")
    draw.text((size / 2, 80), text[:6], fill=red, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _issuer() -> IssuerSettings:
    issuer = IssuerSettings.objects.order_by("pk").first()
    if issuer is None:
        issuer = IssuerSettings.objects.create(name=ISSUER)
    if not issuer.seal:
        issuer.seal.save("demo-seal.png", ContentFile(seal_png()), save=True)
    return issuer


def _complete(user, course: CoursePage) -> Enrolment:
    enrolment = enrolment_create(user=user, course=course)
    for lesson in LessonPage.objects.live().child_of(course):
        lesson_complete(user=user, lesson=lesson)
    enrolment.refresh_from_db()
    return enrolment


def demo_certificates_seed(stdout=None) -> int:
    """Seed the issuer, certificate settings of two courses and demo_worker's
    certificates. Returns how many certificates demo_worker holds."""
    with transaction.atomic():
        _issuer()
        CoursePage.objects.filter(slug__in=[LAW_COURSE, MEDIATION_COURSE]).update(
            certificate_enabled=True, certificate_validity_months=24
        )
        CoursePage.objects.filter(slug=MEDIATION_COURSE).update(
            certificate_design="modern"
        )
    worker = User.objects.filter(username="demo_worker").first()
    if worker is None:
        return 0
    for slug, expiring in ((LAW_COURSE, False), (MEDIATION_COURSE, True)):
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None:
            continue
        enrolment = _complete(worker, course)
        certificate, created = certificate_issue(enrolment=enrolment)
        if certificate is None:
            continue  # a completion rule (a quiz) is not met: nothing to show
        soon = timezone.localdate() + timedelta(days=20)
        if expiring and certificate.expires_on and certificate.expires_on > soon:
            # Shown as "expiring soon" with its renew button (set once: a later
            # run finds it expiring already and leaves it).
            Certificate.objects.filter(pk=certificate.pk).update(expires_on=soon)
            certificate.refresh_from_db()
            created = True
        if created or not certificate.pdf:
            certificate_pdf_store(certificate=certificate)
    count = Certificate.objects.filter(user=worker).count()
    if stdout is not None:
        stdout.write(
            _("Demo certificates ready: %(count)s for demo_worker.") % {"count": count}
        )
    return count
