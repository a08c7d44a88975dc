"""The transcript and hours statement (学时证明) of one worker, as a PDF.

Set with the certificates' embedded-font renderer (assessments.pdf), so it
reads correctly on any phone. It states what HR files as evidence: the
worker, their unit, the courses completed with dates and hours, hours by
year and source, and certificates. Never anything of the wellbeing app.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from assessments.models import Certificate, IssuerSettings
from assessments.pdf import build_pdf, paragraph_styles, table
from courses.models import Enrolment, TrainingRecord
from courses.services.ledger import LEDGER_TZ
from people.models import WorkerProfile
from records.selectors.workers import SOURCES, YearHours, hours_by_year


@dataclass
class Transcript:
    profile: WorkerProfile
    unit_name: str
    completed: list[Enrolment]
    hours: list[YearHours]
    certificates: list[Certificate]
    issuer: str


def transcript_for(*, profile: WorkerProfile) -> Transcript:
    """What the statement lists, for a worker the caller may already see."""
    unit = profile.org_unit
    names = [a.name for a in unit.get_ancestors()] + [unit.name]
    issuer = IssuerSettings.objects.values_list("name", flat=True).first()
    return Transcript(
        profile=profile,
        unit_name="/".join(names),
        completed=list(
            Enrolment.objects.filter(
                user_id=profile.user_id, status=Enrolment.Status.COMPLETED
            )
            .select_related("course")
            .order_by("completed_at", "pk")
        ),
        hours=hours_by_year(worker=profile.user),
        certificates=list(
            Certificate.objects.filter(
                user_id=profile.user_id, revoked_at__isnull=True
            ).order_by("issued_at")
        ),
        issuer=issuer or "",
    )


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value, LEDGER_TZ).date()
    return value.isoformat()


def transcript_pdf(*, profile: WorkerProfile) -> bytes:
    """The PDF bytes of a worker's transcript and hours statement."""
    data = transcript_for(profile=profile)
    styles = paragraph_styles()
    user = profile.user
    labels = dict(TrainingRecord.Source.choices)
    story = [
        Paragraph(_("Transcript and hours statement"), styles["title"]),
        Spacer(1, 4 * mm),
        table(
            [
                [
                    _("Name"),
                    user.get_full_name(),
                    _("Employee number"),
                    profile.employee_no,
                ],
                [
                    _("Org unit"),
                    data.unit_name,
                    _("Position"),
                    str(profile.position or "—"),
                ],
            ],
            col_widths=[30 * mm, 150 * mm],
            repeat_rows=0,
        ),
        Spacer(1, 6 * mm),
        Paragraph(_("Courses completed"), styles["heading"]),
    ]
    if data.completed:
        rows = [[_("Course"), _("Completed on"), _("Credit hours")]]
        rows += [
            [e.course.title, _date(e.completed_at), str(e.course.credit_hours)]
            for e in data.completed
        ]
        story.append(table(rows, col_widths=[110 * mm, 35 * mm, 35 * mm]))
    else:
        story.append(Paragraph(_("No course completed yet."), styles["body"]))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(_("Training hours by year"), styles["heading"]),
    ]
    if data.hours:
        rows = [[_("Year"), *[str(labels[s]) for s in SOURCES], _("Total")]]
        rows += [
            [str(y.year), *[str(c) for c in y.cells()], str(y.total)]
            for y in data.hours
        ]
        story.append(table(rows))
    else:
        story.append(Paragraph(_("No training hours recorded yet."), styles["body"]))
    story += [Spacer(1, 6 * mm), Paragraph(_("Certificates"), styles["heading"])]
    if data.certificates:
        rows = [[_("Serial number"), _("Course"), _("Completed on"), _("Expires on")]]
        rows += [
            [c.serial, c.course_title, _date(c.completed_on), _date(c.expires_on)]
            for c in data.certificates
        ]
        story.append(table(rows, col_widths=[40 * mm, 80 * mm, 30 * mm, 30 * mm]))
    else:
        story.append(Paragraph(_("No certificate yet."), styles["body"]))
    total = sum((y.total for y in data.hours), start=Decimal("0.0"))
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            _("Total training hours recorded: %(hours)s.") % {"hours": total},
            styles["body"],
        ),
        Paragraph(
            _("Issued on %(date)s by %(issuer)s.")
            % {
                "date": _date(timezone.now()),
                "issuer": data.issuer or _("Lianxin Academy"),
            },
            styles["small"],
        ),
    ]
    return build_pdf(
        story,
        title=_("Transcript and hours statement"),
        author=data.issuer,
        subject=user.get_full_name(),
    )
