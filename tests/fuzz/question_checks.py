"""The properties every question importer must keep, checked on one file.

1. import_questions returns a report, whatever the bytes: the parsers raise
   nothing but ImportFileError, which becomes a problem in the report.
2. A report with problems wrote nothing: every question table has the rows
   it had before.
3. A report without problems wrote exactly what a second reading of the
   file says, question by question.
4. Through the import page, as a trainer: never a 5xx, a visible message
   when nothing was imported, and no traceback in the page.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event
from taggit.models import Tag

from assessments.importers import PARSERS, ImportProblem, import_questions
from assessments.models import (
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
)
from assessments.services.questions import _category_name, _tag_names, question_clean
from people.models import AuditEntry

from .conftest import assert_no_traceback, rolled_back, row_counts

QUESTION_TABLES = [
    QuestionBank,
    QuestionCategory,
    Question,
    QuestionVersion,
    QuestionTag,
    Tag,
    AuditEntry,
]
BANK = "模糊测试题库"


def check_import(data: bytes, *, format: str | None, by=None, filename: str = ""):
    """Properties 1–3 for one file; every write is rolled back afterwards."""
    with rolled_back():
        before = row_counts(QUESTION_TABLES)
        report = import_questions(
            data=data, bank_name=BANK, format=format, filename=filename, by=by
        )
        event("rejected" if report.errors else f"imported {report.imported}")
        if report.errors:
            assert report.imported == 0
            assert report.bank is None
            for problem in report.errors:
                assert isinstance(problem, ImportProblem)
                assert str(problem).strip()
                assert_no_traceback(str(problem))
            assert row_counts(QUESTION_TABLES) == before
        else:
            _assert_stored_as_read(data, report)
    return report


def _assert_stored_as_read(data: bytes, report) -> None:
    reread = PARSERS[report.format](data)
    assert not reread.errors
    assert report.imported == len(reread.items)
    bank = QuestionBank.objects.get(name=BANK)
    stored = list(
        Question.objects.filter(bank=bank)
        .select_related("current_version", "category")
        .order_by("pk")
    )
    assert len(stored) == len(reread.items)
    for question, item in zip(stored, reread.items, strict=True):
        wanted = question_clean(
            type=item.data.type,
            stem=item.data.stem,
            choices=item.data.choices,
            answer=item.data.answer,
            explanation=item.data.explanation,
            rubric=item.data.rubric,
            points=item.data.points,
            difficulty=item.data.difficulty,
        )
        version = question.current_version
        assert question.type == item.data.type
        assert question.difficulty == item.data.difficulty
        for name, value in wanted.items():
            assert getattr(version, name) == value, name
        category = _category_name(item.data.category)
        assert (question.category.name if question.category else "") == category
        assert sorted(question.tags.names()) == sorted(_tag_names(item.data.tags))
        if item.data.name:
            assert question.name == item.data.name[:200]


def check_upload(client, data: bytes, *, filename: str, format: str = ""):
    """Property 4 for one file sent through the trainers' import page."""
    with rolled_back():
        before = row_counts([Question, QuestionVersion, QuestionBank])
        response = client.post(
            "/assessments/banks/import/",
            {
                "bank_name": BANK,
                "file": SimpleUploadedFile(filename, data),
                "format": format,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code < 500
        event(f"status {response.status_code}")
        if response.status_code == 302:
            # A clean import goes to the bank.
            bank = QuestionBank.objects.get(name=BANK)
            assert response["Location"] == f"/assessments/banks/{bank.pk}/"
            return
        assert response.status_code == 200
        page = response.content.decode()
        assert_no_traceback(page)
        if row_counts([Question, QuestionVersion, QuestionBank]) == before:
            # Nothing imported: the page must say why.
            assert (
                "Nothing was imported" in page
                or 'role="alert"' in page
                or "0 questions imported" in page
            )
