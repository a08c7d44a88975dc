"""Integrity under concurrency: real row locks, so PostgreSQL and real threads."""

import threading

import pytest
from django.db import connection

from assessments.models import Attempt, AttemptItem, QuizGrade
from assessments.services.attempts import (
    StaleSequence,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
)
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.people import UserFactory, WorkerProfileFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"
    ),
]


def at_once(count, work):
    """Run ``work(i)`` in ``count`` threads released together; results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.fixture
def racer():
    return WorkerProfileFactory(user=UserFactory(username="racer")).user


@pytest.fixture
def quiz():
    return QuizFactory(
        questions=[QuestionFactory(type="single") for _ in range(3)],
        attempts_allowed=2,
    )


def test_concurrent_starts_never_exceed_the_attempts_allowed(racer, quiz):
    first = attempt_start(quiz=quiz, user=racer)
    attempt_submit(attempt=first, seq=first.seq)

    results, errors = at_once(4, lambda i: attempt_start(quiz=quiz, user=racer).pk)

    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(quiz=quiz, user=racer).count() == 2
    assert AttemptItem.objects.filter(attempt_id=results[0]).count() == 3


def test_concurrent_first_starts_make_one_attempt(racer, quiz):
    results, errors = at_once(3, lambda i: attempt_start(quiz=quiz, user=racer).pk)

    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(quiz=quiz, user=racer).count() == 1


def test_concurrent_submits_one_wins_the_other_is_stale(racer, quiz):
    attempt = attempt_start(quiz=quiz, user=racer)

    def submit(index):
        return attempt_submit(
            attempt=Attempt.objects.get(pk=attempt.pk),
            seq=0,
            answers={1: ["A"] if index else ["B"]},
        ).score

    results, errors = at_once(2, submit)

    assert len(errors) == 1
    assert isinstance(errors[0], StaleSequence)
    stored = Attempt.objects.get(pk=attempt.pk)
    assert stored.status == Attempt.Status.FINISHED
    assert stored.seq == 1
    assert [r for r in results if r is not None] == [stored.score]
    assert QuizGrade.objects.filter(quiz=quiz, user=racer).count() == 1


def test_concurrent_autosaves_with_one_seq_store_exactly_one(racer, quiz):
    attempt = attempt_start(quiz=quiz, user=racer)

    def save(index):
        return attempt_answer_save(
            attempt=Attempt.objects.get(pk=attempt.pk),
            position=1,
            answer=["ABCD"[index]],
            seq=0,
        ).seq

    results, errors = at_once(3, save)

    assert len(errors) == 2
    assert all(isinstance(error, StaleSequence) for error in errors)
    assert Attempt.objects.get(pk=attempt.pk).seq == 1
    winner = next(i for i, r in enumerate(results) if r is not None)
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == [
        "ABCD"[winner]
    ]
