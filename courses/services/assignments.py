"""Learning plans, assignments, their fan-out to enrolments and due-date reminders.

The only code that writes LearningPlan, Assignment, AssignmentEnrolment and
EnrolmentReminder, and the only code that enrols workers in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from courses.models import (
    Assignment,
    AssignmentEnrolment,
    CoursePage,
    Enrolment,
    EnrolmentReminder,
    LearningPlan,
    LearningPlanCourse,
    LessonProgress,
)
from courses.selectors.learner import ledger_today
from courses.services.learning import _required_lessons, enrolment_create
from people.audit import audit_record
from people.models import OrgUnit, Position, WorkerProfile
from people.notifications import notification_send
from people.outbox import enqueue_on_commit
from people.page_cache import pages_invalidate_all, user_pages_invalidate
from people.selectors import org_unit_in_scope

# More matching workers than this and the fan-out runs as a Celery task; the
# page shows 正在分配 until it is done.
FAN_OUT_INLINE_MAX = 200
FAN_OUT_BATCH = 1000
# Namespace of the fan-outs' PostgreSQL advisory locks (any constant of ours).
FAN_OUT_LOCK = 7311


# --- Learning plans -------------------------------------------------------------


def learning_plan_save(
    *,
    name: str,
    description: str = "",
    courses: list[CoursePage],
    user,
    plan: LearningPlan | None = None,
    request=None,
) -> LearningPlan:
    """Create a plan, or change one, with its courses in the order given.

    A changed plan is fanned out again to its active assignments, so workers
    already assigned it get the courses added (removed ones stay enrolled).
    """
    with transaction.atomic():
        created = plan is None
        plan = plan or LearningPlan(created_by=user)
        plan.name = name
        plan.description = description
        plan.full_clean(exclude=["courses"])
        plan.save()
        plan.plan_courses.all().delete()
        LearningPlanCourse.objects.bulk_create(
            LearningPlanCourse(plan=plan, course=course, sort_order=n)
            for n, course in enumerate(dict.fromkeys(courses))
        )
        if not created:
            # Active assignments of the plan enrol on its new courses too.
            from courses.tasks import assignment_fan_out

            for pk in plan.assignments.filter(active=True).values_list("pk", flat=True):
                enqueue_on_commit(assignment_fan_out, pk)
        audit_record(
            action="learning_plan_create" if created else "learning_plan_change",
            actor=user,
            obj=plan,
            details={"courses": [c.pk for c in courses]},
            request=request,
        )
    return plan


# --- Assignments ----------------------------------------------------------------


def workers_matching(
    *, org_unit: OrgUnit, position_ids: list[int] | None = None
) -> QuerySet[WorkerProfile]:
    """Active workers (in post, account active) in the subtree, of those positions."""
    qs = WorkerProfile.objects.filter(
        is_active=True,
        user__is_active=True,
        org_unit__path__startswith=org_unit.path,
    )
    if position_ids:
        qs = qs.filter(position_id__in=position_ids)
    return qs


def assignment_courses(assignment: Assignment) -> list[CoursePage]:
    """The live courses an assignment enrols on: its course, or its plan's."""
    if assignment.course_id:
        courses = CoursePage.objects.filter(pk=assignment.course_id)
    else:
        courses = CoursePage.objects.filter(
            pk__in=LearningPlanCourse.objects.filter(plan_id=assignment.plan_id).values(
                "course_id"
            )
        )
    return list(courses.live().defer_streamfields().order_by("path"))


def assignment_create(
    *,
    user,
    org_unit: OrgUnit,
    due_date: date,
    course: CoursePage | None = None,
    plan: LearningPlan | None = None,
    positions: list[Position] | None = None,
    note: str = "",
    request=None,
) -> Assignment:
    """Assign a course or a plan to an org subtree and enrol its workers.

    HR may only assign inside its own scope. Up to FAN_OUT_INLINE_MAX workers
    are enrolled at once; more, and a Celery task does it after the commit
    (the page shows the progress).
    """
    if (course is None) == (plan is None):
        raise ValidationError(_("Choose either a course or a learning plan."))
    if not org_unit_in_scope(user=user, unit=org_unit):
        raise PermissionDenied
    positions = list(positions or [])
    with transaction.atomic():
        assignment = Assignment.objects.create(
            course=course,
            plan=plan,
            org_unit=org_unit,
            due_date=due_date,
            note=note,
            created_by=user,
        )
        assignment.positions.set(positions)
        total = workers_matching(
            org_unit=org_unit, position_ids=[p.pk for p in positions]
        ).count()
        Assignment.objects.filter(pk=assignment.pk).update(fan_out_total=total)
        assignment.fan_out_total = total
        audit_record(
            action="assignment_create",
            actor=user,
            obj=assignment,
            details={
                "course": course.pk if course else None,
                "plan": plan.pk if plan else None,
                "org_unit": org_unit.pk,
                "positions": [p.pk for p in positions],
                "due_date": due_date.isoformat(),
                "workers": total,
            },
            request=request,
        )
        if total > FAN_OUT_INLINE_MAX:
            from courses.tasks import assignment_fan_out

            enqueue_on_commit(assignment_fan_out, assignment.pk)
            return assignment
    assignment_fan_out_run(assignment_id=assignment.pk)
    assignment.refresh_from_db()
    return assignment


def _enrol_batch(
    *,
    assignment: Assignment,
    course: CoursePage,
    user_ids: list[int],
    lessons_required: int,
) -> None:
    """Enrol one batch of workers on one course, in one transaction.

    Rows are inserted in bulk; the unique (user, course) constraint skips the
    workers already enrolled, whose enrolment becomes an assigned one keeping
    the earlier due date. Repeating a batch (a retried task) changes nothing.
    """
    due = assignment.due_date
    with transaction.atomic():
        existing = set(
            Enrolment.objects.filter(course=course, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user_id=uid,
                    course=course,
                    source=Enrolment.Source.ASSIGNED,
                    assigned_by_id=assignment.created_by_id,
                    due_date=due,
                    lessons_required=lessons_required,
                )
                for uid in user_ids
                if uid not in existing
            ],
            ignore_conflicts=True,
        )
        if existing:
            Enrolment.objects.filter(course=course, user_id__in=existing).filter(
                ~Q(source=Enrolment.Source.ASSIGNED)
                | Q(due_date__isnull=True)
                | Q(due_date__gt=due)
                | Q(assigned_by__isnull=True)
            ).update(
                source=Enrolment.Source.ASSIGNED,
                due_date=Case(
                    When(
                        Q(due_date__isnull=True) | Q(due_date__gt=due),
                        then=Value(due),
                    ),
                    default=F("due_date"),
                ),
                assigned_by_id=Coalesce(
                    F("assigned_by_id"), Value(assignment.created_by_id)
                ),
                updated_at=timezone.now(),
            )
        rows = Enrolment.objects.filter(course=course, user_id__in=user_ids)
        # Bulk writes send no model signals: the batch's pages are stale.
        user_pages_invalidate(*user_ids)
        AssignmentEnrolment.objects.bulk_create(
            [
                AssignmentEnrolment(
                    assignment=assignment,
                    enrolment_id=pk,
                    created_enrolment=uid not in existing,
                )
                for pk, uid in rows.values_list("pk", "user_id")
            ],
            ignore_conflicts=True,
        )


@contextmanager
def _fan_out_lock(assignment_id: int) -> Iterator[bool]:
    """Take the assignment's fan-out lock for this run; yields whether we got it.

    A PostgreSQL session advisory lock: it belongs to the connection, so a
    worker killed mid-run (SIGKILL) lets go of it at once, and the lock tells a
    running fan-out from a stopped one. Other databases (SQLite, the embedded
    default with eager tasks) have none: every run goes ahead.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = [FAN_OUT_LOCK, assignment_id]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            # A broken connection has already let go of the lock.
            with suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def assignment_fan_out_run(*, assignment_id: int) -> int:
    """Enrol every matching worker, unless a run is already doing it.

    One run at a time: a second one (a message the broker gave back while the
    first still runs, or one queued by assignment_fan_outs_resume) returns at
    once with the enrolments linked so far.
    """
    with _fan_out_lock(assignment_id) as ours:
        if not ours:
            return AssignmentEnrolment.objects.filter(
                assignment_id=assignment_id
            ).count()
        return _fan_out(assignment_id=assignment_id)


def assignment_fan_outs_resume(*, grace: timedelta | None = None) -> list[int]:
    """Queue again the fan-outs that stopped: active, unfinished and not running.

    A fan-out whose worker was killed says "assigning" until the broker gives
    its message back (the visibility timeout, an hour by default), or for ever
    when the message is lost. Every 5 minutes (beat) an active assignment still
    pending or running after the grace period whose fan-out lock no run holds
    is queued again, and the run resumes (what is done is skipped). A failed
    fan-out (its retries spent) waits for a person. Returns the ids queued.
    """
    from courses.tasks import assignment_fan_out

    if grace is None:
        grace = timedelta(minutes=settings.LIANXIN_RECONCILE_GRACE_MINUTES)
    unfinished = Assignment.objects.filter(
        active=True,
        fan_out_status__in=[Assignment.FanOut.PENDING, Assignment.FanOut.RUNNING],
        created_at__lte=timezone.now() - grace,
    ).order_by("pk")
    stopped = []
    for pk in unfinished.values_list("pk", flat=True):
        with _fan_out_lock(pk) as free:
            if free:
                stopped.append(pk)
    for pk in stopped:
        enqueue_on_commit(assignment_fan_out, pk)
    return stopped


def _fan_out(*, assignment_id: int) -> int:
    """Enrol every matching worker, in batches; returns the enrolments linked.

    Each batch commits on its own so the page can show the progress, and so
    a retried task resumes cheaply: what is done is skipped by the unique
    constraints. A cancelled assignment enrols no one.
    """
    assignment = Assignment.objects.select_related("org_unit").get(pk=assignment_id)
    if not assignment.active:
        return 0
    Assignment.objects.filter(pk=assignment_id).update(
        fan_out_status=Assignment.FanOut.RUNNING
    )
    position_ids = list(assignment.positions.values_list("pk", flat=True))
    user_ids = list(
        workers_matching(org_unit=assignment.org_unit, position_ids=position_ids)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    courses = assignment_courses(assignment)
    for n, course in enumerate(courses):
        required = _required_lessons(
            course_path=course.path, course_depth=course.depth
        ).count()
        for start in range(0, len(user_ids), FAN_OUT_BATCH):
            _enrol_batch(
                assignment=assignment,
                course=course,
                user_ids=user_ids[start : start + FAN_OUT_BATCH],
                lessons_required=required,
            )
            # Workers done, counting each course of a plan as a share.
            done = n * len(user_ids) + min(start + FAN_OUT_BATCH, len(user_ids))
            Assignment.objects.filter(pk=assignment_id).update(
                fan_out_done=done // len(courses)
            )
    Assignment.objects.filter(pk=assignment_id).update(
        fan_out_status=Assignment.FanOut.DONE,
        fan_out_total=len(user_ids),
        fan_out_done=len(user_ids),
        fan_out_finished_at=timezone.now(),
    )
    return AssignmentEnrolment.objects.filter(assignment_id=assignment_id).count()


def assignment_fan_out_abandon(*, assignment_id: int) -> None:
    """The task gave up: the page says so (the workers enrolled so far stay)."""
    Assignment.objects.filter(pk=assignment_id).exclude(
        fan_out_status=Assignment.FanOut.DONE
    ).update(fan_out_status=Assignment.FanOut.FAILED)


def assignments_enrol_worker(*, profile: WorkerProfile) -> int:
    """Enrol a worker who joined or moved into assigned subtrees; returns how many.

    Every active assignment over the worker's org unit (or an ancestor) that
    takes their position applies. One query when none does, so saving a
    roster row stays cheap.
    """
    if not profile.is_active:
        return 0
    unit = profile.org_unit
    steplen = OrgUnit.steplen
    ancestors = [unit.path[:n] for n in range(steplen, len(unit.path) + 1, steplen)]
    takes_position = Q(positions__isnull=True)
    if profile.position_id:
        takes_position |= Q(positions=profile.position_id)
    matching = (
        Assignment.objects.filter(active=True, org_unit__path__in=ancestors)
        .filter(takes_position)
        .distinct()
        .order_by("pk")
    )
    assignments = list(matching)
    if not assignments or not profile.user.is_active:
        return 0
    linked = 0
    for assignment in assignments:
        for course in assignment_courses(assignment):
            with transaction.atomic():
                existed = Enrolment.objects.filter(
                    user_id=profile.user_id, course=course
                ).exists()
                enrolment = enrolment_create(
                    user=profile.user,
                    course=course,
                    source=Enrolment.Source.ASSIGNED,
                    assigned_by=assignment.created_by,
                    due_date=assignment.due_date,
                )
                _link, created = AssignmentEnrolment.objects.get_or_create(
                    assignment=assignment,
                    enrolment=enrolment,
                    defaults={"created_enrolment": not existed},
                )
                linked += int(created)
    return linked


def assignment_cancel(*, assignment: Assignment, user, request=None) -> dict:
    """Cancel an assignment: no more enrolling, reminders or due dates from it.

    What happens to its enrolments (the rule HR sees on the confirmation page):
    - an enrolment this assignment made, not started (no lesson opened or done)
      and held by no other active assignment, is removed;
    - a completed enrolment stays as it is: it is the worker's record;
    - any other enrolment stays with its progress; when no other active
      assignment holds it, it becomes the worker's own course (no due date,
      no reminders), otherwise it keeps the earliest due date of the others.
    Returns the counts {"removed", "kept", "completed"}; audited.
    """
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not assignment.active:
            return {"removed": 0, "kept": 0, "completed": 0}
        assignment.active = False
        assignment.cancelled_at = timezone.now()
        assignment.cancelled_by = user
        assignment.save(update_fields=["active", "cancelled_at", "cancelled_by"])

        mine = Enrolment.objects.filter(assignment_links__assignment=assignment)
        other_active = AssignmentEnrolment.objects.filter(
            enrolment=OuterRef("pk"), assignment__active=True
        )
        started = LessonProgress.objects.filter(enrolment=OuterRef("pk"))
        completed = mine.filter(status=Enrolment.Status.COMPLETED).count()
        removable = (
            mine.exclude(status=Enrolment.Status.COMPLETED)
            .filter(
                assignment_links__assignment=assignment,
                assignment_links__created_enrolment=True,
                lessons_done=0,
                last_lesson__isnull=True,
            )
            .exclude(Exists(other_active))
            .exclude(Exists(started))
        )
        _total, deleted = Enrolment.objects.filter(
            pk__in=list(removable.values_list("pk", flat=True))
        ).delete()
        removed = deleted.get(Enrolment._meta.label, 0)
        kept = mine.exclude(status=Enrolment.Status.COMPLETED)
        now = timezone.now()
        kept.exclude(Exists(other_active)).update(
            source=Enrolment.Source.SELF, due_date=None, updated_at=now
        )
        earliest = (
            AssignmentEnrolment.objects.filter(
                enrolment=OuterRef("pk"), assignment__active=True
            )
            .order_by()
            .values("enrolment")
            .annotate(due=Min("assignment__due_date"))
            .values("due")
        )
        kept.filter(Exists(other_active)).update(
            due_date=Subquery(earliest), updated_at=now
        )
        kept_count = kept.count()
        pages_invalidate_all()  # enrolments changed in bulk
        counts = {"removed": removed, "kept": kept_count, "completed": completed}
        audit_record(
            action="assignment_cancel",
            actor=user,
            obj=assignment,
            details=counts,
            request=request,
        )
    return counts


# --- Reminders ------------------------------------------------------------------


def _reminder_text(stage: str, enrolment: Enrolment) -> tuple[str, str]:
    values = {"course": enrolment.course.title, "date": enrolment.due_date}
    if stage == EnrolmentReminder.Stage.DUE_7:
        return (
            _("A required course is due within a week"),
            _("Complete “%(course)s” by %(date)s.") % values,
        )
    if stage == EnrolmentReminder.Stage.DUE_1:
        return (
            _("A required course is due tomorrow"),
            _("Complete “%(course)s” by %(date)s.") % values,
        )
    return (
        _("A required course is overdue"),
        _("“%(course)s” was due on %(date)s. Please complete it as soon as you can.")
        % values,
    )


def _reminder_candidates(*, stage: str, today: date) -> QuerySet[Enrolment]:
    """Incomplete assigned enrolments of active workers in this stage's window.

    Windows rather than exact days, so that a day the beat did not run does
    not skip a stage: "due in 7 days" covers 2–7 days left, "due tomorrow"
    today and tomorrow, "overdue" any day after the due date.
    """
    if stage == EnrolmentReminder.Stage.DUE_7:
        window = Q(due_date__gt=today + timedelta(days=1)) & Q(
            due_date__lte=today + timedelta(days=7)
        )
    elif stage == EnrolmentReminder.Stage.DUE_1:
        window = Q(due_date__gte=today) & Q(due_date__lte=today + timedelta(days=1))
    else:
        window = Q(due_date__lt=today)
    sent = EnrolmentReminder.objects.filter(enrolment=OuterRef("pk"), stage=stage)
    return (
        Enrolment.objects.filter(window)
        .filter(
            source=Enrolment.Source.ASSIGNED,
            user__is_active=True,
            user__profile__is_active=True,
        )
        .exclude(status=Enrolment.Status.COMPLETED)
        .exclude(Exists(sent))
        .select_related("course", "user")
        .order_by("pk")
    )


def assignment_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Send the due-date reminders of the day: each stage once per enrolment.

    A stage is recorded (EnrolmentReminder) in the same transaction as the
    notification, under a unique constraint, so reruns, retries and a worker
    clearing the bell never send it twice. Returns how many went out per stage.
    """
    today = today or ledger_today()
    url = reverse("courses:my_learning")
    sent: dict[str, int] = {}
    for stage in EnrolmentReminder.Stage.values:
        sent[stage] = 0
        for enrolment in _reminder_candidates(stage=stage, today=today).iterator(
            chunk_size=500
        ):
            with transaction.atomic():
                _row, created = EnrolmentReminder.objects.get_or_create(
                    enrolment=enrolment, stage=stage
                )
                if not created:
                    continue
                # The worker reads it in the site's language (Chinese).
                with override(settings.LANGUAGE_CODE):
                    title, body = _reminder_text(stage, enrolment)
                notification_send(
                    user=enrolment.user,
                    title=title,
                    body=body,
                    url=url,
                    kind="assignment_due",
                    key=f"{stage}:{enrolment.pk}",
                )
                sent[stage] += 1
    return sent
