"""A street's HR sees nothing of another street: through every URL of the
dashboard, the record, the exports, the transcripts and the API, and through
every filter parameter."""

import pytest
from rest_framework.test import APIClient

from records.services.tokens import api_token_create
from tests.records._h2_data import certificate, course, credit, enrol

pytestmark = pytest.mark.django_db

PAGES = ["/records/", "/records/export.csv", "/records/export.xlsx"]
API = [
    "/api/v1/org-units/",
    "/api/v1/workers/",
    "/api/v1/enrolments/",
    "/api/v1/completions/",
    "/api/v1/hours/",
    "/api/v1/certificates/",
]


@pytest.fixture
def west(org, worker, other_worker):
    theirs = course("西山专属课程")
    enrol(other_worker, theirs, state="completed")
    credit(other_worker, 7)
    certificate(other_worker, theirs, serial="LXWEST00001")
    enrol(worker, course("东湖课程"), state="completed")
    return theirs


def _body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_no_page_or_export_shows_another_street(client_for, west, url):
    body = _body(client_for("hr_street").get(url))

    assert "李青" not in body and "W20001" not in body and "青松社区" not in body


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("unit", ["district", "xishan", "qingsong"])
def test_every_page_refuses_a_unit_above_or_beside_the_scope(
    client_for, west, org, url, unit
):
    response = client_for("hr_street").get(url, {"unit": org[unit].pk})

    assert response.status_code == 404


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("param", ["unit", "course", "plan", "position"])
def test_every_id_filter_of_every_page_refuses_unknown_ids(
    client_for, west, url, param
):
    for value in ("999999", "abc", "-1"):
        response = client_for("hr_street").get(url, {param: value})
        assert response.status_code == 404, (param, value)


@pytest.mark.parametrize("url", PAGES)
def test_filtering_by_their_course_shows_none_of_their_rows(client_for, west, url):
    body = _body(client_for("hr_street").get(url, {"course": west.pk}))

    assert "李青" not in body and "W20001" not in body


def test_the_record_and_transcript_of_another_street_are_404(
    client_for, west, other_worker
):
    client = client_for("hr_street")

    for url in (
        f"/records/workers/{other_worker.pk}/",
        f"/records/workers/{other_worker.pk}/transcript.pdf",
    ):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", API)
def test_no_api_list_shows_another_street_with_any_filter(
    west, hr_street, other_worker, url
):
    _token, raw = api_token_create(user=hr_street, name="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    for params in (
        {},
        {"worker": other_worker.pk},
        {"updated_since": "2000-01-01T00:00:00+08:00"},
        {"year": 2026},
        {"page_size": 1000},
    ):
        response = client.get(url, params)
        body = response.content.decode()
        assert response.status_code == 200
        assert "W20001" not in body and "青松" not in body and "LXWEST" not in body
