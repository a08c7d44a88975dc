from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments and certificates")

    def ready(self):
        # Each area connects its own hooks: the quiz completion rule, competency
        # evidence, certificate issuing.
        from . import (  # noqa: F401
            completion,
            receivers_certificates,
            receivers_competencies,
        )

        post_migrate.connect(_ensure_default_framework, sender=self)


def _ensure_default_framework(sender, **kwargs):
    """The default competency framework exists after every migrate (and flush)."""
    from .services.competencies import framework_ensure_default

    framework_ensure_default()
