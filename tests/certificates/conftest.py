"""Courses that give certificates, and certificates made directly for states
(expired, expiring) that would otherwise need years to pass."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Certificate, IssuerSettings
from courses.models import LessonPage
from courses.services.learning import enrolment_create, lesson_complete
from tests.factories.courses import CoursePageFactory, LessonPageFactory

_serials = iter(range(900000, 999999))


@pytest.fixture
def issuer(db):
    return IssuerSettings.objects.create(name="连心区社区工作者培训中心")


@pytest.fixture
def cert_course(db):
    course = CoursePageFactory(
        title="人民调解法解读",
        certificate_enabled=True,
        certificate_validity_months=24,
        credit_hours=Decimal("2.5"),
    )
    LessonPageFactory(course=course, title="第一课 调解原则")
    return course


def complete(user, course):
    """Enrol and finish every lesson of the course, as the worker would."""
    enrolment = enrolment_create(user=user, course=course)
    for lesson in LessonPage.objects.live().child_of(course):
        lesson_complete(user=user, lesson=lesson)
    enrolment.refresh_from_db()
    return enrolment


def make_certificate(user, course, *, expires_in_days=None, revoked=False, **fields):
    """A certificate row as the service would store it (for states and lists)."""
    today = timezone.localdate()
    cycle = fields.pop("cycle", 1)
    return Certificate.objects.create(
        user=user,
        course=course,
        cycle=cycle,
        serial=fields.pop("serial", f"LX-{today.year}-{next(_serials):06d}"),
        code=secrets.token_urlsafe(24),
        holder_name=user.get_full_name(),
        course_title=course.title,
        hours=course.credit_hours,
        completed_on=fields.pop("completed_on", today - timedelta(days=300)),
        issuer_name="连心区社区工作者培训中心",
        expires_on=(
            today + timedelta(days=expires_in_days)
            if expires_in_days is not None
            else None
        ),
        revoked_at=timezone.now() if revoked else None,
        revoke_reason="冒名顶替" if revoked else "",
        **fields,
    )


@pytest.fixture(autouse=True)
def english_pages(settings):
    """These tests read what pages say in English (the msgids); that the Chinese is
    complete is checked by tests/test_translations.py and the browser journeys."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Each test its own MEDIA_ROOT: PDFs are stored under deterministic keys
    (certificates/<year>/<serial>.pdf), and serials start again in every test."""
    settings.MEDIA_ROOT = tmp_path / "media"
