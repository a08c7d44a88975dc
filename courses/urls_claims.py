"""URLs of a worker's external hours claims (HR reviews them under /records/)."""

from django.urls import path

from . import views_claims

urlpatterns = [
    path("learning/claims/", views_claims.claim_list, name="claim_list"),
    path(
        "learning/claims/<int:pk>/proof/",
        views_claims.claim_proof,
        name="claim_proof",
    ),
]
