"""Reads of assignments and plans, always scoped to what the HR user may see."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import (
    Assignment,
    CoursePage,
    Enrolment,
    LearningPlan,
    LearningPlanCourse,
)
from courses.selectors.learner import ledger_today
from people.selectors import in_scope_q


def assignments_for_user(
    *, user, today: date | None = None, active: bool | None = None
) -> QuerySet[Assignment]:
    """Assignments to org units in the user's scope, with their progress counts.

    Enrolled, completed and overdue (not completed, past its own due date) are
    counted in the same query, so a list costs the same for 5 or 500 rows.
    """
    today = today or ledger_today()
    qs = Assignment.objects.filter(in_scope_q(user=user, field="org_unit__path"))
    if active is not None:
        qs = qs.filter(active=active)
    done = Q(assignment_enrolments__enrolment__status=Enrolment.Status.COMPLETED)
    return (
        qs.select_related("course", "plan", "org_unit", "created_by")
        .annotate(
            enrolled_count=Count("assignment_enrolments"),
            completed_count=Count("assignment_enrolments", filter=done),
            overdue_count=Count(
                "assignment_enrolments",
                filter=~done & Q(assignment_enrolments__enrolment__due_date__lt=today),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def assignment_enrolments_for(
    *, assignment: Assignment, today: date | None = None, status: str = ""
) -> QuerySet[Enrolment]:
    """The enrolments an assignment holds, with the worker and their org unit.

    `status` narrows to "completed", "in_progress" or "overdue".
    """
    today = today or ledger_today()
    qs = Enrolment.objects.filter(assignment_links__assignment=assignment)
    if status == "completed":
        qs = qs.filter(status=Enrolment.Status.COMPLETED)
    elif status == "in_progress":
        qs = qs.exclude(status=Enrolment.Status.COMPLETED)
    elif status == "overdue":
        qs = qs.exclude(status=Enrolment.Status.COMPLETED).filter(due_date__lt=today)
    return qs.select_related(
        "course", "user", "user__profile", "user__profile__org_unit"
    ).order_by("user__profile__org_unit__path", "user__profile__employee_no", "pk")


def courses_assignable() -> QuerySet[CoursePage]:
    """Live courses, for HR's choice of what to assign."""
    return CoursePage.objects.live().defer_streamfields().order_by("title")


def learning_plans_all() -> QuerySet[LearningPlan]:
    """Every plan with its courses in order (plans are shared by all HR)."""
    return LearningPlan.objects.prefetch_related(
        Prefetch(
            "plan_courses",
            queryset=LearningPlanCourse.objects.select_related("course").order_by(
                "sort_order", "pk"
            ),
        )
    ).order_by("name")
