"""URLs of the question bank area; assessments/urls.py joins them."""

from django.urls import path

from . import views_bank

urlpatterns: list = [
    path("assessments/banks/", views_bank.bank_list, name="bank_list"),
    path(
        "assessments/banks/template.xlsx",
        views_bank.bank_template,
        name="bank_template",
    ),
    path("assessments/banks/import/", views_bank.bank_import, name="bank_import"),
    path("assessments/banks/<int:pk>/", views_bank.bank_detail, name="bank_detail"),
    path(
        "assessments/banks/<int:pk>/questions/new/",
        views_bank.bank_question_create,
        name="bank_question_create",
    ),
    path(
        "assessments/banks/<int:pk>/export/<str:format>/",
        views_bank.bank_export,
        name="bank_export",
    ),
    path(
        "assessments/questions/<int:pk>/edit/",
        views_bank.bank_question_edit,
        name="bank_question_edit",
    ),
]
