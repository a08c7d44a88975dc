from django.db import connection

from people.models import AuditEntry
from wellbeing.models import ConsentRecord, Result

from .conftest import HIGH, take


def _rows(user) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM wellbeing_result WHERE user_id = %s", [user.pk]
        )
        return cursor.fetchone()[0]


def test_the_withdrawal_page_asks_first_and_deletes_nothing(client_for, worker, pss10):
    take(worker, pss10)

    page = client_for("worker").get("/wellbeing/pss10/withdraw/").content.decode()

    assert "1 result will be deleted." in page
    assert "Yes, withdraw and delete my data" in page
    assert _rows(worker) == 1


def test_withdrawal_deletes_the_results_for_real(client_for, worker, pss10):
    take(worker, pss10)
    take(worker, pss10, HIGH)

    response = client_for("worker").post("/wellbeing/pss10/withdraw/", follow=True)

    assert _rows(worker) == 0
    assert "answers and scores for this self-assessment are deleted" in (
        response.content.decode()
    )
    assert "You have no self-assessment results" in (
        client_for("worker").get("/wellbeing/results/").content.decode()
    )


def test_withdrawal_keeps_only_the_dates_of_consent_and_withdrawal(
    client_for, worker, pss10
):
    take(worker, pss10, HIGH)

    client_for("worker").post("/wellbeing/pss10/withdraw/")

    record = ConsentRecord.objects.get(user=worker)
    assert record.withdrawn_at is not None
    assert record.given_at <= record.withdrawn_at


def test_withdrawal_is_audited_without_the_data(client_for, worker, pss10):
    take(worker, pss10, HIGH)

    client_for("worker").post("/wellbeing/pss10/withdraw/")

    entry = AuditEntry.objects.get(action="wellbeing.withdrawn")
    assert entry.actor == worker
    assert entry.details == {"instrument": "pss10"}
    assert entry.object_id == ""
    assert "40" not in str(entry.details)


def test_withdrawal_leaves_other_workers_results_alone(
    client_for, worker, other_worker, pss10
):
    take(worker, pss10)
    take(other_worker, pss10)

    client_for("worker").post("/wellbeing/pss10/withdraw/")

    assert _rows(other_worker) == 1
    assert Result.objects.filter(user=other_worker).count() == 1


def test_after_withdrawing_the_worker_must_consent_again(client_for, worker, pss10):
    take(worker, pss10)
    client = client_for("worker")
    client.post("/wellbeing/pss10/withdraw/")

    response = client.get("/wellbeing/pss10/take/")

    assert response["Location"] == "/wellbeing/pss10/consent/"
    client.post("/wellbeing/pss10/consent/", {"agree": "on", "version": 1})
    assert ConsentRecord.objects.filter(user=worker).count() == 2
    assert ConsentRecord.objects.filter(user=worker, withdrawn_at=None).count() == 1


def test_an_instrument_no_longer_offered_can_still_be_read_and_withdrawn(
    client_for, worker, pss10
):
    take(worker, pss10, HIGH)
    pss10.is_active = False
    pss10.save()
    client = client_for("worker")

    assert client.get("/wellbeing/pss10/take/").status_code == 404
    assert "40 of 40" in client.get("/wellbeing/results/").content.decode()
    assert "no longer offered" in client.get("/wellbeing/").content.decode()
    client.post("/wellbeing/pss10/withdraw/")
    assert _rows(worker) == 0
