"""Writes for people: roles, org units, workers, HR scopes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import roles
from .models import HRScope, OrgUnit, Position, User, WorkerProfile

logger = logging.getLogger(__name__)


def roles_ensure() -> dict[str, Group]:
    """Create the role groups and give each its permissions (idempotent)."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    # Every permission any role needs, read in one query (this runs after each
    # migrate and after every flush of a transactional test).
    needed = {
        dotted for dotted_list in roles.PERMISSIONS.values() for dotted in dotted_list
    }
    codenames = {dotted.split(".")[1] for dotted in needed}
    found = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.filter(codename__in=codenames).select_related(
            "content_type"
        )
    }
    for dotted in sorted(needed - set(found)):
        logger.warning("Permission %s does not exist yet", dotted)
    groups = {}
    for key, name in roles.GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *(found[dotted] for dotted in roles.PERMISSIONS[key] if dotted in found)
        )
        groups[key] = group
    return groups


def user_set_roles(*, user: User, role_keys: list[str]) -> None:
    """Make the user hold exactly these roles."""
    names = [roles.GROUP_NAMES[k] for k in role_keys]
    role_groups = Group.objects.filter(name__in=roles.GROUP_NAMES.values())
    user.groups.remove(*[g for g in role_groups if g.name not in names])
    user.groups.add(*Group.objects.filter(name__in=names))
    user.__dict__.pop("_lianxin_roles", None)


def hr_scopes_set(*, user: User, org_units: list[OrgUnit]) -> None:
    """Give an HR reviewer exactly these subtrees."""
    with transaction.atomic():
        HRScope.objects.filter(user=user).exclude(org_unit__in=org_units).delete()
        for unit in org_units:
            HRScope.objects.get_or_create(user=user, org_unit=unit)


def org_unit_get_or_create(*, names: list[str], create: bool = True) -> OrgUnit | None:
    """The unit at a path of names (区/街道/社区/网格), created if allowed."""
    parent = None
    for depth, name in enumerate(names, start=1):
        if parent is None:
            node = OrgUnit.get_root_nodes().filter(name=name).first()
        else:
            node = parent.get_children().filter(name=name).first()
        if node is None:
            if not create or depth > len(OrgUnit.Level):
                return None
            if parent is None:
                node = OrgUnit.add_root(name=name, level=depth)
            else:
                node = parent.add_child(name=name, level=depth)
                parent.refresh_from_db()
        parent = node
    return parent


def grade_range(position: Position | None) -> tuple[int, int]:
    post_type = position.post_type if position else Position.PostType.OTHER
    low, high = settings.LIANXIN_GRADE_RANGES[post_type]
    return low, high


@dataclass
class WorkerData:
    name: str
    employee_no: str
    mobile: str
    org_unit: OrgUnit
    position: Position | None
    grade: int | None
    hire_date: date | None
    qualification: str = WorkerProfile.Qualification.NONE
    qualification_date: date | None = None


def worker_upsert(
    *, data: WorkerData, password: str | None = None
) -> tuple[WorkerProfile, bool]:
    """Create or update a worker by employee number. Returns (profile, created).

    A new worker's username is their employee number; they sign in with it,
    their phone or the username, and get an unusable password until one is set.
    """
    if data.grade is not None:
        low, high = grade_range(data.position)
        if not low <= data.grade <= high:
            raise ValidationError(
                _("Grade %(grade)s is outside %(low)s–%(high)s for this position.")
                % {"grade": data.grade, "low": low, "high": high}
            )
    with transaction.atomic():
        profile = (
            WorkerProfile.objects.select_related("user")
            .filter(employee_no=data.employee_no)
            .first()
        )
        created = profile is None
        if created:
            user = User(username=data.employee_no)
            profile = WorkerProfile(user=user, employee_no=data.employee_no)
        user = profile.user
        user.name = data.name
        user.mobile = data.mobile or None
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.full_clean(exclude=["password"] if created and not password else None)
        user.save()
        profile.user = user
        profile.org_unit = data.org_unit
        profile.position = data.position
        profile.grade = data.grade
        profile.hire_date = data.hire_date
        profile.qualification = data.qualification
        profile.qualification_date = data.qualification_date
        profile.full_clean()
        profile.save()
        if created:
            user_set_roles(user=user, role_keys=[roles.WORKER])
    return profile, created
