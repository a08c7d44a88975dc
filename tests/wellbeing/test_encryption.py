import base64
import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from wellbeing import crypto
from wellbeing.checks import wellbeing_key_check, wellbeing_min_group_check
from wellbeing.models import Result

from .conftest import HIGH, take


def _raw_row(result) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM wellbeing_result WHERE id = %s", [result.pk])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_raw_row_holds_no_readable_answer_score_or_band(worker, pss10):
    result = take(worker, pss10, HIGH)  # score 40, band 2

    row = _raw_row(result)

    assert set(row) == {
        "id", "user_id", "instrument_id", "consent_id", "taken_at", "unit_path",
        "payload", "band_token",
    }  # fmt: skip
    for column in ("payload", "band_token"):
        token = row[column]
        assert token.startswith("gAAAAA")  # a Fernet token
        inside = base64.urlsafe_b64decode(token)
        assert b'"s"' not in inside and b'"a"' not in inside and b'"b"' not in inside
    assert crypto.decrypt(row["payload"])["s"] == 40


def test_a_row_read_with_another_key_gives_nothing_away(
    client_for, worker, pss10, settings
):
    take(worker, pss10, HIGH)
    settings.LIANXIN_WELLBEING_KEY = Fernet.generate_key().decode()

    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(Result.objects.get().payload)
    page = client_for("worker").get("/wellbeing/results/").content.decode()
    assert "40 of 40" not in page


def test_a_key_is_rotated_by_putting_the_new_one_first(worker, pss10, settings):
    old = Fernet.generate_key().decode()
    settings.LIANXIN_WELLBEING_KEY = old
    result = take(worker, pss10, HIGH)

    settings.LIANXIN_WELLBEING_KEY = f"{Fernet.generate_key().decode()},{old}"

    assert crypto.decrypt(Result.objects.get(pk=result.pk).payload)["s"] == 40


def test_a_token_copied_onto_another_workers_row_is_not_shown_as_theirs(
    client_for, worker, other_worker, pss10
):
    high = take(worker, pss10, HIGH)
    low = take(other_worker, pss10)
    Result.objects.filter(pk=low.pk).update(payload=high.payload)

    page = client_for("other_worker").get("/wellbeing/results/").content.decode()

    assert "40 of 40" not in page


def test_with_debug_off_and_no_key_the_feature_refuses_to_start(settings):
    settings.LIANXIN_WELLBEING_KEY = ""
    settings.LIANXIN_WELLBEING_KEY_FROM_SECRET = False

    errors = wellbeing_key_check()

    assert [error.id for error in errors] == ["wellbeing.E001"]
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt({"s": 1})
    with pytest.raises(SystemCheckError, match=r"wellbeing\.E001"):
        call_command("check", "--deploy")


def test_a_key_that_is_not_a_fernet_key_is_reported(settings):
    settings.LIANXIN_WELLBEING_KEY = "not-a-key"

    assert [error.id for error in wellbeing_key_check()] == ["wellbeing.E002"]


def test_in_tests_and_debug_a_key_is_derived_from_the_secret_key(settings):
    settings.LIANXIN_WELLBEING_KEY = ""

    assert wellbeing_key_check() == []
    assert crypto.configured_keys() == [crypto.derived_key(settings.SECRET_KEY)]
    assert json.loads(json.dumps(crypto.decrypt(crypto.encrypt({"s": 3})))) == {"s": 3}


def test_a_minimum_group_below_five_is_warned_about(settings):
    settings.LIANXIN_WELLBEING_MIN_GROUP = 3

    assert [w.id for w in wellbeing_min_group_check()] == ["wellbeing.W001"]
