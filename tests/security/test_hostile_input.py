"""Hostile input, a test each (issue #9, item 3).

Already proved elsewhere, and not repeated here:

- script in the search box and in search results: tests/cms/test_search.py
  (``<script>`` and ``<img onerror>`` in titles, summaries and the query);
- script in essay answers, on the marking page: tests/assessments/test_marking.py;
- script and event handlers in question stems (sanitised when saved):
  tests/assessments/test_questions_services.py;
- an HTML file named proof.pdf, an executable, a GIF and a truncated PNG as claim
  proof: tests/records/test_claims.py (test_anything_else_is_refused), and the
  claim size limit there;
- the roster and question-import size limits and a damaged ZIP:
  tests/people/test_roster.py, tests/assessments/test_import_xlsx.py;
- billion laughs in a Moodle XML file, by service and by command:
  tests/assessments/test_import_moodlexml.py, test_import_command.py;
- ``=HYPERLINK`` and ``@SUM`` in the records export (XLSX and CSV):
  tests/records/test_exports.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from wagtail.images import get_image_model

from assessments.exporters import export_questions
from assessments.importers import import_questions
from assessments.models import Question, QuestionBank
from assessments.services.questions import html_to_plain
from cms.laws import article_label
from cms.models import HomePage, LawLibraryPage, StandardPage
from cms.services import law_import
from courses.models import ExternalHoursClaim
from people.models import RosterImport, WorkerProfile
from people.notifications import notification_send
from people.roster import RosterFileError, roster_import, roster_read
from tests.factories.assessments import QuestionFactory
from tests.factories.assignments import ClaimFactory, png_bytes
from tests.factories.people import PositionFactory
from tests.records._h2_data import add_worker, course, enrol

from .hostile import (
    ATTRIBUTE,
    BILLION_LAUGHS,
    HTML_AS_IMAGE,
    MB,
    SCRIPT,
    SQL_LIKE,
    SVG_WITH_SCRIPT,
    media_files,
    streamed_post,
    zip_bomb_xlsx,
)

pytestmark = pytest.mark.django_db

HOSTILE = [SCRIPT, ATTRIBUTE]


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Script in plain fields ------------------------------------------------------


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize("evil", HOSTILE)
def test_a_name_imported_from_a_roster_is_shown_escaped_to_hr(
    client_for, org, hr_street, evil
):
    PositionFactory(name="专职社区工作者")
    content = "\r\n".join(
        [
            "姓名,工号,手机号,所属组织,岗位,等级,入职日期",
            f'"{evil.replace(chr(34), chr(34) * 2)}",X0001,13800138999,'
            "连心区/东湖街道/朝阳社区,专职社区工作者,3,2020-01-01",
        ]
    ).encode()

    result = roster_import(content=content, filename="roster.csv")
    user = WorkerProfile.objects.get(employee_no="X0001")
    html = page(client_for("hr_street").get(f"/records/workers/{user.user_id}/"))

    assert result.errors == []
    assert user.user.name == evil  # stored as typed: escaping is the template's job
    assert evil not in html
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;" in html


@pytest.mark.parametrize("evil", HOSTILE)
def test_a_claims_title_and_organiser_are_shown_escaped_to_hr(
    client_for, worker, hr_street, evil
):
    claim = ClaimFactory(user=worker, title=f"培训{evil}", organiser=evil)

    listing = page(client_for("hr_street").get("/records/claims/"))
    detail = page(client_for("hr_street").get(f"/records/claims/{claim.pk}/"))
    mine = page(client_for("worker").get("/learning/claims/"))

    for html in (listing, detail, mine):
        assert evil not in html
        assert "<img src=x" not in html and "<script>alert" not in html
    assert "培训&lt;" in detail or "培训&quot;&gt;&lt;img" in detail


@pytest.mark.parametrize("evil", HOSTILE)
def test_a_notification_title_and_body_are_shown_escaped(client_for, worker, evil):
    notification_send(
        user=worker, title=f"提醒{evil}", body=f"正文{evil}", url="/", email=False
    )

    html = page(client_for("worker").get("/notifications/"))
    bell = page(client_for("worker").get("/learning/"))

    assert "提醒" in html and "正文" in html
    for shown in (html, bell):
        assert evil not in shown
        assert "<img src=x" not in shown and "<script>alert" not in shown


# --- Script in rich text, through the Wagtail editor ------------------------------


def draftail(*blocks: str, link: str | None = None) -> str:
    """Draftail's content state: what the page editor posts for a rich text."""
    entity_map = {}
    ranges = []
    if link:
        entity_map["0"] = {
            "type": "LINK",
            "mutability": "MUTABLE",
            "data": {"url": link},
        }
        ranges = [{"offset": 0, "length": 2, "key": 0}]
    return json.dumps(
        {
            "blocks": [
                {
                    "key": f"k{n}",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": ranges if n == 0 else [],
                    "data": {},
                }
                for n, text in enumerate(blocks)
            ],
            "entityMap": entity_map,
        }
    )


def test_script_typed_into_a_page_body_in_the_wagtail_editor_is_inert(
    client_for, admin, worker
):
    home = HomePage.objects.get()
    client = client_for("admin")

    response = client.post(
        f"/admin/pages/add/cms/standardpage/{home.pk}/",
        {
            "title": "通知",
            "slug": "notice",
            "intro": "",
            "body": draftail(f"点此{SCRIPT}", ATTRIBUTE, link="javascript:alert(1)"),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = StandardPage.objects.get(slug="notice")
    html = page(client_for("worker").get("/notice/"))

    assert "<script>alert" not in stored.body and "<img src=x" not in stored.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html


# --- SQL-like strings in search and filters ----------------------------------------


LAW = "\n".join(
    [
        "# 测试调解法",
        "",
        "2024年1月1日 测试通过",
        "",
        "<!-- INFO END -->",
        "",
        f"{article_label(1)} 人民调解委员会调解民间纠纷。",
    ]
)


@pytest.mark.parametrize("evil", SQL_LIKE)
def test_sql_like_search_terms_give_a_normal_page_with_no_extra_rows(
    client_for, worker, evil
):
    home = HomePage.objects.get()
    library = LawLibraryPage(title="法律法规库", slug="laws")
    home.add_child(instance=library)
    library.save_revision().publish()
    law_import(text=LAW, library=library)
    client = client_for("worker")

    found = page(client.get("/search/", {"q": "调解委员会"}))
    html = page(client.get("/search/", {"q": evil}))

    assert 'class="card search-result"' in found  # the page is searchable
    assert 'class="card search-result"' not in html
    assert "测试调解法" not in html
    assert WorkerProfile.objects.filter(user=worker).exists()


@pytest.mark.parametrize("evil", SQL_LIKE)
@pytest.mark.parametrize("name", ["unit", "course", "plan", "position", "year"])
def test_sql_like_dashboard_filters_never_widen_the_scope(
    client_for, worker, other_worker, hr_street, evil, name
):
    enrol(worker, course("东湖课程"), state="completed")
    enrol(other_worker, course("西山课程"), state="completed")
    client = client_for("hr_street")

    response = client.get("/records/", {name: evil})
    exported = client.get("/records/export.csv", {name: evil})

    assert response.status_code in (200, 400, 404)
    assert exported.status_code in (200, 302, 400, 404)
    for shown in (
        response.content.decode(),
        exported.content.decode("utf-8", "replace"),
    ):
        assert "李青" not in shown and "W20001" not in shown


# --- Path traversal in upload names ---------------------------------------------

TRAVERSAL = [
    "../../etc/passwd.png",
    "..\\..\\x.png",
    "/etc/passwd.png",
    "C:\\Windows\\win.ini.png",
    "proof\x00.png",
]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_a_claim_proof_is_stored_under_a_generated_name_inside_media(
    client_for, worker, name, settings
):
    today = timezone.localdate()
    response = client_for("worker").post(
        "/learning/claims/",
        {
            "title": "培训",
            "organiser": "市民政局",
            "start_date": today.isoformat(),
            "end_date": today.isoformat(),
            "hours": "2",
            "proof": SimpleUploadedFile(name, png_bytes(), content_type="image/png"),
        },
    )

    assert response.status_code == 302
    claim = ExternalHoursClaim.objects.get()
    assert re.fullmatch(r"claims/[0-9a-f]{32}\.png", claim.proof.name)
    assert claim.proof.path.startswith(str(settings.MEDIA_ROOT) + "/claims/")
    assert "/" not in claim.proof_name and "\\" not in claim.proof_name
    assert "\x00" not in claim.proof_name and ".." not in claim.proof_name.strip(".")


@pytest.mark.parametrize("name", TRAVERSAL)
def test_a_roster_upload_keeps_only_a_plain_file_name(client_for, admin, name):
    response = client_for("admin").post(
        "/people/roster/",
        {
            "file": SimpleUploadedFile(
                name.replace(".png", ".csv"), "姓名,工号\r\n张三,1\r\n".encode()
            )
        },
    )

    assert response.status_code == 302
    job = RosterImport.objects.get()
    assert "/" not in job.filename and "\\" not in job.filename
    assert "\x00" not in job.filename and job.filename.endswith(".csv")
    assert not any("passwd" in path or "win.ini" in path for path in media_files())


@pytest.mark.parametrize("name", TRAVERSAL)
def test_a_question_import_name_reaches_nothing_but_the_audit(
    client_for, trainer, name
):
    content = "题型,题干,选项A,选项B,答案\r\n单选,一加一,1,2,B\r\n".encode()

    response = client_for("trainer").post(
        "/assessments/banks/import/",
        {
            "bank_name": "路径",
            "file": SimpleUploadedFile(name.replace(".png", ".csv"), content),
            "format": "csv",
        },
    )

    assert response.status_code in (200, 302)
    assert Question.objects.filter(bank__name="路径").count() == 1
    assert not any("passwd" in path or "win.ini" in path for path in media_files())


# --- A 100 MB upload ---------------------------------------------------------------


UPLOADS = {
    "claim proof": (
        "worker",
        "/learning/claims/",
        "proof",
        {
            "title": "培训",
            "organiser": "市民政局",
            "start_date": "2026-01-05",
            "end_date": "2026-01-05",
            "hours": "2",
        },
        "larger than 5 MB",
        lambda: ExternalHoursClaim.objects.exists(),
    ),
    "roster": (
        "admin",
        "/people/roster/",
        "file",
        {},
        "larger than 5.0 MB",
        lambda: RosterImport.objects.exists(),
    ),
    "question import": (
        "trainer",
        "/assessments/banks/import/",
        "file",
        {"bank_name": "大文件", "format": ""},
        "larger than 10.0 MB",
        lambda: QuestionBank.objects.filter(name="大文件").exists(),
    ),
}


@pytest.mark.parametrize("form", list(UPLOADS))
def test_a_100_mb_upload_is_refused_with_a_clear_message_and_nothing_stored(
    client_for, worker, trainer, admin, form
):
    persona, path, field, fields, message, stored = UPLOADS[form]
    before = set(media_files())

    tracemalloc.start()
    status, html = streamed_post(
        client_for(persona), path, fields=fields, file_field=field, size=100 * MB
    )
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert status == 200
    assert message in html
    assert not stored()
    assert set(media_files()) == before
    assert peak < 40 * MB  # spooled to a temporary file, never read whole


# --- An XLSX zip bomb -------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb_xlsx()


def test_a_roster_zip_bomb_is_refused_before_it_is_unpacked(bomb, english):
    assert len(bomb) < 5 * MB  # under the upload limit: only unpacking is big

    tracemalloc.start()
    with pytest.raises(RosterFileError) as refused:
        list(roster_read(content=bomb, filename="bomb.xlsx"))
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert "larger than" in str(refused.value)
    assert peak < 40 * MB


def test_a_question_import_zip_bomb_is_refused_before_it_is_unpacked(bomb, english):
    tracemalloc.start()
    report = import_questions(data=bomb, bank_name="炸弹", filename="bomb.xlsx")
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert not report.ok
    assert "unpacks to too much data" in str(report.errors[0])
    assert not QuestionBank.objects.filter(
        name="炸弹", questions__isnull=False
    ).exists()
    assert peak < 40 * MB


def test_a_zip_bomb_uploaded_as_a_roster_fails_the_import_with_a_message(
    client_for, admin, bomb, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(
            "/people/roster/", {"file": SimpleUploadedFile("bomb.xlsx", bomb)}
        )

    job = RosterImport.objects.get()
    assert response.status_code == 302
    assert job.status == RosterImport.Status.FAILED
    assert "MB" in json.dumps(job.errors, ensure_ascii=False)


# --- Billion laughs --------------------------------------------------------------


def test_billion_laughs_uploaded_on_the_import_page_is_refused(
    client_for, trainer, english
):
    response = client_for("trainer").post(
        "/assessments/banks/import/",
        {
            "bank_name": "笑",
            "file": SimpleUploadedFile("lol.xml", BILLION_LAUGHS.encode()),
            "format": "",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = page(response)
    assert "lollol" not in html
    assert not Question.objects.exists()


# --- Images that are not images ----------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (HTML_AS_IMAGE, "photo.png", "image/png"),
        (HTML_AS_IMAGE, "photo.jpg", "image/jpeg"),
        (SVG_WITH_SCRIPT, "photo.svg", "image/svg+xml"),
        (SVG_WITH_SCRIPT, "photo.png", "image/png"),
        (png_bytes() + SCRIPT.encode(), "photo.png", "image/png"),
    ],
)
def test_an_image_that_is_really_markup_is_refused_or_re_encoded_as_claim_proof(
    client_for, worker, content, name, content_type
):
    today = timezone.localdate()
    response = client_for("worker").post(
        "/learning/claims/",
        {
            "title": "培训",
            "organiser": "市民政局",
            "start_date": today.isoformat(),
            "end_date": today.isoformat(),
            "hours": "2",
            "proof": SimpleUploadedFile(name, content, content_type=content_type),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    claim = ExternalHoursClaim.objects.first()
    if content.startswith(b"\x89PNG"):  # a real picture with a script appended
        stored = claim.proof.read()
        assert Image.open(io.BytesIO(stored)).format == "PNG"
        assert b"script" not in stored
    else:
        assert claim is None
        assert "not a JPEG or PNG picture or a PDF" in page(response)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (HTML_AS_IMAGE, "photo.png"),
        (SVG_WITH_SCRIPT, "photo.svg"),
        (SVG_WITH_SCRIPT, "a.png"),
    ],
)
def test_an_image_that_is_really_markup_is_refused_by_the_wagtail_image_library(
    client_for, admin, content, name
):
    # MEDIA_ROOT lasts the whole run: other tests' images may be there already.
    before = set(media_files())
    response = client_for("admin").post(
        "/admin/images/add/",
        {"title": "图", "file": SimpleUploadedFile(name, content), "collection": 1},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert not get_image_model().objects.exists()
    added = set(media_files()) - before
    assert not any(path.startswith("original_images/") for path in added)


def test_a_real_picture_posted_the_same_way_is_accepted_by_the_image_library(
    client_for, admin
):
    response = client_for("admin").post(
        "/admin/images/add/",
        {
            "title": "图",
            "file": SimpleUploadedFile("a.png", png_bytes()),
            "collection": 1,
        },
    )

    assert response.status_code == 302  # so the refusals above are about the file
    assert get_image_model().objects.get().file.name.startswith("original_images/")


# --- Formula injection in exports --------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://x.test","点我")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_a_name_is_neutralised_in_the_hr_exports(
    client_for, org, hr_street, formula
):
    evil = add_worker(org["chaoyang"], name=formula)
    enrol(evil, course(f"课程{formula}"))
    client = client_for("hr_street")

    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/records/export.xlsx").streaming_content))
    ).active
    csv_response = client.get("/records/export.csv")
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))

    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["'" + formula]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [row[1] for row in rows[1:]] == ["'" + formula]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_a_question_is_never_a_formula_in_the_question_export(
    trainer, formula
):
    question = QuestionFactory(stem=f"<p>{formula}</p>")
    bank = question.bank

    data = export_questions(bank=bank, format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active

    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert formula.strip() in [str(cell.value).strip() for cell in cells]
    # and it imports again as the same text, with no apostrophe added
    report = import_questions(data=data, bank_name="回环", format="xlsx")
    again = Question.objects.get(bank__name="回环").current_version.stem
    assert report.ok and html_to_plain(again) == formula.strip()
