"""Sign-ins, sign-outs, failures and lockouts go to the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action="login", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    typed = (credentials or {}).get("username", "")
    audit_record(
        action="login_failed", details={"username": typed[:150]}, request=request
    )


@receiver(user_locked_out)
def audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        action="login_locked",
        details={"username": (username or "")[:150]},
        request=request,
    )


@receiver(post_migrate)
def create_role_groups(sender, **kwargs):
    if sender.name == "people":
        from .services import roles_ensure

        roles_ensure()
