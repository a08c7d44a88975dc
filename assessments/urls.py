"""Assessments URLs: each area has its own urls_<area>.py, joined here."""

from . import urls_bank, urls_certificates, urls_competencies, urls_marking, urls_quiz

app_name = "assessments"

urlpatterns = [
    *urls_bank.urlpatterns,
    *urls_quiz.urlpatterns,
    *urls_marking.urlpatterns,
    *urls_competencies.urlpatterns,
    *urls_certificates.urlpatterns,
]
