"""python manage.py seed_demo: a demo district, about 60 workers, one sign-in per role.

It runs on every `make run`, so it is idempotent: a second run finds everything
in place and writes nothing, except that it puts the demo accounts back in a
state where the printed sign-ins work (password, active, not locked out).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, fields
from datetime import date

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from cms.demo import demo_content_seed
from cms.demo.assessments import demo_assessments_seed
from cms.demo.assignments import demo_assignments_seed
from cms.demo.certificates import demo_certificates_seed
from cms.demo.wellbeing import demo_wellbeing_seed
from cms.services import site_ensure
from people import roles
from people.models import OrgUnit, Position, User, WorkerProfile
from people.selectors import org_unit_full_names
from people.services import (
    WorkerData,
    grade_range,
    hr_scopes_set,
    org_unit_get_or_create,
    roles_ensure,
    user_set_roles,
    worker_upsert,
)

DEMO_PASSWORD = "lianxin-demo"  # noqa: S105 (printed on purpose: demo data only)
# One hash for all demo accounts, so that a run hashes once instead of seven
# times (each takes half a second). The password is public anyway; 22
# characters keep the salt long enough that Django never re-hashes it.
DEMO_SALT = "LianxinDemoSaltForSeed"
SEED = 20240501

PostType = Position.PostType
POSITIONS = [
    ("书记", PostType.PRINCIPAL),
    ("主任", PostType.PRINCIPAL),
    ("副书记", PostType.DEPUTY),
    ("副主任", PostType.DEPUTY),
    ("委员", PostType.OTHER),
    ("专职社区工作者", PostType.OTHER),
    ("网格员", PostType.OTHER),
    ("人民调解员", PostType.OTHER),
]

DISTRICT = "连心区"
# street -> [(community, number of grids)]
STREETS = {
    "东湖街道": [("朝阳社区", 3), ("桂园社区", 2), ("东湖花园社区", 3)],
    "西山街道": [("青松社区", 3), ("枫林社区", 2), ("西山社区", 2)],
    "南河街道": [("南河社区", 3), ("柳岸社区", 2)],
}
GRIDS = ["第一网格", "第二网格", "第三网格"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
    "彭曾田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖"
)
GIVEN_NAMES = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "文", "华", "鹏", "慧",
    "秀兰", "桂英", "建华", "红梅", "玉兰", "志强", "海燕", "晓东", "春梅",
    "丽华", "国庆", "雪梅", "晓燕", "婷婷", "佳琪", "子涵", "浩然", "欣怡",
    "宇航", "俊杰", "雨欣", "晓峰", "建军", "淑珍", "永刚", "秀英", "文静",
]  # fmt: skip
QUALIFICATIONS = [
    WorkerProfile.Qualification.ASSISTANT,
    WorkerProfile.Qualification.ASSISTANT,
    WorkerProfile.Qualification.ASSISTANT,
    WorkerProfile.Qualification.SOCIAL_WORKER,
    WorkerProfile.Qualification.SOCIAL_WORKER,
    WorkerProfile.Qualification.SENIOR,
]


@dataclass
class DemoAccount:
    username: str
    name: str
    role: str
    # Names below the district ([] = the district itself): a worker's org unit,
    # an HR reviewer's scope.
    scope: list[str] | None = None
    # Only for workers: their profile.
    employee_no: str = ""
    mobile: str = ""
    position: str = ""
    grade: int | None = None
    hire_date: date | None = None


DEMO_ACCOUNTS = [
    DemoAccount(
        "demo_worker",
        "陈思远",
        roles.WORKER,
        employee_no="LX0901",
        mobile="13800009001",
        scope=["东湖街道", "朝阳社区"],
        position="专职社区工作者",
        grade=6,
        hire_date=date(2019, 3, 1),
    ),
    DemoAccount(
        "demo_worker2",
        "刘佳怡",
        roles.WORKER,
        employee_no="LX0902",
        mobile="13800009002",
        scope=["西山街道", "青松社区", "第一网格"],
        position="网格员",
        grade=3,
        hire_date=date(2021, 9, 1),
    ),
    DemoAccount("demo_trainer", "王海燕", roles.TRAINER),
    DemoAccount("demo_reviewer", "赵建国", roles.REVIEWER),
    DemoAccount("demo_hr_street", "周敏", roles.HR, scope=["东湖街道"]),
    DemoAccount("demo_hr_district", "吴卫东", roles.HR, scope=[]),
    DemoAccount("demo_admin", "孙立新", roles.ADMIN),
]


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Create (or restore) the demo district, workers and demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts have a public password.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            # A superuser with a password printed in the README must never
            # appear on a production server by accident.
            raise CommandError(
                _(
                    "seed_demo creates accounts with a public password, so it runs "
                    "only with DEBUG=1. Use --force to run it anyway."
                )
            )
        with transaction.atomic():
            site_ensure()
            roles_ensure()
            positions = self.positions()
            units = self.org_units()
            created, updated = self.workers(units, positions)
            rows = self.accounts(units)
        self.stdout.write(
            _(
                "Demo data ready: %(units)s org units, %(workers)s workers "
                "(%(created)s created, %(updated)s restored)."
            )
            % {
                "units": len(units),
                "workers": WorkerProfile.objects.filter(
                    org_unit__path__startswith=units[DISTRICT].path
                ).count(),
                "created": created,
                "updated": updated,
            }
        )
        # Laws, cases and courses: after the people, whose positions courses
        # target, and before the sign-ins, which stay the last thing printed.
        with transaction.atomic():
            content = demo_content_seed(stdout=self.stdout)
        self.stdout.write(
            _(
                "Demo content ready: %(laws)s laws, %(cases)s cases, %(courses)s "
                "courses, %(lessons)s lessons (%(created)s pages created, "
                "%(updated)s updated)."
            )
            % content.as_dict()
        )
        demo_wellbeing_seed(stdout=self.stdout)
        demo_assignments_seed(stdout=self.stdout)
        demo_assessments_seed(stdout=self.stdout)
        demo_certificates_seed(stdout=self.stdout)
        self.print_table(rows)

    def positions(self) -> dict[str, Position]:
        existing = {p.name: p for p in Position.objects.all()}
        for order, (name, post_type) in enumerate(POSITIONS, start=1):
            position = existing.get(name)
            if position is None:
                existing[name] = Position.objects.create(
                    name=name, post_type=post_type, sort_order=order * 10
                )
            elif (position.post_type, position.sort_order) != (post_type, order * 10):
                position.post_type = post_type
                position.sort_order = order * 10
                position.save(update_fields=["post_type", "sort_order"])
        return existing

    def org_units(self) -> dict[str, OrgUnit]:
        """Every demo unit by its path of names, created where missing."""
        known = org_unit_full_names()
        units = {}

        def unit(*names: str) -> None:
            key = "/".join(names)
            units[key] = known.get(key) or org_unit_get_or_create(names=list(names))

        unit(DISTRICT)
        for street, communities in STREETS.items():
            unit(DISTRICT, street)
            for community, grid_count in communities:
                unit(DISTRICT, street, community)
                for grid in GRIDS[:grid_count]:
                    unit(DISTRICT, street, community, grid)
        return units

    def worker_data(self, units, positions) -> list[WorkerData]:
        """The same 60 workers every run: a fixed seed, not today's date."""
        rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
        used_names = {account.name for account in DEMO_ACCOUNTS}
        result = []
        index = 0
        for street, communities in STREETS.items():
            for number, (community, grid_count) in enumerate(communities):
                base = f"{DISTRICT}/{street}/{community}"
                posts = [
                    ("书记", base),
                    ("主任", base),
                    ("副书记" if number % 2 == 0 else "副主任", base),
                    ("委员" if number % 2 == 0 else "人民调解员", base),
                    ("专职社区工作者", base),
                ]
                posts += [("网格员", f"{base}/{grid}") for grid in GRIDS[:grid_count]]
                for position_name, unit_key in posts:
                    index += 1
                    name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
                    while name in used_names:
                        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
                    used_names.add(name)
                    position = positions[position_name]
                    low, high = grade_range(position)
                    principal = position.post_type == PostType.PRINCIPAL
                    hire = date(
                        rng.randint(2004, 2014)
                        if principal
                        else rng.randint(2010, 2024),
                        rng.randint(1, 12),
                        rng.randint(1, 28),
                    )
                    qualification = WorkerProfile.Qualification.NONE
                    qualified_on = None
                    if rng.random() < 0.4:
                        qualification = rng.choice(QUALIFICATIONS)
                        qualified_on = date(
                            min(hire.year + rng.randint(1, 4), 2024),
                            rng.randint(1, 12),
                            rng.randint(1, 28),
                        )
                    result.append(
                        WorkerData(
                            name=name,
                            employee_no=f"LX{index:04d}",
                            mobile=f"1380000{index:04d}",
                            org_unit=units[unit_key],
                            position=position,
                            grade=rng.randint(low, high),
                            hire_date=hire,
                            qualification=qualification,
                            qualification_date=qualified_on,
                        )
                    )
        for account in DEMO_ACCOUNTS:
            if account.employee_no:
                result.append(
                    WorkerData(
                        name=account.name,
                        employee_no=account.employee_no,
                        mobile=account.mobile,
                        org_unit=units["/".join([DISTRICT, *account.scope])],
                        position=positions[account.position],
                        grade=account.grade,
                        hire_date=account.hire_date,
                    )
                )
        return result

    def workers(self, units, positions) -> tuple[int, int]:
        """Create missing workers and restore changed ones; leave the rest alone."""
        wanted = self.worker_data(units, positions)
        existing = {
            p.employee_no: p
            for p in WorkerProfile.objects.select_related("user").filter(
                employee_no__in=[d.employee_no for d in wanted]
            )
        }
        created = updated = 0
        for data in wanted:
            profile = existing.get(data.employee_no)
            if profile is not None and _matches(profile, data):
                continue
            _profile, was_created = worker_upsert(data=data)
            created += was_created
            updated += not was_created
        return created, updated

    def accounts(self, units) -> list[tuple[str, str, str, str]]:
        """The demo sign-ins, put back so that the printed table is true."""
        rows = []
        password_hash = make_password(DEMO_PASSWORD, salt=DEMO_SALT)
        for account in DEMO_ACCOUNTS:
            if account.employee_no:
                user = WorkerProfile.objects.get(employee_no=account.employee_no).user
            else:
                user, _created = User.objects.get_or_create(
                    username=account.username, defaults={"name": account.name}
                )
            changed = []
            superuser = account.role == roles.ADMIN
            wanted = {
                "username": account.username,
                "name": account.name,
                "is_active": True,
                "is_staff": superuser,
                "is_superuser": superuser,
            }
            for field, value in wanted.items():
                if getattr(user, field) != value:
                    setattr(user, field, value)
                    changed.append(field)
            if user.password != password_hash:
                user.password = password_hash
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
            user_set_roles(user=user, role_keys=[account.role])
            axes_reset(username=user.username)

            if account.role == roles.HR:
                scope_key = "/".join([DISTRICT, *account.scope])
                hr_scopes_set(user=user, org_units=[units[scope_key]])
                scope = scope_key
            elif account.role == roles.WORKER:
                scope = "/".join([DISTRICT, *account.scope])
            elif account.role == roles.ADMIN:
                scope = _("all org units")
            else:
                scope = _("course content (Wagtail admin)")
            rows.append(
                (
                    account.username,
                    roles.GROUP_NAMES[account.role],
                    scope,
                    DEMO_PASSWORD,
                )
            )
        return rows

    def print_table(self, rows):
        header = (_("Username"), _("Role"), _("Scope / org unit"), _("Password"))
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
        rule = "+".join("-" * (w + 2) for w in widths)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Demo sign-ins")))
        self.stdout.write(rule)
        for number, row in enumerate([header, *rows]):
            cells = [_pad(cell, widths[i]) for i, cell in enumerate(row)]
            self.stdout.write(" " + " | ".join(cells))
            if number == 0:
                self.stdout.write(rule)
        self.stdout.write(rule)


def _matches(profile: WorkerProfile, data: WorkerData) -> bool:
    """Whether a stored worker already holds exactly the demo data."""
    user = profile.user
    if (user.name, user.mobile) != (data.name, data.mobile or None):
        return False
    for field in fields(WorkerData):
        if field.name in {"name", "mobile", "employee_no"}:
            continue
        value = getattr(data, field.name)
        if field.name in {"org_unit", "position"}:
            stored, value = getattr(profile, f"{field.name}_id"), value and value.pk
        else:
            stored = getattr(profile, field.name)
        if stored != value:
            return False
    return True
