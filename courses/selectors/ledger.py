"""Reads of the training-hours ledger for the people who keep it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from courses.models import TrainingRecord
from people.selectors import in_scope_q


def records_correctable_by(*, user) -> QuerySet[TrainingRecord]:
    """Ledger rows this user may correct: all for admins, their scope for HR.

    HR only ever corrects the records of workers under its own subtrees; the
    correction page answers 404 for the others so that an id tells nothing.
    Everyone else may correct nothing.
    """
    return TrainingRecord.objects.select_related(
        "user", "corrects", "created_by"
    ).filter(in_scope_q(user=user))


def record_chain(*, record: TrainingRecord) -> QuerySet[TrainingRecord]:
    """A credit and every correction made to it, oldest first."""
    root_id = record.corrects_id or record.pk
    return (
        TrainingRecord.objects.filter(Q(pk=root_id) | Q(corrects_id=root_id))
        .select_related("created_by")
        .order_by("created_at", "id")
    )
