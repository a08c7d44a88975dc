from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and organisation")

    def ready(self):
        from . import signals  # noqa: F401
        from .page_cache import connect_invalidation, page_cacheable

        connect_invalidation()
        # Wagtail's page view: the course pages opt in from their serve().
        from wagtail import views as wagtail_views

        page_cacheable(wagtail_views.serve)
