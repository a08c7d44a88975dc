"""Competency evidence from courses, quizzes, scores and ratings, and the current
level each worker holds (kept by the service, never recomputed on page load)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from assessments.models import (
    Attempt,
    AttemptItem,
    Competency,
    CompetencyEvidence,
    CourseCompetency,
    QuestionCompetency,
    WorkerCompetency,
)
from assessments.services.competencies import (
    competency_evidence_add,
    competency_rate,
    current_level,
    score_result,
)
from assessments.signals import attempt_graded
from courses.models import Enrolment
from courses.services.learning import enrolment_create, lesson_complete
from courses.signals import course_completed
from people.models import AuditEntry
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.courses import (
    CoursePageFactory,
    EnrolmentFactory,
    LessonPageFactory,
)

pytestmark = pytest.mark.django_db

SOURCE = CompetencyEvidence.Source


def competency(code: str) -> Competency:
    """A competency of the default framework (seeded by migrate)."""
    return Competency.objects.get(framework__is_default=True, code=code)


def level_of(user, comp: Competency) -> int:
    row = WorkerCompetency.objects.filter(user=user, competency=comp).first()
    return row.level if row else 0


def linked_question(comp: Competency, level: int, points=1):
    question = QuestionFactory(points=points)
    QuestionCompetency.objects.create(question=question, competency=comp, level=level)
    return question


def graded_attempt(user, quiz, results, *, passed: bool) -> Attempt:
    """A finished attempt with these (question, score) results, as A2 grades one."""
    now = timezone.now()
    score = sum((Decimal(str(s)) for _q, s in results), Decimal(0))
    points = sum((q.current_version.points for q, _s in results), Decimal(0))
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        status=Attempt.Status.FINISHED,
        started_at=now,
        submitted_at=now,
        score=score,
        max_score=points,
        percent=(100 * score / points).quantize(Decimal("0.01")),
        passed=passed,
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=position,
            version=question.current_version,
            points=question.current_version.points,
            score=Decimal(str(item_score)),
            answer=["A"],
        )
        for position, (question, item_score) in enumerate(results, start=1)
    )
    return attempt


def grade(attempt):
    attempt_graded.send(sender=Attempt, attempt=attempt)


def evidence(user, comp=None):
    qs = CompetencyEvidence.objects.filter(user=user)
    if comp is not None:
        qs = qs.filter(competency=comp)
    return list(
        qs.order_by("id").values_list("source", "level", "achieved", "reference")
    )


# --- completing a linked course ------------------------------------------------


def test_completing_a_linked_course_is_evidence_at_the_link_level(worker):
    law = competency("FL")
    course = CoursePageFactory(title="人民调解法解读")
    CourseCompetency.objects.create(course=course, competency=law, level=2)
    enrolment = EnrolmentFactory(
        user=worker, course=course, status=Enrolment.Status.COMPLETED
    )

    course_completed.send(sender=Enrolment, enrolment=enrolment)

    assert evidence(worker) == [
        (SOURCE.COURSE, 2, True, f"course:{course.pk}:{enrolment.pk}")
    ]
    stored = CompetencyEvidence.objects.get(user=worker)
    assert stored.course == course
    assert level_of(worker, law) == 2


def test_a_course_without_links_is_no_evidence(worker):
    enrolment = EnrolmentFactory(user=worker, status=Enrolment.Status.COMPLETED)

    course_completed.send(sender=Enrolment, enrolment=enrolment)

    assert evidence(worker) == []
    assert not WorkerCompetency.objects.filter(user=worker).exists()


def test_finishing_the_lessons_of_a_linked_course_raises_the_level(
    worker, django_capture_on_commit_callbacks
):
    mediation = competency("TJ")
    course = CoursePageFactory(title="矛盾纠纷调解实务")
    CourseCompetency.objects.create(course=course, competency=mediation, level=3)
    lesson = LessonPageFactory(course=course)
    enrolment_create(user=worker, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=worker, lesson=lesson)

    assert level_of(worker, mediation) == 3
    assert [row[0] for row in evidence(worker)] == [SOURCE.COURSE]


# --- quizzes and scores ------------------------------------------------------------


def test_passing_a_quiz_is_evidence_at_the_highest_linked_level(worker):
    law = competency("FL")
    easy, hard = linked_question(law, 1), linked_question(law, 3)
    quiz = QuizFactory(questions=[easy, hard])
    attempt = graded_attempt(worker, quiz, [(easy, 1), (hard, 1)], passed=True)

    grade(attempt)

    assert evidence(worker) == [
        (SOURCE.QUIZ, 3, True, f"attempt:{attempt.pk}"),
        (SOURCE.SCORE, 3, True, f"score:{attempt.pk}"),
    ]
    quiz_evidence = CompetencyEvidence.objects.get(source=SOURCE.QUIZ)
    assert quiz_evidence.quiz == quiz
    assert quiz_evidence.attempt == attempt
    assert quiz_evidence.percent == Decimal("100.00")
    assert level_of(worker, law) == 3


def test_a_score_of_80_percent_on_a_competencys_questions_achieves_its_level(
    worker,
):
    policy = competency("ZC")
    questions = [linked_question(policy, 2) for _ in range(5)]
    quiz = QuizFactory(questions=questions)
    results = [(q, 1) for q in questions[:4]] + [(questions[4], 0)]
    attempt = graded_attempt(worker, quiz, results, passed=False)

    grade(attempt)

    assert evidence(worker) == [(SOURCE.SCORE, 2, True, f"score:{attempt.pk}")]
    assert CompetencyEvidence.objects.get().percent == Decimal("80.00")
    assert level_of(worker, policy) == 2


def test_a_score_under_80_percent_is_kept_but_achieves_nothing(worker):
    policy = competency("ZC")
    questions = [linked_question(policy, 2) for _ in range(4)]
    quiz = QuizFactory(questions=questions)
    results = [(q, 1) for q in questions[:3]] + [(questions[3], 0)]
    attempt = graded_attempt(worker, quiz, results, passed=True)

    grade(attempt)

    # Passing the quiz still counts; the 75% score on the competency does not.
    assert evidence(worker) == [
        (SOURCE.QUIZ, 2, True, f"attempt:{attempt.pk}"),
        (SOURCE.SCORE, 2, False, f"score:{attempt.pk}"),
    ]
    score = CompetencyEvidence.objects.get(source=SOURCE.SCORE)
    assert score.percent == Decimal("75.00")


def test_a_failed_quiz_with_a_low_score_leaves_the_level_at_zero(worker):
    writing = competency("GW")
    question = linked_question(writing, 1, points=4)
    attempt = graded_attempt(
        worker, QuizFactory(questions=[question]), [(question, 1)], passed=False
    )

    grade(attempt)

    assert evidence(worker) == [(SOURCE.SCORE, 1, False, f"score:{attempt.pk}")]
    assert level_of(worker, writing) == 0


def test_the_score_counts_only_the_questions_linked_to_each_competency(worker):
    law, it = competency("FL"), competency("XX")
    law_q = linked_question(law, 2, points=2)
    it_q = linked_question(it, 1, points=2)
    unlinked = QuestionFactory(points=6)
    quiz = QuizFactory(questions=[law_q, it_q, unlinked])
    attempt = graded_attempt(
        worker, quiz, [(law_q, 2), (it_q, 1), (unlinked, 0)], passed=False
    )

    grade(attempt)

    assert evidence(worker, law) == [(SOURCE.SCORE, 2, True, f"score:{attempt.pk}")]
    assert evidence(worker, it) == [(SOURCE.SCORE, 1, False, f"score:{attempt.pk}")]
    assert level_of(worker, law) == 2
    assert level_of(worker, it) == 0


def test_the_easy_questions_of_a_competency_never_prove_its_highest_level(worker):
    emergency = competency("YJ")
    easy = [linked_question(emergency, 1) for _ in range(9)]
    hard = linked_question(emergency, 4)
    quiz = QuizFactory(questions=[*easy, hard])
    attempt = graded_attempt(
        worker, quiz, [*[(q, 1) for q in easy], (hard, 0)], passed=False
    )

    grade(attempt)

    # 90% overall, but 0% on the level-4 question: level 1 is what it proves.
    assert evidence(worker) == [(SOURCE.SCORE, 1, True, f"score:{attempt.pk}")]
    assert level_of(worker, emergency) == 1


def test_score_result_picks_the_highest_level_reached():
    rows = [
        (1, Decimal(1), Decimal(1)),
        (2, Decimal(1), Decimal(1)),
        (3, Decimal("0.5"), Decimal(1)),
    ]
    # Level 3: 50%. Levels 2–3: 75%. Levels 1–3: 83.33%.
    assert score_result(rows) == (1, Decimal("83.33"), True)
    assert score_result(rows[:2]) == (2, Decimal("100.00"), True)
    assert score_result([(2, Decimal(0), Decimal(2))]) == (2, Decimal("0.00"), False)


def test_an_attempt_still_being_marked_is_no_evidence(worker):
    law = competency("FL")
    question = linked_question(law, 1)
    attempt = graded_attempt(
        worker, QuizFactory(questions=[question]), [(question, 1)], passed=True
    )
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.MARKING)
    attempt.refresh_from_db()

    grade(attempt)

    assert evidence(worker) == []


# --- exactly once ---------------------------------------------------------------


def test_a_repeated_signal_adds_each_piece_of_evidence_once(worker):
    law = competency("FL")
    question = linked_question(law, 2)
    attempt = graded_attempt(
        worker, QuizFactory(questions=[question]), [(question, 1)], passed=True
    )
    course = CoursePageFactory()
    CourseCompetency.objects.create(course=course, competency=law, level=1)
    enrolment = EnrolmentFactory(
        user=worker, course=course, status=Enrolment.Status.COMPLETED
    )

    for _ in range(3):
        grade(attempt)
        course_completed.send(sender=Enrolment, enrolment=enrolment)

    assert CompetencyEvidence.objects.filter(user=worker).count() == 3
    assert WorkerCompetency.objects.filter(user=worker).count() == 1
    assert level_of(worker, law) == 2


def test_adding_the_same_reference_again_returns_the_stored_evidence(worker):
    law = competency("FL")
    first = competency_evidence_add(
        user=worker, competency=law, source=SOURCE.COURSE, level=2, reference="x:1"
    )
    again = competency_evidence_add(
        user=worker, competency=law, source=SOURCE.COURSE, level=4, reference="x:1"
    )

    assert first.created and not again.created
    assert again.pk == first.pk and again.level == 2
    assert level_of(worker, law) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_signals_for_one_attempt_add_its_evidence_once(worker):
    law = competency("FL")
    question = linked_question(law, 3)
    attempt = graded_attempt(
        worker, QuizFactory(questions=[question]), [(question, 1)], passed=True
    )
    barrier = threading.Barrier(4)
    errors = []

    def deliver():
        try:
            barrier.wait()
            grade(Attempt.objects.get(pk=attempt.pk))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(row[0] for row in evidence(worker)) == [SOURCE.QUIZ, SOURCE.SCORE]
    assert level_of(worker, law) == 3


# --- ratings and the current level ------------------------------------------------


def test_a_trainer_rates_any_worker_with_a_note_and_it_is_audited(
    trainer, other_worker
):
    comm = competency("GT")

    rating = competency_rate(
        worker=other_worker,
        competency=comm,
        level=3,
        note="组织协商会有条理",
        by=trainer,
    )

    assert rating.source == SOURCE.RATING
    assert rating.reference.startswith("rating:")
    assert rating.rated_by == trainer and rating.note == "组织协商会有条理"
    assert level_of(other_worker, comm) == 3
    entry = AuditEntry.objects.get(action="competency.rated")
    assert entry.actor == trainer
    assert entry.details["worker"] == other_worker.pk
    assert entry.details["level"] == 3


def test_every_rating_counts_as_its_own_evidence(trainer, worker):
    comm = competency("GT")

    competency_rate(worker=worker, competency=comm, level=2, note="一", by=trainer)
    competency_rate(worker=worker, competency=comm, level=3, note="二", by=trainer)

    assert [row[1] for row in evidence(worker)] == [2, 3]


def test_hr_rates_only_workers_in_its_scope(hr_street, worker, other_worker):
    comm = competency("GT")

    competency_rate(worker=worker, competency=comm, level=2, note="好", by=hr_street)
    with pytest.raises(PermissionDenied):
        competency_rate(
            worker=other_worker, competency=comm, level=2, note="好", by=hr_street
        )

    assert level_of(worker, comm) == 2
    assert evidence(other_worker) == []


def test_a_reviewer_cannot_rate(reviewer, worker):
    with pytest.raises(PermissionDenied):
        competency_rate(
            worker=worker, competency=competency("GT"), level=1, note="x", by=reviewer
        )


def test_the_most_recent_rating_may_lower_the_level(trainer, worker):
    law = competency("FL")
    competency_evidence_add(
        user=worker, competency=law, source=SOURCE.COURSE, level=3, reference="c:1"
    )
    assert level_of(worker, law) == 3

    competency_rate(worker=worker, competency=law, level=1, note="需加强", by=trainer)

    assert level_of(worker, law) == 1


def test_evidence_after_a_rating_raises_the_level_again(trainer, worker):
    law = competency("FL")
    competency_evidence_add(
        user=worker, competency=law, source=SOURCE.COURSE, level=4, reference="c:1"
    )
    competency_rate(worker=worker, competency=law, level=1, note="需加强", by=trainer)

    competency_evidence_add(
        user=worker, competency=law, source=SOURCE.COURSE, level=2, reference="c:2"
    )

    # The older level-4 course is replaced by the rating; the newer course counts.
    assert level_of(worker, law) == 2


def test_current_level_ignores_what_was_not_achieved():
    def item(source, level, achieved=True):
        return CompetencyEvidence(source=source, level=level, achieved=achieved)

    assert current_level([]) == 0
    assert current_level([item(SOURCE.SCORE, 4, achieved=False)]) == 0
    assert current_level([item(SOURCE.COURSE, 2), item(SOURCE.QUIZ, 1)]) == 2
    assert current_level([item(SOURCE.COURSE, 4), item(SOURCE.RATING, 2)]) == 2
    assert (
        current_level([item(SOURCE.RATING, 2), item(SOURCE.SCORE, 4, achieved=False)])
        == 2
    )
