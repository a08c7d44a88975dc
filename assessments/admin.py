"""Django admin for assessments: each area registers in its own admin_<area>.py."""

from . import admin_certificates, admin_questions  # noqa: F401
