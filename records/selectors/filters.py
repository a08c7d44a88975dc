"""The dashboard's filters, validated against the HR user's scope.

Every id that arrives in a query string (unit, course, plan, position) is
looked up here. A unit outside the user's subtrees is a 404, exactly like a
unit that does not exist: a filter narrows what HR sees and never widens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q, Subquery
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from courses.models import CoursePage
from courses.models.assignments import LearningPlan, LearningPlanCourse
from courses.services.ledger import LEDGER_TZ, ledger_year
from people.models import OrgUnit, Position
from people.selectors import org_units_in_scope, path_q, scope_units
from records.forms import RecordFilterForm


class FilterError(ValidationError):
    """The filters could not be read (a malformed date or year)."""

    def __init__(self, form: RecordFilterForm):
        super().__init__(_("Check the filters."), code="invalid_filters")
        self.form = form


@dataclass
class RecordFilters:
    """Validated filters. ``roots`` are the user's scope roots (None: everything)."""

    roots: list[OrgUnit] | None
    unit: OrgUnit | None = None
    course: CoursePage | None = None
    plan: LearningPlan | None = None
    position: Position | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    form: RecordFilterForm | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        """The filters as ids and ISO dates: for the audit log and ExportJob."""
        return {
            key: value
            for key, value in {
                "unit": self.unit.pk if self.unit else None,
                "course": self.course.pk if self.course else None,
                "plan": self.plan.pk if self.plan else None,
                "position": self.position.pk if self.position else None,
                "year": self.year,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None,
            }.items()
            if value is not None
        }

    def querystring(self, **override) -> str:
        data = QueryDict(mutable=True)
        for key, value in {**self.as_dict(), **override}.items():
            if value is not None:
                data[key] = value
        return data.urlencode()

    @property
    def query_without_unit(self) -> str:
        """The query string of the other filters, for drill-down links."""
        return self.querystring(unit=None)

    @property
    def hours_year(self) -> int:
        """The ledger year whose hours the figures count."""
        if self.year:
            return self.year
        if self.date_to:
            return self.date_to.year
        return ledger_year()

    @property
    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The period as aware datetimes [start, end) in the ledger's zone."""
        start = end = None
        if self.year:
            start = datetime(self.year, 1, 1, tzinfo=LEDGER_TZ)
            end = datetime(self.year + 1, 1, 1, tzinfo=LEDGER_TZ)
        if self.date_from:
            start = datetime.combine(self.date_from, time.min, tzinfo=LEDGER_TZ)
        if self.date_to:
            end = datetime.combine(
                self.date_to + timedelta(days=1), time.min, tzinfo=LEDGER_TZ
            )
        return start, end

    def unit_q(self, prefix: str = "") -> Q:
        """Rows of workers under the chosen unit, or under the user's scope."""
        units = [self.unit] if self.unit is not None else self.roots
        return path_q(units, f"{prefix}org_unit__path")

    def worker_q(self, prefix: str = "") -> Q:
        """Active workers the filters select (``prefix`` leads to WorkerProfile)."""
        q = self.unit_q(prefix) & Q(**{f"{prefix}is_active": True})
        if self.position is not None:
            q &= Q(**{f"{prefix}position_id": self.position.pk})
        return q

    def enrolment_q(self) -> Q:
        """Enrolments (of active workers) the filters select.

        The period selects enrolments open at some time in it: enrolled before
        it ended and not completed before it began.
        """
        q = self.worker_q("user__profile__")
        if self.course is not None:
            q &= Q(course_id=self.course.pk)
        if self.plan is not None:
            q &= Q(
                course_id__in=Subquery(
                    LearningPlanCourse.objects.filter(plan_id=self.plan.pk).values(
                        "course_id"
                    )
                )
            )
        start, end = self.bounds
        if end is not None:
            q &= Q(enrolled_at__lt=end)
        if start is not None:
            q &= Q(completed_at__isnull=True) | Q(completed_at__gte=start)
        return q


def _get_or_404(queryset, pk):
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def record_filters(*, user, data) -> RecordFilters:
    """Read the filters of a query string for this user.

    Raises Http404 for an id that does not exist or is outside the user's
    scope, and FilterError for malformed values (a date, a year).
    """
    form = RecordFilterForm(data or None)
    if form.is_bound and not form.is_valid():
        # Ids that are not numbers are unknown ids: 404, like any other.
        for name in ("unit", "course", "plan", "position"):
            if name in form.errors:
                raise Http404
        raise FilterError(form)
    cleaned = form.cleaned_data if form.is_bound else {}
    roots = scope_units(user=user)
    filters = RecordFilters(
        roots=roots,
        unit=_get_or_404(org_units_in_scope(user=user), cleaned.get("unit")),
        course=_get_or_404(CoursePage.objects.all(), cleaned.get("course")),
        plan=_get_or_404(LearningPlan.objects.all(), cleaned.get("plan")),
        position=_get_or_404(Position.objects.all(), cleaned.get("position")),
        year=cleaned.get("year"),
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
        form=form,
    )
    if filters.unit is None and roots is not None and len(roots) == 1:
        # One subtree: start the drill-down at its root.
        filters.unit = roots[0]
    return filters


def record_filters_from_dict(*, user, values: dict) -> RecordFilters:
    """Filters saved by RecordFilters.as_dict (an ExportJob), checked again."""
    return record_filters(user=user, data={k: str(v) for k, v in values.items()})
