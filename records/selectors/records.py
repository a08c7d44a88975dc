"""The records table (one row per worker × course enrolment), for the exports."""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery

from assessments.models import Certificate
from courses.models import Enrolment
from people.models import OrgUnit
from people.selectors import org_units_in_scope
from records.selectors.dashboard import hours_total_subquery
from records.selectors.filters import RecordFilters


def record_rows_for(*, user, filters: RecordFilters) -> QuerySet:
    """Rows of the records table as dicts, in org-unit and employee-number order.

    Hours of the year and the certificate serial are subqueries, so iterating
    the rows makes no query per row.
    """
    certificate = (
        Certificate.objects.filter(
            user_id=OuterRef("user_id"),
            course_id=OuterRef("course_id"),
            revoked_at__isnull=True,
        )
        .order_by("-cycle")
        .values("serial")[:1]
    )
    return (
        Enrolment.objects.filter(filters.enrolment_q())
        .order_by("user__profile__org_unit__path", "user__profile__employee_no", "id")
        .values(
            "status",
            "source",
            "lessons_done",
            "lessons_required",
            "due_date",
            "enrolled_at",
            "completed_at",
            employee_no=F("user__profile__employee_no"),
            worker_name=F("user__name"),
            username=F("user__username"),
            unit_path=F("user__profile__org_unit__path"),
            position_name=F("user__profile__position__name"),
            course_title=F("course__title"),
            hours_year=hours_total_subquery(year=filters.hours_year),
            certificate_serial=Subquery(certificate),
        )
    )


def record_rows_count(*, user, filters: RecordFilters) -> int:
    return Enrolment.objects.filter(filters.enrolment_q()).count()


def unit_full_names(*, user) -> dict[str, str]:
    """Full names ("连心区/东湖街道/朝阳社区") of the units in the user's scope, by
    path, in two queries: the scope and the ancestors of its roots."""
    units = list(org_units_in_scope(user=user).order_by("path").values("path", "name"))
    steplen = OrgUnit.steplen
    wanted = {
        unit["path"][:end]
        for unit in units
        for end in range(steplen, len(unit["path"]), steplen)
    }
    known = {unit["path"] for unit in units}
    missing = wanted - known
    if missing:
        units += list(OrgUnit.objects.filter(path__in=missing).values("path", "name"))
    names = {unit["path"]: unit["name"] for unit in units}
    full: dict[str, str] = {}
    for path in sorted(names):
        parent = path[:-steplen]
        full[path] = f"{full[parent]}/{names[path]}" if parent in full else names[path]
    return full
