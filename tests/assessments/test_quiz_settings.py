"""Quiz settings for trainers: the Wagtail snippet and its validation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Quiz, QuizDrawRule, QuizQuestion
from assessments.snippets.quizzes import QuizViewSet
from tests.factories.assessments import (
    QuestionBankFactory,
    QuestionCategoryFactory,
    QuestionFactory,
)
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db


def form_data(course, fixed=(), rules=(), **fields):
    data = {
        "title": "民法典期末考试",
        "kind": "final",
        "course": str(course.pk),
        "description": "",
        "is_published": "on",
        "attempts_allowed": "2",
        "pass_percent": "60",
        "grading_method": "highest",
        "multiple_scoring": "all",
        "review_policy": "passed",
        "opens_at": "",
        "closes_at": "",
        "time_limit_minutes": "30",
        "fixed_questions-TOTAL_FORMS": str(len(fixed)),
        "fixed_questions-INITIAL_FORMS": "0",
        "fixed_questions-MIN_NUM_FORMS": "0",
        "fixed_questions-MAX_NUM_FORMS": "1000",
        "draw_rules-TOTAL_FORMS": str(len(rules)),
        "draw_rules-INITIAL_FORMS": "0",
        "draw_rules-MIN_NUM_FORMS": "0",
        "draw_rules-MAX_NUM_FORMS": "1000",
    }
    for n, question in enumerate(fixed):
        data[f"fixed_questions-{n}-question"] = str(question.pk)
        data[f"fixed_questions-{n}-points"] = ""
        data[f"fixed_questions-{n}-ORDER"] = str(n + 1)
    for n, rule in enumerate(rules):
        for key, value in rule.items():
            data[f"draw_rules-{n}-{key}"] = str(value)
        data[f"draw_rules-{n}-ORDER"] = str(n + 1)
    data.update(fields)
    return data


def bound_form(data):
    handler = QuizViewSet.edit_handler.bind_to_model(Quiz)
    return handler.get_form_class()(data=data, instance=Quiz(), for_user=None)


@pytest.fixture
def course():
    return CoursePageFactory()


def test_a_quiz_with_fixed_questions_and_a_draw_rule_saves(course):
    bank = QuestionBankFactory()
    fixed = QuestionFactory(bank=bank)
    for _ in range(3):
        QuestionFactory(bank=bank, difficulty="easy")
    form = bound_form(
        form_data(
            course,
            fixed=[fixed],
            rules=[{"bank": bank.pk, "category": "", "difficulty": "easy", "count": 3}],
        )
    )

    assert form.is_valid(), (form.errors, [f.errors for f in form.formsets.values()])
    quiz = form.save()

    assert QuizQuestion.objects.get(quiz=quiz).question == fixed
    assert QuizDrawRule.objects.get(quiz=quiz).count == 3


def test_it_refuses_a_draw_rule_with_too_few_active_questions(course):
    bank = QuestionBankFactory()
    category = QuestionCategoryFactory(bank=bank, name="合同编")
    fixed = QuestionFactory(bank=bank, category=category)
    QuestionFactory(bank=bank, category=category)
    QuestionFactory(bank=bank, category=category, is_active=False)
    rule = {"bank": bank.pk, "category": category.pk, "difficulty": "", "count": 2}
    form = bound_form(form_data(course, fixed=[fixed], rules=[rule]))

    assert not form.is_valid()
    errors = form.formsets["draw_rules"].forms[0].errors["count"]
    assert "Only 1 active questions match" in errors[0]


def test_it_refuses_a_closing_time_before_the_opening_time(course):
    now = timezone.now()
    data = form_data(
        course,
        fixed=[QuestionFactory()],
        opens_at=(now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        closes_at=(now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    )

    form = bound_form(data)

    assert not form.is_valid()
    assert "closes_at" in form.errors


def test_it_needs_a_course_and_questions(course):
    data = form_data(course)
    data["course"] = ""

    form = bound_form(data)

    assert not form.is_valid()
    assert "course" in form.errors
    assert form.non_field_errors()


def test_a_category_of_another_bank_is_refused(course):
    bank = QuestionBankFactory()
    QuestionFactory(bank=bank)
    other = QuestionCategoryFactory(name="别的题库分类")
    rule = {"bank": bank.pk, "category": other.pk, "difficulty": "", "count": 1}

    form = bound_form(form_data(course, rules=[rule]))

    assert not form.is_valid()
    assert "category" in form.formsets["draw_rules"].forms[0].errors


def test_a_trainer_opens_the_quiz_editor(client_for, course):
    client = client_for("trainer")

    listing = client.get("/admin/snippets/assessments/quiz/")
    add = client.get("/admin/snippets/assessments/quiz/add/")

    assert listing.status_code == 200
    assert add.status_code == 200
    assert "draw_rules-TOTAL_FORMS" in add.content.decode()
