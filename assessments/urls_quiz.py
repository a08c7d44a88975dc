"""URLs of the worker's quiz pages (under /quiz/); assessments/urls.py joins them."""

from django.urls import path

from . import views_quiz

urlpatterns = [
    path("quiz/<int:quiz_id>/", views_quiz.quiz_intro, name="quiz_intro"),
    path("quiz/<int:quiz_id>/start/", views_quiz.quiz_start, name="quiz_start"),
    path(
        "quiz/attempt/<int:attempt_id>/",
        views_quiz.attempt_page,
        name="quiz_attempt",
    ),
    path(
        "quiz/attempt/<int:attempt_id>/answer/",
        views_quiz.attempt_answer,
        name="quiz_answer",
    ),
    path(
        "quiz/attempt/<int:attempt_id>/submit/",
        views_quiz.attempt_submit_view,
        name="quiz_submit",
    ),
    path(
        "quiz/attempt/<int:attempt_id>/review/",
        views_quiz.attempt_review,
        name="quiz_review",
    ),
]
