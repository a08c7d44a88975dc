"""HR's assignment pages: assign within scope, follow progress, cancel, plans."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Assignment, Enrolment, LearningPlan
from courses.selectors.learner import ledger_today
from courses.services import assignments as service
from courses.services.assignments import assignment_create, learning_plan_save
from people.models import AuditEntry
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import PositionFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CoursePageFactory(title="人民调解法解读")
    LessonPageFactory(course=course)
    return course


@pytest.fixture
def due():
    return ledger_today() + timedelta(days=30)


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def form_data(course, unit, due, **extra):
    return {
        "course": course.pk,
        "plan": "",
        "org_unit": unit.pk,
        "due_date": due.isoformat(),
        "note": "",
        **extra,
    }


def test_hr_assigns_a_course_to_a_community_and_sees_the_count(
    client_for, org, worker, course, due
):
    client = english(client_for("hr_street"))

    response = client.post(
        "/records/assignments/new/", form_data(course, org["chaoyang"], due)
    )

    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/records/assignments/{assignment.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Assigned: 1 workers enrolled." in page
    assert "张晓明" in page
    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.due_date == due


def test_the_form_offers_only_units_in_scope(client_for, org, course):
    page = english(client_for("hr_street")).get("/records/assignments/new/")
    html = page.content.decode()

    assert "朝阳社区" in html
    assert "东湖街道" in html
    assert "青松社区" not in html
    assert "西山街道" not in html


def test_a_unit_out_of_scope_is_a_form_error(
    client_for, org, other_worker, course, due
):
    client = english(client_for("hr_street"))

    response = client.post(
        "/records/assignments/new/",
        form_data(course, org["qingsong"], due, note="保留的备注"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an org unit within your area." in html
    assert "保留的备注" in html  # the form keeps what was typed
    assert not Assignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_course_and_plan_together_are_refused(client_for, org, course, due, hr_street):
    plan = learning_plan_save(name="岗前培训", courses=[course], user=hr_street)
    client = english(client_for("hr_street"))

    response = client.post(
        "/records/assignments/new/",
        form_data(course, org["chaoyang"], due, plan=plan.pk),
    )

    assert "Choose either a course or a learning plan" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_due_date_in_the_past_is_refused(client_for, org, course):
    client = english(client_for("hr_street"))

    response = client.post(
        "/records/assignments/new/",
        form_data(course, org["chaoyang"], ledger_today() - timedelta(days=1)),
    )

    assert "The due date is in the past." in response.content.decode()


def test_a_large_assignment_shows_that_it_is_assigning(
    client_for, org, course, due, monkeypatch
):
    monkeypatch.setattr(service, "FAN_OUT_INLINE_MAX", 1)
    # The fan-out task is queued on commit, which this test never reaches.
    for _ in range(3):
        WorkerProfileFactory(org_unit=org["chaoyang"])
    client = english(client_for("hr_street"))

    response = client.post(
        "/records/assignments/new/",
        form_data(course, org["chaoyang"], due),
        follow=True,
    )

    html = response.content.decode()
    assert "The workers are being enrolled now." in html
    assert "Assigning… 0 of 3 workers enrolled." in html
    assert 'http-equiv="refresh"' in html


def test_hr_does_not_see_another_streets_assignment(
    client_for, org, hr_district, course, due
):
    theirs = assignment_create(
        user=hr_district, org_unit=org["qingsong"], course=course, due_date=due
    )
    client = english(client_for("hr_street"))

    assert client.get(f"/records/assignments/{theirs.pk}/").status_code == 404
    assert client.get(f"/records/assignments/{theirs.pk}/cancel/").status_code == 404
    assert client.post(f"/records/assignments/{theirs.pk}/cancel/").status_code == 404
    assert Assignment.objects.get(pk=theirs.pk).active
    html = client.get("/records/assignments/?show=all").content.decode()
    assert "No assignment here yet." in html
    district = english(client_for("hr_district"))
    assert "青松社区" in district.get("/records/assignments/").content.decode()


def test_the_list_shows_progress_counts(client_for, org, hr_street, course):
    past_due = ledger_today() - timedelta(days=2)
    people = [WorkerProfileFactory(org_unit=org["chaoyang"]).user for _ in range(3)]
    assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=past_due
    )
    Enrolment.objects.filter(user=people[0]).update(status=Enrolment.Status.COMPLETED)

    html = english(client_for("hr_street")).get("/records/assignments/").content
    row = html.decode().split("<tbody>")[1].split("</tr>")[0]

    cells = [c.split(">", 1)[1] for c in row.split('<td class="num')[1:]]
    assert [c.split("<")[0] for c in cells] == ["3", "1", "2"]


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/records/assignments/")
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_5_or_50_assignments(
    client_for, org, hr_street, course, due
):
    WorkerProfileFactory(org_unit=org["chaoyang"])
    client = client_for("hr_street")
    for _ in range(5):
        assignment_create(
            user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
        )
    few = list_queries(client)
    for _ in range(45):
        assignment_create(
            user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
        )

    assert list_queries(client) == few


def detail_queries(client, pk) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/records/assignments/{pk}/")
    assert response.status_code == 200
    return len(queries)


def test_the_detail_costs_the_same_for_5_or_20_workers(
    client_for, org, hr_street, course, due
):
    for _ in range(5):
        WorkerProfileFactory(org_unit=org["chaoyang"])
    client = client_for("hr_street")
    few = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )
    for _ in range(15):
        WorkerProfileFactory(org_unit=org["chaoyang"])
    many = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )

    assert detail_queries(client, few.pk) == detail_queries(client, many.pk)


def test_cancel_asks_first_then_cancels_and_audits(
    client_for, org, hr_street, worker, course, due
):
    assignment = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )
    client = english(client_for("hr_street"))

    confirm = client.get(f"/records/assignments/{assignment.pk}/cancel/")
    assert "enrolments it made that the worker has not started are removed" in (
        confirm.content.decode()
    )
    assert Assignment.objects.get().active

    done = client.post(f"/records/assignments/{assignment.pk}/cancel/", follow=True)

    assert "The assignment was cancelled." in done.content.decode()
    assert not Assignment.objects.get().active
    assert not Enrolment.objects.exists()
    entry = AuditEntry.objects.get(action="assignment_cancel")
    assert entry.actor == hr_street


def test_hr_creates_a_plan_and_assigns_it(client_for, org, worker, due):
    first, second = CoursePageFactory(), CoursePageFactory()
    client = english(client_for("hr_street"))

    client.post(
        "/records/plans/new/",
        {"name": "新任社区工作者岗前培训", "courses": [first.pk, second.pk]},
    )
    plan = LearningPlan.objects.get()
    client.post(
        "/records/assignments/new/",
        {
            "course": "",
            "plan": plan.pk,
            "org_unit": org["chaoyang"].pk,
            "due_date": due.isoformat(),
        },
    )

    assert set(
        Enrolment.objects.filter(user=worker).values_list("course_id", flat=True)
    ) == {first.pk, second.pk}
    assert "新任社区工作者岗前培训" in client.get("/records/plans/").content.decode()


def test_only_the_author_or_an_admin_changes_a_plan(client_for, hr_street, course):
    plan = learning_plan_save(name="岗前培训", courses=[course], user=hr_street)

    assert (
        client_for("hr_district").get(f"/records/plans/{plan.pk}/edit/").status_code
        == 403
    )
    assert (
        client_for("hr_street").get(f"/records/plans/{plan.pk}/edit/").status_code
        == 200
    )
    assert client_for("admin").get(f"/records/plans/{plan.pk}/edit/").status_code == 200


def test_positions_limit_the_assignment_from_the_form(client_for, org, course, due):
    grid_staff = PositionFactory(name="网格员")
    on_grid = WorkerProfileFactory(org_unit=org["chaoyang"], position=grid_staff).user
    WorkerProfileFactory(
        org_unit=org["chaoyang"], position=PositionFactory(name="党委书记")
    )
    client = client_for("hr_street")

    client.post(
        "/records/assignments/new/",
        form_data(course, org["chaoyang"], due, positions=[grid_staff.pk]),
    )

    assert list(Enrolment.objects.values_list("user", flat=True)) == [on_grid.pk]


def test_workers_do_not_reach_the_assignment_pages(client_for, worker):
    client = client_for("worker")

    assert client.get("/records/assignments/").status_code == 403
    assert client.get("/records/assignments/new/").status_code == 403


def test_a_stopped_fan_out_is_shown_without_refreshing(
    client_for, org, hr_street, course, due
):
    assignment = Assignment.objects.create(
        course=course,
        org_unit=org["chaoyang"],
        due_date=due,
        created_by=hr_street,
        fan_out_status=Assignment.FanOut.FAILED,
        fan_out_total=300,
        fan_out_done=100,
    )

    html = (
        english(client_for("hr_street"))
        .get(f"/records/assignments/{assignment.pk}/")
        .content.decode()
    )

    assert "Enrolling stopped after 100 of 300 workers." in html
    assert 'http-equiv="refresh"' not in html
