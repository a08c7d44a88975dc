"""The training-hours ledger: credits happen exactly once, corrections are new rows."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from courses.models import TrainingRecord


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
