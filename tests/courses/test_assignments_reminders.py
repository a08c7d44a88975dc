"""Due-date reminders: 7 days, tomorrow, overdue; each stage once per enrolment."""

from datetime import date, timedelta

import pytest
from django.core import mail

from courses.models import Enrolment, EnrolmentReminder
from courses.services.assignments import assignment_create, assignment_reminders_send
from courses.services.learning import enrolment_create
from people.models import Notification
from people.notifications import notifications_clear
from tests.factories.courses import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)


@pytest.fixture
def course():
    course = CoursePageFactory(title="人民调解法解读")
    LessonPageFactory(course=course)
    return course


@pytest.fixture
def assign(org, hr_district, course):
    def make(due: date, unit="chaoyang"):
        return assignment_create(
            user=hr_district, org_unit=org[unit], course=course, due_date=due
        )

    return make


def notes(user) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", "key")
    )


def test_each_stage_goes_out_once_on_its_day(worker, assign):
    assign(TODAY + timedelta(days=7))
    enrolment = Enrolment.objects.get(user=worker)

    sent = [
        assignment_reminders_send(today=TODAY + timedelta(days=n)) for n in range(10)
    ]

    assert [n for n, s in enumerate(sent) if s["due7"]] == [0]
    assert [n for n, s in enumerate(sent) if s["due1"]] == [6]
    assert [n for n, s in enumerate(sent) if s["overdue"]] == [8]
    assert [key for _kind, key in notes(worker)] == [
        f"due7:{enrolment.pk}",
        f"due1:{enrolment.pk}",
        f"overdue:{enrolment.pk}",
    ]


def test_the_reminder_says_what_and_when_and_links_to_my_learning(
    worker, assign, django_capture_on_commit_callbacks
):
    worker.email = "zhang@example.cn"
    worker.save()
    assign(TODAY + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        assignment_reminders_send(today=TODAY)

    note = Notification.objects.get(user=worker)
    assert note.kind == "assignment_due"
    assert note.url == "/learning/"
    assert "人民调解法解读" in note.body
    assert "2027-03-02" in note.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang@example.cn"]


def test_a_missed_day_does_not_skip_a_stage(worker, assign):
    assign(TODAY + timedelta(days=5))

    assert assignment_reminders_send(today=TODAY) == {
        "due7": 1,
        "due1": 0,
        "overdue": 0,
    }


def test_running_twice_a_day_sends_nothing_more(worker, assign):
    assign(TODAY - timedelta(days=3))

    first = assignment_reminders_send(today=TODAY)
    second = assignment_reminders_send(today=TODAY)

    assert first["overdue"] == 1
    assert second == {"due7": 0, "due1": 0, "overdue": 0}
    assert Notification.objects.filter(user=worker).count() == 1


def test_clearing_the_bell_does_not_bring_a_reminder_back(worker, assign):
    assign(TODAY - timedelta(days=3))
    assignment_reminders_send(today=TODAY)
    notifications_clear(user=worker)

    assignment_reminders_send(today=TODAY + timedelta(days=1))

    assert not Notification.objects.filter(user=worker).exists()
    assert EnrolmentReminder.objects.count() == 1


def test_completed_self_chosen_and_inactive_are_not_reminded(
    worker, other_worker, hr_district, org, course, assign
):
    assign(TODAY + timedelta(days=1), unit="district")
    Enrolment.objects.filter(user=worker).update(status=Enrolment.Status.COMPLETED)
    other_worker.profile.is_active = False
    other_worker.profile.save()
    own_course = CoursePageFactory()
    enrolment_create(user=hr_district, course=own_course)
    Enrolment.objects.filter(course=own_course).update(due_date=TODAY)

    assert assignment_reminders_send(today=TODAY) == {
        "due7": 0,
        "due1": 0,
        "overdue": 0,
    }


def test_the_beat_task_takes_today_as_an_iso_date(worker, assign, celery_eager):
    from courses.tasks import assignment_reminders_send as task

    assign(TODAY + timedelta(days=7))

    assert task.delay(TODAY.isoformat()).get() == {"due7": 1, "due1": 0, "overdue": 0}


def test_the_beat_schedule_names_the_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["assignment-reminders"]
    from courses import tasks

    assert entry["task"] == tasks.assignment_reminders_send.name
