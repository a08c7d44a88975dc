"""URLs of the marking area: essay queue, key correction, item statistics."""

from django.urls import path

from . import views_marking

urlpatterns: list = [
    path(
        "assessments/marking/",
        views_marking.marking_queue,
        name="marking_queue",
    ),
    path(
        "assessments/marking/items/<int:item_id>/",
        views_marking.marking_item,
        name="marking_item",
    ),
    path(
        "assessments/questions/<int:question_id>/correct-key/",
        views_marking.key_correct,
        name="marking_key_correct",
    ),
    path(
        "assessments/quizzes/<int:quiz_id>/statistics/",
        views_marking.quiz_statistics,
        name="marking_statistics",
    ),
]
