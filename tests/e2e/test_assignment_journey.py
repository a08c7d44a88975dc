"""HR assigns a course to a community on a desktop; a worker on a phone sees it in
我的学习 with its due date and the bell's count, completes it, and HR sees it done.

Runs on the demo data (`seed_demo`). Elements are found by id and URL rather than
by label, so the journey holds before and after the Chinese of this area is in.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from courses.models import Assignment, Enrolment, LessonPage
from courses.selectors.learner import ledger_today
from courses.services.assignments import assignment_reminders_send
from people.models import Notification, OrgUnit, WorkerProfile
from tests.factories.courses import CoursePageFactory, LessonPageFactory

from .helpers import demo_seed, no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A course of its own, two lessons of text and no quiz (the demo courses gain
# quizzes and exams from other areas): completed with two taps.
STRESS_COURSE = "社区安全生产检查要点"


def test_hr_assigns_a_course_and_the_worker_completes_it_on_a_phone(desktop, phone):
    demo_seed()
    course = CoursePageFactory(title=STRESS_COURSE, slug="safety-checks")
    LessonPageFactory(course=course, title="检查前的准备", slug="prepare")
    LessonPageFactory(course=course, title="常见隐患与整改", slug="hazards")
    chaoyang = OrgUnit.objects.get(name="朝阳社区")
    due = ledger_today() + timedelta(days=5)
    in_chaoyang = WorkerProfile.objects.filter(
        org_unit__path__startswith=chaoyang.path, is_active=True
    ).count()

    # HR, at a desk.
    sign_in(desktop, "demo_hr_street", landing=r"/records/$")
    desktop.goto("/records/assignments/new/")
    desktop.locator("#id_course").select_option(label=STRESS_COURSE)
    desktop.locator("#id_org_unit").select_option(value=str(chaoyang.pk))
    desktop.locator("#id_due_date").fill(due.isoformat())
    desktop.locator("form button.primary").click()

    expect(desktop).to_have_url(re.compile(r"/records/assignments/\d+/$"))
    expect(desktop.locator("#assignment-counts .figure").first).to_have_text(
        str(in_chaoyang)
    )
    expect(desktop.locator("#assignment-workers")).to_contain_text("陈思远")
    assignment = Assignment.objects.get(course=course)
    assert assignment.created_by.username == "demo_hr_street"

    # The morning's reminders (the beat task), for today.
    assignment_reminders_send(today=ledger_today())
    unread = Notification.objects.filter(
        user__username="demo_worker", read_at__isnull=True
    ).count()
    assert unread >= 1

    # The worker, on a phone.
    sign_in(phone, "demo_worker", landing=r"/learning/$")
    required = phone.locator("#required")
    expect(required).to_contain_text(STRESS_COURSE)
    expect(required).to_contain_text(due.strftime("%Y-%m-%d"))
    expect(phone.locator(".bell-count")).to_have_text(str(unread))
    assert no_sideways_scroll(phone), "我的学习 with the bell is wider than a phone"

    phone.locator(".bell").click()
    expect(phone).to_have_url(re.compile(r"/notifications/$"))
    expect(phone.locator(".notifications")).to_contain_text(STRESS_COURSE)
    assert no_sideways_scroll(phone), "the notifications are wider than a phone"

    lessons = list(
        LessonPage.objects.live()
        .filter(path__startswith=course.path, depth=course.depth + 1)
        .order_by("path")
    )
    phone.goto(lessons[0].url)
    for lesson in lessons:
        expect(phone.get_by_role("heading", level=1)).to_have_text(lesson.title)
        phone.get_by_role("button", name="完成本课").click()
    expect(phone.locator(".course-progress")).to_contain_text("已完成")

    phone.goto("/learning/")
    expect(phone.locator("#completed")).to_contain_text(STRESS_COURSE)
    expect(phone.locator("#required")).not_to_contain_text(STRESS_COURSE)
    enrolment = Enrolment.objects.get(user__username="demo_worker", course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.source == Enrolment.Source.ASSIGNED

    # Back at the desk, the assignment counts the completion.
    desktop.reload()
    expect(desktop.locator("#assignment-counts .figure").nth(1)).to_have_text("1")
