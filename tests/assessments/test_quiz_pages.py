"""The worker's quiz pages: intro, attempt, autosave JSON, submit, review.

Secrets (right answers, fractions, explanations, rubrics, choice feedback) are
unique strings so that the tests can say they appear nowhere before the review
policy allows it.
"""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, AttemptItem, Quiz
from assessments.services.attempts import GRACE, attempt_start, attempt_submit
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db

SECRETS = [
    "KEY短答7731",
    "KEY填空5521",
    "EXPL解析9911",
    "RUBRIC评分8812",
    "FEEDBACK选项3321",
]


@pytest.fixture
def client_for(client_for):
    """The personas' clients, reading the English msgids (translations come later)."""

    def make(persona):
        client = client_for(persona)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def secret_questions():
    choices = [
        {
            "key": "A",
            "text": "依法调解",
            "fraction": 1.0,
            "feedback": "FEEDBACK选项3321",
        },
        {"key": "B", "text": "强制调解", "fraction": -0.5, "feedback": ""},
        {"key": "C", "text": "收费调解", "fraction": 0.0, "feedback": ""},
    ]
    return [
        QuestionFactory(
            type="single",
            stem="<p>人民调解应当遵循什么原则？</p>",
            choices=choices,
            answer=["A"],
            explanation="<p>EXPL解析9911</p>",
        ),
        QuestionFactory(
            type="fill",
            stem="<p>调解协议经___确认后有强制执行力。</p>",
            answer=[["KEY填空5521"]],
            explanation="<p>EXPL解析9911</p>",
        ),
        QuestionFactory(
            type="short",
            stem="<p>调解的首要原则是什么？</p>",
            answer=["KEY短答7731"],
        ),
        QuestionFactory(
            type="essay",
            stem="<p>谈谈你对矛盾纠纷调解的理解。</p>",
            answer=[],
            rubric="RUBRIC评分8812",
            points=5,
        ),
    ]


def no_secrets(text: str):
    found = [s for s in SECRETS if s in text]
    assert not found, f"leaked: {found}"
    assert "fraction" not in text


@pytest.fixture
def quiz():
    return QuizFactory(
        title="人民调解随堂测验",
        questions=secret_questions(),
        review_policy=Quiz.Review.SCORE_ONLY,
        time_limit_minutes=20,
    )


def simple_quiz(**kwargs):
    questions = [
        QuestionFactory(type="single", answer=["A"], explanation="<p>EXPL解析9911</p>"),
        QuestionFactory(type="short", answer=["KEY短答7731"]),
    ]
    return QuizFactory(questions=questions, **kwargs)


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def answer_url(attempt):
    return reverse("assessments:quiz_answer", args=[attempt.pk])


# --- intro and start ---------------------------------------------------------------


def test_the_intro_shows_the_rules_and_a_start_button(client_for, quiz):
    html = client_for("worker").get(f"/quiz/{quiz.pk}/").content.decode()

    assert "人民调解随堂测验" in html
    assert "20 minutes" in html
    assert "0 of 2 used" in html
    assert "Start the quiz" in html
    assert "Not started" in html


def test_starting_opens_the_attempt_page(client_for, worker, quiz):
    client = client_for("worker")

    response = client.post(f"/quiz/{quiz.pk}/start/")

    attempt = Attempt.objects.get(quiz=quiz, user=worker)
    assert response["Location"] == f"/quiz/attempt/{attempt.pk}/"
    assert client.post(f"/quiz/{quiz.pk}/start/")["Location"] == response["Location"]
    assert Attempt.objects.filter(quiz=quiz, user=worker).count() == 1


def test_the_intro_says_when_every_attempt_is_used(client_for, worker, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=attempt, seq=0)
    client = client_for("worker")

    html = client.get(f"/quiz/{quiz.pk}/").content.decode()
    refused = client.post(f"/quiz/{quiz.pk}/start/", follow=True).content.decode()

    assert "You have used all 1 attempts at this quiz." in html
    assert "Start a new attempt" not in html
    assert "You have used all 1 attempts at this quiz." in refused
    assert Attempt.objects.filter(quiz=quiz, user=worker).count() == 1


def test_a_quiz_not_open_yet_cannot_be_started(client_for, worker):
    quiz = simple_quiz(opens_at=timezone.now() + timedelta(days=2))
    client = client_for("worker")

    html = client.get(f"/quiz/{quiz.pk}/").content.decode()
    client.post(f"/quiz/{quiz.pk}/start/")

    assert "This quiz opens on" in html
    assert not Attempt.objects.filter(user=worker).exists()


# --- the attempt page ---------------------------------------------------------------


def test_the_attempt_page_shows_questions_but_no_answers(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    html = client_for("worker").get(f"/quiz/attempt/{attempt.pk}/").content.decode()

    assert "人民调解应当遵循什么原则？" in html
    assert "依法调解" in html
    assert "谈谈你对矛盾纠纷调解的理解。" in html
    assert 'name="q2_1"' in html
    assert 'name="seq" value="0"' in html
    no_secrets(html)


def test_the_answer_json_reveals_nothing(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("worker")

    bodies = [
        post_json(client, answer_url(attempt), payload).content.decode()
        for payload in (
            {"position": 1, "answer": ["B"], "seq": 0},
            {"position": 2, "answer": ["错的"], "seq": 1},
            {"position": 3, "answer": "KEY短答", "seq": 2},
            {"position": 1, "answer": ["A"], "seq": 0},  # stale
            {"position": 1, "answer": ["Z"], "seq": 3},  # invalid
        )
    ]

    assert json.loads(bodies[0]) == {"ok": True, "seq": 1, "remaining": 1200}
    for body in bodies:
        no_secrets(body)
        assert "right" not in body
        assert "score" not in body


def test_autosave_json_stores_the_answer_and_returns_the_new_seq(
    client_for, worker, quiz
):
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("worker")

    first = post_json(
        client, answer_url(attempt), {"position": 1, "answer": ["A"], "seq": 0}
    )
    again = post_json(
        client, answer_url(attempt), {"position": 1, "answer": ["A"], "seq": 1}
    )

    assert first.status_code == 200
    assert first.json()["seq"] == 1
    assert again.json()["seq"] == 1
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == ["A"]


def test_a_stale_seq_gets_409_and_changes_nothing(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("worker")
    post_json(client, answer_url(attempt), {"position": 1, "answer": ["A"], "seq": 0})

    response = post_json(
        client, answer_url(attempt), {"position": 1, "answer": ["B"], "seq": 0}
    )

    assert response.status_code == 409
    assert response.json()["error"] == "stale"
    assert response.json()["seq"] == 1
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == ["A"]
    assert Attempt.objects.get(pk=attempt.pk).seq == 1


def test_it_rejects_answers_after_the_deadline(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - GRACE - timedelta(seconds=5)
    )

    response = post_json(
        client_for("worker"),
        answer_url(attempt),
        {"position": 1, "answer": ["A"], "seq": 0},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "closed"
    assert "Time is up" in body["message"]
    assert body["review_url"] == f"/quiz/attempt/{attempt.pk}/review/"
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer is None
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING or attempt.closed_by_timeout
    assert attempt.closed_by_timeout


def test_a_malformed_request_is_refused(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    response = client_for("worker").post(
        answer_url(attempt), "not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert Attempt.objects.get(pk=attempt.pk).seq == 0


def test_a_reload_resumes_with_saved_answers_and_the_time_left(
    client_for, worker, quiz
):
    attempt = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + timedelta(minutes=7, seconds=30)
    )
    client = client_for("worker")
    post_json(client, answer_url(attempt), {"position": 1, "answer": ["B"], "seq": 0})
    post_json(
        client, answer_url(attempt), {"position": 3, "answer": "我的答案", "seq": 1}
    )

    html = client.get(f"/quiz/attempt/{attempt.pk}/").content.decode()

    assert re.search(r'value="B"\s+checked', html)
    assert not re.search(r'value="A"\s+checked', html)
    assert 'value="我的答案"' in html
    assert 'name="seq" value="2"' in html
    remaining = int(re.search(r'data-remaining="(\d+)"', html).group(1))
    assert 440 <= remaining <= 450
    assert re.search(r"0[67]:\d\d", html)


def test_an_expired_attempt_page_closes_it_and_shows_the_result(
    client_for, worker, quiz
):
    attempt = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=5)
    )

    response = client_for("worker").get(f"/quiz/attempt/{attempt.pk}/", follow=True)

    assert response.redirect_chain[-1][0] == f"/quiz/attempt/{attempt.pk}/review/"
    assert "Time is up" in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).closed_by_timeout


# --- submit -------------------------------------------------------------------------


def test_the_plain_form_submits_every_answer_and_grades(client_for, worker):
    quiz = simple_quiz(review_policy=Quiz.Review.SCORE_ONLY)
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("worker")

    response = client.post(
        f"/quiz/attempt/{attempt.pk}/submit/",
        {"seq": "0", "answers_included": "1", "q1": "A", "q2": "ｋｅｙ短答７７３１。"},
        follow=True,
    )

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.percent == Decimal("100.00")
    html = response.content.decode()
    assert "100%" in html
    assert "Passed" in html
    assert "Your answers are handed in." in html


def test_a_second_submit_gets_409_and_changes_nothing(client_for, worker):
    quiz = simple_quiz()
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("worker")
    client.post(f"/quiz/attempt/{attempt.pk}/submit/", {"seq": "0"})
    before = Attempt.objects.get(pk=attempt.pk)

    response = client.post(
        f"/quiz/attempt/{attempt.pk}/submit/",
        {"seq": "0", "answers_included": "1", "q1": "A"},
    )

    assert response.status_code == 409
    assert "Nothing was changed by this request." in response.content.decode()
    after = Attempt.objects.get(pk=attempt.pk)
    assert (after.seq, after.score) == (before.seq, before.score)
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer is None


def test_a_late_submit_grades_what_was_saved_in_time(client_for, worker):
    quiz = simple_quiz()
    attempt = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - GRACE - timedelta(seconds=1)
    )

    response = client_for("worker").post(
        f"/quiz/attempt/{attempt.pk}/submit/",
        {"seq": "0", "answers_included": "1", "q1": "A"},
        follow=True,
    )

    assert "Time was up before your answers arrived" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.closed_by_timeout
    assert attempt.score == Decimal("0.00")


# --- review -------------------------------------------------------------------------


def test_score_only_review_shows_no_answers(client_for, worker):
    quiz = simple_quiz(review_policy=Quiz.Review.SCORE_ONLY)
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=attempt, seq=0, answers={1: "A", 2: "KEY短答7731"})

    html = client_for("worker").get(f"/quiz/attempt/{attempt.pk}/review/").content
    html = html.decode()

    assert "100%" in html
    assert "This quiz shows the score only." in html
    assert "EXPL解析9911" not in html
    assert "right answer" not in html
    # The worker's own text is not shown either: per-item marks would tell.
    assert "KEY短答7731" not in html


def test_once_passed_review_shows_answers_only_after_a_pass(client_for, worker):
    quiz = simple_quiz(review_policy=Quiz.Review.ONCE_PASSED, attempts_allowed=3)
    client = client_for("worker")
    failed = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=failed, seq=0, answers={1: "B"})

    before = client.get(f"/quiz/attempt/{failed.pk}/review/").content.decode()

    assert "The answers are shown once you have passed." in before
    assert "EXPL解析9911" not in before
    assert "KEY短答7731" not in before

    passed = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=passed, seq=0, answers={1: "A", 2: "KEY短答7731"})
    after = client.get(f"/quiz/attempt/{passed.pk}/review/").content.decode()

    assert "EXPL解析9911" in after
    assert "KEY短答7731" in after
    assert "right answer" in after


def test_no_answers_while_another_attempt_is_in_progress(client_for, worker):
    quiz = simple_quiz(review_policy=Quiz.Review.ONCE_PASSED, attempts_allowed=3)
    passed = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=passed, seq=0, answers={1: "A", 2: "KEY短答7731"})
    attempt_start(quiz=quiz, user=worker)

    html = client_for("worker").get(f"/quiz/attempt/{passed.pk}/review/").content
    html = html.decode()

    assert "EXPL解析9911" not in html


def test_after_close_review_waits_for_the_closing_time(client_for, worker):
    closes = timezone.now() + timedelta(hours=1)
    quiz = simple_quiz(review_policy=Quiz.Review.AFTER_CLOSE, closes_at=closes)
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=attempt, seq=0, answers={1: "A"})
    client = client_for("worker")

    before = client.get(f"/quiz/attempt/{attempt.pk}/review/").content.decode()
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(1))
    after = client.get(f"/quiz/attempt/{attempt.pk}/review/").content.decode()

    assert "The answers are shown after the quiz closes." in before
    assert "EXPL解析9911" not in before
    assert "EXPL解析9911" in after


def test_the_review_never_shows_the_rubric(client_for, worker, quiz):
    quiz.review_policy = Quiz.Review.ONCE_PASSED
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(
        attempt=attempt,
        seq=0,
        answers={1: "A", 2: ["KEY填空5521"], 3: "KEY短答7731", 4: "我的论述"},
    )
    item = AttemptItem.objects.get(attempt=attempt, position=4)
    item.score, item.needs_marking, item.marked_at = 5, False, timezone.now()
    item.feedback = "论述清楚"
    item.save()
    from assessments.services.attempts import attempt_finalise

    attempt_finalise(attempt=attempt)

    html = client_for("worker").get(f"/quiz/attempt/{attempt.pk}/review/").content
    html = html.decode()

    assert "论述清楚" in html
    assert "EXPL解析9911" in html
    assert "RUBRIC评分8812" not in html


def test_the_review_of_an_attempt_waiting_for_marking(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=attempt, seq=0, answers={4: "我的论述"})

    html = client_for("worker").get(f"/quiz/attempt/{attempt.pk}/review/").content
    html = html.decode()

    assert "waiting for a trainer to mark them" in html
    no_secrets(html)


# --- who may see what --------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "review/"])
def test_another_workers_attempt_is_404(client_for, worker, quiz, suffix):
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("other_worker")

    assert client.get(f"/quiz/attempt/{attempt.pk}/{suffix}").status_code == 404


def test_another_workers_attempt_takes_no_answer_or_submit(client_for, worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("other_worker")

    saved = post_json(
        client, answer_url(attempt), {"position": 1, "answer": ["A"], "seq": 0}
    )
    submitted = client.post(f"/quiz/attempt/{attempt.pk}/submit/", {"seq": "0"})

    assert (saved.status_code, submitted.status_code) == (404, 404)
    assert Attempt.objects.get(pk=attempt.pk).seq == 0


def test_a_quiz_in_a_course_the_worker_cannot_see_is_404(client_for, worker, org):
    course = CoursePageFactory(audience=[org["xishan"]])
    quiz = simple_quiz(course=course)
    attempt = attempt_start(quiz=quiz, user=worker)
    client = client_for("worker")

    assert client.get(f"/quiz/{quiz.pk}/").status_code == 404
    assert client.post(f"/quiz/{quiz.pk}/start/").status_code == 404
    assert client.get(f"/quiz/attempt/{attempt.pk}/").status_code == 404
    assert client_for("other_worker").get(f"/quiz/{quiz.pk}/").status_code == 200


def test_only_workers_take_quizzes(client_for, quiz):
    assert client_for("trainer").get(f"/quiz/{quiz.pk}/").status_code == 403
    assert client_for("anonymous").get(f"/quiz/{quiz.pk}/").status_code == 302


# --- constant queries --------------------------------------------------------------


def _many_questions_quiz(count):
    kinds = ["essay", "single", "multiple", "truefalse", "fill", "short"]
    questions = [QuestionFactory(type=kinds[i % len(kinds)]) for i in range(count)]
    return QuizFactory(questions=questions, time_limit_minutes=30)


def _queries(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context)


def _measure(worker, client, count):
    quiz = _many_questions_quiz(count)
    attempt = attempt_start(quiz=quiz, user=worker)
    page = _queries(lambda: client.get(f"/quiz/attempt/{attempt.pk}/"))
    save = _queries(
        lambda: post_json(
            client, answer_url(attempt), {"position": 1, "answer": ["A"], "seq": 0}
        )
    )
    data = {"seq": "1", "answers_included": "1"}
    values = {"truefalse": "T", "essay": "我的论述", "short": "自愿"}
    for item in AttemptItem.objects.filter(attempt=attempt).select_related(
        "version__question"
    ):
        qtype = item.version.question.type
        name = f"q{item.position}_1" if qtype == "fill" else f"q{item.position}"
        data[name] = values.get(qtype, "A")
    submit = _queries(lambda: client.post(f"/quiz/attempt/{attempt.pk}/submit/", data))
    review = _queries(lambda: client.get(f"/quiz/attempt/{attempt.pk}/review/"))
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.MARKING
    return page, save, submit, review


def test_attempt_pages_run_a_constant_number_of_queries(client_for, worker):
    client = client_for("worker")

    small = _measure(worker, client, 5)
    large = _measure(worker, client, 50)

    assert small == large
