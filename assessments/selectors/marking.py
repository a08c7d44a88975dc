"""Reads of the marking area: the queue of essays, one item to mark, key corrections."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from assessments.models import Attempt, AttemptItem, Question, QuestionVersion, Quiz
from courses.models import CoursePage


def _markable() -> QuerySet[AttemptItem]:
    # Only submitted attempts are marked; the worker and what the marker needs,
    # nothing else about the worker.
    return (
        AttemptItem.objects.exclude(attempt__status=Attempt.Status.IN_PROGRESS)
        .filter(Q(needs_marking=True) | Q(marked_at__isnull=False))
        .select_related(
            "attempt__quiz__course",
            "attempt__user",
            "version__question",
            "marked_by",
        )
    )


def items_to_mark_for(
    *, user, quiz_id: int | None = None, course_id: int | None = None, marked=False
) -> QuerySet[AttemptItem]:
    """Essay items waiting for a mark, oldest submission first (or the marked ones,
    most recent first, for a re-mark). Trainers mark for every quiz."""
    qs = _markable()
    if quiz_id:
        qs = qs.filter(attempt__quiz_id=quiz_id)
    if course_id:
        qs = qs.filter(attempt__quiz__course_id=course_id)
    if marked:
        return qs.filter(needs_marking=False).order_by("-marked_at", "-pk")
    return qs.filter(needs_marking=True).order_by(
        "attempt__submitted_at", "attempt_id", "position"
    )


def marking_filters_for(*, user) -> tuple[list[Quiz], list[CoursePage]]:
    """The quizzes and courses that have essays to mark or marked, for the filters."""
    quiz_ids = _markable().values("attempt__quiz_id")
    quizzes = list(Quiz.objects.filter(pk__in=quiz_ids).order_by("title"))
    course_ids = {quiz.course_id for quiz in quizzes if quiz.course_id}
    courses = list(CoursePage.objects.filter(pk__in=course_ids).order_by("title"))
    return quizzes, courses


def item_for_marking(*, user, pk: int) -> AttemptItem | None:
    """One item a trainer may mark (waiting, or marked before for a re-mark)."""
    return _markable().filter(pk=pk).first()


def item_next_to_mark(*, user, after: AttemptItem, quiz_id=None, course_id=None):
    """The next waiting item in the queue after this one, for marking in a row."""
    return (
        items_to_mark_for(user=user, quiz_id=quiz_id, course_id=course_id)
        .exclude(pk=after.pk)
        .first()
    )


def question_for_key_correction(*, user, pk: int) -> Question | None:
    """A question whose key a trainer may correct (any bank: trainers share them)."""
    questions = Question.objects.select_related("current_version", "bank")
    return questions.filter(pk=pk).first()


def versions_with_attempt_counts(*, question: Question) -> list[QuestionVersion]:
    """Every version of the question with how many submitted attempts used it."""
    return list(
        question.versions.annotate(
            attempt_count=Count(
                "attempt_items__attempt",
                filter=~Q(attempt_items__attempt__status=Attempt.Status.IN_PROGRESS),
                distinct=True,
            )
        ).order_by("number")
    )
