"""Reads of the training-hours ledger for the people who keep it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from courses.models import TrainingRecord
from people.selectors import scope_units


def records_correctable_by(*, user) -> QuerySet[TrainingRecord]:
    """Ledger rows this user may correct: all for admins, their scope for HR.

    HR only ever corrects the records of workers under its own subtrees; the
    correction page answers 404 for the others so that an id tells nothing.
    Everyone else may correct nothing.
    """
    units = scope_units(user=user)
    qs = TrainingRecord.objects.select_related("user", "corrects", "created_by")
    if units is None:
        return qs
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(user__profile__org_unit__path__startswith=unit.path)
    return qs.filter(q)


def record_chain(*, record: TrainingRecord) -> QuerySet[TrainingRecord]:
    """A credit and every correction made to it, oldest first."""
    root_id = record.corrects_id or record.pk
    return (
        TrainingRecord.objects.filter(Q(pk=root_id) | Q(corrects_id=root_id))
        .select_related("created_by")
        .order_by("created_at", "id")
    )
