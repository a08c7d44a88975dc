"""Expiry reminders: 30 and 7 days before, each stage once, with frozen time."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from assessments.models import Certificate
from assessments.tasks_certificates import certificate_reminders_send
from people.models import Notification
from tests.certificates.conftest import make_certificate

SHANGHAI = ZoneInfo("Asia/Shanghai")


def frozen(day: date):
    """timezone.now() fixed at 07:00 in Shanghai on that day (the beat's hour)."""
    moment = datetime(day.year, day.month, day.day, 7, 0, tzinfo=SHANGHAI)
    return mock.patch.object(timezone, "now", return_value=moment)


def test_each_stage_is_sent_once_however_often_the_beat_runs(worker, cert_course):
    start = timezone.localdate()
    certificate = make_certificate(worker, cert_course, expires_in_days=40)

    sent = []
    for offset in range(0, 41):
        with frozen(start + timedelta(days=offset)):
            sent.append(certificate_reminders_send())
            sent.append(certificate_reminders_send())  # a second beat run

    keys = sorted(
        Notification.objects.filter(user=worker).values_list("key", flat=True)
    )
    assert keys == [
        f"certificate-expiry-30:{certificate.pk}",
        f"certificate-expiry-7:{certificate.pk}",
    ]
    assert sum(sent) == 2
    assert sent.index(1) == 2 * 10  # 30 days before expiry
    certificate.refresh_from_db()
    assert certificate.reminded_30_at is not None
    assert certificate.reminded_7_at is not None


def test_a_certificate_first_seen_within_seven_days_gets_only_the_last_reminder(
    worker, cert_course
):
    certificate = make_certificate(worker, cert_course, expires_in_days=5)

    with frozen(timezone.localdate()):
        certificate_reminders_send()

    assert list(
        Notification.objects.filter(user=worker).values_list("key", flat=True)
    ) == [f"certificate-expiry-7:{certificate.pk}"]


def test_revoked_expired_and_lasting_certificates_get_no_reminder(
    worker, other_worker, cert_course
):
    make_certificate(worker, cert_course, expires_in_days=20, revoked=True)
    make_certificate(other_worker, cert_course, expires_in_days=-2)
    make_certificate(worker, cert_course, cycle=2, expires_in_days=None)

    with frozen(timezone.localdate()):
        assert certificate_reminders_send() == 0
    assert not Notification.objects.exists()
    assert not Certificate.objects.filter(reminded_30_at__isnull=False).exists()
