"""The audit log is append-only: through the model, the queryset and the database."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from people.audit import audit_record
from people.models import AuditEntry

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only",
)


@pytest.fixture
def entry(worker):
    return audit_record(action="record_corrected", actor=worker, obj=worker)


def test_audit_record_stores_who_did_what_to_which_object_and_from_where(
    hr_street, worker
):
    request = RequestFactory().post("/records/", REMOTE_ADDR="192.0.2.7")
    request.user = hr_street

    entry = audit_record(
        action="records_exported",
        obj=worker,
        details={"rows": 12, "format": "xlsx"},
        request=request,
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == hr_street
    assert stored.actor_label == "周人事"
    assert stored.action == "records_exported"
    assert stored.object_type == "people.user"
    assert stored.object_id == str(worker.pk)
    assert stored.object_label == "张晓明"
    assert stored.details == {"rows": 12, "format": "xlsx"}
    assert stored.ip == "192.0.2.7"
    assert stored.at is not None


def test_audit_record_without_a_request_has_no_actor_or_ip(db):
    entry = audit_record(action="nightly_purge", details={"removed": 3})

    assert entry.actor is None
    assert entry.actor_label == ""
    assert entry.ip is None
    assert entry.object_type == ""


def test_an_anonymous_request_is_recorded_without_an_actor(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.1")
    request.user = AnonymousUser()

    entry = audit_record(action="certificate_verified", request=request)

    assert entry.actor is None
    assert entry.ip == "198.51.100.1"


def test_a_client_supplied_forwarded_for_header_is_not_trusted(hr_street):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    request.user = hr_street

    assert audit_record(action="x", request=request).ip == "192.0.2.7"


def test_an_entry_cannot_be_changed_through_the_model(entry):
    entry.action = "nothing_happened"

    with pytest.raises(PermissionError):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).action == "record_corrected"


def test_an_entry_cannot_be_deleted_through_the_model(entry):
    with pytest.raises(PermissionError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_or_deleted_through_the_queryset(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing_happened")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    # bulk_update runs in an atomic block of its own that the error spoils.
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert AuditEntry.objects.get(pk=entry.pk).action == "record_corrected"


@on_postgresql
def test_the_database_refuses_a_raw_update(entry):
    with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_auditentry SET action = %s WHERE id = %s",
                ["nothing_happened", entry.pk],
            )

    assert AuditEntry.objects.get(pk=entry.pk).action == "record_corrected"


@on_postgresql
def test_the_database_refuses_a_raw_delete(entry):
    with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM people_auditentry WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()
