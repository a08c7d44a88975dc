"""Wellbeing: self-assessment instruments, consents and encrypted results.

A stress self-assessment is sensitive personal information (PIPL Art. 28–30):
it is processed only under its own consent, shown to the worker alone, and
kept encrypted. ``Result`` rows hold no readable answer, score or band: the
answers, score and band are one Fernet token (``payload``) read only on the
worker's own pages, and the band alone is a second token (``band_token``) so
that the aggregate selector decrypts nothing more than it counts. Nothing here
is registered in the Django or Wagtail admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Instrument(models.Model):
    """A questionnaire defined as data (see wellbeing/instruments/*.json).

    ``definition`` holds the items (text, reverse-scored flag), the response
    scale, the scoring, the bands with their supportive text, the help text,
    suggested course slugs and the consent text with its version.
    """

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    definition = models.JSONField(_("definition"))
    is_active = models.BooleanField(_("offered"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("self-assessment instrument")
        verbose_name_plural = _("self-assessment instruments")

    def __str__(self):
        return self.name

    @property
    def items(self) -> list[dict]:
        return self.definition["items"]

    @property
    def scale(self) -> list[dict]:
        return self.definition["scale"]

    @property
    def bands(self) -> list[dict]:
        return self.definition["bands"]

    @property
    def consent_version(self) -> int:
        return int(self.definition["consent"]["version"])

    @property
    def max_score(self) -> int:
        top = max(option["value"] for option in self.scale)
        return top * len(self.items)

    def score(self, answers: list[int]) -> int:
        """The total: reverse-scored items count (highest scale value − answer)."""
        values = [option["value"] for option in self.scale]
        low, high = min(values), max(values)
        total = 0
        for item, answer in zip(self.items, answers, strict=True):
            total += (low + high - answer) if item.get("reverse") else answer
        return total

    def band_index(self, score: int) -> int:
        for index, band in enumerate(self.bands):
            if band["min"] <= score <= band["max"]:
                return index
        raise ValueError(score)


class ConsentRecord(models.Model):
    """A worker's separate consent to one instrument, and its withdrawal.

    After a withdrawal the results are deleted; this row stays with only the
    times and the text version, as the record that processing was lawful.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wellbeing_consents",
        verbose_name=_("user"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("instrument"),
    )
    text_version = models.PositiveIntegerField(_("consent text version"))
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment consent")
        verbose_name_plural = _("self-assessment consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "instrument"],
                condition=Q(withdrawn_at__isnull=True),
                name="wellbeing_one_open_consent",
            )
        ]

    def __str__(self):
        return f"{self.instrument_id}/{self.pk}"


class Result(models.Model):
    """One completed self-assessment; readable by its worker only.

    ``unit_path`` is the worker's org unit (OrgUnit.path) when they answered,
    so that aggregates follow the org tree as it was.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wellbeing_results",
        verbose_name=_("user"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("instrument"),
    )
    consent = models.ForeignKey(
        ConsentRecord,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("consent"),
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    unit_path = models.CharField(_("org unit path"), max_length=255, blank=True)
    payload = models.TextField(_("encrypted answers and score"))
    band_token = models.TextField(_("encrypted band"))

    class Meta:
        verbose_name = _("self-assessment result")
        verbose_name_plural = _("self-assessment results")
        indexes = [
            models.Index(fields=["user", "instrument", "taken_at"]),
            models.Index(fields=["instrument", "taken_at"]),
            models.Index(fields=["taken_at"]),
        ]

    def __str__(self):
        return f"{self.instrument_id}/{self.pk}"
