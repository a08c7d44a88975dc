"""The trainers' question bank pages: what a trainer sees and can do."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments.models import Attempt, AttemptItem, Question, QuestionBank
from assessments.services.questions import bank_get_or_create, question_create
from people.models import AuditEntry
from tests.factories.assessments import QuizFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """Signed-in clients that read the pages in English (the msgids)."""

    def make(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def bank(db):
    return bank_get_or_create(name="人民调解题库")


def add(bank, n=1, **kwargs):
    fields = {
        "type": Question.Type.SINGLE,
        "choices": ["自愿", "强制"],
        "answer": ["A"],
        "tags": ["调解"],
        "category": "人民调解",
    }
    fields.update(kwargs)
    return [
        question_create(bank=bank, stem=f"<p>第{i}题：调解原则？</p>", **fields)
        for i in range(n)
    ]


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_trainer_sees_every_bank_with_its_question_count(client_for, bank):
    add(bank, 3)
    bank_get_or_create(name="空题库")

    page = client_for("trainer").get("/assessments/banks/").content.decode()

    assert "人民调解题库" in page
    assert "空题库" in page
    assert '<td class="num">3</td>' in page
    assert '<td class="num">0</td>' in page


def test_the_bank_list_is_paginated_and_takes_constant_queries(client_for, db):
    client = client_for("trainer")
    for i in range(5):
        add(bank_get_or_create(name=f"题库{i:03d}"))
    few = queries(client, "/assessments/banks/")
    for i in range(5, 50):
        bank_get_or_create(name=f"题库{i:03d}")

    assert queries(client, "/assessments/banks/") == few
    page = client.get("/assessments/banks/").content.decode()
    assert "题库024" in page
    assert "题库025" not in page
    assert "Page 1 of 2" in page


def test_a_trainer_creates_a_bank(client_for, db):
    response = client_for("trainer").post(
        "/assessments/banks/", {"name": "新题库", "description": "民法典"}
    )

    bank = QuestionBank.objects.get(name="新题库")
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/banks/{bank.pk}/"


def test_a_reviewer_reads_but_cannot_create_banks(client_for, bank):
    reviewer = client_for("reviewer")

    assert "New bank" not in reviewer.get("/assessments/banks/").content.decode()
    assert reviewer.post("/assessments/banks/", {"name": "x"}).status_code == 403
    assert reviewer.get(f"/assessments/banks/{bank.pk}/").status_code == 200


def test_the_bank_shows_its_questions_with_their_keys(client_for, bank):
    add(bank)

    page = client_for("trainer").get(f"/assessments/banks/{bank.pk}/").content.decode()

    assert "第0题：调解原则？" in page
    assert '<li class="right"><b>A.</b> 自愿</li>' in page
    assert "1 question" in page


def test_the_question_list_filters_by_category_type_difficulty_and_tag(
    client_for, bank
):
    add(bank, 2)
    add(
        bank,
        1,
        type=Question.Type.TRUE_FALSE,
        choices=(),
        answer=["T"],
        difficulty="hard",
        tags=["宪法"],
        category="宪法",
    )
    client = client_for("trainer")
    category = bank.categories.get(name="宪法")

    def shown(query):
        page = client.get(f"/assessments/banks/{bank.pk}/?{query}").content.decode()
        return page.count('class="question-item')

    assert shown("") == 3
    assert shown("type=truefalse") == 1
    assert shown("difficulty=hard") == 1
    assert shown("tag=调解") == 2
    assert shown(f"category={category.pk}") == 1
    assert shown("type=essay") == 0
    assert (
        "No question matches these filters."
        in client.get(f"/assessments/banks/{bank.pk}/?type=essay").content.decode()
    )


def test_the_question_list_takes_constant_queries(client_for, bank, worker):
    client = client_for("trainer")
    questions = add(bank, 5)
    used(questions[0], worker)
    url = f"/assessments/banks/{bank.pk}/"
    few = queries(client, url)
    add(bank, 45, tags=["调解", "民法典"])

    assert queries(client, url) == few


def test_a_trainer_writes_a_question_in_the_form(client_for, bank):
    response = client_for("trainer").post(
        f"/assessments/banks/{bank.pk}/questions/new/",
        {
            "type": "multiple",
            "stem": "下列属于居委会职责的有（ ）。",
            "choice_A": "办理公共事务",
            "choice_B": "调解民间纠纷",
            "choice_C": "审理案件",
            "right_A": "on",
            "right_B": "on",
            "explanation": "见组织法第三条。",
            "points": "2",
            "difficulty": "medium",
            "category": "基层自治",
            "tags": "组织法，居委会",
        },
    )

    assert response.status_code == 302
    question = Question.objects.get()
    assert question.current_version.answer == ["A", "B"]
    assert question.current_version.points == Decimal("2.00")
    assert sorted(question.tags.names()) == ["居委会", "组织法"]
    assert question.category.name == "基层自治"


def test_a_wrong_question_keeps_what_the_trainer_typed(client_for, bank):
    response = client_for("trainer").post(
        f"/assessments/banks/{bank.pk}/questions/new/",
        {
            "type": "single",
            "stem": "调解原则？",
            "choice_A": "自愿",
            "choice_B": "强制",
            "points": "1",
            "difficulty": "medium",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "A single-choice question needs exactly one right choice." in page
    assert 'value="强制"' in page
    assert not Question.objects.exists()


def used(question, worker):
    quiz = QuizFactory(questions=[question])
    attempt = Attempt.objects.create(quiz=quiz, user=worker, started_at=timezone.now())
    AttemptItem.objects.create(
        attempt=attempt, position=1, version=question.current_version, points=1
    )


def test_editing_a_used_question_says_so_and_makes_a_new_version(
    client_for, bank, worker
):
    question = add(bank)[0]
    used(question, worker)
    client = client_for("trainer")
    url = f"/assessments/questions/{question.pk}/edit/"

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "stem": "<p>调解的首要原则？</p>",
            "choice_A": "自愿",
            "choice_B": "强制",
            "right_A": "on",
            "points": "1",
            "difficulty": "medium",
            "category": "人民调解",
            "tags": "调解",
        },
        follow=True,
    )

    assert "was used in 1 attempt" in page
    assert "makes a new version" in page
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert question.versions.get(number=1).stem == "<p>第0题：调解原则？</p>"
    assert "Saved as version 2" in response.content.decode()
    assert AuditEntry.objects.filter(action="question.new_version").count() == 1


def test_the_type_of_an_existing_question_cannot_change(client_for, bank):
    question = add(bank)[0]

    client_for("trainer").post(
        f"/assessments/questions/{question.pk}/edit/",
        {
            "type": "essay",
            "stem": "<p>改</p>",
            "choice_A": "自愿",
            "choice_B": "强制",
            "right_B": "on",
            "points": "1",
            "difficulty": "easy",
        },
    )

    question.refresh_from_db()
    assert question.type == Question.Type.SINGLE
    assert question.current_version.answer == ["B"]


def upload(client, name, data, **fields):
    return client.post(
        "/assessments/banks/import/",
        {"bank_name": "导入题库", "file": SimpleUploadedFile(name, data), **fields},
    )


def test_the_import_page_reports_every_problem_and_imports_nothing(client_for, db):
    data = "题一\nA. 甲\nB. 乙\nANSWER: E\n".encode()

    response = upload(client_for("trainer"), "questions.txt", data)

    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Question 1" in page
    assert "The answer E is not one of the choices (A–B)." in page
    assert "the browser forgets the chosen file" in page
    assert not QuestionBank.objects.filter(name="导入题库").exists()


def test_an_import_with_skipped_questions_lists_them(client_for, db):
    response = upload(
        client_for("trainer"), "moodle.xml", (DATA / "moodle_sample.xml").read_bytes()
    )

    page = response.content.decode()
    assert "5 questions imported" in page
    assert "3 questions of types we do not support were skipped" in page
    assert "法律与施行年份配对" in page
    assert AuditEntry.objects.get(action="questions.import").details["imported"] == 5


def test_a_clean_import_goes_to_the_bank(client_for, db):
    response = upload(
        client_for("trainer"),
        "aiken.txt",
        (DATA / "sample_aiken.txt").read_bytes(),
        format="aiken",
    )

    bank = QuestionBank.objects.get(name="导入题库")
    assert response["Location"] == f"/assessments/banks/{bank.pk}/"
    assert bank.questions.count() == 2


def test_export_downloads_each_format(client_for, bank):
    add(bank)
    client = client_for("reviewer")

    xml = client.get(f"/assessments/banks/{bank.pk}/export/moodlexml/")
    gift = client.get(f"/assessments/banks/{bank.pk}/export/gift/")
    xlsx = client.get(f"/assessments/banks/{bank.pk}/export/xlsx/")

    assert b'<question type="multichoice">' in xml.content
    assert "attachment" in xml["Content-Disposition"]
    assert "::第0题：调解原则？::" in gift.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B2"].value == "第0题：调解原则？"
    assert client.get(f"/assessments/banks/{bank.pk}/export/pdf/").status_code == 404


def test_the_template_download_is_the_xlsx_template(client_for, db):
    response = client_for("trainer").get("/assessments/banks/template.xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["题库", "说明"]
    assert book["题库"].max_row == 13


def test_the_new_question_form_offers_eight_choice_rows(client_for, bank):
    page = (
        client_for("trainer")
        .get(f"/assessments/banks/{bank.pk}/questions/new/")
        .content.decode()
    )

    assert page.count('class="choice-row"') == 8
    assert 'name="choice_H"' in page
    assert 'name="right_A"' in page
    assert "mark each blank with （ ） or ____" in page


def test_a_trainer_writes_a_fill_in_question(client_for, bank):
    client_for("trainer").post(
        f"/assessments/banks/{bank.pk}/questions/new/",
        {
            "type": "fill",
            "stem": "居委会每届任期____年，由____组成。",
            "blanks": "五|5\n全体居民",
            "points": "2",
            "difficulty": "easy",
        },
    )

    question = Question.objects.get()
    assert question.current_version.answer == [["五", "5"], ["全体居民"]]
    assert question.current_version.stem == "<p>居委会每届任期____年，由____组成。</p>"
