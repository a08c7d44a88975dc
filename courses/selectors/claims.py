"""Reads of external hours claims: the worker's own, or those HR may review."""

from __future__ import annotations

from django.db.models import QuerySet

from courses.models import ExternalHoursClaim
from people import roles
from people.selectors import in_scope_q


def claims_for_worker(*, user) -> QuerySet[ExternalHoursClaim]:
    """The worker's own claims, newest first."""
    return ExternalHoursClaim.objects.filter(user_id=user.pk).order_by(
        "-created_at", "-pk"
    )


def claims_for_reviewer(*, user, status: str = "") -> QuerySet[ExternalHoursClaim]:
    """Claims of workers in the reviewer's scope (all for an admin), never their own.

    Scope follows the worker's current org unit, like every other HR read.
    """
    qs = ExternalHoursClaim.objects.exclude(user_id=user.pk)
    qs = qs.filter(in_scope_q(user=user))
    if status in ExternalHoursClaim.Status.values:
        qs = qs.filter(status=status)
    return qs.select_related(
        "user", "user__profile", "user__profile__org_unit", "reviewer"
    ).order_by("-created_at", "-pk")


def claim_for_proof(*, user, pk: int) -> ExternalHoursClaim | None:
    """The claim whose proof this user may open: their own, in scope, or admin's."""
    own = ExternalHoursClaim.objects.filter(pk=pk, user_id=user.pk).first()
    if own is not None:
        return own
    if not roles.has_role(user, roles.HR, roles.ADMIN):
        return None
    return claims_for_reviewer(user=user).filter(pk=pk).first()
