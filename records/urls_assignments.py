"""URLs of this area; records/urls.py joins them."""

from django.urls import path

from . import views_assignments as views

urlpatterns = [
    path("records/assignments/", views.assignment_list, name="assignment_list"),
    path("records/assignments/new/", views.assignment_new, name="assignment_new"),
    path(
        "records/assignments/<int:pk>/",
        views.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "records/assignments/<int:pk>/cancel/",
        views.assignment_cancel_view,
        name="assignment_cancel",
    ),
    path("records/plans/", views.plan_list, name="plan_list"),
    path("records/plans/new/", views.plan_edit, name="plan_new"),
    path("records/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
]
