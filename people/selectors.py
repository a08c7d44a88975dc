"""Reads for people, always scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import roles
from .models import OrgUnit, WorkerProfile


def scope_units(*, user) -> list[OrgUnit] | None:
    """The roots of the subtrees a user may review; None means everything (admin)."""
    if roles.has_role(user, roles.ADMIN):
        return None
    if not roles.has_role(user, roles.HR):
        return []
    return list(OrgUnit.objects.filter(hr_scopes__user=user))


def path_q(units: list[OrgUnit] | None, field: str) -> Q:
    """Rows whose org unit path ``field`` lies under one of ``units``.

    ``units`` as scope_units gives them: None means everything (an empty Q),
    an empty list nothing.
    """
    if units is None:
        return Q()
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{field}__startswith": unit.path})
    return q


def in_scope_q(*, user, field: str = "user__profile__org_unit__path") -> Q:
    """A filter for rows the user may review, by the org unit path at ``field``.

    Every HR list (ledger, claims, certificates, assignments) filters through
    this one rule: the worker's current org unit under one of the user's scopes.
    """
    return path_q(scope_units(user=user), field)


def org_units_in_scope(*, user) -> QuerySet[OrgUnit]:
    """Every org unit in the user's subtrees: one indexed prefix query per scope."""
    units = scope_units(user=user)
    if units is None:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(path_q(units, "path"))


def workers_in_scope(*, user) -> QuerySet[WorkerProfile]:
    """Worker profiles under the user's subtrees, with what a list needs joined."""
    units = scope_units(user=user)
    qs = WorkerProfile.objects.select_related("user", "org_unit", "position")
    if units is None:
        return qs
    return qs.filter(path_q(units, "org_unit__path"))


def org_unit_in_scope(*, user, unit: OrgUnit) -> bool:
    units = scope_units(user=user)
    if units is None:
        return True
    return any(unit.path.startswith(u.path) for u in units)


def org_unit_full_names() -> dict[str, OrgUnit]:
    """Every unit by its full path of names ("连心区/东湖街道"), in one query."""
    by_path: dict[str, OrgUnit] = {}
    result: dict[str, OrgUnit] = {}
    names: dict[str, str] = {}
    steplen = OrgUnit.steplen
    for unit in OrgUnit.objects.order_by("path"):
        parent_path = unit.path[:-steplen]
        full = f"{names[parent_path]}/{unit.name}" if parent_path else unit.name
        names[unit.path] = full
        by_path[unit.path] = unit
        result[full] = unit
    return result
