"""HR review URLs: each area has its own urls_<area>.py, joined here."""

from django.urls import path

from . import urls_assignments, urls_claims, urls_dashboard, views

app_name = "records"

urlpatterns = [
    path("records/", views.home, name="home"),
    *urls_dashboard.urlpatterns,
    *urls_claims.urlpatterns,
    *urls_assignments.urlpatterns,
]
