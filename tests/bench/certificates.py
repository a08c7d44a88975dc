"""Certificates (issue 5): render time and size; issuing through a real worker.

1. The median time to render one certificate PDF (both designs, after the font
   is registered) and its size. Targets: < 150 ms, < 300 KB.
2. N completed enrolments (1,000 at size S) whose issuing tasks go through a
   real Celery worker (prefork, 2 processes) on the Redis broker, a tenth of
   them sent twice as a broker re-delivery would. Wall time until every task
   has run, and the certificates counted: zero duplicates, zero missing.

    make bench BENCH=certificates            # or: python -m tests.bench certificates
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from tests.bench import Figure, median, stopwatch

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"smoke": 50, "S": 1000, "M": 1000}
RENDERS = {"smoke": 10, "S": 40, "M": 100}


def _render_figures(size: str) -> list[Figure]:
    from assessments.pdf.certificate import certificate_pdf_render

    url = "https://lianxin.example.cn/certificates/verify/" + "x" * 32 + "/"
    sample = SimpleNamespace(
        holder_name="张晓明",
        course_title="人民调解法解读与社区矛盾纠纷化解实务",
        hours=Decimal("2.5"),
        completed_on=date(2026, 3, 5),
        issuer_name="连心区社区工作者培训中心",
        serial="LX-2026-000123",
        design="classic",
        expires_on=date(2028, 3, 5),
    )
    certificate_pdf_render(certificate=sample, verify_url=url)  # registers the font
    times, sizes = [], []
    for n in range(RENDERS[size]):
        sample.design = "modern" if n % 2 else "classic"
        with stopwatch() as elapsed:
            data = certificate_pdf_render(certificate=sample, verify_url=url)
        times.append(elapsed())
        sizes.append(len(data) / 1024)
    ms = median(times)
    kb = max(sizes)
    return [
        Figure("median render of one certificate", ms, "ms", "< 150 ms", ms < 150),
        Figure("largest certificate PDF", kb, "KB", "< 300 KB", kb < 300),
    ]


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _seed(count: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from courses.models import Enrolment
    from people.models import User
    from tests.factories.courses import CoursePageFactory

    tag = uuid.uuid4().hex[:8]
    course = CoursePageFactory(
        title=f"基准证书课程{tag}",
        slug=f"bench-cert-{tag}",
        certificate_enabled=True,
        certificate_validity_months=24,
    )
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"c{tag}-{n}", name=f"工作者{n}", password=password)
            for n in range(count)
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith=f"c{tag}-").order_by("pk"))
    now = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                user=user,
                course=course,
                status=Enrolment.Status.COMPLETED,
                completed_at=now,
                lessons_required=1,
                lessons_done=1,
            )
            for user in users
        ],
        batch_size=2000,
    )
    ids = list(
        Enrolment.objects.filter(course=course)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return tag, course, ids


def _cleanup(tag: str, course) -> None:
    from assessments.models import Certificate
    from courses.models import Enrolment
    from people.models import User

    Certificate.objects.filter(course=course).delete()
    Enrolment.objects.filter(course=course).delete()
    User.objects.filter(username__startswith=f"c{tag}-").delete()
    course.delete()


def _worker(queue: str, broker: str, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="lianxin-bench-media-"),
    }
    command = [sys.executable, "-m", "celery", "-A", "lms", "worker"]
    command += ["--pool=prefork", "--concurrency=2", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "-l", "warning"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def _issue_figures(size: str) -> list[Figure]:
    import redis
    from celery import Celery
    from django.db.models import Count

    from assessments.models import Certificate

    count = SIZES[size]
    broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
    tag, course, ids = _seed(count)
    queue = f"lianxin-bench-{tag}"
    log = open(Path(tempfile.gettempdir()) / "lianxin-bench-celery.log", "w+")  # noqa: SIM115
    worker = _worker(queue, broker, log)
    sender = Celery("lianxin-bench-sender", broker=broker)
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        start = time.perf_counter()
        redelivered = ids[::10]
        for enrolment_id in [*ids, *redelivered]:
            sender.send_task(
                "assessments.tasks.certificate_issue", args=[enrolment_id], queue=queue
            )
        deadline = time.monotonic() + 30 + count * 0.5
        issued = 0
        while time.monotonic() < deadline:
            issued = Certificate.objects.filter(course=course, pdf__gt="").count()
            pending = redis.Redis.from_url(broker).llen(queue)
            if issued >= count and pending == 0:
                break
            time.sleep(0.25)
        time.sleep(2)  # the re-delivered copies still running finish
        wall = time.perf_counter() - start
        rows = Certificate.objects.filter(course=course)
        total = rows.count()
        holders = rows.values("user").distinct().count()
        duplicates = total - holders
        extra = rows.values("user").annotate(n=Count("pk")).filter(n__gt=1).count()
        missing = count - holders
        serials = rows.values("serial").distinct().count()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        sender.close()
        log.close()
        _cleanup(tag, course)
    return [
        Figure(
            f"{count} certificates issued via a real worker (wall)",
            wall,
            "s",
            "",
            None,
        ),
        Figure("tasks sent (with re-deliveries)", count + len(redelivered), "tasks"),
        Figure(
            "duplicate certificates",
            duplicates + extra,
            "",
            "0",
            duplicates + extra == 0,
        ),
        Figure("missing certificates", missing, "", "0", missing == 0),
        Figure("distinct serial numbers", serials, "", f"{count}", serials == count),
    ]


def run(size: str) -> list[Figure]:
    return [*_render_figures(size), *_issue_figures(size)]
