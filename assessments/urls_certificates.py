"""URLs of certificates; assessments/urls.py joins them."""

from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path(
        "certificates/<int:pk>/download/",
        views.certificate_download,
        name="certificate_download",
    ),
    path(
        "certificates/<int:pk>/renew/",
        views.certificate_renew,
        name="certificate_renew",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("certificates/hr/", views.certificate_hr_list, name="certificate_hr_list"),
    path("certificates/hr/zip/", views.certificate_zip, name="certificate_zip"),
    path(
        "certificates/hr/zip/<int:pk>/",
        views.certificate_zip_status,
        name="certificate_zip_status",
    ),
    path(
        "certificates/hr/zip/<int:pk>/download/",
        views.certificate_zip_download,
        name="certificate_zip_download",
    ),
    path(
        "certificates/verify/<str:code>/",
        views.certificate_verify,
        name="certificate_verify",
    ),
    path("certificates/badges/issuer.json", views.badge_issuer, name="badge_issuer"),
    path(
        "certificates/badges/class/<int:course_id>.json",
        views.badge_class,
        name="badge_class",
    ),
    path(
        "certificates/badges/<str:code>/assertion.json",
        views.badge_assertion,
        name="badge_assertion",
    ),
    path(
        "certificates/preview/<int:course_id>/<str:design>/",
        views.certificate_preview,
        name="certificate_preview",
    ),
]
