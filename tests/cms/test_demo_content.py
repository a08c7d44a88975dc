"""seed_demo's content: the shipped laws, the case library and the courses."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from cms.demo import demo_content_seed
from cms.demo.courses import (
    COMPUTER_COURSE,
    LAW_COURSE,
    MEDIATION_COURSE,
    STRESS_COURSE,
    STRESS_LESSONS,
)
from cms.models import CaseLibraryPage, CasePage, LawArticle, LawPage
from courses.models import Category, CoursePage, LessonPage

CATEGORIES = {
    "法律法规",
    "政策解读",
    "计算机与办公技能",
    "心理健康与压力管理",
    "公文写作",
    "矛盾纠纷调解",
    "应急处置",
}


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once for the module, its files in a temporary MEDIA_ROOT.

    As in tests/people/test_seed_demo.py, the seed runs in an outer transaction
    rolled back after the module; each test runs in a savepoint inside it.
    """
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            out = StringIO()
            call_command("seed_demo", "--force", stdout=out)
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        media.disable()


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def course(slug: str) -> CoursePage:
    return CoursePage.objects.get(slug=slug)


def lessons(course_page: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course_page).order_by("path"))


def blocks(lesson: LessonPage, block_type: str) -> list[dict]:
    return [b for b in lesson.body.raw_data if b["type"] == block_type]


def test_it_makes_a_live_course_in_every_category_with_three_to_five_lessons(seeded):
    courses = CoursePage.objects.live().select_related("category")

    assert courses.count() >= 7
    assert {c.category.name for c in courses} == CATEGORIES
    assert set(Category.objects.values_list("name", flat=True)) >= CATEGORIES
    for page in courses:
        children = LessonPage.objects.child_of(page)
        assert 3 <= children.live().count() <= 5, page.title
        assert children.count() == children.live().count()
        assert page.summary
        assert page.credit_hours > 0


def test_courses_mix_required_and_elective_and_some_target_positions(seeded):
    courses = CoursePage.objects.all()

    assert {c.kind for c in courses} == {
        CoursePage.Kind.REQUIRED,
        CoursePage.Kind.ELECTIVE,
    }
    targeted = course(MEDIATION_COURSE).target_positions.values_list("name", flat=True)
    assert "人民调解员" in targeted
    assert list(course(MEDIATION_COURSE).prerequisites.all()) == [course(LAW_COURSE)]
    assert not course(LAW_COURSE).target_positions.exists()


def test_the_law_course_cites_articles_that_exist_in_the_imported_laws(seeded):
    citations = [
        block["value"]
        for lesson in lessons(course(LAW_COURSE))
        for block in blocks(lesson, "law_citation")
    ]

    assert len(citations) >= 10
    for citation in citations:
        law = LawPage.objects.get(pk=citation["law"])
        assert law.live
        assert law.article(citation["article"]) is not None, citation


def test_a_worker_reads_the_cited_article_text_in_the_law_lesson(seeded, client_for):
    lesson = lessons(course(LAW_COURSE))[0]

    response = client_for("worker").get(lesson.url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "城市居民委员会组织法 第二条" in page
    assert "居民委员会是居民自我管理、自我教育、自我服务的基层群众性自治组织" in page
    assert "could not be found" not in page


def test_the_mediation_course_studies_a_case_from_the_case_library(seeded, client_for):
    studied = [
        (lesson, block["value"]["case"])
        for lesson in lessons(course(MEDIATION_COURSE))
        for block in blocks(lesson, "case_study")
    ]

    assert studied
    lesson, case_id = studied[0]
    case = CasePage.objects.get(pk=case_id)
    assert case.live
    response = client_for("worker").get(lesson.url)
    assert case.title in response.content.decode()


def test_the_case_library_holds_four_cases_citing_real_articles(seeded):
    library = CaseLibraryPage.objects.get(slug="cases")
    cases = CasePage.objects.child_of(library).live()

    assert cases.count() >= 4
    assert {c.kind for c in cases} >= {"neighbour", "family", "property"}
    for case in cases:
        assert case.related_articles.exists(), case.title
    privacy = CasePage.objects.get(slug="personal-information-in-door-to-door-survey")
    assert {a.law.short_title for a in privacy.related_articles.all()} == {
        "个人信息保护法"
    }


def test_the_computer_course_has_a_video_lesson_with_a_stored_mp4(seeded):
    videos = [
        block["value"]
        for lesson in lessons(course(COMPUTER_COURSE))
        for block in blocks(lesson, "video")
    ]

    assert videos
    document = get_document_model().objects.get(pk=videos[0]["video"])
    with document.file.open("rb") as f:
        head = f.read(12)
    assert head[4:8] == b"ftyp"
    assert 10_000 < document.file.size < 600 * 1024
    assert document.file.name.endswith(".mp4")
    poster = get_image_model().objects.get(pk=videos[0]["poster"])
    assert (poster.width, poster.height) == (640, 360)


def test_the_stress_course_has_exactly_its_five_lessons_in_order(seeded):
    titles = [lesson.title for lesson in lessons(course(STRESS_COURSE))]

    assert titles == [
        "识别压力信号",
        "调节情绪的方法",
        "与居民冲突中的自我保护",
        "工作量与边界",
        "学会寻求支持",
    ]
    assert titles == STRESS_LESSONS
    last = json.dumps(lessons(course(STRESS_COURSE))[-1].body.raw_data[:])
    assert "12356" in last


def test_no_lesson_is_placeholder_text(seeded):
    for lesson in LessonPage.objects.all():
        body = json.dumps(list(lesson.body.raw_data), ensure_ascii=False).lower()
        assert "lorem" not in body, lesson.title
        assert len(body) > 500, lesson.title


def test_running_the_seed_again_changes_nothing(seeded):
    def counts():
        return {
            "pages": Page.objects.count(),
            "articles": LawArticle.objects.count(),
            "revisions": Revision.objects.count(),
            "documents": get_document_model().objects.count(),
            "images": get_image_model().objects.count(),
            "categories": Category.objects.count(),
        }

    before = counts()

    summary = demo_content_seed()

    assert counts() == before
    assert (summary.created, summary.updated) == (0, 0)
    assert (summary.laws, summary.cases, summary.courses) == (5, 4, 7)


def test_a_database_made_again_reuses_the_media_files_already_stored(seeded):
    media = Path(settings.MEDIA_ROOT)
    files_before = sorted(p.name for p in media.rglob("*") if p.is_file())
    get_document_model().objects.all().delete()
    get_image_model().objects.all().delete()

    demo_content_seed()

    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == files_before
    video = get_document_model().objects.get(file__endswith=".mp4")
    assert video.file.name == "documents/office-security-habits.mp4"
    assert get_image_model().objects.get().width == 640


def test_a_lesson_changed_by_hand_is_put_back_with_the_same_block_ids(seeded):
    lesson = lessons(course(STRESS_COURSE))[0]
    ids = [block["id"] for block in lesson.body.raw_data]
    lesson.title = "改过的标题"
    lesson.body = json.dumps(list(lesson.body.raw_data)[:1])
    lesson.save_revision().publish()

    summary = demo_content_seed()

    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert summary.updated == 1
    assert lesson.title == "识别压力信号"
    assert [block["id"] for block in lesson.body.raw_data] == ids


def test_it_reports_the_content_before_the_sign_in_table(seeded):
    lines = seeded.splitlines()
    # "Demo content ready: 5 laws, 4 cases, 7 courses, 29 lessons …", translated.
    summary = next(i for i, line in enumerate(lines) if "29" in line)
    table = next(i for i, line in enumerate(lines) if line.startswith(" demo_"))

    assert all(number in lines[summary] for number in ("5", "4", "7"))
    assert summary < table
    assert lines[-1].startswith("---")
