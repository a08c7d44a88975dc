from django.urls import path

from . import urls_claims, urls_learning, urls_offline, views

app_name = "courses"

urlpatterns = [
    path("learning/", views.my_learning, name="my_learning"),
    *urls_learning.urlpatterns,
    *urls_offline.urlpatterns,
    *urls_claims.urlpatterns,
]
