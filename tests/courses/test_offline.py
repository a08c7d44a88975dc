"""Offline sessions: seats, the rotating check-in code, the roster and the hours."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import SessionRegistration, TrainingRecord
from courses.services.ledger import hours_for_year
from courses.services.offline import (
    session_cancel_registration,
    session_checkin,
    session_checkin_code,
    session_register,
)
from tests.factories.offline import (
    OfflineSessionFactory,
    SessionRegistrationFactory,
    in_progress,
)
from tests.factories.people import UserFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def offline_records(user):
    return TrainingRecord.objects.filter(
        user=user, source=TrainingRecord.Source.OFFLINE
    )


def ts(session, minutes: float) -> float:
    """Seconds since the epoch, `minutes` after the session starts."""
    return (session.starts_at + timedelta(minutes=minutes)).timestamp()


# --- registration --------------------------------------------------------------


def test_the_last_seat_goes_to_one_worker_only(worker, other_worker):
    session = OfflineSessionFactory(capacity=1)
    session_register(session=session, user=worker)

    with pytest.raises(ValidationError) as refused:
        session_register(session=session, user=other_worker)

    assert refused.value.code == "full"
    assert list(session.registrations.values_list("user__username", flat=True)) == [
        "worker"
    ]


def test_a_worker_cannot_register_twice(worker):
    session = OfflineSessionFactory()
    session_register(session=session, user=worker)

    with pytest.raises(ValidationError) as refused:
        session_register(session=session, user=worker)

    assert refused.value.code == "already_registered"
    assert session.registrations.count() == 1


def test_registration_closes_when_the_session_starts(worker):
    session = in_progress()

    with pytest.raises(ValidationError) as refused:
        session_register(session=session, user=worker)

    assert refused.value.code == "closed"
    assert not session.registrations.exists()


def test_cancelling_gives_the_seat_to_someone_else(worker, other_worker):
    session = OfflineSessionFactory(capacity=1)
    session_register(session=session, user=worker)

    session_cancel_registration(session=session, user=worker)
    session_register(session=session, user=other_worker)

    assert list(session.registrations.values_list("user__username", flat=True)) == [
        "other_worker"
    ]


def test_an_attended_registration_cannot_be_cancelled(worker):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)
    session_checkin(session=session, user=worker, by=session.organiser)

    with pytest.raises(ValidationError) as refused:
        session_cancel_registration(session=session, user=worker)

    assert refused.value.code == "attended"
    assert session.registrations.filter(user=worker).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
def test_two_workers_racing_for_the_last_seat_get_one_seat(org):
    session = OfflineSessionFactory(capacity=1)
    racers = [WorkerProfileFactory(org_unit=org["chaoyang"]).user for _ in range(2)]
    start = threading.Barrier(len(racers))
    outcomes = []

    def register(user):
        try:
            start.wait()
            session_register(session=session, user=user)
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(u,)) for u in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full", "registered"]
    assert session.registrations.count() == 1


# --- the rotating code ---------------------------------------------------------


def test_the_code_changes_every_30_seconds_and_differs_per_session():
    session, other = OfflineSessionFactory(), OfflineSessionFactory()
    window_start = 1_750_000_020.0  # a multiple of 30

    code = session_checkin_code(session=session, at=window_start)

    assert code == session_checkin_code(session=session, at=window_start + 29.9)
    assert code != session_checkin_code(session=session, at=window_start + 30)
    assert code != session_checkin_code(session=other, at=window_start)
    assert len(code) == 8
    assert code.isalnum()


def test_checking_in_with_the_current_code_credits_the_hours_once(worker):
    session = OfflineSessionFactory(hours=Decimal("3.5"))
    SessionRegistrationFactory(session=session, user=worker)
    at = ts(session, 5)
    code = session_checkin_code(session=session, at=at)

    registration, first = session_checkin(
        session=session, user=worker, code=code, at=at
    )
    _again, second = session_checkin(
        session=session, user=worker, code=code, at=at + 10
    )

    assert (first, second) == (True, False)
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert registration.checkin_method == SessionRegistration.Method.QR
    record = offline_records(worker).get()
    assert record.hours == Decimal("3.5")
    assert record.reference == f"session:{session.pk}"
    assert record.title == session.title
    assert hours_for_year(user=worker, year=record.year) == Decimal("3.5")


def test_the_code_of_the_previous_window_is_still_accepted(worker):
    session = OfflineSessionFactory()
    SessionRegistrationFactory(session=session, user=worker)
    at = ts(session, 5)
    previous = session_checkin_code(session=session, at=at - 30)

    _registration, checked_in = session_checkin(
        session=session, user=worker, code=previous, at=at
    )

    assert checked_in is True
    assert offline_records(worker).count() == 1


def test_a_code_two_windows_old_is_refused(worker):
    session = OfflineSessionFactory()
    SessionRegistrationFactory(session=session, user=worker)
    at = ts(session, 5)
    old = session_checkin_code(session=session, at=at - 60)

    with pytest.raises(ValidationError) as refused:
        session_checkin(session=session, user=worker, code=old, at=at)

    assert refused.value.code == "expired"
    assert session.registrations.get(user=worker).attended_at is None
    assert not offline_records(worker).exists()


def test_a_code_of_another_session_is_refused(worker):
    session, other = OfflineSessionFactory(), OfflineSessionFactory()
    SessionRegistrationFactory(session=session, user=worker)
    at = ts(session, 5)

    with pytest.raises(ValidationError) as refused:
        session_checkin(
            session=session,
            user=worker,
            code=session_checkin_code(session=other, at=at),
            at=at,
        )

    assert refused.value.code == "expired"


@pytest.mark.parametrize("minutes", [-31, 121])
def test_check_in_is_refused_outside_the_session(worker, minutes):
    # The session lasts two hours; check-in opens half an hour before it.
    session = OfflineSessionFactory()
    SessionRegistrationFactory(session=session, user=worker)
    at = ts(session, minutes)

    with pytest.raises(ValidationError) as refused:
        session_checkin(
            session=session,
            user=worker,
            code=session_checkin_code(session=session, at=at),
            at=at,
        )

    assert refused.value.code == "not_open"
    assert not offline_records(worker).exists()


@pytest.mark.parametrize("minutes", [-30, 0, 120])
def test_check_in_is_open_from_half_an_hour_before_to_the_end(worker, minutes):
    session = OfflineSessionFactory()
    SessionRegistrationFactory(session=session, user=worker)
    at = ts(session, minutes)

    _registration, checked_in = session_checkin(
        session=session,
        user=worker,
        code=session_checkin_code(session=session, at=at),
        at=at,
    )

    assert checked_in is True


def test_an_unregistered_worker_walks_in_while_seats_remain(worker):
    session = OfflineSessionFactory(capacity=2)
    at = ts(session, 1)

    registration, checked_in = session_checkin(
        session=session,
        user=worker,
        code=session_checkin_code(session=session, at=at),
        at=at,
    )

    assert checked_in is True
    assert registration.user == worker
    assert offline_records(worker).count() == 1


def test_an_unregistered_worker_is_refused_when_the_session_is_full(
    worker, other_worker
):
    session = OfflineSessionFactory(capacity=1)
    SessionRegistrationFactory(session=session, user=other_worker)
    at = ts(session, 1)

    with pytest.raises(ValidationError) as refused:
        session_checkin(
            session=session,
            user=worker,
            code=session_checkin_code(session=session, at=at),
            at=at,
        )

    assert refused.value.code == "full"
    assert not session.registrations.filter(user=worker).exists()
    assert not offline_records(worker).exists()


def test_the_hours_go_to_the_year_of_the_session_in_shanghai(worker):
    # 17:00 UTC on 31 December 2024 is 01:00 on 1 January 2025 in Shanghai.
    start = datetime(2024, 12, 31, 17, 0, tzinfo=UTC)
    session = OfflineSessionFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    SessionRegistrationFactory(session=session, user=worker)

    session_checkin(
        session=session, user=worker, by=session.organiser, at=ts(session, 5)
    )

    assert offline_records(worker).get().year == 2025


# --- the roster ------------------------------------------------------------------


def test_the_organiser_ticks_the_roster_and_the_hours_are_credited(
    client_for, worker, other_worker
):
    session = in_progress(hours=Decimal("2.0"))
    SessionRegistrationFactory(session=session, user=worker)
    SessionRegistrationFactory(session=session, user=other_worker)
    client = english(client_for("anonymous"))
    client.force_login(session.organiser)

    response = client.post(
        f"/sessions/{session.pk}/roster/",
        {"attended": [str(worker.pk)]},
        follow=True,
    )

    body = response.content.decode()
    assert "1 person checked in." in body
    registration = session.registrations.get(user=worker)
    assert registration.checkin_method == SessionRegistration.Method.ROSTER
    assert registration.checked_in_by == session.organiser
    assert offline_records(worker).get().created_by == session.organiser
    assert not offline_records(other_worker).exists()
    # Ticking again credits nothing more.
    client.post(f"/sessions/{session.pk}/roster/", {"attended": [str(worker.pk)]})
    assert offline_records(worker).count() == 1


def test_only_the_organiser_or_an_admin_ticks_the_roster(client_for, worker, trainer):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)

    for persona in ("worker", "trainer", "hr_district"):
        response = client_for(persona).post(
            f"/sessions/{session.pk}/roster/", {"attended": [str(worker.pk)]}
        )
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        session_checkin(session=session, user=worker, by=trainer)
    assert not offline_records(worker).exists()

    client_for("admin").post(
        f"/sessions/{session.pk}/roster/", {"attended": [str(worker.pk)]}
    )
    assert offline_records(worker).count() == 1


def test_the_roster_lists_registered_people_only(worker, other_worker):
    session = in_progress()

    with pytest.raises(ValidationError) as refused:
        session_checkin(session=session, user=worker, by=session.organiser)

    assert refused.value.code == "not_registered"


# --- the organiser's screen ------------------------------------------------------


def test_a_worker_cannot_open_the_present_screen(client_for, worker):
    session = in_progress()

    for persona in ("worker", "trainer", "hr_district"):
        response = client_for(persona).get(f"/sessions/{session.pk}/present/")
        assert response.status_code == 403
        assert session_checkin_code(session=session) not in response.content.decode()


def test_the_organiser_sees_the_qr_code_and_the_roster(client_for, worker):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)
    client = english(client_for("anonymous"))
    client.force_login(session.organiser)

    response = client.get(f"/sessions/{session.pk}/present/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="qr-code"' in body
    assert session_checkin_code(session=session) in body
    assert "张晓明" in body
    assert f'value="{worker.pk}"' in body
    assert "courses/checkin.js" in body
    assert "no-store" in response["Cache-Control"]


def test_an_admin_may_open_the_present_screen(client_for):
    session = in_progress()

    response = client_for("admin").get(f"/sessions/{session.pk}/present/")

    assert response.status_code == 200
    assert session_checkin_code(session=session) in response.content.decode()


def test_the_code_endpoint_is_for_the_organiser_and_never_cached(client_for, worker):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)
    session_checkin(session=session, user=worker, by=session.organiser)
    url = f"/sessions/{session.pk}/present/code/"
    client = client_for("anonymous")
    client.force_login(session.organiser)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["code"] == session_checkin_code(session=session)
    assert data["url"] == (
        f"http://testserver/sessions/{session.pk}/checkin/?code={data['code']}"
    )
    assert data["svg"].startswith('<svg class="qr-code"')
    assert data["attended"] == [worker.pk]
    assert data["attended_count"] == 1
    for persona in ("worker", "trainer"):
        refused = client_for(persona).get(url)
        assert refused.status_code == 403
        assert data["code"] not in refused.content.decode()


# --- the worker's pages ----------------------------------------------------------


def test_opening_the_scanned_link_asks_before_checking_in(client_for, worker):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)
    code = session_checkin_code(session=session)
    client = english(client_for("worker"))

    response = client.get(f"/sessions/{session.pk}/checkin/?code={code}")

    body = response.content.decode()
    assert "I am here: check me in" in body
    assert f'value="{code}"' in body
    assert session.registrations.get(user=worker).attended_at is None
    assert not offline_records(worker).exists()

    done = client.post(f"/sessions/{session.pk}/checkin/", {"code": code}, follow=True)

    body = done.content.decode()
    assert "You are checked in." in body
    assert "2 hours were added to your ledger" in body
    assert offline_records(worker).count() == 1


def test_an_expired_code_tells_the_worker_to_scan_again(client_for, worker):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)
    old = session_checkin_code(session=session, at=timezone.now().timestamp() - 90)
    client = english(client_for("worker"))

    shown = client.get(f"/sessions/{session.pk}/checkin/?code={old}")
    posted = client.post(f"/sessions/{session.pk}/checkin/", {"code": old})

    for response in (shown, posted):
        body = response.content.decode()
        assert "The code has expired: scan the screen again." in body
        assert f'value="{old}"' not in body
        assert 'name="code" autocomplete="off"' in body
    assert not offline_records(worker).exists()


def test_a_worker_without_a_camera_types_the_code(client_for, worker):
    session = in_progress()
    SessionRegistrationFactory(session=session, user=worker)
    client = english(client_for("worker"))

    form = client.get(f"/sessions/{session.pk}/checkin/").content.decode()
    typed = f" {session_checkin_code(session=session).lower()} "
    done = client.post(f"/sessions/{session.pk}/checkin/", {"code": typed}, follow=True)

    assert 'name="code"' in form
    assert "You are checked in." in done.content.decode()
    assert offline_records(worker).count() == 1


def test_check_in_before_the_session_opens_says_when_it_opens(client_for, worker):
    session = OfflineSessionFactory()  # tomorrow
    SessionRegistrationFactory(session=session, user=worker)
    code = session_checkin_code(session=session)

    response = english(client_for("worker")).get(
        f"/sessions/{session.pk}/checkin/?code={code}"
    )

    body = response.content.decode()
    assert "Check-in is open from 30 minutes before the session starts" in body
    assert "I am here: check me in" not in body


def test_a_worker_registers_from_the_session_page(client_for, worker):
    session = OfflineSessionFactory(title="人民调解专题讲座", capacity=5)
    client = english(client_for("worker"))

    listed = client.get("/sessions/")
    before = client.get(f"/sessions/{session.pk}/")
    after = client.post(f"/sessions/{session.pk}/register/", follow=True)

    assert "人民调解专题讲座" in listed.content.decode()
    assert "You are not registered yet." in before.content.decode()
    body = after.content.decode()
    assert "You are registered. See you there." in body
    assert "1 of 5 taken" in body
    assert session.registrations.filter(user=worker).exists()


def test_a_full_session_says_so_and_refuses_a_late_registration(
    client_for, worker, other_worker
):
    session = OfflineSessionFactory(capacity=1)
    SessionRegistrationFactory(session=session, user=other_worker)
    client = english(client_for("worker"))

    page = client.get(f"/sessions/{session.pk}/")
    posted = client.post(f"/sessions/{session.pk}/register/", follow=True)

    assert "The session is full." in page.content.decode()
    assert "The session is full." in posted.content.decode()
    assert not session.registrations.filter(user=worker).exists()


def test_cancelling_a_registration_asks_first(client_for, worker):
    session = OfflineSessionFactory()
    SessionRegistrationFactory(session=session, user=worker)
    client = english(client_for("worker"))

    asked = client.get(f"/sessions/{session.pk}/cancel/")
    assert "Yes, cancel my registration" in asked.content.decode()
    assert session.registrations.filter(user=worker).exists()

    done = client.post(f"/sessions/{session.pk}/cancel/", follow=True)

    assert "Your registration was cancelled." in done.content.decode()
    assert not session.registrations.filter(user=worker).exists()


def test_the_session_list_shows_upcoming_sessions_only(client_for, worker):
    OfflineSessionFactory(title="明天的应急演练")
    past = timezone.now() - timedelta(days=3)
    OfflineSessionFactory(
        title="上周的讲座", starts_at=past, ends_at=past + timedelta(hours=1)
    )

    body = english(client_for("worker")).get("/sessions/").content.decode()

    assert "明天的应急演练" in body
    assert "上周的讲座" not in body


def test_the_session_list_says_when_there_is_nothing(client_for, worker):
    body = english(client_for("worker")).get("/sessions/").content.decode()

    assert "No offline session is planned for you at the moment." in body


def test_the_session_list_paginates(client_for, worker):
    organiser = UserFactory(username="organiser")
    for _ in range(25):
        OfflineSessionFactory(organiser=organiser)
    client = english(client_for("worker"))

    first = client.get("/sessions/").content.decode()
    second = client.get("/sessions/?page=2").content.decode()

    assert first.count('class="item-title"') == 20
    assert second.count('class="item-title"') == 5
    assert "Page 1 of 2" in first


def test_the_session_list_keeps_a_constant_number_of_queries(client_for, worker):
    organiser = UserFactory(username="organiser")

    def add(count):
        for _ in range(count):
            session = OfflineSessionFactory(organiser=organiser)
            SessionRegistrationFactory(session=session, user=worker)

    client = english(client_for("worker"))
    add(5)
    client.get("/sessions/")
    with CaptureQueriesContext(connection) as with_5:
        client.get("/sessions/")
    add(45)
    with CaptureQueriesContext(connection) as with_50:
        body = client.get("/sessions/").content.decode()

    assert body.count(">Registered<") == 20
    assert len(with_5) == len(with_50)


def test_the_admin_offers_trainers_and_admins_as_organisers(client_for, worker):
    trainer = UserFactory(username="organiser", name="钱老师", roles=["trainer"])
    session = OfflineSessionFactory(organiser=trainer)
    SessionRegistrationFactory(session=session, user=worker)
    client = english(client_for("admin"))

    add = client.get("/django-admin/courses/offlinesession/add/").content.decode()
    change = client.get(
        f"/django-admin/courses/offlinesession/{session.pk}/change/"
    ).content.decode()

    start = add.index('name="organiser"')
    organiser_field = add[start : add.index("</select>", start)]
    assert "钱老师" in organiser_field
    assert "张晓明" not in organiser_field
    assert "checkin_secret" not in add
    # Registrations are shown, never edited.
    assert "张晓明" in change
    assert 'name="registrations-0-user"' not in change
