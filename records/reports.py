"""Reports the dashboard shows, django-oscar style: small classes with a code, a
title, ``generate()`` and ``is_available_to(user)``; the dashboard lists the
ones a user may run, each drawn by its own template."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from courses.selectors.learner import ledger_today
from people import roles
from people.models import WorkerProfile
from records.selectors.dashboard import (
    certificates_expiring_count,
    competency_coverage,
    dashboard_for,
)
from records.selectors.filters import RecordFilters


class Report:
    code = ""
    title = ""
    template = ""

    def __init__(self, *, user, filters: RecordFilters):
        self.user = user
        self.filters = filters

    @classmethod
    def is_available_to(cls, user) -> bool:
        return roles.has_role(user, roles.HR, roles.ADMIN)

    def generate(self, *, dashboard=None):
        """The report's figures; ``dashboard`` is the completion report's, when
        it ran first, so that the others reuse its totals."""
        raise NotImplementedError


class CompletionReport(Report):
    """Completion, in progress, not started, overdue and hours, per child unit."""

    code = "completion"
    title = _("Completion and hours")
    template = "records/dashboard/report_completion.html"

    def generate(self, *, dashboard=None):
        return dashboard or dashboard_for(user=self.user, filters=self.filters)


class CertificatesExpiringReport(Report):
    code = "certificates"
    title = _("Certificates expiring within 30 days")
    template = "records/dashboard/report_certificates.html"

    def generate(self, *, dashboard=None):
        today = dashboard.today if dashboard else ledger_today()
        return certificates_expiring_count(filters=self.filters, today=today)


class CompetencyCoverageReport(Report):
    code = "competencies"
    title = _("Competency coverage")
    template = "records/dashboard/report_competencies.html"

    def generate(self, *, dashboard=None):
        if dashboard is not None:
            workers = dashboard.totals.workers
        else:
            workers = WorkerProfile.objects.filter(self.filters.worker_q()).count()
        return competency_coverage(filters=self.filters, workers=workers)


REPORTS: list[type[Report]] = [
    CompletionReport,
    CertificatesExpiringReport,
    CompetencyCoverageReport,
]


def reports_for(*, user) -> list[type[Report]]:
    """The report classes this user may run, in the order the dashboard shows them."""
    return [report for report in REPORTS if report.is_available_to(user)]


def reports_generate(*, user, filters: RecordFilters) -> tuple:
    """Run every report the user may run: (the completion dashboard, [(report,
    figures)]). The completion report runs first and lends its totals."""
    dashboard = None
    results = []
    for cls in reports_for(user=user):
        report = cls(user=user, filters=filters)
        figures = report.generate(dashboard=dashboard)
        if isinstance(report, CompletionReport):
            dashboard = figures
        results.append((report, figures))
    return dashboard, results
