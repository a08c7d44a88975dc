"""Reads of quizzes and attempts for the worker's pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.models import Attempt, AttemptItem, Quiz, QuizGrade


def quizzes_visible_to(*, user) -> QuerySet[Quiz]:
    """Quizzes of the courses the user may see, and quizzes with no course.

    A quiz in a course outside the worker's audience (or closed, or
    unpublished) is as good as missing: its pages and attempts answer 404.
    """
    from courses.selectors.catalog import courses_visible_to

    if not user.is_authenticated:
        return Quiz.objects.none()
    courses = courses_visible_to(user=user).order_by().values("pk")
    return Quiz.objects.filter(Q(course__isnull=True) | Q(course__in=courses))


def attempt_for_worker(*, user, attempt_id: int) -> Attempt | None:
    """The worker's own attempt of a quiz they may see, or None (→ 404)."""
    return (
        Attempt.objects.select_related("quiz")
        .filter(pk=attempt_id, user=user, quiz__in=quizzes_visible_to(user=user))
        .first()
    )


def attempt_items(*, attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items in order, with their versions, in one query."""
    return list(
        AttemptItem.objects.filter(attempt=attempt)
        .select_related("version__question")
        .order_by("position")
    )


@dataclass
class QuizState:
    """What a worker has done in one quiz, for the intro page, block and panel."""

    quiz: Quiz
    attempts: list[Attempt] = field(default_factory=list)
    grade: QuizGrade | None = None

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def remaining(self) -> int:
        return max(self.quiz.attempts_allowed - self.used, 0)

    @property
    def open_attempt(self) -> Attempt | None:
        return next(
            (a for a in self.attempts if a.status == Attempt.Status.IN_PROGRESS),
            None,
        )

    @property
    def marking(self) -> bool:
        return any(a.status == Attempt.Status.MARKING for a in self.attempts)

    @property
    def passed(self) -> bool:
        return bool(self.grade and self.grade.passed)

    @property
    def status(self) -> str:
        """One of: passed, graded, marking, open, not_started."""
        if self.passed:
            return "passed"
        if self.grade is not None:
            return "graded"
        if self.marking:
            return "marking"
        if self.open_attempt is not None:
            return "open"
        return "not_started"


def quiz_state_for_worker(*, user, quiz: Quiz) -> QuizState:
    """The worker's attempts (oldest first) and grade in one quiz: two queries."""
    attempts = list(
        Attempt.objects.filter(quiz=quiz, user=user).order_by("number")
        if user.is_authenticated
        else []
    )
    grade = (
        QuizGrade.objects.filter(quiz=quiz, user=user).first()
        if user.is_authenticated
        else None
    )
    return QuizState(quiz=quiz, attempts=attempts, grade=grade)


def quiz_states_for_worker(*, user, quiz_ids) -> dict[int, QuizState]:
    """The states of several quizzes the user may see, in three queries whatever
    their number (the lesson page renders one quiz block per quiz)."""
    quizzes = list(quizzes_visible_to(user=user).filter(pk__in=set(quiz_ids)))
    states = {quiz.pk: QuizState(quiz=quiz) for quiz in quizzes}
    if not states:
        return states
    for attempt in Attempt.objects.filter(user=user, quiz_id__in=states).order_by(
        "number"
    ):
        states[attempt.quiz_id].attempts.append(attempt)
    for grade in QuizGrade.objects.filter(user=user, quiz_id__in=states):
        states[grade.quiz_id].grade = grade
    return states


def final_exam_for_course(*, course) -> Quiz | None:
    """The course's published final exam, if it has one."""
    return Quiz.objects.filter(
        course_id=course.pk, kind=Quiz.Kind.FINAL, is_published=True
    ).first()


def review_shows_answers(
    *, attempt: Attempt, state: QuizState, now: datetime | None = None
) -> bool:
    """Whether the worker may see right answers, fractions and explanations now.

    Never while the attempt is not finished or while the worker has another
    attempt in progress (a review in one tab must not help an attempt in
    another). Then by the quiz's review policy: score only never; after the
    quiz closes once its closing time has passed (a quiz with no closing time
    never closes, so it never shows answers); once passed when the worker's
    grade is a pass.
    """
    now = now or timezone.now()
    quiz = attempt.quiz
    if attempt.status != Attempt.Status.FINISHED or state.open_attempt is not None:
        return False
    if quiz.review_policy == Quiz.Review.AFTER_CLOSE:
        return quiz.closes_at is not None and now >= quiz.closes_at
    if quiz.review_policy == Quiz.Review.ONCE_PASSED:
        return state.passed
    return False


def attempt_counts_by_quiz(*, quiz_ids) -> dict[int, int]:
    """How many attempts each quiz has (trainers' lists)."""
    return dict(
        Attempt.objects.filter(quiz_id__in=quiz_ids)
        .values_list("quiz_id")
        .annotate(n=Count("id"))
        .values_list("quiz_id", "n")
    )
