from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("records/", views.home, name="home"),
]
