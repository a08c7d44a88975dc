from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _instruments_ensure(sender, using="default", **kwargs):
    from .services.instruments import instruments_ensure

    if using == "default":
        instruments_ensure()


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = _("Wellbeing")

    def ready(self):
        from . import checks  # noqa: F401

        # Instruments are data shipped in wellbeing/instruments/: every migrate
        # (and every test database flush) puts the current definitions in place.
        post_migrate.connect(
            _instruments_ensure, sender=self, dispatch_uid="wellbeing_instruments"
        )
