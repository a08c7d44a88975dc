from . import roles
from .models import Notification


def _unread_count(request):
    """The bell's number: one query, the first time a template asks, per request."""

    def count() -> int:
        cached = getattr(request, "_lianxin_unread", None)
        if cached is None:
            cached = Notification.objects.filter(
                user_id=request.user.pk, read_at__isnull=True
            ).count()
            request._lianxin_unread = cached
        return cached

    return count


def navigation(request):
    """What the base template needs to draw the menu for this user's roles."""
    user = getattr(request, "user", None)
    held = roles.user_roles(user) if user is not None else frozenset()
    return {
        "roles": held,
        "is_worker": roles.WORKER in held,
        "is_trainer": bool(held & {roles.TRAINER, roles.REVIEWER, roles.ADMIN}),
        "can_mark": bool(held & {roles.TRAINER, roles.ADMIN}),
        "is_hr": bool(held & {roles.HR, roles.ADMIN}),
        "is_admin": roles.ADMIN in held,
        # A callable, so that pages that do not draw the bell do not count.
        "unread_notifications": (
            _unread_count(request) if getattr(user, "is_authenticated", False) else 0
        ),
    }
