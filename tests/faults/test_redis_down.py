"""Redis stops: pages keep answering without the cache, no task is lost.

Every test here runs its own redis-server (tests/faults/services.py) and stops
that one, never the machine's. The outage of the end-to-end test lasts
LIANXIN_FAULT_REDIS_SECONDS (3 by default; `make faults` runs it with 30).
"""

import json
import logging
import os
import re
import threading
import time
from decimal import Decimal

import pytest
import redis
from django.db import connection, transaction
from django.test import Client
from kombu import pools as kombu_pools

from assessments.models import Attempt, Certificate, IssuerSettings, Quiz
from courses.models import Enrolment
from courses.services.learning import enrolment_create
from lms.cache import ResilientRedisCache
from people import roles
from people.models import OutboxTask
from people.outbox import broker_breaker, enqueue_on_commit, outbox_flush
from people.tasks import roster_import_run
from tests.factories.assessments import QuestionFactory, QuizFactory
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import UserFactory, WorkerProfileFactory

from .services import database_url, start_celery_worker, stop_process

FAULT_SECONDS = float(os.environ.get("LIANXIN_FAULT_REDIS_SECONDS", "3"))
QUEUE = "lianxin"


def cache_on(url: str, breaker: float = 1.0) -> dict:
    return {
        "BACKEND": "lms.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "lianxin-test",
        "OPTIONS": {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "BREAKER_SECONDS": breaker,
        },
    }


def resilient_cache(url: str, breaker: float = 1.0) -> ResilientRedisCache:
    params = cache_on(url, breaker)
    return ResilientRedisCache(params.pop("LOCATION"), params)


def queued(server) -> list[dict]:
    """The messages waiting in the broker's default queue, oldest first."""
    client = redis.Redis.from_url(server.url(1))
    try:
        return [json.loads(raw) for raw in reversed(client.lrange(QUEUE, 0, -1))]
    finally:
        client.close()


def _reset_pools(app) -> None:
    # kombu keeps one pool per broker URL in a process-wide registry (which
    # app.pool reads): clear it, or a closed pool comes back for later tests.
    kombu_pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def on_private_redis(private_redis, settings):
    """This process's cache, sessions and broker on the private redis-server."""
    from lms.celery import app

    settings.CACHES = {"default": cache_on(private_redis.url(0))}
    keys = ("broker_write_url", "task_always_eager")
    previous = {key: app.conf.get(key) for key in keys}
    # The write URL: CELERY_BROKER_URL in the environment wins over broker_url.
    app.conf.broker_write_url = private_redis.url(1)
    app.conf.task_always_eager = False
    _reset_pools(app)
    broker_breaker.reset()
    yield private_redis
    app.conf.update(previous)
    _reset_pools(app)
    broker_breaker.reset()


# --- the cache -------------------------------------------------------------------


def test_while_redis_is_down_reads_are_misses_and_writes_do_nothing(private_redis):
    cache = resilient_cache(private_redis.url(0))
    cache.set("kept", "before the outage")
    assert cache.get("kept") == "before the outage"

    private_redis.stop()

    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept", "other"]) == {}
    assert "kept" not in cache
    cache.set("new", 1)
    cache.set_many({"a": 1, "b": 2})
    cache.delete_many(["a", "b"])
    assert cache.add("counter", 1) is True
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.delete("kept") is False
    assert cache.touch("kept") is False
    assert cache.get_or_set("computed", 42) == 42


def test_an_outage_logs_one_warning_when_it_starts_and_one_when_it_ends(
    private_redis, caplog
):
    cache = resilient_cache(private_redis.url(0), breaker=0)
    private_redis.stop()

    with caplog.at_level(logging.WARNING, logger="lms.cache"):
        for n in range(5):
            cache.get(f"key{n}")
        private_redis.start()
        cache.set("key", "value")
        assert cache.get("key") == "value"

    messages = [r.getMessage() for r in caplog.records if r.name == "lms.cache"]
    assert len(messages) == 2
    assert "is unavailable" in messages[0]
    assert "answers again" in messages[1]


def test_after_a_failure_the_cache_leaves_redis_alone_for_the_breaker_period(
    private_redis,
):
    cache = resilient_cache(private_redis.url(0), breaker=0.5)
    private_redis.stop()
    assert cache.get("key") is None  # fails: the breaker opens

    private_redis.start()
    raw = redis.Redis.from_url(private_redis.url(0))
    raw.set(cache.make_key("key"), cache._cache._serializer.dumps("value"))

    skipped = cache.get("key")
    time.sleep(0.6)
    tried_again = cache.get("key")
    raw.close()

    assert skipped is None
    assert tried_again == "value"


def test_a_value_deleted_during_the_outage_is_not_served_when_redis_returns(
    private_redis,
):
    cache = resilient_cache(private_redis.url(0), breaker=0.2)
    cache.set("session", "signed in")
    cache.set("untouched", "still here")
    # Redis comes back with what it had (from its dump): the stale value too.
    raw = redis.Redis.from_url(private_redis.url(0))
    raw.save()
    raw.close()
    private_redis.stop()

    cache.delete("session")  # signing out while Redis is away
    private_redis.start()
    time.sleep(0.3)

    assert cache.get("session") is None
    assert cache.get("untouched") == "still here"


def test_the_certificate_check_fails_open_while_redis_is_down(
    on_private_redis, settings, client, db
):
    settings.LIANXIN_CERTIFICATE_VERIFY_PER_MINUTE = 2
    settings.LANGUAGE_CODE = "en"
    on_private_redis.stop()

    statuses = [
        client.get("/certificates/verify/no-such-code/").status_code for _ in range(5)
    ]

    # Not 429: while the counter cannot be kept, nobody is locked out; the
    # codes are long random strings, so the limit is not what protects them.
    assert statuses == [404] * 5


def test_the_certificate_check_still_limits_when_redis_is_up(
    on_private_redis, settings, client, db
):
    settings.LIANXIN_CERTIFICATE_VERIFY_PER_MINUTE = 2

    statuses = [
        client.get("/certificates/verify/no-such-code/").status_code for _ in range(3)
    ]

    assert statuses == [404, 404, 429]


# --- the outbox --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_task_queued_while_the_broker_is_down_waits_in_the_outbox(
    on_private_redis, django_capture_on_commit_callbacks
):
    on_private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(roster_import_run, 42)

    row = OutboxTask.objects.get()
    assert (row.task, row.args, row.attempts) == (
        "people.tasks.roster_import_run",
        [42],
        1,
    )
    assert "111" in row.last_error or "refused" in row.last_error.lower()


@pytest.mark.django_db
def test_once_the_broker_is_back_the_outbox_is_published_and_emptied(
    on_private_redis, django_capture_on_commit_callbacks
):
    on_private_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(roster_import_run, 1)
        enqueue_on_commit(roster_import_run, 2)
    on_private_redis.start()

    published = outbox_flush()

    assert published == 2
    assert not OutboxTask.objects.exists()
    messages = queued(on_private_redis)
    assert [m["headers"]["task"] for m in messages] == [
        "people.tasks.roster_import_run"
    ] * 2
    assert [m["headers"]["argsrepr"] for m in messages] == ["[1]", "[2]"]
    assert outbox_flush() == 0


@pytest.mark.django_db
def test_after_a_failed_publish_the_next_tasks_go_straight_to_the_outbox(
    on_private_redis, django_capture_on_commit_callbacks
):
    on_private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(roster_import_run, 1)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(roster_import_run, 2)

    first, second = OutboxTask.objects.order_by("id")
    assert "breaker" not in first.last_error
    assert second.last_error == "broker unavailable (breaker open)"


@pytest.mark.django_db
def test_a_flush_while_the_broker_is_still_down_keeps_every_row(on_private_redis):
    OutboxTask.objects.create(task="people.tasks.roster_import_run", args=[7])
    on_private_redis.stop()

    assert outbox_flush() == 0

    row = OutboxTask.objects.get()
    assert row.attempts == 1
    assert row.last_error


@pytest.mark.django_db
def test_a_task_published_at_once_leaves_the_outbox_empty(
    on_private_redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(roster_import_run, 5)

    assert not OutboxTask.objects.exists()
    assert [m["headers"]["argsrepr"] for m in queued(on_private_redis)] == ["[5]"]


@pytest.mark.django_db
def test_a_task_of_a_rolled_back_transaction_is_never_queued(
    on_private_redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue_on_commit(roster_import_run, 9)
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass

    assert queued(on_private_redis) == []
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_a_worker_starting_publishes_the_outbox(on_private_redis):
    from lms.celery import _flush_outbox

    OutboxTask.objects.create(task="people.tasks.roster_import_run", args=[3])

    _flush_outbox()

    assert not OutboxTask.objects.exists()
    assert [m["headers"]["argsrepr"] for m in queued(on_private_redis)] == ["[3]"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_rows_another_flusher_holds_are_skipped_not_published_twice(
    on_private_redis,
):
    for n in range(3):
        OutboxTask.objects.create(task="people.tasks.roster_import_run", args=[n])
    first = OutboxTask.objects.order_by("id").first()
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_flusher():
        # Holds the first row as a flusher in another process would.
        try:
            with transaction.atomic():
                list(OutboxTask.objects.select_for_update().filter(pk=first.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_flusher)
    thread.start()
    assert locked.wait(timeout=30)
    published_meanwhile = outbox_flush()
    release.set()
    done.wait(timeout=30)
    thread.join()
    published_after = outbox_flush()

    assert (published_meanwhile, published_after) == (2, 1)
    assert sorted(m["headers"]["argsrepr"] for m in queued(on_private_redis)) == [
        "[0]",
        "[1]",
        "[2]",
    ]


# --- the whole thing: workers take a quiz while Redis is down ------------------------


@pytest.fixture
def certificate_course(db):
    IssuerSettings.objects.create(name="连心区社区工作者培训中心")
    course = CoursePageFactory(
        title="人民调解法解读", certificate_enabled=True, credit_hours=Decimal("2")
    )
    lesson = LessonPageFactory(course=course, title="第一课 调解原则")
    exam = QuizFactory(
        course=course,
        kind=Quiz.Kind.FINAL,
        title="结业考试",
        questions=[QuestionFactory(type="single")],
    )
    return course, lesson, exam


def take_the_course(client: Client, lesson, exam, statuses: list) -> None:
    """What a worker does on the phone: the lesson, then the final exam."""

    def hit(response):
        statuses.append((response.request["PATH_INFO"], response.status_code))
        return response

    hit(client.get(lesson.url))
    hit(client.post(f"/learn/lessons/{lesson.pk}/complete/"))
    hit(client.get(f"/quiz/{exam.pk}/"))
    started = hit(client.post(f"/quiz/{exam.pk}/start/"))
    attempt_url = started["Location"]
    hit(client.get(attempt_url))
    attempt = Attempt.objects.get(pk=int(attempt_url.rstrip("/").rsplit("/", 1)[1]))
    saved = hit(
        client.post(
            f"{attempt_url}answer/",
            json.dumps({"position": 1, "answer": "A", "seq": attempt.seq}),
            content_type="application/json",
        )
    )
    seq = saved.json()["seq"]
    hit(client.post(f"{attempt_url}submit/", {"seq": seq}))
    hit(client.get(f"{attempt_url}review/"))
    hit(client.get("/learning/"))


def wait_until_ready(worker, log_path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and worker.poll() is None:
        if " ready." in log_path.read_text():
            return
        time.sleep(0.2)
    pytest.fail("The Celery worker did not start:\n" + log_path.read_text()[-3000:])


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_workers_take_a_quiz_while_redis_is_down_and_get_each_certificate_once(
    on_private_redis, certificate_course, org, tmp_path, password
):
    from lms.celery import app

    course, lesson, exam = certificate_course
    workers = [
        WorkerProfileFactory(
            user=UserFactory(username=f"worker{n}", roles=[roles.WORKER]),
            org_unit=org["chaoyang"],
        ).user
        for n in range(3)
    ]
    late = workers.pop()  # signs in during the outage
    clients = []
    for user in workers:
        enrolment_create(user=user, course=course)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        clients.append(client)
    enrolment_create(user=late, course=course)
    log_path = tmp_path / "worker.log"
    worker = start_celery_worker(
        env={
            "DATABASE_URL": database_url(connection),
            "REDIS_URL": on_private_redis.url(0),
            "CELERY_BROKER_URL": on_private_redis.url(1),
        },
        log_path=log_path,
    )
    try:
        wait_until_ready(worker, log_path)
        statuses: list = []
        on_private_redis.stop()
        outage_started = time.monotonic()

        for client in clients:
            take_the_course(client, lesson, exam, statuses)
        late_client = Client(HTTP_ACCEPT_LANGUAGE="en")
        signed_in = late_client.post(
            "/accounts/login/", {"username": late.username, "password": password}
        )
        statuses.append(("/accounts/login/", signed_in.status_code))
        take_the_course(late_client, lesson, exam, statuses)
        while time.monotonic() - outage_started < FAULT_SECONDS:
            for client in [*clients, late_client]:
                response = client.get("/learning/")
                statuses.append(("/learning/", response.status_code))
        in_outbox = list(OutboxTask.objects.values_list("task", "args"))
        certificates_during = Certificate.objects.count()

        on_private_redis.start()
        app.send_task("people.tasks.outbox_flush")  # as beat does every 30 s
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Certificate.objects.count() >= 3 and not OutboxTask.objects.exists():
                break
            time.sleep(0.3)
    finally:
        stop_process(worker)
    log = log_path.read_text()

    assert {status for _, status in statuses} <= {200, 302}, statuses
    assert signed_in.status_code == 302
    everyone = [*workers, late]
    graded = Attempt.objects.filter(quiz=exam, status=Attempt.Status.FINISHED)
    assert sorted(a.user_id for a in graded) == sorted(u.pk for u in everyone)
    assert all(a.percent == 100 for a in graded)
    enrolments = Enrolment.objects.filter(course=course)
    assert {e.status for e in enrolments} == {Enrolment.Status.COMPLETED}
    assert certificates_during == 0
    assert sorted(in_outbox) == sorted(
        ("assessments.tasks.certificate_issue", [e.pk]) for e in enrolments
    )
    assert not OutboxTask.objects.exists(), log[-3000:]
    assert sorted(Certificate.objects.values_list("user_id", flat=True)) == sorted(
        u.pk for u in everyone
    ), log[-3000:]
    # Published once each: the worker received three certificate tasks.
    assert len(re.findall(r"certificate_issue\[[-\w]+\] received", log)) == 3, log
