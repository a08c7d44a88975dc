"""Seeded sizes for ``make bench``: one district (S) or a city (M), cached for reruns.

    from tests.bench import seed
    info = seed.ensure("S")        # seeds once; later runs find the marker and skip

The big tables (users, profiles, enrolments, lesson progress, ledger, attempts)
are written with COPY on PostgreSQL (batched INSERTs elsewhere) with ids we
number ourselves; the org tree's materialised paths are built here in
treebeard's format; course and lesson pages go through Wagtail's page API.
A marker table records the size and SEED_VERSION a database holds: when they
match nothing is seeded again; when they do not, a ``lianxin_bench*`` database
is dropped and made again (any other database is refused, never dropped).

Sizes follow the issue (Moodle's performance plans in spirit): S is a district
(2,000 workers, 30 courses × 10 lessons, 40,000 enrolments), M a city of ten
districts (20,000 workers, 100 courses, 400,000 enrolments, about 2,000,000
lesson-progress rows and 200,000 quiz attempts).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

# Bump when what is seeded changes: cached databases are then seeded again.
SEED_VERSION = 2
MARKER_TABLE = "lianxin_bench_seed"
PASSWORD = "lianxin-bench"
HR_STREET = "bench_hr_street"
HR_DISTRICT = "bench_hr_district"
QUESTIONS = 5
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Spec:
    name: str
    districts: int
    streets: int  # per district
    communities: int  # per street
    workers: int
    courses: int
    lessons: int  # per course
    enrolments_per_worker: int
    attempts: int
    items_per_attempt: int = QUESTIONS

    @property
    def enrolments(self) -> int:
        return self.workers * self.enrolments_per_worker


SIZES = {
    "smoke": Spec("smoke", 1, 2, 2, 50, 3, 3, 3, 60),
    "S": Spec("S", 1, 10, 10, 2_000, 30, 10, 20, 20_000),
    "M": Spec("M", 10, 10, 10, 20_000, 100, 10, 20, 200_000),
}


@dataclass
class SeedInfo:
    size: str
    cached: bool
    seconds: float
    tables: dict[str, dict] = field(default_factory=dict)  # name -> rows, seconds


# --- the marker ---------------------------------------------------------------


def marker_read() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(
            f"SELECT size, version, seconds, tables FROM {MARKER_TABLE}"  # noqa: S608
        )
        row = cursor.fetchone()
    if row is None:
        return None
    tables = row[3] if isinstance(row[3], dict) else json.loads(row[3] or "{}")
    return {"size": row[0], "version": row[1], "seconds": row[2], "tables": tables}


def marker_matches(marker: dict | None, size: str) -> bool:
    return bool(marker) and marker["size"] == size and marker["version"] == SEED_VERSION


def marker_write(info: SeedInfo) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(size varchar(16), version integer, seconds double precision, "
            "tables text)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s)",  # noqa: S608
            [info.size, SEED_VERSION, info.seconds, json.dumps(info.tables)],
        )


def database_is_empty() -> bool:
    """No people and no org tree yet: a database migrate has just made."""
    from people.models import OrgUnit, User

    return not User.objects.exists() and not OrgUnit.objects.exists()


def database_recreate() -> None:
    """Drop and make again the (bench) database Django points at, then migrate."""
    from django.core.management import call_command
    from django.db import connections
    from psycopg import sql

    from tests.bench import server_connection

    db = connections["default"].settings_dict
    name = db["NAME"]
    if not name.startswith("lianxin_bench"):
        raise RuntimeError(
            f"Database {name!r} holds other data and no bench seed marker: "
            "point BENCH_DATABASE_URL at a new or lianxin_bench* database."
        )
    connections.close_all()
    with server_connection(db) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    call_command("migrate", verbosity=0, interactive=False)


def ensure(size: str, *, log=print) -> SeedInfo:
    """The database seeded at ``size``: from the marker, or seeded now."""
    # Wagtail's reference-index tasks run inline and log every page at INFO.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    marker = marker_read()
    if marker_matches(marker, size):
        return SeedInfo(size, True, marker["seconds"], marker["tables"])
    if marker is not None or not database_is_empty():
        log(f"… recreating the bench database for size {size}")
        database_recreate()
    info = seed(SIZES[size], log=log)
    marker_write(info)
    return info


# --- bulk writing -------------------------------------------------------------


def _defaults(model, given: list[str]) -> tuple[list[str], list]:
    """Columns the rows do not give, with their model defaults (once per table)."""
    from django.db import models
    from django.utils import timezone

    now = timezone.now()
    columns, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        elif f.has_db_default():
            continue
        elif isinstance(f, models.CharField | models.TextField | models.FileField):
            value = ""
        else:
            raise RuntimeError(f"bench seed: {model.__name__}.{f.name} needs a value")
        if isinstance(f, models.JSONField):
            value = json.dumps(value)
        columns.append(f.column)
        values.append(value)
    return columns, values


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def copy_rows(model, given: list[str], rows: Iterable[tuple]) -> int:
    """Write rows (values for ``given`` attnames, the pk included) in bulk.

    COPY on PostgreSQL, batched INSERTs elsewhere; the pk sequence is moved
    past the ids written so that the app's own inserts go on after them.
    """
    from django.core.management.color import no_style
    from django.db import connection

    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    extra_columns, extra_values = _defaults(model, given)
    columns = [fields[name] for name in given] + extra_columns
    extra = tuple(extra_values)
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append(row + extra)
                if len(batch) == 5000:
                    cursor.executemany(statement, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                count += len(batch)
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return count


def step(n: int, width: int = 4) -> str:
    """treebeard's MP path step for the n-th child (1-based), base 36."""
    out = ""
    while n:
        n, digit = divmod(n, 36)
        out = ALPHABET[digit] + out
    return out.rjust(width, "0")


# --- what is seeded -----------------------------------------------------------


class _Timer:
    def __init__(self, log):
        self.tables: dict[str, dict] = {}
        self.log = log

    def run(self, name: str, func, *args, count=len, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        seconds = time.perf_counter() - start
        rows = result if isinstance(result, int) else count(result)
        self.tables[name] = {"rows": rows, "seconds": round(seconds, 2)}
        self.log(f"   {name:<24} {rows:>10,} rows {seconds:7.1f} s")
        return result


def seed(spec: Spec, *, log=print) -> SeedInfo:
    """Seed ``spec`` into the current database (which holds no bench data yet)."""
    from django.db import transaction

    start = time.perf_counter()
    timer = _Timer(log)
    log(f"… seeding size {spec.name}")
    with transaction.atomic():
        units = timer.run("org units", _org_tree, spec)
        communities = [u for u in units if u.depth == 3]
        users = timer.run("users", _users, spec)
        timer.run("worker profiles", _profiles, spec, users, communities)
        timer.run("roles, HR scopes", _roles, users, units)
        courses = timer.run("course pages", _courses, spec)
        lessons = timer.run(
            "lesson pages",
            _lessons,
            spec,
            courses,
            count=lambda lessons: sum(map(len, lessons.values())),
        )
        quizzes = timer.run("quizzes, questions", _quizzes, courses)
        enrolments = timer.run("enrolments", _enrolments, spec, users, courses)
        timer.run("lesson progress", _progress, spec, enrolments, lessons)
        timer.run("training records", _ledger, enrolments, courses)
        timer.run("certificates", _certificates, enrolments, courses)
        timer.run("quiz attempts", _attempts, spec, enrolments, quizzes)
        timer.run("attempt items", _attempt_items, spec, quizzes)
    with transaction.atomic():
        timer.run("quiz grades", _grades)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            timer.run("analyze", lambda: cursor.execute("ANALYZE") and 0)
    seconds = time.perf_counter() - start
    log(f"   seeded in {seconds:.1f} s")
    return SeedInfo(spec.name, False, round(seconds, 1), timer.tables)


def _org_tree(spec: Spec) -> list:
    """Districts as roots, streets and communities under them (paths built here)."""
    from people.models import OrgUnit

    roots = []
    for d in range(1, spec.districts + 1):
        roots.append(OrgUnit.add_root(name=f"基准区{d:02d}", level=1, code=f"D{d:02d}"))
    pk = next_id(OrgUnit)
    units = list(roots)
    for d, root in enumerate(roots, start=1):
        root.refresh_from_db()
        for s in range(1, spec.streets + 1):
            street = OrgUnit(
                pk=pk,
                path=root.path + step(s),
                depth=2,
                numchild=spec.communities,
                name=f"基准区{d:02d}街道{s:02d}",
                level=2,
                code=f"D{d:02d}S{s:02d}",
            )
            pk += 1
            units.append(street)
            for c in range(1, spec.communities + 1):
                units.append(
                    OrgUnit(
                        pk=pk,
                        path=street.path + step(c),
                        depth=3,
                        numchild=0,
                        name=f"{street.name}社区{c:02d}",
                        level=3,
                        code=f"{street.code}C{c:02d}",
                    )
                )
                pk += 1
    copy_rows(
        OrgUnit,
        ["id", "path", "depth", "numchild", "name", "level", "code"],
        (
            (u.pk, u.path, u.depth, u.numchild, u.name, u.level, u.code)
            for u in units[len(roots) :]
        ),
    )
    OrgUnit.objects.filter(pk__in=[r.pk for r in roots]).update(numchild=spec.streets)
    return units


def _users(spec: Spec) -> list[int]:
    from django.utils import timezone

    from people.models import User

    password = password_hash()
    now = timezone.now()
    first = next_id(User)
    ids = list(range(first, first + spec.workers))
    rows = (
        (pk, f"bw{n:06d}", f"基准学员{n}", password, now, True)
        for n, pk in enumerate(ids, start=1)
    )
    copy_rows(
        User, ["id", "username", "name", "password", "date_joined", "is_active"], rows
    )
    for username, name in ((HR_STREET, "街道组织人事"), (HR_DISTRICT, "区组织人事")):
        User.objects.create(username=username, password=password, name=name)
    return ids


def password_hash() -> str:
    """PASSWORD hashed as production does (PBKDF2 at Django's iterations).

    Not make_password: the test settings the harness runs under hash with MD5,
    which gunicorn (production settings) would refuse at sign-in.
    """
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def _profiles(spec: Spec, users: list[int], communities: list) -> int:
    from people.models import Position, WorkerProfile

    positions = [
        Position.objects.get_or_create(name=name, defaults={"post_type": kind})[0].pk
        for name, kind in (
            ("社区党组织书记", "principal"),
            ("社区居委会副主任", "deputy"),
            ("专职社区工作者", "other"),
            ("网格员", "other"),
        )
    ]
    per = -(-len(users) // len(communities))
    first = next_id(WorkerProfile)
    rows = (
        (
            first + n,
            user_id,
            f"B{n + 1:06d}",
            communities[n // per].pk,
            positions[0 if n % 20 == 0 else 1 if n % 20 == 1 else 2 + n % 2],
            1 + n % 12,
            True,
        )
        for n, user_id in enumerate(users)
    )
    return copy_rows(
        WorkerProfile,
        [
            "id",
            "user_id",
            "employee_no",
            "org_unit_id",
            "position_id",
            "grade",
            "is_active",
        ],
        rows,
    )


def _roles(users: list[int], units: list) -> int:
    from django.contrib.auth.models import Group

    from people import roles
    from people.models import HRScope, User

    worker = Group.objects.get_or_create(name=roles.GROUP_NAMES[roles.WORKER])[0]
    hr = Group.objects.get_or_create(name=roles.GROUP_NAMES[roles.HR])[0]
    through = User.groups.through
    first = next_id(through)
    copy_rows(
        through,
        ["id", "user_id", "group_id"],
        ((first + n, user_id, worker.pk) for n, user_id in enumerate(users)),
    )
    street = next(u for u in units if u.depth == 2)
    district = next(u for u in units if u.depth == 1)
    for username, unit in ((HR_STREET, street), (HR_DISTRICT, district)):
        user = User.objects.get(username=username)
        user.groups.add(hr)
        HRScope.objects.create(user=user, org_unit=unit)
    return len(users) + 2


def _courses(spec: Spec) -> list:
    from cms.services import site_ensure
    from courses.models import Category, CoursePage, HoursTarget
    from courses.publishing import course_section_ensure
    from courses.services.ledger import ledger_year

    site_ensure()
    index = course_section_ensure()
    categories = list(Category.objects.all()) or [None]
    HoursTarget.objects.get_or_create(
        year=ledger_year(), position=None, defaults={"hours": Decimal(40)}
    )
    courses = []
    for c in range(1, spec.courses + 1):
        index.refresh_from_db()
        course = CoursePage(
            title=f"基准课程{c:03d} 社区治理实务",
            slug=f"bench-course-{c:03d}",
            summary="讲解社区工作者日常工作中的政策依据、工作方法和典型案例。",
            category=categories[c % len(categories)],
            kind=CoursePage.Kind.REQUIRED if c % 4 == 0 else CoursePage.Kind.ELECTIVE,
            credit_hours=Decimal("2.0"),
            certificate_enabled=c % 3 == 1,
            live=True,
        )
        index.add_child(instance=course)
        courses.append(course)
    return courses


def _lessons(spec: Spec, courses: list) -> dict[int, list[int]]:
    """Lessons through add_child (Wagtail fills url paths, locale, search index)."""
    from courses.models import CoursePage, LessonPage

    body = [("rich_text", "<p>社区工作者要熟悉居民情况，做到底数清、情况明。</p>")]
    lessons: dict[int, list[int]] = {}
    for course in courses:
        parent = CoursePage.objects.get(pk=course.pk)
        ids = []
        for n in range(1, spec.lessons + 1):
            lesson = LessonPage(
                title=f"第{n}课 工作方法", slug=f"lesson-{n:02d}", body=body, live=True
            )
            parent.add_child(instance=lesson)
            parent.numchild += 1  # add_child keeps the parent's fields in step
            ids.append(lesson.pk)
        lessons[course.pk] = ids
    return lessons


def _quizzes(courses: list) -> dict[int, tuple[int, list[tuple[int, Decimal]]]]:
    """A final exam of five single-choice questions per course (many resits)."""
    from assessments.models import (
        Question,
        QuestionBank,
        QuestionVersion,
        Quiz,
        QuizQuestion,
    )

    bank = QuestionBank.objects.create(name="基准题库")
    versions = []
    for n in range(1, QUESTIONS + 1):
        question = Question.objects.create(bank=bank, type="single", name=f"基准题{n}")
        version = QuestionVersion.objects.create(
            question=question,
            number=1,
            stem=f"<p>第{n}题：人民调解应当遵循什么原则？</p>",
            choices=[
                {"key": k, "text": t, "fraction": f, "feedback": ""}
                for k, t, f in zip(
                    "ABCD",
                    ["依法调解", "强制调解", "收费调解", "拒绝调解"],
                    [1.0, 0.0, 0.0, 0.0],
                    strict=True,
                )
            ],
            answer=["A"],
            points=Decimal(2),
        )
        question.current_version = version
        question.save(update_fields=["current_version"])
        versions.append((question, version))
    quizzes = {}
    for course in courses:
        quiz = Quiz.objects.create(
            title=f"{course.title} 结业测验",
            kind=Quiz.Kind.FINAL,
            course=course,
            attempts_allowed=30_000,
            shuffle_questions=False,
            shuffle_choices=False,
            review_policy=Quiz.Review.SCORE_ONLY,
        )
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=q, sort_order=n)
            for n, (q, _v) in enumerate(versions)
        )
        quizzes[course.pk] = (quiz.pk, [(v.pk, v.points) for _q, v in versions])
    return quizzes


@dataclass
class _Enrolment:
    pk: int
    user_id: int
    course_id: int
    done: int
    completed_at: object


def _enrolments(spec: Spec, users: list[int], courses: list) -> list[_Enrolment]:
    """Each worker on ``enrolments_per_worker`` courses; lessons done spread 0..all."""
    from django.utils import timezone

    from courses.models import Enrolment

    now = timezone.now()
    first = next_id(Enrolment)
    enrolments = []
    count = len(courses)
    for n, user_id in enumerate(users):
        for k in range(spec.enrolments_per_worker):
            course = courses[(n * 7 + k) % count]
            done = (n * 3 + k * 5) % (spec.lessons + 1)
            completed = (
                now - timedelta(days=(n + k) % 200) if done == spec.lessons else None
            )
            enrolments.append(
                _Enrolment(first + len(enrolments), user_id, course.pk, done, completed)
            )
    rows = (
        (
            e.pk,
            e.user_id,
            e.course_id,
            "assigned" if e.pk % 3 == 0 else "self",
            "completed" if e.completed_at else "in_progress",
            e.done,
            spec.lessons,
            e.completed_at,
            now - timedelta(days=300),
        )
        for e in enrolments
    )
    copy_rows(
        Enrolment,
        [
            "id",
            "user_id",
            "course_id",
            "source",
            "status",
            "lessons_done",
            "lessons_required",
            "completed_at",
            "enrolled_at",
        ],
        rows,
    )
    return enrolments


def _progress(spec: Spec, enrolments: list[_Enrolment], lessons: dict) -> int:
    from django.utils import timezone

    from courses.models import LessonProgress

    now = timezone.now()
    first = next_id(LessonProgress)

    def rows() -> Iterator[tuple]:
        pk = first
        for e in enrolments:
            for lesson_id in lessons[e.course_id][: e.done]:
                yield (pk, e.pk, lesson_id, 100, now - timedelta(days=pk % 300))
                pk += 1

    return copy_rows(
        LessonProgress,
        ["id", "enrolment_id", "lesson_id", "video_percent", "completed_at"],
        rows(),
    )


def _ledger(enrolments: list[_Enrolment], courses: list) -> int:
    from courses.models import TrainingRecord
    from courses.services.ledger import ledger_year

    titles = {c.pk: c.title for c in courses}
    year = ledger_year()
    first = next_id(TrainingRecord)
    rows = (
        (
            first + n,
            e.user_id,
            year,
            Decimal("2.0"),
            "online",
            f"course:{e.course_id}",
            titles[e.course_id],
            e.completed_at,
        )
        for n, e in enumerate(x for x in enrolments if x.completed_at)
    )
    return copy_rows(
        TrainingRecord,
        [
            "id",
            "user_id",
            "year",
            "hours",
            "source",
            "reference",
            "title",
            "created_at",
        ],
        rows,
    )


def _certificates(enrolments: list[_Enrolment], courses: list) -> int:
    from django.utils import timezone

    from assessments.models import Certificate
    from people.models import User

    enabled = {c.pk: c.title for c in courses if c.certificate_enabled}
    names = dict(
        User.objects.filter(username__startswith="bw").values_list("pk", "name")
    )
    year = timezone.localdate().year
    first = next_id(Certificate)
    done = [e for e in enrolments if e.completed_at and e.course_id in enabled]
    rows = (
        (
            first + n,
            e.user_id,
            e.course_id,
            1,
            f"LXB-{year}-{n + 1:07d}",
            secrets.token_hex(16),
            names[e.user_id],
            enabled[e.course_id],
            Decimal("2.0"),
            timezone.localtime(e.completed_at).date(),
            "连心区社区工作者培训中心",
        )
        for n, e in enumerate(done)
    )
    return copy_rows(
        Certificate,
        [
            "id",
            "user_id",
            "course_id",
            "cycle",
            "serial",
            "code",
            "holder_name",
            "course_title",
            "hours",
            "completed_on",
            "issuer_name",
        ],
        rows,
    )


def _attempts(spec: Spec, enrolments: list[_Enrolment], quizzes: dict) -> int:
    """One finished attempt on the final exam for ``spec.attempts`` enrolments."""
    from django.utils import timezone

    from assessments.models import Attempt

    now = timezone.now()
    stride = max(1, len(enrolments) // max(spec.attempts, 1))
    chosen = enrolments[::stride][: spec.attempts]
    first = next_id(Attempt)
    max_score = Decimal(2 * QUESTIONS)

    def rows() -> Iterator[tuple]:
        for n, e in enumerate(chosen):
            right = (n * 7) % (QUESTIONS + 1)
            score = Decimal(2 * right)
            percent = (score * 100 / max_score).quantize(Decimal("0.01"))
            at = now - timedelta(days=n % 300, minutes=n % 600)
            yield (
                first + n,
                quizzes[e.course_id][0],
                e.user_id,
                1,
                "finished",
                QUESTIONS + 1,
                at - timedelta(minutes=15),
                at,
                score,
                max_score,
                percent,
                percent >= 60,
            )

    return copy_rows(
        Attempt,
        [
            "id",
            "quiz_id",
            "user_id",
            "number",
            "status",
            "seq",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
        ],
        rows(),
    )


def _attempt_items(spec: Spec, quizzes: dict) -> int:
    from assessments.models import Attempt, AttemptItem

    versions = dict(quizzes.values())
    first = next_id(AttemptItem)
    choice_order = json.dumps(list("ABCD"))

    # Read before COPY starts: the connection can run nothing else during it.
    attempts = list(
        Attempt.objects.filter(user__username__startswith="bw")
        .order_by("pk")
        .values_list("pk", "quiz_id", "score", "submitted_at")
    )

    def rows() -> Iterator[tuple]:
        pk = first
        for attempt_id, quiz_id, score, submitted in attempts:
            right = int(score / 2)
            for position, (version_id, points) in enumerate(versions[quiz_id], 1):
                ok = position <= right
                yield (
                    pk,
                    attempt_id,
                    position,
                    version_id,
                    points,
                    choice_order,
                    json.dumps(["A" if ok else "B"]),
                    submitted,
                    points if ok else Decimal(0),
                )
                pk += 1

    return copy_rows(
        AttemptItem,
        [
            "id",
            "attempt_id",
            "position",
            "version_id",
            "points",
            "choice_order",
            "answer",
            "answered_at",
            "score",
        ],
        rows(),
    )


def _grades() -> int:
    """One QuizGrade per worker and quiz, from their finished attempt (SQL)."""
    from django.db import connection

    from assessments.models import Attempt, QuizGrade

    attempt = Attempt._meta.db_table
    grade = QuizGrade._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {grade} (quiz_id, user_id, attempt_id, percent, passed, "  # noqa: S608
            "passed_at, updated_at) "
            f"SELECT quiz_id, user_id, id, percent, passed, "
            f"CASE WHEN passed THEN submitted_at END, submitted_at FROM {attempt} "
            "WHERE status = 'finished'"
        )
        return cursor.rowcount
