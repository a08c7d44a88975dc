"""Celery, once for real: a worker process on the Redis broker runs a task and
its effect lands in the test database (PostgreSQL in CI)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from people.models import RosterImport, WorkerProfile
from tests.factories.people import PositionFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
ROSTER = (
    "姓名,工号,手机号,所属组织,岗位,等级,入职日期\n"
    "陈思远,CW0001,13900000001,连心区/东湖街道/朝阳社区,专职社区工作者,6,2021-05-10\n"
    "刘雨桐,CW0002,13900000002,连心区/西山街道/青松社区,专职社区工作者,3,2019/9/1\n"
)


def broker_url() -> str:
    """The configured broker, or the local Redis when the app runs eagerly."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return settings.CELERY_BROKER_URL
    return os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_process():
    url = broker_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is unreachable ({exc}); start redis-server.")
    queue = f"lianxin-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": url,
    }
    log = open(ROOT / ".celery-test-worker.log", "w+")  # noqa: SIM115
    command = [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo"]
    command += ["-Q", queue, "--without-gossip", "--without-mingle", "-l", "info"]
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sender = Celery("lianxin-test-sender", broker=url)
    yield sender, queue, log
    worker.terminate()
    worker.wait(timeout=20)
    sender.close()
    log.close()


def test_a_real_worker_imports_a_roster_and_the_rows_land_in_the_database(
    org, celery_worker_process
):
    sender, queue, log = celery_worker_process
    PositionFactory(name="专职社区工作者")
    upload = RosterImport.objects.create(filename="roster.csv", content=ROSTER.encode())

    sender.send_task("people.tasks.roster_import_run", args=[upload.pk], queue=queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status in {RosterImport.Status.DONE, RosterImport.Status.FAILED}:
            break
        time.sleep(0.5)
    log.seek(0)
    assert upload.status == RosterImport.Status.DONE, log.read()[-3000:]
    assert upload.created_count == 2
    assert upload.errors == []
    stored = WorkerProfile.objects.select_related("org_unit", "user")
    assert {(p.employee_no, p.user.name, p.org_unit.name) for p in stored} == {
        ("CW0001", "陈思远", "朝阳社区"),
        ("CW0002", "刘雨桐", "青松社区"),
    }
