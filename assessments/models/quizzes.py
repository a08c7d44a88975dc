"""Quizzes: a lesson's quiz or a course's final exam, and how questions are chosen."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class Quiz(ClusterableModel):
    """The settings of a quiz; each worker's try is an Attempt."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson quiz")
        FINAL = "final", _("Final exam")

    class Grading(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")

    class Review(models.TextChoices):
        SCORE_ONLY = "score", _("Score only")
        AFTER_CLOSE = "closed", _("Answers after the quiz closes")
        ONCE_PASSED = "passed", _("Answers once passed")

    class MultipleScoring(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All or nothing")
        PARTIAL = "partial", _("Partial credit, wrong picks cost points")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("instructions"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=8, choices=Kind.choices, default=Kind.LESSON
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("course"),
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no time limit."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("2 means one attempt plus one resit."),
    )
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grading_method = models.CharField(
        _("grading method"),
        max_length=8,
        choices=Grading.choices,
        default=Grading.HIGHEST,
    )
    review_policy = models.CharField(
        _("after submitting, the worker sees"),
        max_length=8,
        choices=Review.choices,
        default=Review.ONCE_PASSED,
    )
    multiple_scoring = models.CharField(
        _("multiple-choice scoring"),
        max_length=8,
        choices=MultipleScoring.choices,
        default=MultipleScoring.ALL_OR_NOTHING,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    is_published = models.BooleanField(_("open to workers"), default=True)
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
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]
        constraints = [
            # One final exam per course; lesson quizzes are unlimited.
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(kind="final"),
                name="quiz_one_final_per_course",
            )
        ]

    def __str__(self):
        return self.title


class QuizQuestion(models.Model):
    """A question fixed in a quiz (every attempt gets it)."""

    quiz = ParentalKey(
        Quiz,
        on_delete=models.CASCADE,
        related_name="fixed_questions",
        verbose_name=_("quiz"),
    )
    question = models.ForeignKey(
        "assessments.Question",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("question"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty to use the question's own points."),
    )

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["quiz", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "question"], name="quiz_question_unique"
            )
        ]

    def __str__(self):
        return f"{self.quiz} · {self.question}"


class QuizDrawRule(models.Model):
    """Draw ``count`` random questions from a bank, category and difficulty."""

    quiz = ParentalKey(
        Quiz,
        on_delete=models.CASCADE,
        related_name="draw_rules",
        verbose_name=_("quiz"),
    )
    bank = models.ForeignKey(
        "assessments.QuestionBank",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bank"),
    )
    category = models.ForeignKey(
        "assessments.QuestionCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    difficulty = models.CharField(
        _("difficulty"),
        max_length=8,
        blank=True,
        choices=[
            ("easy", _("Easy")),
            ("medium", _("Medium")),
            ("hard", _("Hard")),
        ],
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), validators=[MinValueValidator(1)]
    )
    points = models.DecimalField(
        _("points each"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty to use each question's own points."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("random draw rule")
        verbose_name_plural = _("random draw rules")
        ordering = ["quiz", "sort_order", "id"]

    def __str__(self):
        return f"{self.quiz}: {self.count} × {self.bank}"
