"""SIGKILL the Celery worker in the middle of its work, again and again (issue 9).

The harness behind tests/faults/test_worker_kill.py (3 kills, CI) and
``python -m tests.faults`` (20 kills per scenario). A scenario seeds work on the
database, queues its tasks on a private redis-server, and then, ``kills`` times:
starts a real worker (``celery -A lms worker``, prefork, 2 processes, in its own
process group), waits until it has taken a task, lets it run a random 0.2–2 s
and SIGKILLs the whole group. A last worker then runs until the queue is empty
and the database has settled, and the scenario counts what it finds: zero
duplicates, zero missing, or the list of what is wrong.

Scenarios: ``certificates`` (N completions of a course with certificates, one
issuing task each) and ``assignment`` (a course assigned to a subtree of M
active workers, next to workers it must not reach: inactive ones in the
subtree, active ones outside it; one fan-out task, and another course assigned
whenever the last fan-out finished while kills remain, so that every kill
lands in a running fan-out).

Recovery, two ways (``recovery=``):
- ``redelivery``: the workers run with a short visibility timeout
  (CELERY_VISIBILITY_TIMEOUT, 5 s here), so the broker gives a killed worker's
  messages back within seconds; nothing else helps.
- ``reconcile``: the production visibility timeout (an hour): what a killed
  worker held stays stranded, and the reconciliation tasks (beat, every
  5 minutes in production; here once after each restart, with no grace) redo
  the work. At the end the stranded messages are given back as the broker would
  an hour later, and running them must change nothing.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECOVERIES = ("redelivery", "reconcile")
# The visibility timeout of the "redelivery" runs, in seconds.
SHORT_VISIBILITY = 5
PRODUCTION_VISIBILITY = 3600
RECEIVED = re.compile(r"Task ([\w.]+)\[([0-9a-f-]{36})\] received")
RECONCILE_TASKS = (
    "assessments.tasks.certificates_reconcile",
    "courses.tasks.assignment_fan_outs_resume",
)
QUEUE = "lianxin"  # CELERY_TASK_DEFAULT_QUEUE: the private Redis is ours alone


@dataclass
class KillResult:
    """What one scenario run measured; ``problems`` is empty when all is right."""

    scenario: str
    recovery: str
    kills: int  # SIGKILLs sent, idle ones included
    size: int
    kills_mid_task: int = 0  # kills while the worker held at least one message
    held_at_kill: int = 0  # messages the killed workers held, in all
    redeliveries: int = 0  # deliveries of a message beyond its first (worker logs)
    stranded: int = 0  # messages still held by dead workers when work settled
    reconcile_ticks: int = 0
    # Work done when the broker had nothing left, before reconciliation ran:
    # set only when messages were lost outright.
    lost: str = ""
    duplicates: int = 0
    missing: int = 0
    wall_seconds: float = 0.0
    settle_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.duplicates and not self.missing

    def summary(self) -> str:
        return (
            f"{self.scenario} ({self.recovery}, n={self.size}): "
            f"kills={self.kills} (mid-task {self.kills_mid_task}, "
            f"messages held {self.held_at_kill}), wall={self.wall_seconds:.1f} s "
            f"(settle {self.settle_seconds:.1f} s), redeliveries={self.redeliveries}, "
            f"stranded={self.stranded}, reconcile ticks={self.reconcile_ticks}, "
            + (
                f"lost by the broker, done by reconciliation (was {self.lost}), "
                if self.lost
                else ""
            )
            + f"duplicates={self.duplicates}, missing={self.missing}"
            + (f", PROBLEMS: {'; '.join(self.problems)}" if self.problems else "")
        )


# --- Processes ---------------------------------------------------------------


class PrivateRedis:
    """A throw-away redis-server (tests.faults.services): broker and cache."""

    def __enter__(self) -> PrivateRedis:
        import redis

        from tests.faults.services import RedisServer

        self.server = RedisServer()
        self.server.start()
        self.url = self.server.url()
        self.client = redis.Redis.from_url(self.url)
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.server.close()

    # What the kombu Redis transport keeps: the queue (a list), and the messages
    # delivered but not acknowledged ("unacked" hash, "unacked_index" sorted set
    # scored by delivery time).
    def queued(self) -> int:
        return self.client.llen(QUEUE)

    def held(self) -> int:
        return self.client.hlen("unacked")

    def held_since(self, since: float) -> int:
        return self.client.zcount("unacked_index", since, "+inf")

    def age_held(self) -> int:
        """Make every held message look an hour old, so the next sweep restores it."""
        tags = self.client.zrange("unacked_index", 0, -1)
        if tags:
            self.client.zadd("unacked_index", dict.fromkeys(tags, 0))
        return len(tags)


class Worker:
    """A real Celery worker in its own process group, logging to its own file."""

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self) -> Worker:
        command = [sys.executable, "-m", "celery", "-A", "lms", "worker"]
        command += ["--pool=prefork", "--concurrency=2", "-Q", QUEUE]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        command += ["-l", "info"]
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop/kill
        self.started_at = time.time()
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool dies with it
        )
        return self

    def received(self) -> list[str]:
        """Ids of the task messages this worker took, one per delivery."""
        return [m.group(2) for m in RECEIVED.finditer(self.log_path.read_text())]

    def wait_busy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.tail()}")
            if self.received():
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self.log.close()

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text()[-chars:]


def worker_env(*, broker: str, visibility: int, media_root: Path) -> dict:
    """The production settings module, on our database, Redis and media folder."""
    from django.conf import settings
    from django.db import connection

    from tests.faults.services import database_url

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(connection),
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": str(visibility),
        "MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DEBUG", None)
    return env


# --- Scenarios ---------------------------------------------------------------


@dataclass
class Check:
    duplicates: int = 0
    missing: int = 0
    problems: list[str] = field(default_factory=list)


class CertificateScenario:
    """N workers complete a course with certificates: N issuing tasks."""

    name = "certificates"
    default_size = 1000  # enough work for 20 kills on a fast, quiet machine

    def __init__(self, size: int, media_root: Path):
        self.size = size
        self.media_root = media_root

    def seed(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from courses.models import Enrolment
        from people.models import User
        from tests.factories.courses import CoursePageFactory

        self.tag = uuid.uuid4().hex[:8]
        self.course = CoursePageFactory(
            title=f"故障注入证书课程{self.tag}",
            slug=f"fault-cert-{self.tag}",
            certificate_enabled=True,
            certificate_validity_months=24,
        )
        password = make_password(None)
        User.objects.bulk_create(
            User(username=f"k{self.tag}-{n}", name=f"学员{n}", password=password)
            for n in range(self.size)
        )
        self.users = set(
            User.objects.filter(username__startswith=f"k{self.tag}-").values_list(
                "pk", flat=True
            )
        )
        now = timezone.now()
        Enrolment.objects.bulk_create(
            Enrolment(
                user_id=uid,
                course=self.course,
                status=Enrolment.Status.COMPLETED,
                completed_at=now,
                lessons_required=1,
                lessons_done=1,
            )
            for uid in self.users
        )

    def tasks(self) -> list[tuple[str, list]]:
        from courses.models import Enrolment

        ids = Enrolment.objects.filter(course=self.course).values_list("pk", flat=True)
        return [("assessments.tasks.certificate_issue", [pk]) for pk in sorted(ids)]

    def refill(self) -> list[tuple[str, list]]:
        return []  # 1,000 issuing tasks outlast 20 kills

    def progress(self) -> str:
        from assessments.models import Certificate

        done = Certificate.objects.filter(course=self.course).count()
        return f"{done}/{self.size} issued"

    def settled(self) -> bool:
        from assessments.models import Certificate

        done = Certificate.objects.filter(course=self.course).exclude(pdf="")
        return done.count() >= self.size

    def check(self) -> Check:
        from collections import Counter

        from assessments.models import Certificate
        from people.models import Notification

        check = Check()
        rows = list(
            Certificate.objects.filter(course=self.course).values_list(
                "pk", "user_id", "cycle", "serial", "pdf"
            )
        )
        per_user = Counter(user for _pk, user, *_rest in rows)
        check.duplicates = sum(n - 1 for n in per_user.values() if n > 1)
        check.missing = len(self.users - set(per_user))
        if set(per_user) - self.users:
            check.problems.append("certificates for workers who did not complete")
        if any(cycle != 1 for _pk, _u, cycle, *_r in rows):
            check.problems.append("a second cycle was issued")
        serials = [serial for *_x, serial, _pdf in rows]
        if len(set(serials)) != len(serials):
            check.problems.append("duplicate serial numbers")
        numbers = sorted(int(s.rsplit("-", 1)[1]) for s in serials)
        if numbers:
            # No number burned: every serial in the run's range belongs to a
            # certificate, this course's or one reconciliation issued for an
            # earlier run's leftovers in the same database.
            prefix = serials[0].rsplit("-", 1)[0] + "-"
            used = {
                int(s.rsplit("-", 1)[1])
                for s in Certificate.objects.filter(
                    serial__startswith=prefix
                ).values_list("serial", flat=True)
            }
            burned = set(range(numbers[0], numbers[-1] + 1)) - used
            if burned:
                check.problems.append(
                    f"serials not consecutive: {len(burned)} numbers burned "
                    f"between {numbers[0]} and {numbers[-1]}"
                )
        no_pdf = [serial for *_x, serial, pdf in rows if not pdf]
        if no_pdf:
            check.problems.append(f"{len(no_pdf)} certificates without a PDF")
        for *_x, serial, pdf in rows:
            # One file per certificate, at its fixed key, never a _abc123 copy.
            files = list(self.media_root.glob(f"certificates/*/{serial}*"))
            if pdf and [f.name for f in files] != [f"{serial}.pdf"]:
                check.problems.append(f"{serial}: files {[f.name for f in files]}")
                break
            if pdf and files[0].read_bytes()[-6:].strip() != b"%%EOF":
                check.problems.append(f"{serial}: the PDF is cut short")
                break
        keys = Counter(
            Notification.objects.filter(
                key__in=[f"certificate-issued:{pk}" for pk, *_r in rows]
            ).values_list("key", flat=True)
        )
        unnotified = len(rows) - len(keys)
        if unnotified:
            check.problems.append(f"{unnotified} holders never notified")
        if any(n > 1 for n in keys.values()):
            check.problems.append("a holder notified twice")
        return check


class AssignmentScenario:
    """Courses assigned to a subtree of M workers: a fan-out task each."""

    name = "assignment"
    default_size = 5000

    def __init__(self, size: int, media_root: Path):
        self.size = size

    def seed(self) -> None:
        from django.contrib.auth.hashers import make_password

        from people.models import User, WorkerProfile
        from tests.factories.people import PositionFactory, org_unit

        self.tag = tag = uuid.uuid4().hex[:8]
        district = org_unit(f"故障区{tag}")
        target = org_unit("东湖街道", district)
        outside = org_unit("西山街道", district)
        communities = [org_unit(f"社区{n}", target) for n in range(5)]
        elsewhere = org_unit("青松社区", outside)
        position = PositionFactory()
        password = make_password(None)
        # Active workers in the subtree, inactive ones in it, active ones outside.
        groups = [
            ("in", self.size, True, communities),
            ("off", max(1, self.size // 50), False, communities),
            ("out", max(1, self.size // 10), True, [elsewhere]),
        ]
        for prefix, count, active, units in groups:
            User.objects.bulk_create(
                (
                    User(
                        username=f"a{tag}-{prefix}-{n}",
                        name=f"社工{n}",
                        password=password,
                    )
                    for n in range(count)
                ),
                batch_size=2000,
            )
            users = User.objects.filter(username__startswith=f"a{tag}-{prefix}-")
            WorkerProfile.objects.bulk_create(
                (
                    WorkerProfile(
                        user_id=uid,
                        employee_no=f"{tag}{prefix}{n}",
                        org_unit=units[n % len(units)],
                        position=position,
                        is_active=active,
                    )
                    for n, uid in enumerate(users.values_list("pk", flat=True))
                ),
                batch_size=2000,
            )
        self.targets = set(
            User.objects.filter(username__startswith=f"a{tag}-in-").values_list(
                "pk", flat=True
            )
        )
        self.target = target
        self.assignments = []
        self.add_assignment()

    def add_assignment(self) -> None:
        """Assign one more course to the subtree, as assignment_create stores it."""
        from django.utils import timezone

        from courses.models import Assignment
        from tests.factories.courses import CoursePageFactory

        n = len(self.assignments)
        course = CoursePageFactory(
            title=f"故障注入必修课{self.tag}-{n}", slug=f"fault-assign-{self.tag}-{n}"
        )
        self.assignments.append(
            Assignment.objects.create(
                course=course,
                org_unit=self.target,
                due_date=timezone.localdate() + timedelta(days=30),
                fan_out_total=self.size,
            )
        )

    def tasks(self) -> list[tuple[str, list]]:
        return [("courses.tasks.assignment_fan_out", [self.assignments[-1].pk])]

    def refill(self) -> list[tuple[str, list]]:
        """The last fan-out finished before the kills did: queue another one."""
        self.add_assignment()
        return self.tasks()

    def progress(self) -> str:
        from courses.models import Enrolment

        last = self.assignments[-1]
        done = Enrolment.objects.filter(course_id=last.course_id).count()
        return f"{done}/{self.size} enrolled (assignment {len(self.assignments)})"

    def settled(self) -> bool:
        from courses.models import Assignment

        statuses = Assignment.objects.filter(
            pk__in=[a.pk for a in self.assignments]
        ).values_list("fan_out_status", flat=True)
        return set(statuses) == {Assignment.FanOut.DONE}

    def check(self) -> Check:
        check = Check()
        for assignment in self.assignments:
            self._check_one(assignment, check)
        return check

    def _check_one(self, assignment, check: Check) -> None:
        from collections import Counter

        from courses.models import Assignment, AssignmentEnrolment, Enrolment

        enrolled = Counter(
            Enrolment.objects.filter(course_id=assignment.course_id).values_list(
                "user_id", flat=True
            )
        )
        check.duplicates += sum(n - 1 for n in enrolled.values() if n > 1)
        check.missing += len(self.targets - set(enrolled))
        outside = set(enrolled) - self.targets
        if outside:
            check.problems.append(f"{len(outside)} enrolled outside the target")
        links = list(
            AssignmentEnrolment.objects.filter(assignment=assignment).values_list(
                "enrolment__user_id", flat=True
            )
        )
        if len(links) != len(set(links)) or set(links) != self.targets:
            check.problems.append(
                f"{len(links)} assignment links for {len(self.targets)} workers"
            )
        assignment = Assignment.objects.get(pk=assignment.pk)
        expected = (Assignment.FanOut.DONE, self.size, self.size)
        found = (
            assignment.fan_out_status,
            assignment.fan_out_total,
            assignment.fan_out_done,
        )
        if found != expected:
            check.problems.append(f"{assignment.pk}: status/total/done {found}")


SCENARIOS = {s.name: s for s in (CertificateScenario, AssignmentScenario)}


# --- The run -----------------------------------------------------------------


def run(
    scenario_name: str,
    *,
    kills: int,
    recovery: str = "redelivery",
    size: int | None = None,
    seed: int | None = None,
    settle_timeout: float | None = None,
    busy_timeout: float = 30.0,
    pause: tuple[float, float] = (0.2, 2.0),
    log_dir: Path | None = None,
    echo=None,
) -> KillResult:
    """Seed a scenario, kill its worker mid-task `kills` times, settle, count.

    Runs on the database Django is set up with; leaves the seeded rows there
    (a throw-away test database, or the faults database of the long run).
    """
    from celery import Celery

    if recovery not in RECOVERIES:
        raise ValueError(f"recovery must be one of {RECOVERIES}")
    rng = random.Random(seed)  # noqa: S311 - kill timing, not secrets
    say = echo or (lambda _text: None)
    media_root = Path(tempfile.mkdtemp(prefix="lianxin-faults-media-"))
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="lianxin-faults-log-"))
    scenario = SCENARIOS[scenario_name](
        size or SCENARIOS[scenario_name].default_size, media_root
    )
    result = KillResult(scenario_name, recovery, kills, scenario.size)
    visibility = SHORT_VISIBILITY if recovery == "redelivery" else PRODUCTION_VISIBILITY
    settle_timeout = settle_timeout or 120 + scenario.size * 0.2
    scenario.seed()
    say(f"{scenario_name}: seeded {scenario.size} ({recovery})")
    workers: list[Worker] = []
    with PrivateRedis() as broker:
        env = worker_env(
            broker=broker.url, visibility=visibility, media_root=media_root
        )
        sender = Celery("lianxin-faults-sender", broker=broker.url)
        # Explicitly: Celery prefers the CELERY_BROKER_URL of the environment
        # (the suite's broker in CI) to the broker it is given.
        publish = sender.connection_for_write(broker.url)

        def tick() -> None:
            # What beat sends every 5 minutes; no grace here, the kills are recent.
            for name in RECONCILE_TASKS:
                sender.send_task(
                    name,
                    kwargs={"grace_seconds": 0},
                    queue=QUEUE,
                    connection=publish,
                )
            result.reconcile_ticks += 1

        def stuck() -> None:
            result.lost = scenario.progress()
            tick()

        def start_worker() -> Worker:
            worker = Worker(env, log_dir / f"{scenario_name}-{len(workers)}.log")
            workers.append(worker.start())
            if recovery == "reconcile" and len(workers) > 1:
                tick()
            return worker

        try:
            started = time.perf_counter()
            for name, args in scenario.tasks():
                sender.send_task(name, args=args, queue=QUEUE, connection=publish)
            # `kills` kills in the middle of work: one that finds the worker
            # idle (the work ran out first) does not count, up to a bound.
            attempts = 0
            while result.kills_mid_task < kills and attempts < 2 * kills + 2:
                attempts += 1
                if _lost_outright(scenario, broker):
                    break  # settling sends the reconciliation, as beat would
                if scenario.settled():
                    more = scenario.refill()
                    if not more:
                        break  # no work left to be killed in
                    for name, args in more:
                        sender.send_task(
                            name, args=args, queue=QUEUE, connection=publish
                        )
                worker = start_worker()
                busy = worker.wait_busy(busy_timeout)
                # How long the worker runs before the kill: short enough that
                # a fast machine has not finished the work yet.
                time.sleep(rng.uniform(*pause))
                # Messages this worker took and had not acknowledged.
                held = broker.held_since(worker.started_at)
                worker.kill()
                result.held_at_kill += held
                result.kills_mid_task += int(busy and held > 0)
                say(
                    f"  kill {attempts} ({result.kills_mid_task}/{kills} mid-task): "
                    f"held {held}, queued {broker.queued()}, {scenario.progress()}"
                )
            result.kills = attempts
            settle_start = time.perf_counter()
            worker = start_worker()
            _settle(
                scenario,
                broker,
                worker,
                lambda: (
                    broker.held()
                    if recovery == "redelivery"
                    else broker.held_since(worker.started_at)
                ),
                settle_timeout,
                on_stuck=stuck,
            )
            if recovery == "reconcile":
                # An hour later the broker gives the stranded messages back:
                # running them must change nothing.
                result.stranded = broker.age_held()
                _settle(scenario, broker, worker, broker.held, settle_timeout)
            result.settle_seconds = time.perf_counter() - settle_start
            result.wall_seconds = time.perf_counter() - started
            worker.stop()
        except BaseException:
            for worker in workers:
                if worker.process.poll() is None:
                    worker.kill()
            raise
        finally:
            publish.close()
            sender.close()
    deliveries = [tid for worker in workers for tid in worker.received()]
    result.redeliveries = len(deliveries) - len(set(deliveries))
    check = scenario.check()
    result.duplicates, result.missing = check.duplicates, check.missing
    result.problems = check.problems
    return result


def _lost_outright(scenario, broker: PrivateRedis, seconds: float = 5.0) -> bool:
    """Nothing queued or in flight for a while, yet the work is not done."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if broker.queued() or broker.held() or scenario.settled():
            return False
        time.sleep(0.2)
    return True


def _settle(
    scenario,
    broker: PrivateRedis,
    worker: Worker,
    held,
    timeout: float,
    on_stuck=None,
):
    """Wait until the work is done, the queue empty and no message in flight.

    ``on_stuck`` runs once when nothing is queued or in flight for 5 s but the
    work is not done: a message was lost outright. kombu's Redis transport
    pops a message and then records it as unacknowledged, and a SIGKILL
    between the two loses it; beat's reconciliation is what redoes that work,
    so the harness sends it then, as beat would.
    """
    deadline = time.monotonic() + timeout
    quiet_since = idle_since = None
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"the last worker exited:\n{worker.tail()}")
        idle = broker.queued() == 0 and held() == 0
        if idle and scenario.settled():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 1.0:
                return
        else:
            quiet_since = None
        idle_since = (idle_since or time.monotonic()) if idle else None
        if on_stuck is not None and idle_since and time.monotonic() - idle_since > 5:
            on_stuck()
            on_stuck = idle_since = None
        time.sleep(0.2)
    raise TimeoutError(
        f"{scenario.name} did not settle in {timeout:.0f} s: queued "
        f"{broker.queued()}, in flight {held()}, settled {scenario.settled()}\n"
        f"{worker.tail()}"
    )


def to_json(results: list[KillResult]) -> str:
    return json.dumps([r.__dict__ | {"ok": r.ok} for r in results], indent=2)
