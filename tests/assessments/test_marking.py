"""Essay marking: the queue, the marking page, item_mark and what the worker gets."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from assessments.models import Attempt, AttemptItem, QuizGrade
from assessments.services.attempts import attempt_start, attempt_submit
from assessments.services.marking import item_mark
from people.models import AuditEntry, Notification
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.attempts import attempt_submitted
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

RUBRIC = "要点：1. 自愿原则 2. 合法原则 3. 尊重当事人权利（各 2 分）"


def shown(msgid: str, plural: str | None = None, n: int = 1, **values) -> str:
    """A text as the page shows it in the site's language (Chinese by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = ngettext(msgid, plural, n) if plural else gettext(msgid)
    return text % values if values else text


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def essay():
    return QuestionFactory(
        type="essay",
        name="调解原则论述",
        stem="<p>请论述人民调解应当遵循的原则。</p>",
        rubric=RUBRIC,
        points=6,
    )


@pytest.fixture
def single():
    return QuestionFactory(type="single", name="调解委员会", points=4)


@pytest.fixture
def quiz(essay, single):
    # 10 points: 4 auto-graded, 6 for the essay; pass mark 60%.
    return QuizFactory(title="人民调解随堂测验", questions=[single, essay])


def submitted(quiz, user, *, right=True, text="调解应当自愿、合法。", **kwargs):
    single, essay = [qq.question for qq in quiz.fixed_questions.order_by("sort_order")]
    return attempt_submitted(
        quiz=quiz,
        user=user,
        answers={single: ["A" if right else "B"], essay: {"text": text}},
        **kwargs,
    )


def essay_item(attempt):
    return attempt.items.get(version__question__type="essay")


def test_an_essay_attempt_waits_for_marking_then_is_final_with_the_right_score(
    quiz, worker, trainer
):
    attempt = attempt_start(quiz=quiz, user=worker)
    positions = {
        item.version.question.type: item.position
        for item in attempt.items.select_related("version__question")
    }
    attempt_submit(
        attempt=attempt,
        seq=attempt.seq,
        answers={
            positions["single"]: ["A"],
            positions["essay"]: {"text": "应当遵循自愿、合法原则。"},
        },
    )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING
    assert attempt.score is None

    item_mark(item=essay_item(attempt), score=Decimal("3"), feedback="较好", by=trainer)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == Decimal("7.00")
    assert attempt.percent == Decimal("70.00")
    assert attempt.passed is True
    grade = QuizGrade.objects.get(quiz=quiz, user=worker)
    assert grade.percent == Decimal("70.00")
    assert grade.passed
    marked = essay_item(attempt)
    assert (marked.score, marked.feedback, marked.marked_by) == (
        Decimal("3.00"),
        "较好",
        trainer,
    )
    assert marked.marked_at is not None
    assert not marked.needs_marking


def test_a_low_essay_mark_leaves_the_attempt_failed(quiz, worker, trainer):
    attempt = submitted(quiz, worker, right=False)

    item_mark(item=essay_item(attempt), score=Decimal("5.5"), feedback="", by=trainer)

    attempt.refresh_from_db()
    assert attempt.score == Decimal("5.50")
    assert attempt.passed is False


def test_the_worker_is_told_once_when_the_attempt_becomes_final(quiz, worker, trainer):
    attempt = submitted(quiz, worker)

    item_mark(item=essay_item(attempt), score=Decimal("6"), feedback="很好", by=trainer)

    note = Notification.objects.get(user=worker)
    assert "人民调解随堂测验" in note.title
    assert "10" in note.body
    assert note.url == f"/quiz/attempt/{attempt.pk}/review/"
    assert not Notification.objects.exclude(user=worker).exists()


def test_an_attempt_with_two_essays_is_final_only_when_both_are_marked(
    essay, trainer, worker
):
    second = QuestionFactory(type="essay", rubric="要点", points=4)
    quiz = QuizFactory(questions=[essay, second])
    attempt = attempt_submitted(
        quiz=quiz,
        user=worker,
        answers={essay: {"text": "一"}, second: {"text": "二"}},
    )
    first_item, second_item = attempt.items.order_by("position")

    item_mark(item=first_item, score=Decimal("6"), feedback="", by=trainer)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING
    assert not Notification.objects.filter(user=worker).exists()

    item_mark(item=second_item, score=Decimal("2"), feedback="", by=trainer)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == Decimal("8.00")
    assert Notification.objects.filter(user=worker).count() == 1


def test_marking_is_audited_with_the_old_and_new_score(quiz, worker, trainer):
    attempt = submitted(quiz, worker)
    item = essay_item(attempt)

    item_mark(item=item, score=Decimal("4"), feedback="", by=trainer)

    entry = AuditEntry.objects.get(action="assessments.item_marked")
    assert entry.actor == trainer
    assert entry.object_id == str(item.pk)
    assert entry.details["old_score"] is None
    assert entry.details["new_score"] == "4.00"
    assert entry.details["attempt"] == attempt.pk
    assert entry.details["remark"] is False


@pytest.mark.parametrize("score", ["-1", "6.01", "abc", "1.234", "NaN"])
def test_a_score_outside_zero_to_the_points_is_refused(quiz, worker, trainer, score):
    attempt = submitted(quiz, worker)

    with pytest.raises(ValidationError):
        item_mark(item=essay_item(attempt), score=score, feedback="", by=trainer)

    assert essay_item(attempt).marked_at is None
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING


def test_an_open_attempt_cannot_be_marked(quiz, worker, trainer):
    attempt = attempt_start(quiz=quiz, user=worker)
    item = attempt.items.get(version__question__type="essay")

    with pytest.raises(ValidationError):
        item_mark(item=item, score=Decimal("1"), feedback="", by=trainer)


def test_a_re_mark_changes_the_final_score_is_audited_and_tells_the_worker(
    quiz, worker, trainer, admin
):
    attempt = submitted(quiz, worker)
    item_mark(item=essay_item(attempt), score=Decimal("1"), feedback="", by=trainer)
    attempt.refresh_from_db()
    assert attempt.passed is False  # 5 of 10

    item_mark(item=essay_item(attempt), score=Decimal("5"), feedback="复核", by=admin)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == Decimal("9.00")
    assert attempt.passed is True
    assert QuizGrade.objects.get(quiz=quiz, user=worker).passed
    remark = AuditEntry.objects.filter(action="assessments.item_marked").latest("id")
    assert remark.details["remark"] is True
    assert remark.details["old_score"] == "1.00"
    assert remark.details["attempt_score_before"] == "5.00"
    assert remark.details["attempt_score_after"] == "9.00"
    notes = list(Notification.objects.filter(user=worker).order_by("id"))
    assert len(notes) == 2
    assert "5" in notes[1].body and "9" in notes[1].body


def test_a_re_mark_with_the_same_score_tells_the_worker_nothing_new(
    quiz, worker, trainer
):
    attempt = submitted(quiz, worker)
    item_mark(item=essay_item(attempt), score=Decimal("3"), feedback="", by=trainer)

    item_mark(item=essay_item(attempt), score=Decimal("3"), feedback="补充", by=trainer)

    assert Notification.objects.filter(user=worker).count() == 1
    assert AuditEntry.objects.filter(action="assessments.item_marked").count() == 2


# --- pages ----------------------------------------------------------------------


def test_the_queue_lists_waiting_essays_oldest_first_with_the_worker_s_name(
    quiz, worker, other_worker, client_for
):
    now = timezone.now()
    newer = submitted(quiz, worker, submitted_at=now - timedelta(hours=1))
    older = submitted(quiz, other_worker, submitted_at=now - timedelta(days=1))
    finished = submitted(quiz, worker, submitted_at=now)
    AttemptItem.objects.filter(attempt=finished).update(needs_marking=False)

    response = client_for("trainer").get("/assessments/marking/")

    items = list(response.context["page_obj"].object_list)
    assert [i.attempt_id for i in items] == [older.pk, newer.pk]
    body = response.content.decode()
    assert "李青" in body and "张晓明" in body
    assert body.index("李青") < body.index("张晓明")
    assert "W10001" not in body  # nothing about the worker beyond the name


def test_the_queue_filters_by_quiz_and_by_course(
    quiz, essay, worker, client_for, trainer
):
    from tests.factories.courses import CoursePageFactory

    course = CoursePageFactory(title="人民调解实务")
    other_quiz = QuizFactory(title="另一测验", questions=[essay], course=course)
    submitted(quiz, worker)
    mine = attempt_submitted(
        quiz=other_quiz, user=worker, answers={essay: {"text": "答"}}
    )
    client = client_for("trainer")

    by_quiz = client.get(f"/assessments/marking/?quiz={other_quiz.pk}")
    by_course = client.get(f"/assessments/marking/?course={course.pk}")

    for response in (by_quiz, by_course):
        assert [i.attempt_id for i in response.context["page_obj"]] == [mine.pk]
    assert "人民调解实务" in by_course.content.decode()


def test_the_queue_says_so_when_nothing_waits(client_for):
    response = client_for("trainer").get("/assessments/marking/")

    assert shown("Nothing to mark: every essay answer has a score.") in page(response)


def test_the_queue_keeps_a_constant_number_of_queries(quiz, client_for, trainer):
    client = client_for("trainer")

    def count_for(n):
        for _ in range(n):
            submitted(quiz, UserFactory())
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/assessments/marking/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count_for(5)
    many = count_for(45)
    assert few == many


def test_the_queue_is_paginated_by_25(quiz, client_for):
    for _ in range(27):
        submitted(quiz, UserFactory())

    client = client_for("trainer")
    first = client.get("/assessments/marking/")
    second = client.get("/assessments/marking/?page=2")

    assert len(first.context["page_obj"].object_list) == 25
    assert len(second.context["page_obj"].object_list) == 2


def test_the_marking_page_shows_the_stem_rubric_points_and_the_escaped_answer(
    quiz, worker, client_for
):
    attempt = submitted(quiz, worker, text="<script>alert(1)</script>调解应当自愿")
    item = essay_item(attempt)

    response = client_for("trainer").get(f"/assessments/marking/items/{item.pk}/")

    body = response.content.decode()
    assert "请论述人民调解应当遵循的原则。" in body
    assert "自愿原则" in body  # the rubric
    assert "&lt;script&gt;alert(1)&lt;/script&gt;调解应当自愿" in body
    assert "<script>alert(1)</script>" not in body
    assert "张晓明" in body
    assert shown("%(points)s points", points="6") in unescape(body)


def test_marking_through_the_page_finishes_the_attempt(quiz, worker, client_for):
    attempt = submitted(quiz, worker)
    item = essay_item(attempt)

    response = client_for("trainer").post(
        f"/assessments/marking/items/{item.pk}/",
        {"score": "4.5", "feedback": "论述完整", "save": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/assessments/marking/"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.score == Decimal("8.50")
    assert essay_item(attempt).feedback == "论述完整"


def test_save_and_next_goes_to_the_next_waiting_essay(
    quiz, worker, other_worker, client_for
):
    now = timezone.now()
    first = submitted(quiz, worker, submitted_at=now - timedelta(hours=2))
    second = submitted(quiz, other_worker, submitted_at=now - timedelta(hours=1))

    response = client_for("trainer").post(
        f"/assessments/marking/items/{essay_item(first).pk}/",
        {"score": "6", "feedback": "", "next": "1", "quiz": str(quiz.pk)},
    )

    assert response["Location"] == (
        reverse("assessments:marking_item", args=[essay_item(second).pk])
        + f"?quiz={quiz.pk}"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7", "The score must be between 0 and %(points)s."),
        ("-2", "The score must be between 0 and %(points)s."),
        ("三分", "Enter the score as a number, for example 7.5."),
        ("", "Give a score."),
    ],
)
def test_a_wrong_score_on_the_page_says_why_and_keeps_what_was_typed(
    quiz, worker, client_for, typed, message
):
    attempt = submitted(quiz, worker)
    item = essay_item(attempt)

    response = client_for("trainer").post(
        f"/assessments/marking/items/{item.pk}/",
        {"score": typed, "feedback": "我的评语"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    expected = shown(message, points="6") if "%(" in message else shown(message)
    assert expected in unescape(body)
    assert f'value="{typed}"' in body or not typed
    assert "我的评语" in body
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.MARKING


def test_marked_answers_can_be_listed_and_marked_again(
    quiz, worker, client_for, trainer
):
    attempt = submitted(quiz, worker)
    item_mark(item=essay_item(attempt), score=Decimal("2"), feedback="", by=trainer)
    client = client_for("trainer")

    listed = client.get("/assessments/marking/?state=marked")
    assert [i.pk for i in listed.context["page_obj"]] == [essay_item(attempt).pk]
    assert shown("Mark again") in page(listed)

    client.post(
        f"/assessments/marking/items/{essay_item(attempt).pk}/",
        {"score": "6", "feedback": "复核后", "save": "1", "state": "marked"},
    )
    attempt.refresh_from_db()
    assert attempt.score == Decimal("10.00")


def test_an_auto_graded_item_is_not_on_the_marking_page(quiz, worker, client_for):
    attempt = submitted(quiz, worker)
    auto = attempt.items.get(version__question__type="single")

    response = client_for("trainer").get(f"/assessments/marking/items/{auto.pk}/")

    assert response.status_code == 404
