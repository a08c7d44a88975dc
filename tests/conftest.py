"""Named people every test can use, on a small org tree.

连心区 (district)
├── 东湖街道 (street) ── 朝阳社区 (community) ── 第一网格 (grid)
└── 西山街道 (street) ── 青松社区 (community)

worker and other_worker live in 朝阳社区 and 青松社区: different streets, so
hr_street (scope 东湖街道) sees worker but not other_worker; hr_district
(scope 连心区) sees both.
"""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from people import roles
from tests.factories.people import (
    PASSWORD,
    HRScopeFactory,
    UserFactory,
    WorkerProfileFactory,
    org_unit,
)


@pytest.fixture(scope="session", autouse=True)
def _required_services(django_db_blocker):
    """In CI the real services are mandatory: an unreachable one ends the run."""
    if not settings.REQUIRE_SERVICES:
        return
    problems = []
    if settings.CELERY_TASK_ALWAYS_EAGER:
        problems.append("Celery would run eagerly: set CELERY_BROKER_URL or REDIS_URL")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis at {settings.REDIS_URL} is unreachable: {exc}")
    with django_db_blocker.unblock():
        try:
            # The server, not the app database: that may not exist yet.
            with connection._nodb_cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - any failure to connect is fatal here
            problems.append(f"the database is unreachable: {exc}")
    if problems:
        pytest.exit("Required services: " + "; ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (Redis in CI)."""
    cache.clear()
    yield


@pytest.fixture
def no_page_cache(settings):
    """Every page rendered (people/page_cache.py off): to count a render's queries."""
    settings.LIANXIN_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def celery_eager():
    """Run tasks in the test process, also where CI configures a real broker.

    The one test with a real worker is tests/test_celery_worker.py.
    """
    from lms.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def org(db):
    district = org_unit("连心区")
    donghu = org_unit("东湖街道", district)
    xishan = org_unit("西山街道", district)
    chaoyang = org_unit("朝阳社区", donghu)
    grid = org_unit("第一网格", chaoyang)
    qingsong = org_unit("青松社区", xishan)
    return {
        "district": district,
        "donghu": donghu,
        "xishan": xishan,
        "chaoyang": chaoyang,
        "grid": grid,
        "qingsong": qingsong,
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def worker(org):
    return WorkerProfileFactory(
        user=UserFactory(username="worker", name="张晓明", roles=[roles.WORKER]),
        employee_no="W10001",
        org_unit=org["chaoyang"],
    ).user


@pytest.fixture
def other_worker(org):
    return WorkerProfileFactory(
        user=UserFactory(username="other_worker", name="李青", roles=[roles.WORKER]),
        employee_no="W20001",
        org_unit=org["qingsong"],
    ).user


@pytest.fixture
def trainer(db):
    return UserFactory(username="trainer", name="王老师", roles=[roles.TRAINER])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", name="赵审核", roles=[roles.REVIEWER])


@pytest.fixture
def hr_street(org):
    user = UserFactory(username="hr_street", name="周人事", roles=[roles.HR])
    HRScopeFactory(user=user, org_unit=org["donghu"])
    return user


@pytest.fixture
def hr_district(org):
    user = UserFactory(username="hr_district", name="吴人事", roles=[roles.HR])
    HRScopeFactory(user=user, org_unit=org["district"])
    return user


@pytest.fixture
def admin(db):
    return UserFactory(
        username="admin",
        name="系统管理员",
        roles=[roles.ADMIN],
        is_staff=True,
        is_superuser=True,
    )


PERSONAS = [
    "anonymous",
    "worker",
    "other_worker",
    "trainer",
    "reviewer",
    "hr_street",
    "hr_district",
    "admin",
]


@pytest.fixture
def client_for(request, db):
    """client_for("hr_street") is a test client signed in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return make
