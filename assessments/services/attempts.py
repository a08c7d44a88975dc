"""Attempts: start, autosave, submit, close, finalise, regrade.

The server decides everything: which questions, their order, the deadline and
the score. ``Attempt.seq`` grows with every accepted write; a client that sends
a stale ``seq`` gets ``StaleSequence`` (HTTP 409) and changes nothing. Every
write locks the attempt's row first, so two tabs or a double tap are
serialised and the second one sees the first one's ``seq``.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.grading import item_score
from assessments.models import (
    Attempt,
    AttemptItem,
    Question,
    QuizDrawRule,
    QuizGrade,
    QuizQuestion,
)
from assessments.signals import attempt_graded

logger = logging.getLogger(__name__)

# Answers that arrive this long after the deadline are still stored: the
# phone's request may have left in time and spent a while on a slow network.
GRACE = timedelta(seconds=60)

# Longest text kept for one answer (a blank, a short answer, an essay).
MAX_SHORT_TEXT = 1000
MAX_ESSAY_TEXT = 20000

_rng = random.SystemRandom()

CHOICE_TYPES = (
    Question.Type.SINGLE,
    Question.Type.MULTIPLE,
    Question.Type.TRUE_FALSE,
)


class AttemptError(Exception):
    """Base of the errors the attempt services raise; the message is for the user."""


class StaleSequence(AttemptError):  # noqa: N818 - the contract's name
    """The client's ``seq`` is not the attempt's: another window wrote first."""

    def __init__(self, seq: int):
        super().__init__(
            _("This attempt was changed in another window. The page will reload.")
        )
        self.seq = seq


class AttemptClosed(AttemptError):  # noqa: N818 - the contract's name
    """The attempt takes no more answers (submitted, or time ran out)."""

    def __init__(self, attempt: Attempt, *, timed_out: bool = False):
        message = (
            _("Time is up: your attempt was closed with the answers saved so far.")
            if timed_out
            else _("This attempt is already submitted.")
        )
        super().__init__(message)
        self.attempt = attempt
        self.timed_out = timed_out


class QuizUnavailableError(AttemptError):
    """The worker may not start an attempt now; the message says why."""


class AttemptLimitError(QuizUnavailableError):
    """Every allowed attempt is used."""


class InvalidAnswerError(AttemptError):
    """The answer does not fit the question (an unknown choice, a wrong shape)."""


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _past_grace(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def _locked(attempt: Attempt) -> Attempt:
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .get(pk=attempt.pk)
    )


def _sync(target: Attempt, source: Attempt) -> None:
    """Copy what the services change onto the caller's instance."""
    if target is source:
        return
    for field in (
        "status",
        "seq",
        "submitted_at",
        "closed_by_timeout",
        "score",
        "max_score",
        "percent",
        "passed",
        "deadline",
    ):
        setattr(target, field, getattr(source, field))


# --- starting -------------------------------------------------------------------


def quiz_unavailable_reason(*, quiz, now: datetime | None = None) -> str:
    """Why the quiz cannot be started now ("" when it can): unpublished, window."""
    now = now or timezone.now()
    if not quiz.is_published:
        return _("This quiz is not open.")
    if quiz.opens_at and now < quiz.opens_at:
        return _("This quiz opens on %(date)s.") % {
            "date": timezone.localtime(quiz.opens_at).strftime("%Y-%m-%d %H:%M")
        }
    if quiz.closes_at and now >= quiz.closes_at:
        return _("This quiz has closed.")
    return ""


def _draw(quiz) -> list[tuple[Question, Decimal | None]]:
    """The questions of a new attempt: the fixed ones, then each draw rule's.

    A question appears once even when a fixed question also matches a rule or
    two rules overlap. Retired questions (``is_active`` off) are never drawn.
    When a rule finds fewer active questions than it asks for (some were
    retired since the quiz was saved), the attempt gets what there is.
    """
    fixed = list(
        QuizQuestion.objects.filter(
            quiz=quiz,
            question__is_active=True,
            question__current_version__isnull=False,
        )
        .select_related("question__current_version")
        .order_by("sort_order", "id")
    )
    chosen: list[tuple[Question, Decimal | None]] = [
        (slot.question, slot.points) for slot in fixed
    ]
    taken = {question.pk for question, _points in chosen}
    drawn: list[tuple[int, Decimal | None]] = []
    for rule in QuizDrawRule.objects.filter(quiz=quiz).order_by("sort_order", "id"):
        pool = Question.objects.filter(
            bank_id=rule.bank_id, is_active=True, current_version__isnull=False
        ).exclude(pk__in=taken)
        if rule.category_id:
            pool = pool.filter(category_id=rule.category_id)
        if rule.difficulty:
            pool = pool.filter(difficulty=rule.difficulty)
        ids = list(pool.values_list("pk", flat=True))
        if len(ids) < rule.count:
            logger.warning(
                "Quiz %s: draw rule %s wants %s questions, %s are available",
                quiz.pk,
                rule.pk,
                rule.count,
                len(ids),
            )
        picked = _rng.sample(ids, min(rule.count, len(ids)))
        taken.update(picked)
        drawn.extend((pk, rule.points) for pk in picked)
    if drawn:
        loaded = Question.objects.select_related("current_version").in_bulk(
            [pk for pk, _points in drawn]
        )
        chosen.extend((loaded[pk], points) for pk, points in drawn)
    return chosen


def _choice_order(*, question: Question, shuffle: bool) -> list[str]:
    version = question.current_version
    if question.type not in CHOICE_TYPES:
        return []
    keys = [str(choice.get("key")) for choice in version.choices or []]
    if shuffle and question.type != Question.Type.TRUE_FALSE:
        _rng.shuffle(keys)
    return keys


def _deadline(*, quiz, now: datetime) -> datetime | None:
    ends = []
    if quiz.time_limit_minutes:
        ends.append(now + timedelta(minutes=quiz.time_limit_minutes))
    if quiz.closes_at:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def attempt_start(*, quiz, user, now: datetime | None = None) -> Attempt:
    """Start an attempt, or resume the worker's open one.

    The worker's own row is locked first: an attempt may not exist yet, so a
    lock on the worker's attempts would lock nothing, and two starts sent at
    once (two tabs, a double tap) must still count as one. Locking the worker
    rather than the quiz keeps a whole street starting an exam at 9:00 from
    queueing behind each other. The unique constraints on Attempt back this up.

    An open attempt past its deadline and grace is closed (graded with what
    was saved) before the limit is counted. The deadline is the earlier of
    start + time limit and the quiz's closing time.
    """
    now = now or timezone.now()
    # Closed in a transaction of its own: a refusal below must not reopen it.
    expired = Attempt.objects.filter(
        quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS
    ).first()
    if expired is not None:
        attempt_close_if_expired(attempt=expired, now=now)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        attempts = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("number"))
        current = next(
            (a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None
        )
        if current is not None:
            if not _past_grace(current, now):
                return current
            _close(locked=_locked(current), now=now, timed_out=True)
        reason = quiz_unavailable_reason(quiz=quiz, now=now)
        if reason:
            raise QuizUnavailableError(reason)
        if len(attempts) >= quiz.attempts_allowed:
            raise AttemptLimitError(
                _("You have used all %(count)s attempts at this quiz.")
                % {"count": quiz.attempts_allowed}
            )
        questions = _draw(quiz)
        if not questions:
            raise QuizUnavailableError(_("This quiz has no questions yet."))
        if quiz.shuffle_questions:
            _rng.shuffle(questions)
        attempt = Attempt(
            quiz=quiz,
            user=user,
            number=max((a.number for a in attempts), default=0) + 1,
            started_at=now,
            deadline=_deadline(quiz=quiz, now=now),
        )
        items = [
            AttemptItem(
                position=position,
                version=question.current_version,
                points=points
                if points is not None
                else question.current_version.points,
                choice_order=_choice_order(
                    question=question, shuffle=quiz.shuffle_choices
                ),
            )
            for position, (question, points) in enumerate(questions, start=1)
        ]
        attempt.max_score = sum((item.points for item in items), Decimal("0"))
        try:
            with transaction.atomic():
                attempt.save()
        except IntegrityError:
            # Only reachable on a database without row locks (SQLite): another
            # start won the race; resume its attempt.
            existing = Attempt.objects.filter(
                quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS
            ).first()
            if existing is None:
                raise
            return existing
        for item in items:
            item.attempt = attempt
        AttemptItem.objects.bulk_create(items)
        return attempt


# --- answers --------------------------------------------------------------------


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise InvalidAnswerError(_("This answer could not be read."))
    return str(value).strip()[:limit]


def answer_clean(*, item: AttemptItem, answer):
    """The stored form of a worker's answer to this item, or None for no answer.

    single and true/false ``["B"]``; multiple ``["A", "C"]`` in the order
    shown; fill one text per blank; short ``["text"]``; essay
    ``{"text": "..."}``. A choice key that is not one of the item's raises
    ``InvalidAnswerError``.
    """
    qtype = item.version.question.type
    if qtype in CHOICE_TYPES:
        if answer in (None, "", []):
            return None
        picked = [answer] if isinstance(answer, str) else answer
        if not isinstance(picked, list) or not all(isinstance(k, str) for k in picked):
            raise InvalidAnswerError(_("This answer could not be read."))
        order = item.choice_order or [
            str(c.get("key")) for c in item.version.choices or []
        ]
        if any(key not in order for key in picked):
            raise InvalidAnswerError(_("This choice is not one of the question's."))
        picked = [key for key in order if key in set(picked)]
        if qtype != Question.Type.MULTIPLE and len(picked) > 1:
            raise InvalidAnswerError(_("Choose one answer."))
        return picked or None
    if qtype == Question.Type.FILL:
        blanks = max(len(item.version.answer or []), 1)
        given = answer if isinstance(answer, list) else [answer]
        texts = [_text(v, MAX_SHORT_TEXT) for v in given[:blanks]]
        texts += [""] * (blanks - len(texts))
        return texts if any(texts) else None
    if qtype == Question.Type.SHORT:
        value = answer[0] if isinstance(answer, list) and answer else answer
        value = value.get("text") if isinstance(value, dict) else value
        text = _text(value if value != [] else "", MAX_SHORT_TEXT)
        return [text] if text else None
    # essay
    value = answer.get("text") if isinstance(answer, dict) else answer
    if isinstance(value, list):
        value = value[0] if value else ""
    text = _text(value, MAX_ESSAY_TEXT)
    return {"text": text} if text else None


def attempt_answer_save(
    *, attempt: Attempt, position: int, answer, seq: int, now: datetime | None = None
) -> Attempt:
    """Autosave one answer; returns the attempt with its new ``seq``.

    Idempotent: the same answer again changes nothing (``seq`` stays). A stale
    ``seq`` raises ``StaleSequence`` and changes nothing. An answer arriving
    after deadline + grace is not stored: the attempt is closed as it stands
    and ``AttemptClosed(timed_out=True)`` is raised after that is committed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.status != Attempt.Status.IN_PROGRESS:
            raise AttemptClosed(locked)
        timed_out = _past_grace(locked, now)
        if timed_out:
            _close(locked=locked, now=now, timed_out=True)
        else:
            if seq != locked.seq:
                raise StaleSequence(locked.seq)
            item = (
                AttemptItem.objects.select_related("version__question")
                .filter(attempt=locked, position=position)
                .first()
            )
            if item is None:
                raise InvalidAnswerError(
                    _("There is no such question in this attempt.")
                )
            cleaned = answer_clean(item=item, answer=answer)
            if cleaned != item.answer:
                item.answer = cleaned
                item.answered_at = now
                item.save(update_fields=["answer", "answered_at"])
                locked.seq += 1
                locked.save(update_fields=["seq"])
    _sync(attempt, locked)
    if timed_out:
        raise AttemptClosed(locked, timed_out=True)
    return locked


def attempt_submit(
    *,
    attempt: Attempt,
    seq: int,
    answers: dict[int, object] | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Hand the attempt in: store ``answers`` (the plain form's, by position), grade.

    A stale ``seq`` (a second submit, another window) raises ``StaleSequence``.
    After deadline + grace the answers sent are not stored and the attempt is
    graded as it stood (``closed_by_timeout`` says so). Essays send the attempt
    to marking; otherwise it is finalised at once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(attempt)
        if seq != locked.seq:
            raise StaleSequence(locked.seq)
        if locked.status != Attempt.Status.IN_PROGRESS:
            raise AttemptClosed(locked)
        timed_out = _past_grace(locked, now)
        items = _load_items(locked)
        if answers and not timed_out:
            _answers_store(items=items, answers=answers, now=now)
        _close(locked=locked, now=now, timed_out=timed_out, items=items)
    _sync(attempt, locked)
    return locked


def _items_update(items: list[AttemptItem], fields: list[str]) -> None:
    """Write these fields of many items in one UPDATE.

    On PostgreSQL one ``UPDATE … FROM (VALUES …)``: Django's ``bulk_update``
    builds a CASE expression per row and field, which costs more Python time
    than grading a 100-question attempt does. Elsewhere ``bulk_update``.
    """
    if not items:
        return
    if connection.vendor != "postgresql":
        AttemptItem.objects.bulk_update(items, fields)
        return
    meta = AttemptItem._meta
    columns = [meta.get_field(name) for name in fields]
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params: list = []
    for item in items:
        params.append(item.pk)
        for column in columns:
            value = getattr(item, column.attname)
            params.append(column.get_db_prep_save(value, connection))
    names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    assignments = ", ".join(
        "{col} = v.{col}::{type}".format(
            col=connection.ops.quote_name(c.column), type=c.db_type(connection)
        )
        for c in columns
    )
    # Built from model metadata only; every value is a parameter.
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} AS t SET {assignments} "  # noqa: S608  # nosec B608  # names from model metadata, values are parameters
        f"FROM (VALUES {', '.join([row] * len(items))}) AS v(id, {names}) "
        "WHERE t.id = v.id::bigint"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _load_items(attempt: Attempt) -> list[AttemptItem]:
    return list(
        AttemptItem.objects.select_related("version__question").filter(attempt=attempt)
    )


def _answers_store(
    *, items: list[AttemptItem], answers: dict[int, object], now
) -> None:
    changed = []
    for item in items:
        if item.position not in answers:
            continue
        cleaned = answer_clean(item=item, answer=answers[item.position])
        if cleaned != item.answer:
            item.answer = cleaned
            item.answered_at = now
            changed.append(item)
    _items_update(changed, ["answer", "answered_at"])


# --- grading --------------------------------------------------------------------


def _score_items(
    *, attempt: Attempt, keep_marked: bool, items: list[AttemptItem] | None = None
) -> list[AttemptItem]:
    """Score every item from its version; a person's marks stay when asked."""
    items = _load_items(attempt) if items is None else items
    scoring = attempt.quiz.multiple_scoring
    for item in items:
        if keep_marked and item.marked_at is not None:
            item.needs_marking = False
            continue
        score = item_score(
            version=item.version,
            answer=item.answer,
            points=item.points,
            multiple_scoring=scoring,
            qtype=item.version.question.type,
        )
        item.score = score
        item.needs_marking = score is None
    _items_update(items, ["score", "needs_marking"])
    return items


def _close(
    *,
    locked: Attempt,
    now: datetime,
    timed_out: bool,
    items: list[AttemptItem] | None = None,
) -> None:
    """Grade a locked open attempt with what it holds; finalise or send to marking."""
    items = _score_items(attempt=locked, keep_marked=True, items=items)
    locked.seq += 1
    locked.submitted_at = now
    locked.closed_by_timeout = timed_out
    locked.max_score = sum((item.points for item in items), Decimal("0"))
    if any(item.needs_marking for item in items):
        locked.status = Attempt.Status.MARKING
    locked.save(
        update_fields=[
            "seq",
            "submitted_at",
            "closed_by_timeout",
            "max_score",
            "status",
        ]
    )
    if locked.status != Attempt.Status.MARKING:
        _finalise_locked(locked=locked, items=items)


def attempt_finalise(*, attempt: Attempt) -> Attempt:
    """Give the attempt its final score when no item needs marking any more.

    Sets score, percent and passed, status FINISHED, updates the worker's
    QuizGrade, lets courses complete an enrolment the pass unblocks, and sends
    ``attempt_graded`` after the commit. An attempt still in progress, or with
    an item waiting for a marker, is returned unchanged.
    """
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.status != Attempt.Status.IN_PROGRESS:
            items = list(
                AttemptItem.objects.filter(attempt=locked).only(
                    "score", "points", "needs_marking"
                )
            )
            if not any(item.needs_marking or item.score is None for item in items):
                _finalise_locked(locked=locked, items=items)
    _sync(attempt, locked)
    return locked


def _finalise_locked(*, locked: Attempt, items: list[AttemptItem]) -> None:
    quiz = locked.quiz
    score = sum((item.score or Decimal("0") for item in items), Decimal("0"))
    max_score = sum((item.points for item in items), Decimal("0"))
    # A quiz worth no points cannot be failed.
    percent = _money(score * 100 / max_score) if max_score else Decimal("100.00")
    locked.score = _money(score)
    locked.max_score = max_score
    locked.percent = percent
    locked.passed = percent >= quiz.pass_percent
    locked.status = Attempt.Status.FINISHED
    locked.submitted_at = locked.submitted_at or timezone.now()
    locked.save(
        update_fields=[
            "score",
            "max_score",
            "percent",
            "passed",
            "status",
            "submitted_at",
        ]
    )
    grade = _grade_update(quiz=quiz, user_id=locked.user_id)
    if grade is not None and grade.passed:
        _enrolments_check(user_id=locked.user_id)
    transaction.on_commit(partial(attempt_graded.send, sender=Attempt, attempt=locked))


def _grade_update(*, quiz, user_id: int) -> QuizGrade | None:
    """The worker's QuizGrade from their finished attempts, by the grading method.

    highest: the best percent (the earlier attempt on a tie); last: the latest
    finished attempt. ``passed_at`` keeps the first time the grade passed.
    """
    finished = Attempt.objects.filter(
        quiz=quiz, user_id=user_id, status=Attempt.Status.FINISHED
    )
    if quiz.grading_method == quiz.Grading.LAST:
        counted = finished.order_by("-number").first()
    else:
        counted = finished.order_by("-percent", "number").first()
    if counted is None:
        return None
    grade, _created = QuizGrade.objects.select_for_update().get_or_create(
        quiz=quiz,
        user_id=user_id,
        defaults={"attempt": counted, "percent": counted.percent},
    )
    grade.attempt = counted
    grade.percent = counted.percent
    grade.passed = bool(counted.passed)
    if grade.passed and grade.passed_at is None:
        grade.passed_at = counted.submitted_at or timezone.now()
    grade.save()
    return grade


def _enrolments_check(*, user_id: int) -> None:
    """A pass may be what an enrolment waited for: let courses check those that
    have every required lesson done (the only ones a quiz can complete)."""
    from courses.models import Enrolment
    from courses.services.learning import course_completion_check

    waiting = Enrolment.objects.filter(
        user_id=user_id,
        status=Enrolment.Status.IN_PROGRESS,
        lessons_required__gt=0,
        lessons_done__gte=F("lessons_required"),
    )
    for enrolment in waiting:
        course_completion_check(enrolment=enrolment)


def attempt_regrade(*, attempt: Attempt) -> Attempt:
    """Score the attempt's items again from their versions (after a key correction).

    A marker's score stays as marked. An attempt in progress is left alone (it
    is graded when submitted); otherwise it is finalised again when nothing
    needs marking, which updates the QuizGrade and sends ``attempt_graded``.
    The caller compares the old and new score.
    """
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.status != Attempt.Status.IN_PROGRESS:
            items = _score_items(attempt=locked, keep_marked=True)
            if any(item.needs_marking for item in items):
                if locked.status != Attempt.Status.MARKING:
                    locked.status = Attempt.Status.MARKING
                    locked.save(update_fields=["status"])
            else:
                _finalise_locked(locked=locked, items=items)
    _sync(attempt, locked)
    return locked


# --- abandoned attempts ---------------------------------------------------------


def attempt_close_if_expired(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Close an open attempt whose deadline and grace have passed; True if it did.

    The attempt page calls it so that a worker who comes back late sees the
    result at once rather than a page that takes no answers.
    """
    now = now or timezone.now()
    if attempt.status != Attempt.Status.IN_PROGRESS or not _past_grace(attempt, now):
        return False
    with transaction.atomic():
        locked = _locked(attempt)
        if locked.status != Attempt.Status.IN_PROGRESS:
            _sync(attempt, locked)
            return False
        _close(locked=locked, now=now, timed_out=True)
    _sync(attempt, locked)
    return True


def attempts_close_expired(*, now: datetime | None = None) -> int:
    """Close open attempts whose deadline and grace have passed; returns how many.

    Each attempt is closed in its own transaction under its row lock (a late
    autosave may be closing it at the same moment), graded with what was saved.
    """
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(
            status=Attempt.Status.IN_PROGRESS, deadline__lt=now - GRACE
        ).values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:
        with transaction.atomic():
            locked = (
                Attempt.objects.select_for_update(of=("self",))
                .select_related("quiz")
                .filter(pk=pk, status=Attempt.Status.IN_PROGRESS)
                .first()
            )
            if locked is None or not _past_grace(locked, now):
                continue
            _close(locked=locked, now=now, timed_out=True)
            closed += 1
    return closed
