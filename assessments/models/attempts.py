"""Attempts: one worker's try at a quiz, its items (question slots) and grades.

The server decides everything about an attempt: the questions drawn, their order,
the deadline and the score. ``seq`` increases with every accepted write, so a
client that sends a stale ``seq`` gets 409 and changes nothing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "open", _("In progress")
        MARKING = "marking", _("Waiting for marking")
        FINISHED = "finished", pgettext_lazy("attempt status", "Finished")

    quiz = models.ForeignKey(
        "assessments.Quiz",
        on_delete=models.PROTECT,
        related_name="attempts",
        verbose_name=_("quiz"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("worker"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
    )
    seq = models.PositiveIntegerField(_("sequence"), default=0)
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("From the time limit and the closing time; empty for none."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    closed_by_timeout = models.BooleanField(
        _("closed when time ran out"), default=False
    )
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=8, decimal_places=2, default=0
    )
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_number_unique"
            ),
            # At most one open attempt per worker and quiz.
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(status="open"),
                name="attempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["user", "quiz"]),
        ]

    def __str__(self):
        return f"{self.quiz} · {self.user} · #{self.number}"


class AttemptItem(models.Model):
    """One question slot of an attempt, with the worker's answer and its mark.

    ``choice_order`` is the shuffled order of choice keys shown to this worker;
    ``answer`` is what they gave (a list of keys, or of texts for fill/short,
    or ``{"text": ...}`` for an essay).
    """

    attempt = models.ForeignKey(
        Attempt,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("attempt"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    version = models.ForeignKey(
        "assessments.QuestionVersion",
        on_delete=models.PROTECT,
        related_name="attempt_items",
        verbose_name=_("question version"),
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    choice_order = models.JSONField(_("choice order"), default=list, blank=True)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    needs_marking = models.BooleanField(_("needs marking"), default=False)
    feedback = models.TextField(_("marker's feedback"), blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt item")
        verbose_name_plural = _("attempt items")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attempt_item_unique"
            )
        ]
        indexes = [models.Index(fields=["needs_marking"])]

    def __str__(self):
        return f"{self.attempt} · {self.position}"


class QuizGrade(models.Model):
    """A worker's grade for a quiz by its grading method, kept by the grading
    service so that completion, competencies and HR pages read one row."""

    quiz = models.ForeignKey(
        "assessments.Quiz",
        on_delete=models.CASCADE,
        related_name="grades",
        verbose_name=_("quiz"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_grades",
        verbose_name=_("worker"),
    )
    attempt = models.ForeignKey(
        Attempt,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("attempt counted"),
    )
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"), default=False)
    passed_at = models.DateTimeField(_("first passed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quiz grade")
        verbose_name_plural = _("quiz grades")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="quiz_grade_unique")
        ]

    def __str__(self):
        return f"{self.quiz} · {self.user}: {self.percent}"
