"""Item statistics: facility, discrimination, SD and the score distribution."""

import math
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext, ngettext

from assessments.selectors.statistics import (
    HINT_DISCRIMINATION,
    HINT_EASY,
    band_of,
    quiz_statistics_for,
)
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.attempts import attempt_finished, attempt_submitted
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def shown(msgid: str, plural: str | None = None, n: int = 1, **values) -> str:
    """A text as the page shows it in the site's language (Chinese by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = ngettext(msgid, plural, n) if plural else gettext(msgid)
    return text % values if values else text


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def questions():
    return [
        QuestionFactory(type="single", name=f"第{n}题", points=1) for n in (1, 2, 3)
    ]


@pytest.fixture
def quiz(questions):
    return QuizFactory(title="统计测验", questions=questions)


@pytest.fixture
def four_attempts(quiz, questions):
    """Scores by hand (Q1, Q2, Q3) → total:
    a1 1 1 1 → 3 (100%)   a2 1 1 0 → 2 (66.67%)
    a3 1 0 0 → 1 (33.33%) a4 0 0 1 → 1 (33.33%)
    """
    q1, q2, q3 = questions
    people = [UserFactory() for _ in range(4)]
    rows = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1)]
    for person, (s1, s2, s3) in zip(people, rows, strict=True):
        attempt_finished(quiz=quiz, user=person, scores={q1: s1, q2: s2, q3: s3})
    return people


def by_question(stats, questions):
    found = {s.question_id: s for s in stats.questions}
    return [found[q.pk] for q in questions]


def test_facility_is_the_mean_score_as_a_share_of_the_points(
    quiz, questions, four_attempts, trainer
):
    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    q1, q2, q3 = by_question(stats, questions)
    assert (q1.facility, q2.facility, q3.facility) == (75.0, 50.0, 50.0)
    assert q1.attempts == 4


def test_discrimination_is_the_correlation_with_the_rest_of_the_attempt(
    quiz, questions, four_attempts, trainer
):
    # Q2: item x = 1 1 0 0, rest y = 2 1 1 1; cov sum 0.5, Sxx 1, Syy 0.75
    #     r = 0.5 / sqrt(0.75) = 0.5774
    # Q3: x = 1 0 0 1, y = 2 2 1 0; cov sum -0.5, Sxx 1, Syy 2.75
    #     r = -0.5 / sqrt(2.75) = -0.3015
    # Q1: x = 1 1 1 0, y = 2 1 0 1; cov sum 0 → r = 0
    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    q1, q2, q3 = by_question(stats, questions)
    assert q1.discrimination == pytest.approx(0.0)
    assert q2.discrimination == pytest.approx(0.5 / math.sqrt(0.75))
    assert q3.discrimination == pytest.approx(-0.5 / math.sqrt(2.75))


def test_the_standard_deviation_is_a_sample_sd_as_a_share_of_the_points(
    quiz, questions, four_attempts, trainer
):
    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    q1, q2, _q3 = by_question(stats, questions)
    assert q1.sd == pytest.approx(50.0)  # variance 0.75 / 3
    assert q2.sd == pytest.approx(100 * math.sqrt(1 / 3))


def test_weak_questions_are_flagged_with_a_hint(
    quiz, questions, four_attempts, trainer
):
    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    q1, q2, q3 = by_question(stats, questions)
    assert q1.hints == [HINT_DISCRIMINATION]
    assert q2.hints == []
    assert q3.hints == [HINT_DISCRIMINATION]
    assert stats.weak_count == 2


def test_a_question_everyone_gets_right_is_flagged_as_too_easy(trainer):
    easy, hard = QuestionFactory(points=1), QuestionFactory(points=1)
    quiz = QuizFactory(questions=[easy, hard])
    for hard_score in (0, 1, 0):
        attempt_finished(
            quiz=quiz, user=UserFactory(), scores={easy: 1, hard: hard_score}
        )

    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    easy_stats = next(s for s in stats.questions if s.question_id == easy.pk)
    assert easy_stats.facility == 100.0
    assert easy_stats.discrimination is None  # no variance: not computable
    assert easy_stats.hints == [HINT_EASY]


def test_the_distribution_counts_attempts_in_10_percent_bands(
    quiz, four_attempts, trainer
):
    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    assert stats.attempts == 4
    assert stats.bands == [0, 0, 0, 2, 0, 0, 1, 0, 0, 1]
    assert stats.mean == pytest.approx((100 + 66.67 + 33.33 + 33.33) / 4)
    assert stats.median == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("percent", "band"), [(0, 0), (9.99, 0), (10, 1), (59.5, 5), (90, 9), (100, 9)]
)
def test_a_score_falls_in_its_band_and_100_in_the_last(percent, band):
    assert band_of(percent) == band


def test_only_finished_attempts_count(quiz, questions, four_attempts, trainer):
    essay = QuestionFactory(type="essay", points=1)
    other_quiz = QuizFactory(questions=[*questions, essay])
    attempt_submitted(
        quiz=other_quiz, user=UserFactory(), answers={essay: {"text": "待批改"}}
    )
    waiting = attempt_submitted(
        quiz=quiz, user=UserFactory(), answers={questions[0]: ["A"]}
    )
    waiting.status = "marking"
    waiting.save()

    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    assert stats.attempts == 4
    assert all(s.attempts == 4 for s in stats.questions)


def test_first_attempts_only_leaves_out_resits(quiz, questions, four_attempts, trainer):
    q1, q2, q3 = questions
    attempt_finished(quiz=quiz, user=four_attempts[3], scores={q1: 1, q2: 1, q3: 1})

    every = quiz_statistics_for(user=trainer, quiz=quiz, which="all")
    first = quiz_statistics_for(user=trainer, quiz=quiz, which="first")

    assert every.attempts == 5
    assert first.attempts == 4
    assert by_question(first, questions)[0].facility == 75.0
    assert by_question(every, questions)[0].facility == 80.0


def test_questions_are_reported_across_versions_with_the_versions_shown(
    quiz, questions, four_attempts, trainer
):
    from assessments.models import QuestionVersion

    q1 = questions[0]
    old = q1.current_version
    q1.current_version = QuestionVersion.objects.create(
        question=q1, number=2, stem=old.stem, choices=old.choices, answer=["A"]
    )
    q1.save(update_fields=["current_version"])
    attempt_finished(quiz=quiz, user=UserFactory(), scores={q1: 1})

    stats = quiz_statistics_for(user=trainer, quiz=quiz)

    q1_stats = by_question(stats, questions)[0]
    assert q1_stats.versions == [1, 2]
    assert q1_stats.attempts == 5


def test_statistics_take_a_constant_number_of_queries(quiz, questions, trainer):
    def queries_for(n):
        for index in range(n):
            attempt_finished(
                quiz=quiz,
                user=UserFactory(),
                scores={q: (index + i) % 2 for i, q in enumerate(questions)},
            )
        with CaptureQueriesContext(connection) as ctx:
            quiz_statistics_for(user=trainer, quiz=quiz)
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(45) <= 3


# --- the page ---------------------------------------------------------------------


def test_the_page_shows_the_figures_and_an_svg_histogram(
    quiz, four_attempts, client_for
):
    response = client_for("reviewer").get(f"/assessments/quizzes/{quiz.pk}/statistics/")

    body = response.content.decode()
    assert "统计测验" in body
    assert "<svg" in body and body.count('class="bar"') == 10
    assert '<dd id="stats-attempts">4</dd>' in body
    assert '<dd id="stats-median">50.0%</dd>' in body
    assert "75.0%" in body  # Q1's facility
    assert "57.7%" in body  # Q2's discrimination, shown as Moodle does
    assert shown(str(HINT_DISCRIMINATION)) in unescape(body)
    assert "<script" not in body


def test_the_page_keeps_a_constant_number_of_queries(quiz, questions, client_for):
    client = client_for("trainer")

    def queries_for(n):
        for _ in range(n):
            attempt_finished(quiz=quiz, user=UserFactory(), scores={questions[0]: 1})
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/assessments/quizzes/{quiz.pk}/statistics/")
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(50)


def test_the_page_says_so_when_no_attempt_is_finished(quiz, client_for):
    response = client_for("trainer").get(f"/assessments/quizzes/{quiz.pk}/statistics/")

    assert shown(
        "No finished attempt yet: the statistics appear once workers have finished "
        "this quiz (and their essays are marked)."
    ) in page(response)


def test_trainers_get_a_link_to_correct_a_key_reviewers_do_not(
    quiz, questions, four_attempts, client_for
):
    link = f"/assessments/questions/{questions[0].pk}/correct-key/"

    as_trainer = client_for("trainer").get(
        f"/assessments/quizzes/{quiz.pk}/statistics/"
    )
    as_reviewer = client_for("reviewer").get(
        f"/assessments/quizzes/{quiz.pk}/statistics/"
    )

    assert link in as_trainer.content.decode()
    assert link not in as_reviewer.content.decode()
