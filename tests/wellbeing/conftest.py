"""Helpers for the wellbeing tests: the shipped PSS-10 and consented results."""

from datetime import datetime

import pytest
from django.utils import timezone

from people import roles
from tests.factories.people import UserFactory, WorkerProfileFactory
from wellbeing.models import Instrument
from wellbeing.services.assessments import consent_give, result_create

LOW = [0, 0, 0, 4, 4, 0, 4, 4, 0, 0]  # score 0: the lowest band
HIGH = [4, 4, 4, 0, 0, 4, 0, 0, 4, 4]  # score 40: the highest band
MIDDLE = [2] * 10  # score 20


@pytest.fixture
def pss10(db):
    return Instrument.objects.get(slug="pss10")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(
        year, month, day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def consent(user, instrument):
    return consent_give(
        user=user, instrument=instrument, text_version=instrument.consent_version
    )


def take(user, instrument, answers=MIDDLE, taken_at=None):
    """A consented result (consent given first if needed)."""
    consent(user, instrument)
    return result_create(
        user=user, instrument=instrument, answers=answers, taken_at=taken_at
    )


def worker_in(unit, name: str | None = None):
    user = UserFactory(roles=[roles.WORKER], **({"name": name} if name else {}))
    WorkerProfileFactory(user=user, org_unit=unit)
    return user


@pytest.fixture
def taken():
    return take


@pytest.fixture(autouse=True)
def english_pages(settings):
    """These tests read what pages say in English (the msgids); that the Chinese is
    complete is checked by tests/test_translations.py and the browser journeys."""
    settings.LANGUAGE_CODE = "en"
