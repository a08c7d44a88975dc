"""Marking: a trainer's mark on an essay, and key corrections that regrade.

Both change grades that workers already see, so both are audited (a grade change
is sensitive, DESIGN.md) and the workers whose result changes are told.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import Attempt, AttemptItem, Question, QuestionVersion
from assessments.services.attempts import attempt_finalise, attempt_regrade
from people.audit import audit_record
from people.notifications import notification_send
from people.outbox import enqueue_on_commit

# Up to this many attempts are regraded while the trainer waits; more go to a task.
REGRADE_INLINE_MAX = 200
# Attempts regraded per transaction by the task, so a long regrade holds no
# lock for long and a retry resumes cheaply (regrading is idempotent).
REGRADE_BATCH = 100
# How long the progress of a background regrade is kept for the page.
PROGRESS_SECONDS = 24 * 60 * 60

CHOICE_TYPES = (
    Question.Type.SINGLE,
    Question.Type.MULTIPLE,
    Question.Type.TRUE_FALSE,
)
ONE_KEY_TYPES = (Question.Type.SINGLE, Question.Type.TRUE_FALSE)
TWO_PLACES = Decimal("0.01")


def review_url(attempt: Attempt) -> str:
    """The worker's page of an attempt's result (the quiz area's review page)."""
    return reverse("assessments:quiz_review", args=[attempt.pk])


def _score_text(value) -> str:
    return "—" if value is None else f"{Decimal(value).normalize():f}"


def score_clean(*, score, points: Decimal) -> Decimal:
    """A mark as stored: a number from 0 to the item's points, two places at most."""
    try:
        value = Decimal(str(score).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            _("Enter the score as a number, for example 7.5."), code="invalid"
        )
    if value < 0 or value > points:
        raise ValidationError(
            _("The score must be between 0 and %(points)s.")
            % {"points": _score_text(points)},
            code="out_of_range",
        )
    if value != value.quantize(TWO_PLACES):
        raise ValidationError(_("Use at most two decimal places."), code="too_precise")
    return value.quantize(TWO_PLACES)


@transaction.atomic
def item_mark(
    *,
    item: AttemptItem,
    score: Decimal,
    feedback: str,
    by,
    request=None,
) -> AttemptItem:
    """Mark one item of a submitted attempt; the attempt is final once nothing waits.

    A re-mark (the item was marked before, the attempt may be finished) is allowed:
    it is audited like the first mark and finalises the attempt again, so the
    grade, the completion rule and competency evidence follow the new score.
    The worker is told when the attempt becomes final, and when a re-mark
    changes a final score.
    """
    # The attempt row is the lock: two trainers marking the last two essays
    # of one attempt must not both see "one left" and never finalise it.
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "user")
        .get(pk=item.attempt_id)
    )
    item = AttemptItem.objects.select_related("version__question").get(pk=item.pk)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        raise ValidationError(
            _("This attempt has not been submitted yet: there is nothing to mark."),
            code="open",
        )
    value = score_clean(score=score, points=item.points)
    before = {
        "item_score": item.score,
        "remark": item.marked_at is not None,
        "status": attempt.status,
        "score": attempt.score,
        "percent": attempt.percent,
    }
    item.score = value
    item.feedback = (feedback or "").strip()
    item.needs_marking = False
    item.marked_by = by
    item.marked_at = timezone.now()
    item.save(
        update_fields=["score", "feedback", "needs_marking", "marked_by", "marked_at"]
    )
    waiting = attempt.items.filter(needs_marking=True).exists()
    if not waiting:
        attempt_finalise(attempt=attempt)  # updates this instance too
    entry = audit_record(
        action="assessments.item_marked",
        actor=by,
        obj=item,
        details={
            "attempt": attempt.pk,
            "worker": attempt.user_id,
            "quiz": attempt.quiz_id,
            "question": item.version.question_id,
            "version": item.version.number,
            "position": item.position,
            "old_score": _opt(before["item_score"]),
            "new_score": str(value),
            "points": str(item.points),
            "remark": before["remark"],
            "attempt_final": not waiting,
            "attempt_score_before": _opt(before["score"]),
            "attempt_score_after": _opt(attempt.score) if not waiting else None,
        },
        request=request,
    )
    if not waiting:
        _notify_after_marking(attempt=attempt, before=before, entry_id=entry.pk)
    return item


def _opt(value) -> str | None:
    return None if value is None else str(value)


def _notify_after_marking(*, attempt: Attempt, before: dict, entry_id: int) -> None:
    user = attempt.user
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            "quiz": attempt.quiz.title,
            "score": _score_text(attempt.score),
            "max": _score_text(attempt.max_score),
            "percent": _score_text(attempt.percent),
        }
        if before["status"] == Attempt.Status.MARKING:
            title = _("Your result for “%(quiz)s” is ready") % facts
            body = (
                _("Score: %(score)s of %(max)s (%(percent)s%%). Passed.")
                if attempt.passed
                else _("Score: %(score)s of %(max)s (%(percent)s%%). Not passed yet.")
            ) % facts
            key = f"assessments.attempt_marked:{attempt.pk}"
        elif before["score"] != attempt.score:
            title = _("Your result for “%(quiz)s” was changed") % facts
            body = _(
                "A trainer marked an answer again. Your score changed from "
                "%(old)s to %(score)s of %(max)s (%(percent)s%%)."
            ) % {**facts, "old": _score_text(before["score"])}
            key = f"assessments.item_remarked:{entry_id}"
        else:
            return
        notification_send(
            user=user,
            title=title,
            body=body,
            url=review_url(attempt),
            kind="assessments.result",
            key=key,
        )


# --- Key correction -------------------------------------------------------------


def attempts_using_version(*, version: QuestionVersion):
    """Submitted attempts with an item of this version: those a key change regrades.

    Open attempts are left alone: they are graded with the key as it is when
    they are submitted.
    """
    return (
        Attempt.objects.filter(items__version=version)
        .exclude(status=Attempt.Status.IN_PROGRESS)
        .distinct()
    )


def _fraction(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            _("A choice's grade must be a number."), code="fraction"
        ) from error
    if not -1 <= number <= 1:
        raise ValidationError(
            _("A choice's grade must lie between -100% and 100%."), code="fraction"
        )
    return number


def key_clean(
    *, version: QuestionVersion, answer, choices=None
) -> tuple[list, list | None]:
    """The new key (and choices with their fractions) checked against the question.

    Choice questions keep their choices' texts: only which keys are right and
    the fractions change. When no fractions are given they follow the key
    (right choices share 100%, a wrong choice keeps its penalty or gets 0), so
    the key and the fractions never disagree.
    """
    qtype = version.question.type
    if qtype == Question.Type.ESSAY:
        raise ValidationError(
            _("An essay has no key: it is marked by a trainer."), code="essay"
        )
    if qtype in CHOICE_TYPES:
        return _choice_key_clean(version=version, answer=answer, choices=choices)
    if qtype == Question.Type.FILL:
        blanks = [
            [str(text).strip() for text in blank if str(text).strip()]
            for blank in (answer or [])
        ]
        if not blanks or any(not blank for blank in blanks):
            raise ValidationError(
                _("Give at least one accepted answer for every blank."), code="blank"
            )
        if len(blanks) != len(version.answer or []):
            raise ValidationError(
                _(
                    "The question has %(count)s blanks: give the accepted answers "
                    "of each, one line per blank."
                )
                % {"count": len(version.answer or [])},
                code="blank_count",
            )
        return blanks, None
    accepted = [str(text).strip() for text in (answer or []) if str(text).strip()]
    if not accepted:
        raise ValidationError(_("Give at least one accepted answer."), code="no_answer")
    return accepted, None


def _choice_key_clean(*, version, answer, choices) -> tuple[list, list]:
    qtype = version.question.type
    keys = [c["key"] for c in version.choices]
    answer = [str(key).strip() for key in (answer or [])]
    if not answer:
        raise ValidationError(_("Choose the right answer."), code="no_answer")
    if any(key not in keys for key in answer):
        raise ValidationError(
            _("The key names a choice the question does not have."), code="unknown"
        )
    if qtype in ONE_KEY_TYPES and len(answer) != 1:
        raise ValidationError(
            _("This question has exactly one right answer."), code="one_key"
        )
    answer = [key for key in keys if key in answer]  # in the choices' order
    given = {}
    for choice in choices or []:
        if choice.get("fraction") not in (None, ""):
            given[str(choice["key"])] = _fraction(choice["fraction"])
    right_share = round(1.0 / len(answer), 7)
    new_choices = []
    for choice in version.choices:
        key = choice["key"]
        if key in given:
            fraction = given[key]
        elif key in answer:
            fraction = 1.0 if qtype in ONE_KEY_TYPES else right_share
        else:
            fraction = min(float(choice.get("fraction") or 0), 0.0)
        if (key in answer) != (fraction > 0):
            raise ValidationError(
                _(
                    "The grades do not agree with the key: right choices need a "
                    "grade above 0%, wrong ones 0% or a penalty."
                ),
                code="fraction_key",
            )
        new_choices.append({**choice, "fraction": fraction})
    if qtype in ONE_KEY_TYPES and given.get(answer[0], 1.0) != 1.0:
        raise ValidationError(
            _("The right answer of a single-choice question is worth 100%."),
            code="fraction_single",
        )
    return answer, new_choices


def key_correction_progress(*, version_id: int) -> dict | None:
    """How far the background regrade of a version's key correction has gone."""
    return cache.get(_progress_key(version_id))


def _progress_key(version_id: int) -> str:
    return f"assessments:key-correction:{version_id}"


def question_key_correct(
    *,
    version: QuestionVersion,
    answer,
    choices=None,
    by,
    request=None,
) -> int:
    """Correct a version's key in place and regrade every attempt that used it.

    A key correction is the one edit allowed on a version that attempts use
    (questions.py makes a new version for every other edit): the key was wrong
    for everyone who answered it. Returns the number of attempts regraded; above
    REGRADE_INLINE_MAX they are regraded by a task after the commit, in batches.
    """
    with transaction.atomic():
        version = (
            QuestionVersion.objects.select_for_update(of=("self",))
            .select_related("question")
            .get(pk=version.pk)
        )
        new_answer, new_choices = key_clean(
            version=version, answer=answer, choices=choices
        )
        old_answer, old_fractions = version.answer, _fractions(version.choices)
        new_fractions = _fractions(new_choices) if new_choices is not None else None
        if new_answer == old_answer and new_fractions in (None, old_fractions):
            raise ValidationError(
                _("This is the key the question has already."), code="unchanged"
            )
        version.answer = new_answer
        fields = ["answer"]
        if new_choices is not None:
            version.choices = new_choices
            fields.append("choices")
        version.save(update_fields=fields)
        count = attempts_using_version(version=version).count()
        entry = audit_record(
            action="assessments.key_corrected",
            actor=by,
            obj=version,
            details={
                "question": version.question_id,
                "version": version.number,
                "old_key": old_answer,
                "new_key": new_answer,
                "old_fractions": old_fractions,
                "new_fractions": new_fractions,
                "attempts": count,
                "background": count > REGRADE_INLINE_MAX,
            },
            request=request,
        )
        if count <= REGRADE_INLINE_MAX:
            key_correction_regrade(version_id=version.pk, correction_id=entry.pk)
            return count
        from assessments.tasks_marking import key_correction_regrade_run

        cache.set(
            _progress_key(version.pk),
            {"correction": entry.pk, "total": count, "done": 0, "finished": False},
            PROGRESS_SECONDS,
        )
        enqueue_on_commit(key_correction_regrade_run, version.pk, entry.pk)
    return count


def _fractions(choices) -> dict:
    return {c["key"]: float(c.get("fraction") or 0) for c in choices or []}


def key_correction_regrade(*, version_id: int, correction_id: int) -> int:
    """Regrade, batch by batch, the attempts that use a corrected version.

    Returns how many scores changed. Each batch is its own transaction;
    regrading twice changes nothing and a notification has a key, so a retried
    task picks up where it stopped without telling anyone twice.
    """
    version = QuestionVersion.objects.select_related("question").get(pk=version_id)
    ids = list(
        attempts_using_version(version=version)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for start in range(0, len(ids), REGRADE_BATCH):
        batch = ids[start : start + REGRADE_BATCH]
        with transaction.atomic():
            attempts = Attempt.objects.filter(pk__in=batch).select_related(
                "quiz", "user"
            )
            for attempt in attempts:
                old_score = attempt.score
                attempt_regrade(attempt=attempt)  # updates this instance too
                if (
                    attempt.status == Attempt.Status.FINISHED
                    and old_score is not None
                    and attempt.score != old_score
                ):
                    changed += 1
                    _notify_regraded(
                        attempt=attempt,
                        old_score=old_score,
                        correction_id=correction_id,
                    )
        _progress_update(
            version_id=version_id,
            correction_id=correction_id,
            total=len(ids),
            done=min(start + REGRADE_BATCH, len(ids)),
        )
    return changed


def _progress_update(*, version_id, correction_id, total, done) -> None:
    progress = cache.get(_progress_key(version_id))
    if progress is None or progress.get("correction") != correction_id:
        return
    progress.update(total=total, done=done, finished=done >= total)
    cache.set(_progress_key(version_id), progress, PROGRESS_SECONDS)


def key_correction_abandon(*, version_id: int, correction_id: int) -> None:
    """Say on the page that a background regrade stopped (its retries are spent)."""
    progress = cache.get(_progress_key(version_id))
    if progress is not None and progress.get("correction") == correction_id:
        progress.update(failed=True)
        cache.set(_progress_key(version_id), progress, PROGRESS_SECONDS)


def _notify_regraded(*, attempt, old_score, correction_id) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            "quiz": attempt.quiz.title,
            "old": _score_text(old_score),
            "score": _score_text(attempt.score),
            "max": _score_text(attempt.max_score),
            "percent": _score_text(attempt.percent),
        }
        notification_send(
            user=attempt.user,
            title=_("Your result for “%(quiz)s” was corrected") % facts,
            body=_(
                "The answer key of a question was corrected and your attempt "
                "regraded. Your score changed from %(old)s to %(score)s of "
                "%(max)s (%(percent)s%%)."
            )
            % facts,
            url=review_url(attempt),
            kind="assessments.result",
            key=f"assessments.regrade:{correction_id}:{attempt.pk}",
        )
