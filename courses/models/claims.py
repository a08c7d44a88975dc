"""External hours claims: training done elsewhere, approved by HR into the ledger."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def claim_proof_path(instance, filename: str) -> str:
    """A random name: the proof is served by a view that checks who asks, and
    a name nobody can guess keeps it private even if media were exposed."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"claims/{uuid.uuid4().hex}.{ext}"


class ExternalHoursClaim(models.Model):
    """A worker's claim for hours of training done elsewhere (外部培训学时)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hours_claims",
        verbose_name=_("worker"),
    )
    title = models.CharField(_("training title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.5")),
            MaxValueValidator(Decimal("100")),
        ],
    )
    proof = models.FileField(_("proof"), upload_to=claim_proof_path, max_length=200)
    proof_name = models.CharField(_("proof file name"), max_length=255, blank=True)
    proof_content_type = models.CharField(
        _("proof content type"), max_length=50, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reason = models.TextField(_("reason"), blank=True)
    training_record = models.ForeignKey(
        "courses.TrainingRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("external hours claim")
        verbose_name_plural = _("external hours claims")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="externalhoursclaim_dates_in_order",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self):
        return f"{self.user} · {self.title}"

    @property
    def is_image(self) -> bool:
        return self.proof_content_type.startswith("image/")
