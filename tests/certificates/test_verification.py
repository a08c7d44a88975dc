"""Public verification, Open Badges documents and revocation."""

import hashlib
import json

import pytest
from django.core.cache import cache
from django.test import override_settings

from assessments.models import Certificate
from assessments.openbadges import recipient_identity
from assessments.selectors.certificates import _verification_key, name_mask
from people.models import AuditEntry
from tests.certificates.conftest import make_certificate


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张晓明", "张*明"),
        ("欧阳晓明", "欧**明"),
        ("张三", "张*"),
        ("张", "*"),
        ("", "*"),
    ],
)
def test_names_are_masked_keeping_the_first_and_last_character(name, masked):
    assert name_mask(name) == masked


@pytest.mark.parametrize(
    ("expires_in_days", "revoked", "verdict", "state"),
    [
        (400, False, "This certificate is valid.", "valid"),
        (5, False, "This certificate is valid.", "valid"),  # expiring is valid
        (None, False, "This certificate is valid.", "valid"),
        (-1, False, "This certificate has expired.", "expired"),
        (400, True, "This certificate has been revoked.", "revoked"),
    ],
)
def test_the_verification_page_says_each_state_with_the_name_masked(
    client, worker, cert_course, expires_in_days, revoked, verdict, state
):
    certificate = make_certificate(
        worker, cert_course, expires_in_days=expires_in_days, revoked=revoked
    )

    page = client.get(f"/certificates/verify/{certificate.code}/")
    data = client.get(
        f"/certificates/verify/{certificate.code}/", HTTP_ACCEPT="application/json"
    ).json()

    body = page.content.decode()
    assert page.status_code == 200
    assert verdict in body
    assert "张*明" in body and "张晓明" not in body
    assert "人民调解法解读" in body
    assert "冒名顶替" not in body  # never the reason
    assert certificate.serial not in body
    assert data == {
        "state": state,
        "holder": "张*明",
        "course": "人民调解法解读",
        "completed_on": certificate.completed_on.isoformat(),
        "expires_on": (
            certificate.expires_on.isoformat() if certificate.expires_on else None
        ),
    }


def test_an_unknown_code_gets_a_plain_not_found_page(client, worker, cert_course):
    make_certificate(worker, cert_course)

    page = client.get("/certificates/verify/this-is-not-a-code/")
    data = client.get(
        "/certificates/verify/this-is-not-a-code/", HTTP_ACCEPT="application/json"
    )

    assert page.status_code == 404
    body = page.content.decode()
    generic = client.get("/no-such-page-at-all/").content.decode()
    assert (
        body.split("<main")[1].split("</main>")[0]
        == generic.split("<main")[1].split("</main>")[0]
    )
    for hint in ("verification", "revoked", "expired", "Certificate"):
        assert hint not in body.split("<main")[1].split("</main>")[0]
    assert data.status_code == 404
    assert data.json() == {"detail": "Not found."}


@override_settings(LIANXIN_CERTIFICATE_VERIFY_PER_MINUTE=3)
def test_verification_is_rate_limited_per_client(client, worker, cert_course):
    certificate = make_certificate(worker, cert_course)
    url = f"/certificates/verify/{certificate.code}/"

    statuses = [client.get(url).status_code for _ in range(4)]
    other = client.get(url, REMOTE_ADDR="10.1.2.3")

    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200
    cache.clear()


def test_a_holder_without_email_or_phone_is_named_by_the_verification_url(
    worker, cert_course, settings
):
    worker.email = ""
    worker.mobile = None
    worker.save()
    certificate = make_certificate(worker, cert_course, expires_in_days=100)

    recipient = recipient_identity(certificate)

    url = f"{settings.LIANXIN_SITE_URL}/certificates/verify/{certificate.code}/"
    digest = hashlib.sha256((url + recipient["salt"]).encode()).hexdigest()
    assert recipient["type"] == "url"
    assert recipient["identity"] == f"sha256${digest}"


def test_the_open_badges_assertion_has_the_required_fields(client, worker, cert_course):
    worker.email = "Zhang@Example.org"
    worker.save()
    certificate = make_certificate(worker, cert_course, expires_in_days=100)

    assertion = client.get(
        f"/certificates/badges/{certificate.code}/assertion.json"
    ).json()
    badge = client.get(assertion["badge"].split("8000", 1)[-1]).json()
    issuer = client.get(badge["issuer"].split("8000", 1)[-1]).json()

    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"].endswith(
        f"/certificates/badges/{certificate.code}/assertion.json"
    )
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["issuedOn"].startswith(str(certificate.issued_at.year))
    assert assertion["expires"].startswith(certificate.expires_on.isoformat())
    recipient = assertion["recipient"]
    assert recipient["type"] == "email"
    assert recipient["hashed"] is True
    import hashlib

    digest = hashlib.sha256(
        ("zhang@example.org" + recipient["salt"]).encode()
    ).hexdigest()
    assert recipient["identity"] == f"sha256${digest}"
    assert "zhang" not in json.dumps(assertion).lower()
    for key in ("@context", "type", "id", "name", "description", "image", "criteria"):
        assert badge[key], key
    assert badge["type"] == "BadgeClass"
    assert badge["name"] == "人民调解法解读"
    assert badge["id"] == assertion["badge"]
    assert issuer["type"] == "Issuer"
    assert issuer["id"] == badge["issuer"]
    for key in ("@context", "id", "name", "url", "email"):
        assert issuer[key], key


def test_a_revoked_assertion_answers_gone_with_revoked_true(
    client, worker, cert_course
):
    certificate = make_certificate(worker, cert_course, revoked=True)

    response = client.get(f"/certificates/badges/{certificate.code}/assertion.json")

    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert "冒名顶替" not in response.content.decode()


def test_hr_in_scope_revokes_with_a_reason_after_confirming(
    client_for, worker, cert_course, hr_street
):
    certificate = make_certificate(worker, cert_course, expires_in_days=100)
    client = client_for("hr_street")
    url = f"/certificates/{certificate.pk}/revoke/"

    empty = client.post(url, {"reason": "  "})
    confirm = client.post(url, {"reason": "培训记录造假"})
    Certificate.objects.get(pk=certificate.pk).revoked_at is None  # noqa: B015
    done = client.post(url, {"reason": "培训记录造假", "confirm": "1"})

    assert empty.status_code == 200 and "has-error" in empty.content.decode()
    assert "Confirm the revocation" in confirm.content.decode()
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_by == hr_street
    assert certificate.revoke_reason == "培训记录造假"
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.actor == hr_street
    assert entry.details["reason"] == "培训记录造假"
    public = client_for("anonymous").get(f"/certificates/verify/{certificate.code}/")
    assert "This certificate has been revoked." in public.content.decode()
    assert "培训记录造假" not in public.content.decode()


def test_hr_cannot_revoke_a_certificate_outside_their_scope(
    client_for, other_worker, cert_course, hr_street
):
    certificate = make_certificate(other_worker, cert_course)

    response = client_for("hr_street").post(
        f"/certificates/{certificate.pk}/revoke/",
        {"reason": "x", "confirm": "1"},
    )

    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_a_revocation_shows_at_once_though_the_answer_was_cached(
    client_for, worker, cert_course, hr_street
):
    certificate = make_certificate(worker, cert_course, expires_in_days=100)
    public = client_for("anonymous")
    url = f"/certificates/verify/{certificate.code}/"
    assert "This certificate is valid." in public.get(url).content.decode()
    assert cache.get(_verification_key(certificate.code))["state"] == "valid"

    client_for("hr_street").post(
        f"/certificates/{certificate.pk}/revoke/",
        {"reason": "培训记录造假", "confirm": "1"},
    )

    assert "This certificate has been revoked." in public.get(url).content.decode()


def test_the_public_check_shows_nothing_of_who_is_signed_in(
    client_for, worker, other_worker, cert_course
):
    certificate = make_certificate(worker, cert_course, expires_in_days=100)

    page = client_for("other_worker").get(f"/certificates/verify/{certificate.code}/")

    body = page.content.decode()
    assert "This certificate is valid." in body
    assert other_worker.get_full_name() not in body
    assert other_worker.username not in body
    assert 'class="bell"' not in body
