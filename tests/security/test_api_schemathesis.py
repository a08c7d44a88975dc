"""Schemathesis against the records API's own OpenAPI schema (issue #9, item 2b).

The schema is read from /api/schema/ and every operation with every parameter is
fuzzed in-process through the WSGI application, on the test database with rows
in and out of the token owner's scope. The assertion is zero 5xx, and every 200
body matches the schema; a second pass without a token or with a bad one must
get 401 or 403 and no rows.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from records.services.tokens import api_token_create, api_token_revoke
from tests.records._h2_data import add_worker, certificate, course, credit, enrol

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode (12 operations).
EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much]


@pytest.fixture
def wsgi_app():
    """The real WSGI handler, kept on the test's database connection.

    Django closes the connection at the start and end of every request; the
    test client switches that off, and so must we, or the test transaction
    (and its rows) would be gone after the first call.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(org, worker, other_worker):
    """A few workers on both streets with enrolments, hours and certificates."""
    east, west = course("东湖课程"), course("西山课程")
    people = [
        worker,
        add_worker(org["grid"]),
        add_worker(org["chaoyang"], name='"><img src=x onerror=alert(1)>'),
    ]
    rows = {"enrolments": [], "hours": [], "certificates": []}
    for person in people:
        rows["enrolments"].append(enrol(person, east, state="completed"))
        rows["hours"].append(credit(person, 2))
        rows["certificates"].append(certificate(person, east))
    enrol(people[1], west, state="in_progress")
    enrol(other_worker, west, state="completed")
    credit(other_worker, 3)
    certificate(other_worker, west)
    return {"org": org, "people": people, **rows}


def token_for(user) -> str:
    return api_token_create(user=user, name="fuzz")[1]


def load_schema(app, raw: str):
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", app, headers={"Authorization": f"Token {raw}"}
    )


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


POSITIVE = schemathesis.GenerationMode.POSITIVE
NEGATIVE = schemathesis.GenerationMode.NEGATIVE


def fuzz(
    operation, *, headers, check, modes=(POSITIVE, NEGATIVE), examples=EXAMPLES, **fixed
):
    """Run ``check(case, response)`` on a bounded number of generated requests."""
    for mode in modes:

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,  # no .hypothesis/ folder in the checkout
            derandomize=True,  # the same requests on every run and in CI
            suppress_health_check=QUIET,
        )
        @given(case=operation.as_strategy(generation_mode=mode, **fixed))
        def run(case):
            check(case, case.call(headers=headers))

        run()


def test_every_operation_answers_without_a_server_error_and_as_documented(
    wsgi_app, records, hr_street
):
    raw = token_for(hr_street)
    headers = {"Authorization": f"Token {raw}"}
    schema = load_schema(wsgi_app, raw)
    ops = operations(schema)
    statuses = []

    def check(case, response):
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    for operation in ops:
        fuzz(operation, headers=headers, check=check)

    assert len(ops) == 12  # six lists, six details: nothing left out of the schema
    assert statuses and max(statuses) < 500
    assert 200 in statuses and 400 in statuses and 404 in statuses


W = "/api/v1/workers/{id}/"


def test_details_of_real_rows_match_the_schema(wsgi_app, records, hr_district):
    raw = token_for(hr_district)
    headers = {"Authorization": f"Token {raw}"}
    schema = load_schema(wsgi_app, raw)
    ids = {
        "/api/v1/org-units/{id}/": records["org"]["chaoyang"].pk,
        W: records["people"][2].pk,
        "/api/v1/enrolments/{id}/": records["enrolments"][0].pk,
        "/api/v1/completions/{id}/": records["enrolments"][1].pk,
        "/api/v1/hours/{id}/": records["hours"][0].pk,
        "/api/v1/certificates/{id}/": records["certificates"][2].pk,
    }
    bodies = []

    def check(case, response):
        case.validate_response(response, checks=CHECKS, headers=headers)
        if response.status_code == 200:
            bodies.append(response.json())

    for operation in operations(schema):
        if operation.path in ids:
            fixed = {"path_parameters": {"id": ids[operation.path]}}
            fuzz(operation, headers=headers, check=check, modes=[POSITIVE], **fixed)

    assert {body["id"] for body in bodies} >= set(ids.values()) - {None}
    worker_body = next(b for b in bodies if "username" in b and b["id"] == ids[W])
    # The JSON carries the name as data; it is never turned into markup here.
    assert worker_body["name"] == '"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Token lx_not-a-real-key",
        "Bearer ",
        "Token two parts",
        "Token \xff\xfe",
        "Basic aHJfc3RyZWV0OmxpYW54aW4=",
        "revoked",
    ],
)
def test_without_a_valid_token_every_operation_is_refused(
    wsgi_app, records, hr_street, authorization
):
    raw = token_for(hr_street)
    schema = load_schema(wsgi_app, raw)
    if authorization == "revoked":
        token, revoked = api_token_create(user=hr_street, name="old")
        api_token_revoke(token=token)
        authorization = f"Token {revoked}"
    headers = {"Authorization": authorization} if authorization is not None else {}
    answers = []

    def check(case, response):
        case.validate_response(response, checks=[not_a_server_error])
        # /api/v1/workers/null/ is no API route: Wagtail's page 404 answers it.
        if routed_to_the_api(case.formatted_path):
            answers.append((response.status_code, response.text))

    for operation in operations(schema):
        fuzz(operation, headers=headers, check=check, examples=2)

    assert len(answers) > 12
    assert {status for status, _body in answers} <= {401, 403}
    assert not any('"results"' in body or "W10001" in body for _s, body in answers)


def routed_to_the_api(path: str) -> bool:
    try:
        return resolve(unquote(path)).namespace == "records_api"
    except Resolver404:
        return False


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("2621-12-18T07:28:31-23:01", 200),  # PostgreSQL allows ±15:59 only
        ("2026-01-01T00:00:00+23:59", 200),
        ("0001-01-01T00:00:00+01:00", 400),  # before year 1 in UTC
        ("2024-02-30T00:00:00", 400),  # well formed, no such day
    ],
)
def test_odd_updated_since_values_found_by_the_fuzzer_are_answered(
    wsgi_app, records, hr_district, since, status
):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(hr_district)}")

    response = client.get("/api/v1/workers/", {"updated_since": since})

    assert response.status_code == status
    assert ("results" in response.json()) == (status == 200)
