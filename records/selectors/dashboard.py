"""Figures of the HR dashboard, in a fixed number of queries.

Every figure is one grouped query over the filtered rows, grouped by the
child unit of the unit being looked at (the drill-down rows), so the number
of queries stays the same however many workers and units there are. Figures
are about groups: individuals are listed only inside one unit, in the order
of their employee numbers, never ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from assessments.models import Certificate, Competency, WorkerCompetency
from courses.models import Enrolment, HoursTarget, TrainingRecord
from courses.selectors.learner import ledger_today
from people.models import OrgUnit, WorkerProfile
from records.selectors.filters import RecordFilters

EXPIRING_DAYS = 30
ZERO = Decimal("0.0")


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class Counts:
    """Enrolment and worker figures of one group (the whole view or a child unit)."""

    enrolments: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    workers: int = 0
    reached: int = 0

    @property
    def completion_rate(self) -> int:
        return percent(self.completed, self.enrolments)

    @property
    def completed_pct(self) -> int:
        return self.completion_rate

    @property
    def in_progress_pct(self) -> int:
        return percent(self.in_progress, self.enrolments)

    @property
    def not_started_pct(self) -> int:
        return max(0, 100 - self.completed_pct - self.in_progress_pct)

    @property
    def reached_rate(self) -> int:
        return percent(self.reached, self.workers)

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ChildRow:
    unit: OrgUnit | None  # None: workers placed directly in the parent unit
    counts: Counts
    rank: int | None = None


@dataclass
class CompetencyCoverage:
    competency: Competency
    workers: int
    rate: int


@dataclass
class Dashboard:
    filters: RecordFilters
    today: date
    hours_year: int
    totals: Counts
    rows: list[ChildRow]
    parent: OrgUnit | None
    ancestors: list[OrgUnit]
    comparison: bool = False


def _child_key(filters: RecordFilters, children: list[OrgUnit], prefix: str):
    """An expression giving each row the path of the child unit it belongs to."""
    path = f"{prefix}org_unit__path"
    if filters.unit is not None:
        return Substr(path, 1, len(filters.unit.path) + OrgUnit.steplen)
    if filters.roots is None:
        return Substr(path, 1, OrgUnit.steplen)
    whens = [
        When(**{f"{path}__startswith": c.path}, then=Value(c.path)) for c in children
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _children(filters: RecordFilters) -> list[OrgUnit]:
    if filters.unit is not None:
        return list(filters.unit.get_children())
    if filters.roots is None:
        return list(OrgUnit.get_root_nodes())
    return sorted(filters.roots, key=lambda u: u.name)


def hours_target_expression(*, year: int, position_field: str = "position_id"):
    """Each worker's target for the year as an SQL CASE: one query for the rows.

    The same rule as courses.services.ledger.hours_target_for: the position's
    row, else the year's default row, else LIANXIN_DEFAULT_HOURS_TARGET.
    """
    default = Decimal(getattr(settings, "LIANXIN_DEFAULT_HOURS_TARGET", Decimal(40)))
    whens = []
    for position_id, hours in HoursTarget.objects.filter(year=year).values_list(
        "position_id", "hours"
    ):
        if position_id is None:
            default = hours
        else:
            whens.append(When(**{position_field: position_id}, then=Value(hours)))
    out = DecimalField(max_digits=5, decimal_places=1)
    return Case(*whens, default=Value(default), output_field=out)


def hours_total_subquery(*, year: int, user_field: str = "user_id"):
    """A worker's hours in the ledger year, corrections included (0 when none)."""
    total = (
        TrainingRecord.objects.filter(user_id=OuterRef(user_field), year=year)
        .order_by()
        .values("user_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    out = DecimalField(max_digits=7, decimal_places=1)
    return Coalesce(Subquery(total, output_field=out), Value(ZERO), output_field=out)


def enrolment_status_counts(*, filters: RecordFilters, today: date, key=None) -> dict:
    """Counts of enrolments by status, grouped by ``key`` (a child-unit path)."""
    done = Q(status=Enrolment.Status.COMPLETED)
    qs = Enrolment.objects.filter(filters.enrolment_q()).order_by()
    qs = qs.annotate(child=key if key is not None else Value(""))
    rows = qs.values("child").annotate(
        enrolments=Count("id"),
        completed=Count("id", filter=done),
        in_progress=Count("id", filter=~done & Q(lessons_done__gt=0)),
        not_started=Count("id", filter=~done & Q(lessons_done=0)),
        overdue=Count("id", filter=~done & Q(due_date__lt=today)),
    )
    return {row.pop("child"): row for row in rows}


def worker_hours_counts(*, filters: RecordFilters, key=None) -> dict:
    """Workers and how many reached the year's hours target, grouped by ``key``."""
    year = filters.hours_year
    qs = (
        WorkerProfile.objects.filter(filters.worker_q())
        .order_by()
        .annotate(
            hours_total=hours_total_subquery(year=year),
            hours_target=hours_target_expression(year=year),
            child=key if key is not None else Value(""),
        )
    )
    rows = qs.values("child").annotate(
        workers=Count("id"),
        reached=Count("id", filter=Q(hours_total__gte=F("hours_target"))),
    )
    return {row.pop("child"): row for row in rows}


def certificates_expiring_count(*, filters: RecordFilters, today: date) -> int:
    """Valid certificates of the selected workers that expire within 30 days."""
    return Certificate.objects.filter(
        filters.worker_q("user__profile__"),
        revoked_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=EXPIRING_DAYS),
    ).count()


def competency_coverage(*, filters: RecordFilters, workers: int) -> list:
    """Share of the selected workers at level 1 or more, per competency of the
    default framework."""
    competencies = list(
        Competency.objects.filter(framework__is_default=True).order_by(
            "sort_order", "code"
        )
    )
    if not competencies:
        return []
    reached = dict(
        WorkerCompetency.objects.filter(
            filters.worker_q("user__profile__"),
            competency__in=competencies,
            level__gte=1,
        )
        .order_by()
        .values("competency_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("competency_id", "n")
    )
    return [
        CompetencyCoverage(
            competency=c,
            workers=reached.get(c.pk, 0),
            rate=percent(reached.get(c.pk, 0), workers),
        )
        for c in competencies
    ]


def dashboard_for(*, user, filters: RecordFilters) -> Dashboard:
    """The dashboard of the user's scope narrowed by the filters.

    Child units are listed in name order. Only where the deployment allows
    comparison (LIANXIN_RECORDS_ALLOW_COMPARISON) are they sorted by
    completion rate and ranked; individual workers are never ranked.
    """
    today = ledger_today()
    children = _children(filters)
    key_enrolment = _child_key(filters, children, "user__profile__")
    key_worker = _child_key(filters, children, "")
    status = enrolment_status_counts(filters=filters, today=today, key=key_enrolment)
    hours = worker_hours_counts(filters=filters, key=key_worker)

    totals = Counts()
    by_path: dict[str, Counts] = {}
    for path in set(status) | set(hours):
        counts = Counts(**status.get(path, {}), **hours.get(path, {}))
        by_path[path] = counts
        totals.add(counts)

    rows = [ChildRow(unit=c, counts=by_path.get(c.path, Counts())) for c in children]
    own_path = filters.unit.path if filters.unit is not None else ""
    if own_path in by_path and filters.unit is not None:
        rows.append(ChildRow(unit=None, counts=by_path[own_path]))
    comparison = bool(getattr(settings, "LIANXIN_RECORDS_ALLOW_COMPARISON", False))
    if comparison:
        rows.sort(
            key=lambda r: (-r.counts.completion_rate, r.unit.name if r.unit else "")
        )
        for number, child in enumerate(rows, start=1):
            child.rank = number
    ancestors = list(filters.unit.get_ancestors()) if filters.unit else []
    if filters.roots is not None:
        # HR never walks above its own subtrees.
        ancestors = [
            a
            for a in ancestors
            if any(a.path.startswith(r.path) for r in filters.roots)
        ]
    return Dashboard(
        filters=filters,
        today=today,
        hours_year=filters.hours_year,
        totals=totals,
        rows=rows,
        parent=filters.unit,
        ancestors=ancestors,
        comparison=comparison,
    )


def workers_page_rows(*, filters: RecordFilters):
    """Workers directly under the chosen unit's subtree, for the last drill-down
    step, with their own enrolment counts: a queryset to paginate (by number)."""
    done = Q(user__enrolments__status=Enrolment.Status.COMPLETED)
    enrolment_q = Q(
        user__enrolments__in=Enrolment.objects.filter(filters.enrolment_q()).values(
            "pk"
        )
    )
    today = ledger_today()
    return (
        WorkerProfile.objects.filter(filters.worker_q())
        .select_related("user", "org_unit", "position")
        .annotate(
            enrolment_count=Count("user__enrolments", filter=enrolment_q),
            completed_count=Count("user__enrolments", filter=enrolment_q & done),
            overdue_count=Count(
                "user__enrolments",
                filter=enrolment_q & ~done & Q(user__enrolments__due_date__lt=today),
            ),
        )
        .order_by("employee_no", "pk")
    )
