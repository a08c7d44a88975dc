"""Offline sessions (集中培训, 专题讲座, 模拟演练) and attendance."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return secrets.token_hex(32)


class OfflineSession(models.Model):
    class Kind(models.TextChoices):
        CLASS = "class", _("Concentrated training (集中培训)")
        LECTURE = "lecture", _("Lecture (专题讲座)")
        DRILL = "drill", _("Simulation drill (模拟演练)")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offline_sessions",
        verbose_name=_("related course"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_sessions",
        verbose_name=_("organiser"),
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    capacity = models.PositiveIntegerField(_("capacity"))
    # Seeds the rotating check-in code; never shown.
    checkin_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("offline session")
        verbose_name_plural = _("offline sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="offlinesession_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class SessionRegistration(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("Scanned the code")
        ROSTER = "roster", _("Ticked by the organiser")

    session = models.ForeignKey(
        OfflineSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_registrations",
        verbose_name=_("worker"),
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    attended_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checkin_method = models.CharField(
        _("check-in method"), max_length=16, choices=Method.choices, blank=True
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="sessionregistration_unique"
            )
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"
