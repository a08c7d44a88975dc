"""The training-hours ledger: credits once, corrections as new audited rows, targets."""

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from courses.models import HoursTarget, TrainingRecord
from courses.services.ledger import (
    hours_by_source,
    hours_correct,
    hours_credit,
    hours_for_year,
    hours_target_for,
    ledger_year,
)
from people.models import AuditEntry
from tests.factories.people import PositionFactory

pytestmark = pytest.mark.django_db

ONLINE = TrainingRecord.Source.ONLINE
OFFLINE = TrainingRecord.Source.OFFLINE


def credit(user, hours="2.0", reference="course:1", source=ONLINE, year=2025):
    record, _created = hours_credit(
        user=user,
        year=year,
        hours=Decimal(hours),
        source=source,
        reference=reference,
        title="人民调解法解读",
    )
    return record


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- credits -------------------------------------------------------------------


def test_it_credits_hours_once_when_credited_twice(worker):
    first, created_first = hours_credit(
        user=worker,
        year=2025,
        hours=Decimal("1.5"),
        source=ONLINE,
        reference="course:7",
        title="公文写作基础",
    )
    again, created_again = hours_credit(
        user=worker,
        year=2025,
        hours=Decimal("1.5"),
        source=ONLINE,
        reference="course:7",
        title="公文写作基础",
    )

    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert TrainingRecord.objects.filter(user=worker).count() == 1
    assert hours_for_year(user=worker, year=2025) == Decimal("1.5")


def test_a_refused_duplicate_leaves_the_surrounding_transaction_usable(worker):
    credit(worker)

    with transaction.atomic():
        # The insert fails on the unique constraint inside its own savepoint.
        record, created = hours_credit(
            user=worker,
            year=2025,
            hours=Decimal("2.0"),
            source=ONLINE,
            reference="course:1",
            title="人民调解法解读",
        )
        other = credit(worker, reference="course:2")

    assert created is False
    assert record.reference == "course:1"
    assert set(
        TrainingRecord.objects.filter(user=worker).values_list("reference", flat=True)
    ) == {"course:1", "course:2"}
    assert other.pk is not None


def test_the_same_reference_from_another_source_is_another_credit(worker):
    credit(worker, reference="x:1", source=ONLINE)
    credit(worker, reference="x:1", source=OFFLINE)

    assert TrainingRecord.objects.filter(user=worker).count() == 2


def test_corrections_cannot_be_made_through_hours_credit(worker):
    with pytest.raises(ValueError, match="hours_correct"):
        hours_credit(
            user=worker,
            year=2025,
            hours=Decimal("1"),
            source=TrainingRecord.Source.CORRECTION,
            reference="correction:1:1",
            title="x",
        )


def test_the_ledger_year_is_the_year_in_shanghai():
    # 16:30 UTC on New Year's Eve is half past midnight in Shanghai.
    assert ledger_year(datetime(2024, 12, 31, 16, 30, tzinfo=UTC)) == 2025
    assert ledger_year(datetime(2024, 12, 31, 15, 59, tzinfo=UTC)) == 2024


# --- append-only ---------------------------------------------------------------


def test_a_record_cannot_be_edited_or_deleted(worker):
    record = credit(worker)
    record.hours = Decimal("9.0")

    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        TrainingRecord.objects.filter(pk=record.pk).update(hours=Decimal("9.0"))
    with pytest.raises(PermissionError):
        TrainingRecord.objects.filter(pk=record.pk).delete()
    stored = TrainingRecord.objects.get(pk=record.pk)
    assert stored.hours == Decimal("2.0")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only",
)
def test_the_database_refuses_to_rewrite_a_record(worker):
    record = credit(worker)

    with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE courses_trainingrecord SET hours = 9 WHERE id = %s",
                [record.pk],
            )
    with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM courses_trainingrecord WHERE id = %s", [record.pk]
            )
    assert TrainingRecord.objects.get(pk=record.pk).hours == Decimal("2.0")


# --- corrections ---------------------------------------------------------------


def test_a_correction_is_a_new_audited_row(worker, admin):
    record = credit(worker, hours="2.0")

    correction = hours_correct(
        record=record,
        hours=Decimal("1.0"),
        reason="实际参加了两次课",
        actor=admin,
    )

    assert TrainingRecord.objects.get(pk=record.pk).hours == Decimal("2.0")
    assert correction.pk != record.pk
    assert correction.source == TrainingRecord.Source.CORRECTION
    assert correction.reference == f"correction:{record.pk}:1"
    assert correction.corrects == record
    assert correction.year == record.year
    assert correction.created_by == admin
    assert correction.reason == "实际参加了两次课"
    assert hours_for_year(user=worker, year=2025) == Decimal("3.0")
    entry = AuditEntry.objects.get(action="hours_corrected")
    assert entry.actor == admin
    assert entry.object_id == str(correction.pk)
    assert entry.details["corrects"] == record.pk
    assert entry.details["hours"] == "1.0"
    assert entry.details["total_after"] == "3.0"
    assert entry.details["reason"] == "实际参加了两次课"


def test_a_correction_may_take_hours_away(worker, admin):
    record = credit(worker, hours="2.0")

    correction = hours_correct(
        record=record, hours=Decimal("-1.5"), reason="只参加了半天", actor=admin
    )

    assert correction.hours == Decimal("-1.5")
    assert hours_for_year(user=worker, year=2025) == Decimal("0.5")


def test_a_correction_may_not_leave_the_record_below_zero(worker, admin):
    record = credit(worker, hours="2.0")
    hours_correct(record=record, hours=Decimal("-1.5"), reason="半天", actor=admin)

    with pytest.raises(ValidationError) as refused:
        hours_correct(record=record, hours=Decimal("-1.0"), reason="再减", actor=admin)

    assert refused.value.code == "below_zero"
    assert hours_for_year(user=worker, year=2025) == Decimal("0.5")
    # Down to exactly zero is allowed: the hours were never earned.
    hours_correct(record=record, hours=Decimal("-0.5"), reason="未参加", actor=admin)
    assert hours_for_year(user=worker, year=2025) == Decimal("0.0")


def test_other_credits_do_not_pay_for_a_correction_below_zero(worker, admin):
    record = credit(worker, hours="1.0", reference="course:1")
    credit(worker, hours="10.0", reference="course:2")

    with pytest.raises(ValidationError):
        hours_correct(record=record, hours=Decimal("-2.0"), reason="x", actor=admin)


def test_a_correction_of_a_correction_corrects_the_credit(worker, admin):
    record = credit(worker, hours="2.0")
    first = hours_correct(record=record, hours=Decimal("1.0"), reason="a", actor=admin)

    second = hours_correct(record=first, hours=Decimal("-0.5"), reason="b", actor=admin)

    assert second.corrects == record
    assert second.reference == f"correction:{record.pk}:2"
    assert hours_for_year(user=worker, year=2025) == Decimal("2.5")


def test_a_correction_needs_a_reason_and_a_change(worker, admin):
    record = credit(worker)

    with pytest.raises(ValidationError) as no_reason:
        hours_correct(record=record, hours=Decimal("1"), reason="   ", actor=admin)
    with pytest.raises(ValidationError) as no_change:
        hours_correct(record=record, hours=Decimal("0"), reason="x", actor=admin)

    assert no_reason.value.code == "reason_required"
    assert no_change.value.code == "no_change"
    assert TrainingRecord.objects.filter(user=worker).count() == 1
    assert not AuditEntry.objects.filter(action="hours_corrected").exists()


def test_hr_corrects_the_records_of_its_own_area_only(worker, other_worker, hr_street):
    mine = credit(worker)
    theirs = credit(other_worker)

    hours_correct(record=mine, hours=Decimal("1"), reason="补录", actor=hr_street)
    with pytest.raises(PermissionDenied):
        hours_correct(record=theirs, hours=Decimal("1"), reason="补录", actor=hr_street)

    assert hours_for_year(user=worker, year=2025) == Decimal("3.0")
    assert hours_for_year(user=other_worker, year=2025) == Decimal("2.0")


def test_workers_and_trainers_may_not_correct(worker, trainer):
    record = credit(worker)

    for actor in (worker, trainer):
        with pytest.raises(PermissionDenied):
            hours_correct(record=record, hours=Decimal("5"), reason="x", actor=actor)

    assert TrainingRecord.objects.filter(user=worker).count() == 1


# --- totals and targets --------------------------------------------------------


def test_hours_by_source_counts_a_correction_under_the_source_it_corrects(
    worker, admin
):
    online = credit(worker, hours="3.0", reference="course:1", source=ONLINE)
    credit(worker, hours="2.0", reference="session:1", source=OFFLINE)
    credit(worker, hours="4.0", reference="course:9", year=2024)
    hours_correct(record=online, hours=Decimal("-1.0"), reason="x", actor=admin)

    split = hours_by_source(user=worker, year=2025)

    assert split == {
        ONLINE: Decimal("2.0"),
        OFFLINE: Decimal("2.0"),
        TrainingRecord.Source.EXTERNAL: Decimal("0.0"),
    }
    assert hours_for_year(user=worker, year=2025) == Decimal("4.0")
    assert hours_for_year(user=worker, year=2024) == Decimal("4.0")


def test_the_target_of_the_workers_position_comes_first(worker):
    position = worker.profile.position
    HoursTarget.objects.create(year=2025, position=None, hours=Decimal("40"))
    HoursTarget.objects.create(year=2025, position=position, hours=Decimal("60"))
    HoursTarget.objects.create(
        year=2025, position=PositionFactory(name="网格员"), hours=Decimal("24")
    )

    assert hours_target_for(user=worker, year=2025) == Decimal("60")


def test_the_default_row_of_the_year_applies_to_other_positions(worker):
    HoursTarget.objects.create(year=2025, position=None, hours=Decimal("36"))
    HoursTarget.objects.create(
        year=2025, position=PositionFactory(name="网格员"), hours=Decimal("24")
    )
    HoursTarget.objects.create(year=2024, position=None, hours=Decimal("99"))

    assert hours_target_for(user=worker, year=2025) == Decimal("36")


def test_without_a_row_the_target_comes_from_settings(worker, trainer, settings):
    HoursTarget.objects.create(year=2024, position=None, hours=Decimal("99"))

    assert hours_target_for(user=worker, year=2025) == Decimal("40")
    settings.LIANXIN_DEFAULT_HOURS_TARGET = Decimal("32")
    assert hours_target_for(user=worker, year=2025) == Decimal("32")
    # Someone without a worker profile gets the default too.
    assert hours_target_for(user=trainer, year=2025) == Decimal("32")


def test_the_target_is_read_in_one_query(worker, django_assert_num_queries):
    HoursTarget.objects.create(year=2025, position=None, hours=Decimal("36"))

    with django_assert_num_queries(1):
        hours_target_for(user=worker, year=2025)


# --- the correction page -------------------------------------------------------


def correct_url(record) -> str:
    return f"/hours/{record.pk}/correct/"


@pytest.mark.parametrize("persona", ["worker", "other_worker", "trainer", "reviewer"])
def test_the_correction_page_is_closed_to_everyone_but_hr_and_admins(
    client_for, worker, persona
):
    record = credit(worker)

    response = client_for(persona).get(correct_url(record))
    posted = client_for(persona).post(
        correct_url(record), {"hours": "5", "reason": "x", "confirm": "1"}
    )

    assert response.status_code == 403
    assert posted.status_code == 403
    assert TrainingRecord.objects.filter(user=worker).count() == 1


def test_the_correction_page_sends_anonymous_visitors_to_sign_in(client_for, worker):
    record = credit(worker)

    response = client_for("anonymous").get(correct_url(record))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/accounts/login/"


def test_hr_outside_the_workers_area_gets_not_found(client_for, other_worker):
    record = credit(other_worker)

    response = client_for("hr_street").get(correct_url(record))
    posted = client_for("hr_street").post(
        correct_url(record), {"hours": "5", "reason": "x", "confirm": "1"}
    )

    assert response.status_code == 404
    assert posted.status_code == 404
    assert TrainingRecord.objects.filter(user=other_worker).count() == 1


@pytest.mark.parametrize("persona", ["hr_street", "hr_district", "admin"])
def test_hr_of_the_area_and_admins_see_the_record_and_the_form(
    client_for, worker, persona
):
    record = credit(worker)

    response = english(client_for(persona)).get(correct_url(record))

    body = response.content.decode()
    assert response.status_code == 200
    assert "人民调解法解读" in body
    assert "张晓明" in body
    assert "W10001" in body
    assert 'name="hours"' in body
    assert 'name="reason"' in body


def test_a_correction_is_confirmed_before_it_is_recorded(client_for, worker):
    record = credit(worker, hours="2.0")
    client = english(client_for("hr_street"))

    confirm = client.post(
        correct_url(record), {"hours": "-0.5", "reason": "迟到半小时"}
    )

    body = confirm.content.decode()
    assert "Confirm the correction" in body
    assert "from 2 to 1.5" in body
    assert 'name="confirm"' in body
    assert TrainingRecord.objects.filter(user=worker).count() == 1

    done = client.post(
        correct_url(record),
        {"hours": "-0.5", "reason": "迟到半小时", "confirm": "1"},
        follow=True,
    )

    body = done.content.decode()
    assert "The correction was recorded." in body
    assert "迟到半小时" in body
    correction = TrainingRecord.objects.get(corrects=record)
    assert correction.hours == Decimal("-0.5")
    assert correction.created_by.username == "hr_street"
    assert AuditEntry.objects.filter(
        action="hours_corrected", object_id=str(correction.pk)
    ).exists()


def test_going_back_from_the_confirmation_keeps_what_was_typed(client_for, worker):
    record = credit(worker)

    response = english(client_for("admin")).post(
        correct_url(record), {"hours": "1.5", "reason": "补录外出培训", "edit": "1"}
    )

    body = response.content.decode()
    assert 'value="1.5"' in body
    assert "补录外出培训" in body
    assert "Confirm the correction" not in body
    assert TrainingRecord.objects.filter(user=worker).count() == 1


def test_a_refused_correction_keeps_what_was_typed(client_for, worker):
    record = credit(worker, hours="2.0")
    client = english(client_for("admin"))

    below_zero = client.post(correct_url(record), {"hours": "-3", "reason": "没有参加"})
    no_reason = client.post(correct_url(record), {"hours": "1.5", "reason": ""})

    body = below_zero.content.decode()
    assert "may not go below zero" in body
    assert 'value="-3"' in body
    assert "没有参加" in body
    body = no_reason.content.decode()
    assert "This field is required." in body
    assert 'value="1.5"' in body
    assert TrainingRecord.objects.filter(user=worker).count() == 1


def test_a_confirmed_correction_below_zero_is_still_refused(client_for, worker):
    record = credit(worker, hours="2.0")

    response = english(client_for("admin")).post(
        correct_url(record), {"hours": "-3", "reason": "没有参加", "confirm": "1"}
    )

    body = response.content.decode()
    assert "it may not go below zero" in body
    assert 'value="-3"' in body
    assert TrainingRecord.objects.filter(user=worker).count() == 1


# --- the Django admin ------------------------------------------------------------


def test_the_admin_shows_the_ledger_but_never_writes_it(client_for, worker):
    record = credit(worker)
    client = english(client_for("admin"))

    listing = client.get("/django-admin/courses/trainingrecord/?source=online")
    detail = client.get(f"/django-admin/courses/trainingrecord/{record.pk}/change/")
    add = client.get("/django-admin/courses/trainingrecord/add/")
    delete = client.post(
        f"/django-admin/courses/trainingrecord/{record.pk}/delete/", {"post": "yes"}
    )

    body = listing.content.decode()
    assert "人民调解法解读" in body
    assert f'href="/hours/{record.pk}/correct/"' in body
    assert "/django-admin/courses/trainingrecord/add/" not in body
    assert detail.status_code == 200
    assert 'name="hours"' not in detail.content.decode()
    assert add.status_code == 403
    assert delete.status_code == 403
    assert TrainingRecord.objects.filter(pk=record.pk).exists()


def test_an_admin_sets_a_default_target_in_the_admin(client_for):
    response = client_for("admin").post(
        "/django-admin/courses/hourstarget/add/",
        {"year": "2026", "position": "", "hours": "48"},
    )

    assert response.status_code == 302
    target = HoursTarget.objects.get()
    assert (target.year, target.position, target.hours) == (2026, None, Decimal("48"))
