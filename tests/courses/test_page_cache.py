"""The workers' page cache (people/page_cache.py): fast, and never stale or shared."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from courses.models import Enrolment
from courses.services.learning import enrolment_create, lesson_complete
from people.notifications import notification_send, notifications_mark_read
from people.page_cache import PLACEHOLDER
from tests.factories.courses import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CoursePageFactory(title="人民调解法解读")


@pytest.fixture
def lessons(course):
    return LessonPageFactory.create_batch(2, course=course)


@pytest.fixture
def enrolled(worker, course, lessons):
    return enrolment_create(user=worker, course=course)


def get(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response


def hit(response) -> bool:
    return response.get("X-Page-Cache") == "hit"


def test_the_second_visit_is_served_from_the_cache_with_the_same_page(
    client_for, enrolled, course
):
    client = client_for("worker")
    first = get(client, course.url)
    second = get(client, course.url)
    assert not hit(first)
    assert hit(second)
    assert "人民调解法解读" in second.content.decode()
    # The same page but for the CSRF tokens, which each response gets anew.
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub(b"", first.content) == strip.sub(b"", second.content)


def test_a_cached_page_carries_a_working_csrf_token_and_never_the_placeholder(
    worker, enrolled, lessons
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    get(client, lessons[0].url)
    page = get(client, lessons[0].url)
    assert hit(page)
    assert PLACEHOLDER not in page.content
    token = re.search(
        rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content
    ).group(1)
    response = client.post(
        f"/learn/lessons/{lessons[0].pk}/complete/",
        {"csrfmiddlewaretoken": token.decode()},
    )
    assert response.status_code == 302
    assert enrolled.lesson_progress.filter(completed_at__isnull=False).count() == 1


def test_completing_a_lesson_shows_at_once_on_the_course_page(
    client_for, worker, enrolled, course, lessons
):
    client = client_for("worker")
    get(client, course.url)
    assert hit(get(client, course.url))
    lesson_complete(user=worker, lesson=lessons[0])
    page = get(client, course.url)
    assert not hit(page)
    enrolled.refresh_from_db()
    assert enrolled.lessons_done == 1
    assert "50%" in page.content.decode()


def test_a_published_change_shows_to_everyone_at_once(client_for, enrolled, course):
    client = client_for("worker")
    get(client, course.url)
    course.title = "人民调解法解读（2026年修订）"
    course.save_revision().publish()
    page = get(client, course.url)
    assert not hit(page)
    assert "人民调解法解读（2026年修订）" in page.content.decode()


def test_one_workers_cached_page_is_never_served_to_another(
    client_for, worker, other_worker, course, lessons
):
    enrolment_create(user=worker, course=course)
    enrolment_create(user=other_worker, course=course)
    lesson_complete(user=worker, lesson=lessons[0])
    mine = client_for("worker")
    get(mine, course.url)
    assert hit(get(mine, course.url))
    theirs = get(client_for("other_worker"), course.url)
    assert not hit(theirs)
    assert worker.get_full_name() not in theirs.content.decode()
    assert other_worker.get_full_name() in theirs.content.decode()
    assert "0%" in theirs.content.decode()


def test_a_page_with_a_flash_message_is_rendered_and_not_kept(
    client_for, worker, course, lessons
):
    client = client_for("worker")
    response = client.post(f"/learn/courses/{course.pk}/enrol/", follow=True)
    assert Enrolment.objects.filter(user=worker, course=course).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert shown, "enrolling says so"
    assert shown[0] in response.content.decode()
    assert not hit(response)
    again = get(client, course.url)
    assert not hit(again)  # the page with the message was not stored
    assert shown[0] not in again.content.decode()
    assert not list(get_messages(again.wsgi_request))


def test_the_bell_count_follows_new_and_read_notifications(client_for, worker):
    client = client_for("worker")
    get(client, "/learning/")
    assert hit(get(client, "/learning/"))
    notification_send(
        user=worker, title="新的学习任务", body="请完成", url="/learning/"
    )
    page = get(client, "/learning/").content.decode()
    assert '<span class="bell-count" data-testid="bell-count">1</span>' in page
    notifications_mark_read(user=worker)
    after = get(client, "/learning/")
    assert not hit(after)
    assert "bell-count" not in after.content.decode()


def test_losing_access_is_never_hidden_by_a_cached_page(
    client_for, worker, enrolled, course
):
    client = client_for("worker")
    get(client, course.url)
    assert hit(get(client, course.url))
    course.unpublish()
    assert client.get(course.url).status_code == 404


def test_the_cache_is_off_when_its_lifetime_is_zero(
    client_for, enrolled, course, settings
):
    settings.LIANXIN_PAGE_CACHE_SECONDS = 0
    client = client_for("worker")
    get(client, course.url)
    assert not hit(get(client, course.url))


def test_each_language_has_its_own_copy(client_for, enrolled, course):
    client = client_for("worker")
    get(client, course.url)
    english = client.get(course.url, HTTP_ACCEPT_LANGUAGE="en")
    assert not hit(english)
    assert '<html lang="en">' in english.content.decode()
