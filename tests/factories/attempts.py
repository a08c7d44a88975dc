"""Attempts built directly from rows, for tests of marking, regrades and statistics.

    attempt = attempt_submitted(quiz=quiz, user=worker, answers={q1: ["A"],
                                essay: {"text": "…"}})
        # items scored with the key as it is (assessments.grading); essays wait
        # for marking (status MARKING) or the attempt is FINISHED with its score.
    attempt = attempt_finished(quiz=quiz, user=worker, scores={q1: 1, q2: 0})
        # a finished attempt whose items have exactly these scores.

The quiz's fixed questions give the items, in order; points come from the quiz
question or the question's current version.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from assessments.grading import item_score
from assessments.models import Attempt, AttemptItem, QuizQuestion


def _slots(quiz):
    return [
        (qq.question, qq.points or qq.question.current_version.points)
        for qq in QuizQuestion.objects.filter(quiz=quiz)
        .select_related("question__current_version")
        .order_by("sort_order", "id")
    ]


def _next_number(quiz, user) -> int:
    return Attempt.objects.filter(quiz=quiz, user=user).count() + 1


def _finish(attempt: Attempt, items: list[AttemptItem]) -> Attempt:
    score = sum((i.score or Decimal(0) for i in items), Decimal(0))
    max_score = sum((i.points for i in items), Decimal(0))
    attempt.max_score = max_score
    if any(i.needs_marking for i in items):
        attempt.status = Attempt.Status.MARKING
    else:
        attempt.status = Attempt.Status.FINISHED
        attempt.score = score
        attempt.percent = (score * 100 / max_score).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        attempt.passed = attempt.percent >= attempt.quiz.pass_percent
    attempt.save()
    return attempt


def attempt_submitted(*, quiz, user, answers: dict, submitted_at=None) -> Attempt:
    """A submitted attempt graded with today's keys; essays wait for marking."""
    submitted_at = submitted_at or timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=_next_number(quiz, user),
        started_at=submitted_at - timedelta(minutes=10),
        submitted_at=submitted_at,
        seq=len(answers) + 1,
    )
    items = []
    for position, (question, points) in enumerate(_slots(quiz), start=1):
        version = question.current_version
        answer = answers.get(question)
        score = item_score(
            version=version,
            answer=answer,
            points=points,
            multiple_scoring=quiz.multiple_scoring,
        )
        items.append(
            AttemptItem.objects.create(
                attempt=attempt,
                position=position,
                version=version,
                points=points,
                choice_order=[c["key"] for c in version.choices],
                answer=answer,
                answered_at=submitted_at if answer is not None else None,
                score=score,
                needs_marking=score is None,
            )
        )
    return _finish(attempt, items)


def attempt_finished(*, quiz, user, scores: dict, submitted_at=None) -> Attempt:
    """A finished attempt whose items have exactly the given scores."""
    submitted_at = submitted_at or timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=_next_number(quiz, user),
        started_at=submitted_at - timedelta(minutes=10),
        submitted_at=submitted_at,
    )
    items = [
        AttemptItem.objects.create(
            attempt=attempt,
            position=position,
            version=question.current_version,
            points=points,
            score=Decimal(str(scores.get(question, 0))),
        )
        for position, (question, points) in enumerate(_slots(quiz), start=1)
    ]
    return _finish(attempt, items)
