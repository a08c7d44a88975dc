"""The training-hours ledger (学时台账): append-only, credited exactly once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingRecordQuerySet(models.QuerySet):
    """Bulk writes would bypass the row guards: refuse them too."""

    def update(self, **kwargs):
        raise PermissionError("Training records are append-only; add a correction.")

    def delete(self):
        raise PermissionError("Training records are append-only; add a correction.")


class TrainingRecord(models.Model):
    """One credit (or correction) of training hours for a worker in a year.

    Never edited: a correction is a new row with negative or positive hours,
    a reason and a link to the row it corrects. The unique constraint on the
    source reference makes crediting the same completion twice impossible,
    whatever races or task retries happen.
    """

    class Source(models.TextChoices):
        ONLINE = "online", _("Online course")
        OFFLINE = "offline", _("Offline session")
        EXTERNAL = "external", _("Approved external training")
        CORRECTION = "correction", _("Correction")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_records",
        verbose_name=_("worker"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # What earned the hours: "course:12", "session:7", "claim:3", or the
    # corrected record's key. Unique per user among credits.
    reference = models.CharField(_("reference"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    reason = models.TextField(_("reason"), blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training-hours ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source", "reference"],
                condition=~models.Q(source="correction"),
                name="trainingrecord_credit_once",
            )
        ]
        indexes = [models.Index(fields=["user", "year"])]

    def __str__(self):
        return f"{self.user} {self.year} {self.hours} ({self.get_source_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Training records are append-only; add a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Training records are append-only; add a correction.")


class HoursTarget(models.Model):
    """Annual hours a worker should reach; a row without position is the default."""

    year = models.PositiveSmallIntegerField(_("year"))
    position = models.ForeignKey(
        "people.Position",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hours_targets",
        verbose_name=_("position"),
    )
    hours = models.DecimalField(_("target hours"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["-year", "position"]
        verbose_name = _("hours target")
        verbose_name_plural = _("hours targets")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "position"], name="hourstarget_unique"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(position__isnull=True),
                name="hourstarget_default_unique",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.position or '—'} {self.hours}"
