"""The 能力框架 menu in the Wagtail admin: admins keep frameworks and competencies,
trainers link courses and questions to competencies with a level."""

import pytest

from assessments.models import (
    Competency,
    CompetencyFramework,
    CourseCompetency,
    QuestionCompetency,
)
from tests.factories.assessments import QuestionFactory
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets/assessments"


def default_framework() -> CompetencyFramework:
    return CompetencyFramework.objects.get(is_default=True)


def test_admin_edits_the_level_names_as_four_fields(client_for):
    framework = default_framework()
    client = client_for("admin")
    url = f"{SNIPPETS}/competencyframework/edit/{framework.pk}/"

    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": framework.name,
            "description": framework.description,
            "level_1": "知道",
            "level_2": "理解",
            "level_3": "会用",
            "level_4": "精通",
            "is_default": "on",
        },
    )

    assert 'value="了解"' in form
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.level_names == ["知道", "理解", "会用", "精通"]


def test_only_one_framework_can_be_the_default(client_for, settings):
    settings.LANGUAGE_CODE = "en"  # the English msgid is read below
    response = client_for("admin").post(
        f"{SNIPPETS}/competencyframework/add/",
        {
            "name": "网格员能力框架",
            "description": "",
            "level_1": "初级",
            "level_2": "中级",
            "level_3": "高级",
            "level_4": "专家",
            "is_default": "on",
        },
    )

    assert "Only one framework can be the default" in response.content.decode()
    assert CompetencyFramework.objects.count() == 1


def test_admin_adds_a_competency_with_what_each_level_means(client_for):
    framework = default_framework()

    response = client_for("admin").post(
        f"{SNIPPETS}/competency/add/",
        {
            "framework": framework.pk,
            "code": "MZ",
            "name": "民族宗教工作",
            "description": "",
            "parent": "",
            "level_1": "知道民族宗教政策。",
            "level_2": "理解政策要点。",
            "level_3": "",
            "level_4": "",
            "sort_order": 9,
        },
    )

    assert response.status_code == 302
    added = Competency.objects.get(code="MZ")
    assert added.level_descriptions == ["知道民族宗教政策。", "理解政策要点。"]


def test_a_trainer_links_a_course_to_a_competency(client_for):
    course = CoursePageFactory(title="突发事件应对法解读")
    emergency = Competency.objects.get(code="YJ", framework__is_default=True)
    client = client_for("trainer")

    form = client.get(f"{SNIPPETS}/coursecompetency/add/")
    response = client.post(
        f"{SNIPPETS}/coursecompetency/add/",
        {"course": course.pk, "competency": emergency.pk, "level": 2},
    )

    assert form.status_code == 200
    assert response.status_code == 302
    link = CourseCompetency.objects.get()
    assert (link.course, link.competency, link.level) == (course, emergency, 2)


def test_a_trainer_links_a_question_to_a_competency(client_for):
    question = QuestionFactory(name="调解协议的效力")
    mediation = Competency.objects.get(code="TJ", framework__is_default=True)

    response = client_for("trainer").post(
        f"{SNIPPETS}/questioncompetency/add/",
        {"question": question.pk, "competency": mediation.pk, "level": 3},
    )

    assert response.status_code == 302
    assert QuestionCompetency.objects.get().level == 3


def test_a_link_level_outside_1_to_4_is_refused(client_for):
    question = QuestionFactory()
    mediation = Competency.objects.get(code="TJ", framework__is_default=True)

    client_for("trainer").post(
        f"{SNIPPETS}/questioncompetency/add/",
        {"question": question.pk, "competency": mediation.pk, "level": 5},
    )

    assert not QuestionCompetency.objects.exists()


def test_a_trainer_may_not_change_the_framework(client_for):
    framework = default_framework()

    response = client_for("trainer").post(
        f"{SNIPPETS}/competencyframework/edit/{framework.pk}/",
        {
            "name": "改名",
            "level_1": "a",
            "level_2": "b",
            "level_3": "c",
            "level_4": "d",
        },
    )

    assert response.status_code in (302, 403)
    framework.refresh_from_db()
    assert framework.name == "社区工作者能力框架"
