"""Wagtail admin for assessments: each area registers its snippets in snippets/."""

from .snippets import certificates, competencies, questions, quizzes  # noqa: F401
