"""The training-hours ledger: credits happen exactly once, corrections are new rows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import HoursTarget, TrainingRecord
from courses.selectors.ledger import records_correctable_by
from people.audit import audit_record
from people.models import WorkerProfile

# The ledger's years are calendar years in China, whatever the server's zone.
LEDGER_TZ = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0.0")


def ledger_year(at: datetime | None = None) -> int:
    """The ledger year of a moment (now by default): its year in Asia/Shanghai."""
    return timezone.localtime(at or timezone.now(), LEDGER_TZ).year


def hours_credit(
    *,
    user,
    year: int,
    hours: Decimal,
    source: str,
    reference: str,
    title: str,
    created_by=None,
) -> tuple[TrainingRecord, bool]:
    """Credit hours once per (user, source, reference). Returns (record, created).

    The database's unique constraint decides, not a check-then-insert, so two
    racing completions or a retried task still credit once.
    """
    if source == TrainingRecord.Source.CORRECTION:
        raise ValueError("Use hours_correct for corrections.")
    try:
        with transaction.atomic():
            record = TrainingRecord.objects.create(
                user=user,
                year=year,
                hours=hours,
                source=source,
                reference=reference,
                title=title[:255],
                created_by=created_by,
            )
        return record, True
    except IntegrityError:
        existing = TrainingRecord.objects.get(
            user=user, source=source, reference=reference
        )
        return existing, False


@transaction.atomic
def hours_correct(
    *,
    record: TrainingRecord,
    hours: Decimal,
    reason: str,
    actor,
    request=None,
) -> TrainingRecord:
    """Add a correction of `hours` (positive or negative) to a credit, audited.

    A correction never edits the credit: it is a new row linked to it, so the
    ledger shows what was credited, what was changed, by whom and why. A
    correction of a correction corrects the original credit. The credit with
    its corrections may not fall below zero hours.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for the correction."), code="reason_required"
        )
    hours = Decimal(hours)
    if hours == 0:
        raise ValidationError(
            _("A correction must change the hours."), code="no_change"
        )
    if not records_correctable_by(user=actor).filter(pk=record.pk).exists():
        raise PermissionDenied
    root_id = record.corrects_id or record.pk
    # Locking the credit serialises corrections to it: the numbering and the
    # "not below zero" check see every earlier correction.
    root = TrainingRecord.objects.select_for_update().get(pk=root_id)
    chain = TrainingRecord.objects.filter(corrects_id=root.pk)
    total = root.hours + (chain.aggregate(total=Sum("hours"))["total"] or ZERO)
    if total + hours < 0:
        raise ValidationError(
            _(
                "This would leave %(total)s hours for this record: "
                "it may not go below zero."
            )
            % {"total": total + hours},
            code="below_zero",
        )
    correction = TrainingRecord.objects.create(
        user_id=root.user_id,
        year=root.year,
        hours=hours,
        source=TrainingRecord.Source.CORRECTION,
        reference=f"correction:{root.pk}:{chain.count() + 1}",
        title=root.title,
        reason=reason,
        corrects=root,
        created_by=actor,
    )
    audit_record(
        action="hours_corrected",
        actor=actor,
        obj=correction,
        details={
            "worker": root.user_id,
            "year": root.year,
            "corrects": root.pk,
            "hours": str(hours),
            "total_before": str(total),
            "total_after": str(total + hours),
            "reason": reason,
        },
        request=request,
    )
    return correction


def hours_for_year(*, user, year: int) -> Decimal:
    """Every hour credited to the worker in a ledger year, corrections included."""
    total = TrainingRecord.objects.filter(user=user, year=year).aggregate(
        total=Sum("hours")
    )["total"]
    return total or ZERO


def hours_by_source(*, user, year: int) -> dict[str, Decimal]:
    """Hours of a year per source; a correction counts under the credit it corrects.

    Every source appears, with zero when nothing was credited from it.
    """
    rows = (
        TrainingRecord.objects.filter(user=user, year=year)
        .annotate(origin=Coalesce(F("corrects__source"), F("source")))
        .values("origin")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    result = {
        source: ZERO
        for source in TrainingRecord.Source.values
        if source != TrainingRecord.Source.CORRECTION
    }
    for row in rows:
        result[row["origin"]] = row["total"] or ZERO
    return result


def hours_target_for(*, user, year: int) -> Decimal:
    """The worker's target for the year: their position's, else the default row,
    else settings.LIANXIN_DEFAULT_HOURS_TARGET (40 when unset). One query."""
    position = WorkerProfile.objects.filter(user=user).values("position_id")[:1]
    hours = (
        HoursTarget.objects.filter(year=year)
        .filter(Q(position_id=Subquery(position)) | Q(position__isnull=True))
        .order_by(F("position_id").asc(nulls_last=True))
        .values_list("hours", flat=True)
        .first()
    )
    if hours is not None:
        return hours
    return Decimal(getattr(settings, "LIANXIN_DEFAULT_HOURS_TARGET", Decimal("40")))
