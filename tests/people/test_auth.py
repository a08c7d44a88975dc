"""Signing in: identifiers, lockouts, the audit trail, sign-out and TOTP."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.forms import SignInForm
from people.models import AuditEntry

OFFICE_IP = "10.20.30.40"
OTHER_IP = "10.20.30.99"


def shown(msgid) -> str:
    """A message as the page shows it: in the site's language, HTML-escaped."""
    with translation.override(settings.LANGUAGE_CODE):
        return escape(gettext(msgid) if isinstance(msgid, str) else str(msgid))


def sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in_id(client: Client) -> int | None:
    raw = client.session.get("_auth_user_id")
    return int(raw) if raw else None


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        sign_in(client, username, "wrong-password")


@pytest.fixture
def office():
    """Everyone in one street office shares one public IP."""
    return Client(REMOTE_ADDR=OFFICE_IP)


@pytest.fixture
def worker_with_phone(worker):
    worker.mobile = "13912345678"
    worker.save(update_fields=["mobile"])
    return worker


# --- Identifiers --------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["worker", "W10001", "13912345678"])
def test_a_worker_signs_in_by_username_employee_number_or_mobile(
    office, worker_with_phone, password, identifier
):
    response = sign_in(office, identifier, password)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"
    assert signed_in_id(office) == worker_with_phone.pk


def test_a_wrong_password_shows_the_error_and_keeps_the_typed_username(office, worker):
    response = sign_in(office, "worker", "not-my-password")

    assert response.status_code == 200
    page = response.content.decode()
    assert shown(SignInForm.error_messages["invalid_login"]) in page
    assert 'value="worker"' in page
    assert signed_in_id(office) is None


def test_an_inactive_user_cannot_sign_in(office, worker, password):
    worker.is_active = False
    worker.save(update_fields=["is_active"])

    response = sign_in(office, "worker", password)

    assert response.status_code == 200
    assert signed_in_id(office) is None


def test_a_signed_in_user_opening_sign_in_goes_to_their_home(client_for):
    response = client_for("worker").get("/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"


@pytest.mark.parametrize("admin_url", ["/admin/", "/django-admin/"])
def test_a_worker_sent_to_sign_in_by_an_admin_is_offered_another_account_not_a_loop(
    client_for, worker, admin_url
):
    response = client_for("worker").get(admin_url, follow=True)

    assert response.status_code == 200
    assert len(response.redirect_chain) <= 2
    landed = urlsplit(response.redirect_chain[-1][0])
    assert landed.path == "/accounts/login/"
    assert parse_qs(landed.query) == {"next": [admin_url]}
    assert "张晓明" in response.content.decode()
    assert 'name="username"' in response.content.decode()


# --- Lockouts -----------------------------------------------------------------


def test_the_sixth_attempt_after_five_failures_is_refused_even_with_the_password(
    office, worker, password
):
    fail(office, "worker", 5)

    response = sign_in(office, "worker", password)

    assert response.status_code == 429
    assert shown("Sign-in locked") in response.content.decode()
    assert signed_in_id(office) is None


def test_a_locked_account_does_not_lock_the_whole_office(
    office, worker, other_worker, password
):
    fail(office, "worker", 5)

    response = sign_in(office, "other_worker", password)

    assert response.status_code == 302
    assert signed_in_id(office) == other_worker.pk


def test_the_same_account_from_another_network_is_not_locked(office, worker, password):
    fail(office, "worker", 5)
    elsewhere = Client(REMOTE_ADDR=OTHER_IP)

    response = sign_in(elsewhere, "worker", password)

    assert response.status_code == 302
    assert signed_in_id(elsewhere) == worker.pk


def test_the_lock_counts_failures_per_account_whatever_identifier_is_typed(
    office, worker_with_phone, password
):
    fail(office, "13912345678", 3)
    fail(office, "worker", 2)

    response = sign_in(office, "W10001", password)

    assert response.status_code == 429
    assert signed_in_id(office) is None


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(
    office, worker, password
):
    fail(office, "worker", 4)
    sign_in(office, "worker", password)
    office.post("/accounts/logout/")

    fail(office, "worker", 4)
    response = sign_in(office, "worker", password)

    assert response.status_code == 302
    assert signed_in_id(office) == worker.pk


def test_the_lock_expires_after_the_cool_off_time(office, worker, password):
    fail(office, "worker", 5)
    cool_off = settings.AXES_COOLOFF_TIME
    # Time passes: the failures are moved into the past, not the settings changed.
    attempts = AccessAttempt.objects.filter(username="worker")
    assert attempts.exists()

    attempts.update(attempt_time=timezone.now() - cool_off + timedelta(minutes=1))
    assert sign_in(office, "worker", password).status_code == 429

    attempts.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    response = sign_in(office, "worker", password)
    assert response.status_code == 302
    assert signed_in_id(office) == worker.pk


# --- Audit trail ----------------------------------------------------------------


def test_a_sign_in_and_a_sign_out_are_audited_with_the_ip(office, worker, password):
    sign_in(office, "worker", password)
    office.post("/accounts/logout/")

    entries = AuditEntry.objects.filter(actor=worker).order_by("id")
    assert [(e.action, e.ip) for e in entries] == [
        ("login", OFFICE_IP),
        ("logout", OFFICE_IP),
    ]
    assert entries[0].object_id == str(worker.pk)
    assert entries[0].actor_label == "张晓明"


def test_failures_and_the_lockout_are_audited_with_the_typed_name_and_ip(
    office, worker
):
    fail(office, "worker", 5)

    failed = AuditEntry.objects.filter(action="login_failed")
    locked = AuditEntry.objects.filter(action="login_locked")
    assert failed.count() == 5
    assert {(e.details["username"], e.ip, e.actor_id) for e in failed} == {
        ("worker", OFFICE_IP, None)
    }
    assert locked.count() >= 1
    assert {(e.details["username"], e.ip) for e in locked} == {("worker", OFFICE_IP)}


# --- Sign-out -------------------------------------------------------------------


def test_sign_out_is_post_only_and_signs_out(office, worker, password):
    sign_in(office, "worker", password)

    assert office.get("/accounts/logout/").status_code == 405
    assert signed_in_id(office) == worker.pk

    response = office.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert signed_in_id(office) is None
    assert office.get("/records/")["Location"].startswith("/accounts/login/")


# --- Two-step sign-in (TOTP) ----------------------------------------------------


def token(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, drift=drift):06d}"


def wrong_token(device: TOTPDevice) -> str:
    """A code that no window the device accepts would produce."""
    accepted = {token(device, drift) for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(123456, 999999) if f"{n:06d}" not in accepted)


@pytest.fixture
def hr_with_totp(hr_street):
    TOTPDevice.objects.create(user=hr_street, name="TOTP", confirmed=True)
    return hr_street


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def test_an_hr_user_enrols_an_authenticator_with_a_qr_code(client_for, hr_street):
    client = client_for("hr_street")

    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert '<img src="data:image/svg+xml;base64,' in page.content.decode()
    device = device_of(hr_street)
    assert not device.confirmed

    response = client.post("/accounts/2fa/", {"token": token(device)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    assert device_of(hr_street).confirmed
    entry = AuditEntry.objects.get(action="otp_enrolled")
    assert entry.actor == hr_street
    assert shown("Two-step sign-in is on for your account.") in (
        client.get("/accounts/2fa/").content.decode()
    )


def test_a_wrong_code_does_not_confirm_the_authenticator(client_for, hr_street):
    client = client_for("hr_street")
    client.get("/accounts/2fa/")

    response = client.post(
        "/accounts/2fa/", {"token": wrong_token(device_of(hr_street))}
    )

    assert response.status_code == 200
    assert shown("That code is wrong or has expired.") in response.content.decode()
    assert not device_of(hr_street).confirmed


@pytest.mark.parametrize("persona", ["worker", "trainer"])
def test_only_hr_and_admins_can_open_two_step_setup(client_for, persona):
    assert client_for(persona).get("/accounts/2fa/").status_code == 403


def test_with_totp_the_password_alone_does_not_sign_in(office, hr_with_totp, password):
    response = sign_in(office, "hr_street", password)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/verify/"
    assert signed_in_id(office) is None
    assert office.get("/records/")["Location"].startswith("/accounts/login/")
    assert not AuditEntry.objects.filter(action="login").exists()


def test_a_wrong_code_keeps_them_out_and_the_right_code_signs_them_in(
    office, hr_with_totp, password
):
    sign_in(office, "hr_street", password)
    device = device_of(hr_with_totp)

    response = office.post("/accounts/2fa/verify/", {"token": wrong_token(device)})
    assert response.status_code == 200
    assert shown("That code is wrong or has expired.") in response.content.decode()
    assert signed_in_id(office) is None

    # django-otp refuses any code for a second after a wrong one; a person
    # takes longer than that to type the next.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=10)
    )
    response = office.post("/accounts/2fa/verify/", {"token": token(device)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"
    assert signed_in_id(office) == hr_with_totp.pk
    assert office.session.get("otp_device_id") == device.persistent_id
    assert office.get("/records/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor=hr_with_totp).exists()


def test_five_wrong_codes_send_them_back_to_sign_in(office, hr_with_totp, password):
    sign_in(office, "hr_street", password)
    bad = wrong_token(device_of(hr_with_totp))

    for _ in range(4):
        assert office.post("/accounts/2fa/verify/", {"token": bad}).status_code == 200
    response = office.post("/accounts/2fa/verify/", {"token": bad}, follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert shown("Too many wrong codes. Sign in again.") in response.content.decode()
    assert signed_in_id(office) is None
    assert office.get("/accounts/2fa/verify/")["Location"] == "/accounts/login/"
    assert AuditEntry.objects.filter(action="otp_failed").count() == 5


# --- Password rules ---------------------------------------------------------------


@pytest.mark.parametrize("weak", ["12345678", "ab-cd12"])
def test_the_password_validators_reject_weak_passwords(worker, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=worker)


def test_the_password_validators_accept_a_passphrase(worker):
    validate_password("枫林-晨读-2024-调解", user=worker)
