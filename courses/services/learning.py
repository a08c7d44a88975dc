"""Enrolment and progress: the only code that writes Enrolment and LessonProgress."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.completion import completion_blockers
from courses.models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ReflectionNote,
    TrainingRecord,
)
from courses.services.ledger import hours_credit, ledger_year
from courses.signals import course_completed
from people.page_cache import user_pages_invalidate

# A video counts as watched from this share on (the credits and the last
# seconds of a recording are often skipped).
VIDEO_COMPLETE_PERCENT = 90


class EnrolmentRefusedError(Exception):
    """The worker may not enrol yet; the message says why."""


class NotEnrolledError(Exception):
    """Progress was reported for a course the worker has not enrolled on."""


def _course_path(lesson: LessonPage) -> str:
    return lesson.path[: -Page.steplen]


def _required_lessons(*, course_path: str, course_depth: int):
    return LessonPage.objects.live().filter(
        path__startswith=course_path, depth=course_depth + 1, required=True
    )


def prerequisites_missing(*, user, course: CoursePage) -> list[CoursePage]:
    """The live prerequisites of the course that the user has not completed."""
    completed = Enrolment.objects.filter(
        course=OuterRef("pk"), user=user, status=Enrolment.Status.COMPLETED
    )
    return list(
        CoursePage.objects.live()
        .filter(required_by=course)
        .exclude(Exists(completed))
        .defer_streamfields()
        .order_by("path")
    )


def enrolment_create(
    *,
    user,
    course: CoursePage,
    source: str = Enrolment.Source.SELF,
    assigned_by=None,
    due_date: date | None = None,
) -> Enrolment:
    """Enrol the user on the course, or return the enrolment they already have.

    A worker enrolling themselves must have completed the prerequisites first
    (EnrolmentRefusedError says which are missing). HR's assignment decides on its own:
    it is not refused, and it turns an existing enrolment into an assigned one
    keeping the earlier of the two due dates.
    """
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(user=user, course=course)
            .first()
        )
        if enrolment is not None:
            _enrolment_assign(
                enrolment=enrolment,
                source=source,
                assigned_by=assigned_by,
                due_date=due_date,
            )
            return enrolment
        if source == Enrolment.Source.SELF:
            missing = prerequisites_missing(user=user, course=course)
            if missing:
                raise EnrolmentRefusedError(
                    _("Complete these courses first: %(courses)s.")
                    % {"courses": "、".join(c.title for c in missing)}
                )
        try:
            with transaction.atomic():
                return Enrolment.objects.create(
                    user=user,
                    course=course,
                    source=source,
                    assigned_by=assigned_by,
                    due_date=due_date,
                    lessons_required=_required_lessons(
                        course_path=course.path, course_depth=course.depth
                    ).count(),
                )
        except IntegrityError:
            pass
    # Another request enrolled the same worker in between: use theirs.
    return enrolment_create(
        user=user,
        course=course,
        source=source,
        assigned_by=assigned_by,
        due_date=due_date,
    )


def _enrolment_assign(*, enrolment, source, assigned_by, due_date) -> None:
    if source != Enrolment.Source.ASSIGNED:
        return
    changed = []
    if enrolment.source != Enrolment.Source.ASSIGNED:
        enrolment.source = Enrolment.Source.ASSIGNED
        changed.append("source")
    if assigned_by is not None and enrolment.assigned_by_id is None:
        enrolment.assigned_by = assigned_by
        changed.append("assigned_by")
    if due_date is not None and (
        enrolment.due_date is None or due_date < enrolment.due_date
    ):
        enrolment.due_date = due_date
        changed.append("due_date")
    if changed:
        enrolment.save(update_fields=[*changed, "updated_at"])


def _enrolment_locked(*, user, lesson: LessonPage) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(user=user, course__path=_course_path(lesson))
        .first()
    )
    if enrolment is None:
        raise NotEnrolledError
    return enrolment


def _enrolment_recount(*, enrolment: Enrolment, course: CoursePage) -> None:
    """Count the live required lessons and those done, inside the caller's lock.

    Counting again (rather than adding one) keeps the counters right when
    lessons were added, removed or made optional since the worker enrolled.
    """
    required = _required_lessons(course_path=course.path, course_depth=course.depth)
    enrolment.lessons_required = required.count()
    enrolment.lessons_done = LessonProgress.objects.filter(
        enrolment=enrolment, completed_at__isnull=False, lesson__in=required
    ).count()
    enrolment.save(update_fields=["lessons_required", "lessons_done", "updated_at"])


def _progress_complete(*, enrolment: Enrolment, progress: LessonProgress) -> None:
    if progress.completed_at is not None:
        return
    progress.completed_at = timezone.now()
    progress.save(update_fields=["completed_at", "updated_at"])
    course_completion_check(enrolment=enrolment)


def lesson_complete(*, user, lesson: LessonPage) -> LessonProgress:
    """Mark the lesson done for the user (once) and complete the course if it is.

    The enrolment row is locked first, so two completions sent at once (a
    double tap, two tabs) are serialised and count once.
    """
    with transaction.atomic():
        enrolment = _enrolment_locked(user=user, lesson=lesson)
        progress, _created = LessonProgress.objects.get_or_create(
            enrolment=enrolment, lesson_id=lesson.pk
        )
        _progress_complete(enrolment=enrolment, progress=progress)
        return progress


def video_progress_record(
    *, user, lesson: LessonPage, percent: float
) -> LessonProgress:
    """Keep the furthest share of the lesson's video watched; 90 % completes it.

    The share only grows: replaying the start never lowers it, and a completed
    lesson is never un-completed. Values outside 0–100 are capped.
    """
    percent = int(max(0, min(100, percent)))
    with transaction.atomic():
        enrolment = _enrolment_locked(user=user, lesson=lesson)
        progress, _created = LessonProgress.objects.get_or_create(
            enrolment=enrolment, lesson_id=lesson.pk
        )
        if percent > progress.video_percent:
            progress.video_percent = percent
            progress.save(update_fields=["video_percent", "updated_at"])
        if progress.video_percent >= VIDEO_COMPLETE_PERCENT:
            _progress_complete(enrolment=enrolment, progress=progress)
        return progress


def course_completion_check(*, enrolment: Enrolment) -> bool:
    """Complete the course when every required lesson is done and every rule holds.

    Completion happens once: the enrolment row is locked and its status read
    again, and the ledger credits a (worker, course) pair once whatever happens.
    The course_completed signal goes out after the commit, so listeners (the
    certificate generator) never see a completion that was rolled back.
    """
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course", "user")
            .get(pk=enrolment.pk)
        )
        if locked.status != Enrolment.Status.COMPLETED:
            _enrolment_recount(enrolment=locked, course=locked.course)
            if (
                locked.lessons_required
                and locked.lessons_done >= locked.lessons_required
                and not completion_blockers(locked)
            ):
                _enrolment_finish(enrolment=locked)
        for field in ("status", "completed_at", "lessons_done", "lessons_required"):
            setattr(enrolment, field, getattr(locked, field))
        return locked.status == Enrolment.Status.COMPLETED


def _enrolment_finish(*, enrolment: Enrolment) -> None:
    course = enrolment.course
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    hours_credit(
        user=enrolment.user,
        year=ledger_year(enrolment.completed_at),
        hours=course.credit_hours,
        source=TrainingRecord.Source.ONLINE,
        reference=f"course:{course.pk}",
        title=course.title,
    )
    transaction.on_commit(
        partial(course_completed.send, sender=Enrolment, enrolment=enrolment)
    )


def enrolment_last_lesson_set(*, enrolment: Enrolment, lesson: LessonPage) -> None:
    """Remember the lesson the worker opened last, for 继续学习 (resume)."""
    if enrolment.last_lesson_id == lesson.pk:
        return
    enrolment.last_lesson_id = lesson.pk
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson_id=lesson.pk)
    user_pages_invalidate(enrolment.user_id)  # 继续学习 now opens this lesson


def course_counts_refresh(*, course_path: str) -> int:
    """Recount the lessons of every enrolment in progress on a course.

    Called when a lesson of the course is published, unpublished or deleted, so
    that progress bars stay right when a published course grows. Completed
    enrolments keep their counts: a completion is never taken back. Enrolments
    that the change completes (a required lesson became optional) are completed.
    Returns how many enrolments were updated.
    """
    course = CoursePage.objects.filter(path=course_path).only("pk", "depth").first()
    if course is None:
        return 0
    required = _required_lessons(course_path=course_path, course_depth=course.depth)
    done = (
        LessonProgress.objects.filter(
            enrolment=OuterRef("pk"),
            completed_at__isnull=False,
            lesson__in=required.values("pk"),
        )
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with transaction.atomic():
        in_progress = Enrolment.objects.filter(
            course=course, status=Enrolment.Status.IN_PROGRESS
        )
        updated = in_progress.update(
            lessons_required=Value(required.count()),
            lessons_done=Coalesce(
                Subquery(done), Value(0), output_field=IntegerField()
            ),
            updated_at=timezone.now(),
        )
        finished = in_progress.filter(lessons_required__gt=0).filter(
            lessons_done__gte=F("lessons_required")
        )
        for enrolment in finished:
            course_completion_check(enrolment=enrolment)
    return updated


def reflection_note_save(
    *, user, lesson: LessonPage, block_id: str, text: str
) -> ReflectionNote | None:
    """Save the worker's private note on a reflection question; empty deletes it."""
    if not any(
        block.id == block_id and block.block_type == "reflection"
        for block in lesson.body
    ):
        raise ValidationError(
            _("This question is no longer part of the lesson."), code="unknown_block"
        )
    text = text.strip()
    max_length = ReflectionNote._meta.get_field("text").max_length
    if len(text) > max_length:
        raise ValidationError(
            _("Keep your note under %(max)d characters (it has %(n)d).")
            % {"max": max_length, "n": len(text)},
            code="too_long",
        )
    with transaction.atomic():
        if not text:
            ReflectionNote.objects.filter(
                user=user, lesson=lesson, block_id=block_id
            ).delete()
            return None
        note, _created = ReflectionNote.objects.update_or_create(
            user=user, lesson=lesson, block_id=block_id, defaults={"text": text}
        )
        return note
