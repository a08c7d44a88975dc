"""Enrolment, lesson completion, video progress, completion rules and hours credited."""

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from courses.completion import register_completion_rule, unregister_completion_rule
from courses.models import Enrolment, LessonProgress, ReflectionNote, TrainingRecord
from courses.services.learning import (
    EnrolmentRefusedError,
    NotEnrolledError,
    course_completion_check,
    enrolment_create,
    lesson_complete,
    reflection_note_save,
    video_progress_record,
)
from courses.signals import course_completed
from tests.factories.courses import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db

ASSIGNED = Enrolment.Source.ASSIGNED


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
    return CoursePageFactory(title="人民调解法解读", credit_hours=Decimal("2.5"))


@pytest.fixture
def lessons(course):
    return LessonPageFactory.create_batch(3, course=course)


@pytest.fixture
def completions():
    """The enrolments course_completed was sent for."""
    received = []

    def listener(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(listener)
    yield received
    course_completed.disconnect(listener)


def credits(user):
    return list(
        TrainingRecord.objects.filter(user=user).values_list(
            "year", "hours", "source", "reference", "title"
        )
    )


# --- enrolment -------------------------------------------------------------------


def test_it_enrols_a_worker_once_however_often_asked(worker, course, lessons):
    first = enrolment_create(user=worker, course=course)
    second = enrolment_create(user=worker, course=course)

    assert first.pk == second.pk
    assert Enrolment.objects.filter(user=worker, course=course).count() == 1
    assert first.lessons_required == 3
    assert first.source == Enrolment.Source.SELF


def test_it_counts_only_required_live_lessons(worker, course, lessons):
    LessonPageFactory(course=course, required=False)
    LessonPageFactory(course=course, live=False)

    enrolment = enrolment_create(user=worker, course=course)

    assert enrolment.lessons_required == 3


def test_an_assignment_keeps_the_earlier_due_date(worker, hr_street, course, lessons):
    enrolment_create(user=worker, course=course)
    enrolment_create(
        user=worker,
        course=course,
        source=ASSIGNED,
        assigned_by=hr_street,
        due_date=date(2025, 6, 30),
    )
    enrolment_create(
        user=worker, course=course, source=ASSIGNED, due_date=date(2025, 9, 30)
    )
    enrolment_create(
        user=worker, course=course, source=ASSIGNED, due_date=date(2025, 5, 31)
    )

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.source == ASSIGNED
    assert enrolment.assigned_by == hr_street
    assert enrolment.due_date == date(2025, 5, 31)


def test_it_refuses_self_enrolment_while_a_prerequisite_is_incomplete(worker):
    basics = CoursePageFactory(title="社区工作基础")
    LessonPageFactory(course=basics)
    advanced = CoursePageFactory(title="调解进阶", prerequisites=[basics])

    with pytest.raises(EnrolmentRefusedError) as refused:
        enrolment_create(user=worker, course=advanced)

    assert "社区工作基础" in str(refused.value)
    assert not Enrolment.objects.filter(user=worker, course=advanced).exists()


def test_it_enrols_once_the_prerequisite_is_completed(worker):
    basics = CoursePageFactory(title="社区工作基础")
    lesson = LessonPageFactory(course=basics)
    advanced = CoursePageFactory(title="调解进阶", prerequisites=[basics])
    enrolment_create(user=worker, course=basics)
    lesson_complete(user=worker, lesson=lesson)

    enrolment = enrolment_create(user=worker, course=advanced)

    assert enrolment.course_id == advanced.pk


def test_an_assignment_is_not_refused_for_prerequisites(worker, hr_street):
    basics = CoursePageFactory()
    advanced = CoursePageFactory(prerequisites=[basics])

    enrolment = enrolment_create(
        user=worker, course=advanced, source=ASSIGNED, assigned_by=hr_street
    )

    assert enrolment.source == ASSIGNED


# --- lessons and completion ------------------------------------------------------


def test_completing_a_lesson_twice_counts_it_once(worker, course, lessons):
    enrolment_create(user=worker, course=course)

    lesson_complete(user=worker, lesson=lessons[0])
    lesson_complete(user=worker, lesson=lessons[0])

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.lessons_done == 1
    assert enrolment.percent == 33
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1


def test_it_refuses_progress_without_an_enrolment(worker, lessons):
    with pytest.raises(NotEnrolledError):
        lesson_complete(user=worker, lesson=lessons[0])

    assert not LessonProgress.objects.exists()


def test_it_completes_the_course_and_credits_hours_once(
    worker, course, lessons, completions, django_capture_on_commit_callbacks
):
    enrolment_create(user=worker, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            lesson_complete(user=worker, lesson=lesson)
        lesson_complete(user=worker, lesson=lessons[-1])
        course_completion_check(
            enrolment=Enrolment.objects.get(user=worker, course=course)
        )

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert enrolment.percent == 100
    year = timezone.localtime(enrolment.completed_at).year
    assert credits(worker) == [
        (year, Decimal("2.5"), "online", f"course:{course.pk}", "人民调解法解读")
    ]
    assert completions == [enrolment.pk]


def test_the_ledger_year_is_the_year_in_china(worker, course, lessons, monkeypatch):
    # 2024-12-31 17:30 UTC is already 2025-01-01 in Beijing.
    moment = datetime(2024, 12, 31, 17, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    enrolment_create(user=worker, course=course)

    for lesson in lessons:
        lesson_complete(user=worker, lesson=lesson)

    assert credits(worker)[0][0] == 2025


def test_optional_lessons_are_not_needed_to_complete(worker, course, lessons):
    optional = LessonPageFactory(course=course, required=False)
    enrolment_create(user=worker, course=course)

    for lesson in lessons:
        lesson_complete(user=worker, lesson=lesson)

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    lesson_complete(user=worker, lesson=optional)
    assert len(credits(worker)) == 1


def test_a_course_without_lessons_is_never_completed(worker, course):
    enrolment = enrolment_create(user=worker, course=course)

    assert course_completion_check(enrolment=enrolment) is False
    assert credits(worker) == []


def test_a_failing_completion_rule_blocks_completion(
    worker, course, lessons, completions, django_capture_on_commit_callbacks
):
    def quizzes_passed(enrolment):
        return "通过结业测验后才能完成本课程。"

    register_completion_rule(quizzes_passed)
    try:
        enrolment_create(user=worker, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in lessons:
                lesson_complete(user=worker, lesson=lesson)
    finally:
        unregister_completion_rule(quizzes_passed)

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.status == Enrolment.Status.IN_PROGRESS
    assert enrolment.lessons_done == 3
    assert credits(worker) == []
    assert completions == []


def test_the_course_completes_when_the_rule_holds_later(
    worker, course, lessons, completions, django_capture_on_commit_callbacks
):
    passed = {"quiz": False}

    def quizzes_passed(enrolment):
        return passed["quiz"]

    register_completion_rule(quizzes_passed)
    try:
        enrolment = enrolment_create(user=worker, course=course)
        for lesson in lessons:
            lesson_complete(user=worker, lesson=lesson)
        passed["quiz"] = True
        with django_capture_on_commit_callbacks(execute=True):
            assert course_completion_check(enrolment=enrolment) is True
            assert course_completion_check(enrolment=enrolment) is True
    finally:
        unregister_completion_rule(quizzes_passed)

    assert len(credits(worker)) == 1
    assert completions == [enrolment.pk]


def test_a_lesson_published_later_keeps_the_counters_right(worker, course, lessons):
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lessons[0])

    extra = LessonPageFactory(course=course, live=False)
    extra.save_revision().publish()

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert (enrolment.lessons_done, enrolment.lessons_required) == (1, 4)
    assert enrolment.percent == 25


def test_a_lesson_made_optional_completes_a_worker_who_did_the_rest(
    worker, course, lessons
):
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lessons[0])
    lesson_complete(user=worker, lesson=lessons[1])

    lessons[2].required = False
    lessons[2].save_revision().publish()

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert len(credits(worker)) == 1


def test_a_completed_course_stays_completed_when_lessons_are_added(
    worker, course, lessons
):
    enrolment_create(user=worker, course=course)
    for lesson in lessons:
        lesson_complete(user=worker, lesson=lesson)

    LessonPageFactory(course=course, live=False).save_revision().publish()

    enrolment = Enrolment.objects.get(user=worker, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.percent == 100


# --- video -------------------------------------------------------------------------


def test_watching_90_percent_of_the_video_completes_the_lesson(worker, course, lessons):
    enrolment_create(user=worker, course=course)

    progress = video_progress_record(user=worker, lesson=lessons[0], percent=45)
    assert progress.completed_at is None
    progress = video_progress_record(user=worker, lesson=lessons[0], percent=90.2)

    assert progress.video_percent == 90
    assert progress.completed_at is not None
    assert Enrolment.objects.get(user=worker, course=course).lessons_done == 1


def test_video_progress_only_grows_and_is_capped(worker, course, lessons):
    enrolment_create(user=worker, course=course)

    video_progress_record(user=worker, lesson=lessons[0], percent=60)
    video_progress_record(user=worker, lesson=lessons[0], percent=20)
    assert LessonProgress.objects.get().video_percent == 60
    video_progress_record(user=worker, lesson=lessons[0], percent=1e9)

    progress = LessonProgress.objects.get()
    assert progress.video_percent == 100
    assert progress.completed_at is not None


def test_rewatching_never_uncompletes_a_lesson(worker, course, lessons):
    enrolment_create(user=worker, course=course)
    lesson_complete(user=worker, lesson=lessons[0])

    progress = video_progress_record(user=worker, lesson=lessons[0], percent=5)

    assert progress.completed_at is not None
    assert Enrolment.objects.get(user=worker, course=course).lessons_done == 1


# --- reflection notes -----------------------------------------------------------


def test_a_reflection_note_is_saved_updated_and_removed(worker, course):
    lesson = LessonPageFactory(
        course=course, body=[("reflection", {"question": "你会怎样开场？"})]
    )
    block_id = lesson.body[0].id

    reflection_note_save(user=worker, lesson=lesson, block_id=block_id, text=" 先倾听 ")
    reflection_note_save(
        user=worker, lesson=lesson, block_id=block_id, text="先倾听再提问"
    )
    assert ReflectionNote.objects.get().text == "先倾听再提问"

    reflection_note_save(user=worker, lesson=lesson, block_id=block_id, text="  ")
    assert not ReflectionNote.objects.exists()


# --- concurrency (PostgreSQL row locks) ----------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"
)
def test_two_simultaneous_completions_count_once_and_credit_once(completions):
    from tests.factories.people import UserFactory, WorkerProfileFactory

    user = WorkerProfileFactory(user=UserFactory(username="racer")).user
    course = CoursePageFactory(credit_hours=Decimal("1.0"))
    lesson = LessonPageFactory(course=course)
    enrolment_create(user=user, course=course)
    barrier = threading.Barrier(2)
    errors = []

    def complete():
        try:
            barrier.wait(timeout=10)
            lesson_complete(user=user, lesson=lesson)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    enrolment = Enrolment.objects.get(user=user, course=course)
    assert enrolment.lessons_done == 1
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert TrainingRecord.objects.filter(user=user).count() == 1
    assert completions == [enrolment.pk]


def test_due_dates_in_the_past_are_kept(worker, course):
    yesterday = timezone.localdate() - timedelta(days=1)

    enrolment = enrolment_create(
        user=worker, course=course, source=ASSIGNED, due_date=yesterday
    )

    assert enrolment.due_date == yesterday


# --- the learning views ------------------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_enrolling_opens_the_first_lesson(client_for, worker, course, lessons):
    response = client_for("worker").post(
        f"/learn/courses/{course.pk}/enrol/", follow=True
    )

    assert response.redirect_chain[-1][0] == lessons[0].url
    assert "You are enrolled. Start with the first lesson." in messages_of(response)
    assert Enrolment.objects.filter(user=worker, course=course).exists()


def test_enrolling_with_an_incomplete_prerequisite_says_why(client_for, worker):
    basics = CoursePageFactory(title="社区工作基础")
    course = CoursePageFactory(slug="advanced", prerequisites=[basics])

    response = client_for("worker").post(
        f"/learn/courses/{course.pk}/enrol/", follow=True
    )

    assert response.redirect_chain[-1][0] == "/courses/advanced/"
    assert messages_of(response) == ["Complete these courses first: 社区工作基础."]
    assert not Enrolment.objects.filter(user=worker).exists()


def test_enrolling_on_a_course_for_another_street_is_not_found(
    client_for, other_worker, org
):
    course = CoursePageFactory(audience=[org["donghu"]])

    response = client_for("other_worker").post(f"/learn/courses/{course.pk}/enrol/")

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_enrolling_needs_a_post(client_for, worker, course):
    response = client_for("worker").get(f"/learn/courses/{course.pk}/enrol/")

    assert response.status_code == 405
    assert not Enrolment.objects.exists()


def test_completing_a_lesson_goes_on_to_the_next(client_for, worker, course, lessons):
    enrolment_create(user=worker, course=course)

    response = client_for("worker").post(
        f"/learn/lessons/{lessons[0].pk}/complete/", follow=True
    )

    assert response.redirect_chain[-1][0] == lessons[1].url
    assert "Lesson complete." in messages_of(response)
    assert Enrolment.objects.get(user=worker).lessons_done == 1


def test_completing_the_last_lesson_completes_the_course(
    client_for, worker, course, lessons
):
    enrolment_create(user=worker, course=course)
    for lesson in lessons[:2]:
        lesson_complete(user=worker, lesson=lesson)

    response = client_for("worker").post(
        f"/learn/lessons/{lessons[2].pk}/complete/", follow=True
    )

    assert response.redirect_chain[-1][0] == course.url
    assert "Course complete: 2.5 training hours are in your record." in messages_of(
        response
    )
    assert "You completed this course on" in response.content.decode()
    assert len(credits(worker)) == 1


def test_completing_without_an_enrolment_asks_to_enrol(
    client_for, worker, course, lessons
):
    response = client_for("worker").post(
        f"/learn/lessons/{lessons[0].pk}/complete/", follow=True
    )

    assert "Enrol on the course to record your progress." in messages_of(response)
    assert not LessonProgress.objects.exists()


@pytest.fixture
def video_lesson(course, settings, tmp_path):
    from tests.factories.courses import document

    settings.MEDIA_ROOT = tmp_path
    clip = document(title="调解演示", content=b"\x00" * 1000, name="clip.mp4")
    return LessonPageFactory(course=course, body=[("video", {"video": clip})])


def test_the_video_progress_view_completes_at_90_percent(
    client_for, worker, course, video_lesson
):
    enrolment_create(user=worker, course=course)
    client = client_for("worker")
    url = f"/learn/lessons/{video_lesson.pk}/video-progress/"

    halfway = client.post(url, {"position": "300", "duration": "600"})
    nearly = client.post(url, {"position": "545", "duration": "600"})

    assert halfway.json() == {"percent": 50, "completed": False}
    assert nearly.json() == {"percent": 90, "completed": True}
    assert LessonProgress.objects.get().completed_at is not None


def test_the_video_progress_view_caps_absurd_positions(
    client_for, worker, course, video_lesson
):
    enrolment_create(user=worker, course=course)
    client = client_for("worker")
    url = f"/learn/lessons/{video_lesson.pk}/video-progress/"

    beyond = client.post(url, {"position": "99999", "duration": "600"})
    nonsense = client.post(url, {"position": "nan", "duration": "600"})
    zero = client.post(url, {"position": "10", "duration": "0"})

    assert beyond.json() == {"percent": 100, "completed": True}
    assert nonsense.status_code == 400
    assert zero.status_code == 400


def test_the_video_progress_view_needs_an_enrolment_and_a_video(
    client_for, worker, course, lessons, video_lesson
):
    client = client_for("worker")

    unenrolled = client.post(
        f"/learn/lessons/{video_lesson.pk}/video-progress/",
        {"position": "600", "duration": "600"},
    )
    enrolment_create(user=worker, course=course)
    no_video = client.post(
        f"/learn/lessons/{lessons[0].pk}/video-progress/",
        {"position": "600", "duration": "600"},
    )

    assert unenrolled.status_code == 403
    assert unenrolled.json() == {"error": "Enrol on the course first."}
    assert no_video.status_code == 400
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_the_video_block_reports_progress_only_for_enrolled_workers(
    client_for, worker, course, video_lesson
):
    client = client_for("worker")
    before = client.get(video_lesson.url).content.decode()
    enrolment_create(user=worker, course=course)
    after = client.get(video_lesson.url).content.decode()

    progress_url = (
        f'data-progress-url="/learn/lessons/{video_lesson.pk}/video-progress/"'
    )
    assert progress_url not in before
    assert progress_url in after
    assert "/static/courses/video-progress.js" in after


@pytest.fixture
def reflection_lesson(course):
    return LessonPageFactory(
        course=course,
        slug="reflect",
        body=[("reflection", {"question": "你会怎样开场？"})],
    )


def test_a_reflection_note_is_saved_and_shown_to_its_owner_only(
    client_for, worker, other_worker, course, reflection_lesson
):
    block_id = reflection_lesson.body[0].id
    url = f"/learn/lessons/{reflection_lesson.pk}/reflections/{block_id}/"
    mine = client_for("worker")

    response = mine.post(url, {"text": "先自我介绍，再请双方各说一遍。"}, follow=True)
    theirs = client_for("other_worker").get(reflection_lesson.url).content.decode()

    assert "Your note is saved. Only you can see it." in messages_of(response)
    assert "先自我介绍，再请双方各说一遍。" in response.content.decode()
    assert "先自我介绍" not in theirs
    assert f'action="{url}"' in theirs
    assert ReflectionNote.objects.get().user == worker


def test_a_too_long_reflection_note_keeps_the_text_and_says_why(
    client_for, worker, course, reflection_lesson
):
    block_id = reflection_lesson.body[0].id
    url = f"/learn/lessons/{reflection_lesson.pk}/reflections/{block_id}/"
    text = "长" * 5001

    response = client_for("worker").post(url, {"text": text})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep your note under 5000 characters (it has 5001)." in html
    assert text in html
    assert not ReflectionNote.objects.exists()


def test_a_note_for_an_unknown_question_is_refused(
    client_for, worker, course, reflection_lesson
):
    url = f"/learn/lessons/{reflection_lesson.pk}/reflections/no-such-block/"

    response = client_for("worker").post(url, {"text": "笔记"}, follow=True)

    assert "This question is no longer part of the lesson." in messages_of(response)
    assert not ReflectionNote.objects.exists()
