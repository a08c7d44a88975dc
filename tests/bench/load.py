"""The load run (issue 8): gunicorn + a real Celery worker, 50 users replaying journeys.

``make bench BENCH=load SIZE=S`` (or ``make bench-smoke``). On the seeded
database of the size (tests/bench/seed.py) it:

1. collects static files, empties the bench queue, starts a Celery worker and
   gunicorn (2 × cores + 1 sync workers, ``lms.settings.base`` with DEBUG off,
   Redis db 3 for cache, sessions and broker) and waits for ``/healthz/``;
2. signs every virtual user in through the sign-in form (its own session
   cookie and CSRF token), then replays journeys with 0.5–2 s think time for a
   while: workers (home, catalog, course, lesson, lesson complete, quiz start,
   page, answers, submit, certificate verification) and HR (street and district
   dashboards, export). Each step's latency and status are recorded;
3. measures throughput without think time (10 closed-loop clients) of the
   framework floor (``lms/bench_views.py``, routed by LIANXIN_BENCH_FLOOR=1)
   and of each learner page, and gives each page as a ratio to the floor;
4. counts the database queries of one request per step, in this process with
   Django's test client on the same database;
5. reads the peak RSS (VmHWM) of every gunicorn and Celery process, then
   stops them all (process groups, also on errors).

A step whose page does not exist yet is reported as MISSING, never skipped in
silence: add a step to STEPS when a feature's page lands. The generator is
threads + http.client (no new dependency); it shares the machine's cores with
the server, which the ratio to the floor evens out.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from tests.bench import Figure, percentile

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
QUEUE = "lianxin"


@dataclass(frozen=True)
class Load:
    users: int
    journey_seconds: float
    capacity_seconds: float
    capacity_clients: int = 10
    # Users who sign in through the form (PBKDF2 costs ~0.5 s of CPU each);
    # the others get a session made in this process, as if signed in earlier.
    form_sign_ins: int = 10


LOADS = {
    "smoke": Load(20, journey_seconds=20, capacity_seconds=2, form_sign_ins=4),
    "S": Load(50, journey_seconds=60, capacity_seconds=6),
    "M": Load(50, journey_seconds=90, capacity_seconds=8),
}
THINK = (0.5, 2.0)
LEARNER_P95_MS = 150
FLOOR_SHARE = 0.35


def _rng(seed: int) -> random.Random:
    """Think times and picks, repeatable per user (not for secrets)."""
    return random.Random(seed)  # noqa: S311


# --- a virtual user's browser -------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class HttpSession:
    """One user's browser: cookies, the CSRF token, one connection at a time."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, *, form: dict | None = None, data=None
    ) -> Response:
        headers = {"Accept-Language": "zh-hans"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=120
                )
            try:
                self.conn.request(method, path, body=body, headers=headers)
                raw = self.conn.getresponse()
                content = raw.read()
                break
            except (
                http.client.RemoteDisconnected,
                ConnectionResetError,
                BrokenPipeError,
            ):
                # gunicorn's sync workers close idle connections: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for value in raw.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(
            raw.status, {k.lower(): v for k, v in raw.getheaders()}, content
        )

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, **kwargs) -> Response:
        return self.request("POST", path, **kwargs)

    def sign_in(self, username: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post(
            "/accounts/login/", form={"username": username, "password": password}
        )


class DjangoSession:
    """The same requests through Django's test client, in this process."""

    def __init__(self, user):
        from django.test import Client

        self.client = Client()
        self.client.force_login(user)

    def request(
        self, method: str, path: str, *, form: dict | None = None, data=None
    ) -> Response:
        if method == "GET":
            response = self.client.get(path)
        elif data is not None:
            response = self.client.post(
                path, json.dumps(data), content_type="application/json"
            )
        else:
            response = self.client.post(path, form or {})
        if getattr(response, "streaming", False):
            content = b"".join(response.streaming_content)
        else:
            # The test client closes it (outside request_finished's handler).
            content = response.content
        return Response(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            content,
        )

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, **kwargs) -> Response:
        return self.request("POST", path, **kwargs)


# --- who does what ------------------------------------------------------------


@dataclass
class Lesson:
    pk: int
    url: str


@dataclass
class Context:
    """What one virtual user works on, and the state its journey carries."""

    username: str
    role: str  # worker, hr_street, hr_district
    catalog_url: str = "/courses/"
    course_url: str = ""
    lessons: list[Lesson] = field(default_factory=list)
    quiz_id: int | None = None
    certificate_codes: list[str] = field(default_factory=list)
    year: int = 0
    lesson_index: int = 0
    attempt_id: int | None = None
    seq: int = 0
    position: int = 0
    rng: random.Random = field(default_factory=lambda: _rng(0))


class Skip(Exception):  # noqa: N818 - a step that cannot run this round
    """The step depends on one that failed this round (e.g. no attempt started)."""


def _lesson(c: Context) -> Lesson:
    if not c.lessons:
        raise Skip
    return c.lessons[c.lesson_index % len(c.lessons)]


def step_home(s, c):
    return s.get("/learning/")


def step_catalog(s, c):
    return s.get(c.catalog_url)


def step_course(s, c):
    return s.get(c.course_url)


def step_lesson(s, c):
    return s.get(_lesson(c).url)


def step_lesson_complete(s, c):
    lesson = _lesson(c)
    c.lesson_index += 1
    return s.post(f"/learn/lessons/{lesson.pk}/complete/")


def step_quiz_start(s, c):
    c.attempt_id = None
    response = s.post(f"/quiz/{c.quiz_id}/start/")
    found = re.search(r"/quiz/attempt/(\d+)/", response.location)
    if found:
        c.attempt_id = int(found.group(1))
        c.position = 0
    return response


def step_quiz_page(s, c):
    if c.attempt_id is None:
        raise Skip
    response = s.get(f"/quiz/attempt/{c.attempt_id}/")
    found = re.search(rb'name="seq" value="(\d+)"', response.body)
    if found:
        c.seq = int(found.group(1))
    return response


def step_quiz_answer(s, c):
    if c.attempt_id is None:
        raise Skip
    c.position += 1
    response = s.post(
        f"/quiz/attempt/{c.attempt_id}/answer/",
        data={"position": c.position, "answer": ["A"], "seq": c.seq},
    )
    with contextlib.suppress(ValueError, AttributeError):
        c.seq = int(json.loads(response.body).get("seq", c.seq))
    return response


def step_quiz_submit(s, c):
    if c.attempt_id is None:
        raise Skip
    response = s.post(f"/quiz/attempt/{c.attempt_id}/submit/", form={"seq": c.seq})
    c.attempt_id = None
    return response


def step_verify(s, c):
    if not c.certificate_codes:
        raise Skip
    return s.get(f"/certificates/verify/{c.rng.choice(c.certificate_codes)}/")


def step_dashboard(s, c):
    return s.get("/records/")


def step_dashboard_district(s, c):
    return s.get(f"/records/?year={c.year}")


def step_export(s, c):
    return s.get("/records/export.xlsx")


def step_floor(s, c):
    return s.get("/bench/floor/")


def _route(name: str, *args) -> Callable[[], bool]:
    def exists() -> bool:
        from django.urls import NoReverseMatch, reverse

        try:
            reverse(name, args=args)
        except NoReverseMatch:
            return False
        return True

    return exists


def _catalog_exists() -> bool:
    from courses.models import CourseIndexPage

    return CourseIndexPage.objects.live().exists()


def _bench_courses_exist() -> bool:
    from courses.models import CoursePage

    return CoursePage.objects.live().filter(slug__startswith="bench-course-").exists()


@dataclass(frozen=True)
class Step:
    """One step of a journey. Add one here when its feature's page exists."""

    name: str
    role: str  # who takes it: worker, hr_street, hr_district
    func: Callable
    statuses: tuple[int, ...]  # what counts as success
    exists: Callable[[], bool]
    p95_ms: float | None = None  # the target (at size M)
    capacity: bool = False  # learner page: throughput measured against the floor


L = LEARNER_P95_MS
STEPS = [
    # Worker journey, in order.
    Step("worker home 我的学习", "worker", step_home, (200,),
         _route("courses:my_learning"), L, capacity=True),
    Step("catalog", "worker", step_catalog, (200,), _catalog_exists, L,
         capacity=True),
    Step("course page", "worker", step_course, (200,), _bench_courses_exist, L,
         capacity=True),
    Step("lesson page", "worker", step_lesson, (200,), _bench_courses_exist, L,
         capacity=True),
    Step("lesson complete (POST)", "worker", step_lesson_complete, (302,),
         _route("courses:lesson_complete", 1), L),
    Step("quiz start (POST)", "worker", step_quiz_start, (302,),
         _route("assessments:quiz_start", 1), L),
    Step("quiz attempt page", "worker", step_quiz_page, (200,),
         _route("assessments:quiz_attempt", 1), L),
    Step("quiz answer (autosave)", "worker", step_quiz_answer, (200,),
         _route("assessments:quiz_answer", 1), L),
    Step("quiz submit (POST)", "worker", step_quiz_submit, (302,),
         _route("assessments:quiz_submit", 1), 300),
    Step("certificate verification", "worker", step_verify, (200,),
         _route("assessments:certificate_verify", "x"), L, capacity=True),
    # HR journeys: a street's reviewer, a district's reviewer.
    Step("HR street dashboard", "hr_street", step_dashboard, (200,),
         _route("records:home"), 500),
    Step("HR export (street, XLSX)", "hr_street", step_export, (200, 302),
         _route("records:export", "xlsx")),
    Step("HR district dashboard", "hr_district", step_dashboard_district, (200,),
         _route("records:home"), 1500),
]  # fmt: skip
# A worker answers every question of the exam; the order is the journey's.
ANSWERS = 5
FLOOR = Step("framework floor", "worker", step_floor, (200,), lambda: True)


def journey(role: str, steps: list[Step]) -> list[Step]:
    out = []
    for step in steps:
        if step.role != role:
            continue
        out.extend([step] * (ANSWERS if step.func is step_quiz_answer else 1))
    return out


# --- recording ----------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.examples: list[str] = []
        self.lock = threading.Lock()

    def add(self, step: str, ms: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.samples.setdefault(step, []).append(ms)
            if not ok:
                self.errors[step] = self.errors.get(step, 0) + 1
                if len(self.examples) < 20:
                    self.examples.append(f"{step}: {note}")

    def run(self, step: Step, session, context: Context) -> bool:
        start = time.perf_counter()
        try:
            response = step.func(session, context)
        except Skip:
            return False
        except Exception as error:  # noqa: BLE001 - a failed request is a figure
            self.add(
                step.name, (time.perf_counter() - start) * 1000, False, repr(error)
            )
            return False
        ms = (time.perf_counter() - start) * 1000
        ok = response.status in step.statuses
        note = f"{response.status} {response.location or response.body[:120]!r}"
        self.add(step.name, ms, ok, note)
        return ok


# --- services -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(port: int, size: str) -> dict[str, str]:
    from cryptography.fernet import Fernet
    from django.conf import settings

    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db.get('USER') or 'postgres'}{password}@"
        f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "DEBUG": "0",
        # This process's key: the sessions it makes are valid there too.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"lianxin-bench-{size}-{os.getpid()}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LIANXIN_WELLBEING_KEY": Fernet.generate_key().decode(),
        # One client IP makes every request: the per-IP limit of the public
        # verification page would turn the load into 429s.
        "CERTIFICATE_VERIFY_PER_MINUTE": "100000000",
        "LIANXIN_BENCH_FLOOR": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _queue_purge(env: dict) -> None:
    """Drop tasks a crashed run left on the bench queue (they name other rows)."""
    import redis

    client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    client.delete(QUEUE, "unacked", "unacked_index")
    client.close()


def _cache_clear(env: dict) -> None:
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(f"{env['CACHE_KEY_PREFIX']}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    client.close()


class Services:
    """gunicorn and a Celery worker in their own process groups; stopped on exit."""

    def __init__(self, size: str, log=print):
        self.size = size
        self.port = _free_port()
        self.env = service_env(self.port, size)
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs = []
        self.log = log

    def _spawn(self, name: str, argv: list[str]) -> None:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"load-{self.size}-{name}.log"
        out = path.open("w")
        self.logs.append(out)
        self.procs[name] = subprocess.Popen(  # noqa: S603 - our own commands
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self) -> None:
        bin_dir = Path(sys.executable).parent
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        _queue_purge(self.env)
        workers = 2 * (os.cpu_count() or 1) + 1
        # Background work yields the cores to the pages when both want them,
        # as the README advises for a machine that runs both.
        self._spawn(
            "celery",
            ["nice", "-n", "10",
             str(bin_dir / "celery"), "-A", "lms", "worker", "-l", "warning",
             "-c", str(os.cpu_count() or 1), "-Q", QUEUE],
        )  # fmt: skip
        self._spawn(
            "gunicorn",
            [str(bin_dir / "gunicorn"), "lms.wsgi", "-w", str(workers),
             "-b", f"127.0.0.1:{self.port}", "--timeout", "300"],
        )  # fmt: skip
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}: see "
                        f"bench-results/load-{self.size}-{name}.log"
                    )
            try:
                if HttpSession(self.port).get("/healthz/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz/ in time")

    def peak_rss(self) -> dict[str, tuple[float, float, int]]:
        """Per service: (largest VmHWM of one process, sum over the tree, count) MB."""
        out = {}
        for name, proc in self.procs.items():
            peaks = [_vm_hwm(pid) for pid in _tree(proc.pid)]
            peaks = [p for p in peaks if p is not None]
            out[name] = (max(peaks, default=0), sum(peaks), len(peaks))
        return out

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group, children included.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for out in self.logs:
            out.close()
        try:
            _queue_purge(self.env)
            _cache_clear(self.env)
        except Exception as error:  # noqa: BLE001 - cleanup is best effort
            self.log(f"   (could not clean Redis: {error})")


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def _vm_hwm(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- the run ------------------------------------------------------------------


def contexts(users: int) -> list[Context]:
    """Virtual users: seeded workers spread over the tree, and HR of both levels."""
    from assessments.models import Certificate, Quiz
    from courses.models import CoursePage, Enrolment, LessonPage
    from courses.services.ledger import ledger_year
    from people.models import User
    from tests.bench.seed import HR_DISTRICT, HR_STREET

    hr = max(2, users // 10)
    workers = users - hr
    pool = list(
        User.objects.filter(username__startswith="bw")
        .order_by("pk")
        .values_list("pk", "username")
    )
    stride = max(1, (len(pool) - 1) // max(workers, 1))
    chosen = pool[::stride][:workers]
    codes = list(Certificate.objects.values_list("code", flat=True)[:500])
    catalog = "/courses/"
    from courses.models import CourseIndexPage

    index = CourseIndexPage.objects.live().first()
    if index is not None:
        catalog = index.url or catalog
    quizzes = dict(
        Quiz.objects.filter(kind=Quiz.Kind.FINAL).values_list("course_id", "pk")
    )
    out = []
    for n, (pk, username) in enumerate(chosen):
        enrolment = (
            Enrolment.objects.filter(user_id=pk, status="in_progress")
            .order_by("pk")
            .first()
            or Enrolment.objects.filter(user_id=pk).order_by("pk").first()
        )
        context = Context(
            username, "worker", catalog, certificate_codes=codes, rng=_rng(n)
        )
        if enrolment is not None:
            course = CoursePage.objects.get(pk=enrolment.course_id)
            context.course_url = course.url
            context.lessons = [
                Lesson(lesson.pk, lesson.url)
                for lesson in LessonPage.objects.child_of(course)
                .live()
                .order_by("path")
            ]
            context.lesson_index = enrolment.lessons_done
            context.quiz_id = quizzes.get(course.pk)
        out.append(context)
    year = ledger_year()
    for n in range(hr):
        username, role = (
            (HR_STREET, "hr_street") if n % 2 == 0 else (HR_DISTRICT, "hr_district")
        )
        out.append(Context(username, role, year=year, rng=_rng(1000 + n)))
    return out


def _session_cookies(username: str) -> dict[str, str]:
    """A signed-in session and a CSRF cookie made here, valid for gunicorn.

    gunicorn runs with this process's SECRET_KEY, so the session's auth hash
    matches; cached_db sessions are in the database, which both read.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    from people.models import User

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "people.auth.IdentifierBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {
        settings.SESSION_COOKIE_NAME: store.session_key,
        settings.CSRF_COOKIE_NAME: get_random_string(32),
    }


def _sign_in_all(port: int, ctxs: list[Context], rec: Recorder, forms: int) -> list:
    """The first ``forms`` users of each role sign in through the form."""
    from tests.bench.seed import PASSWORD

    sessions: list = [None] * len(ctxs)
    by_form, seen = set(), {}
    for i, c in enumerate(ctxs):
        seen[c.role] = seen.get(c.role, 0) + 1
        if seen[c.role] <= (forms if c.role == "worker" else 1):
            by_form.add(i)
    for i, c in enumerate(ctxs):
        if i not in by_form:
            sessions[i] = HttpSession(port)
            sessions[i].cookies.update(_session_cookies(c.username))

    def one(i: int) -> None:
        session = HttpSession(port)
        start = time.perf_counter()
        try:
            response = session.sign_in(ctxs[i].username, PASSWORD)
            ok = response.status == 302 and "sessionid" in session.cookies
            note = f"{response.status} {response.body[:120]!r}"
        except OSError as error:
            ok, note = False, repr(error)
        rec.add("sign in (GET + POST)", (time.perf_counter() - start) * 1000, ok, note)
        sessions[i] = session

    threads = [threading.Thread(target=one, args=(i,)) for i in sorted(by_form)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sessions


def _journeys(sessions, ctxs, steps, seconds: float, rec: Recorder) -> float:
    deadline = time.monotonic() + seconds

    def loop(session, context: Context, offset: int) -> None:
        plan = journey(context.role, steps)
        # Users arrive spread out, each somewhere else in its journey, so that
        # a short run still samples every step (a step that needs an earlier
        # one, such as submit after start, waits for the next round).
        plan = plan[offset % len(plan) :] + plan[: offset % len(plan)] if plan else []
        time.sleep(context.rng.uniform(0, THINK[1]))
        while plan and time.monotonic() < deadline:
            for step in plan:
                if time.monotonic() >= deadline:
                    return
                rec.run(step, session, context)
                time.sleep(context.rng.uniform(*THINK))

    threads = [
        threading.Thread(target=loop, args=(s, c, n), daemon=True)
        for n, (s, c) in enumerate(zip(sessions, ctxs, strict=True))
    ]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - start


def _capacity(sessions, ctxs, step: Step, seconds: float, clients: int) -> float:
    """Requests per second that succeed with ``clients`` users and no think time."""
    pairs = [(s, c) for s, c in zip(sessions, ctxs, strict=True) if c.role == "worker"]
    pairs = pairs[:clients]
    rec = Recorder()
    deadline = time.monotonic() + seconds

    def loop(session, context) -> None:
        while time.monotonic() < deadline:
            rec.run(step, session, context)

    threads = [threading.Thread(target=loop, args=pair, daemon=True) for pair in pairs]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    done = len(rec.samples.get(step.name, [])) - rec.errors.get(step.name, 0)
    return done / elapsed


@dataclass
class InProcess:
    """One request of a step through Django's test client, in this process."""

    queries: int
    ms: float
    db_ms: float
    slowest: str = ""

    def __str__(self) -> str:
        return (
            f"{self.queries} queries, {self.ms:.0f} ms in process of which "
            f"{self.db_ms:.0f} ms in the database; slowest: {self.slowest}"
        )


def _in_process(captured, ms: float) -> InProcess:
    timed = [(float(q.get("time") or 0) * 1000, q["sql"]) for q in captured]
    slow_ms, slow_sql = max(timed, default=(0.0, ""))
    return InProcess(
        len(captured),
        ms,
        sum(t for t, _ in timed),
        f"{slow_ms:.1f} ms {slow_sql[:300]}" if slow_sql else "",
    )


def queries_per_step(
    steps: list[Step], ctxs: list[Context], *, broker: str | None = REDIS_URL
) -> tuple[dict[str, InProcess], list[str]]:
    """Queries (and their time) of one request per step, the second of two.

    In this process, with Django's test client on the same database. Also
    returns the steps that answered an unexpected status here: a page that
    changed under the journey shows up before any load is run.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lms.celery import app
    from people.models import User

    saved = app.conf.task_always_eager, app.conf.broker_url
    if broker:
        # Tasks the requests queue go to the bench broker (the real worker),
        # as in gunicorn: run eagerly they would count as the request's queries.
        app.conf.task_always_eager = False
        app.conf.broker_url = broker
    stats: dict[str, InProcess] = {}
    wrong: list[str] = []
    by_role: dict[str, Context] = {}
    for c in ctxs:
        by_role.setdefault(c.role, c)
    try:
        for role, base in by_role.items():
            session = DjangoSession(User.objects.get(username=base.username))
            context = Context(**{**base.__dict__, "rng": _rng(7)})
            for round_ in (1, 2):
                for step in journey(role, steps):
                    start = time.perf_counter()
                    with CaptureQueriesContext(connection) as captured:
                        try:
                            response = step.func(session, context)
                        except Skip:
                            continue
                    ms = (time.perf_counter() - start) * 1000
                    if response.status not in step.statuses:
                        wrong.append(f"{step.name}: {response.status}")
                    seen = stats.get(step.name)
                    if round_ == 2 and (seen is None or len(captured) > seen.queries):
                        stats[step.name] = _in_process(captured, ms)
            if role == "worker":
                stats[FLOOR.name] = _floor_queries(session)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
    return stats, wrong


def _floor_queries(session: DjangoSession) -> InProcess:
    """The floor view's own queries (it is not routed in this process)."""
    from importlib import import_module

    from django.conf import settings
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from lms.bench_views import floor

    key = session.client.cookies[settings.SESSION_COOKIE_NAME].value
    request = RequestFactory().get("/bench/floor/")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    request.session = store(key)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        floor(request)
    return _in_process(captured, (time.perf_counter() - start) * 1000)


def _figure(step: Step, rec: Recorder, seconds: float, queries: dict) -> Figure:
    samples = rec.samples.get(step.name, [])
    errors = rec.errors.get(step.name, 0)
    p95 = percentile(samples, 95)
    target = f"p95 < {step.p95_ms:g} ms, 0 errors" if step.p95_ms else "0 errors"
    ok = bool(samples) and errors == 0 and (not step.p95_ms or p95 < step.p95_ms)
    name = step.name if samples else f"{step.name} (no request in the run)"
    return Figure(
        name,
        p95,
        "ms p95",
        target,
        ok,
        p50=percentile(samples, 50),
        p95=p95,
        p99=percentile(samples, 99),
        rps=len(samples) / seconds if seconds else 0,
        errors=errors,
        queries=queries.get(step.name),
    )


def steps_present(steps: list[Step]) -> tuple[list[Step], list[Figure]]:
    """The steps whose pages exist, and a MISSING figure for each other one."""
    present = [step for step in steps if step.exists()]
    missing = [
        Figure(step.name, 0, "", "page not built yet", None, missing=True)
        for step in steps
        if step not in present
    ]
    return present, missing


def run(size: str) -> list[Figure]:
    from tests.bench import seed

    _START[0] = time.monotonic()
    seed.ensure(size)
    load = LOADS[size]
    present, figures = steps_present(STEPS)
    ctxs = contexts(load.users)
    services = Services(size)
    previous = signal.signal(signal.SIGTERM, _raise_exit)
    rec = Recorder()
    try:
        _say(f"   starting gunicorn and Celery on port {services.port}")
        services.start()
        _say(f"   signing in {len(ctxs)} users")
        sessions = _sign_in_all(services.port, ctxs, rec, load.form_sign_ins)
        _say(f"   journeys for {load.journey_seconds:g} s")
        seconds = _journeys(sessions, ctxs, present, load.journey_seconds, rec)
        _say("   capacity without think time")
        capacity = {}
        floor_runs = [
            _capacity(
                sessions, ctxs, FLOOR, load.capacity_seconds, load.capacity_clients
            )
        ]
        for step in present:
            if step.capacity:
                capacity[step.name] = _capacity(
                    sessions, ctxs, step, load.capacity_seconds, load.capacity_clients
                )
        floor_runs.append(
            _capacity(
                sessions, ctxs, FLOOR, load.capacity_seconds, load.capacity_clients
            )
        )
        _say("   queries per request (in process)")
        stats, wrong = queries_per_step(present, ctxs)
        for line in wrong:
            _say(f"   in process, unexpected status: {line}")
        for name, one in stats.items():
            _say(f"   {name}: {one}")
        queries = {name: one.queries for name, one in stats.items()}
        rss = services.peak_rss()
    finally:
        services.stop()
        signal.signal(signal.SIGTERM, previous)
    floor = sum(floor_runs) / len(floor_runs)
    sign_in = Step("sign in (GET + POST)", "worker", lambda s, c: None, (302,), bool)
    figures.insert(0, _figure(sign_in, rec, seconds, {}))
    for step in present:
        figure = _figure(step, rec, seconds, queries)
        figure.notes = str(stats.get(step.name, ""))
        if step.name in capacity:
            figure.ratio = capacity[step.name] / floor if floor else 0
            figure.ok = figure.ok and figure.ratio >= FLOOR_SHARE
            figure.target += f", ≥ {FLOOR_SHARE} × floor"
        figures.append(figure)
    figures.append(
        Figure(
            "capacity: framework floor",
            floor,
            "req/s",
            rps=floor,
            ratio=1.0,
            queries=queries.get(FLOOR.name),
        )
    )
    for name, rps in capacity.items():
        ratio = rps / floor if floor else 0
        figures.append(
            Figure(
                f"capacity: {name}",
                rps,
                "req/s",
                f"≥ {FLOOR_SHARE} × floor",
                ratio >= FLOOR_SHARE,
                rps=rps,
                ratio=ratio,
            )
        )
    for name, (largest, total, count) in rss.items():
        figures.append(Figure(f"{name}: peak RSS, largest process", largest, "MB"))
        figures.append(
            Figure(f"{name}: peak RSS, sum of {count} processes", total, "MB")
        )
    for example in rec.examples[:10]:
        print(f"   error: {example}")  # noqa: T201
    return figures


_START = [time.monotonic()]


def _say(message: str) -> None:
    print(f"{time.monotonic() - _START[0]:6.1f} s {message}", flush=True)  # noqa: T201


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)
