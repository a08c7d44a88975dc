"""Offline sessions and their registrations, starting tomorrow by default."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import OfflineSession, SessionRegistration
from people import roles
from tests.factories.people import UserFactory


class OfflineSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfflineSession

    title = factory.Sequence(lambda n: f"矛盾纠纷调解实务培训（第{n}期）")
    kind = OfflineSession.Kind.CLASS
    description = "结合典型案例，演练人民调解的受理、调查和调解协议书写。"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    place = "东湖街道党群服务中心三楼会议室"
    organiser = factory.SubFactory(UserFactory, roles=[roles.TRAINER])
    hours = Decimal("2.0")
    capacity = 30


class SessionRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRegistration

    session = factory.SubFactory(OfflineSessionFactory)
    user = factory.SubFactory(UserFactory, roles=[roles.WORKER])


def in_progress(**kwargs) -> OfflineSession:
    """A session that started ten minutes ago and ends in an hour and fifty."""
    start = timezone.now() - timedelta(minutes=10)
    return OfflineSessionFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), **kwargs
    )
