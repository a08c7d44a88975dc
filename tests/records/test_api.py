"""The records API: tokens, scope through every endpoint and filter, schema."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Enrolment
from people.models import AuditEntry
from records.models import ApiToken
from records.services.tokens import api_token_create, api_token_revoke
from tests.records._h2_data import certificate, course, credit, enrol

pytestmark = pytest.mark.django_db

LISTS = ["org-units", "workers", "enrolments", "completions", "hours", "certificates"]


@pytest.fixture
def data(org, worker, other_worker):
    mine, theirs = course("东湖课程"), course("西山课程")
    e1 = enrol(worker, mine, state="completed")
    e2 = enrol(other_worker, theirs, state="completed")
    h1, h2 = credit(worker, 2), credit(other_worker, 3)
    c1, c2 = certificate(worker, mine), certificate(other_worker, theirs)
    return {
        "mine": {"enrolments": e1, "completions": e1, "hours": h1, "certificates": c1},
        "theirs": {
            "enrolments": e2,
            "completions": e2,
            "hours": h2,
            "certificates": c2,
        },
    }


def api(user) -> APIClient:
    client = APIClient()
    _token, raw = api_token_create(user=user, name="人事系统")
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_a_token_stores_only_a_hash_and_is_audited(hr_street, admin):
    token, raw = api_token_create(user=hr_street, name="区人事系统", created_by=admin)

    assert raw not in {token.key_hash, token.prefix}
    assert raw.startswith(token.prefix)
    assert ApiToken.objects.filter(key_hash__contains=raw).count() == 0
    assert AuditEntry.objects.filter(action="records.api_token_created").exists()


def test_the_management_command_prints_a_working_token(hr_street, capsys):
    call_command("records_api_token", "hr_street", "区人事系统")

    raw = capsys.readouterr().out.strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/workers/").status_code == 200


def test_workers_cannot_get_a_token(worker):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(user=worker, name="x")


def test_without_credentials_it_is_401_and_a_bad_or_revoked_token_too(hr_street):
    client = APIClient()
    assert client.get("/api/v1/workers/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token lx_nope")
    assert client.get("/api/v1/workers/").status_code == 401
    token, raw = api_token_create(user=hr_street, name="x")
    api_token_revoke(token=token)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get("/api/v1/workers/").status_code == 401


def test_a_signed_in_reviewer_may_use_the_api_in_the_browser(client_for, data):
    response = client_for("hr_street").get("/api/v1/workers/")

    assert response.status_code == 200
    assert [w["employee_no"] for w in response.json()["results"]] == ["W10001"]


@pytest.mark.parametrize("name", LISTS)
def test_a_street_token_lists_only_its_own_street(data, hr_street, name):
    rows = api(hr_street).get(f"/api/v1/{name}/").json()["results"]

    text = str(rows)
    assert rows
    assert "W20001" not in text and "西山" not in text and "青松" not in text


@pytest.mark.parametrize("name", ["enrolments", "completions", "hours", "certificates"])
def test_a_row_of_another_street_is_404_by_id(data, hr_street, hr_district, name):
    theirs = data["theirs"][name]

    assert api(hr_street).get(f"/api/v1/{name}/{theirs.pk}/").status_code == 404
    assert api(hr_district).get(f"/api/v1/{name}/{theirs.pk}/").status_code == 200


def test_workers_and_units_of_another_street_are_404_by_id(
    data, hr_street, other_worker, org
):
    client = api(hr_street)

    assert client.get(f"/api/v1/workers/{other_worker.pk}/").status_code == 404
    assert client.get(f"/api/v1/org-units/{org['xishan'].pk}/").status_code == 404
    assert client.get(f"/api/v1/org-units/{org['district'].pk}/").status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_an_org_unit_filter_outside_the_scope_is_404_never_widened(
    data, hr_street, org, name
):
    client = api(hr_street)

    for unit in ("xishan", "qingsong", "district"):
        response = client.get(f"/api/v1/{name}/", {"org_unit": org[unit].pk})
        assert response.status_code == 404


@pytest.mark.parametrize("name", ["enrolments", "completions", "hours", "certificates"])
def test_the_worker_filter_cannot_reach_another_street(
    data, hr_street, other_worker, name
):
    response = api(hr_street).get(f"/api/v1/{name}/", {"worker": other_worker.pk})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_updated_since_returns_only_rows_changed_after_it(data, hr_district, worker):
    since = timezone.now() + timedelta(seconds=1)
    Enrolment.objects.filter(user=worker).update(updated_at=since + timedelta(hours=1))

    response = api(hr_district).get(
        "/api/v1/enrolments/", {"updated_since": since.isoformat()}
    )

    assert [r["employee_no"] for r in response.json()["results"]] == ["W10001"]


@pytest.mark.parametrize("name", LISTS)
def test_a_malformed_updated_since_is_a_400(data, hr_district, name):
    response = api(hr_district).get(f"/api/v1/{name}/", {"updated_since": "yesterday"})

    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_lists_are_paginated_with_a_page_size_up_to_1000(data, hr_district):
    client = api(hr_district)

    one = client.get("/api/v1/org-units/", {"page_size": 1}).json()
    many = client.get("/api/v1/org-units/", {"page_size": 5000}).json()

    assert one["count"] == 6 and len(one["results"]) == 1 and one["next"]
    assert len(many["results"]) == 6


def test_org_units_carry_their_parent(data, hr_district, org):
    rows = api(hr_district).get("/api/v1/org-units/").json()["results"]

    parents = {r["name"]: r["parent"] for r in rows}
    assert parents["连心区"] is None
    assert parents["朝阳社区"] == org["donghu"].pk


def test_workers_and_trainers_are_refused(client_for, data):
    for persona in ("worker", "trainer", "reviewer"):
        assert client_for(persona).get("/api/v1/workers/").status_code == 403


def test_the_schema_is_valid_openapi_3_and_lists_only_the_records_api(capsys):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json"
    )

    import json

    schema = json.loads(capsys.readouterr().out)
    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    params = {
        p["name"] for p in schema["paths"]["/api/v1/enrolments/"]["get"]["parameters"]
    }
    assert {"updated_since", "org_unit", "page", "page_size"} <= params


def test_the_docs_page_uses_no_external_assets(client_for):
    body = client_for("hr_street").get("/api/docs/").content.decode()

    assert "/api/v1/workers/" in body
    assert "cdn" not in body.lower() and "https://" not in body
