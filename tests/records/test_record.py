"""A worker's record for HR, and the transcript and hours statement (PDF)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import QuizGrade
from assessments.pdf.inspect import pdf_fonts, pdf_text
from people.models import AuditEntry
from tests.factories.assessments import QuizFactory
from tests.records._h2_data import certificate, course, credit, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(worker):
    law = course("人民调解法解读")
    enrol(worker, law, state="completed")
    enrol(worker, course("公文写作"), state="in_progress")
    credit(worker, "2.5", source="online")
    credit(worker, "3.0", source="offline")
    certificate(worker, law, serial="LX2026000123")
    quiz = QuizFactory(title="调解法测验")
    QuizGrade.objects.create(quiz=quiz, user=worker, percent=85, passed=True)
    return law


def test_hr_sees_enrolments_scores_hours_certificates_of_a_worker_in_scope(
    client_for, history, worker
):
    response = client_for("hr_street").get(f"/records/workers/{worker.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    for text in ("张晓明", "W10001", "人民调解法解读", "公文写作", "调解法测验"):
        assert text in body
    assert "85" in body and "LX2026000123" in body and "5.5" in body


def test_a_worker_of_another_street_is_404(client_for, history, other_worker):
    response = client_for("hr_street").get(f"/records/workers/{other_worker.pk}/")

    assert response.status_code == 404
    pdf = client_for("hr_street").get(
        f"/records/workers/{other_worker.pk}/transcript.pdf"
    )
    assert pdf.status_code == 404


def test_the_record_page_makes_a_fixed_number_of_queries(client_for, history, worker):
    client = client_for("hr_street")
    client.get(f"/records/workers/{worker.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/records/workers/{worker.pk}/")
    for _ in range(5):
        enrol(worker, course(), state="in_progress")
        credit(worker, 1)
    with CaptureQueriesContext(connection) as more:
        client.get(f"/records/workers/{worker.pk}/")

    assert len(more) == len(few)


def test_hr_prints_a_transcript_with_embedded_fonts_and_it_is_audited(
    client_for, history, worker, hr_street
):
    response = client_for("hr_street").get(
        f"/records/workers/{worker.pk}/transcript.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for item in ("张晓明", "W10001", "连心区/东湖街道/朝阳社区", "人民调解法解读"):
        assert item in text
    assert "LX2026000123" in text and "5.5" in text
    assert "公文写作" not in text  # not completed
    assert all(font.embedded for font in pdf_fonts(response.content))
    entry = AuditEntry.objects.get(action="records.transcript_printed")
    assert entry.actor == hr_street and entry.details == {"worker": worker.pk}


def test_a_worker_downloads_their_own_transcript(client_for, history):
    response = client_for("worker").get("/records/me/transcript.pdf")

    assert response.status_code == 200
    assert "张晓明" in pdf_text(response.content)


def test_a_worker_cannot_open_the_hr_record_pages(client_for, history, worker):
    client = client_for("other_worker")

    assert client.get(f"/records/workers/{worker.pk}/").status_code == 403
    assert client.get(f"/records/workers/{worker.pk}/transcript.pdf").status_code == 403
