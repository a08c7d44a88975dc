"""Competency framework and each worker's competency progress.

WorkerCompetency is the current level, kept by ``competency_evidence_add`` when
evidence arrives (never recomputed on page load); CompetencyEvidence is the
trail that explains it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class CompetencyFramework(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    level_names = models.JSONField(
        _("level names"),
        default=list,
        blank=True,
        help_text=_("Names of levels 1–4, e.g. 了解, 理解, 应用, 精通."),
    )
    is_default = models.BooleanField(_("default framework"), default=False)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Competency(models.Model):
    framework = models.ForeignKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=_("framework"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    level_descriptions = models.JSONField(
        _("what each level means"), default=list, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="competency_code_unique"
            )
        ]

    def __str__(self):
        return self.name


class CourseCompetency(models.Model):
    """Completing the course is evidence of the competency at this level."""

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="competency_links",
        verbose_name=_("course"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="course_links",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)

    class Meta:
        verbose_name = _("course competency")
        verbose_name_plural = _("course competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "competency"], name="course_competency_unique"
            )
        ]

    def __str__(self):
        return f"{self.course} → {self.competency} L{self.level}"


class QuestionCompetency(models.Model):
    """The question tests the competency at this level."""

    question = models.ForeignKey(
        "assessments.Question",
        on_delete=models.CASCADE,
        related_name="competency_links",
        verbose_name=_("question"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="question_links",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)

    class Meta:
        verbose_name = _("question competency")
        verbose_name_plural = _("question competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "competency"], name="question_competency_unique"
            )
        ]

    def __str__(self):
        return f"{self.question} → {self.competency} L{self.level}"


class CompetencyEvidence(models.Model):
    """One piece of evidence for a worker's competency level; append-only."""

    class Source(models.TextChoices):
        COURSE = "course", _("Completed a course")
        QUIZ = "quiz", _("Passed a quiz")
        SCORE = "score", _("Score on the competency's questions")
        RATING = "rating", _("Rating by a trainer or HR")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competency_evidence",
        verbose_name=_("worker"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("competency"),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    achieved = models.BooleanField(
        _("achieves the level"),
        default=True,
        # xgettext:no-python-format
        help_text=_("A score under 80% is kept as evidence but does not count."),
    )
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    quiz = models.ForeignKey(
        "assessments.Quiz",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quiz"),
    )
    attempt = models.ForeignKey(
        "assessments.Attempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attempt"),
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    note = models.TextField(_("note"), blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=80,
        help_text=_(
            "What produced it, e.g. attempt:12; the same evidence counts once."
        ),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("competency evidence")
        verbose_name_plural = _("competency evidence")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competency", "reference"],
                name="competency_evidence_once",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.competency} L{self.level}"


class WorkerCompetency(models.Model):
    """A worker's current level in a competency (0 = no evidence achieved yet)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=_("worker"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="worker_levels",
        verbose_name=_("competency"),
    )
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("worker competency")
        verbose_name_plural = _("worker competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "competency"], name="worker_competency_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.competency}: {self.level}"
