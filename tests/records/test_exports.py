"""Exports of the records table: contents, formulas neutralised, audit, async jobs."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from people.models import AuditEntry
from records.models import ExportJob
from records.services.exports import exports_expire_due
from tests.records._h2_data import add_worker, certificate, course, credit, enrol

pytestmark = pytest.mark.django_db


def xlsx_rows(response) -> list[list]:
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def records(org, worker, other_worker):
    law = course("人民调解法解读")
    enrol(worker, law, state="completed")
    certificate(worker, law, serial="LX2026000777")
    credit(worker, "2.5")
    enrol(other_worker, course("西山课程"), state="in_progress")
    return law


def test_the_xlsx_has_a_row_per_enrolment_with_unit_path_hours_and_serial(
    client_for, records, worker
):
    response = client_for("hr_street").get("/records/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = xlsx_rows(response)
    assert len(header) == 13
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == "W10001"
    assert row[1] == "张晓明"
    assert row[2] == "连心区/东湖街道/朝阳社区"
    assert row[4] == "人民调解法解读"
    assert row[7] == 100
    assert row[11] == 2.5
    assert row[12] == "LX2026000777"


def test_the_csv_starts_with_a_bom_and_keeps_chinese(client_for, records):
    response = client_for("hr_district").get("/records/export.csv")

    text = csv_text(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r[1] for r in rows[1:]} == {"张晓明", "李青"}


def test_a_formula_in_a_name_comes_out_neutralised(client_for, org):
    evil = add_worker(org["chaoyang"], name='=HYPERLINK("http://x.test","点我")')
    enrol(evil, course("@SUM(1+1)"))

    rows = xlsx_rows(client_for("hr_street").get("/records/export.xlsx"))
    text = csv_text(client_for("hr_street").get("/records/export.csv"))

    assert rows[1][1] == '\'=HYPERLINK("http://x.test","点我")'
    assert rows[1][4] == "'@SUM(1+1)"
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_every_export_is_audited_with_its_filters_and_row_count(
    client_for, records, hr_street, org
):
    client_for("hr_street").get("/records/export.csv", {"unit": org["chaoyang"].pk})

    entry = AuditEntry.objects.get(action="records.exported")
    assert entry.actor == hr_street
    assert entry.details == {
        "format": "csv",
        "filters": {"unit": org["chaoyang"].pk},
        "rows": 1,
    }


def test_a_street_cannot_export_another_street(client_for, records, org):
    client = client_for("hr_street")

    assert (
        client.get("/records/export.xlsx", {"unit": org["xishan"].pk}).status_code
        == 404
    )
    assert (
        client.get("/records/export.csv", {"unit": org["district"].pk}).status_code
        == 404
    )
    assert "李青" not in csv_text(client.get("/records/export.csv"))
    assert not AuditEntry.objects.filter(action="records.exported").count() > 1


def test_the_course_filter_narrows_the_export(client_for, records, worker):
    other = course("另一门课")
    enrol(worker, other)

    text = csv_text(
        client_for("hr_street").get("/records/export.csv", {"course": other.pk})
    )

    assert "另一门课" in text and "人民调解法解读" not in text


def test_a_large_export_becomes_a_job_with_a_progress_page_and_a_download(
    client_for,
    records,
    settings,
    celery_eager,
    hr_street,
    django_capture_on_commit_callbacks,
):
    settings.LIANXIN_EXPORT_ASYNC_ROWS = 0
    client = client_for("hr_street")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/records/export.xlsx")

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/records/exports/{job.pk}/"
    assert (job.status, job.total_rows, job.rows_done) == ("done", 1, 1)
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    page = client.get(f"/records/exports/{job.pk}/")
    assert f"/records/exports/{job.pk}/download/" in page.content.decode()
    status = client.get(f"/records/exports/{job.pk}/status/").json()
    assert status["status"] == "done" and status["percent"] == 100
    download = client.get(f"/records/exports/{job.pk}/download/")
    assert xlsx_rows(download)[1][1] == "张晓明"
    entry = AuditEntry.objects.get(action="records.exported")
    assert entry.details["job"] == job.pk and entry.details["rows"] == 1


def test_another_reviewer_cannot_see_or_download_someone_elses_job(
    client_for, records, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.LIANXIN_EXPORT_ASYNC_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        client_for("hr_street").get("/records/export.csv")
    job = ExportJob.objects.get()

    for url in ("", "status/", "download/"):
        response = client_for("hr_district").get(f"/records/exports/{job.pk}/{url}")
        assert response.status_code == 404


def test_an_expired_download_is_gone_and_its_file_deleted(
    client_for, records, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.LIANXIN_EXPORT_ASYNC_ROWS = 0
    client = client_for("hr_street")
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/records/export.csv")
    job = ExportJob.objects.get()
    name = job.file_name
    assert default_storage.exists(name)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())

    response = client.get(f"/records/exports/{job.pk}/download/")

    assert response.status_code == 410
    assert not default_storage.exists(name)
    job.refresh_from_db()
    assert (job.status, job.file_name) == ("expired", "")


def test_the_cleanup_task_deletes_files_past_their_time(
    client_for, records, settings, celery_eager, django_capture_on_commit_callbacks
):
    settings.LIANXIN_EXPORT_ASYNC_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        client_for("hr_street").get("/records/export.xlsx")
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert exports_expire_due() == 1
    assert not default_storage.exists(job.file_name)


def test_the_export_makes_no_query_per_row(
    client_for, org, django_assert_max_num_queries
):
    c = course()
    for _ in range(30):
        w = add_worker(org["chaoyang"])
        enrol(w, c)
        credit(w, 1)
    client = client_for("hr_street")

    with django_assert_max_num_queries(15):
        csv_text(client.get("/records/export.csv"))
