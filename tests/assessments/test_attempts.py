"""Attempts: drawing questions, deadlines, autosave, submit, grades, regrade, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Attempt, AttemptItem, Question, QuizDrawRule, QuizGrade
from assessments.services.attempts import (
    GRACE,
    AttemptClosed,
    AttemptLimitError,
    InvalidAnswerError,
    QuizUnavailableError,
    StaleSequence,
    attempt_answer_save,
    attempt_finalise,
    attempt_regrade,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
)
from assessments.signals import attempt_graded
from tests.factories.assessments import (
    QuestionBankFactory,
    QuestionCategoryFactory,
    QuestionFactory,
    QuizFactory,
)

pytestmark = pytest.mark.django_db


def mixed_questions(bank=None):
    """One question of each type, with keys the tests answer."""
    bank = bank or QuestionBankFactory()
    return [
        QuestionFactory(bank=bank, type="single", answer=["A"], points=2),
        QuestionFactory(bank=bank, type="multiple", answer=["A", "C"], points=2),
        QuestionFactory(bank=bank, type="truefalse", answer=["F"], points=1),
        QuestionFactory(
            bank=bank,
            type="fill",
            stem="<p>调解组织是___，依据是___。</p>",
            answer=[["人民调解委员会"], ["人民调解法", "调解法"]],
            points=2,
        ),
        QuestionFactory(bank=bank, type="short", answer=["自愿", "自愿原则"], points=1),
    ]


def right_answers():
    return {
        1: ["A"],
        2: ["A", "C"],
        3: ["F"],
        4: ["人民调解委员会", "调解法"],
        5: "自愿",
    }


def answer_all(attempt, answers):
    for position, answer in answers.items():
        attempt = attempt_answer_save(
            attempt=attempt, position=position, answer=answer, seq=attempt.seq
        )
    return attempt


@pytest.fixture
def quiz():
    return QuizFactory(questions=mixed_questions(), pass_percent=Decimal("60"))


# --- starting ------------------------------------------------------------------


def test_start_fixes_the_questions_their_versions_and_points(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    items = list(attempt.items.select_related("version__question"))
    assert [item.position for item in items] == [1, 2, 3, 4, 5]
    assert [item.version.question.type for item in items] == [
        "single",
        "multiple",
        "truefalse",
        "fill",
        "short",
    ]
    assert all(item.version == item.version.question.current_version for item in items)
    assert [item.points for item in items] == [2, 2, 1, 2, 1]
    assert attempt.max_score == Decimal("8")
    assert items[0].choice_order == ["A", "B", "C", "D"]
    assert attempt.number == 1
    assert attempt.seq == 0
    assert attempt.deadline is None


def test_start_resumes_the_open_attempt(worker, quiz):
    first = attempt_start(quiz=quiz, user=worker)

    again = attempt_start(quiz=quiz, user=worker)

    assert again.pk == first.pk
    assert Attempt.objects.filter(quiz=quiz, user=worker).count() == 1


def test_deadline_is_the_earlier_of_the_limit_and_the_closing_time(worker):
    now = timezone.now()
    quiz = QuizFactory(
        questions=mixed_questions(),
        time_limit_minutes=30,
        closes_at=now + timedelta(minutes=10),
    )

    attempt = attempt_start(quiz=quiz, user=worker, now=now)

    assert attempt.deadline == now + timedelta(minutes=10)


def test_deadline_follows_the_time_limit(worker):
    now = timezone.now()
    quiz = QuizFactory(questions=mixed_questions(), time_limit_minutes=20)

    attempt = attempt_start(quiz=quiz, user=worker, now=now)

    assert attempt.deadline == now + timedelta(minutes=20)


def test_it_refuses_to_start_outside_the_window(worker):
    now = timezone.now()
    early = QuizFactory(questions=mixed_questions(), opens_at=now + timedelta(days=1))
    late = QuizFactory(questions=mixed_questions(), closes_at=now - timedelta(days=1))
    hidden = QuizFactory(questions=mixed_questions(), is_published=False)

    for quiz in (early, late, hidden):
        with pytest.raises(QuizUnavailableError):
            attempt_start(quiz=quiz, user=worker)

    assert not Attempt.objects.filter(user=worker).exists()


def test_it_refuses_a_start_over_the_attempts_allowed(worker, quiz):
    quiz.attempts_allowed = 2
    quiz.save()
    for _ in range(2):
        attempt = attempt_start(quiz=quiz, user=worker)
        attempt_submit(attempt=attempt, seq=attempt.seq)

    with pytest.raises(AttemptLimitError):
        attempt_start(quiz=quiz, user=worker)

    assert Attempt.objects.filter(quiz=quiz, user=worker).count() == 2


def test_draw_rules_pick_active_questions_of_the_category_and_difficulty(worker):
    bank = QuestionBankFactory()
    law = QuestionCategoryFactory(bank=bank, name="民法典")
    other = QuestionCategoryFactory(bank=bank, name="其他")
    fixed = QuestionFactory(bank=bank, category=law, difficulty="easy")
    easy_law = [
        QuestionFactory(bank=bank, category=law, difficulty="easy") for _ in range(6)
    ]
    QuestionFactory(bank=bank, category=law, difficulty="easy", is_active=False)
    QuestionFactory(bank=bank, category=law, difficulty="hard")
    QuestionFactory(bank=bank, category=other, difficulty="easy")
    quiz = QuizFactory(questions=[fixed])
    QuizDrawRule.objects.create(
        quiz=quiz, bank=bank, category=law, difficulty="easy", count=4, points=5
    )

    attempt = attempt_start(quiz=quiz, user=worker)

    items = list(attempt.items.select_related("version"))
    ids = [item.version.question_id for item in items]
    assert len(ids) == 5
    assert len(set(ids)) == 5
    assert ids[0] == fixed.pk
    assert set(ids[1:]) <= {q.pk for q in easy_law}
    assert [item.points for item in items[1:]] == [Decimal("5")] * 4


def test_shuffling_stores_each_attempts_order(worker):
    questions = [QuestionFactory(type="single") for _ in range(12)]
    quiz = QuizFactory(
        questions=questions, shuffle_questions=True, shuffle_choices=True
    )

    attempt = attempt_start(quiz=quiz, user=worker)

    items = list(attempt.items.select_related("version"))
    assert sorted(i.version.question_id for i in items) == sorted(
        q.pk for q in questions
    )
    assert all(sorted(item.choice_order) == list("ABCD") for item in items)
    # 12! orders and 24 per question: the stored order is what was drawn.
    assert [i.version.question_id for i in items] != [q.pk for q in questions] or any(
        item.choice_order != list("ABCD") for item in items
    )


def test_an_expired_open_attempt_is_closed_before_a_resit(worker, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    first = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=first.pk).update(
        started_at=timezone.now() - timedelta(hours=1),
        deadline=timezone.now() - timedelta(minutes=50),
    )

    second = attempt_start(quiz=quiz, user=worker)

    first.refresh_from_db()
    assert first.status == Attempt.Status.FINISHED
    assert first.closed_by_timeout
    assert second.number == 2


def test_a_refused_start_still_closes_the_expired_attempt(worker, quiz):
    quiz.attempts_allowed = 1
    quiz.time_limit_minutes = 10
    quiz.save()
    first = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=first.pk).update(
        deadline=timezone.now() - GRACE - timedelta(minutes=1)
    )

    with pytest.raises(AttemptLimitError):
        attempt_start(quiz=quiz, user=worker)

    first.refresh_from_db()
    assert first.status == Attempt.Status.FINISHED
    assert first.closed_by_timeout


# --- autosave --------------------------------------------------------------------


def test_each_accepted_answer_increments_seq(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    attempt = attempt_answer_save(attempt=attempt, position=1, answer=["B"], seq=0)
    attempt = attempt_answer_save(attempt=attempt, position=2, answer=["A"], seq=1)

    assert attempt.seq == 2
    assert Attempt.objects.get(pk=attempt.pk).seq == 2
    saved = dict(attempt.items.values_list("position", "answer"))
    assert saved[1] == ["B"]
    assert saved[2] == ["A"]


def test_autosave_is_idempotent(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = attempt_answer_save(attempt=attempt, position=2, answer=["C", "A"], seq=0)

    again = attempt_answer_save(attempt=attempt, position=2, answer=["A", "C"], seq=1)

    assert again.seq == 1
    assert AttemptItem.objects.get(attempt=attempt, position=2).answer == ["A", "C"]


def test_a_stale_seq_changes_nothing(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_answer_save(attempt=attempt, position=1, answer=["B"], seq=0)

    with pytest.raises(StaleSequence) as stale:
        attempt_answer_save(attempt=attempt, position=1, answer=["C"], seq=0)

    assert stale.value.seq == 1
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == ["B"]
    assert Attempt.objects.get(pk=attempt.pk).seq == 1


def test_it_rejects_a_choice_the_question_does_not_have(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    with pytest.raises(InvalidAnswerError):
        attempt_answer_save(attempt=attempt, position=1, answer=["Z"], seq=0)
    with pytest.raises(InvalidAnswerError):
        attempt_answer_save(attempt=attempt, position=1, answer=["A", "B"], seq=0)
    with pytest.raises(InvalidAnswerError):
        attempt_answer_save(attempt=attempt, position=99, answer=["A"], seq=0)

    assert Attempt.objects.get(pk=attempt.pk).seq == 0


def test_it_stores_answers_within_the_grace_period(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    deadline = timezone.now() - timedelta(seconds=30)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)

    attempt = attempt_answer_save(attempt=attempt, position=1, answer=["A"], seq=0)

    assert attempt.seq == 1
    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_it_rejects_answers_after_the_deadline_and_closes_the_attempt(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = attempt_answer_save(attempt=attempt, position=1, answer=["A"], seq=0)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - GRACE - timedelta(seconds=1)
    )

    with pytest.raises(AttemptClosed) as closed:
        attempt_answer_save(attempt=attempt, position=3, answer=["F"], seq=1)

    assert closed.value.timed_out
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.status == Attempt.Status.FINISHED
    assert stored.closed_by_timeout
    assert stored.score == Decimal("2.00")
    assert AttemptItem.objects.get(attempt=attempt, position=3).answer is None


def test_the_server_clock_decides_with_now(worker, quiz):
    quiz.time_limit_minutes = 5
    quiz.save()
    start = timezone.now()
    attempt = attempt_start(quiz=quiz, user=worker, now=start)

    with pytest.raises(AttemptClosed):
        attempt_answer_save(
            attempt=attempt,
            position=1,
            answer=["A"],
            seq=0,
            now=start + timedelta(minutes=5, seconds=61),
        )

    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.FINISHED


# --- submit and grades -----------------------------------------------------------


def test_submit_grades_every_type_and_finalises(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = answer_all(attempt, right_answers())

    attempt = attempt_submit(attempt=attempt, seq=attempt.seq)

    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == Decimal("8.00")
    assert attempt.percent == Decimal("100.00")
    assert attempt.passed is True
    grade = QuizGrade.objects.get(quiz=quiz, user=worker)
    assert grade.passed
    assert grade.percent == Decimal("100.00")
    assert grade.passed_at is not None


def test_submit_with_form_answers_stores_them_first(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    attempt = attempt_submit(attempt=attempt, seq=0, answers={1: ["A"], 3: ["T"]})

    assert attempt.score == Decimal("2.00")
    assert attempt.percent == Decimal("25.00")
    assert attempt.passed is False


def test_a_second_submit_with_the_same_seq_is_stale(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt_submit(attempt=attempt, seq=0)

    with pytest.raises(StaleSequence):
        attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), seq=0)


def test_answers_after_submit_are_refused(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = attempt_submit(attempt=attempt, seq=0)

    with pytest.raises(AttemptClosed):
        attempt_answer_save(attempt=attempt, position=1, answer=["A"], seq=attempt.seq)


def test_an_essay_sends_the_attempt_to_marking_then_marks_finalise_it(worker):
    essay = QuestionFactory(type="essay", points=10, rubric="要点：依法、自愿")
    quiz = QuizFactory(questions=[QuestionFactory(type="single", points=10), essay])
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = attempt_answer_save(attempt=attempt, position=1, answer="A", seq=0)
    attempt = attempt_answer_save(
        attempt=attempt, position=2, answer={"text": "应当依法调解。"}, seq=1
    )

    attempt = attempt_submit(attempt=attempt, seq=2)

    assert attempt.status == Attempt.Status.MARKING
    assert attempt.score is None
    assert not QuizGrade.objects.filter(quiz=quiz, user=worker).exists()
    item = AttemptItem.objects.get(attempt=attempt, position=2)
    assert item.needs_marking
    # What marking (A3) does, then asks for the final score.
    item.score = Decimal("6")
    item.needs_marking = False
    item.marked_at = timezone.now()
    item.save()

    attempt = attempt_finalise(attempt=attempt)

    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == Decimal("16.00")
    assert attempt.percent == Decimal("80.00")
    assert QuizGrade.objects.get(quiz=quiz, user=worker).passed


def test_finalise_leaves_an_attempt_with_unmarked_items(worker):
    quiz = QuizFactory(questions=[QuestionFactory(type="essay")])
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = attempt_answer_save(attempt=attempt, position=1, answer="文字", seq=0)
    attempt = attempt_submit(attempt=attempt, seq=1)

    attempt = attempt_finalise(attempt=attempt)

    assert attempt.status == Attempt.Status.MARKING


def test_attempt_graded_is_sent_on_commit(
    worker, quiz, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, attempt, **kwargs):
        received.append((attempt.pk, attempt.percent))

    attempt_graded.connect(listener)
    try:
        attempt = attempt_start(quiz=quiz, user=worker)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            attempt_submit(attempt=attempt, seq=0)
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        attempt_graded.disconnect(listener)

    assert received == [(attempt.pk, Decimal("0.00"))]


def _take(quiz, user, answers):
    attempt = attempt_start(quiz=quiz, user=user)
    return attempt_submit(attempt=attempt, seq=attempt.seq, answers=answers)


def test_quiz_grade_highest_keeps_the_best_attempt(worker, quiz):
    quiz.attempts_allowed = 3
    quiz.save()
    best = _take(quiz, worker, right_answers())
    _take(quiz, worker, {1: ["A"]})

    grade = QuizGrade.objects.get(quiz=quiz, user=worker)
    assert grade.attempt_id == best.pk
    assert grade.percent == Decimal("100.00")
    assert grade.passed


def test_quiz_grade_last_counts_the_latest_attempt(worker, quiz):
    quiz.attempts_allowed = 3
    quiz.grading_method = quiz.Grading.LAST
    quiz.save()
    _take(quiz, worker, right_answers())
    last = _take(quiz, worker, {1: ["A"]})

    grade = QuizGrade.objects.get(quiz=quiz, user=worker)
    assert grade.attempt_id == last.pk
    assert grade.percent == Decimal("25.00")
    assert not grade.passed
    assert grade.passed_at is not None  # it was passed once


# --- regrade ----------------------------------------------------------------------


def test_regrade_rescores_from_the_versions_and_keeps_marks(worker):
    single = QuestionFactory(type="single", answer=["A"], points=5)
    essay = QuestionFactory(type="essay", points=5)
    quiz = QuizFactory(questions=[single, essay])
    attempt = attempt_start(quiz=quiz, user=worker)
    attempt = attempt_submit(
        attempt=attempt, seq=0, answers={1: ["B"], 2: {"text": "答"}}
    )
    item = AttemptItem.objects.get(attempt=attempt, position=2)
    item.score, item.needs_marking, item.marked_at = Decimal("4"), False, timezone.now()
    item.save()
    attempt = attempt_finalise(attempt=attempt)
    assert attempt.score == Decimal("4.00")
    # A key correction (A3) changes the version's key, then regrades.
    version = single.current_version
    version.answer = ["B"]
    version.save()

    attempt = attempt_regrade(attempt=attempt)

    assert attempt.score == Decimal("9.00")
    assert attempt.status == Attempt.Status.FINISHED
    assert QuizGrade.objects.get(quiz=quiz, user=worker).percent == Decimal("90.00")


def test_regrade_leaves_an_open_attempt_alone(worker, quiz):
    attempt = attempt_start(quiz=quiz, user=worker)

    attempt = attempt_regrade(attempt=attempt)

    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.score is None


# --- abandoned attempts ----------------------------------------------------------


def test_close_expired_grades_abandoned_attempts_with_what_was_saved(
    worker, other_worker, quiz
):
    quiz.time_limit_minutes = 10
    quiz.save()
    abandoned = attempt_start(quiz=quiz, user=worker)
    attempt_answer_save(attempt=abandoned, position=1, answer=["A"], seq=0)
    running = attempt_start(quiz=quiz, user=other_worker)
    Attempt.objects.filter(pk=abandoned.pk).update(
        deadline=timezone.now() - GRACE - timedelta(minutes=1)
    )

    assert attempts_close_expired() == 1

    abandoned.refresh_from_db()
    running.refresh_from_db()
    assert abandoned.status == Attempt.Status.FINISHED
    assert abandoned.closed_by_timeout
    assert abandoned.score == Decimal("2.00")
    assert running.status == Attempt.Status.IN_PROGRESS
    assert attempts_close_expired() == 0


def test_close_expired_task_runs_the_service(worker, quiz, celery_eager):
    from assessments.tasks import attempts_close_expired as task

    quiz.time_limit_minutes = 1
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=worker)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(minutes=5)
    )

    assert task.name == "assessments.tasks.attempts_close_expired"
    assert task.delay().get() == 1
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.FINISHED


def test_question_types_cover_the_model():
    assert {t.value for t in Question.Type} == {
        "single",
        "multiple",
        "truefalse",
        "fill",
        "short",
        "essay",
    }
