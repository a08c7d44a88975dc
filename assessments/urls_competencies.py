"""URLs of this area; assessments/urls.py joins them."""

from django.urls import path

from . import views_competencies as views

urlpatterns = [
    path("assessments/competencies/", views.competency_mine, name="competency_mine"),
    path(
        "assessments/competencies/workers/<int:user_id>/",
        views.competency_worker,
        name="competency_worker",
    ),
    path(
        "assessments/competencies/workers/<int:user_id>/rate/",
        views.competency_rate_view,
        name="competency_rate",
    ),
]
