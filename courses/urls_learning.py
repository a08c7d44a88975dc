"""URLs of the learning flow: enrol, lesson completion, video progress, notes, media.

The catalog, course and lesson pages are Wagtail pages under /courses/; these
live under /learn/ so that no page slug can ever shadow them.
"""

from django.urls import path

from . import views_learning

urlpatterns = [
    path(
        "learn/courses/<int:course_id>/enrol/",
        views_learning.course_enrol,
        name="course_enrol",
    ),
    path(
        "learn/lessons/<int:lesson_id>/complete/",
        views_learning.lesson_complete_view,
        name="lesson_complete",
    ),
    path(
        "learn/lessons/<int:lesson_id>/video-progress/",
        views_learning.video_progress,
        name="video_progress",
    ),
    path(
        "learn/lessons/<int:lesson_id>/reflections/<str:block_id>/",
        views_learning.reflection_save,
        name="reflection_save",
    ),
    path(
        "media/<int:document_id>/stream/",
        views_learning.media_stream,
        name="media_stream",
    ),
]
