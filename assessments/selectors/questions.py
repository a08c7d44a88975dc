"""Reads for the trainers' question bank pages."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from taggit.models import Tag

from ..models import AttemptItem, Question, QuestionBank, QuestionCategory


def banks_for_trainer(*, user) -> QuerySet[QuestionBank]:
    """Every bank with its number of questions in use (trainers share banks)."""
    return QuestionBank.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_active=True))
    ).order_by("name")


def bank_questions_for_trainer(
    *,
    user,
    bank: QuestionBank,
    category: int | None = None,
    type: str = "",
    difficulty: str = "",
    tag: str = "",
) -> QuerySet[Question]:
    """A bank's questions, filtered, with what the list shows joined in.

    ``is_used`` says whether an attempt shows the current version (so an edit
    makes a new version); one subquery, whatever the number of rows.
    """
    questions = (
        Question.objects.filter(bank=bank)
        .select_related("current_version", "category")
        .prefetch_related("tagged_items__tag")
        .annotate(
            is_used=Exists(
                AttemptItem.objects.filter(version_id=OuterRef("current_version_id"))
            )
        )
        .order_by("-id")
    )
    if category:
        questions = questions.filter(category_id=category)
    if type in Question.Type.values:
        questions = questions.filter(type=type)
    if difficulty in Question.Difficulty.values:
        questions = questions.filter(difficulty=difficulty)
    if tag:
        questions = questions.filter(tagged_items__tag__name=tag).distinct()
    return questions


def bank_filter_choices(*, bank: QuestionBank) -> dict:
    """The categories and tags a bank's question list can be filtered by."""
    return {
        "categories": list(QuestionCategory.objects.filter(bank=bank).order_by("name")),
        "tags": list(
            Tag.objects.filter(assessments_questiontag_items__content_object__bank=bank)
            .distinct()
            .order_by("name")
            .values_list("name", flat=True)
        ),
    }


def question_for_trainer(*, user, pk: int) -> Question:
    """One question with its bank, version and tags (raises DoesNotExist)."""
    return (
        Question.objects.select_related("bank", "current_version", "category")
        .prefetch_related("tagged_items__tag")
        .get(pk=pk)
    )


def question_attempt_count(*, question: Question) -> int:
    """How many attempts show the question's current version."""
    return (
        AttemptItem.objects.filter(version_id=question.current_version_id)
        .values("attempt_id")
        .distinct()
        .count()
    )


def question_versions(*, question: Question) -> list:
    """The question's versions, newest first, each with its number of attempts."""
    return list(
        question.versions.annotate(
            attempt_count=Count("attempt_items__attempt", distinct=True)
        )
        .select_related("created_by")
        .order_by("-number")
    )
