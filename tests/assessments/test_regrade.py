"""Correcting a question's key regrades every attempt that used that version."""

from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, ngettext

from assessments.models import Attempt, QuestionVersion, QuizGrade
from assessments.services import marking
from assessments.services.marking import item_mark, question_key_correct
from people.models import AuditEntry, Notification
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.attempts import attempt_submitted
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
def wrong_key():
    # The key says A, but the law says B: workers who answered B were wronged.
    return QuestionFactory(type="single", name="调解协议效力", answer=["A"], points=5)


@pytest.fixture
def other():
    return QuestionFactory(type="truefalse", name="调解免费", answer=["T"], points=5)


@pytest.fixture
def quiz(wrong_key, other):
    return QuizFactory(title="调解法测验", questions=[wrong_key, other])


def answered(quiz, user, pick):
    wrong_key, other = [
        qq.question for qq in quiz.fixed_questions.order_by("sort_order")
    ]
    return attempt_submitted(
        quiz=quiz, user=user, answers={wrong_key: [pick], other: ["T"]}
    )


def test_correcting_the_key_regrades_every_affected_attempt(
    quiz, wrong_key, worker, other_worker, trainer
):
    said_b = answered(quiz, worker, "B")
    said_a = answered(quiz, other_worker, "A")
    assert said_b.score == Decimal("5.00") and said_a.score == Decimal("10.00")

    count = question_key_correct(
        version=wrong_key.current_version, answer=["B"], by=trainer
    )

    assert count == 2
    said_b.refresh_from_db()
    said_a.refresh_from_db()
    assert said_b.score == Decimal("10.00") and said_b.passed
    assert said_a.score == Decimal("5.00") and not said_a.passed
    assert QuizGrade.objects.get(user=worker, quiz=quiz).percent == Decimal("100.00")
    version = QuestionVersion.objects.get(pk=wrong_key.current_version_id)
    assert version.answer == ["B"]
    fractions = {c["key"]: c["fraction"] for c in version.choices}
    assert fractions == {"A": 0.0, "B": 1.0, "C": 0.0, "D": 0.0}


def test_attempts_of_another_version_are_not_regraded(
    quiz, wrong_key, worker, other_worker, trainer
):
    old_version = wrong_key.current_version
    on_old = answered(quiz, worker, "B")
    # The question was edited after that attempt: version 2 already says B.
    new_version = QuestionVersion.objects.create(
        question=wrong_key,
        number=2,
        stem=old_version.stem,
        choices=old_version.choices,
        answer=["A"],
        points=old_version.points,
    )
    wrong_key.current_version = new_version
    wrong_key.save(update_fields=["current_version"])
    on_new = answered(quiz, other_worker, "B")

    count = question_key_correct(version=old_version, answer=["B"], by=trainer)

    assert count == 1
    on_old.refresh_from_db()
    on_new.refresh_from_db()
    assert on_old.score == Decimal("10.00")
    assert on_new.score == Decimal("5.00")
    assert not Notification.objects.filter(user=other_worker).exists()


def test_the_correction_is_audited_with_the_old_and_new_key_and_the_count(
    quiz, wrong_key, worker, trainer
):
    answered(quiz, worker, "B")

    question_key_correct(version=wrong_key.current_version, answer=["B"], by=trainer)

    entry = AuditEntry.objects.get(action="assessments.key_corrected")
    assert entry.actor == trainer
    assert entry.object_id == str(wrong_key.current_version_id)
    assert entry.details["old_key"] == ["A"]
    assert entry.details["new_key"] == ["B"]
    assert entry.details["attempts"] == 1
    assert entry.details["old_fractions"]["A"] == 1.0
    assert entry.details["new_fractions"]["B"] == 1.0


def test_only_workers_whose_score_changed_are_notified_with_old_and_new(
    quiz, wrong_key, worker, other_worker, trainer
):
    answered(quiz, worker, "B")  # 5 → 10
    answered(quiz, other_worker, "C")  # 5 → 5: wrong before and after

    question_key_correct(version=wrong_key.current_version, answer=["B"], by=trainer)

    note = Notification.objects.get(user=worker)
    assert "调解法测验" in note.title
    assert "5" in note.body and "10" in note.body
    assert note.url.endswith("/review/")
    assert not Notification.objects.filter(user=other_worker).exists()


def test_a_marked_essay_keeps_its_mark_through_a_regrade(wrong_key, worker, trainer):
    essay = QuestionFactory(type="essay", rubric="要点", points=5)
    quiz = QuizFactory(questions=[wrong_key, essay])
    attempt = attempt_submitted(
        quiz=quiz, user=worker, answers={wrong_key: ["B"], essay: {"text": "论述"}}
    )
    item = attempt.items.get(version__question=essay)
    item_mark(item=item, score=Decimal("4"), feedback="", by=trainer)

    question_key_correct(version=wrong_key.current_version, answer=["B"], by=trainer)

    attempt.refresh_from_db()
    assert attempt.score == Decimal("9.00")
    assert attempt.items.get(version__question=essay).score == Decimal("4.00")


def test_an_attempt_still_waiting_for_marking_is_rescored_but_stays_waiting(
    wrong_key, worker, trainer
):
    essay = QuestionFactory(type="essay", points=5)
    quiz = QuizFactory(questions=[wrong_key, essay])
    attempt = attempt_submitted(
        quiz=quiz, user=worker, answers={wrong_key: ["B"], essay: {"text": "论述"}}
    )

    count = question_key_correct(
        version=wrong_key.current_version, answer=["B"], by=trainer
    )

    assert count == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING
    assert attempt.items.get(version__question=wrong_key).score == Decimal("5.00")
    assert not Notification.objects.filter(user=worker).exists()


def test_partial_credit_fractions_can_be_corrected(worker, trainer):
    multiple = QuestionFactory(type="multiple", answer=["A", "B"], points=4)
    quiz = QuizFactory(questions=[multiple], multiple_scoring="partial")
    attempt = attempt_submitted(quiz=quiz, user=worker, answers={multiple: ["A"]})
    assert attempt.score == Decimal("2.00")

    question_key_correct(
        version=multiple.current_version,
        answer=["A", "B"],
        choices=[{"key": "A", "fraction": 0.75}, {"key": "B", "fraction": 0.25}],
        by=trainer,
    )

    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.00")


@pytest.mark.parametrize(
    ("answer", "choices", "code"),
    [
        (["Z"], None, "unknown"),
        (["A", "B"], None, "one_key"),
        ([], None, "no_answer"),
        (["A"], None, "unchanged"),
        (["B"], [{"key": "A", "fraction": 0.5}], "fraction_key"),
    ],
)
def test_a_key_that_does_not_fit_the_question_is_refused_and_nothing_changes(
    quiz, wrong_key, worker, trainer, answer, choices, code
):
    attempt = answered(quiz, worker, "B")

    with pytest.raises(ValidationError) as error:
        question_key_correct(
            version=wrong_key.current_version,
            answer=answer,
            choices=choices,
            by=trainer,
        )

    assert error.value.code == code
    assert QuestionVersion.objects.get(pk=wrong_key.current_version_id).answer == ["A"]
    attempt.refresh_from_db()
    assert attempt.score == Decimal("5.00")
    assert not AuditEntry.objects.filter(action="assessments.key_corrected").exists()


def test_a_fill_in_key_keeps_its_number_of_blanks(worker, trainer):
    fill = QuestionFactory(type="fill", answer=[["人民调解委员会"]], points=2)
    quiz = QuizFactory(questions=[fill])
    attempt = attempt_submitted(quiz=quiz, user=worker, answers={fill: ["调委会"]})
    assert attempt.score == Decimal("0.00")

    with pytest.raises(ValidationError):
        question_key_correct(
            version=fill.current_version, answer=[["调委会"], ["多余"]], by=trainer
        )
    question_key_correct(
        version=fill.current_version,
        answer=[["人民调解委员会", "调委会"]],
        by=trainer,
    )

    attempt.refresh_from_db()
    assert attempt.score == Decimal("2.00")


def test_many_attempts_are_regraded_by_a_task_in_batches(
    quiz,
    wrong_key,
    trainer,
    monkeypatch,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(marking, "REGRADE_INLINE_MAX", 3)
    monkeypatch.setattr(marking, "REGRADE_BATCH", 2)
    attempts = [answered(quiz, UserFactory(), "B") for _ in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        count = question_key_correct(
            version=wrong_key.current_version, answer=["B"], by=trainer
        )

    assert count == 5
    for attempt in attempts:
        attempt.refresh_from_db()
        assert attempt.score == Decimal("10.00")
    progress = marking.key_correction_progress(version_id=wrong_key.current_version_id)
    assert progress["total"] == 5 and progress["done"] == 5 and progress["finished"]
    assert Notification.objects.count() == 5
    entry = AuditEntry.objects.get(action="assessments.key_corrected")
    assert entry.details["background"] is True


def test_a_retried_background_regrade_tells_nobody_twice(
    quiz,
    wrong_key,
    trainer,
    monkeypatch,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(marking, "REGRADE_INLINE_MAX", 1)
    for _ in range(3):
        answered(quiz, UserFactory(), "B")
    with django_capture_on_commit_callbacks(execute=True):
        question_key_correct(
            version=wrong_key.current_version, answer=["B"], by=trainer
        )
    entry = AuditEntry.objects.get(action="assessments.key_corrected")

    marking.key_correction_regrade(
        version_id=wrong_key.current_version_id, correction_id=entry.pk
    )

    assert Notification.objects.count() == 3


# --- pages ----------------------------------------------------------------------


def test_the_page_shows_each_version_with_how_many_attempts_used_it(
    quiz, wrong_key, worker, other_worker, client_for
):
    answered(quiz, worker, "B")
    answered(quiz, other_worker, "A")

    response = client_for("trainer").get(
        f"/assessments/questions/{wrong_key.pk}/correct-key/"
    )

    versions = response.context["versions"]
    assert [(v.number, v.attempt_count) for v in versions] == [(1, 2)]
    assert "调解协议效力" in response.content.decode()


def test_the_confirmation_states_how_many_attempts_will_be_regraded(
    quiz, wrong_key, worker, other_worker, client_for
):
    answered(quiz, worker, "B")
    answered(quiz, other_worker, "A")
    url = f"/assessments/questions/{wrong_key.pk}/correct-key/"

    response = client_for("trainer").post(
        url, {"version": wrong_key.current_version_id, "answer": "B"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert shown(
        "%(count)s attempt will be regraded.",
        "%(count)s attempts will be regraded.",
        2,
        count=2,
    ) in unescape(body)
    assert QuestionVersion.objects.get(pk=wrong_key.current_version_id).answer == ["A"]


def test_confirming_corrects_the_key_and_the_worker_s_result_changes(
    quiz, wrong_key, worker, client_for
):
    attempt = answered(quiz, worker, "B")
    url = f"/assessments/questions/{wrong_key.pk}/correct-key/"

    response = client_for("trainer").post(
        url,
        {"version": wrong_key.current_version_id, "answer": "B", "confirm": "1"},
        follow=True,
    )

    assert shown(
        "The key is corrected and %(count)s attempt was regraded.",
        "The key is corrected and %(count)s attempts were regraded.",
        1,
        count=1,
    ) in page(response)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("10.00")


def test_a_wrong_key_on_the_page_is_explained_and_kept(quiz, wrong_key, client_for):
    url = f"/assessments/questions/{wrong_key.pk}/correct-key/"

    response = client_for("trainer").post(
        url,
        {
            "version": wrong_key.current_version_id,
            "answer": "B",
            "fraction_A": "50",
        },
    )

    body = response.content.decode()
    assert shown(
        "The grades do not agree with the key: right choices need a grade above "
        "0%, wrong ones 0% or a penalty."
    ) in unescape(body)
    assert 'value="50"' in body


def test_the_page_shows_a_background_regrade_s_progress(wrong_key, client_for):
    cache.set(
        f"assessments:key-correction:{wrong_key.current_version_id}",
        {"correction": 1, "total": 300, "done": 100, "finished": False},
    )

    response = client_for("admin").get(
        f"/assessments/questions/{wrong_key.pk}/correct-key/"
    )

    assert shown(
        "Running: %(done)s of %(total)s attempts regraded. This page refreshes by "
        "itself.",
        done=100,
        total=300,
    ) in page(response)


def test_an_essay_has_no_key_to_correct(client_for):
    essay = QuestionFactory(type="essay")

    response = client_for("trainer").get(
        f"/assessments/questions/{essay.pk}/correct-key/"
    )

    assert shown("An essay has no key: it is marked by a trainer.") in page(response)
    assert "form" not in response.context
