"""URLs of this area; records/urls.py joins them."""

from django.urls import path

from . import views_dashboard

urlpatterns = [
    path(
        "records/workers/<int:user_id>/",
        views_dashboard.worker_record,
        name="worker_record",
    ),
    path(
        "records/workers/<int:user_id>/transcript.pdf",
        views_dashboard.worker_transcript,
        name="worker_transcript",
    ),
    path(
        "records/me/transcript.pdf",
        views_dashboard.my_transcript,
        name="my_transcript",
    ),
    path("records/export.<str:fmt>", views_dashboard.export, name="export"),
    path("records/exports/<int:pk>/", views_dashboard.export_job, name="export_job"),
    path(
        "records/exports/<int:pk>/status/",
        views_dashboard.export_job_status,
        name="export_job_status",
    ),
    path(
        "records/exports/<int:pk>/download/",
        views_dashboard.export_download,
        name="export_download",
    ),
]
