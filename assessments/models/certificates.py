"""Certificates (结业证书): issued once per worker, course and validity cycle."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuerSettings(models.Model):
    """The issuing organisation printed on certificates (one row, edited by admins)."""

    name = models.CharField(_("issuing organisation"), max_length=100)
    seal = models.ImageField(
        _("seal image"), upload_to="certificates/seal/", blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate issuer")
        verbose_name_plural = _("certificate issuer")

    def __str__(self):
        return self.name


class CertificateSerial(models.Model):
    """The last serial number used in a year; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate serial counter")
        verbose_name_plural = _("certificate serial counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    """One certificate. What it states is copied at issue, so later edits to the
    course or the worker's name do not change a certificate already given."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("course"),
    )
    cycle = models.PositiveSmallIntegerField(_("validity cycle"), default=1)
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    holder_name = models.CharField(_("holder's name"), max_length=50)
    course_title = models.CharField(_("course title"), max_length=255)
    hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    issuer_name = models.CharField(_("issuing organisation"), max_length=100)
    design = models.CharField(_("design"), max_length=20, default="classic")
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/", blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    reminded_30_at = models.DateTimeField(
        _("30-day reminder sent"), null=True, blank=True
    )
    reminded_7_at = models.DateTimeField(
        _("7-day reminder sent"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="certificate_once_per_cycle"
            )
        ]
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self):
        return self.serial


class CertificateArchive(models.Model):
    """A ZIP of one course's certificates (those in the requester's HR scope),
    built by a Celery task that reports its progress here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("course"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("certificates"), default=0)
    done = models.PositiveIntegerField(_("certificates added"), default=0)
    file = models.FileField(_("ZIP file"), upload_to="certificates/zips/", blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate archive")
        verbose_name_plural = _("certificate archives")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.course_id} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.done / self.total))
