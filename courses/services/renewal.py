"""Renewal: a completed enrolment starts again for a new certificate cycle."""

from __future__ import annotations

from django.db import transaction

from courses.models import Enrolment, LessonProgress
from courses.services.learning import _required_lessons
from people.audit import audit_record


def enrolment_restart(*, enrolment: Enrolment, by) -> Enrolment:
    """Reopen a completed enrolment: status, counters and lesson progress reset.

    The hours ledger keeps its history: the first completion's credit stays,
    and a completion of the same course again credits nothing more (the ledger
    credits a worker and course once). Certificates already issued stay as they
    are; completing again lets the certificate service issue the next cycle.
    An enrolment in progress is returned unchanged.
    """
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course")
            .get(pk=enrolment.pk)
        )
        if locked.status != Enrolment.Status.COMPLETED:
            return locked
        LessonProgress.objects.filter(enrolment=locked).delete()
        course = locked.course
        locked.status = Enrolment.Status.IN_PROGRESS
        locked.completed_at = None
        locked.lessons_done = 0
        locked.last_lesson = None
        locked.lessons_required = _required_lessons(
            course_path=course.path, course_depth=course.depth
        ).count()
        locked.save(
            update_fields=[
                "status",
                "completed_at",
                "lessons_done",
                "last_lesson",
                "lessons_required",
                "updated_at",
            ]
        )
        audit_record(
            action="enrolment.restarted",
            actor=by,
            obj=locked,
            details={"course": course.pk, "user": locked.user_id},
        )
    for field in ("status", "completed_at", "lessons_done", "lessons_required"):
        setattr(enrolment, field, getattr(locked, field))
    return locked
