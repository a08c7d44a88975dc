"""seed_demo's assessments: banks from the CSV files, quizzes, links, attempts."""

import csv
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from wagtail.models import Revision

from assessments.importers import import_questions
from assessments.models import (
    Attempt,
    CompetencyEvidence,
    CourseCompetency,
    Question,
    QuestionBank,
    QuestionCompetency,
    Quiz,
    QuizGrade,
    WorkerCompetency,
)
from assessments.services.attempts import attempt_start
from cms.demo import demo_content_seed
from cms.demo.assessments import (
    LESSON_QUIZZES,
    course_slugs,
    csv_path,
    demo_assessments_seed,
)
from cms.demo.courses import LAW_COURSE, MEDIATION_COURSE, WRITING_COURSE
from courses.models import CoursePage, LessonPage
from people.models import User

TYPES = {"单选", "多选", "判断", "填空", "简答", "论述"}
LAWS = Path(__file__).resolve().parents[2] / "cms" / "data" / "laws"
LAW_TEXTS = "\n".join(p.read_text(encoding="utf-8") for p in LAWS.glob("*.md"))


def rows(slug: str) -> list[dict]:
    text = csv_path(slug).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- The CSV files, through the real importer --------------------------------


@pytest.mark.parametrize("slug", course_slugs())
def test_each_course_csv_imports_with_the_real_importer(db, slug):
    data = csv_path(slug).read_bytes()

    report = import_questions(data=data, bank_name=f"检查 {slug}", filename="x.csv")

    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel saves it
    assert report.format == "csv"
    assert report.errors == []
    assert report.skipped == []
    assert report.imported >= 15
    assert report.bank.questions.count() == report.imported


@pytest.mark.parametrize("slug", course_slugs())
def test_each_bank_mixes_every_type_and_difficulty_with_one_essay(slug):
    found = rows(slug)

    assert {row["题型"] for row in found} == TYPES
    assert {row["难度"] for row in found} == {"易", "中", "难"}
    essays = [row for row in found if row["题型"] == "论述"]
    assert len(essays) == 1
    assert "评分要点" in essays[0]["答案"]  # the rubric the trainer marks against
    assert all(row["解析"] for row in found)


@pytest.mark.parametrize("slug", course_slugs())
def test_each_final_exam_draw_finds_enough_questions(slug):
    knowledge = [row for row in rows(slug) if row["分类"] == "知识题"]
    by_difficulty = {d: sum(r["难度"] == d for r in knowledge) for d in "易中难"}

    assert by_difficulty["易"] >= 4
    assert by_difficulty["中"] >= 4
    assert by_difficulty["难"] >= 2


def test_every_article_quoted_in_an_explanation_is_in_a_shipped_law():
    quoted = re.compile(r"第[一二三四五六七八九十]+条(?:第[一二三四]款)?：“([^”]+)”")
    found = 0
    for slug in course_slugs():
        for row in rows(slug):
            for text in quoted.findall(row["解析"]):
                found += 1
                assert text in LAW_TEXTS, (slug, text)
    assert found >= 5


# --- seed_demo ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once for the module, in an outer transaction rolled back after.

    Callbacks that wait for a commit (attempt_graded → competency evidence) run
    as they would in the command, which commits as it goes.
    """
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            out = StringIO()
            with TestCase.captureOnCommitCallbacks(execute=True):
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


def counts() -> dict[str, int]:
    return {
        "banks": QuestionBank.objects.count(),
        "questions": Question.objects.count(),
        "quizzes": Quiz.objects.count(),
        "attempts": Attempt.objects.count(),
        "course links": CourseCompetency.objects.count(),
        "question links": QuestionCompetency.objects.count(),
        "evidence": CompetencyEvidence.objects.count(),
        "revisions": Revision.objects.count(),
    }


def test_it_makes_a_bank_named_after_each_course_with_its_csv_questions(seeded):
    for slug in course_slugs():
        course = CoursePage.objects.get(slug=slug)
        bank = QuestionBank.objects.get(name=course.title)
        assert bank.questions.count() == len(rows(slug))


def test_each_course_has_a_final_exam_of_ten_drawn_questions(seeded):
    for slug in course_slugs():
        exam = Quiz.objects.get(course__slug=slug, kind=Quiz.Kind.FINAL)
        rules = list(exam.draw_rules.all())
        assert sum(rule.count for rule in rules) == 10
        assert {rule.difficulty for rule in rules} == {"easy", "medium", "hard"}
        assert all(rule.category.name == "知识题" for rule in rules)
        assert exam.time_limit_minutes == 30
        assert exam.attempts_allowed == 2
        assert exam.pass_percent == 60
        assert exam.review_policy == Quiz.Review.ONCE_PASSED


def test_lesson_quizzes_sit_in_their_lessons_as_quiz_blocks(seeded):
    for spec in LESSON_QUIZZES:
        quiz = Quiz.objects.get(title=spec.title, kind=Quiz.Kind.LESSON)
        lesson = LessonPage.objects.get(slug=spec.lesson, depth__gt=3)
        blocks = [b for b in lesson.body.raw_data if b["type"] == "quiz"]
        assert [b["value"]["quiz_id"] for b in blocks] == [quiz.pk]
        assert 3 <= quiz.fixed_questions.count() <= 5
        assert quiz.time_limit_minutes is None


def test_courses_and_their_questions_link_to_the_default_competencies(seeded):
    law = CoursePage.objects.get(slug=LAW_COURSE)
    assert law.competency_links.get().competency.name == "法律法规运用"
    bank = QuestionBank.objects.get(name=law.title)
    links = QuestionCompetency.objects.filter(question__bank=bank)
    assert links.count() == bank.questions.count()
    assert {link.level for link in links} == {1, 2, 3}


def test_demo_worker_passed_and_failed_then_passed_on_the_resit(seeded):
    worker = User.objects.get(username="demo_worker")
    law_exam = Quiz.objects.get(course__slug=LAW_COURSE, kind=Quiz.Kind.FINAL)
    mediation_exam = Quiz.objects.get(
        course__slug=MEDIATION_COURSE, kind=Quiz.Kind.FINAL
    )

    law = list(Attempt.objects.filter(quiz=law_exam, user=worker))
    resit = list(
        Attempt.objects.filter(quiz=mediation_exam, user=worker).order_by("number")
    )

    assert [(a.status, a.passed) for a in law] == [("finished", True)]
    assert [(a.status, a.passed) for a in resit] == [
        ("finished", False),
        ("finished", True),
    ]
    assert resit[0].percent == 40
    assert resit[1].percent == 80
    assert QuizGrade.objects.get(quiz=mediation_exam, user=worker).passed


def test_demo_worker_has_competency_evidence_from_the_attempts(seeded):
    worker = User.objects.get(username="demo_worker")
    evidence = CompetencyEvidence.objects.filter(user=worker)

    assert evidence.filter(source="quiz", competency__code="TJ").exists()
    assert evidence.filter(source="score", competency__code="FL").exists()
    assert WorkerCompetency.objects.get(user=worker, competency__code="TJ").level >= 1


def test_demo_workers_courses_with_quizzes_still_complete_with_certificates(seeded):
    worker = User.objects.get(username="demo_worker")
    assert worker.certificates.filter(course__slug=LAW_COURSE).exists()
    assert worker.certificates.filter(course__slug=MEDIATION_COURSE).exists()


def test_demo_worker2_has_an_essay_waiting_for_marking(seeded):
    worker2 = User.objects.get(username="demo_worker2")
    attempt = Attempt.objects.get(
        user=worker2, quiz__course__slug=WRITING_COURSE, quiz__kind="lesson"
    )

    assert attempt.status == Attempt.Status.MARKING
    essay = attempt.items.get(version__question__type="essay")
    assert essay.score is None
    assert "停水" in essay.answer["text"]


def test_demo_worker2_can_start_the_final_exam(seeded):
    worker2 = User.objects.get(username="demo_worker2")
    exam = Quiz.objects.get(course__slug=LAW_COURSE, kind=Quiz.Kind.FINAL)

    attempt = attempt_start(quiz=exam, user=worker2)

    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert attempt.items.count() == 10
    assert attempt.max_score == 100
    assert not attempt.items.filter(version__question__type="essay").exists()


def test_running_the_seed_again_changes_nothing(seeded):
    before = counts()

    with TestCase.captureOnCommitCallbacks(execute=True):
        content = demo_content_seed()
        summary = demo_assessments_seed()

    assert counts() == before
    assert (content.created, content.updated) == (0, 0)
    assert (summary.imported, summary.attempts_taken) == (0, 0)
    assert summary.banks == 7


def test_it_reports_the_assessments_before_the_sign_in_table(seeded):
    lines = seeded.splitlines()
    questions = str(sum(len(rows(slug)) for slug in course_slugs()))
    ready = next(i for i, line in enumerate(lines) if questions in line)
    table = next(i for i, line in enumerate(lines) if line.startswith(" demo_"))
    assert ready < table
