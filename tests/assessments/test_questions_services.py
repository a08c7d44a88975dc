"""Question services: checks per type, and versions on edit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from assessments.models import Attempt, AttemptItem, Question, QuestionVersion
from assessments.services.questions import (
    bank_get_or_create,
    category_get_or_create,
    question_create,
    question_update,
)
from tests.factories.assessments import QuizFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def bank(db):
    return bank_get_or_create(name="人民调解题库")


def single(bank, **kwargs):
    fields = {
        "bank": bank,
        "type": Question.Type.SINGLE,
        "stem": "<p>人民调解的原则？</p>",
        "choices": ["自愿", "强制", "收费"],
        "answer": ["A"],
    }
    return question_create(**{**fields, **kwargs})


def used(question, worker):
    quiz = QuizFactory(questions=[question])
    attempt = Attempt.objects.create(quiz=quiz, user=worker, started_at=timezone.now())
    AttemptItem.objects.create(
        attempt=attempt,
        position=1,
        version=question.current_version,
        points=question.current_version.points,
    )


def messages(excinfo):
    return " ".join(excinfo.value.messages)


def test_create_makes_version_one_with_moodle_fractions(bank):
    question = single(bank, tags=["调解", "调解"], category="人民调解/原则")

    version = question.current_version
    assert version.number == 1
    assert [(c["key"], c["fraction"]) for c in version.choices] == [
        ("A", 1.0),
        ("B", 0.0),
        ("C", 0.0),
    ]
    assert question.name == "人民调解的原则？"
    assert list(question.tags.names()) == ["调解"]
    assert question.category == category_get_or_create(bank=bank, name="人民调解/原则")


def test_multiple_choice_shares_the_credit_between_right_choices(bank):
    question = single(bank, type=Question.Type.MULTIPLE, answer=["A", "C"])

    assert [c["fraction"] for c in question.current_version.choices] == [
        0.5,
        0.0,
        0.5,
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"answer": ["A", "B"]}, "exactly one right choice"),
        ({"answer": ["E"]}, "The answer E is not one of the choices (A–C)."),
        ({"choices": ["只有一个"]}, "at least two choices"),
        ({"choices": list("甲乙丙丁戊己庚辛壬")}, "at most 8 choices"),
        ({"choices": ["甲", ""]}, "Choice B has no text"),
        ({"points": Decimal("-1")}, "Points must be zero or more"),
        ({"stem": "  "}, "The question has no stem"),
        ({"type": Question.Type.MULTIPLE, "answer": []}, "at least one right choice"),
        ({"type": Question.Type.TRUE_FALSE, "answer": ["X"]}, "answer is T or F"),
        (
            {"type": Question.Type.FILL, "stem": "<p>（ ）</p>", "answer": [[""]]},
            "Blank 1 has no accepted answer",
        ),
        (
            {"type": Question.Type.FILL, "stem": "<p>没有空</p>", "answer": [["甲"]]},
            "Mark each blank",
        ),
        ({"type": Question.Type.SHORT, "answer": []}, "at least one accepted answer"),
        ({"difficulty": "extreme"}, "extreme is not a difficulty"),
    ],
)
def test_unfit_questions_are_refused_with_a_clear_message(bank, fields, message):
    with pytest.raises(ValidationError) as excinfo:
        single(bank, **fields)

    assert message in messages(excinfo)
    assert not Question.objects.exists()


def test_true_false_gets_its_two_choices(bank):
    question = single(bank, type=Question.Type.TRUE_FALSE, choices=(), answer=["f"])

    assert question.current_version.answer == ["F"]
    assert [
        (c["key"], c["text"], c["fraction"]) for c in question.current_version.choices
    ] == [
        ("T", "对", 0.0),
        ("F", "错", 1.0),
    ]


def test_essays_need_no_key(bank):
    question = single(
        bank, type=Question.Type.ESSAY, choices=(), answer=(), rubric="要点：依法。"
    )

    assert question.current_version.answer == []
    assert question.current_version.rubric == "<p>要点：依法。</p>"


def test_scripts_and_event_handlers_are_removed_from_stems(bank):
    question = single(
        bank,
        stem='<p onclick="x()">题干<script>alert(1)</script>'
        '<img src="javascript:alert(1)" alt="图"><a href="https://gov.cn">法条</a></p>',
    )

    assert question.current_version.stem == (
        '<p>题干<img alt="图"/><a href="https://gov.cn">法条</a></p>'
    )


def test_editing_an_unused_question_changes_it_in_place(bank):
    question = single(bank)

    version = question_update(
        question=question, by=None, stem="<p>新题干</p>", difficulty="hard", tags=["新"]
    )

    question.refresh_from_db()
    assert version.number == 1
    assert QuestionVersion.objects.filter(question=question).count() == 1
    assert question.current_version.stem == "<p>新题干</p>"
    assert question.difficulty == "hard"
    assert list(question.tags.names()) == ["新"]


def test_editing_a_used_question_makes_a_new_version_and_keeps_the_old(bank, worker):
    question = single(bank)
    used(question, worker)
    old = question.current_version

    version = question_update(question=question, by=worker, answer=["B"])

    question.refresh_from_db()
    old.refresh_from_db()
    assert version.number == 2
    assert question.current_version == version
    assert version.answer == ["B"]
    assert [c["fraction"] for c in version.choices] == [0.0, 1.0, 0.0]
    assert old.answer == ["A"]
    assert AttemptItem.objects.get().version == old


def test_a_used_question_changed_only_in_its_labels_keeps_its_version(bank, worker):
    question = single(bank)
    used(question, worker)

    version = question_update(
        question=question, by=worker, difficulty="easy", name="改名"
    )

    assert version.number == 1
    question.refresh_from_db()
    assert (question.name, question.difficulty) == ("改名", "easy")


def test_an_unfit_edit_changes_nothing(bank):
    question = single(bank)

    with pytest.raises(ValidationError):
        question_update(question=question, by=None, answer=["Z"])

    question.refresh_from_db()
    assert question.current_version.answer == ["A"]


def test_bank_names_are_unique_and_required(db):
    assert bank_get_or_create(name=" 题库 ") == bank_get_or_create(name="题库")
    with pytest.raises(ValidationError):
        bank_get_or_create(name=" ")
