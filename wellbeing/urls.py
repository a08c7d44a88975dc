from django.urls import path

from . import views

app_name = "wellbeing"

urlpatterns = [
    path("wellbeing/", views.home, name="home"),
    path("wellbeing/results/", views.results, name="results"),
    path("wellbeing/aggregates/", views.aggregates, name="aggregates"),
    path("wellbeing/<slug:slug>/consent/", views.consent, name="consent"),
    path("wellbeing/<slug:slug>/take/", views.take, name="take"),
    path("wellbeing/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
]
