"""我的证书, downloads, HR's list and ZIP, renewal and the trainers' preview."""

import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import CertificateArchive
from assessments.pdf.inspect import pdf_text
from courses.models import Enrolment
from people.models import AuditEntry
from tests.certificates.conftest import complete, make_certificate
from tests.factories.people import UserFactory, WorkerProfileFactory


def test_my_certificates_lists_each_state_with_download_and_share_link(
    client_for, worker, other_worker, cert_course
):
    valid = make_certificate(worker, cert_course, expires_in_days=400, cycle=1)
    expiring = make_certificate(worker, cert_course, expires_in_days=10, cycle=2)
    make_certificate(other_worker, cert_course)

    body = client_for("worker").get("/certificates/").content.decode()

    assert body.count('class="card cert ') == 2
    assert "Expiring soon" in body and "Valid" in body
    assert f"/certificates/{valid.pk}/download/" in body
    assert f"/certificates/verify/{expiring.code}/" in body
    assert f"/certificates/{expiring.pk}/renew/" in body
    assert f"/certificates/{valid.pk}/renew/" not in body


def test_holders_hr_in_scope_and_admins_download_and_others_get_404(
    client_for, worker, cert_course
):
    certificate = make_certificate(worker, cert_course)
    url = f"/certificates/{certificate.pk}/download/"

    outcomes = {
        persona: client_for(persona).get(url).status_code
        for persona in (
            "worker",
            "other_worker",
            "trainer",
            "hr_street",
            "hr_district",
            "admin",
        )
    }

    assert outcomes == {
        "worker": 200,
        "other_worker": 404,
        "trainer": 404,
        "hr_street": 200,
        "hr_district": 200,
        "admin": 200,
    }
    response = client_for("worker").get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "张晓明" in pdf_text(b"".join(response.streaming_content))
    assert AuditEntry.objects.filter(action="certificate.downloaded").count() == 3


def _workers(org, count, start=0):
    return [
        WorkerProfileFactory(
            user=UserFactory(name=f"工作者{start + i}"), org_unit=org["chaoyang"]
        ).user
        for i in range(count)
    ]


def test_hr_list_shows_only_workers_in_scope_with_constant_queries(
    client_for, org, worker, other_worker, cert_course, hr_street
):
    make_certificate(worker, cert_course, expires_in_days=10)
    make_certificate(other_worker, cert_course)
    client = client_for("hr_street")
    client.get("/certificates/hr/")  # warm the session and role caches

    body = client.get("/certificates/hr/").content.decode()
    assert "张晓明" in body and "李青" not in body
    expiring = client.get("/certificates/hr/?state=expiring").content.decode()
    assert "张晓明" in expiring
    assert (
        "No certificate matches these filters."
        in client.get("/certificates/hr/?state=revoked").content.decode()
    )

    for user in _workers(org, 4):
        make_certificate(user, cert_course)
    with CaptureQueriesContext(connection) as few:
        client.get("/certificates/hr/")
    for user in _workers(org, 45, start=10):
        make_certificate(user, cert_course)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/certificates/hr/")

    assert len(few) == len(many)
    assert page.content.decode().count("/download/") == 25  # paginated


def test_hr_downloads_a_small_course_zip_at_once(
    client_for, worker, other_worker, cert_course, hr_street
):
    make_certificate(worker, cert_course)
    make_certificate(other_worker, cert_course)

    response = client_for("hr_street").post(
        "/certificates/hr/zip/", {"course": cert_course.pk}
    )

    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 1 and names[0].endswith("_张晓明.pdf")
    assert AuditEntry.objects.filter(action="certificate.zip_downloaded").exists()


def test_a_large_zip_is_built_by_a_task_with_progress(
    client_for,
    settings,
    org,
    cert_course,
    hr_street,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    settings.LIANXIN_CERTIFICATE_ZIP_SYNC_MAX = 2
    for user in _workers(org, 3):
        make_certificate(user, cert_course)
    client = client_for("hr_street")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/certificates/hr/zip/", {"course": cert_course.pk})

    archive = CertificateArchive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/hr/zip/{archive.pk}/"
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert status == {"status": "done", "done": 3, "total": 3, "percent": 100}
    page = client.get(response["Location"]).content.decode()
    assert f"/certificates/hr/zip/{archive.pk}/download/" in page
    download = client.get(f"/certificates/hr/zip/{archive.pk}/download/")
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert len(names) == 3
    assert client_for("hr_district").get(response["Location"]).status_code == 404


def test_renewing_an_expiring_certificate_restarts_the_course(
    client_for, worker, cert_course
):
    enrolment = complete(worker, cert_course)
    certificate = make_certificate(worker, cert_course, expires_in_days=10)

    response = client_for("worker").post(f"/certificates/{certificate.pk}/renew/")

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS


def test_a_valid_certificate_is_not_renewed(client_for, worker, cert_course):
    enrolment = complete(worker, cert_course)
    certificate = make_certificate(worker, cert_course, expires_in_days=300)

    client_for("worker").post(f"/certificates/{certificate.pk}/renew/")

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_trainers_preview_both_designs_with_the_course_title(
    client_for, cert_course, issuer
):
    client = client_for("trainer")

    for design in ("classic", "modern"):
        response = client.get(f"/certificates/preview/{cert_course.pk}/{design}/")
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(b"".join(response.streaming_content))
        assert "人民调解法解读" in text
        assert "连心区社区工作者培训中心" in text
    assert (
        client.get(f"/certificates/preview/{cert_course.pk}/fancy/").status_code == 404
    )


def test_the_course_editor_offers_both_design_previews(client_for, cert_course):
    body = client_for("admin").get(f"/admin/pages/{cert_course.pk}/edit/")

    text = body.content.decode()
    assert body.status_code == 200
    for design in ("classic", "modern"):
        assert f"/certificates/preview/{cert_course.pk}/{design}/" in text


def test_admins_edit_the_issuer_in_the_wagtail_admin(client_for, issuer):
    page = client_for("admin").get("/admin/snippets/assessments/issuersettings/")

    assert page.status_code == 200
    assert "连心区社区工作者培训中心" in page.content.decode()
