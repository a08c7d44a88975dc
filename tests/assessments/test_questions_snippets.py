"""Questions and banks in the Wagtail admin: listed and chosen, never edited there."""

import pytest
from django.conf import settings

from assessments.models import Question
from assessments.services.questions import bank_get_or_create, question_create


@pytest.fixture
def question(db):
    return question_create(
        bank=bank_get_or_create(name="民法典题库"),
        type=Question.Type.TRUE_FALSE,
        stem="<p>民法典自2021年1月1日起施行。</p>",
        answer=["T"],
        name="民法典施行",
    )


@pytest.fixture
def en(client_for):
    def make(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.mark.parametrize("persona", ["trainer", "reviewer", "admin"])
def test_trainers_reviewers_and_admins_list_and_choose_questions(en, question, persona):
    client = en(persona)

    listing = client.get("/admin/snippets/assessments/question/")
    chooser = client.get("/admin/snippets/choose/assessments/question/")

    assert listing.status_code == 200
    assert "民法典施行" in listing.content.decode()
    assert chooser.status_code == 200
    assert "民法典施行" in chooser.json()["html"]


@pytest.mark.parametrize("persona", ["trainer", "admin"])
def test_nobody_adds_or_edits_questions_through_wagtail(en, question, persona):
    client = en(persona)

    add = client.get("/admin/snippets/assessments/question/add/")
    edit = client.get(f"/admin/snippets/assessments/question/edit/{question.pk}/")

    assert add.status_code in (302, 403)
    assert edit.status_code in (302, 403)
    question.refresh_from_db()
    assert question.name == "民法典施行"


def test_the_wagtail_menu_links_to_the_bank_pages(en, question):
    page = en("trainer").get("/admin/").content.decode()

    assert "/assessments/banks/" in page


def test_admins_see_questions_read_only_in_the_django_admin(en, question):
    client = en("admin")

    page = client.get(f"/django-admin/assessments/question/{question.pk}/change/")

    assert page.status_code == 200
    assert "民法典自2021年1月1日起施行。" in page.content.decode()
    assert client.get("/django-admin/assessments/question/add/").status_code == 403
