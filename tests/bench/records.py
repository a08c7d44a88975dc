"""HR dashboards at 20,000 workers and a 200,000-row XLSX export (issue 6).

``make bench BENCH=records``. Seeds its own district once with bulk inserts
(10 streets × 20 communities × 100 workers, 10 enrolments each at size S) and
keeps it for reruns. Figures: the street dashboard (target < 500 ms) and the
district dashboard (< 1.5 s), median of 5 requests through the test client;
the whole export job of the district to XLSX (< 60 s) and its peak memory
(< 300 MB, ru_maxrss of a fresh subprocess that runs only the job).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from tests.bench import Figure, median, stopwatch

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"smoke": (2, 2, 25), "S": (10, 20, 100), "M": (10, 20, 100)}
COURSES = 10


def _district_name(size: str) -> str:
    streets, communities, per = SIZES[size]
    return f"记录基准区-{streets}x{communities}x{per}"


def _seed(size: str):
    """The bench district, made once (bulk inserts) and reused afterwards."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from courses.models import CoursePage, Enrolment, HoursTarget, TrainingRecord
    from courses.services.ledger import ledger_year
    from people.models import OrgUnit, Position, User, WorkerProfile
    from tests.factories.courses import CoursePageFactory

    streets, communities, per = SIZES[size]
    name = _district_name(size)
    district = OrgUnit.get_root_nodes().filter(name=name).first()
    courses = list(CoursePage.objects.filter(title__startswith="记录基准课程"))
    if district is not None and len(courses) >= COURSES:
        return district
    courses = [
        CoursePageFactory(title=f"记录基准课程{n}", slug=f"records-bench-{n}")
        for n in range(len(courses), COURSES)
    ] + courses
    year = ledger_year()
    HoursTarget.objects.get_or_create(year=year, position=None, defaults={"hours": 40})
    with transaction.atomic():
        district = OrgUnit.add_root(name=name, level=1)
        units = []
        for s in range(streets):
            district.refresh_from_db()
            street = district.add_child(name=f"街道{s:02d}", level=2)
            for c in range(communities):
                street.refresh_from_db()
                units.append(street.add_child(name=f"社区{c:02d}", level=3))
        position, _ = Position.objects.get_or_create(name="专职社区工作者")
        password = make_password(None)
        tag = f"{streets}x{communities}x{per}"
        User.objects.bulk_create(
            [
                User(username=f"rb{tag}-{n}", name=f"工作者{n}", password=password)
                for n in range(len(units) * per)
            ],
            batch_size=5000,
        )
        users = list(
            User.objects.filter(username__startswith=f"rb{tag}-").order_by("pk")
        )
        WorkerProfile.objects.bulk_create(
            [
                WorkerProfile(
                    user=user,
                    employee_no=f"RB{tag}{n:06d}",
                    org_unit=units[n // per],
                    position=position,
                )
                for n, user in enumerate(users)
            ],
            batch_size=5000,
        )
        now = timezone.now()
        due = timezone.localdate() - timedelta(days=3)
        batch = []
        for n, user in enumerate(users):
            for k, course in enumerate(courses):
                state = (n + k) % 3
                batch.append(
                    Enrolment(
                        user=user,
                        course=course,
                        source="assigned",
                        due_date=due if k % 2 else None,
                        status="completed" if state == 0 else "in_progress",
                        lessons_required=3,
                        lessons_done=3 if state == 0 else state - 1,
                        completed_at=now if state == 0 else None,
                    )
                )
            if len(batch) >= 20000:
                Enrolment.objects.bulk_create(batch)
                batch = []
        Enrolment.objects.bulk_create(batch)
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    user=user,
                    year=year,
                    hours=Decimal(n % 60),
                    source="online",
                    reference=f"bench:{n}",
                    title="基准学时",
                )
                for n, user in enumerate(users)
            ],
            batch_size=5000,
        )
    return district


def _reviewer(username: str, unit):
    from people import roles
    from people.models import HRScope, User
    from people.services import roles_ensure, user_set_roles

    roles_ensure()
    user, _ = User.objects.get_or_create(
        username=username, defaults={"name": "基准人事"}
    )
    user_set_roles(user=user, role_keys=[roles.HR])
    HRScope.objects.filter(user=user).exclude(org_unit=unit).delete()
    HRScope.objects.get_or_create(user=user, org_unit=unit)
    return user


def _dashboard_ms(user, repeats: int = 5) -> float:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get("/records/")
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(repeats):
        with stopwatch() as elapsed:
            client.get("/records/")
        timings.append(elapsed())
    return median(timings)


EXPORT_SCRIPT = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
sys.path.insert(0, {root!r})
import django
django.setup()
from django.core.files.storage import default_storage
from people.models import User
from records.models import ExportJob
from records.services.exports import export_job_run
user = User.objects.get(username="bench_records_district")
job = ExportJob.objects.create(
    user=user, format="xlsx", filters={{}}, total_rows={rows}
)
start = time.perf_counter()
export_job_run(job_id=job.pk)
seconds = time.perf_counter() - start
job.refresh_from_db()
size = default_storage.size(job.file_name)
default_storage.delete(job.file_name)
job.delete()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "rows": job.rows_done,
                   "status": job.status, "bytes": size}}))
"""


def _export(rows: int) -> dict:
    script = EXPORT_SCRIPT.format(root=str(ROOT), rows=rows)
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
        cwd=str(ROOT),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(size: str) -> list[Figure]:
    from courses.models import Enrolment

    size = size if size in SIZES else "S"
    district = _seed(size)
    street = district.get_children().first()
    street_hr = _reviewer("bench_records_street", street)
    district_hr = _reviewer("bench_records_district", district)
    workers = SIZES[size][0] * SIZES[size][1] * SIZES[size][2]
    rows = Enrolment.objects.filter(
        user__profile__org_unit__path__startswith=district.path
    ).count()
    street_ms = _dashboard_ms(street_hr)
    district_ms = _dashboard_ms(district_hr)
    export = _export(rows)
    assert export["status"] == "done" and export["rows"] == rows, export
    return [
        Figure(
            f"street dashboard ({workers // SIZES[size][0]:,} workers)",
            street_ms,
            "ms",
            "< 500 ms",
            street_ms < 500,
        ),
        Figure(
            f"district dashboard ({workers:,} workers)",
            district_ms,
            "ms",
            "< 1500 ms",
            district_ms < 1500,
        ),
        Figure(
            f"XLSX export of {rows:,} rows",
            export["seconds"],
            "s",
            "< 60 s",
            export["seconds"] < 60,
        ),
        Figure(
            f"XLSX export of {rows:,} rows: peak memory",
            export["peak_mb"],
            "MB",
            "< 300 MB",
            export["peak_mb"] < 300,
        ),
    ]
