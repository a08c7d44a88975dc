"""What a worker sees: the catalog, a course page and a lesson page.

The query-count tests render a page once (so that Wagtail has made the image
renditions and cached the site's root paths, as on any warm server), then
count the queries of a second request at two data sizes.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrolment
from courses.services.learning import enrolment_create, lesson_complete
from tests.factories.courses import (
    CoursePageFactory,
    LessonPageFactory,
    category,
    course_index,
    image,
)
from tests.factories.people import PositionFactory

pytestmark = pytest.mark.django_db

CATALOG = "/courses/"


@pytest.fixture
def client_for(client_for):
    """The personas' clients, reading the English msgids (translations come later)."""

    def make(persona):
        client = client_for(persona)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def card_titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="course-card-title">([^<]+)</h2>', html)


def count_queries(client, url) -> int:
    client.get(url)  # warm: renditions made, site root paths cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- catalog ------------------------------------------------------------------------


def test_the_catalog_lists_what_the_worker_may_see(client_for, worker, org):
    now = timezone.now()
    CoursePageFactory(title="人民调解法解读")
    CoursePageFactory(title="东湖街道专题", audience=[org["donghu"]])
    CoursePageFactory(title="西山街道专题", audience=[org["xishan"]])
    CoursePageFactory(title="尚未发布", live=False)
    CoursePageFactory(title="下月开放", available_from=now + timedelta(days=30))
    CoursePageFactory(title="已经结束", available_until=now - timedelta(days=1))
    CoursePageFactory(title="本月开放", available_until=now + timedelta(days=30))

    response = client_for("worker").get(CATALOG)

    assert card_titles(response) == ["人民调解法解读", "东湖街道专题", "本月开放"]


def test_a_worker_in_another_street_does_not_see_an_audience_course(
    client_for, other_worker, org
):
    CoursePageFactory(title="东湖街道专题", audience=[org["donghu"]])
    CoursePageFactory(title="青松社区专题", audience=[org["qingsong"], org["donghu"]])

    response = client_for("other_worker").get(CATALOG)

    assert card_titles(response) == ["青松社区专题"]


def test_the_catalog_asks_anonymous_visitors_to_sign_in(client):
    course_index()

    response = client.get(CATALOG)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/courses/")


def test_the_catalog_filters_by_category_kind_and_position(client_for, worker):
    grid = PositionFactory(name="网格员")
    mediator = PositionFactory(name="人民调解员")
    CoursePageFactory(title="调解必修", category=category("mediation"), kind="required")
    CoursePageFactory(
        title="调解选修", category=category("mediation"), target_positions=[mediator]
    )
    CoursePageFactory(title="法律选修", category=category("law"))
    CoursePageFactory(
        title="网格员专用", category=category("law"), target_positions=[grid]
    )
    client = client_for("worker")

    by_category = client.get(CATALOG, {"category": "mediation"})
    by_kind = client.get(CATALOG, {"kind": "required"})
    by_position = client.get(CATALOG, {"position": grid.pk})
    both = client.get(CATALOG, {"category": "mediation", "kind": "elective"})

    assert card_titles(by_category) == ["调解必修", "调解选修"]
    assert card_titles(by_kind) == ["调解必修"]
    # Courses for every position stay listed whatever position is chosen.
    assert card_titles(by_position) == ["调解必修", "法律选修", "网格员专用"]
    assert card_titles(both) == ["调解选修"]
    html = both.content.decode()
    assert '<option value="mediation" selected>' in html
    assert '<option value="elective" selected>' in html


def test_unknown_filter_values_are_ignored(client_for, worker):
    CoursePageFactory(title="人民调解法解读")

    response = client_for("worker").get(
        CATALOG, {"category": "没有", "kind": "bogus", "position": "x1", "page": "zz"}
    )

    assert response.status_code == 200
    assert card_titles(response) == ["人民调解法解读"]


def test_an_empty_filter_result_says_so(client_for, worker):
    CoursePageFactory(title="人民调解法解读", kind="elective")

    response = client_for("worker").get(CATALOG, {"kind": "required"})

    assert "No course matches these filters." in response.content.decode()


def test_the_catalog_is_paginated_by_twelve_keeping_the_filters(client_for, worker):
    for n in range(13):
        CoursePageFactory(title=f"课程{n:02d}", kind="required")
    client = client_for("worker")

    first = client.get(CATALOG, {"kind": "required"})
    second = client.get(CATALOG, {"kind": "required", "page": 2})

    assert len(card_titles(first)) == 12
    assert card_titles(second) == ["课程12"]
    assert 'href="?kind=required&amp;page=2"' in first.content.decode()


def test_a_card_shows_cover_category_kind_hours_and_progress(client_for, worker):
    course = CoursePageFactory(
        title="人民调解法解读",
        cover_image=image(),
        category=category("mediation"),
        kind="required",
        credit_hours="2.5",
    )
    lessons = LessonPageFactory.create_batch(3, course=course)
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lessons[0])

    html = client_for("worker").get(CATALOG).content.decode()

    assert re.search(r'<img class="course-cover" src="[^"]+fill-480x270', html)
    assert "矛盾纠纷调解" in html
    assert 'class="tag tag-required"' in html
    assert "2.5" in html
    assert '<progress max="100" value="33"' in html


def test_the_catalog_keeps_its_query_count_from_5_to_50_courses(
    client_for, worker, no_page_cache
):
    def add(n):
        for _ in range(n):
            course = CoursePageFactory(cover_image=image(size=(160, 90)))
            Enrolment.objects.create(user=worker, course=course, lessons_required=3)

    client = client_for("worker")
    add(5)
    small = count_queries(client, CATALOG)
    add(45)
    large = count_queries(client, CATALOG)

    assert small == large
    assert large <= 17  # measured: 17 (16 + the notification bell)


# --- course page ----------------------------------------------------------------------


def test_the_course_page_shows_the_course_and_an_enrol_button(client_for, worker):
    position = PositionFactory(name="人民调解员")
    course = CoursePageFactory(
        title="人民调解法解读",
        slug="mediation-law",
        summary="学习人民调解的原则和程序。",
        credit_hours="2.5",
        estimated_minutes=90,
        target_positions=[position],
    )
    LessonPageFactory(course=course, title="调解的原则")
    LessonPageFactory(course=course, title="调解的程序")

    html = client_for("worker").get("/courses/mediation-law/").content.decode()

    assert "学习人民调解的原则和程序。" in html
    assert "2.5" in html and "90" in html and "人民调解员" in html
    assert html.index("调解的原则") < html.index("调解的程序")
    assert f'action="/learn/courses/{course.pk}/enrol/"' in html
    assert "Resume" not in html


def test_the_course_page_shows_progress_done_lessons_and_resume(client_for, worker):
    course = CoursePageFactory(slug="mediation-law")
    lessons = LessonPageFactory.create_batch(4, course=course)
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lessons[0])
    lesson_complete(user=worker, lesson=lessons[1])

    html = client_for("worker").get("/courses/mediation-law/").content.decode()

    assert '<progress max="100" value="50"' in html
    assert html.count("✓ Done") == 2
    assert "Resume" in html
    assert f'href="{lessons[2].url}"' in html
    assert "/enrol/" not in html


def test_resume_goes_to_the_last_lesson_opened_when_it_is_not_done(client_for, worker):
    course = CoursePageFactory(slug="mediation-law")
    lessons = LessonPageFactory.create_batch(4, course=course)
    enrolment_create(user=worker, course=course)
    client = client_for("worker")
    client.get(lessons[3].url)

    html = client.get("/courses/mediation-law/").content.decode()

    resume = re.search(r'<a class="button primary" href="([^"]+)">\s*Resume', html)
    assert resume.group(1) == lessons[3].url


def test_the_course_page_names_incomplete_prerequisites_and_disables_enrol(
    client_for, worker
):
    basics = CoursePageFactory(title="社区工作基础")
    course = CoursePageFactory(slug="advanced", prerequisites=[basics])
    LessonPageFactory(course=course)

    html = client_for("worker").get("/courses/advanced/").content.decode()

    assert "社区工作基础" in html
    assert "Not completed yet" in html
    assert "disabled>Enrol" in html.replace("\n", "").replace("  ", "")


def test_a_completed_course_says_so_with_its_hours(client_for, worker):
    course = CoursePageFactory(slug="done", credit_hours="1.5")
    lesson = LessonPageFactory(course=course)
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lesson)

    html = client_for("worker").get("/courses/done/").content.decode()

    assert "You completed this course on" in html
    assert "1.5 training hours are in your record" in html


@pytest.mark.parametrize(
    "fields",
    [
        {"live": False},
        {"available_from": timezone.now() + timedelta(days=3)},
        {"available_until": timezone.now() - timedelta(days=3)},
    ],
    ids=["draft", "not-yet-open", "closed"],
)
def test_a_course_the_worker_may_not_see_is_not_found(client_for, worker, fields):
    course = CoursePageFactory(slug="hidden", **fields)
    LessonPageFactory(course=course, slug="one")
    client = client_for("worker")

    assert client.get("/courses/hidden/").status_code == 404
    assert client.get("/courses/hidden/one/").status_code == 404


def test_a_course_for_another_street_is_not_found(client_for, other_worker, org):
    course = CoursePageFactory(slug="donghu", audience=[org["donghu"]])
    LessonPageFactory(course=course, slug="one")
    client = client_for("other_worker")

    assert client.get("/courses/donghu/").status_code == 404
    assert client.get("/courses/donghu/one/").status_code == 404


def test_the_course_page_keeps_its_query_count_from_5_to_50_lessons(
    client_for, worker, no_page_cache
):
    basics = CoursePageFactory()
    course = CoursePageFactory(
        slug="big", cover_image=image(size=(160, 90)), prerequisites=[basics]
    )
    client = client_for("worker")

    def add(n):
        for _ in range(n):
            lesson = LessonPageFactory(course=course)
            if lesson.pk % 2:
                enrolment_create(user=worker, course=course, source="assigned")
                lesson_complete(user=worker, lesson=lesson)

    add(5)
    small = count_queries(client, "/courses/big/")
    add(45)
    large = count_queries(client, "/courses/big/")

    assert small == large
    assert large <= 22  # measured: 22 (20 + the bell + the final exam panel)


# --- lesson page ----------------------------------------------------------------------


def test_a_lesson_shows_its_blocks_navigation_and_complete_button(client_for, worker):
    course = CoursePageFactory(slug="c", title="人民调解法解读")
    first = LessonPageFactory(course=course, slug="l1", title="第一课")
    LessonPageFactory(
        course=course,
        slug="l2",
        title="第二课",
        body=[
            ("heading", "调解的原则"),
            ("rich_text", "<p>平等自愿、不违背法律。</p>"),
            ("key_points", {"title": "要点", "points": ["自愿", "合法"]}),
        ],
    )
    third = LessonPageFactory(course=course, slug="l3", title="第三课")
    enrolment_create(user=worker, course=course)

    html = client_for("worker").get("/courses/c/l2/").content.decode()

    assert "调解的原则" in html and "平等自愿、不违背法律。" in html and "合法" in html
    assert "Lesson 2 of 3" in html
    assert f'rel="prev" href="{first.url}"' in html
    assert f'rel="next" href="{third.url}"' in html
    assert "Complete this lesson" in html
    assert "Enrol on the course to record your progress" not in html


def test_an_unenrolled_worker_reads_the_lesson_with_an_enrol_prompt(client_for, worker):
    course = CoursePageFactory(slug="c")
    LessonPageFactory(course=course, slug="l1", body=[("heading", "调解的原则")])

    html = client_for("worker").get("/courses/c/l1/").content.decode()

    assert "调解的原则" in html
    assert "Enrol on the course to record your progress" in html
    assert f'action="/learn/courses/{course.pk}/enrol/"' in html
    assert "Complete this lesson" not in html


def test_opening_a_lesson_remembers_it_for_resume(client_for, worker):
    course = CoursePageFactory(slug="c")
    LessonPageFactory(course=course, slug="l1")
    second = LessonPageFactory(course=course, slug="l2")
    enrolment_create(user=worker, course=course)

    client_for("worker").get("/courses/c/l2/")

    assert Enrolment.objects.get(user=worker).last_lesson_id == second.pk


def test_a_done_lesson_says_so_instead_of_the_button(client_for, worker):
    course = CoursePageFactory(slug="c")
    lesson = LessonPageFactory(course=course, slug="l1")
    LessonPageFactory(course=course, slug="l2")
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lesson)

    html = client_for("worker").get("/courses/c/l1/").content.decode()

    assert "You completed this lesson." in html
    assert "Complete this lesson" not in html


def test_the_lesson_page_keeps_its_query_count_from_5_to_50_lessons(
    client_for, worker, no_page_cache
):
    from tests.factories.courses import document

    course = CoursePageFactory(slug="big")
    picture = image(size=(160, 90))
    handout = document()
    body = [
        ("heading", "调解的原则"),
        ("rich_text", "<p>平等自愿。</p>"),
        ("image", {"image": picture, "caption": "调解现场"}),
        ("document", {"document": handout, "title": "讲义"}),
        ("key_points", {"title": "要点", "points": ["自愿", "合法"]}),
        ("callout", {"kind": "tip", "text": "<p>先倾听。</p>"}),
        ("reflection", {"question": "你会怎样开场？"}),
        ("reflection", {"question": "你会怎样收尾？"}),
        ("quiz", {"title": "小测验"}),
    ]
    target = LessonPageFactory(course=course, slug="target", body=body)
    enrolment_create(user=worker, course=course)
    client = client_for("worker")

    def add(n):
        for _ in range(n):
            lesson = LessonPageFactory(course=course)
            lesson_complete(user=worker, lesson=lesson)

    add(4)
    small = count_queries(client, target.url)
    add(45)
    large = count_queries(client, target.url)

    assert small == large
    assert large <= 22  # measured: 22 (21 + the notification bell)
