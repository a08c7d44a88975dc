"""HR review: asynchronous exports and the records API's tokens."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """A large export of the records table, written by a Celery task.

    The file is stored under a random key in default storage (any app server
    can serve it) and may be downloaded by the user who asked for it only,
    until ``expires_at``; then the file is deleted.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (XLSX)")
        CSV = "csv", _("CSV")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Exporting")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # Validated filter ids (see records.selectors.filters.RecordFilters.as_dict).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(_("stored file"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.get_format_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.rows_done / self.total_rows))


def token_hash(raw: str) -> str:
    """The stored form of an API token: its SHA-256 (tokens are long and random)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_generate() -> str:
    return "lx_" + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A token for the records API, acting as its HR owner with the owner's scope.

    Only the hash is stored; the token itself is shown once when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="records_api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. 区人事系统.")
    )
    key_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    prefix = models.CharField(_("token starts with"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
