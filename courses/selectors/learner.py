"""Reads of a worker's own record: courses, hours and sessions (我的学习)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from courses.models import Enrolment, SessionRegistration, TrainingRecord
from courses.selectors.offline import sessions_registered_by
from courses.services.ledger import (
    LEDGER_TZ,
    hours_by_source,
    hours_target_for,
)

RECENT_ENTRIES = 10
RECENT_COMPLETED = 20


def ledger_today() -> date:
    """Today in the ledger's time zone (Asia/Shanghai)."""
    return timezone.localtime(timezone.now(), LEDGER_TZ).date()


def enrolments_active(*, user, today: date | None = None) -> QuerySet[Enrolment]:
    """Courses the worker has not completed: earliest due first, then newest.

    `overdue` is annotated so that no template compares dates itself.
    """
    today = today or ledger_today()
    return (
        Enrolment.objects.filter(user_id=user.pk)
        .exclude(status=Enrolment.Status.COMPLETED)
        .select_related("course")
        .annotate(
            overdue=ExpressionWrapper(
                Q(due_date__lt=today), output_field=BooleanField()
            )
        )
        .order_by(F("due_date").asc(nulls_last=True), "-enrolled_at", "-pk")
    )


def enrolments_completed(*, user) -> QuerySet[Enrolment]:
    """Courses the worker completed, most recent first."""
    return (
        Enrolment.objects.filter(user_id=user.pk, status=Enrolment.Status.COMPLETED)
        .select_related("course")
        .order_by(F("completed_at").desc(nulls_last=True), "-pk")
    )


def ledger_entries(*, user, year: int | None = None) -> QuerySet[TrainingRecord]:
    """The worker's own ledger rows (of one year when given), newest first."""
    qs = TrainingRecord.objects.filter(user_id=user.pk)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-pk")


def ledger_years(*, user) -> list[int]:
    """The years in which the worker has ledger rows, newest first."""
    return list(
        TrainingRecord.objects.filter(user_id=user.pk)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


@dataclass
class HoursSummary:
    year: int
    hours: Decimal
    target: Decimal
    by_source: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return max(0, min(100, int(self.hours * 100 / self.target)))

    @property
    def reached(self) -> bool:
        return self.hours >= self.target


def hours_summary(*, user, year: int) -> HoursSummary:
    """Hours of a year against the worker's target, with the split by source."""
    labels = dict(TrainingRecord.Source.choices)
    split = hours_by_source(user=user, year=year)
    return HoursSummary(
        year=year,
        # The split covers every row, so its sum is hours_for_year's, one
        # query fewer.
        hours=sum(split.values(), start=Decimal("0.0")),
        target=hours_target_for(user=user, year=year),
        by_source=[(labels[source], hours) for source, hours in split.items()],
    )


@dataclass
class LearningOverview:
    today: date
    hours: HoursSummary
    required: list[Enrolment]
    in_progress: list[Enrolment]
    completed: list[Enrolment]
    more_completed: bool
    sessions: list[SessionRegistration]
    entries: list[TrainingRecord]
    more_entries: bool


def learning_overview(*, user) -> LearningOverview:
    """Everything 我的学习 shows, in a fixed number of queries.

    Assigned courses not yet completed are the required ones, whatever their
    progress; the other unfinished courses are "in progress".
    """
    today = ledger_today()
    active = list(enrolments_active(user=user, today=today))
    completed = list(enrolments_completed(user=user)[: RECENT_COMPLETED + 1])
    entries = list(ledger_entries(user=user, year=today.year)[: RECENT_ENTRIES + 1])
    return LearningOverview(
        today=today,
        hours=hours_summary(user=user, year=today.year),
        required=[e for e in active if e.source == Enrolment.Source.ASSIGNED],
        in_progress=[e for e in active if e.source != Enrolment.Source.ASSIGNED],
        completed=completed[:RECENT_COMPLETED],
        more_completed=len(completed) > RECENT_COMPLETED,
        sessions=list(sessions_registered_by(user=user)),
        entries=entries[:RECENT_ENTRIES],
        more_entries=len(entries) > RECENT_ENTRIES,
    )
