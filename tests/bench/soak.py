"""The soak (issue 9, item 5): many users for minutes; no 5xx and nothing lost.

``make soak`` (SIZE=M USERS=100 MINUTES=10 by default), that is
``SOAK_USERS=100 SOAK_MINUTES=10 python -m tests.bench --size M soak``. On
the seeded database of the size (tests/bench/seed.py) it:

1. picks the users as the load run does (tests.bench.load.contexts: 90 %
   workers spread over the tree, 10 % HR) and reads, without writing, what
   they hold: completed lessons, quiz attempts and their status, completed
   courses, online hours records and certificates;
2. starts gunicorn and a Celery worker (load.Services), signs the users in and
   replays load.py's journeys with its think time for the duration. Every
   response's status is counted, and each write the server acknowledged is
   noted: a lesson completion that went on to the next page, the attempt id a
   quiz start redirected to, a submit that reached the review page;
3. waits for the Celery queue to drain (at most SOAK_DRAIN_SECONDS, 300),
   stops the services, reads the same rows again and reconciles: completed
   (worker, lesson) pairs added equal the new pairs acknowledged, attempts
   added equal the new attempt ids, attempts finished equal the submits
   acknowledged, and each course completed in the run has its hours credited
   once and, where the course gives one, its certificate issued with a PDF;
4. prints per step p50/p95/p99, req/s, errors and 5xx, then the checks
   (expected, found, PASS/FAIL), and writes both to
   ``bench-results/soak-<size>-<stamp>.{md,json}``.

Unlike the bench figures the soak is a check: it fails (``python -m tests.bench
soak`` exits 1) on any 5xx, any request that raised (connection reset,
timeout), an error or traceback in the gunicorn or Celery log, a user not
signed in or sent back to the sign-in page, a count that does not reconcile,
or a queue that does not drain. It writes to the bench database as the load
run does: a rerun finds fewer lessons left to complete.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.parse
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from tests.bench import Figure, percentile
from tests.bench.load import (
    LOADS,
    QUEUE,
    RESULTS,
    STEPS,
    Recorder,
    Response,
    Services,
    Skip,
    Step,
    _journeys,
    _raise_exit,
    _say,
    _sign_in_all,
    contexts,
    step_lesson_complete,
    step_quiz_start,
    step_quiz_submit,
    steps_present,
)

# A soak is a check: a failing figure makes ``python -m tests.bench`` exit 1.
CHECK = True
USERS = 100
MINUTES = 10.0
# Certificates are PDFs rendered by the worker: allow it time to catch up
# (SOAK_DRAIN_SECONDS).
DRAIN_SECONDS = 300
SIGN_IN = "sign in (GET + POST)"
SIGN_IN_PATH = "/accounts/login/"


def settings_read() -> tuple[int, float]:
    """(users, minutes) from SOAK_USERS and SOAK_MINUTES (``make soak`` sets them)."""
    users = int(os.environ.get("SOAK_USERS") or USERS)
    minutes = float(os.environ.get("SOAK_MINUTES") or MINUTES)
    if users < 2 or minutes <= 0:
        raise ValueError("SOAK_USERS must be at least 2 and SOAK_MINUTES above 0")
    return users, minutes


# --- what the generator did ---------------------------------------------------


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


class Ledger(Recorder):
    """load.Recorder that also counts statuses and notes the acknowledged writes."""

    def __init__(self, user_ids: dict[str, int]):
        super().__init__()
        self.user_ids = user_ids
        self.statuses: dict[str, Counter] = {}
        self.raised: Counter = Counter()
        self.signed_out: Counter = Counter()
        self.completed: set[tuple[int, int]] = set()  # (user id, lesson id)
        self.started: set[int] = set()  # attempt ids from the start redirects
        self.submitted: set[int] = set()  # attempt ids whose submit was graded

    def run(self, step: Step, session, context) -> bool:
        lesson = attempt = None
        if step.func is step_lesson_complete and context.lessons:
            # The lesson the step is about to complete (it then moves on).
            lesson = context.lessons[context.lesson_index % len(context.lessons)]
        if step.func is step_quiz_submit:
            attempt = context.attempt_id  # the step clears it
        start = time.perf_counter()
        try:
            response = step.func(session, context)
        except Skip:
            return False
        except Exception as error:  # noqa: BLE001 - a failed request is a figure
            with self.lock:
                self.raised[step.name] += 1
            self.add(
                step.name, (time.perf_counter() - start) * 1000, False, repr(error)
            )
            return False
        ms = (time.perf_counter() - start) * 1000
        ok = response.status in step.statuses
        note = f"{response.status} {response.location or response.body[:120]!r}"
        self.add(step.name, ms, ok, note)
        self.acknowledge(step, context, response, lesson=lesson, attempt=attempt)
        return ok

    def acknowledge(
        self, step: Step, context, response: Response, *, lesson=None, attempt=None
    ) -> None:
        """Count the status; note the write the response says was done."""
        with self.lock:
            self.statuses.setdefault(step.name, Counter())[response.status] += 1
            if _path(response.location) == SIGN_IN_PATH:
                self.signed_out[step.name] += 1
                return
            if response.status != 302:
                return
            if step.func is step_lesson_complete and lesson is not None:
                # Done: on to the next lesson or the course. Refused (not
                # enrolled): back to the same lesson with a message.
                if _path(response.location) != _path(lesson.url):
                    self.completed.add((self.user_ids[context.username], lesson.pk))
            elif step.func is step_quiz_start and context.attempt_id is not None:
                self.started.add(context.attempt_id)
            elif (
                step.func is step_quiz_submit
                and attempt is not None
                and _path(response.location) == f"/quiz/attempt/{attempt}/review/"
            ):
                self.submitted.add(attempt)


# --- what the database holds --------------------------------------------------


@dataclass
class Snapshot:
    """The chosen users' rows that the journeys (and their tasks) write."""

    completed: set[tuple[int, int]]  # (user id, lesson id), completed
    attempts: dict[int, str]  # attempt id -> status
    courses_done: set[tuple[int, int]]  # (user id, course id), enrolment completed
    hours: dict[int, tuple[int, str]]  # online record id -> (user id, reference)
    certificates: dict[int, tuple[int, int, bool]]  # id -> (user, course, has PDF)
    earning: set[int] = field(default_factory=set)  # courses that give a certificate


def snapshot(user_ids: list[int]) -> Snapshot:
    """Read (never write) the rows of these users that the soak reconciles."""
    from django.db.models import Q

    from assessments.models import Attempt, Certificate
    from courses.models import CoursePage, Enrolment, LessonProgress, TrainingRecord

    return Snapshot(
        completed=set(
            LessonProgress.objects.filter(
                enrolment__user_id__in=user_ids, completed_at__isnull=False
            ).values_list("enrolment__user_id", "lesson_id")
        ),
        attempts=dict(
            Attempt.objects.filter(user_id__in=user_ids).values_list("pk", "status")
        ),
        courses_done=set(
            Enrolment.objects.filter(
                user_id__in=user_ids, status=Enrolment.Status.COMPLETED
            ).values_list("user_id", "course_id")
        ),
        hours={
            pk: (user, reference)
            for pk, user, reference in TrainingRecord.objects.filter(
                user_id__in=user_ids, source=TrainingRecord.Source.ONLINE
            ).values_list("pk", "user_id", "reference")
        },
        certificates={
            pk: (user, course, bool(pdf))
            for pk, user, course, pdf in Certificate.objects.filter(
                user_id__in=user_ids
            ).values_list("pk", "user_id", "course_id", "pdf")
        },
        earning=set(
            CoursePage.objects.filter(
                Q(certificate_enabled=True) | Q(certificate_renews__isnull=False)
            ).values_list("pk", flat=True)
        ),
    )


# --- the reconciliation -------------------------------------------------------


@dataclass
class Check:
    """One reconciliation line: what the generator did against what was stored."""

    name: str
    expected: int
    found: int
    ok: bool
    target: str = ""  # how found is judged, "= expected" unless said
    detail: str = ""  # what differs, when something does

    @property
    def verdict(self) -> str:
        return "PASS" if self.ok else "FAIL"


def _same(name: str, expected, found) -> Check:
    """Equal collections (sets or Counters): a count alone could hide a swap."""
    ok = expected == found
    detail = ""
    if not ok:
        missing = sorted(Counter(expected) - Counter(found))
        extra = sorted(Counter(found) - Counter(expected))
        detail = (
            f"{len(missing)} not stored, e.g. {missing[:5]}; "
            f"{len(extra)} stored but not acknowledged, e.g. {extra[:5]}"
        )
    size = lambda c: sum(c.values()) if isinstance(c, Counter) else len(c)  # noqa: E731
    return Check(name, size(expected), size(found), ok, f"= {size(expected)}", detail)


def _none(name: str, counts: Counter) -> Check:
    found = sum(counts.values())
    detail = ", ".join(f"{step}: {n}" for step, n in sorted(counts.items()))
    return Check(name, 0, found, found == 0, "= 0", detail)


def reconcile(
    before: Snapshot,
    after: Snapshot,
    ledger: Ledger,
    *,
    users: int,
    signed_in: int,
    tasks_left: int = 0,
    log_errors: Counter | None = None,
) -> list[Check]:
    """The soak's checks; every one must pass."""
    from assessments.models import Attempt

    open_ = Attempt.Status.IN_PROGRESS
    server = Counter(
        {
            step: sum(n for status, n in counts.items() if status >= 500)
            for step, counts in ledger.statuses.items()
        }
    )
    checks = [
        _none("5xx responses", +server),
        _none("requests that raised (connection errors, timeouts)", ledger.raised),
        Check("users signed in", users, signed_in, signed_in == users, f"= {users}"),
        _none(
            "errors and tracebacks in the server and worker logs",
            log_errors or Counter(),
        ),
        _none("responses sending a user back to sign in", ledger.signed_out),
        _same(
            "lesson completions (new worker × lesson pairs)",
            ledger.completed - before.completed,
            after.completed - before.completed,
        ),
        _same(
            "quiz attempts started (new attempt ids)",
            ledger.started - before.attempts.keys(),
            after.attempts.keys() - before.attempts.keys(),
        ),
        _same(
            "quiz attempts submitted (finished in the run)",
            set(ledger.submitted),
            {
                pk
                for pk, status in after.attempts.items()
                if status != open_ and before.attempts.get(pk, open_) == open_
            },
        ),
    ]
    completed = after.courses_done - before.courses_done
    credited = {(user, ref) for user, ref in before.hours.values()}
    checks.append(
        _same(
            "hours credited once per course completed in the run",
            Counter(
                (user, f"course:{course}")
                for user, course in completed
                if (user, f"course:{course}") not in credited
            ),
            Counter(v for pk, v in after.hours.items() if pk not in before.hours),
        )
    )
    held = {(user, course) for user, course, _pdf in before.certificates.values()}
    issued = [
        v for pk, v in after.certificates.items() if pk not in before.certificates
    ]
    checks.append(
        _same(
            "certificates issued for courses completed in the run",
            Counter(
                pair
                for pair in completed
                if pair[1] in after.earning and pair not in held
            ),
            Counter((user, course) for user, course, _pdf in issued),
        )
    )
    with_pdf = sum(1 for *_pair, pdf in issued if pdf)
    checks.append(
        Check(
            "certificate PDFs stored",
            len(issued),
            with_pdf,
            with_pdf == len(issued),
            f"= {len(issued)}",
        )
    )
    checks.append(
        Check(
            "Celery tasks left after the drain (queue and outbox)",
            0,
            tasks_left,
            tasks_left == 0,
            "= 0",
        )
    )
    # A run in which nothing was written would reconcile trivially.
    checks.append(
        Check(
            "writes exercised (attempts submitted)",
            1,
            len(ledger.submitted),
            bool(ledger.submitted),
            "> 0",
        )
    )
    return checks


# --- the run ------------------------------------------------------------------

# What an error looks like in each service's log (Celery's format names the
# level; Django's handler has no format, so a failed request shows its traceback).
LOG_ERRORS = {
    "celery": ("ERROR/", "CRITICAL/", "Traceback (most recent call last)"),
    "gunicorn": ("[ERROR]", "[CRITICAL]", "Traceback (most recent call last)"),
}


def log_errors(size: str) -> Counter:
    """Error lines per service in the logs load.Services wrote for this size."""
    found: Counter = Counter()
    for name, markers in LOG_ERRORS.items():
        path = RESULTS / f"load-{size}-{name}.log"
        if not path.exists():
            continue
        with path.open(errors="replace") as lines:
            found[name] = sum(1 for line in lines if any(m in line for m in markers))
    return +found


def queue_drain(broker_url: str, timeout: float = DRAIN_SECONDS) -> int:
    """Wait until the bench queue has no task waiting or running; the tasks left."""
    import redis

    client = redis.Redis.from_url(broker_url)
    deadline = time.monotonic() + timeout
    quiet = 0
    try:
        while True:
            # Waiting on the queue, or delivered and not acknowledged yet (the
            # certificate task acknowledges late, when it is done).
            left = client.llen(QUEUE) + client.hlen("unacked")
            quiet = quiet + 1 if left == 0 else 0
            if quiet >= 2 or time.monotonic() >= deadline:
                return left
            time.sleep(1)
    finally:
        client.close()


def outbox_rows() -> int:
    """Tasks parked in the outbox (people.OutboxTask) because publishing failed.

    The soak runs no beat to flush them, and with Redis up none should be there.
    """
    from django.apps import apps

    try:
        model = apps.get_model("people", "OutboxTask")
    except LookupError:  # a checkout without the outbox
        return 0
    return model.objects.count()


@dataclass
class StepStats:
    name: str
    requests: int
    p50: float
    p95: float
    p99: float
    rps: float
    errors: int
    server_errors: int


def step_stats(ledger: Ledger, names: list[str], seconds: float) -> list[StepStats]:
    out = []
    for name in names:
        samples = ledger.samples.get(name, [])
        out.append(
            StepStats(
                name,
                len(samples),
                percentile(samples, 50),
                percentile(samples, 95),
                percentile(samples, 99),
                len(samples) / seconds if seconds else 0,
                ledger.errors.get(name, 0),
                sum(
                    n
                    for status, n in ledger.statuses.get(name, Counter()).items()
                    if status >= 500
                ),
            )
        )
    return out


def report(head: str, stats: list[StepStats], checks: list[Check]) -> str:
    """Markdown: the steps (latency, rate, errors, 5xx), then the checks."""
    lines = [
        head,
        "",
        "| step | requests | p50 ms | p95 ms | p99 ms | req/s | errors | 5xx |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in stats:
        lines.append(
            f"| {s.name} | {s.requests:,} | {s.p50:,.1f} | {s.p95:,.1f}"
            f" | {s.p99:,.1f} | {s.rps:,.2f} | {s.errors:,} | {s.server_errors:,} |"
        )
    lines += ["", "| check | expected | found | verdict |", "| --- | --- | --- | --- |"]
    for c in checks:
        expected = c.target if c.target.startswith(">") else f"{c.expected:,}"
        lines.append(f"| {c.name} | {expected} | {c.found:,} | {c.verdict} |")
    for c in checks:
        if c.detail and not c.ok:
            lines.append(f"\n{c.name}: {c.detail}")
    verdict = "PASS" if all(c.ok for c in checks) else "FAIL"
    lines += ["", f"Soak: {verdict}"]
    return "\n".join(lines)


def figures_from(stats: list[StepStats], checks: list[Check]) -> list[Figure]:
    """For the bench table: steps as figures without a target, checks with one."""
    figures = [
        Figure(
            s.name,
            s.p95,
            "ms p95",
            p50=s.p50,
            p95=s.p95,
            p99=s.p99,
            rps=s.rps,
            errors=s.errors,
            notes=f"{s.server_errors} 5xx",
        )
        for s in stats
    ]
    figures += [
        Figure(f"check: {c.name}", c.found, "", c.target, c.ok, notes=c.detail)
        for c in checks
    ]
    return figures


def _write(size: str, head: str, text: str, payload: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"soak-{size}-{stamp}.md").write_text(text + "\n")
    (RESULTS / f"soak-{size}-{stamp}.json").write_text(
        json.dumps({"size": size, "at": stamp, "head": head, **payload}, indent=2)
    )


def run(size: str) -> list[Figure]:
    from django.db import connection

    from people.models import User
    from tests.bench import load as bench_load
    from tests.bench import seed

    bench_load._START[0] = time.monotonic()
    users, minutes = settings_read()
    seed.ensure(size)
    present, _missing = steps_present(STEPS)
    ctxs = contexts(users)
    user_ids = dict(
        User.objects.filter(username__in=[c.username for c in ctxs]).values_list(
            "username", "pk"
        )
    )
    ids = sorted(user_ids.values())
    before = snapshot(ids)
    services = Services(size)
    previous = signal.signal(signal.SIGTERM, _raise_exit)
    ledger = Ledger(user_ids)
    tasks_left = 0
    try:
        _say(f"   starting gunicorn and Celery on port {services.port}")
        services.start()
        _say(f"   signing in {len(ctxs)} users")
        sessions = _sign_in_all(services.port, ctxs, ledger, LOADS[size].form_sign_ins)
        _say(f"   journeys for {minutes:g} min")
        seconds = _journeys(sessions, ctxs, present, minutes * 60, ledger)
        _say("   waiting for the Celery queue to drain")
        connection.close()  # idle for the whole run: read on a new one
        tasks_left = (
            queue_drain(
                services.env["CELERY_BROKER_URL"],
                float(os.environ.get("SOAK_DRAIN_SECONDS") or DRAIN_SECONDS),
            )
            + outbox_rows()
        )
    finally:
        services.stop()
        signal.signal(signal.SIGTERM, previous)
    after = snapshot(ids)
    workers = sum(1 for c in ctxs if c.role == "worker")
    checks = reconcile(
        before,
        after,
        ledger,
        users=len(ctxs),
        signed_in=len(ctxs) - ledger.errors.get(SIGN_IN, 0),
        tasks_left=tasks_left,
        log_errors=log_errors(size),
    )
    names = [SIGN_IN, *dict.fromkeys(step.name for step in present)]
    stats = step_stats(ledger, names, seconds)
    total = sum(s.requests for s in stats)
    head = (
        f"Soak, size {size}: {len(ctxs)} users ({workers} workers, "
        f"{len(ctxs) - workers} HR) for {seconds:,.0f} s; {total:,} requests, "
        f"{total / seconds if seconds else 0:,.1f} req/s"
    )
    text = report(head, stats, checks)
    _write(
        size,
        head,
        text,
        {
            "users": len(ctxs),
            "seconds": seconds,
            "steps": [asdict(s) for s in stats],
            "statuses": {k: dict(v) for k, v in ledger.statuses.items()},
            "checks": [asdict(c) for c in checks],
            "error_examples": ledger.examples,
        },
    )
    print(f"\n{text}\n")  # noqa: T201
    for example in ledger.examples[:10]:
        print(f"   error: {example}")  # noqa: T201
    return figures_from(stats, checks)
