"""A worker takes a timed lesson quiz on a phone, reloads midway, and finishes.

The quiz shows the score only: after handing in, the worker sees the score and
no right answer or explanation.
"""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, Quiz
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import PASSWORD

from .helpers import no_sideways_scroll, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

EXPLANATION = "依据人民调解法第三条EXPL"


@pytest.fixture
def lesson_with_quiz():
    course = CoursePageFactory(title="人民调解实务")
    questions = [
        QuestionFactory(
            type="single",
            stem="<p>人民调解委员会调解民间纠纷，应当遵循什么原则？</p>",
            answer=["A"],
            explanation=f"<p>{EXPLANATION}</p>",
        ),
        QuestionFactory(
            type="truefalse",
            stem="<p>人民调解委员会调解民间纠纷可以收取费用。</p>",
            answer=["F"],
            explanation=f"<p>{EXPLANATION}</p>",
        ),
        QuestionFactory(
            type="short",
            stem="<p>调解协议经哪一机关确认后具有强制执行力？</p>",
            answer=["人民法院"],
        ),
    ]
    quiz = QuizFactory(
        title="人民调解随堂测验",
        course=course,
        questions=questions,
        time_limit_minutes=10,
        review_policy=Quiz.Review.SCORE_ONLY,
    )
    lesson = LessonPageFactory(
        course=course,
        title="调解的原则",
        body=[
            ("rich_text", "<p>人民调解坚持自愿、平等、合法的原则。</p>"),
            ("quiz", {"title": "", "quiz_id": quiz.pk}),
        ],
    )
    return lesson, quiz


def answer_and_wait(page, action):
    """Do something that autosaves and wait for the server's answer."""
    with page.expect_response(lambda r: r.url.endswith("/answer/")) as saved:
        action()
    assert saved.value.status == 200, saved.value.text()


def seconds(timer_text: str) -> int:
    minutes, secs = timer_text.strip().split(":")[-2:]
    return int(minutes) * 60 + int(secs)


def test_a_worker_takes_a_timed_quiz_on_a_phone_reloads_and_sees_only_the_score(
    phone, worker, lesson_with_quiz
):
    lesson, quiz = lesson_with_quiz
    sign_in(phone, "worker", password=PASSWORD, landing=r"/learning/$")

    phone.goto(lesson.url)
    block = phone.locator(".block-quiz")
    expect(block).to_contain_text("人民调解随堂测验")
    block.get_by_role("link").click()
    expect(phone).to_have_url(re.compile(rf"/quiz/{quiz.pk}/$"))
    phone.locator("form button.primary").click()
    expect(phone).to_have_url(re.compile(r"/quiz/attempt/\d+/$"))
    assert no_sideways_scroll(phone), "the attempt page is wider than a 360 px phone"

    timer = phone.locator(".quiz-timer-value")
    expect(timer).to_have_text(re.compile(r"^(10:00|09:\d\d)$"))
    first = phone.locator("fieldset[data-position='1']")
    third = phone.locator("fieldset[data-position='3']")
    answer_and_wait(phone, lambda: first.get_by_text("依法调解").click())
    answer_and_wait(
        phone,
        lambda: (
            third.locator("input[type=text]").fill("人民法院"),
            third.locator("input[type=text]").press("Tab"),
        ),
    )
    before_reload = seconds(timer.inner_text())

    phone.reload()

    expect(first.locator("input[value='A']")).to_be_checked()
    expect(third.locator("input[type=text]")).to_have_value("人民法院")
    left = seconds(timer.inner_text())
    assert 0 < left <= before_reload
    assert left > 9 * 60 - 30

    second = phone.locator("fieldset[data-position='2']")
    answer_and_wait(phone, lambda: second.locator("input[value='F']").check())
    phone.locator("#quiz-hand-in").click()
    confirm = phone.locator("#quiz-confirm")
    expect(confirm).to_be_visible()
    expect(phone.locator("#quiz-unanswered")).to_have_attribute(
        "data-none", re.compile(".+")
    )
    phone.locator("#quiz-confirm-yes").click()

    expect(phone).to_have_url(re.compile(r"/quiz/attempt/\d+/review/$"))
    expect(phone.locator(".quiz-score-big")).to_have_text("100%")
    html = phone.content()
    assert EXPLANATION not in html
    assert "人民调解委员会调解民间纠纷" not in html  # no questions, no answers
    attempt = Attempt.objects.get(quiz=quiz, user=worker)
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.percent == 100
