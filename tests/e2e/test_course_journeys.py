"""Course journeys in a real browser: a worker learns on a phone; a lesson is published.

Both journeys run on the demo data (`seed_demo`), as a new colleague would see
it after `make run`.
"""

import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from assessments.models import Attempt, Quiz
from courses.models import CoursePage, Enrolment, LessonPage, TrainingRecord
from courses.services.ledger import hours_for_year, ledger_year

from .helpers import (
    answer_attempt_correctly,
    demo_seed,
    no_sideways_scroll,
    open_page,
    sign_in,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

# An elective with five lessons of text and reflection questions and a final
# exam: no prerequisite, no video-only lesson, open to every worker.
STRESS_COURSE = "社区工作者压力管理"
STRESS_LESSONS = [
    "识别压力信号",
    "调节情绪的方法",
    "与居民冲突中的自我保护",
    "工作量与边界",
    "学会寻求支持",
]
NEW_LESSON = "睡眠与恢复"
NEW_HEADING = "睡好觉，是最省钱的减压办法"


def test_a_worker_finds_a_course_by_search_completes_it_on_a_phone_and_sees_the_hours(
    phone,
):
    demo_seed()
    course = CoursePage.objects.get(title=STRESS_COURSE)
    assert not course.prerequisites.exists()
    assert course.credit_hours == Decimal("2.5")
    hours_before = hours_for_year(user=_demo_worker(), year=ledger_year())
    sign_in(phone, "demo_worker", landing=r"/learning/$")

    search = phone.get_by_role("banner").get_by_role("searchbox")
    search.fill("压力管理")
    search.press("Enter")
    expect(phone).to_have_url(re.compile(r"/search/\?q="))
    phone.get_by_role("link", name=STRESS_COURSE, exact=True).first.click()

    expect(phone.get_by_role("heading", level=1)).to_have_text(STRESS_COURSE)
    lessons = phone.locator(".lesson-list li")
    expect(lessons).to_have_text([re.compile(title) for title in STRESS_LESSONS])
    assert no_sideways_scroll(phone), "the course page is wider than a 360 px phone"

    phone.get_by_role("button", name="报名学习").click()

    for number, title in enumerate(STRESS_LESSONS, start=1):
        expect(phone.get_by_role("heading", level=1)).to_have_text(title)
        expect(phone.locator(".crumbs")).to_contain_text(STRESS_COURSE)
        if number == 1:
            assert no_sideways_scroll(phone), "a lesson is wider than a 360 px phone"
        phone.get_by_role("button", name="完成本课").click()

    # Every lesson is done; the course waits for its final exam.
    expect(phone.get_by_role("heading", level=1)).to_have_text(STRESS_COURSE)
    expect(phone.locator(".lesson-list li.is-done")).to_have_count(5)
    exam = Quiz.objects.get(course=course, kind=Quiz.Kind.FINAL)
    phone.locator(f"a[href='/quiz/{exam.pk}/']").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(exam.title)
    phone.locator("form button.primary").click()
    expect(phone).to_have_url(re.compile(r"/quiz/attempt/\d+/$"))
    assert no_sideways_scroll(phone), "the exam is wider than a 360 px phone"
    attempt = Attempt.objects.get(quiz=exam, user__username="demo_worker")
    answer_attempt_correctly(phone, attempt)
    expect(phone).to_have_url(re.compile(r"/quiz/attempt/\d+/review/$"))
    expect(phone.locator(".quiz-score-big")).to_have_text("100%")

    # Passing the exam completes the course.
    phone.goto(course.url)
    expect(phone.locator(".course-progress")).to_contain_text("已完成")
    expect(phone.locator(".course-completed")).to_contain_text("2.5")
    expect(phone.locator(".lesson-list li.is-done")).to_have_count(5)

    phone.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的学习")
    hours_after = hours_before + course.credit_hours
    expect(phone.locator("#hours .hours-figure")).to_contain_text(
        re.compile(rf"^\s*{_shown(hours_after)}\b")
    )
    completed = phone.locator("#completed")
    expect(completed).to_contain_text("已完成")
    expect(completed.get_by_role("link", name=STRESS_COURSE)).to_be_visible()
    expect(phone.locator("#ledger")).to_contain_text(STRESS_COURSE)
    expect(phone.locator("#ledger")).to_contain_text("线上课程")
    assert no_sideways_scroll(phone), "我的学习 is wider than a 360 px phone"

    enrolment = Enrolment.objects.get(user__username="demo_worker", course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    record = TrainingRecord.objects.get(
        user__username="demo_worker",
        source=TrainingRecord.Source.ONLINE,
        reference=f"course:{course.pk}",
    )
    assert record.reference == f"course:{course.pk}"
    assert record.hours == course.credit_hours


def _shown(hours: Decimal) -> str:
    """Hours as the page shows them (floatformat:"-1"): 7.5, or 10 for 10.0."""
    return f"{hours:.1f}".removesuffix(".0")


def _demo_worker():
    from people.models import User

    return User.objects.get(username="demo_worker")


def test_a_trainers_new_lesson_reaches_workers_only_after_a_reviewer_approves_it(
    desktop, browser, live_server
):
    demo_seed()
    course = CoursePage.objects.get(title=STRESS_COURSE)
    sign_in(desktop, "demo_trainer", landing=r"/admin/$")

    desktop.goto(f"/admin/pages/{course.pk}/")
    expect(desktop.get_by_role("heading", level=1)).to_contain_text(STRESS_COURSE)
    desktop.get_by_role("link", name="添加子页面").click()
    expect(desktop).to_have_url(re.compile(r"/admin/pages/add/courses/lessonpage/"))
    desktop.get_by_placeholder("页面标题*").fill(NEW_LESSON)
    desktop.locator(".c-sf-add-button").first.click()
    desktop.get_by_role("option", name="标题", exact=True).click()
    desktop.locator("#body-0-value").fill(NEW_HEADING)
    actions = desktop.locator("footer")
    actions.locator(".w-dropdown__toggle").click()
    # A trainer may save or submit, never publish: the reviewer does that.
    expect(actions.get_by_role("button", name="保存草稿")).to_be_visible()
    expect(actions.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    actions.get_by_role("button", name="提交给课程审核").click()

    expect(desktop.get_by_role("status")).to_contain_text(
        f"页面 '{NEW_LESSON}' 已创建并提交审核"
    )
    row = desktop.get_by_role("row").filter(has_text=NEW_LESSON)
    expect(row).to_contain_text("审核中")
    lesson = LessonPage.objects.get(title=NEW_LESSON)
    assert lesson.get_parent().specific == course
    assert not lesson.live
    assert lesson.has_unpublished_changes
    state = lesson.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "课程审核"

    with open_page(browser, live_server, "course-journey-worker-before") as worker:
        sign_in(worker, "demo_worker", landing=r"/learning/$")
        assert unquote(lesson.url) == f"{course.url}{lesson.slug}/"
        response = worker.goto(lesson.url)
        assert response.status == 404
        expect(worker.get_by_role("heading", level=1)).to_have_text("页面不存在")
        worker.goto(course.url)
        expect(worker.locator(".lesson-list li")).to_have_count(len(STRESS_LESSONS))
        expect(worker.locator(".lesson-list")).not_to_contain_text(NEW_LESSON)

    with open_page(browser, live_server, "course-journey-reviewer") as reviewer:
        sign_in(reviewer, "demo_reviewer", landing=r"/admin/$")
        panel = reviewer.get_by_role("region", name="等待你的审查")
        row = panel.get_by_role("row").filter(has_text=NEW_LESSON)
        expect(row).to_contain_text("王海燕")
        row.locator(".w-dropdown__toggle").click()
        row.get_by_role("button", name="批准", exact=True).click()
        # Wagtail says nothing on the dashboard: the lesson leaves the panel
        # and is live (在用) in the course's page listing.
        expect(reviewer).to_have_url(re.compile(r"/admin/$"))
        expect(panel).to_have_count(0)
        reviewer.goto(f"/admin/pages/{course.pk}/")
        row = reviewer.get_by_role("row").filter(has_text=NEW_LESSON)
        expect(row).to_contain_text("在用")

    lesson.refresh_from_db()
    assert lesson.live
    assert not lesson.has_unpublished_changes
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED

    with open_page(browser, live_server, "course-journey-worker-after") as worker:
        sign_in(worker, "demo_worker", landing=r"/learning/$")
        worker.goto(course.url)
        lessons = worker.locator(".lesson-list li")
        expect(lessons).to_have_count(len(STRESS_LESSONS) + 1)
        expect(lessons.last).to_contain_text(NEW_LESSON)
        lessons.last.get_by_role("link", name=NEW_LESSON).click()
        expect(worker.get_by_role("heading", level=1)).to_have_text(NEW_LESSON)
        expect(worker.locator(".lesson-body")).to_contain_text(NEW_HEADING)
