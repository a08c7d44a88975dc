"""Demo stress self-assessment results for `seed_demo`.

Enough consented results in the last ended quarter that HR sees figures for
东湖街道 (6 participants) while its communities, 西山街道 and 南河街道 stay
"too small to show"; demo_worker has a history of three results over three
quarters. demo_worker2 has none, so a demo can start from the consent.
Idempotent: a worker who already has a result is left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta
from io import TextIOBase

from django.db import transaction
from django.utils.translation import gettext as _

from people.models import WorkerProfile
from wellbeing.models import Result
from wellbeing.selectors.aggregates import period_for, periods_offered
from wellbeing.services.assessments import consent_give, result_create
from wellbeing.services.instruments import instruments_ensure

SEED = 20261107
DEMO_WORKER = "LX0901"
# community (under 连心区) -> how many workers there take part, besides demo_worker.
PARTICIPANTS = {
    "东湖街道/朝阳社区": 2,
    "东湖街道/桂园社区": 2,
    "东湖街道/东湖花园社区": 1,
    "西山街道/枫林社区": 2,
    "南河街道/南河社区": 2,
    "南河街道/柳岸社区": 1,
}


def _answers(rng: random.Random, items: list[dict], lean: int) -> list[int]:
    """Answers around a stress level (0–4): reverse-scored items the other way."""
    answers = []
    for item in items:
        value = min(4, max(0, lean + rng.randint(-1, 1)))
        answers.append(4 - value if item.get("reverse") else value)
    return answers


@transaction.atomic
def demo_wellbeing_seed(stdout: TextIOBase | None = None) -> int:
    """Consents and results for a few demo workers; the number of results created."""
    instrument = {i.slug: i for i in instruments_ensure()}["pss10"]
    quarter = next(p for p in periods_offered() if p.quarter is not None)
    earlier = []
    year, number = quarter.year, quarter.quarter
    for _step in range(2):
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
        earlier.insert(0, period_for(year, number))
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    created = 0

    def take(profile: WorkerProfile, periods, lean_by_period) -> None:
        nonlocal created
        if Result.objects.filter(user=profile.user, instrument=instrument).exists():
            return
        consent = consent_give(
            user=profile.user,
            instrument=instrument,
            text_version=instrument.consent_version,
        )
        for offset, (period, lean) in enumerate(
            zip(periods, lean_by_period, strict=True)
        ):
            taken_at = period.start + timedelta(days=20 + offset, hours=10)
            if consent.given_at > taken_at:
                consent.given_at = taken_at - timedelta(minutes=5)
                consent.save(update_fields=["given_at"])
            result_create(
                user=profile.user,
                instrument=instrument,
                answers=_answers(rng, instrument.items, lean),
                taken_at=taken_at,
            )
            created += 1

    demo = WorkerProfile.objects.select_related("user").get(employee_no=DEMO_WORKER)
    take(demo, [*earlier, quarter], [3, 2, 1])
    for community, count in PARTICIPANTS.items():
        profiles = (
            WorkerProfile.objects.select_related("user")
            .filter(
                org_unit__path__startswith=_unit_path(community),
            )
            .exclude(employee_no__startswith="LX09")
            .order_by("employee_no")[:count]
        )
        for profile in profiles:
            take(profile, [quarter], [rng.choice([0, 1, 2, 2, 3])])
    if stdout is not None:
        stdout.write(
            _("Demo self-assessments ready: %(created)s results created.")
            % {"created": created}
        )
    return created


def _unit_path(names: str) -> str:
    from people.models import OrgUnit

    unit = OrgUnit.objects.get(depth=1, name="连心区")
    for name in names.split("/"):
        unit = unit.get_children().get(name=name)
    return unit.path
