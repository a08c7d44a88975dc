from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and training hours")

    def ready(self):
        from . import receivers, receivers_assignments  # noqa: F401
