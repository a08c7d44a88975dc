"""我的学习: hours against the target, courses, sessions and the worker's ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from courses.models import (
    Category,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    HoursTarget,
    TrainingRecord,
)
from courses.selectors.learner import ledger_today
from courses.services.ledger import hours_correct, hours_credit
from tests.factories.offline import OfflineSessionFactory, SessionRegistrationFactory

pytestmark = pytest.mark.django_db

ASSIGNED = Enrolment.Source.ASSIGNED
SELF = Enrolment.Source.SELF
COMPLETED = Enrolment.Status.COMPLETED


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def catalog(db):
    """The catalog page: made after migrate by the courses app, else here."""
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(title="课程中心", slug="courses")
        Page.objects.get(depth=2).add_child(instance=index)
    return index


def make_course(catalog, title: str, slug: str) -> CoursePage:
    category = Category.objects.order_by("pk").first() or Category.objects.create(
        name="法律法规", slug="law"
    )
    course = CoursePage(
        title=title,
        slug=slug,
        summary="面向社区工作者的在线课程。",
        category=category,
        credit_hours=Decimal("1.5"),
    )
    catalog.add_child(instance=course)
    return course


def enrol(user, course, **fields) -> Enrolment:
    return Enrolment.objects.create(user=user, course=course, **fields)


def credit(user, hours: str, reference: str, year: int | None = None):
    record, _created = hours_credit(
        user=user,
        year=year or ledger_today().year,
        hours=Decimal(hours),
        source=TrainingRecord.Source.ONLINE,
        reference=reference,
        title=f"课程学时 {reference}",
    )
    return record


def page(client):
    response = client.get("/learning/")
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, anchor: str) -> str:
    """The HTML of one <section id=…> of the page."""
    start = body.index(f'id="{anchor}"')
    return body[start : body.index("</section>", start)]


# --- hours -----------------------------------------------------------------------


def test_it_shows_this_years_hours_against_the_target(client_for, worker):
    year = ledger_today().year
    HoursTarget.objects.create(year=year, position=None, hours=Decimal("40"))
    credit(worker, "10.0", "course:1")
    credit(worker, "2.5", "course:2")
    credit(worker, "8.0", "course:3", year=year - 1)

    hours = section(page(english(client_for("worker"))), "hours")

    assert f"Training hours in {year}" in hours
    assert "12.5" in hours
    assert "/ 40 hours" in hours
    assert 'aria-valuenow="31"' in hours
    assert "31% of the annual target." in hours


def test_the_target_of_the_workers_position_is_shown(client_for, worker):
    year = ledger_today().year
    HoursTarget.objects.create(year=year, position=None, hours=Decimal("40"))
    HoursTarget.objects.create(
        year=year, position=worker.profile.position, hours=Decimal("56")
    )

    hours = section(page(english(client_for("worker"))), "hours")

    assert "/ 56 hours" in hours


def test_reaching_the_target_is_said_in_words(client_for, worker, settings):
    settings.LIANXIN_DEFAULT_HOURS_TARGET = Decimal("3")
    credit(worker, "3.5", "course:1")

    hours = section(page(english(client_for("worker"))), "hours")

    assert "/ 3 hours" in hours
    assert "You have reached this year's target." in hours


def test_the_worker_sees_their_ledger_with_corrections(client_for, worker, admin):
    record = credit(worker, "2.0", "course:1")
    hours_correct(
        record=record, hours=Decimal("-0.5"), reason="迟到半小时", actor=admin
    )

    ledger = section(page(english(client_for("worker"))), "ledger")

    assert "课程学时 course:1" in ledger
    assert "Reason: 迟到半小时" in ledger
    assert "-0.5" in ledger
    assert "/learning/hours/" in ledger


def test_the_ledger_shows_the_last_ten_entries_and_links_to_all(client_for, worker):
    for n in range(12):
        credit(worker, "1.0", f"course:{n}")

    ledger = section(page(english(client_for("worker"))), "ledger")

    assert ledger.count("<tr>") == 11  # the header and ten entries
    assert "Your latest 10 entries are shown." in ledger
    assert 'href="/learning/hours/"' in ledger


def test_the_whole_ledger_is_paginated_by_twenty_per_year(client_for, worker):
    year = ledger_today().year
    for n in range(25):
        credit(worker, "1.0", f"course:{n}")
    credit(worker, "4.0", "course:old", year=year - 2)
    client = english(client_for("worker"))

    first = client.get("/learning/hours/").content.decode()
    second = client.get(f"/learning/hours/?year={year}&page=2").content.decode()
    old = client.get(f"/learning/hours/?year={year - 2}").content.decode()

    assert first.count("<tr>") == 21
    assert second.count("<tr>") == 6
    assert "Page 1 of 2" in first
    assert f'href="?year={year - 2}"' in first
    assert "课程学时 course:old" in old
    assert "课程学时 course:1" not in old


def test_another_workers_ledger_is_never_shown(client_for, worker, other_worker):
    credit(other_worker, "6.0", "course:secret")

    body = page(english(client_for("worker")))
    hours_page = english(client_for("worker")).get("/learning/hours/")

    assert "course:secret" not in body
    assert "course:secret" not in hours_page.content.decode()


# --- courses ---------------------------------------------------------------------


def test_required_courses_show_their_due_dates_and_overdue_ones_stand_out(
    client_for, worker, catalog
):
    today = ledger_today()
    late = make_course(catalog, "人民调解法解读", "mediation")
    soon = make_course(catalog, "公文写作基础", "writing")
    enrol(worker, late, source=ASSIGNED, due_date=today - timedelta(days=3))
    enrol(worker, soon, source=ASSIGNED, due_date=today + timedelta(days=10))

    required = section(page(english(client_for("worker"))), "required")

    late_due = (today - timedelta(days=3)).isoformat()
    soon_due = (today + timedelta(days=10)).isoformat()
    assert f"Overdue: was due {late_due}" in required
    assert f"Due {soon_due}" in required
    assert required.index("人民调解法解读") < required.index("公文写作基础")
    assert required.count('class="is-overdue"') == 1
    assert f'href="{late.url}"' in required


def test_a_course_due_today_is_not_overdue(client_for, worker, catalog):
    course = make_course(catalog, "应急处置", "emergency")
    enrol(worker, course, source=ASSIGNED, due_date=ledger_today())

    required = section(page(english(client_for("worker"))), "required")

    assert f"Due {ledger_today().isoformat()}" in required
    assert "Overdue" not in required


def test_courses_in_progress_show_the_percent_and_a_resume_link(
    client_for, worker, catalog
):
    course = make_course(catalog, "心理健康与压力管理", "wellbeing")
    enrol(worker, course, source=SELF, lessons_done=1, lessons_required=4)

    in_progress = section(page(english(client_for("worker"))), "in-progress")

    assert "心理健康与压力管理" in in_progress
    assert "25% done" in in_progress
    assert 'aria-valuenow="25"' in in_progress
    assert f'href="{course.url}"' in in_progress
    assert "Resume" in in_progress


def test_completed_courses_show_the_completion_date(client_for, worker, catalog):
    course = make_course(catalog, "计算机与办公技能", "office")
    done_at = timezone.now() - timedelta(days=2)
    enrol(
        worker,
        course,
        status=COMPLETED,
        completed_at=done_at,
        lessons_done=3,
        lessons_required=3,
        source=ASSIGNED,
        due_date=ledger_today(),
    )

    body = page(english(client_for("worker")))

    completed = section(body, "completed")
    local_date = timezone.localtime(done_at).date().isoformat()
    assert f"Completed on {local_date}" in completed
    assert "计算机与办公技能" in completed
    assert "计算机与办公技能" not in section(body, "required")
    assert "计算机与办公技能" not in section(body, "in-progress")


def test_upcoming_sessions_i_registered_for_are_listed(client_for, worker):
    mine = OfflineSessionFactory(title="模拟演练：防汛应急")
    OfflineSessionFactory(title="别人的讲座")
    SessionRegistrationFactory(session=mine, user=worker)

    sessions = section(page(english(client_for("worker"))), "sessions")

    assert "模拟演练：防汛应急" in sessions
    assert "别人的讲座" not in sessions
    assert f'href="/sessions/{mine.pk}/"' in sessions
    assert "Registered" in sessions


def test_an_empty_record_says_what_will_appear(client_for, worker):
    body = page(english(client_for("worker")))

    assert "No course has been assigned to you." in section(body, "required")
    assert "You have no course in progress." in section(body, "in-progress")
    assert "No completed course yet." in section(body, "completed")
    assert "You have not registered for any upcoming offline session." in section(
        body, "sessions"
    )
    assert "No hours recorded this year yet." in section(body, "ledger")
    assert "/ 40 hours" in section(body, "hours")


def test_staff_without_a_profile_still_get_a_page(client_for, trainer):
    body = page(english(client_for("trainer")))

    assert "Your account has no worker profile yet." in body
    assert "No course has been assigned to you." in body


# --- queries ---------------------------------------------------------------------


def add_enrolments(user, catalog, start: int, count: int):
    """A third assigned (some overdue), a third self-enrolled, a third completed."""
    today = ledger_today()
    for n in range(start, start + count):
        course = make_course(catalog, f"课程 {n}", f"course-{n}")
        kind = n % 3
        if kind == 0:
            enrol(
                user,
                course,
                source=ASSIGNED,
                due_date=today + timedelta(days=n - 10),
                lessons_required=5,
            )
        elif kind == 1:
            enrol(user, course, source=SELF, lessons_done=n % 5, lessons_required=5)
        else:
            enrol(
                user,
                course,
                status=COMPLETED,
                completed_at=timezone.now(),
                lessons_done=5,
                lessons_required=5,
            )


def count_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        body = page(client)
    return len(queries), body


def test_my_learning_keeps_a_constant_number_of_queries(
    client_for,
    worker,
    catalog,
    capsys,
    no_page_cache,
):
    HoursTarget.objects.create(year=ledger_today().year, position=None, hours=40)
    for n in range(12):
        credit(worker, "1.0", f"course:{n}")
    for _ in range(3):
        SessionRegistrationFactory(session=OfflineSessionFactory(), user=worker)
    client = english(client_for("worker"))
    add_enrolments(worker, catalog, 0, 5)
    page(client)  # warm the session and the site-root cache

    with_5, body_5 = count_queries(client)
    add_enrolments(worker, catalog, 5, 45)
    with_50, body_50 = count_queries(client)

    with capsys.disabled():
        print(f"\n我的学习 queries: {with_5} with 5 enrolments, {with_50} with 50")  # noqa: T201 - the closing note reports it
    course_link = f'href="{catalog.url}course-'
    assert body_5.count(course_link) == 5
    assert body_50.count(course_link) == 50
    assert with_5 == with_50
    assert with_50 <= 15
