"""Aiken import: single choice, ANSWER: B."""

from pathlib import Path

import pytest
from django.utils import translation

from assessments.importers import guess_format, import_questions
from assessments.models import Question


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English, the msgids."""
    with translation.override("en"):
        yield


DATA = Path(__file__).parent / "data"


def test_it_imports_single_choice_questions(db):
    data = (DATA / "sample_aiken.txt").read_bytes()

    report = import_questions(data=data, bank_name="Aiken")

    assert guess_format(data) == "aiken"
    assert report.imported == 2
    first = Question.objects.order_by("id").first().current_version
    assert first.stem == "<p>《中华人民共和国民法典》自何时起施行？</p>"
    assert [c["text"] for c in first.choices] == [
        "2020年5月28日",
        "2021年1月1日",
        "2021年7月1日",
    ]
    assert first.answer == ["B"]


def test_an_answer_letter_without_its_choice_imports_nothing(db):
    data = "题一\nA. 甲\nB. 乙\nANSWER: A\n\n题二\nA. 甲\nB. 乙\nANSWER: E\n"

    report = import_questions(data=data.encode(), bank_name="Aiken")

    assert report.imported == 0
    assert [e.where for e in report.errors] == ["Question 2"]
    assert "The answer E is not one of the choices (A–B)" in report.errors[0].message
    assert not Question.objects.exists()


def test_a_question_without_answer_line_is_reported(db):
    data = "题一\nA. 甲\nB. 乙\nANSWER: A\n\n题二\nA. 甲\nB. 乙\n"

    report = import_questions(data=data.encode(), bank_name="Aiken", format="aiken")

    assert report.imported == 0
    assert "no ANSWER line" in report.errors[0].message


def test_chinese_choice_labels_are_read(db):
    data = "民法典自何时施行？\nA．2020年\nB、2021年\nANSWER: B\n"

    report = import_questions(data=data.encode(), bank_name="Aiken", format="aiken")

    assert report.imported == 1
    assert [c["text"] for c in Question.objects.get().current_version.choices] == [
        "2020年",
        "2021年",
    ]
