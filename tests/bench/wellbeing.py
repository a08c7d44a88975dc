"""HR's group figures for stress self-assessments (issue 7): how long one page takes.

Seeds its own district (streets × communities × workers, each with two results
in the last ended quarter) with bulk_create, then times the aggregate for the
district and for one street with an empty cache (both compute the suppression
pattern of the whole org forest for the year, decrypting one band token per
counted result) and the district again with the pattern cached.
Everything it made is removed afterwards.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction

from tests.bench import Figure, median, stopwatch

SIZES = {"smoke": (2, 2, 20), "S": (10, 10, 30), "M": (10, 20, 100)}


def _seed(streets: int, communities: int, per_community: int, instrument, period):
    from django.contrib.auth.hashers import make_password

    from people.models import OrgUnit, User, WorkerProfile
    from wellbeing import crypto
    from wellbeing.models import ConsentRecord, Result

    tag = uuid.uuid4().hex[:8]
    district = OrgUnit.add_root(name=f"基准区-{tag}", level=1)
    units = []
    for s in range(streets):
        street = district.add_child(name=f"街道{s:02d}", level=2)
        for c in range(communities):
            units.append(street.add_child(name=f"社区{c:02d}", level=3))
            street.refresh_from_db()
        district.refresh_from_db()
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"w{tag}-{n}", name=f"工作者{n}", password=password)
            for n in range(len(units) * per_community)
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith=f"w{tag}-").order_by("pk"))
    WorkerProfile.objects.bulk_create(
        [
            WorkerProfile(
                user=u, employee_no=f"W{tag}{n:06d}", org_unit=units[n // per_community]
            )
            for n, u in enumerate(users)
        ],
        batch_size=2000,
    )
    ConsentRecord.objects.bulk_create(
        [ConsentRecord(user=u, instrument=instrument, text_version=1) for u in users],
        batch_size=2000,
    )
    consents = dict(
        ConsentRecord.objects.filter(user__in=users).values_list("user_id", "pk")
    )
    start = period.start + timedelta(days=2, hours=9)
    results = []
    for n, user in enumerate(users):
        for again in range(2):
            band = (n + again) % 3
            results.append(
                Result(
                    user=user,
                    instrument=instrument,
                    consent_id=consents[user.pk],
                    taken_at=start + timedelta(days=again * 30, minutes=n),
                    unit_path=units[n // per_community].path,
                    payload=crypto.encrypt({"u": user.pk, "s": 0, "b": band}),
                    band_token=crypto.encrypt({"i": instrument.slug, "b": band}),
                )
            )
    Result.objects.bulk_create(results, batch_size=2000)
    return tag, district, users


def _cleanup(tag: str, district) -> None:
    from people.models import OrgUnit, User

    with transaction.atomic():
        User.objects.filter(username__startswith=f"w{tag}-").delete()
        OrgUnit.objects.filter(path__startswith=district.path).delete()


def run(size: str) -> list[Figure]:
    from wellbeing.selectors.aggregates import aggregate_for_unit, periods_offered
    from wellbeing.services.instruments import instruments_ensure

    streets, communities, per_community = SIZES.get(size, SIZES["S"])
    instrument = {i.slug: i for i in instruments_ensure()}["pss10"]
    period = next(p for p in periods_offered() if p.quarter is not None)
    tag, district, users = _seed(
        streets, communities, per_community, instrument, period
    )
    try:
        street = district.get_children().first()
        timings = {"cold": [], "street": [], "cached": []}
        for _ in range(3):
            cache.clear()
            for name, unit in (
                ("cold", district),
                ("street", street),
                ("cached", district),
            ):
                with stopwatch() as elapsed:
                    rows = aggregate_for_unit(
                        instrument=instrument, unit=unit, period=period
                    )
                timings[name].append(elapsed())
                if name == "cold":
                    cache.clear()
        assert rows[0].cell is not None
    finally:
        _cleanup(tag, district)
    workers = len(users)
    cold, street_ms, cached = (median(timings[k]) for k in ("cold", "street", "cached"))
    return [
        Figure(
            f"group figures, {workers:,} workers (2 results each), not cached",
            cold,
            "ms",
            "< 2000 ms",
            cold < 2000,
        ),
        Figure(
            "the same for one street, not cached",
            street_ms,
            "ms",
            "< 2000 ms",
            street_ms < 2000,
        ),
        Figure(
            "the district again, pattern cached",
            cached,
            "ms",
            "< 200 ms",
            cached < 200,
        ),
    ]
