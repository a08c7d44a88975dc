"""Question export: Moodle XML, GIFT and the trainers' XLSX template.

Each format is written so that importing the file again gives the same
questions (see assessments/importers). What a format cannot carry is left
out and reported: a fill-in question with several blanks has no Moodle form.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Question, QuestionBank
from . import gift, moodlexml, xlsx
from .base import ExportResult, tag_names

EXPORTERS = {
    "moodlexml": moodlexml.export,
    "gift": gift.export,
    "xlsx": xlsx.export,
}
EXTENSIONS = {"moodlexml": "xml", "gift": "txt", "xlsx": "xlsx"}
__all__ = ["ExportResult", "export_bank", "export_questions", "tag_names"]

CONTENT_TYPES = {
    "moodlexml": "application/xml; charset=utf-8",
    "gift": "text/plain; charset=utf-8",
    "xlsx": xlsx.CONTENT_TYPE,
}


def questions_for_export(*, bank: QuestionBank) -> QuerySet[Question]:
    """The bank's questions in export order: uncategorised first, then by category.

    Moodle formats apply a category line to every question after it, so the
    questions without a category must come before the first such line.
    """
    return (
        Question.objects.filter(bank=bank, current_version__isnull=False)
        .select_related("current_version", "category")
        .prefetch_related("tagged_items__tag")
        .order_by("category__name", "id")
    )


def export_bank(*, bank: QuestionBank, format: str) -> ExportResult:
    """The bank as a file in this format, with what it had to leave out."""
    if format not in EXPORTERS:
        raise ValueError(f"unknown export format {format!r}")
    questions = sorted(
        questions_for_export(bank=bank),
        key=lambda q: (
            q.category is not None,
            q.category.name if q.category else "",
            q.pk,
        ),
    )
    return EXPORTERS[format](questions)


def export_questions(*, bank: QuestionBank, format: str) -> bytes:
    """The bank as a file in this format (moodlexml, gift or xlsx)."""
    return export_bank(bank=bank, format=format).data
