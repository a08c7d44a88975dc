"""Demo learning plans, assignments and an external hours claim for `seed_demo`.

Two plans (新任社区工作者岗前培训, 2027年度法律法规专题班); demo_hr_street assigns
the residents' committee law course to 朝阳社区 (due in three weeks, so
demo_worker sees it in 我的学习 with its due date) and the writing course to
东湖街道 with a date already past (overdue); demo_hr_district assigns the
induction plan to the 网格员 of 西山街道. demo_worker has one pending claim of
external hours for demo_hr_street to review. Idempotent: what exists is kept.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from io import TextIOBase

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from cms.demo.courses import (
    COMPUTER_COURSE,
    LAW_COURSE,
    MEDIATION_COURSE,
    POLICY_COURSE,
    WRITING_COURSE,
)
from courses.models import Assignment, CoursePage, ExternalHoursClaim, LearningPlan
from courses.selectors.learner import ledger_today
from courses.services.assignments import assignment_create, learning_plan_save
from courses.services.claims import CheckedProof, claim_submit
from people.models import OrgUnit, Position, User

DEMO_NOTE = "演示数据"
PLANS = {
    "新任社区工作者岗前培训": (
        "新入职社区工作者的必修课：居委会依法履职、职业体系和办公安全。",
        [LAW_COURSE, POLICY_COURSE, COMPUTER_COURSE],
    ),
    "2027年度法律法规专题班": (
        "年度法律法规专题学习：居委会组织法与人民调解。",
        [LAW_COURSE, MEDIATION_COURSE],
    ),
}
CLAIM_TITLE = "市民政局社区治理能力提升专题培训班"


def _unit(*names: str) -> OrgUnit | None:
    unit = OrgUnit.get_root_nodes().filter(name="连心区").first()
    for name in names:
        if unit is None:
            return None
        unit = unit.get_children().filter(name=name).first()
    return unit


def _proof_png() -> CheckedProof:
    image = Image.new("RGB", (480, 320), (255, 250, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 310), outline=(179, 38, 30), width=4)
    draw.text((40, 140), "Certificate of attendance - demo", fill=(31, 35, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return CheckedProof(
        ContentFile(out.getvalue(), name="proof.png"), "image/png", "结业证书.png"
    )


def _assign(*, user, unit, due, course=None, plan=None, positions=()) -> bool:
    if unit is None or user is None:
        return False
    exists = Assignment.objects.filter(
        note=DEMO_NOTE, org_unit=unit, course=course, plan=plan
    ).exists()
    if exists:
        return False
    assignment_create(
        user=user,
        org_unit=unit,
        due_date=due,
        course=course,
        plan=plan,
        positions=list(positions),
        note=DEMO_NOTE,
    )
    return True


@transaction.atomic
def demo_assignments_seed(stdout: TextIOBase | None = None) -> int:
    """Plans, assignments and a claim for the demo; how many assignments were made."""
    courses = {
        c.slug: c
        for c in CoursePage.objects.filter(
            slug__in=[
                LAW_COURSE,
                POLICY_COURSE,
                COMPUTER_COURSE,
                WRITING_COURSE,
                MEDIATION_COURSE,
            ]
        )
    }
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    hr_street = users.get("demo_hr_street")
    hr_district = users.get("demo_hr_district")
    plans = {}
    for name, (description, slugs) in PLANS.items():
        plan = LearningPlan.objects.filter(name=name).first()
        if plan is None:
            plan = learning_plan_save(
                name=name,
                description=description,
                courses=[courses[s] for s in slugs if s in courses],
                user=hr_district,
            )
        plans[name] = plan
    today = ledger_today()
    made = 0
    if LAW_COURSE in courses:
        made += _assign(
            user=hr_street,
            unit=_unit("东湖街道", "朝阳社区"),
            course=courses[LAW_COURSE],
            due=today + timedelta(days=21),
        )
    if WRITING_COURSE in courses:
        made += _assign(
            user=hr_street,
            unit=_unit("东湖街道"),
            course=courses[WRITING_COURSE],
            due=today - timedelta(days=5),
        )
    grid_staff = Position.objects.filter(name="网格员")
    made += _assign(
        user=hr_district,
        unit=_unit("西山街道"),
        plan=plans["新任社区工作者岗前培训"],
        due=today + timedelta(days=60),
        positions=grid_staff,
    )
    worker = users.get("demo_worker")
    if (
        worker
        and not ExternalHoursClaim.objects.filter(
            user=worker, title=CLAIM_TITLE
        ).exists()
    ):
        claim_submit(
            user=worker,
            title=CLAIM_TITLE,
            organiser="市民政局",
            start_date=today - timedelta(days=20),
            end_date=today - timedelta(days=19),
            hours=Decimal("12.0"),
            proof=_proof_png(),
        )
    if stdout is not None:
        stdout.write(
            _("Demo assignments ready: %(plans)s plans, %(made)s assignments made.")
            % {"plans": len(plans), "made": made}
        )
    return made
