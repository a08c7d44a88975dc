"""Trainers write in the course section; a reviewer approves before workers see it.

The workflow tests drive the real Wagtail admin views with the test client, as
a trainer and a reviewer would in a browser.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import HomePage
from courses.models import Category, CourseIndexPage, LessonPage
from courses.publishing import CATEGORIES, course_section_ensure
from courses.tasks import publish_scheduled_pages
from people import roles
from tests.factories.courses import CoursePageFactory, LessonPageFactory, course_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """The personas' clients, reading the English msgids (translations come later)."""

    def make(persona):
        client = client_for(persona)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def course():
    return CoursePageFactory(title="人民调解法解读", slug="mediation-law")


def lesson_form(
    title="调解前的准备", slug="preparing", action="action-submit", **extra
):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "body": streamfield(
                [
                    ("heading", "了解纠纷经过"),
                    ("rich_text", rich_text("<p>先分别听取双方陈述。</p>")),
                ]
            ),
            "required": "on",
            "estimated_minutes": "15",
            action: "1",
            **extra,
        }
    )


def add_lesson(client, course, **form):
    url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    return client.post(url, lesson_form(**form))


def current_task_state(page) -> TaskState:
    return WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    ).current_task_state


# --- the section -------------------------------------------------------------------


def test_the_section_exists_after_migrate_with_its_workflow_and_categories():
    section = CourseIndexPage.objects.get()

    assert (section.title, section.slug, section.url) == (
        "课程中心",
        "courses",
        "/courses/",
    )
    assert isinstance(section.get_parent().specific, HomePage)
    assert WorkflowPage.objects.get(page=section).workflow.name == "课程审核"
    assert list(Category.objects.values_list("name", flat=True)) == [
        name for name, _slug in CATEGORIES
    ]


def test_ensuring_the_section_twice_changes_nothing():
    before = (
        CourseIndexPage.objects.count(),
        Category.objects.count(),
        Workflow.objects.filter(name="课程审核").count(),
        GroupPagePermission.objects.count(),
    )

    course_section_ensure()
    course_section_ensure()

    after = (
        CourseIndexPage.objects.count(),
        Category.objects.count(),
        Workflow.objects.filter(name="课程审核").count(),
        GroupPagePermission.objects.count(),
    )
    assert before == after == (1, 7, 1, before[3])


def test_trainers_may_add_and_edit_but_not_publish_in_the_section():
    section = course_index()
    trainers = Group.objects.get(name=roles.GROUP_NAMES[roles.TRAINER])
    reviewers = Group.objects.get(name=roles.GROUP_NAMES[roles.REVIEWER])

    def granted(group):
        return set(
            GroupPagePermission.objects.filter(group=group).values_list(
                "page_id", "permission__codename"
            )
        )

    assert granted(trainers) == {
        (section.pk, "add_page"),
        (section.pk, "change_page"),
    }
    assert granted(reviewers) == {(section.pk, "publish_page")}


# --- the moderation workflow ----------------------------------------------------------


def test_a_trainer_submits_a_lesson_that_workers_do_not_see_yet(
    client_for, trainer, worker, course
):
    response = add_lesson(client_for("trainer"), course)

    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="preparing")
    assert not lesson.live
    assert lesson.workflow_in_progress
    assert current_task_state(lesson).task.name == "课程审核员审核"
    assert (
        client_for("worker").get("/courses/mediation-law/preparing/").status_code == 404
    )
    course_html = client_for("worker").get("/courses/mediation-law/").content.decode()
    assert "调解前的准备" not in course_html


def test_a_reviewer_approves_and_then_workers_see_the_lesson(
    client_for, trainer, reviewer, worker, course
):
    add_lesson(client_for("trainer"), course)
    lesson = LessonPage.objects.get(slug="preparing")
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(lesson.pk, "approve", current_task_state(lesson).pk),
    )

    response = client_for("reviewer").post(url, {"comment": "内容准确，同意发布。"})

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.live
    html = (
        client_for("worker").get("/courses/mediation-law/preparing/").content.decode()
    )
    assert "了解纠纷经过" in html and "先分别听取双方陈述。" in html


def test_a_reviewer_rejects_with_a_comment_and_the_lesson_stays_hidden(
    client_for, trainer, reviewer, worker, course
):
    add_lesson(client_for("trainer"), course)
    lesson = LessonPage.objects.get(slug="preparing")
    task_state = current_task_state(lesson)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(lesson.pk, "reject", task_state.pk)
    )

    client_for("reviewer").post(url, {"comment": "请补充相关法条。"})

    task_state.refresh_from_db()
    lesson.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == "请补充相关法条。"
    assert not lesson.live
    assert (
        client_for("worker").get("/courses/mediation-law/preparing/").status_code == 404
    )


def test_a_trainer_cannot_publish_directly(client_for, trainer, worker, course):
    add_lesson(client_for("trainer"), course, action="action-publish")

    lesson = LessonPage.objects.get(slug="preparing")
    assert not lesson.live
    assert (
        client_for("worker").get("/courses/mediation-law/preparing/").status_code == 404
    )


def test_a_trainer_is_not_offered_publish_in_the_editor(client_for, trainer, course):
    url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))

    html = client_for("trainer").get(url).content.decode()

    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_a_trainer_cannot_publish_changes_to_a_live_lesson(
    client_for, trainer, worker, course
):
    lesson = LessonPageFactory(
        course=course, slug="live", title="调解的原则", body=[("heading", "自愿平等")]
    )
    url = reverse("wagtailadmin_pages:edit", args=(lesson.pk,))

    client_for("trainer").post(
        url,
        lesson_form(title="调解的原则（修改）", slug="live", action="action-publish"),
    )

    lesson.refresh_from_db()
    assert lesson.title == "调解的原则"
    assert lesson.has_unpublished_changes
    html = client_for("worker").get(lesson.url).content.decode()
    assert "自愿平等" in html and "了解纠纷经过" not in html


def test_a_draft_edit_of_a_live_lesson_is_not_shown_to_workers(
    client_for, worker, course
):
    lesson = LessonPageFactory(
        course=course, slug="live", title="调解的原则", body=[("heading", "自愿平等")]
    )
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.title = "草稿标题"
    draft.body = [("heading", "尚未审核的草稿内容")]
    draft.save_revision()

    html = client_for("worker").get(lesson.url).content.decode()

    assert "自愿平等" in html
    assert "尚未审核的草稿内容" not in html and "草稿标题" not in html


def test_a_trainer_cannot_edit_the_home_page(client_for, trainer):
    home = HomePage.objects.get()
    url = reverse("wagtailadmin_pages:edit", args=(home.pk,))
    client = client_for("trainer")

    shown = client.get(url)
    client.post(url, {"title": "被篡改的首页", "slug": "home", "action-publish": "1"})

    assert shown.status_code in (302, 403)
    assert "被篡改的首页" not in Page.objects.get(pk=home.pk).title
    assert not home.revisions.filter(content__title="被篡改的首页").exists()


def test_a_trainer_cannot_add_pages_outside_the_section(client_for, trainer):
    home = HomePage.objects.get()
    url = reverse("wagtailadmin_pages:add_subpage", args=(home.pk,))

    response = client_for("trainer").get(url)

    assert response.status_code in (302, 403)


def test_the_trainer_sees_the_course_section_in_the_admin(client_for, trainer, course):
    response = client_for("trainer").get(
        reverse("wagtailadmin_explore", args=(course_index().pk,))
    )

    assert response.status_code == 200
    assert "人民调解法解读" in response.content.decode()


# --- snippets and scheduling --------------------------------------------------------


def test_admins_edit_categories_under_course_settings(client_for, admin):
    client = client_for("admin")

    listing = client.get(reverse("wagtailsnippets_courses_category:list"))
    menu = client.get(reverse("wagtailadmin_home"))

    assert listing.status_code == 200
    assert "心理健康与压力管理" in listing.content.decode()
    assert "Course settings" in menu.content.decode()


def test_the_scheduled_publishing_task_publishes_pages_whose_time_came(
    client_for, worker, course
):
    lesson = LessonPageFactory(course=course, slug="later", live=False)
    revision = lesson.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    assert client_for("worker").get(lesson.url).status_code == 404

    publish_scheduled_pages()

    lesson.refresh_from_db()
    assert lesson.live
    assert client_for("worker").get(lesson.url).status_code == 200


# --- preview --------------------------------------------------------------------------


def test_a_trainer_previews_a_new_lesson_before_submitting(client_for, trainer, course):
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("courses", "lessonpage", course.pk),
    )
    client = client_for("trainer")

    posted = client.post(url, lesson_form())
    shown = client.get(url)

    assert posted.json()["is_valid"]
    html = shown.content.decode()
    assert "了解纠纷经过" in html and "先分别听取双方陈述。" in html
    assert "人民调解法解读" in html  # the course it belongs to
    assert not LessonPage.objects.filter(slug="preparing").exists()


def test_a_trainer_previews_changes_to_a_course(client_for, trainer, course):
    LessonPageFactory(course=course, title="调解的原则")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(course.pk,))
    client = client_for("trainer")
    form = nested_form_data(
        {
            "title": "人民调解法解读（修订）",
            "slug": "mediation-law",
            "summary": "修订后的课程简介。",
            "kind": "required",
            "credit_hours": "2.0",
            "estimated_minutes": "60",
        }
    )

    posted = client.post(url, form)
    shown = client.get(url)

    assert posted.json()["is_valid"], posted.json()
    html = shown.content.decode()
    assert "修订后的课程简介。" in html and "调解的原则" in html
