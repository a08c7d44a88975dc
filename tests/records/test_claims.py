"""External hours claims: a worker submits with a proof, HR in scope decides."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from courses.models import ExternalHoursClaim, TrainingRecord
from courses.services.claims import claim_approve, claim_proof_check, claim_reject
from people.models import AuditEntry, Notification
from tests.factories.assignments import (
    PDF_BYTES,
    ClaimFactory,
    jpeg_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def claim_form(proof, **extra):
    today = timezone.localdate()
    return {
        "title": "市民政局社区治理专题培训班",
        "organiser": "市民政局",
        "start_date": (today - timedelta(days=5)).isoformat(),
        "end_date": (today - timedelta(days=4)).isoformat(),
        "hours": "8",
        "proof": proof,
        **extra,
    }


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    exif[0x0132] = "2027:01:01 10:00:00"
    return exif.tobytes()


# --- The worker's side -----------------------------------------------------------


def test_a_worker_claims_hours_with_a_photo(client_for, worker):
    client = english(client_for("worker"))

    response = client.post(
        "/learning/claims/", claim_form(upload(png_bytes(), "证书.png")), follow=True
    )

    claim = ExternalHoursClaim.objects.get()
    assert claim.user == worker
    assert claim.status == ExternalHoursClaim.Status.PENDING
    assert claim.hours == Decimal("8.0")
    assert claim.proof_content_type == "image/png"
    assert claim.proof_name == "证书.png"
    html = response.content.decode()
    assert "Your claim was sent." in html
    assert "市民政局社区治理专题培训班" in html
    assert "Pending" in html


def test_the_stored_name_cannot_be_guessed(worker):
    claim = ClaimFactory(user=worker)

    name = claim.proof.name.split("/")[-1]
    assert claim.proof.name.startswith("claims/")
    assert len(name.split(".")[0]) == 32
    assert "proof" not in name


def test_a_photo_is_re_encoded_without_its_metadata(worker):
    original = jpeg_bytes(exif=exif_with_gps()) + b"HIDDEN-PAYLOAD"
    assert b"SecretPhoneMaker" in original

    checked = claim_proof_check(upload(original, "x.jpg", "image/jpeg"))

    data = checked.content.read()
    assert checked.content_type == "image/jpeg"
    assert b"SecretPhoneMaker" not in data
    assert b"HIDDEN-PAYLOAD" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_pdf_is_accepted_by_its_content_whatever_its_name(worker):
    checked = claim_proof_check(upload(PDF_BYTES, "scan.png", "image/png"))

    assert checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "proof.pdf"),
        (b"MZ\x90\x00executable", "proof.jpg"),
        (b"GIF89a" + b"\x00" * 20, "proof.gif"),
        (png_bytes()[:40], "truncated.png"),
    ],
)
def test_anything_else_is_refused(content, name):
    with pytest.raises(ValidationError) as error:
        claim_proof_check(upload(content, name))

    assert "not a JPEG or PNG picture or a PDF" in error.value.messages[0]


def test_a_large_file_is_refused_and_the_form_keeps_the_fields(
    client_for, worker, settings
):
    settings.LIANXIN_CLAIM_MAX_BYTES = 1000
    client = english(client_for("worker"))

    response = client.post(
        "/learning/claims/",
        claim_form(upload(png_bytes(size=(400, 400)) + b"\x00" * 2000)),
    )

    html = response.content.decode()
    assert "The file is larger than" in html
    assert 'value="市民政局社区治理专题培训班"' in html
    assert not ExternalHoursClaim.objects.exists()


def test_a_refused_file_keeps_the_typed_fields(client_for, worker):
    client = english(client_for("worker"))

    response = client.post(
        "/learning/claims/", claim_form(upload(b"not an image", "fake.jpg"))
    )

    html = response.content.decode()
    assert "This file is not a JPEG or PNG picture or a PDF." in html
    assert 'value="市民政局"' in html
    assert "choose it again" in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"hours": "0.4"}, "greater than or equal to 0.5"),
        ({"hours": "100.5"}, "less than or equal to 100"),
        (
            {
                "start_date": timezone.localdate().isoformat(),
                "end_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
            },
            "The last day is before the first day.",
        ),
        (
            {"end_date": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "Claim a training only once it has taken place.",
        ),
    ],
)
def test_hours_and_dates_are_checked(client_for, worker, extra, message):
    client = english(client_for("worker"))

    response = client.post(
        "/learning/claims/", claim_form(upload(png_bytes()), **extra)
    )

    assert message in response.content.decode()
    assert not ExternalHoursClaim.objects.exists()


def test_the_proof_is_served_to_the_worker_hr_in_scope_and_admin_only(
    client_for, worker, other_worker
):
    claim = ClaimFactory(user=worker)
    url = f"/learning/claims/{claim.pk}/proof/"

    mine = client_for("worker").get(url)
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/png"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert b"".join(mine.streaming_content).startswith(b"\x89PNG")
    assert client_for("hr_street").get(url).status_code == 200
    assert client_for("hr_district").get(url).status_code == 200
    assert client_for("admin").get(url).status_code == 200
    assert client_for("other_worker").get(url).status_code == 404
    assert client_for("trainer").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302


def test_another_streets_hr_cannot_fetch_the_proof(client_for, other_worker):
    claim = ClaimFactory(user=other_worker)

    response = client_for("hr_street").get(f"/learning/claims/{claim.pk}/proof/")

    assert response.status_code == 404


def test_a_pdf_proof_downloads_rather_than_opens(client_for, worker):
    from django.core.files.base import ContentFile

    claim = ClaimFactory(
        user=worker,
        proof=ContentFile(PDF_BYTES, name="p.pdf"),
        proof_content_type="application/pdf",
    )

    response = client_for("worker").get(f"/learning/claims/{claim.pk}/proof/")

    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


# --- HR's side -----------------------------------------------------------------


def test_hr_sees_pending_claims_of_its_area_only(client_for, worker, other_worker):
    ClaimFactory(user=worker, title="东湖的培训")
    ClaimFactory(user=other_worker, title="西山的培训")

    html = english(client_for("hr_street")).get("/records/claims/").content.decode()

    assert "东湖的培训" in html
    assert "西山的培训" not in html


def test_hr_approves_a_claim_into_the_ledger_and_the_worker_is_told(
    client_for, worker, hr_street
):
    claim = ClaimFactory(user=worker, hours=Decimal("6.5"))
    client = english(client_for("hr_street"))

    response = client.post(f"/records/claims/{claim.pk}/approve/", follow=True)

    assert "Approved" in response.content.decode()
    record = TrainingRecord.objects.get(user=worker)
    assert record.source == TrainingRecord.Source.EXTERNAL
    assert record.hours == Decimal("6.5")
    assert record.reference == f"claim:{claim.pk}"
    assert record.year == claim.end_date.year
    assert record.created_by == hr_street
    claim.refresh_from_db()
    assert claim.status == ExternalHoursClaim.Status.APPROVED
    assert claim.reviewer == hr_street
    assert claim.training_record == record
    note = Notification.objects.get(user=worker)
    assert note.kind == "hours_claim"
    assert note.url == "/learning/claims/"
    assert AuditEntry.objects.filter(
        action="hours_claim_approve", object_id=str(claim.pk), actor=hr_street
    ).exists()


def test_approving_twice_credits_once(worker, hr_street, hr_district):
    claim = ClaimFactory(user=worker)

    claim_approve(claim=claim, reviewer=hr_street)
    claim_approve(claim=claim, reviewer=hr_district)

    assert TrainingRecord.objects.filter(user=worker).count() == 1
    assert Notification.objects.filter(user=worker).count() == 1


def test_hr_rejects_with_a_reason_the_worker_reads(client_for, worker, hr_street):
    claim = ClaimFactory(user=worker)
    client = english(client_for("hr_street"))

    client.post(f"/records/claims/{claim.pk}/", {"reason": "证明材料未体现学时"})

    claim.refresh_from_db()
    assert claim.status == ExternalHoursClaim.Status.REJECTED
    assert claim.reason == "证明材料未体现学时"
    assert not TrainingRecord.objects.exists()
    assert "证明材料未体现学时" in Notification.objects.get(user=worker).body
    assert AuditEntry.objects.filter(action="hours_claim_reject").exists()
    mine = english(client_for("worker")).get("/learning/claims/").content.decode()
    assert "Reason: 证明材料未体现学时" in mine


def test_a_rejection_needs_a_reason(client_for, worker):
    claim = ClaimFactory(user=worker)

    response = english(client_for("hr_street")).post(
        f"/records/claims/{claim.pk}/", {"reason": "  "}
    )

    assert "This field is required." in response.content.decode()
    assert ExternalHoursClaim.objects.get().status == "pending"


def test_a_decided_claim_cannot_be_decided_again(worker, hr_street):
    claim = ClaimFactory(user=worker)
    claim_reject(claim=claim, reviewer=hr_street, reason="重复申报")

    with pytest.raises(ValidationError):
        claim_approve(claim=claim, reviewer=hr_street)
    assert not TrainingRecord.objects.exists()


def test_another_streets_hr_can_neither_see_approve_nor_reject(
    client_for, other_worker, hr_street
):
    claim = ClaimFactory(user=other_worker)
    client = client_for("hr_street")

    assert client.get(f"/records/claims/{claim.pk}/").status_code == 404
    assert client.post(f"/records/claims/{claim.pk}/approve/").status_code == 404
    assert (
        client.post(f"/records/claims/{claim.pk}/", {"reason": "x"}).status_code == 404
    )
    for status in ("pending", "approved", "rejected", "all", "bogus"):
        html = client.get(f"/records/claims/?status={status}").content.decode()
        assert claim.title not in html
    with pytest.raises(PermissionDenied):
        claim_approve(claim=claim, reviewer=hr_street)
    assert ExternalHoursClaim.objects.get().status == "pending"


def test_hr_cannot_approve_its_own_claim(hr_street, org):
    from tests.factories.people import WorkerProfileFactory

    WorkerProfileFactory(user=hr_street, org_unit=org["chaoyang"])
    claim = ClaimFactory(user=hr_street)

    with pytest.raises(PermissionDenied):
        claim_approve(claim=claim, reviewer=hr_street)


def review_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/records/claims/")
    assert response.status_code == 200
    return len(queries)


def test_the_review_list_costs_the_same_for_5_or_50_claims(client_for, worker):
    client = client_for("hr_street")
    ClaimFactory.create_batch(5, user=worker)
    few = review_queries(client)
    ClaimFactory.create_batch(45, user=worker)

    assert review_queries(client) == few


def test_the_worker_list_costs_the_same_for_5_or_50_claims(client_for, worker):
    client = client_for("worker")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/learning/claims/")
        return len(queries)

    ClaimFactory.create_batch(5, user=worker)
    few = count()
    ClaimFactory.create_batch(45, user=worker)

    assert count() == few
