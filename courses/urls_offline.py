"""URLs of offline sessions (list, registration, check-in, the organiser's screen)
and of the training-hours ledger (a worker's own hours, corrections)."""

from django.urls import path

from . import views, views_offline

urlpatterns: list = [
    path("learning/hours/", views.my_hours, name="my_hours"),
    path("hours/<int:pk>/correct/", views.hours_correct_view, name="hours_correct"),
    path("sessions/", views_offline.session_list, name="session_list"),
    path("sessions/<int:pk>/", views_offline.session_detail, name="session_detail"),
    path(
        "sessions/<int:pk>/register/",
        views_offline.session_register_view,
        name="session_register",
    ),
    path(
        "sessions/<int:pk>/cancel/",
        views_offline.session_cancel_view,
        name="session_cancel",
    ),
    path(
        "sessions/<int:pk>/checkin/",
        views_offline.session_checkin_view,
        name="session_checkin",
    ),
    path(
        "sessions/<int:pk>/present/",
        views_offline.session_present,
        name="session_present",
    ),
    path(
        "sessions/<int:pk>/present/code/",
        views_offline.session_present_code,
        name="session_present_code",
    ),
    path(
        "sessions/<int:pk>/roster/",
        views_offline.session_roster_view,
        name="session_roster",
    ),
]
