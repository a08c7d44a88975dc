"""The lesson quiz block, the final exam on the course page, and the completion rule."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.completion import required_quizzes_passed
from assessments.models import Quiz
from assessments.services.attempts import attempt_start, attempt_submit
from courses.models import Enrolment
from courses.services.learning import enrolment_create, lesson_complete
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.courses import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    def make(persona):
        client = client_for(persona)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def quiz_for(course, **kwargs):
    return QuizFactory(
        course=course, questions=[QuestionFactory(type="single")], **kwargs
    )


def quiz_block(quiz, title=""):
    return ("quiz", {"title": title, "quiz_id": quiz.pk})


def pass_quiz(quiz, user, right=True):
    attempt = attempt_start(quiz=quiz, user=user)
    return attempt_submit(
        attempt=attempt, seq=attempt.seq, answers={1: "A" if right else "B"}
    )


@pytest.fixture
def course():
    return CoursePageFactory(title="人民调解法解读", credit_hours=Decimal("2"))


# --- the lesson's quiz block ------------------------------------------------------


def test_the_quiz_block_shows_the_quiz_and_the_workers_state(
    client_for, worker, course
):
    quiz = quiz_for(course, title="第一课随堂测验")
    lesson = LessonPageFactory(course=course, body=[quiz_block(quiz)])
    client = client_for("worker")

    before = client.get(lesson.url).content.decode()
    pass_quiz(quiz, worker)
    after = client.get(lesson.url).content.decode()

    assert "第一课随堂测验" in before
    assert "Not started" in before
    assert f'href="/quiz/{quiz.pk}/"' in before
    assert "Take the quiz" in before
    assert "Passed · 100%" in after


def test_a_block_without_a_quiz_it_may_show_says_it_opens_soon(client_for, course):
    lesson = LessonPageFactory(
        course=course, body=[("quiz", {"title": "测验", "quiz_id": 999999})]
    )

    html = client_for("worker").get(lesson.url).content.decode()

    assert "The quiz for this lesson will open soon." in html


def test_quiz_blocks_cost_the_same_queries_however_many(
    client_for, worker, course, no_page_cache
):
    one = LessonPageFactory(course=course, body=[quiz_block(quiz_for(course))])
    three = LessonPageFactory(
        course=course, body=[quiz_block(quiz_for(course)) for _ in range(3)]
    )
    client = client_for("worker")
    client.get(one.url)  # warm the caches both pages share

    with CaptureQueriesContext(connection) as first:
        client.get(one.url)
    with CaptureQueriesContext(connection) as second:
        client.get(three.url)

    assert len(first) == len(second)


# --- the final exam on the course page -------------------------------------------


def test_the_course_page_shows_the_final_exam(client_for, worker, course):
    exam = quiz_for(course, kind=Quiz.Kind.FINAL, title="人民调解法结业考试")
    LessonPageFactory(course=course)
    enrolment_create(user=worker, course=course)

    html = client_for("worker").get(course.url).content.decode()

    assert "Final exam" in html
    assert "人民调解法结业考试" in html
    assert f'href="/quiz/{exam.pk}/"' in html


def test_a_course_without_a_final_exam_shows_no_panel(client_for, worker, course):
    LessonPageFactory(course=course)

    html = client_for("worker").get(course.url).content.decode()

    assert "course-final-exam" not in html


# --- the completion rule ------------------------------------------------------------


def test_the_course_completes_only_when_the_required_quizzes_are_passed(
    client_for, worker, course
):
    lesson_quiz = quiz_for(course, title="第一课随堂测验")
    practice = quiz_for(course, title="选学练习")
    exam = quiz_for(course, kind=Quiz.Kind.FINAL, title="结业考试", attempts_allowed=3)
    required = LessonPageFactory(course=course, body=[quiz_block(lesson_quiz)])
    optional = LessonPageFactory(
        course=course, required=False, body=[quiz_block(practice)]
    )
    enrolment = enrolment_create(user=worker, course=course)

    lesson_complete(user=worker, lesson=required)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert required_quizzes_passed(enrolment) == (
        "Pass the quiz “第一课随堂测验” in a required lesson to complete this course."
    )

    pass_quiz(lesson_quiz, worker)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    html = client_for("worker").get(course.url).content.decode()
    assert "Pass the final exam “结业考试” to complete this course." in html

    pass_quiz(exam, worker, right=False)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS

    pass_quiz(exam, worker)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert optional.pk  # its practice quiz was never needed


def test_a_course_without_quizzes_is_not_held_back(worker, course):
    lesson = LessonPageFactory(course=course)
    enrolment = enrolment_create(user=worker, course=course)

    lesson_complete(user=worker, lesson=lesson)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert required_quizzes_passed(enrolment) is True


def test_an_unpublished_quiz_is_not_required(worker, course):
    hidden = quiz_for(course, is_published=False)
    lesson = LessonPageFactory(course=course, body=[quiz_block(hidden)])
    enrolment = enrolment_create(user=worker, course=course)

    lesson_complete(user=worker, lesson=lesson)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
