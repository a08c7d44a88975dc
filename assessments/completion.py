"""The quiz part of a course: the completion rule and the final exam's panel.

A course is complete only when its final exam (if it has one) is passed and
every quiz in a *required* lesson is passed; optional lessons' quizzes are
practice. The reason returned is shown to the worker on the course page.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from courses.completion import register_completion_rule
from courses.extensions import register_course_panel


def lesson_quiz_ids(lessons) -> set[int]:
    """The quiz ids of the quiz blocks in these lessons' bodies (no queries)."""
    ids = set()
    for lesson in lessons:
        for block in getattr(lesson.body, "raw_data", None) or []:
            if block.get("type") != "quiz":
                continue
            quiz_id = (block.get("value") or {}).get("quiz_id")
            if quiz_id:
                ids.add(int(quiz_id))
    return ids


def required_quiz_ids(*, course) -> set[int]:
    """The published quizzes a worker must pass to complete the course."""
    from assessments.models import Quiz
    from courses.models import LessonPage

    lessons = LessonPage.objects.live().filter(
        path__startswith=course.path, depth=course.depth + 1, required=True
    )
    ids = lesson_quiz_ids(lessons.only("id", "body"))
    # The course's final exam, and the quizzes its required lessons embed.
    wanted = Q(course_id=course.pk, kind=Quiz.Kind.FINAL) | Q(pk__in=ids)
    return set(
        Quiz.objects.filter(wanted, is_published=True).values_list("pk", flat=True)
    )


@register_completion_rule
def required_quizzes_passed(enrolment) -> bool | str:
    """Every required quiz of the course passed by the worker (their QuizGrade)."""
    from assessments.models import Quiz, QuizGrade

    needed = required_quiz_ids(course=enrolment.course)
    if not needed:
        return True
    passed = set(
        QuizGrade.objects.filter(
            user_id=enrolment.user_id, quiz_id__in=needed, passed=True
        ).values_list("quiz_id", flat=True)
    )
    missing = needed - passed
    if not missing:
        return True
    quizzes = list(Quiz.objects.filter(pk__in=missing).values_list("kind", "title"))
    lesson_quizzes = [title for kind, title in quizzes if kind != Quiz.Kind.FINAL]
    if lesson_quizzes:
        if len(lesson_quizzes) == 1:
            return _(
                "Pass the quiz “%(title)s” in a required lesson to complete "
                "this course."
            ) % {"title": lesson_quizzes[0]}
        return _(
            "Pass the %(count)s quizzes in the required lessons to complete "
            "this course."
        ) % {"count": len(lesson_quizzes)}
    return _("Pass the final exam “%(title)s” to complete this course.") % {
        "title": quizzes[0][1]
    }


@register_course_panel
def final_exam_panel(request, course, enrolment) -> str:
    """The course's final exam on the course page: the worker's state and a link."""
    from django.template.loader import render_to_string

    from assessments.selectors.attempts import (
        final_exam_for_course,
        quiz_state_for_worker,
    )

    if not request.user.is_authenticated:
        return ""
    exam = final_exam_for_course(course=course)
    if exam is None:
        return ""
    state = quiz_state_for_worker(user=request.user, quiz=exam)
    return render_to_string(
        "assessments/quiz/course_panel.html",
        {"state": state, "quiz": exam, "enrolment": enrolment},
        request=request,
    )
