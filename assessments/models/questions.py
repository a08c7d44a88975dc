"""Question banks and questions.

One table for every question type (the type is a field, the type-specific parts
are JSON on the version) rather than a subclass per type: a version must snapshot
stem, choices and key together, and a single table makes that one row.

A Question is the identity a bank lists; a QuestionVersion is an immutable
snapshot of what a worker saw and how it was marked. Attempts point at versions,
so editing a question that was used creates a new version and leaves past
attempts with their original text and key (see services.questions).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase


class QuestionBank(models.Model):
    """A named set of questions, usually one per course or topic."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="question_banks",
        verbose_name=_("course"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name"]

    def __str__(self):
        return self.name


class QuestionCategory(models.Model):
    """A category inside a bank; ``name`` may be a path such as 民法典/合同编."""

    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("bank"),
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["bank", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "name"], name="question_category_unique"
            )
        ]

    def __str__(self):
        return self.name


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "assessments.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(ClusterableModel):
    """A question in a bank. Its text, choices and key live on ``current_version``."""

    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "truefalse", _("True/false")
        FILL = "fill", _("Fill in the blanks")
        SHORT = "short", _("Short answer")
        ESSAY = "essay", _("Essay")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("bank"),
    )
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("category"),
    )
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    difficulty = models.CharField(
        _("difficulty"),
        max_length=8,
        choices=Difficulty.choices,
        default=Difficulty.MEDIUM,
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("A short name for lists; imports fill it from the source."),
    )
    current_version = models.ForeignKey(
        "assessments.QuestionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True)
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Retired questions stay in past attempts but are not drawn."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "id"]
        indexes = [
            models.Index(fields=["bank", "category", "difficulty", "is_active"]),
        ]

    def __str__(self):
        return self.name or f"#{self.pk}"


class QuestionVersion(models.Model):
    """What one version of a question said and how it is marked; never edited
    once an attempt uses it, except by a key correction (which regrades).

    ``choices``: ``[{"key": "A", "text": "...", "fraction": 1.0, "feedback": ""}]``
    for single/multiple/true-false (true/false uses keys "T" and "F"); the
    fraction is Moodle's: 1.0 for a right choice, partial or negative otherwise.

    ``answer``: the key in a form per type —
    single ``["A"]``; multiple ``["A", "C"]``; true/false ``["T"]`` or ``["F"]``;
    fill ``[["答案1", "答案2"], ["第二空"]]`` (accepted answers per blank);
    short ``["accepted", "also accepted"]``; essay ``[]``.
    """

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("question"),
    )
    number = models.PositiveIntegerField(_("version"), default=1)
    stem = models.TextField(_("stem"), help_text=_("HTML from the rich-text editor."))
    choices = models.JSONField(_("choices"), default=list, blank=True)
    answer = models.JSONField(_("answer key"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    rubric = models.TextField(_("marking rubric"), blank=True)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="question_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.question} v{self.number}"
