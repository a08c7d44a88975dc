"""URLs of this area; records/urls.py joins them."""

from django.urls import path

from . import views_claims

urlpatterns = [
    path("records/claims/", views_claims.claim_list, name="claim_list"),
    path("records/claims/<int:pk>/", views_claims.claim_detail, name="claim_detail"),
    path(
        "records/claims/<int:pk>/approve/",
        views_claims.claim_approve_view,
        name="claim_approve",
    ),
]
