"""/api/: the records API (v1), its OpenAPI schema and its docs page."""

from django.urls import path

from . import views

app_name = "records_api"


def _pair(prefix: str, viewset, name: str) -> list:
    return [
        path(
            f"v1/{prefix}/",
            viewset.as_view({"get": "list"}),
            name=f"{name}-list",
        ),
        path(
            f"v1/{prefix}/<int:pk>/",
            viewset.as_view({"get": "retrieve"}),
            name=f"{name}-detail",
        ),
    ]


urlpatterns = [
    *_pair("org-units", views.OrgUnitViewSet, "org-unit"),
    *_pair("workers", views.WorkerViewSet, "worker"),
    *_pair("enrolments", views.EnrolmentViewSet, "enrolment"),
    *_pair("completions", views.CompletionViewSet, "completion"),
    *_pair("hours", views.HoursViewSet, "hours"),
    *_pair("certificates", views.CertificateViewSet, "certificate"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
]
