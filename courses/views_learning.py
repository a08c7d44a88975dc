"""Views of the learning flow: enrol, complete a lesson, video progress, notes, media.

The course and lesson pages themselves are Wagtail pages (courses.models.pages);
these views take the POSTs those pages send, and stream lesson media.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from wagtail.documents import get_document_model

from courses.media import ranged_file_response
from courses.models import CoursePage, Enrolment, LessonPage
from courses.selectors.catalog import (
    course_lessons,
    courses_visible_to,
    lessons_visible_to,
)
from courses.services.learning import (
    EnrolmentRefusedError,
    NotEnrolledError,
    enrolment_create,
    lesson_complete,
    reflection_note_save,
    video_progress_record,
)


def _visible_lesson(request, lesson_id: int) -> LessonPage:
    return get_object_or_404(lessons_visible_to(user=request.user), pk=lesson_id)


def _next_lesson(lesson: LessonPage) -> LessonPage | None:
    course = CoursePage.objects.filter(path=lesson.course_path).first()
    lessons = course_lessons(course=course) if course else LessonPage.objects.none()
    return lessons.filter(path__gt=lesson.path).first()


@login_required
@require_POST
def course_enrol(request, course_id: int):
    """报名学习: enrol on a course the worker may see, then open its first lesson."""
    course = get_object_or_404(courses_visible_to(user=request.user), pk=course_id)
    try:
        enrolment_create(user=request.user, course=course)
    except EnrolmentRefusedError as refused:
        messages.error(request, str(refused))
        return redirect(course.get_url(request))
    messages.success(request, _("You are enrolled. Start with the first lesson."))
    first = course_lessons(course=course).first()
    return redirect((first or course).get_url(request))


@login_required
@require_POST
def lesson_complete_view(request, lesson_id: int):
    """完成本课: mark the lesson done, then go on to the next one."""
    lesson = _visible_lesson(request, lesson_id)
    try:
        progress = lesson_complete(user=request.user, lesson=lesson)
    except NotEnrolledError:
        messages.error(request, _("Enrol on the course to record your progress."))
        return redirect(lesson.get_url(request))
    enrolment = progress.enrolment
    if enrolment.status == Enrolment.Status.COMPLETED:
        messages.success(
            request,
            _("Course complete: %(hours)s training hours are in your record.")
            % {"hours": enrolment.course.credit_hours},
        )
        return redirect(enrolment.course.get_url(request))
    messages.success(request, _("Lesson complete."))
    following = _next_lesson(lesson)
    return redirect((following or enrolment.course).get_url(request))


def _reported_percent(data) -> float | None:
    """The share watched from the furthest position and the duration (or a percent)."""
    try:
        if "duration" in data:
            position, duration = float(data["position"]), float(data["duration"])
            if not (math.isfinite(position) and math.isfinite(duration)):
                return None
            if duration <= 0 or position < 0:
                return None
            return 100 * min(position, duration) / duration
        percent = float(data["percent"])
    except (KeyError, ValueError):
        return None
    return percent if math.isfinite(percent) else None


@login_required
@require_POST
def video_progress(request, lesson_id: int):
    """The lesson video's furthest point watched, sent by video-progress.js."""
    lesson = _visible_lesson(request, lesson_id)
    percent = _reported_percent(request.POST)
    if percent is None:
        return JsonResponse({"error": _("Send position and duration.")}, status=400)
    if not any(block.block_type == "video" for block in lesson.body):
        return JsonResponse({"error": _("This lesson has no video.")}, status=400)
    try:
        progress = video_progress_record(
            user=request.user, lesson=lesson, percent=percent
        )
    except NotEnrolledError:
        return JsonResponse({"error": _("Enrol on the course first.")}, status=403)
    return JsonResponse(
        {
            "percent": progress.video_percent,
            "completed": progress.completed_at is not None,
        }
    )


@login_required
@require_POST
def reflection_save(request, lesson_id: int, block_id: str):
    """Save the worker's private note; on an error the lesson shows it, text kept."""
    lesson = _visible_lesson(request, lesson_id)
    text = request.POST.get("text", "")
    try:
        note = reflection_note_save(
            user=request.user, lesson=lesson, block_id=block_id, text=text
        )
    except ValidationError as error:
        if error.code == "unknown_block":
            messages.error(request, error.messages[0])
            return redirect(lesson.get_url(request))
        lesson.reflection_feedback = {
            "drafts": {block_id: text},
            "errors": {block_id: error.messages[0]},
        }
        response = lesson.serve(request)
        response.status_code = 400
        return response
    if note is None:
        messages.success(request, _("Your note was removed."))
    else:
        messages.success(request, _("Your note is saved. Only you can see it."))
    return redirect(f"{lesson.get_url(request)}#reflection-{block_id}")


@login_required
@require_safe
def media_stream(request, document_id: int):
    """A lesson's video or audio, with HTTP ranges so that phones can seek."""
    document = get_object_or_404(get_document_model(), pk=document_id)
    for restriction in document.collection.get_view_restrictions():
        if not restriction.accept_request(request):
            raise PermissionDenied
    return ranged_file_response(request, document.file, filename=document.filename)
