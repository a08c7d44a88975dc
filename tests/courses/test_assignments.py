"""Assignments: fan-out to enrolments, late joiners, cancellation, plans."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from courses.models import (
    Assignment,
    AssignmentEnrolment,
    Enrolment,
    LearningPlan,
    LessonPage,
)
from courses.selectors.learner import ledger_today
from courses.services import assignments as service
from courses.services.assignments import (
    assignment_cancel,
    assignment_create,
    assignment_fan_out_run,
    learning_plan_save,
)
from courses.services.learning import enrolment_create, lesson_complete
from people.models import AuditEntry
from people.services import WorkerData, worker_upsert
from tests.factories.courses import CoursePageFactory, LessonPageFactory
from tests.factories.people import PositionFactory, UserFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db

ASSIGNED = Enrolment.Source.ASSIGNED


@pytest.fixture
def course():
    course = CoursePageFactory(title="人民调解法解读")
    LessonPageFactory.create_batch(2, course=course)
    return course


@pytest.fixture
def due():
    return ledger_today() + timedelta(days=30)


def add_worker(unit, *, position=None, active=True, user_active=True, name=None):
    profile = WorkerProfileFactory(
        org_unit=unit,
        position=position or PositionFactory(),
        is_active=active,
        user=UserFactory(is_active=user_active, **({"name": name} if name else {})),
    )
    return profile.user


def lessons_of(course) -> list[LessonPage]:
    lessons = LessonPage.objects.filter(path__startswith=course.path)
    return list(lessons.order_by("path"))


def enrolled(course) -> set[str]:
    return set(
        Enrolment.objects.filter(course=course).values_list("user__username", flat=True)
    )


def test_it_enrols_every_active_worker_of_the_subtree(org, hr_street, course, due):
    in_community = add_worker(org["chaoyang"])
    in_grid = add_worker(org["grid"])
    add_worker(org["qingsong"])  # another street
    add_worker(org["chaoyang"], active=False)  # left the post
    add_worker(org["chaoyang"], user_active=False)  # account closed

    assignment = assignment_create(
        user=hr_street, org_unit=org["donghu"], course=course, due_date=due
    )

    assert enrolled(course) == {in_community.username, in_grid.username}
    enrolment = Enrolment.objects.get(user=in_grid, course=course)
    assert enrolment.source == ASSIGNED
    assert enrolment.due_date == due
    assert enrolment.assigned_by == hr_street
    assert enrolment.lessons_required == 2
    assignment.refresh_from_db()
    assert assignment.fan_out_status == Assignment.FanOut.DONE
    assert assignment.fan_out_done == 2
    assert assignment.assignment_enrolments.count() == 2


def test_it_enrols_only_the_positions_listed(org, hr_street, course, due):
    grid_staff = PositionFactory(name="网格员")
    secretary = PositionFactory(name="党委书记")
    on_grid = add_worker(org["chaoyang"], position=grid_staff)
    add_worker(org["chaoyang"], position=secretary)

    assignment_create(
        user=hr_street,
        org_unit=org["chaoyang"],
        course=course,
        due_date=due,
        positions=[grid_staff],
    )

    assert enrolled(course) == {on_grid.username}


def test_an_enrolled_worker_keeps_the_enrolment_and_the_earlier_due_date(
    org, hr_street, hr_district, worker, course, due
):
    own = enrolment_create(user=worker, course=course)
    lesson = lessons_of(course)[0]
    lesson_complete(user=worker, lesson=lesson)

    assignment_create(
        user=hr_street, org_unit=org["donghu"], course=course, due_date=due
    )
    later = due + timedelta(days=10)
    assignment_create(
        user=hr_district, org_unit=org["district"], course=course, due_date=later
    )

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.pk == own.pk
    assert enrolment.lessons_done == 1
    assert enrolment.source == ASSIGNED
    assert enrolment.due_date == due
    assert enrolment.assignment_links.count() == 2

    earlier = due - timedelta(days=5)
    assignment_create(
        user=hr_district, org_unit=org["district"], course=course, due_date=earlier
    )
    enrolment.refresh_from_db()
    assert enrolment.due_date == earlier


def test_an_enrolment_without_due_date_gets_the_assignments(
    org, hr_street, worker, course, due
):
    enrolment_create(user=worker, course=course)

    assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )

    assert Enrolment.objects.get(user=worker, course=course).due_date == due


def test_hr_cannot_assign_outside_its_scope(org, hr_street, course, due):
    with pytest.raises(PermissionDenied):
        assignment_create(
            user=hr_street, org_unit=org["qingsong"], course=course, due_date=due
        )

    assert not Assignment.objects.exists()


def test_creating_an_assignment_is_audited(org, hr_street, worker, course, due):
    assignment = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )

    entry = AuditEntry.objects.get(action="assignment_create")
    assert entry.actor == hr_street
    assert entry.object_id == str(assignment.pk)
    assert entry.details["workers"] == 1
    assert entry.details["due_date"] == due.isoformat()


def test_a_plan_enrols_on_each_of_its_live_courses(org, hr_street, worker, due):
    first, second = CoursePageFactory(), CoursePageFactory()
    draft = CoursePageFactory(live=False)
    plan = learning_plan_save(
        name="新任社区工作者岗前培训", courses=[first, second, draft], user=hr_street
    )

    assignment_create(user=hr_street, org_unit=org["chaoyang"], plan=plan, due_date=due)

    assert set(
        Enrolment.objects.filter(user=worker).values_list("course_id", flat=True)
    ) == {first.pk, second.pk}


def test_a_course_added_to_a_plan_reaches_the_workers_already_assigned(
    org, hr_street, worker, due, celery_eager, django_capture_on_commit_callbacks
):
    first, second = CoursePageFactory(), CoursePageFactory()
    plan = learning_plan_save(
        name="2027年度法律法规专题班", courses=[first], user=hr_street
    )
    assignment_create(user=hr_street, org_unit=org["chaoyang"], plan=plan, due_date=due)

    with django_capture_on_commit_callbacks(execute=True):
        learning_plan_save(
            plan=plan, name=plan.name, courses=[first, second], user=hr_street
        )

    assert Enrolment.objects.filter(user=worker, course=second).exists()
    assert list(
        LearningPlan.objects.get(pk=plan.pk).plan_courses.values_list(
            "course_id", flat=True
        )
    ) == [first.pk, second.pk]


def test_a_large_assignment_is_enrolled_by_a_task_with_progress(
    org, hr_street, course, due, monkeypatch, django_capture_on_commit_callbacks
):
    from courses.tasks import assignment_fan_out

    monkeypatch.setattr(service, "FAN_OUT_INLINE_MAX", 3)
    monkeypatch.setattr(service, "FAN_OUT_BATCH", 2)
    workers = [add_worker(org["chaoyang"]) for _ in range(5)]

    with django_capture_on_commit_callbacks() as callbacks:
        assignment = assignment_create(
            user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
        )

    # Queued through people.outbox once the assignment is committed.
    queued = [
        c.keywords["args"]
        for c in callbacks
        if getattr(c, "keywords", {}).get("name") == assignment_fan_out.name
    ]
    assert queued == [[assignment.pk]]
    assert assignment.fan_out_status == Assignment.FanOut.PENDING
    assert assignment.fan_out_total == 5
    assert not Enrolment.objects.exists()

    assert assignment_fan_out_run(assignment_id=assignment.pk) == 5
    assignment.refresh_from_db()
    assert assignment.fan_out_status == Assignment.FanOut.DONE
    assert assignment.fan_out_done == 5
    assert enrolled(course) == {w.username for w in workers}


def test_running_the_fan_out_again_changes_nothing(org, hr_street, course, due):
    add_worker(org["chaoyang"])
    add_worker(org["grid"])
    assignment = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )
    before = list(Enrolment.objects.order_by("pk").values_list("pk", "updated_at"))

    assert assignment_fan_out_run(assignment_id=assignment.pk) == 2

    assert list(Enrolment.objects.order_by("pk").values_list("pk", "updated_at")) == (
        before
    )
    assert AssignmentEnrolment.objects.count() == 2


def test_the_fan_out_task_runs_through_celery(
    org, hr_street, course, due, celery_eager
):
    from courses.tasks import assignment_fan_out

    add_worker(org["chaoyang"])
    assignment = Assignment.objects.create(
        course=course, org_unit=org["chaoyang"], due_date=due, created_by=hr_street
    )

    assert assignment_fan_out.delay(assignment.pk).get() == 1


# --- Late joiners ----------------------------------------------------------------


def test_a_worker_who_joins_the_subtree_later_is_enrolled(org, hr_street, course, due):
    assignment_create(
        user=hr_street, org_unit=org["donghu"], course=course, due_date=due
    )

    profile, _created = worker_upsert(
        data=WorkerData(
            name="新同事",
            employee_no="W30001",
            mobile="",
            org_unit=org["grid"],
            position=None,
            grade=None,
            hire_date=None,
        )
    )

    enrolment = Enrolment.objects.get(user=profile.user, course=course)
    assert enrolment.source == ASSIGNED
    assert enrolment.due_date == due
    assert enrolment.assigned_by == hr_street
    assert enrolment.assignment_links.get().created_enrolment


def test_a_worker_who_moves_into_the_subtree_is_enrolled(
    org, hr_street, other_worker, course, due
):
    assignment_create(
        user=hr_street, org_unit=org["donghu"], course=course, due_date=due
    )
    assert not Enrolment.objects.filter(user=other_worker).exists()

    profile = other_worker.profile
    profile.org_unit = org["chaoyang"]
    profile.save()

    assert Enrolment.objects.filter(user=other_worker, course=course).exists()


def test_a_late_joiner_of_another_position_is_not_enrolled(org, hr_street, course, due):
    grid_staff = PositionFactory(name="网格员")
    assignment_create(
        user=hr_street,
        org_unit=org["donghu"],
        course=course,
        due_date=due,
        positions=[grid_staff],
    )

    other = add_worker(org["chaoyang"], position=PositionFactory(name="党委书记"))
    on_grid = add_worker(org["chaoyang"], position=grid_staff)
    no_position = WorkerProfileFactory(org_unit=org["chaoyang"], position=None).user

    assert enrolled(course) == {on_grid.username}
    assert other.username not in enrolled(course)
    assert no_position.username not in enrolled(course)


def test_a_cancelled_assignment_enrols_no_late_joiner(org, hr_street, course, due):
    assignment = assignment_create(
        user=hr_street, org_unit=org["donghu"], course=course, due_date=due
    )
    assignment_cancel(assignment=assignment, user=hr_street)

    add_worker(org["chaoyang"])

    assert not Enrolment.objects.exists()


def test_saving_a_worker_twice_links_once(org, hr_street, worker, course, due):
    assignment_create(
        user=hr_street, org_unit=org["donghu"], course=course, due_date=due
    )

    worker.profile.save()
    worker.profile.save()

    assert AssignmentEnrolment.objects.filter(enrolment__user=worker).count() == 1


def test_saving_a_worker_costs_one_query_when_no_assignment_applies(
    org, worker, django_assert_num_queries
):
    profile = worker.profile
    with django_assert_num_queries(2):  # the UPDATE, then the assignment lookup
        profile.save()


# --- Cancelling ------------------------------------------------------------------


def test_cancelling_removes_only_untouched_enrolments_it_made(
    org, hr_street, worker, course, due
):
    untouched = add_worker(org["chaoyang"])
    started = add_worker(org["chaoyang"])
    had_own = add_worker(org["chaoyang"])
    enrolment_create(user=had_own, course=course)
    assignment = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )
    lesson = lessons_of(course)[0]
    lesson_complete(user=started, lesson=lesson)
    for lesson in lessons_of(course):
        lesson_complete(user=worker, lesson=lesson)

    counts = assignment_cancel(assignment=assignment, user=hr_street)

    assert counts == {"removed": 1, "kept": 2, "completed": 1}
    assert untouched.username not in enrolled(course)
    kept = Enrolment.objects.get(user=started, course=course)
    assert (kept.source, kept.due_date, kept.lessons_done) == ("self", None, 1)
    own = Enrolment.objects.get(user=had_own, course=course)
    assert (own.source, own.due_date) == ("self", None)
    done = Enrolment.objects.get(user=worker, course=course)
    assert (done.status, done.source, done.due_date) == ("completed", ASSIGNED, due)
    assignment.refresh_from_db()
    assert not assignment.active
    assert assignment.cancelled_by == hr_street
    entry = AuditEntry.objects.get(action="assignment_cancel")
    assert entry.details == counts


def test_cancelling_keeps_what_another_active_assignment_requires(
    org, hr_street, hr_district, worker, course, due
):
    later = due + timedelta(days=20)
    first = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )
    assignment_create(
        user=hr_district, org_unit=org["district"], course=course, due_date=later
    )

    assignment_cancel(assignment=first, user=hr_street)

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.source == ASSIGNED
    assert enrolment.due_date == later


def test_cancelling_twice_does_nothing_more(org, hr_street, worker, course, due):
    assignment = assignment_create(
        user=hr_street, org_unit=org["chaoyang"], course=course, due_date=due
    )
    assignment_cancel(assignment=assignment, user=hr_street)

    assert assignment_cancel(assignment=assignment, user=hr_street) == {
        "removed": 0,
        "kept": 0,
        "completed": 0,
    }
    assert AuditEntry.objects.filter(action="assignment_cancel").count() == 1


def test_a_plan_keeps_its_courses_in_order(hr_street):
    courses = [CoursePageFactory() for _ in range(3)]

    plan = learning_plan_save(
        name="2027年度法律法规专题班",
        description="全年法律法规专题学习。",
        courses=[courses[2], courses[0], courses[1]],
        user=hr_street,
    )

    assert [pc.course_id for pc in plan.plan_courses.all()] == [
        courses[2].pk,
        courses[0].pk,
        courses[1].pk,
    ]
    assert AuditEntry.objects.filter(action="learning_plan_create").exists()


def test_a_fan_out_that_gives_up_says_so(org, hr_street, course, due):
    from courses.tasks import assignment_fan_out

    assignment = Assignment.objects.create(
        course=course, org_unit=org["chaoyang"], due_date=due, created_by=hr_street
    )

    assignment_fan_out.on_failure(None, "task-id", (assignment.pk,), {}, None)

    assignment.refresh_from_db()
    assert assignment.fan_out_status == Assignment.FanOut.FAILED
    assert hasattr(assignment_fan_out, "delay_on_commit")
