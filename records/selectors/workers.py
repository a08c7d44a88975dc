"""A worker's record as HR sees it: never anything of the wellbeing app.

Stress self-assessments are the worker's alone (PIPL Art. 28–29), so this
module does not import wellbeing and the record page shows no part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from assessments.models import Attempt, Certificate, QuizGrade, WorkerCompetency
from courses.models import Enrolment, TrainingRecord
from courses.selectors.learner import ledger_today
from people.models import WorkerProfile
from people.selectors import workers_in_scope

SOURCES = [
    s for s in TrainingRecord.Source.values if s != TrainingRecord.Source.CORRECTION
]


def worker_for(*, user, worker_id: int) -> WorkerProfile:
    """The profile of a worker in the user's scope; 404 for anyone else."""
    profile = workers_in_scope(user=user).filter(user_id=worker_id).first()
    if profile is None:
        raise Http404
    return profile


@dataclass
class YearHours:
    year: int
    by_source: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_source.values(), start=Decimal("0.0"))

    def cells(self) -> list[Decimal]:
        return [self.by_source.get(source, Decimal("0.0")) for source in SOURCES]


def hours_by_year(*, worker) -> list[YearHours]:
    """Hours per ledger year and source, newest year first, in one query; a
    correction counts under the source of the credit it corrects."""
    rows = (
        TrainingRecord.objects.filter(user_id=worker.pk)
        .annotate(origin=Coalesce(F("corrects__source"), F("source")))
        .values("year", "origin")
        .annotate(total=Sum("hours"))
        .order_by("-year")
    )
    years: dict[int, YearHours] = {}
    for row in rows:
        entry = years.setdefault(row["year"], YearHours(year=row["year"], by_source={}))
        entry.by_source[row["origin"]] = row["total"] or Decimal("0.0")
    return sorted(years.values(), key=lambda y: -y.year)


@dataclass
class WorkerRecord:
    profile: WorkerProfile
    enrolments: list[Enrolment]
    grades: list[QuizGrade]
    attempts: list[Attempt]
    hours: list[YearHours]
    ledger: list[TrainingRecord]
    certificates: list[Certificate]
    competencies: list[WorkerCompetency]
    today: object


def worker_record_for(*, user, worker_id: int) -> WorkerRecord:
    """Everything HR may see of one worker in scope, in a fixed number of queries."""
    profile = worker_for(user=user, worker_id=worker_id)
    worker = profile.user
    return WorkerRecord(
        profile=profile,
        enrolments=list(
            Enrolment.objects.filter(user_id=worker.pk)
            .select_related("course")
            .order_by(F("due_date").asc(nulls_last=True), "-enrolled_at")
        ),
        grades=list(
            QuizGrade.objects.filter(user_id=worker.pk)
            .select_related("quiz")
            .order_by("quiz__title")
        ),
        attempts=list(
            Attempt.objects.filter(user_id=worker.pk)
            .select_related("quiz")
            .order_by("-started_at")[:50]
        ),
        hours=hours_by_year(worker=worker),
        ledger=list(
            TrainingRecord.objects.filter(user_id=worker.pk).order_by(
                "-created_at", "-pk"
            )[:100]
        ),
        certificates=list(
            Certificate.objects.filter(user_id=worker.pk).order_by("-issued_at")
        ),
        competencies=list(
            WorkerCompetency.objects.filter(user_id=worker.pk)
            .select_related("competency__framework")
            .order_by("competency__framework__name", "competency__sort_order")
        ),
        today=ledger_today(),
    )
